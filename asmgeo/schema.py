"""Layer specifications: names, geometry types, canonical fields and their allowed values."""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from dataclasses import dataclass, field

from babel.dates import format_skeleton

from asmgeo.errors import UnknownLayerError
from asmgeo.i18n import date as format_date

COMMODITIES = (
    "gold", "cassiterite", "coltan", "wolframite", "diamond", "gemstones",
    "copper", "cobalt", "construction_materials", "other",
)
LEGAL_STATUSES = ("licensed", "in_process", "informal", "illegal", "unknown")
MINING_METHODS = ("alluvial", "hard_rock", "tailings_reprocessing", "other")
YES_NO_UNKNOWN = ("yes", "no", "unknown")
AMALGAMATION = ("whole_ore", "concentrate", "none", "unknown")
BURNING = ("open", "residential", "fume_hood", "none", "unknown")
TAILINGS_STATUSES = ("active", "inactive", "abandoned", "reprocessed")

ANNEX_C_PRACTICES = (
    "whole_ore_amalgamation",
    "open_burning",
    "residential_burning",
    "cyanide_on_mercury_tailings",
)
PRACTICES = ANNEX_C_PRACTICES + (
    "concentrate_amalgamation",
    "retort",
    "gravity_concentration",
    "direct_smelting",
    "cyanide_leaching",
)
PRACTICE_SEPARATOR = ";"


@dataclass(frozen=True)
class Field:
    """One canonical field of a layer."""

    name: str
    kind: str  # "text", "date", "integer", "number", "category", "list"
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerSpec:
    """A layer asmgeo stores: its name, accepted geometry types and canonical fields."""

    name: str
    geometry_types: tuple[str, ...]
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def field_names(self) -> list[str]:
        """Canonical field names in schema order."""
        return [f.name for f in self.fields]


SITES = LayerSpec(
    "sites",
    ("Point", "Polygon", "MultiPolygon"),
    (
        Field("site_id", "text", required=True),
        Field("commodity", "category", required=True, choices=COMMODITIES),
        Field("survey_date", "date", required=True),
        Field("name", "text"),
        Field("country", "text"),
        Field("legal_status", "category", choices=LEGAL_STATUSES),
        Field("mining_method", "category", choices=MINING_METHODS),
        Field("workers", "integer"),
        Field("women", "integer"),
        Field("mercury_use", "category", choices=YES_NO_UNKNOWN),
        Field("practices", "list", choices=PRACTICES),
        Field("source", "text"),
    ),
)
MERCURY = LayerSpec(
    "mercury",
    ("Point",),
    (
        Field("record_id", "text", required=True),
        Field("survey_date", "date", required=True),
        Field("hg_kg_per_year", "number", required=True),
        Field("site_id", "text"),
        Field("amalgamation", "category", choices=AMALGAMATION),
        Field("retort", "category", choices=YES_NO_UNKNOWN),
        Field("burning", "category", choices=BURNING),
        Field("source", "text"),
    ),
)
TAILINGS = LayerSpec(
    "tailings",
    ("Point", "Polygon", "MultiPolygon"),
    (
        Field("tailings_id", "text", required=True),
        Field("survey_date", "date", required=True),
        Field("status", "category", required=True, choices=TAILINGS_STATUSES),
        Field("site_id", "text"),
        Field("volume_m3", "number"),
        Field("contains_mercury", "category", choices=YES_NO_UNKNOWN),
        Field("contains_cyanide", "category", choices=YES_NO_UNKNOWN),
        Field("source", "text"),
    ),
)
GEOLOGY_UNITS = LayerSpec(
    "geology_units",
    ("Polygon",),
    (
        Field("unit_id", "text", required=True),
        Field("lithology", "text", required=True),
        Field("country", "text"),
        Field("source", "text"),
    ),
)
COUNTRIES = LayerSpec(
    "countries",
    ("Polygon",),
    (
        Field("iso3", "text", required=True),
        Field("name", "text", required=True),
        Field("region", "text", required=True),
    ),
)

LAYERS: dict[str, LayerSpec] = {s.name: s for s in (SITES, MERCURY, TAILINGS, GEOLOGY_UNITS, COUNTRIES)}


