"""The workshop page's area: an MPF region or any set of countries, its view, labels and Pillar 6 summary.

An :class:`Area` is written ``region:africa`` or ``countries:ECU,PER`` (codes sorted, no repeats),
so a slide stores it as one short text. The regional Pillar 6 picture puts two numbers side by
side and never mixes them: the mean of the latest Pillar 6 % of the area's assessed countries
(illustrative when any rating behind it is), and the seed's regional average, which covers all six
MPF thematic areas, not Pillar 6 alone.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from asmgeo.domain import query
from asmgeo.extent import WORLD_BOUNDS, Bounds
from asmgeo.i18n import number, t
from asmgeo.maps.explorer import PayloadLayer
from asmgeo.shipped.reference import REGIONS

MAX_COUNTRIES = 60  # a projector map of more countries than this is the world map
_ISO3 = re.compile(r"[A-Z]{3}")
SHOWN_CHARS = 40
LABEL_FONTS = ((11.5, 23), (10.0, 21), (7.0, 16))  # (average glyph width, line height) px: name, %, note
LABEL_GAP_PX = 4

# Projector-size text for the workshop map only: the CSS goes into the map's own document (its
# iframe), so the explorer's map keeps its look. ``#map_div`` fills the frame, whose height the
# page sets in viewport units.
PROJECTOR_CSS = """
<style>
html, body { margin: 0; overflow: hidden; }
#map_div { height: 100vh !important; width: 100% !important; }
.asmgeo-legend { font: 17px/1.35 sans-serif; padding: 8px 12px; max-width: 360px; }
.asmgeo-legend-title { font-size: 18px; margin-bottom: 3px; }
.asmgeo-legend-note { font-size: 15px; }
.asmgeo-swatch { width: 18px; height: 18px; margin-right: 8px; }
.leaflet-tooltip { font-size: 17px; }
.leaflet-popup-content { font-size: 16px; line-height: 1.35; }
.asmgeo-popup th, .asmgeo-popup td { font-size: 16px; }
.asmgeo-cluster-label { font-size: 14px; }
.leaflet-control-scale-line { font-size: 14px; }
.leaflet-control-zoom a { width: 40px !important; height: 40px !important; line-height: 40px !important;
  font-size: 26px !important; }
