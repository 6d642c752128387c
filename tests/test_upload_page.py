"""The upload page: it runs, and its validate → commit → approve/undo logic works on corpus files.

AppTest cannot drive ``st.file_uploader``, so the validate/commit steps are tested through
``ui.upload_flow`` with a file path; Approve and Undo are clicked on the page itself (their
``on_click`` callbacks are what AppTest keeps).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo import batches, upload_map
from asmgeo.validate import EXIT_FILE
from ui import data, upload_flow

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "app.py"
UPLOADS = Path(__file__).resolve().parent / "data" / "uploads"
PAGE = "pages/upload.py"
RUN_TIMEOUT_S = 60


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def store(tmp_path):
    with demo_store_in(tmp_path, 50) as target:
        yield target


def _no_exception(at: AppTest) -> None:
    assert not at.exception, "\n\n".join(f"{e.value}\n{''.join(e.stack)}" for e in at.exception)


def _page(store) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    at.switch_page(PAGE)
    at.run()
    _no_exception(at)
    return at


def test_page_runs_and_shows_no_batches(store):
    at = _page(store)
    assert not at.error, [e.value for e in at.error]
    assert any("Upload field data" in str(x.value) for x in at.title)
    assert at.selectbox(key="upload.layer").options == ["ASM sites", "Mercury use (kg Hg per year)", "Tailings"]
    assert any("No import batches" in str(c.value) for c in at.caption)


def test_validate_commit_and_duplicate(store):
    ticks: list[float] = []
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites", progress=ticks.append)
    assert ticks[0] == 0.0 and ticks[-1] == pytest.approx(1.0)
    assert report.features == 4 and upload_flow.can_commit(report)
    kind, text = upload_flow.commit(report, "tester", strict=False)
    assert kind == "success" and "pending review" in text
    listed = batches.list_batches(store)
    assert list(listed["status"]) == ["pending"] and listed["who"].iloc[0] == "tester"
    kind, text = upload_flow.commit(report, "tester", strict=False)
    assert kind == "warning" and listed["batch"].iloc[0] in text


def test_validate_bytes_keeps_the_name_and_cached_report_validates_once(store, monkeypatch):
    content = (UPLOADS / "sites.geojson").read_bytes()
    report = upload_flow.validate_bytes("../../my survey.geojson", content, "sites")
    assert report.file_name == "my survey.geojson" and report.accepted_count == report.features == 4
    calls: list[str] = []
    original = upload_flow.validate_bytes
    monkeypatch.setattr(upload_flow, "validate_bytes", lambda *a, **k: calls.append(a[2]) or original(*a, **k))
    first = upload_flow.cached_report("s.geojson", content, "sites", "en")
    assert upload_flow.cached_report("s.geojson", content, "sites", "en") is first and calls == ["sites"]
    upload_flow.cached_report("s.geojson", content, "mercury", "en")
    assert calls == ["sites", "mercury"]


def test_bad_file_cannot_be_committed(store):
    report = upload_flow.validate_path(UPLOADS / "not_geo.csv", "sites")
    assert report.exit_code == EXIT_FILE and not upload_flow.can_commit(report)
    frame = upload_flow.issues_frame(report)
    assert len(frame) == 1 and frame["Feature #"].isna().all()
    kind, _ = upload_flow.commit(report, "", strict=False)
    assert kind == "warning" and batches.list_batches(store).empty


def test_rejected_features_are_red_with_escaped_reasons(store):
    report = upload_flow.validate_path(UPLOADS / "bad_values.geojson", "sites")
    assert report.rejected_count > 0
    group = upload_map.preview_layers(report)
    layers = list(group._children.values())
    rejected = next(layer for layer in layers if layer.class_name == upload_map.REJECTED_CLASS)
    drawn = rejected.data["features"]
    assert len(drawn) == len(upload_map.mappable(report.rejected))
    for feature in drawn:
        assert feature["properties"]["_style"]["color"] == upload_map.REJECTED_STYLE["color"]
        assert "rejected" in feature["properties"]["_tooltip"]
    assert upload_flow.issues_csv(report).startswith("\ufeff".encode())


def test_tooltips_escape_file_values(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    report.accepted.loc[0, "site_id"] = "<img src=x onerror=alert(1)>"
    accepted = next(layer for layer in upload_map.preview_layers(report)._children.values()
                    if layer.class_name == upload_map.ACCEPTED_CLASS)
    tip = accepted.data["features"][0]["properties"]["_tooltip"]
    assert "<img" not in tip and "&lt;img" in tip, tip


def test_strict_commit_writes_nothing_when_features_are_rejected(store):
    report = upload_flow.validate_path(UPLOADS / "bad_values.geojson", "sites")
    kind, _ = upload_flow.commit(report, "", strict=True)
    assert kind == "warning" and batches.list_batches(store).empty


def test_approve_button_publishes_the_batch(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    upload_flow.commit(report, "tester", strict=False)
    new_ids = set(report.accepted["site_id"])
    assert not new_ids & set(data.explorer_sites()["site_id"])  # pending: hidden
    at = _page(store)
    approve = next(b for b in at.button if b.label == "Approve")
    assert not approve.disabled
    approve.click().run()
    _no_exception(at)
    assert list(batches.list_batches(store)["status"]) == ["approved"]
    assert any("approved" in str(s.value) for s in at.success)
    assert new_ids <= set(data.explorer_sites()["site_id"])  # caches keyed by the store file refresh


def test_undo_button_removes_the_rows(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    upload_flow.commit(report, "tester", strict=False)
    before = len(store.read("sites"))
    at = _page(store)
    next(b for b in at.button if b.label == "Undo").click().run()
    _no_exception(at)
    assert list(batches.list_batches(store)["status"]) == ["undone"]
    assert len(store.read("sites")) == before - report.accepted_count
    assert not [b for b in at.button if b.label == "Approve"]  # nothing open any more