def layer_spec(name: str) -> LayerSpec:
    """The spec of layer ``name``; raises :class:`UnknownLayerError` naming the known ones."""
    try:
        return LAYERS[name]
    except KeyError:
        raise UnknownLayerError(f"Unknown layer {name!r}; known layers are {', '.join(LAYERS)}.") from None


# --- Aliases: how uploads (EN/FR/ES, KoboToolbox/ODK exports) name fields and values -----------------
# Matching goes through alias_key(): case, accents and separators do not matter ("Nb_Femmes" == "nb femmes").
# A canonical name is always its own alias. Uploads may prefix a field with its form group ("grp/site_id").

UPLOAD_LAYERS = ("sites", "mercury", "tailings", "geology_units")
ID_FIELDS = {"sites": "site_id", "mercury": "record_id", "tailings": "tailings_id", "geology_units": "unit_id"}

# --- Columns an import adds after the canonical fields (not upload fields: no alias ever matches them) ----------
# survey_date_precision: how much of survey_date the file gave ("2019" → year, "2024-01" → month); survey_date
# itself holds the first day of that period. submission_id: the KoboToolbox/ODK submission a record came from,
# so a cumulative export can be imported again without its records twice. extra: the file's other columns, one
# JSON object per feature (column → value as read).
SURVEY_DATE_PRECISION = "survey_date_precision"
SUBMISSION_ID = "submission_id"
EXTRA = "extra"
DATE_PRECISIONS = ("year", "month", "day")
# Import columns kept inside the app: never in a download, hand-out, share link or briefing, nor in a public popup
# (the submission id and the file's other columns can name people: an enumerator's phone, a household).
WITHHELD_COLUMNS = (SUBMISSION_ID, EXTRA)
# Columns holding a submission id, best first (a group prefix is allowed: "meta/instanceID").
SUBMISSION_ID_COLUMNS = ("_uuid", "instanceID", "KEY")


def import_columns(layer: str) -> tuple[str, ...]:
    """The columns an import adds after the canonical fields of ``layer``, in order."""
    dated = "survey_date" in layer_spec(layer).field_names
    return (*((SURVEY_DATE_PRECISION,) if dated else ()), SUBMISSION_ID, EXTRA)