.asmgeo-workshop-label-icon { background: none; border: none; }
.asmgeo-workshop-label { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  text-align: center; font: bold 20px/1.15 sans-serif; color: #111; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 6px #fff, 0 0 6px #fff; }
.asmgeo-workshop-label-pct { display: block; font-size: 18px; }
.asmgeo-workshop-label-note { display: block; font: italic 13px/1.2 sans-serif; }
</style>
"""


# Presentation clickers send PageUp / PageDown. Once the facilitator has clicked into the map, keys
# go to the map's own document (an iframe), so the map hands these two on to the page, where the
# Previous / Next buttons listen for them (a page of another origin is left alone).
KEY_FORWARD_JS = """
(function () {
    var codes = {PageUp: 33, PageDown: 34};
    document.addEventListener("keydown", function (event) {
        if (!(event.key in codes) || window.parent === window) { return; }
        var page;
        try { page = window.parent.document; } catch (error) { return; }
        var copy = new KeyboardEvent("keydown", {key: event.key, code: event.code, bubbles: true, cancelable: true});
        Object.defineProperty(copy, "keyCode", {get: function () { return codes[event.key]; }});
        Object.defineProperty(copy, "which", {get: function () { return codes[event.key]; }});
        page.dispatchEvent(copy);
        event.preventDefault();
    });
})();
"""


class _KeyForwarder(MacroElement):
    """Runs :data:`KEY_FORWARD_JS` with the map's script."""

    _template = Template("{% macro script(this, kwargs) %}" + KEY_FORWARD_JS + "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "KeyForwarder"


def projector_map(fmap: folium.Map) -> folium.Map:
    """``fmap`` with projector-size text (:data:`PROJECTOR_CSS`) and clicker keys handed to the page."""
    fmap.get_root().header.add_child(Element(PROJECTOR_CSS), name="asmgeo_workshop_css")
    _KeyForwarder().add_to(fmap)
    return fmap


def unfold_legends(group: folium.FeatureGroup) -> folium.FeatureGroup:
    """``group`` with every legend open (the explorer folds some): the room cannot click to open them."""
    for child in group._children.values():
        payload = getattr(child, "payload", None)
        if isinstance(child, PayloadLayer) and isinstance(payload, dict) and {"entries", "collapsed"} <= set(payload):
            child.payload = {**payload, "collapsed": False}
    return group


@dataclass(frozen=True)
class Area:
    """What the workshop map shows: one MPF region, or a set of countries (ISO3), never both."""

    region: str | None = None
    countries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Check the fields (ValueError naming the bad value) and keep the countries sorted, without repeats."""
        if isinstance(self.countries, str) or not isinstance(self.countries, Collection):
            raise ValueError(f"countries={_shown(self.countries)} must be a collection of ISO3 codes")
        countries = tuple(sorted(set(self.countries)))
        if self.region is not None:
            if self.region not in REGIONS:
                raise ValueError(f"region={_shown(self.region)} is not one of {REGIONS}")
            if countries:
                raise ValueError(f"an area is a region or a set of countries, not both (countries={countries})")
        elif not countries:
            raise ValueError("an area needs a region or at least one country")
        bad = [code for code in countries if not (isinstance(code, str) and _ISO3.fullmatch(code))]
        if bad:
            raise ValueError(f"countries holds {_shown(bad)}, not ISO3 codes of three capital letters")
        if len(countries) > MAX_COUNTRIES:
            raise ValueError(f"countries holds {len(countries)} codes; at most {MAX_COUNTRIES} fit one map")
        object.__setattr__(self, "countries", countries)

    def to_text(self) -> str:
        """``region:africa`` or ``countries:ECU,PER``."""
        return f"region:{self.region}" if self.region else "countries:" + ",".join(self.countries)

    @classmethod
    def from_text(cls, text: object) -> Area:
        """The area ``text`` (as :meth:`to_text` writes it) describes; ValueError naming the text otherwise."""
        kind, _, value = text.partition(":") if isinstance(text, str) else ("", "", "")
        if kind == "region":
            return cls(region=value)
        if kind == "countries":
            return cls(countries=tuple(value.split(",")) if value else ())
        raise ValueError(f"area={_shown(text)} is not 'region:<region>' or 'countries:<ISO3,...>'")


def _shown(value: object) -> str:
    """``value`` quoted for a message, cut to :data:`SHOWN_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def area_iso3(area: Area, assessments: pd.DataFrame) -> list[str]:
    """The area's countries: a region's MPF-assessed countries (as the seed groups them), or the set."""
    if area.region is None:
        return list(area.countries)
    return assessments.loc[assessments["region"] == area.region, "iso3"].tolist()


def area_bounds(area: Area, countries: gpd.GeoDataFrame,
                assessments: pd.DataFrame) -> Bounds:
    """(west, south, east, north) around the area's countries; codes not in ``countries`` are left out.

    A set of countries none of which is known gives the whole world.
    """
    known = set(countries["iso3"])
    boxes = [query.scope_bounds(countries, "country", code) for code in area_iso3(area, assessments) if code in known]
    if not boxes:
        return WORLD_BOUNDS
    array = np.array(boxes, dtype=float)
    return (float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()), float(array[:, 3].max()))


@dataclass(frozen=True)
class SeedAverage:
    """The seed's average MPF implementation of one region (all six thematic areas), with its source."""

    region: str
    pct: float
    countries_assessed: int
    source: str


@dataclass(frozen=True)
class AreaSummary:
    """The regional Pillar 6 picture of an area."""

    countries: tuple[str, ...]  # the area's countries
    assessed: tuple[str, ...]  # those with a Pillar 6 %
    mean_pct: float | None  # mean latest Pillar 6 % of ``assessed`` (None when none is)
    illustrative: bool  # True when any rating behind ``mean_pct`` is illustrative
    seed: tuple[SeedAverage, ...]  # the seed's average of each region the assessed countries belong to


def area_summary(area: Area, pct: pd.DataFrame, averages: pd.DataFrame, assessments: pd.DataFrame) -> AreaSummary:
    """Mean Pillar 6 % of the area's assessed countries and the seed's averages of their regions."""
    codes = area_iso3(area, assessments)
    rated = pct[pct["iso3"].isin(codes)]
    regions_rated = set(assessments.loc[assessments["iso3"].isin(rated["iso3"]), "region"])
    regions = [area.region] if area.region else sorted(regions_rated)
    seed = tuple(
        SeedAverage(row.region, float(row.implementation_pct), int(row.countries_assessed), str(row.source))
        for row in averages.itertuples() if row.region in regions
    )
    return AreaSummary(
        countries=tuple(codes), assessed=tuple(sorted(rated["iso3"])),
        mean_pct=float(rated["pct"].mean()) if not rated.empty else None,
        illustrative=bool(rated["illustrative"].any()), seed=seed,
    )


@dataclass(frozen=True)
class Label:
    """A country label: where to put it, the lines it shows (plain text, escaped when drawn) and a shift
    ``dy`` in screen pixels (down) that keeps it off the labels placed before it."""

    iso3: str
    lat: float
    lon: float
    name: str
    pct: str = ""
    note: str = ""
    dy: int = 0

    def size(self) -> tuple[float, float]:
        """About how wide and tall (px) the label draws with :data:`PROJECTOR_CSS`."""
        lines = [(text, glyph, height) for text, (glyph, height) in zip((self.name, self.pct, self.note), LABEL_FONTS)
                 if text]
        return max(len(text) * glyph for text, glyph, _ in lines), sum(height for _, _, height in lines)


def label_point(geometry: shapely.Geometry) -> tuple[float, float]:
    """(lat, lon) inside the largest part of ``geometry`` (the mainland, not an island far off)."""
    parts = shapely.get_parts(geometry)
    largest = parts[int(np.argmax(shapely.area(parts)))]
    point = largest.representative_point()
    return round(point.y, 4), round(point.x, 4)


def country_labels(area: Area, countries: gpd.GeoDataFrame, assessments: pd.DataFrame, pct: pd.DataFrame,
                   names: dict[str, str], lang: str = "en") -> list[Label]:
    """One label per country of the area: its name in ``lang`` and, when assessed, its Pillar 6 %.

    Larger countries come first (:func:`place_labels` keeps them where they are).
    """
    chosen = countries[countries["iso3"].isin(area_iso3(area, assessments))]
    shapes = chosen.drop_duplicates("iso3").set_index("iso3").geometry
    areas = pd.Series(shapely.area(shapes.to_numpy()), index=shapes.index)
    codes = list(areas.sort_values(ascending=False, kind="stable").index)
    rated = pct.drop_duplicates("iso3").set_index("iso3")
    labels = []
    for code in codes:
        lat, lon = label_point(shapes[code])
        line, note = "", ""
        if code in rated.index:
            line = t("workshop.label.pct", lang, pct=number(float(rated.at[code, "pct"]), lang))
            status = "illustrative" if bool(rated.at[code, "illustrative"]) else "official"
            note = t(f"mpf.status.{status}", lang)
        labels.append(Label(code, lat, lon, names.get(code, code), line, note))
    return labels


def _pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel position at ``zoom`` (256 px tiles), as Leaflet places it."""
    world = 256 * 2**zoom
    phi = math.radians(max(min(lat, 85.0511), -85.0511))
    return (lon + 180) / 360 * world, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * world


def pixel_size(bounds: Bounds, zoom: int) -> tuple[int, int]:
    """Width and height (px) of a map showing ``bounds`` (west, south, east, north) at ``zoom``."""
    west, south, east, north = bounds
    (left, top), (right, bottom) = _pixel(north, west, zoom), _pixel(south, east, zoom)
    return round(right - left), round(bottom - top)


def place_labels(labels: list[Label], zoom: int) -> list[Label]:
    """The labels, each moved up or down (``dy``) just enough not to cover one placed before it at ``zoom``.

    Earlier labels keep their place (give the larger countries first); a label that fits nowhere
    within two label heights stays where it is.
    """
    placed: list[tuple[float, float, float, float]] = []
    result = []
    for label in labels:
        x, y = _pixel(label.lat, label.lon, zoom)
        width, height = label.size()
        step = height + LABEL_GAP_PX
        for dy in (0, step, -step, 2 * step, -2 * step, 0):
            box = (x - width / 2, y + dy - height / 2, x + width / 2, y + dy + height / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        result.append(replace(label, dy=int(dy)))
    return result


def label_markers(labels: list[Label]) -> list[folium.Marker]:
    """The labels as non-interactive Leaflet markers whose text is HTML-escaped (names are data)."""
    markers = []
    for label in labels:
        lines = [html.escape(label.name)]
        if label.pct:
            lines.append(f'<span class="asmgeo-workshop-label-pct">{html.escape(label.pct)}</span>')
        if label.note:
            lines.append(f'<span class="asmgeo-workshop-label-note">{html.escape(label.note)}</span>')
        shift = f' style="margin-top: {int(label.dy)}px"' if label.dy else ""
        icon = folium.DivIcon(html=f'<div class="asmgeo-workshop-label"{shift}>{"".join(lines)}</div>',
                              icon_size=(0, 0), class_name="asmgeo-workshop-label-icon")
        markers.append(folium.Marker((label.lat, label.lon), icon=icon, interactive=False, keyboard=False))
    return markers
