"""Charts on screen: Vega-Lite's number signs (axes, tooltips) in the chosen language."""

from __future__ import annotations

import altair as alt
from babel.numbers import get_decimal_symbol, get_group_symbol


def vega_locale(lang: str) -> dict:
    """The Vega ``locale`` config of ``lang``: decimal and grouping signs as Babel writes them."""
    return {"number": {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
                       "grouping": [3], "currency": ["", ""]}}


def in_language(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """``chart`` with the number signs of ``lang``."""
    return chart.configure(locale=vega_locale(lang))