def _as_date(value: object) -> dt.date | None:
    """A date from a date, datetime, pandas Timestamp or ISO text (None for a missing value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("NaT", "nan", ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    return dt.date.fromisoformat(str(value)[:10])


def _check_precision(precision: object) -> str:
    """``precision`` itself ("year", "month" or "day"); None or a missing value means "day"."""
    if precision is None or (isinstance(precision, float) and math.isnan(precision)) or str(precision) in ("", "nan"):
        return "day"
    if precision not in DATE_PRECISIONS:
        raise ValueError(f"precision={precision!r} must be one of {DATE_PRECISIONS} or None")
    return str(precision)


def period_end(value: object, precision: object = "day") -> dt.date | None:
    """The last day of the survey-date period that starts at ``value`` (2019 → 2019-12-31; a day → itself)."""
    start = _as_date(value)
    precision = _check_precision(precision)
    if start is None:
        return None
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def format_survey_date(value: object, precision: object = "day", lang: str = "en", style: str = "iso") -> str:
    """A survey date shown at the precision it was written with ("" when missing).

    ``style="iso"`` writes ``2019``, ``2024-01`` or ``2024-01-15``; ``style="medium"`` writes the
    language's words (``2019``, ``Jan 2024`` / ``janv. 2024``, ``15 Jan 2024``).
    """
    if style not in ("iso", "medium"):
        raise ValueError(f"style={style!r} must be 'iso' or 'medium'")
    start = _as_date(value)
    precision = _check_precision(precision)
    if start is None:
        return ""
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "month":
        if style == "iso":
            return f"{start.year:04d}-{start.month:02d}"
        return format_skeleton("yMMM", start, locale=lang)
    return start.isoformat() if style == "iso" else format_date(start, lang)

_DATE_ALIASES = (
    "date", "visit_date", "date_visite", "date_de_visite", "date_enquete", "date_de_l_enquete", "date_releve",
    "fecha", "fecha_visita", "fecha_de_visita", "fecha_encuesta", "fecha_de_la_encuesta", "today",
)
_SITE_ID_ALIASES = (
    "site", "site_code", "id_site", "code_site", "code_du_site", "identifiant_site", "identifiant_du_site",
    "id_sitio", "sitio_id", "codigo_sitio", "codigo_del_sitio",
)
_SOURCE_ALIASES = ("data_source", "source_des_donnees", "fuente", "fuente_de_datos", "origen")
_COUNTRY_ALIASES = ("pays", "pais", "iso3", "country_code", "code_pays", "codigo_pais")

FIELD_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sites": {
        "site_id": _SITE_ID_ALIASES,
        "commodity": ("mineral", "minerals", "substance", "main_commodity", "minerai", "minerais", "commodite",
                      "substance_exploitee", "ressource", "sustancia", "producto", "recurso", "mineral_principal"),
        "survey_date": _DATE_ALIASES,
        "name": ("site_name", "nom", "nom_site", "nom_du_site", "nombre", "nombre_sitio", "nombre_del_sitio"),
        "country": _COUNTRY_ALIASES,
        "legal_status": ("legal", "licence_status", "permit_status", "statut", "statut_legal", "statut_juridique",
                         "estado_legal", "situacion_legal", "estatus_legal"),
        "mining_method": ("method", "methode", "methode_extraction", "type_exploitation", "metodo",
                          "metodo_extraccion", "tipo_mineria", "tipo_de_mineria"),
        "workers": ("miners", "number_of_workers", "nb_workers", "n_workers", "workforce", "travailleurs",
                    "nb_travailleurs", "nombre_travailleurs", "nombre_de_travailleurs", "mineurs", "orpailleurs",
                    "trabajadores", "numero_trabajadores", "numero_de_trabajadores", "mineros"),
        "women": ("female_workers", "women_workers", "nb_women", "femmes", "nb_femmes", "nombre_femmes",
                  "nombre_de_femmes", "mujeres", "numero_mujeres", "numero_de_mujeres", "trabajadoras"),
        "mercury_use": ("mercury", "uses_mercury", "hg_use", "mercure", "utilisation_mercure",
                        "utilisation_du_mercure", "usage_mercure", "mercurio", "uso_mercurio", "uso_de_mercurio"),
        "practices": ("practice", "pratiques", "pratique", "practicas", "practica"),
        "source": _SOURCE_ALIASES,
    },
    "mercury": {
        "record_id": ("record", "id_record", "enregistrement", "id_enregistrement", "registro", "id_registro"),
        "survey_date": _DATE_ALIASES,
        "hg_kg_per_year": ("hg_kg_year", "hg_kg", "mercury_kg_per_year", "mercury_kg", "kg_hg_per_year",
                           "mercure_kg_an", "mercure_kg_par_an", "hg_kg_an", "mercurio_kg_ano", "mercurio_kg_por_ano",
                           "hg_kg_ano"),
        "site_id": _SITE_ID_ALIASES,
        "amalgamation": ("amalgamation_method", "amalgame", "methode_amalgamation", "amalgamacion"),
        "retort": ("cornue", "retorte", "retorta"),
        "burning": ("burning_location", "brulage", "lieu_de_brulage", "quema", "lugar_de_quema"),
        "source": _SOURCE_ALIASES,
    },
    "tailings": {
        "tailings_id": ("tailing_id", "id_tailings", "residus_id", "id_residus", "rejets_id", "id_rejets",
                        "relaves_id", "id_relaves"),
        "survey_date": _DATE_ALIASES,
        "status": ("tailings_status", "statut", "etat", "estado"),
        "site_id": _SITE_ID_ALIASES,
        "volume_m3": ("volume", "volumen", "volumen_m3"),
        "contains_mercury": ("mercury", "hg", "contient_mercure", "mercure", "contiene_mercurio", "mercurio"),
        "contains_cyanide": ("cyanide", "contient_cyanure", "cyanure", "contiene_cianuro", "cianuro"),
        "source": _SOURCE_ALIASES,
    },
    "geology_units": {
        "unit_id": ("unit", "code_unite", "unite", "unidad", "codigo_unidad"),
        "lithology": ("lithologie", "litologia", "rock_type", "type_de_roche", "tipo_de_roca"),
        "country": _COUNTRY_ALIASES,
        "source": _SOURCE_ALIASES,
    },
}

_YES_NO_UNKNOWN_ALIASES = {
    "yes": ("y", "true", "1", "oui", "vrai", "si", "verdadero"),
    "no": ("n", "false", "0", "non", "faux", "falso"),
    "unknown": ("dont_know", "do_not_know", "dk", "not_known", "inconnu", "inconnue", "ne_sait_pas", "nsp",
                "desconocido", "desconocida", "no_sabe", "ns"),
}
VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "commodity": {
        "gold": ("au", "or", "oro", "gold_ore"),
        "cassiterite": ("tin", "sn", "etain", "cassiterita", "casiterita", "estano"),
        "coltan": ("columbite_tantalite", "colombo_tantalite", "colombita_tantalita"),
        "wolframite": ("tungsten", "wolfram", "tungstene", "wolframita", "tungsteno"),
        "diamond": ("diamonds", "diamant", "diamants", "diamante", "diamantes"),
        "gemstones": ("gems", "gemstone", "gemmes", "pierres_precieuses", "pierres_fines", "piedras_preciosas",
                      "gemas"),
        "copper": ("cu", "cuivre", "cobre"),
        "cobalt": ("cobalto",),
        "construction_materials": ("sand", "gravel", "aggregates", "sable", "gravier", "granulats",
                                   "materiaux_de_construction", "arena", "grava", "aridos",
                                   "materiales_de_construccion"),
        "other": ("autre", "otro", "otra"),
    },
    "legal_status": {
        "licensed": ("licenced", "licence", "license", "permitted", "legal", "autorise", "titre", "avec_permis",
                     "licencie", "con_licencia", "licenciado", "autorizado"),
        "in_process": ("pending", "in_progress", "en_cours", "demande_en_cours", "en_cours_de_formalisation",
                       "en_proceso", "en_tramite"),
        "informal": ("informel", "informelle"),
        "illegal": ("illegale", "clandestin", "ilegal", "clandestino"),
        "unknown": _YES_NO_UNKNOWN_ALIASES["unknown"],
    },
    "mining_method": {
        "alluvial": ("placer", "alluvionnaire", "aluvial"),
        "hard_rock": ("primary", "primaire", "roche_dure", "filonien", "filon", "roca_dura", "veta", "filoniano"),
        "tailings_reprocessing": ("reprocessing", "retraitement", "retraitement_des_residus", "reprocesamiento",
                                  "reprocesamiento_de_relaves"),
        "other": ("autre", "otro", "otra"),
    },
    "mercury_use": _YES_NO_UNKNOWN_ALIASES,
    "retort": _YES_NO_UNKNOWN_ALIASES,
    "contains_mercury": _YES_NO_UNKNOWN_ALIASES,
    "contains_cyanide": _YES_NO_UNKNOWN_ALIASES,
    "amalgamation": {
        "whole_ore": ("whole_ore_amalgamation", "minerai_entier", "amalgamation_du_minerai_entier",
                      "mineral_entero", "amalgamacion_del_mineral_entero"),
        "concentrate": ("concentrate_amalgamation", "concentre", "amalgamation_du_concentre", "concentrado",
                        "amalgamacion_del_concentrado"),
        "none": ("no", "non", "aucune", "aucun", "ninguna", "ninguno"),
        "unknown": _YES_NO_UNKNOWN_ALIASES["unknown"],
    },
    "burning": {
        "open": ("open_air", "open_burning", "plein_air", "air_libre", "a_l_air_libre", "aire_libre",
                 "al_aire_libre", "a_cielo_abierto"),
        "residential": ("home", "house", "residential_area", "residentiel", "domicile", "maison",
                        "zone_residentielle", "residencial", "casa", "vivienda", "zona_residencial"),
        "fume_hood": ("hood", "hotte", "hotte_aspirante", "campana", "campana_extractora"),
        "none": ("no", "non", "aucun", "aucune", "ninguno", "ninguna"),
        "unknown": _YES_NO_UNKNOWN_ALIASES["unknown"],
    },
    "status": {
        "active": ("actif", "activo", "activa"),
        "inactive": ("inactif", "inactivo", "inactiva"),
        "abandoned": ("abandonne", "abandonnee", "abandonado", "abandonada"),
        "reprocessed": ("retraite", "retraitee", "reprocesado", "reprocesada"),
    },
    "practices": {
        "whole_ore_amalgamation": ("amalgamation_du_minerai_entier", "amalgamacion_del_mineral_entero"),
        "open_burning": ("brulage_a_l_air_libre", "brulage_en_plein_air", "quema_al_aire_libre",
                         "quema_a_cielo_abierto"),
        "residential_burning": ("brulage_en_zone_residentielle", "brulage_a_domicile", "quema_en_zona_residencial",
                                "quema_en_casa"),
        "cyanide_on_mercury_tailings": ("cyanuration_de_residus_mercuriels", "cianuracion_de_relaves_con_mercurio"),
        "concentrate_amalgamation": ("amalgamation_du_concentre", "amalgamacion_del_concentrado"),
        "retort": ("cornue", "retorta"),
        "gravity_concentration": ("gravity", "concentration_gravimetrique", "concentracion_gravimetrica"),
        "direct_smelting": ("fusion_directe", "fundicion_directa"),
        "cyanide_leaching": ("cyanuration", "lixiviation_au_cyanure", "cianuracion", "lixiviacion_con_cianuro"),
    },
}

# Columns a geometry is built from when a file has none (CSV, attribute tables).
LONGITUDE_ALIASES = ("longitude", "lon", "long", "lng", "x", "longitud", "x_coord", "coord_x", "longitude_dd",
                     "gps_longitude", "longitude_wgs84", "lon_wgs84", "longitude_decimal", "longitud_decimal")
LATITUDE_ALIASES = ("latitude", "lat", "y", "latitud", "y_coord", "coord_y", "latitude_dd", "gps_latitude",
                    "latitude_wgs84", "lat_wgs84", "latitude_decimal", "latitud_decimal")
WKT_ALIASES = ("wkt", "geometry", "geom", "the_geom", "geometrie", "geometria", "footprint", "emprise")
GEOPOINT_ALIASES = ("geopoint", "gps", "gps_point", "location", "coordinates", "coords", "position",
                    "localisation", "coordonnees", "coordonnees_gps", "point_gps", "ubicacion", "coordenadas",
                    "punto_gps")
GEOLOCATION_ALIASES = ("_geolocation",)  # KoboToolbox: "[lat, lon]"
# Export bookkeeping (KoboToolbox, ODK Central, GDAL's KML driver): never reported as unused columns.
METADATA_COLUMNS = (
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "audit",
    "instanceID", "instanceName", "deprecatedID", "formhub_uuid", "__version__", "SubmissionDate", "KEY",
    "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
    "DeviceID", "Edits", "FormVersion", "Altitude", "Accuracy", "id", "description", "timestamp", "begin",
    "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon",
)


def alias_key(text: object) -> str:
    """``text`` folded for alias matching: lower case, accents and every non-alphanumeric character removed."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _alias_index(aliases: dict[str, tuple[str, ...]], what: str) -> dict[str, str]:
    """Folded alias → canonical name; a key claimed by two canonical names is a schema bug."""
    index: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            key = alias_key(name)
            if index.setdefault(key, canonical) != canonical:
                raise ValueError(f"alias {name!r} of {what} means both {index[key]!r} and {canonical!r}")
    return index


