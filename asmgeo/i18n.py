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
        "map.popup.site_id": "Site",
        "map.popup.name": "Name",
        "map.popup.commodity": "Commodity",
        "map.popup.legal_status": "Legal status",
        "map.popup.workers": "Workers",
        "map.popup.women": "Women",
        "map.popup.mercury_use": "Mercury use",
        "map.popup.survey_date": "Latest visit",
        "map.popup.source": "Source",
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


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` used in a catalogue string."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
