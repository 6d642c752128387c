"""Leaflet's own English on our maps (zoom buttons, the Leaflet.draw toolbar and tooltips) from the catalogue.

:class:`LeafletTexts` is added to a map before its drawing tools: its script retitles the zoom
buttons and merges :func:`draw_texts` into ``L.drawLocal``, which Leaflet.draw reads when it
builds its toolbar and tooltips. Leaflet.draw puts these texts into the page as HTML, so they are
HTML-escaped here (they come from the catalogue, never from data).
"""

from __future__ import annotations

import html
from importlib import resources

from babel.numbers import get_decimal_symbol, get_group_symbol
from branca.element import MacroElement
from jinja2 import Template

from asmgeo.i18n import t

# L.drawLocal's tree (the parts our polygon, rectangle and delete tools use) -> catalogue keys
_DRAW_KEYS = {
    "draw": {
        "toolbar": {
            "actions": {"title": "leaflet.draw.cancel_title", "text": "leaflet.draw.cancel"},
            "finish": {"title": "leaflet.draw.finish_title", "text": "leaflet.draw.finish"},
            "undo": {"title": "leaflet.draw.undo_title", "text": "leaflet.draw.undo"},
            "buttons": {"polygon": "leaflet.draw.polygon", "rectangle": "leaflet.draw.rectangle"},
        },
        "handlers": {
            "polygon": {"tooltip": {"start": "leaflet.draw.polygon_start", "cont": "leaflet.draw.polygon_cont",
                                    "end": "leaflet.draw.polygon_end"}},
            "polyline": {"error": "leaflet.draw.edges_cross"},
            "rectangle": {"tooltip": {"start": "leaflet.draw.rectangle_start"}},
            "simpleshape": {"tooltip": {"end": "leaflet.draw.release"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {
                "save": {"title": "leaflet.draw.save_title", "text": "leaflet.draw.save"},
                "cancel": {"title": "leaflet.draw.cancel_edit_title", "text": "leaflet.draw.cancel"},
                "clearAll": {"title": "leaflet.draw.clear_all_title", "text": "leaflet.draw.clear_all"},
            },
            "buttons": {"edit": "leaflet.draw.edit", "editDisabled": "leaflet.draw.edit_disabled",
                        "remove": "leaflet.draw.remove", "removeDisabled": "leaflet.draw.remove_disabled"},
        },
        "handlers": {
            "edit": {"tooltip": {"text": "leaflet.draw.edit_hint", "subtext": "leaflet.draw.edit_subhint"}},
            "remove": {"tooltip": {"text": "leaflet.draw.remove_hint"}},
        },
    },
}


def _filled(keys: dict, lang: str) -> dict:
    """``keys`` with every catalogue key replaced by its escaped text in ``lang``."""
    return {name: _filled(value, lang) if isinstance(value, dict) else html.escape(t(value, lang), quote=False)
            for name, value in keys.items()}


def draw_texts(lang: str) -> dict:
    """The ``L.drawLocal`` texts in ``lang``, with the number signs of ``lang`` for measured areas."""
    texts = _filled(_DRAW_KEYS, lang)
    texts["format"] = {"numeric": {"delimiters": {"thousands": get_group_symbol(lang), "decimal": get_decimal_symbol(lang)}}}
    return texts


def payload(lang: str, drawing: bool) -> dict:
    """What the script needs: the zoom button titles and, with drawing tools, the ``L.drawLocal`` texts."""
    return {"zoomIn": t("leaflet.zoom_in", lang), "zoomOut": t("leaflet.zoom_out", lang),
            "draw": draw_texts(lang) if drawing else None}


class LeafletTexts(MacroElement):
    """Leaflet's own texts in ``lang`` on the map it is added to (add it before any Draw control)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, data) {
        {{ this.code }}
        })({{ this._parent.get_name() }}, {{ this.payload|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, drawing: bool) -> None:
        super().__init__()
        self._name = "LeafletTexts"
        self.code = resources.files("asmgeo.maps").joinpath("js", "leaflet_texts.js").read_text(encoding="utf-8")
        self.payload = payload(lang, drawing)
