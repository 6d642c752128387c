"""``st.file_uploader`` with its own words ("Upload", "200MB per file • CSV", the drop hint) in our language.

Streamlit writes those words in English inside the widget. :func:`file_uploader` draws the widget
and a style block scoped to it (by the ``st-key-<key>`` class Streamlit gives a keyed element) that
hides them and shows the catalogue's text in their place through CSS ``content``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from asmgeo.i18n import number, t

FONT_SIZE = "0.875rem"  # the size Streamlit writes the button label and the limit in
# Where Streamlit puts its words, inside the uploader element (1.67: the button label, the limit
# line, and the overlay shown while a file is dragged over the drop zone).
BUTTON_TEXT = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
LIMIT_TEXT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
DROP_TEXT = '[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span'


def file_uploader(label: str, lang: str, **kwargs):
    """``st.file_uploader(label, **kwargs)`` (``key`` required) with Streamlit's own words in ``lang``."""
    key = kwargs.get("key")
    if not key:
        raise ValueError("file_uploader needs key=...: the translated words are scoped to the keyed element")
    size = kwargs.get("max_upload_size") or st.get_option("server.maxUploadSize")
    st.html(f"<style>{uploader_css(key, lang, size, kwargs.get('type'))}</style>")
    return st.file_uploader(label, **kwargs)


def uploader_css(key: str, lang: str, size_mb: float, types: str | Sequence[str] | None) -> str:
    """The style block that words the uploader of ``key`` in ``lang``."""
    scope = "." + key_class(key)
    shown = file_types(types)
    limit = (t("uploader.limit_types", lang, size=number(size_mb, lang), types=shown) if shown
             else t("uploader.limit", lang, size=number(size_mb, lang)))
    rules = []
    for selector, text in ((BUTTON_TEXT, t("uploader.button", lang)), (LIMIT_TEXT, limit),
                           (DROP_TEXT, t("uploader.drop", lang))):
        rules.append(f"{scope} {selector} {{ font-size: 0; visibility: hidden; }}")  # hidden: out of innerText too
        rules.append(f'{scope} {selector}::after {{ content: "{css_string(text)}"; font-size: {FONT_SIZE}; '
                     "line-height: 1.6; visibility: visible; }")
    return "\n".join(rules)


def key_class(key: str) -> str:
    """The class Streamlit gives the element of ``key`` (``st-key-`` and the key, odd characters as "-")."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", str(key).strip())


def file_types(types: str | Sequence[str] | None) -> str:
    """The accepted types as Streamlit lists them: "GEOJSON, CSV" ("" when any type is accepted)."""
    if types is None:
        return ""
    listed = [types] if isinstance(types, str) else list(types)
    return ", ".join(str(kind).lstrip(".").upper() for kind in listed)


def css_string(text: str) -> str:
    """``text`` for a double-quoted CSS string: everything but plain letters, digits and spaces as escapes.

    Each escape ends with a space, which CSS takes as part of the escape (a space after it stays a space).
    """
    return "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} " for c in text)
