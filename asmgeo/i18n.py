"""Every visible string goes through :func:`t`; English now, French and Spanish later."""

from __future__ import annotations

from string import Formatter

LANGUAGES = ("en",)
DEFAULT_LANGUAGE = "en"

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "asmgeo — ASM sites and the MPF Pillar 6 record",
        "nav.home": "Overview map",
        "sidebar.language": "Language",
        "sidebar.data_status": "Data status",
        "sidebar.store": "Store: {location}",
        "sidebar.layer_count": "{layer}: {count} features",
        "sidebar.site_visits": "The sites layer holds one feature per visit; {sites} distinct sites.",
        "sidebar.demo_label": "Demo data: synthetic sites and illustrative Pillar 6 ratings.",
        "store.demo_built": "The store was empty, so a synthetic demo ({sites} sites) was built: {seconds:.1f} s.",
        "nav.explorer": "Map explorer",
        "explorer.title": "Map explorer",
        "explorer.url_warning": "Part of the link was ignored: {reason}",
        "explorer.notice": (
            "Sites are grouped into clusters until few enough are in view; click a cluster to zoom in. "
            "Draw a rectangle or polygon to summarise an area. Demo sites are synthetic and Pillar 6 "
            "ratings illustrative."
        ),
        "explorer.scope": "Scope",
        "explorer.scope.world": "World",
        "explorer.scope.region": "Region",
        "explorer.scope.country": "Country",
        "explorer.region": "Region",
        "explorer.country": "Country",
        "explorer.layers": "Layers",
        "explorer.pillar_scope": "Choropleth: Pillar 6 % implemented",
        "explorer.pillar_all": "Whole pillar",
        "explorer.site_style": "Colour sites by",
        "explorer.filters": "Filters",
        "explorer.filter.commodity": "Commodity",
        "explorer.filter.legal_status": "Legal status",
        "explorer.filter.practice_class": "Practice class",
        "explorer.filter.mercury_use": "Mercury use",
        "explorer.all": "All",
        "explorer.workers": "Workers (latest visit)",
        "explorer.dates": "Latest survey date",
        "explorer.raster_opacity": "Geology raster opacity",
        "explorer.area.title": "Drawn area",
        "explorer.area.hint": "Draw a rectangle or polygon on the map (tools at the top left) to see what lies inside it.",
        "explorer.area.workers": "Workers",
        "explorer.area.women": "Women",
        "explorer.area.download": "Download the features in this area (GeoPackage)",
        "explorer.area.count": "Count",
        "explorer.downloads": "Take the data away",
        "explorer.download.geojson": "Sites (GeoJSON)",
        "explorer.download.gpkg": "All layers (GeoPackage)",
        "explorer.download.csv": "Sites (CSV)",
        "explorer.download.html": "This map (offline HTML)",
        "explorer.export.date": "Exported on {date}.",
        "explorer.export.sources": (
            "Sources: country boundaries from Natural Earth (public domain); sites, mercury, tailings "
            "and geology from the asmgeo store, whose source column names each record's origin; "
            "Pillar 6 ratings as labelled."
        ),
        "home.title": "ASM sites and the MPF Pillar 6 record",
        "home.intro": (
            "The 14 countries assessed against the IGF Mining Policy Framework, coloured by the "
            "share of Pillar 6 (artisanal and small-scale mining) recommendations implemented, "
            "with ASM sites on top."
        ),
        "home.notice": (
            "Pillar 6 ratings shown here are illustrative, not official assessment results, and "
            "the ASM sites are a synthetic demo. Replace them with official ratings and field surveys."
        ),
        "home.rule": "% implemented: {rule}",
        "home.to_explorer": "Open the map explorer: every layer, filters, area summaries and downloads",
        "home.regional_title": "Regional averages of MPF implementation",
        "home.regional_caption": (
            "These averages cover all six MPF thematic areas, not Pillar 6 alone. Source: {source}."
        ),
        "home.col.region": "Region",
        "home.col.implementation_pct": "MPF implemented (%)",
        "home.col.scope": "Scope",
        "home.col.countries_assessed": "Countries assessed",
        "home.pillar_table": "Pillar 6 % implemented by country (illustrative)",
        "home.col.country": "Country",
        "home.col.pillar": "Pillar 6 (%)",
        "home.col.year": "Assessment year",
        "home.col.status": "Ratings",
        "region.africa": "Africa",
        "region.lac": "Latin America & Caribbean",
        "region.asia": "Asia",
        "mpf.rule": "yes = 1, partial = ½, no = 0; the mean over rated items, × 100",
        "mpf.status.illustrative": "illustrative",
        "mpf.status.official": "official",
        "mpf.area.6.1": "6.1 ASM in the legal system",
        "mpf.area.6.2": "6.2 ASM in the economic system",
        "mpf.area.6.3": "6.3 Social and environmental protections",
        "map.layer.countries": "Countries (Pillar 6 % implemented)",
        "map.layer.sites": "ASM sites",
        "map.layer.basemap": "Country outlines (offline)",
        "map.layer.osm": "OpenStreetMap (online only)",
        "map.legend.pillar": "Pillar 6 % implemented",
        "map.legend.not_assessed": "Not assessed",
        "map.legend.illustrative": "Illustrative ratings, not official",
        "map.legend.sites": "ASM site (synthetic demo)",
        "map.tooltip.country": "Country",
        "map.tooltip.pillar": "Pillar 6",
        "map.tooltip.status": "Ratings",
        "map.layer.mercury": "Mercury use (kg Hg per year)",
        "map.layer.tailings": "Tailings",
        "map.layer.geology_units": "Geological units (synthetic demo)",
        "map.layer.geology_raster": "Geology raster (synthetic demo)",
        "map.layer.imagery": "Satellite imagery (online only)",
        "map.legend.synthetic": "Synthetic demo data, not field observations",
        "map.unit.sites": "sites",
        "map.unit.records": "records",
        "map.unit.tailings": "tailings",
        "map.unit.kg_per_year": "kg Hg/yr",
        "map.style.practice_class": "practice class",
        "map.style.legal_status": "legal status",
        "map.style.commodity": "commodity",
        "map.popup.practice_class": "Practice class",
        "map.popup.visits": "Visits",
        "map.popup.country": "Country",
        "map.popup.pillar": "Country's Pillar 6",
        "map.popup.profile": "Country profile →",
        "map.popup.synthetic": "Synthetic demo data: not a real site.",
        "map.popup.record_id": "Record",
        "map.popup.hg_kg_per_year": "Mercury (kg/yr)",
        "map.popup.amalgamation": "Amalgamation",
        "map.popup.retort": "Retort",
        "map.popup.burning": "Burning",
        "map.popup.tailings_id": "Tailings",
        "map.popup.status": "Status",
        "map.popup.volume_m3": "Volume (m³)",
        "map.popup.contains_mercury": "Contains mercury",
        "map.popup.contains_cyanide": "Contains cyanide",
        "map.popup.unit_id": "Unit",
        "map.popup.lithology": "Lithology",
        "map.popup.site_id": "Site",
        "map.popup.name": "Name",
        "map.popup.commodity": "Commodity",
        "map.popup.legal_status": "Legal status",
        "map.popup.workers": "Workers",
        "map.popup.women": "Women",
        "map.popup.mercury_use": "Mercury use",
        "map.popup.survey_date": "Latest visit",
        "map.popup.source": "Source",
        "value.commodity.gold": "Gold",
        "value.commodity.cassiterite": "Cassiterite (tin)",
        "value.commodity.coltan": "Coltan",
        "value.commodity.wolframite": "Wolframite (tungsten)",
        "value.commodity.diamond": "Diamond",
        "value.commodity.gemstones": "Gemstones",
        "value.commodity.copper": "Copper",
        "value.commodity.cobalt": "Cobalt",
        "value.commodity.construction_materials": "Construction materials",
        "value.commodity.other": "Other",
        "value.legal_status.licensed": "Licensed",
        "value.legal_status.in_process": "Licence in process",
        "value.legal_status.informal": "Informal",
        "value.legal_status.illegal": "Illegal",
        "value.legal_status.unknown": "Unknown",
        "value.mining_method.alluvial": "Alluvial",
        "value.mining_method.hard_rock": "Hard rock",
        "value.mining_method.tailings_reprocessing": "Tailings reprocessing",
        "value.mining_method.other": "Other",
        "value.yes_no.yes": "Yes",
        "value.yes_no.no": "No",
        "value.yes_no.unknown": "Unknown",
        "value.practice_class.good": "Good",
        "value.practice_class.acceptable": "Acceptable",
        "value.practice_class.poor": "Poor",
        "value.practice_class.unacceptable": "Unacceptable",
        "value.practice_class.unknown": "Not recorded",
        "value.tailings_status.active": "Active",
        "value.tailings_status.inactive": "Inactive",
        "value.tailings_status.abandoned": "Abandoned",
        "value.tailings_status.reprocessed": "Reprocessed",
        "value.amalgamation.whole_ore": "Whole-ore amalgamation",
        "value.amalgamation.concentrate": "Concentrate amalgamation",
        "value.amalgamation.none": "None",
        "value.amalgamation.unknown": "Unknown",
        "value.burning.open": "Open burning",
        "value.burning.residential": "Burning in residential areas",
        "value.burning.fume_hood": "Fume hood",
        "value.burning.none": "None",
        "value.burning.unknown": "Unknown",
        "value.practice.whole_ore_amalgamation": "Whole-ore amalgamation",
        "value.practice.open_burning": "Open burning of amalgam",
        "value.practice.residential_burning": "Burning amalgam in residential areas",
        "value.practice.cyanide_on_mercury_tailings": "Cyanide leaching of mercury-contaminated material",
        "value.practice.concentrate_amalgamation": "Amalgamation of concentrate only",
        "value.practice.retort": "Retort",
        "value.practice.gravity_concentration": "Gravity concentration",
        "value.practice.direct_smelting": "Direct smelting",
        "value.practice.cyanide_leaching": "Cyanide leaching (no mercury)",
        "geology.greenstone_belt": "Greenstone belt",
        "geology.granite_gneiss": "Granite and gneiss",
        "geology.metasediment": "Metasediment",
        "geology.volcanic": "Volcanic rocks",
        "geology.sedimentary_cover": "Sedimentary cover",
        "geology.laterite": "Laterite",
        "geology.alluvium": "Alluvium",
        "cli.demo_built": "Demo built in {path}: {counts} ({seconds:.1f} s).",
        "cli.layers_header": "{name:<15} {features:>9}  {geometry:<15} {source}  [{licence}]",
        "error.prefix": "Error",
        "export.synthetic_notice": (
            "Contains synthetic demo data (rows whose source is \"synthetic demo\"): invented for "
            "demonstration, not field observations."
        ),
        "share.unknown_key": "{param} is not a setting of the map explorer.",
        "share.repeated": "{param} is given more than once; the last value, {value}, is used.",
        "share.not_one_of": "{param} {value} is not one of: {choices}.",
        "share.value_without_scope": "the place {value} needs scope=region or scope=country; showing the world.",
        "share.missing_value": "scope={scope} needs a value (a region or an ISO3 country code); showing the world.",
        "share.bad_iso3": "country {value} is not a three-letter ISO code such as ECU; showing the world.",
        "share.bad_workers": "workers {value} is not a range of whole numbers such as 10-500, 10- or -500.",
        "share.dates_reversed": "the dates run backwards ({first} to {last}); no date filter is applied.",
        "share.bad_opacity": "opacity {value} is not a number from 0 to 1.",
        "share.bad_view": "view {value} is not latitude,longitude,zoom such as -1.5,-78.2,7.",
        "share.bad_date": "{param} {value} is not a date written YYYY-MM-DD.",
        "share.not_text": "{param} holds a value that is not text.",
    }
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``key`` into ``lang`` and fill its ``{placeholders}`` from ``values``."""
    if lang not in CATALOGUE:
        raise ValueError(f"lang={lang!r} is not one of {sorted(CATALOGUE)}")
    try:
        text = CATALOGUE[lang][key]
    except KeyError:
        raise KeyError(f"no translation for key={key!r} in lang={lang!r}") from None
    return text.format(**values) if values else text


VALUE_GROUPS = {
    "commodity": "commodity", "legal_status": "legal_status", "mining_method": "mining_method",
    "mercury_use": "yes_no", "retort": "yes_no", "contains_mercury": "yes_no", "contains_cyanide": "yes_no",
    "practice_class": "practice_class", "status": "tailings_status", "amalgamation": "amalgamation",
    "burning": "burning", "practice": "practice",
}


def t_value(field: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of category ``code`` of ``field`` (e.g. legal_status ``in_process``)."""
    if field not in VALUE_GROUPS:
        raise KeyError(f"field={field!r} has no translated values; known: {sorted(VALUE_GROUPS)}")
    return t(f"value.{VALUE_GROUPS[field]}.{code}", lang)


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` used in a catalogue string."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