@functools.cache
def field_alias_index(layer: str) -> dict[str, str]:
    """Folded column name → canonical field of ``layer`` (canonical names included)."""
    spec = layer_spec(layer)
    if layer not in FIELD_ALIASES:
        raise ValueError(f"layer={layer!r} takes no uploads; upload layers are {', '.join(UPLOAD_LAYERS)}")
    aliases = {name: (*FIELD_ALIASES[layer].get(name, ()), *_dbase_name(name)) for name in spec.field_names}
    return _alias_index(aliases, f"layer {layer!r}")


def _dbase_name(name: str) -> tuple[str, ...]:
    """The 10-character name a Shapefile (dBase) gives a longer field (``survey_date`` → ``survey_dat``)."""
    return (name[:10],) if len(name) > 10 else ()


@functools.cache
def value_alias_index(field_name: str) -> dict[str, str]:
    """Folded value → canonical value of category or list field ``field_name`` (choices included)."""
    choices = next((f.choices for spec in LAYERS.values() for f in spec.fields if f.name == field_name and f.choices),
                   None)
    if choices is None:
        raise ValueError(f"field={field_name!r} has no fixed choices")
    aliases = {choice: VALUE_ALIASES.get(field_name, {}).get(choice, ()) for choice in choices}
    return _alias_index(aliases, f"field {field_name!r}")
