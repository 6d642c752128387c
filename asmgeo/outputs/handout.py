"""The offline hand-out map: one HTML file of a region's (or a few countries') layers for a workshop.

API::

    from asmgeo.outputs.handout import handout_html, handout_filename

    page = handout_html(store, region="africa", lang="fr")     # or countries=["ECU"]
    Path(handout_filename(region="africa", lang="fr")).write_text(page, encoding="utf-8")

The file opens from a USB stick in a browser with no network: Leaflet, its styles, the scripts, the
data and the geology image are all inside it (:func:`asmgeo.outputs.standalone.standalone_html` refuses
anything that would reach another host). It draws the scope's Pillar 6 choropleth (illustrative
ratings labelled so), ASM sites, mercury records, tailings, geological units and the geology raster
as published on the maps (imported batches not yet approved are left out; see
:mod:`asmgeo.outputs.handout_data`), each switchable in a layer control and with its legend. Its header says
when it was exported, the data date (the latest survey date in the file, at the precision it was
written with), what it holds, the sources and licences of the features each layer holds (each
feature's own, never the layer's), the seed's regional average with its caveat, and that demo data
is synthetic and ratings illustrative when they are: a hand-out of field data alone says nothing of a
demo. The submission ids and the file's other columns of imported features are never in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from asmgeo.i18n import check_lang, date, number, t
from asmgeo.maps import raster
from asmgeo.outputs.handout_data import (
    HandoutData,
    check_countries,
    check_scope,
    data_date,
    read_scope,
)
from asmgeo.outputs.handout_layers import handout_map, has_synthetic
from asmgeo.outputs.standalone import standalone_html
from asmgeo.provenance import (
    DEMO_SOURCE,
    KNOWN_LICENCES,
    provenance_label,
    source_counts,
    source_name,
    synthetic_extent,
)
from asmgeo.schema import format_survey_date
from asmgeo.shipped import boundaries
from asmgeo.shipped.reference import REGIONS
from asmgeo.store import Store

SIZE_BUDGET_BYTES = 10 * 1024 * 1024  # a region with the default demo must stay under this
MAX_LISTED_SOURCES = 5  # row sources named per layer in the header; more are counted
LAYER_KEYS = {"sites": "map.layer.sites", "mercury": "handout.layer.mercury", "tailings": "map.layer.tailings",
              "geology_units": "handout.layer.geology_units"}


def handout_html(store: Store, *, region: str | None = None, countries: Sequence[str] | None = None,
                 lang: str = "en") -> str:
    """The hand-out of ``region`` or ``countries`` (exactly one) in ``lang``, as one self-contained HTML page."""
    check_lang(lang)
    world = boundaries.load_countries("full")
    scope = check_scope(region, countries, world)
    data = read_scope(store, scope, world)
    return standalone_html(handout_map(data, lang), handout_title(data, lang), handout_notes(data, lang))


def handout_filename(*, region: str | None = None, countries: Sequence[str] | None = None, lang: str = "en") -> str:
    """The file name of that hand-out, e.g. ``asmgeo-handout-africa-fr.html`` or ``asmgeo-handout-ECU-en.html``."""
    check_lang(lang)
    if (region is None) == (countries is None):
        raise ValueError(f"give exactly one of region and countries, not region={region!r} and countries={countries!r}")
    if region is not None:
        if region not in REGIONS:
            raise ValueError(f"region={region!r} must be one of {REGIONS}")
        return f"asmgeo-handout-{region}-{lang}.html"
    codes = check_countries(countries, set(boundaries.load_countries("web")["iso3"]))
    return f"asmgeo-handout-{'-'.join(codes)}-{lang}.html"


def handout_title(data: HandoutData, lang: str) -> str:
    """The title: the region, or the countries' names, in ``lang``."""
    if data.scope.region is not None:
        scope = t(f"region.{data.scope.region}", lang)
    else:
        names = boundaries.country_names(lang)
        scope = ", ".join(names.get(code, code) for code in data.scope.iso3)
    return t("handout.title", lang, scope=scope)


def handout_notes(data: HandoutData, lang: str, today: dt.date | None = None) -> list[str]:
    """The header lines: dates, contents, honesty labels, the regional average and the sources."""
    exported = date(today or dt.date.today(), lang)
    latest = data_date(data)
    notes = [t("handout.dates", lang, exported=exported, data_date=format_survey_date(*latest, lang, "medium"))
             if latest is not None else t("handout.dates_no_data", lang, exported=exported)]
    notes.append(t("handout.contents", lang, sites=number(len(data.sites), lang), mercury=number(len(data.mercury), lang),
                   tailings=number(len(data.tailings), lang), units=number(len(data.geology_units), lang)))
    if any(has_synthetic(f) for f in (data.sites, data.mercury, data.tailings, data.geology_units)) or any(
            _raster_source(p) == DEMO_SOURCE for p in data.rasters):
        notes.append(t("handout.synthetic", lang, source=provenance_label(DEMO_SOURCE, lang)))  # as popups show it
    if not data.pct.empty and data.pct["illustrative"].any():
        notes.append(t("handout.illustrative", lang))
    notes += [t("handout.regional_average", lang, region=t(f"region.{row.region}", lang),
                pct=number(row.implementation_pct, lang), countries=number(row.countries_assessed, lang))
              for row in data.regional.itertuples()]
    notes.append(t("handout.sources", lang, items="; ".join(source_items(data, lang))))
    notes.append(t("handout.help", lang))
    return notes


