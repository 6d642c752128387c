"""Errors become messages in one place (ui/feedback.py): in the reader's language, faults logged with a reference."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import streamlit as st
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.errors import StoreError, worded
from asmgeo.i18n import t
from ui import data

APP = Path(__file__).resolve().parent.parent / "app.py"
RUN_TIMEOUT_S = 60
FAULT = "the ratings table caught fire"  # what the server log may say, and the reader never reads


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    with demo_store_in(tmp_path_factory.mktemp("store"), 60) as store:
        yield store


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _reference(text: str) -> str:
    found = re.findall(r"\b[0-9a-f]{8}\b", text)
    assert len(found) == 1, text
    return found[0]


# pillar_pct: called inside one of the home page's own error blocks; regional_averages: in the page's
# body outside any, where app.py's guard around the page run catches it.
@pytest.mark.parametrize(("lang", "function"), [("fr", "regional_averages"), ("es", "regional_averages"),
                                                ("fr", "pillar_pct")])
def test_an_unexpected_error_in_a_page_is_one_translated_sentence_with_a_reference_and_logged(
        demo_store, monkeypatch, caplog, lang, function):
    def broken(*args, **kwargs):
        raise RuntimeError(FAULT)

    monkeypatch.setattr(data, function, broken)  # the home page calls it
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.query_params["lang"] = lang
    with caplog.at_level(logging.ERROR, logger="asmgeo"):
        at.run()

    assert not at.exception, [e.value for e in at.exception]  # no traceback on screen
    (error,) = at.error
    reference = _reference(error.value)
    assert error.value == t("error.unexpected", lang, reference=reference)
    assert FAULT not in error.value and "RuntimeError" not in error.value
    assert at.title[0].value == t("home.title", lang)  # the page ran up to the fault, in the reader's language

    (record,) = [r for r in caplog.records if r.name == "asmgeo"]
    assert record.levelno == logging.ERROR and reference in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged and f"RuntimeError: {FAULT}" in logged
    assert "pages/home.py" in logged  # the traceback says where
    assert ("app.py" in logged) == (function == "regional_averages")  # caught around the page run, or in the page


def _callback_script():
    import streamlit as st

    from asmgeo.errors import StoreError, worded
    from ui.feedback import keep_outcome

    def fault():
        raise KeyError("no such column")

    def known():
        raise worded(StoreError, "error.store_missing", path="/data/x.gpkg")

    keep_outcome("fault", fault, "es")
    keep_outcome("known", known, "fr")
    keep_outcome("done", lambda: ("success", "ok"), "fr")
    keep_outcome("nothing", lambda: None, "fr")
    for key in ("fault", "known", "done"):
        st.write(f"{key}|{st.session_state[key][0]}|{st.session_state[key][1]}")
    st.write(f"nothing|{'nothing' in st.session_state}")


def test_callbacks_keep_one_sentence_in_the_readers_language(caplog):
    at = AppTest.from_function(_callback_script, default_timeout=RUN_TIMEOUT_S)
    with caplog.at_level(logging.ERROR, logger="asmgeo"):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = dict(m.value.split("|", 1) for m in at.markdown)
    kind, text = shown["fault"].split("|", 1)
    assert kind == "error" and text == t("error.unexpected", "es", reference=_reference(text))
    assert _reference(text) in caplog.text and "KeyError" in caplog.text
    known = worded(StoreError, "error.store_missing", path="/data/x.gpkg")
    assert shown["known"] == f"error|{t('error.prefix', 'fr')}: {known.text('fr')}"
    assert shown["done"] == "success|ok" and shown["nothing"] == "False"


def _stopping_script():
    import streamlit as st

    from ui.feedback import errors_shown

    with errors_shown():
        st.write("before")
        st.stop()
    st.write("after")


def test_st_stop_passes_through_untouched():
    at = AppTest.from_function(_stopping_script, default_timeout=RUN_TIMEOUT_S)
    at.run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["before"]
