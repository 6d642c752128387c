"""Showing asmgeo errors on screen, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from asmgeo.errors import AsmgeoError
from asmgeo.i18n import t
from ui.state import LANG


def lang() -> str:
    """The language chosen in the sidebar."""
    return st.session_state.get(LANG, "en")


@contextmanager
def asmgeo_errors() -> Iterator[None]:
    """Show an :class:`AsmgeoError` raised inside the block as one error box and stop the page."""
    try:
        yield
    except AsmgeoError as exc:
        st.error(f"{t('error.prefix', lang())}: {exc.text(lang())}")
        st.stop()


def guarded(function: Callable, *args, **kwargs):
    """Call ``function``; an :class:`AsmgeoError` becomes an error box instead of a traceback."""
    with asmgeo_errors():
        return function(*args, **kwargs)


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped, for user input shown by st.* calls."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in text)
