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
when it was exported, the data date (the latest survey date in the file), what it holds, the sources
and licences of every layer, the seed's regional average with its caveat, and that demo data is
synthetic and ratings illustrative when they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
from asmgeo.provenance import DEMO_SOURCE, provenance_label
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
    notes = [t("handout.dates", lang, exported=exported, data_date=date(latest, lang)) if latest is not None
             else t("handout.dates_no_data", lang, exported=exported)]
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
    """Where each layer of the file comes from, and under which licence (layers of one source together)."""
    meta = data.meta.set_index("name") if not data.meta.empty else pd.DataFrame(columns=["source", "licence"])
    described: list[tuple[str, str, str]] = []  # (layer, source, licence)
    for name, key in LAYER_KEYS.items():
        frame = getattr(data, name)
        if frame.empty:
            continue
        source = str(meta["source"].get(name, "")) if name in meta.index else ""
        licence = str(meta["licence"].get(name, "")) if name in meta.index else ""
        rows = sorted(set(frame["source"].dropna().astype(str).str.strip()) - {"", source}) if "source" in frame else []
        if rows:
            listed = ", ".join(rows[:MAX_LISTED_SOURCES])
            if len(rows) > MAX_LISTED_SOURCES:
                listed = t("handout.source_more", lang, sources=listed, more=number(len(rows) - MAX_LISTED_SOURCES, lang))
            source = t("handout.source_rows", lang, source=source, rows=listed) if source else listed
        described.append((t(key, lang), source, licence))
    units = meta.loc["geology_units"] if "geology_units" in meta.index else None
    for path in data.rasters:  # drawn from the geological units: their licence when they share the source
        source = _raster_source(path)
        licence = str(units["licence"]) if units is not None and str(units["source"]) == source else ""
        described.append((t("handout.layer.geology_raster", lang), source, licence))
    described.append((t("handout.layer.boundaries", lang), boundaries.BOUNDARIES_SOURCE, boundaries.BOUNDARIES_LICENCE))
    if data.rating_sources:
        described.append((t("handout.source.ratings", lang), ", ".join(data.rating_sources), ""))
    for source in sorted(set(data.regional["source"])):
        described.append((t("handout.source.regional", lang), source, ""))
    grouped: dict[tuple[str, str], list[str]] = {}
    for layer, source, licence in described:
        grouped.setdefault((source, licence), [])
        if layer not in grouped[(source, licence)]:
            grouped[(source, licence)].append(layer)
    return [_item(", ".join(layers), source, licence, lang) for (source, licence), layers in grouped.items()]


def _item(layer: str, source: str, licence: str, lang: str) -> str:
    """One entry of the sources line."""
    source = provenance_label(source, lang) if source else t("handout.source_unknown", lang)
    licence = provenance_label(licence, lang)
    if licence:
        return t("handout.source_item", lang, layer=layer, source=source, licence=licence)
    return t("handout.source_item_no_licence", lang, layer=layer, source=source)


def _raster_source(path) -> str:
    """The ``source`` tag of a geology raster."""
    legend = raster.raster_legend(path)
    return str(legend[0].get("source", "")) if legend else ""

