"""Colours of map categories, chosen to read on a projector and for colour-blind viewers."""

from __future__ import annotations

from asmgeo.schema import COMMODITIES, LEGAL_STATUSES, TAILINGS_STATUSES

PRACTICE_CLASS_COLOURS = {
    "good": "#1a9641", "acceptable": "#a6d96a", "poor": "#fdae61", "unacceptable": "#d7191c", "unknown": "#bdbdbd",
}
LEGAL_STATUS_COLOURS = dict(zip(LEGAL_STATUSES, ("#1b9e77", "#7570b3", "#e6ab02", "#d95f02", "#999999")))
COMMODITY_COLOURS = dict(zip(COMMODITIES, (
    "#e6ab02", "#8c510a", "#01665e", "#5e3c99", "#80cdc1", "#c51b7d", "#d95f02", "#1f78b4", "#a6a6a6", "#404040",
)))
TAILINGS_COLOURS = dict(zip(TAILINGS_STATUSES, ("#e7298a", "#7570b3", "#666666", "#66a61e")))
MERCURY_COLOUR = "#6a3d9a"
MERCURY_BINS_KG = (1, 10, 100, 1000)  # kg Hg per year; a circle grows one step per bin
MERCURY_RADII = (3, 5, 8, 12, 17)
UNKNOWN_COLOUR = "#bdbdbd"

SITE_STYLES: dict[str, dict[str, str]] = {
    "practice_class": PRACTICE_CLASS_COLOURS,
    "legal_status": LEGAL_STATUS_COLOURS,
    "commodity": COMMODITY_COLOURS,
}


def site_palette(style: str) -> dict[str, str]:
    """Category → colour for a site style attribute."""
    if style not in SITE_STYLES:
        raise ValueError(f"style={style!r} must be one of {sorted(SITE_STYLES)}")
    return SITE_STYLES[style]
