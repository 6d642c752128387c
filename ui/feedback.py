"""Errors become messages here, and only here.

An :class:`~asmgeo.errors.AsmgeoError` is a sentence a reader understands: it is shown in the
reader's language (``error.text(lang)``). Any other exception is a fault: it is logged on the
server (logger ``asmgeo``) with its traceback and a short reference, and the reader sees one
sentence in their language quoting that reference. Streamlit's own control flow (``st.stop``,
``st.rerun``) is not an error: it derives from ``BaseException`` and passes through untouched.

Pages run inside :func:`errors_shown` (app.py wraps the whole frame and the page it runs); button
callbacks keep their outcome with :func:`keep_outcome`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from asmgeo.errors import AsmgeoError
from asmgeo.i18n import t
from ui.state import LANG

LOG = logging.getLogger("asmgeo")
if not LOG.handlers and not logging.getLogger().handlers:  # else the configured root logger writes it
    _handler = logging.StreamHandler()  # the server's log: stderr, beside Streamlit's own
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
REFERENCE_BYTES = 4  # a reference is 8 hex digits: short to quote, unique enough to find in the log

Outcome = tuple[str, str]  # (kind, message): "success" / "error" / ... and the sentence to show


def lang() -> str:
    """The language chosen in the sidebar."""
    return st.session_state.get(LANG, "en")


def error_text(exc: Exception, lang: str) -> str:
    """The sentence a reader sees for ``exc`` in ``lang``; an unexpected error is logged with its traceback first."""
    if isinstance(exc, AsmgeoError):
        return f"{t('error.prefix', lang)}: {exc.text(lang)}"
    reference = secrets.token_hex(REFERENCE_BYTES)
    LOG.error("unexpected error, reference %s", reference, exc_info=exc)
    return t("error.unexpected", lang, reference=reference)


@contextmanager
def errors_shown() -> Iterator[None]:
    """Show any error raised inside the block as one error box in the reader's language, and stop the page."""
    try:
        yield
    except Exception as exc:  # not st.stop / st.rerun: those are BaseExceptions and go through
        st.error(error_text(exc, lang()))
        st.stop()


def keep_outcome(key: str, action: Callable[[], Outcome | None], lang: str,
                 describe: Callable[[Exception, str], str] = error_text) -> None:
    """Run a callback's ``action`` and keep its outcome in ``st.session_state[key]`` for the next run.

    An error it raises becomes ``("error", describe(exc, lang))``; an action that returns None leaves nothing.
    """
    try:
        outcome = action()
    except Exception as exc:  # a callback's error would otherwise reach the screen as a traceback
        outcome = ("error", describe(exc, lang))
    if outcome is not None:
        st.session_state[key] = outcome


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped, for user input shown by st.* calls."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in text)