def source_items(data: HandoutData, lang: str) -> list[str]:
    """Where the features of each layer come from and under which licence, then the rasters, boundaries and ratings.

    Each feature counts under its own source and licence (see :func:`layer_sources`); layers of one source
    and licence go together.
    """
    frames = {name: getattr(data, name) for name in LAYER_KEYS}
    described = layer_sources(frames, lang, {name: _recorded_licence(data.meta, name) for name in LAYER_KEYS})
    units = _recorded_licence(data.meta, "geology_units")
    for path in data.rasters:  # drawn from the geological units: their licence when they share the source
        source = _raster_source(path)
        licence = KNOWN_LICENCES.get(source) or units.get(source, "")
        described.append((t("handout.layer.geology_raster", lang), source_name(source, lang), licence))
    described.append((t("handout.layer.boundaries", lang), boundaries.BOUNDARIES_SOURCE, boundaries.BOUNDARIES_LICENCE))
    if data.rating_sources:
        described.append((t("handout.source.ratings", lang),
                          ", ".join(provenance_label(s, lang) for s in data.rating_sources), ""))
    for source in sorted(set(data.regional["source"])):
        described.append((t("handout.source.regional", lang), source, ""))
    return _grouped(described, lang)


def layer_sources(frames: Mapping[str, pd.DataFrame], lang: str,
                  recorded: Mapping[str, Mapping[str, str]] | None = None) -> list[tuple[str, str, str]]:
    """(layer name, source as worded, licence) for each source of the features of each data layer in ``frames``.

    A layer's sources are listed most features first, at most :data:`MAX_LISTED_SOURCES` (the rest counted).
    A feature without a licence of its own takes the licence asmgeo knows for its source (the demo's), else
    ``recorded[layer][source]`` (the store's record of the layer, for the layer's recorded source), else none.
    """
    described: list[tuple[str, str, str]] = []
    for name, frame in frames.items():
        if name not in LAYER_KEYS:
            raise ValueError(f"frames holds {name!r}; data layers are {', '.join(LAYER_KEYS)}")
        layer = t(LAYER_KEYS[name], lang)
        counts = source_counts(frame, licences=(recorded or {}).get(name))
        described += [(layer, source_name(c.source, lang), c.licence) for c in counts[:MAX_LISTED_SOURCES]]
        if len(counts) > MAX_LISTED_SOURCES:
            more = t("handout.source_others", lang, count=number(len(counts) - MAX_LISTED_SOURCES, lang))
            described.append((layer, more, ""))
    return described


def map_source_notes(frames: Mapping[str, pd.DataFrame], lang: str) -> list[str]:
    """The header lines of an offline map of ``frames``: its features' sources and licences, and which are synthetic."""
    items = _grouped(layer_sources(frames, lang), lang)
    notes = [t("handout.sources", lang, items="; ".join(items))] if items else []
    if synthetic_extent(*frames.values()) != "none":
        notes.append(t("handout.synthetic", lang, source=provenance_label(DEMO_SOURCE, lang)))
    return notes


def _grouped(described: list[tuple[str, str, str]], lang: str) -> list[str]:
    """The sources line's entries: the layers of one source and licence together, in order of first mention."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for layer, source, licence in described:
        grouped.setdefault((source, licence), [])
        if layer not in grouped[(source, licence)]:
            grouped[(source, licence)].append(layer)
    return [_item(", ".join(layers), source, licence, lang) for (source, licence), layers in grouped.items()]


def _recorded_licence(meta: pd.DataFrame, layer: str) -> dict[str, str]:
    """The store's record of ``layer``: its source → its licence (empty when none is recorded)."""
    if meta.empty or layer not in set(meta["name"]):
        return {}
    row = meta.set_index("name").loc[layer]
    source, licence = (str(row[c]).strip() if pd.notna(row[c]) else "" for c in ("source", "licence"))
    return {source: licence} if source and licence else {}


def _item(layer: str, source: str, licence: str, lang: str) -> str:
    """One entry of the sources line (``source`` already worded)."""
    licence = provenance_label(licence, lang)
    if licence:
        return t("handout.source_item", lang, layer=layer, source=source, licence=licence)
    return t("handout.source_item_no_licence", lang, layer=layer, source=source)


def _raster_source(path) -> str:
    """The ``source`` tag of a geology raster."""
    legend = raster.raster_legend(path)
    return str(legend[0].get("source", "")) if legend else ""

