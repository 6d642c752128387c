"""Layer specifications: names, geometry types, canonical fields and their allowed values."""

from __future__ import annotations

from dataclasses import dataclass, field

from asmgeo.errors import UnknownLayerError

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
    ("Point", "Polygon"),
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
    ("Point", "Polygon"),
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
