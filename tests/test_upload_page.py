"""The upload page: it runs, and its validate → commit → approve/undo logic works on corpus files.

AppTest cannot drive ``st.file_uploader``, so the validate/commit steps are tested through
``ui.upload_flow`` with a file path; Approve and Undo are clicked on the page itself (their
``on_click`` callbacks are what AppTest keeps).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.i18n import date, number
from asmgeo.ingest.validate import EXIT_FILE
from asmgeo.maps import popups, upload_map
from asmgeo.store import batches
from ui import data, upload_flow, upload_mapping
from ui import state as keys

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


# --------------------------------------------------------------- maps that fit their features


def _groups(group) -> list:
    return list(group._children.values())


def _fit(group) -> list[list[float]]:
    fits = [child for child in _groups(group) if isinstance(child, upload_map.FitToGroup)]
    assert len(fits) == 1
    return fits[0].bounds


def test_preview_map_fits_the_uploaded_features(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    west, south, east, north = report.accepted.total_bounds
    (s, w), (n, e) = _fit(upload_map.preview_layers(report))
    pad = upload_map.FIT_PADDING_DEG
    assert (s, w, n, e) == pytest.approx((south - pad, west - pad, north + pad, east + pad), abs=1e-5)
    assert n - s < 1 and e - w < 1  # Kédougou, not the world


def test_fit_ignores_out_of_range_features_unless_nothing_else_is_there(store):
    report = upload_flow.validate_path(UPLOADS / "bad_values.geojson", "sites")
    (s, w), (n, e) = upload_map.fit_bounds(report.accepted, report.rejected)
    assert n < 20 and s > 10 and w > -19 and e < -10  # latitude 95 of feature #18 does not zoom the map out
    only_bad = report.rejected[report.rejected["_feature"] == 18]
    assert upload_map.fit_bounds(only_bad) == [[85.0, -12.05], [85.0, -11.95]]  # clamped to what the map shows
    assert upload_map.fit_bounds(report.accepted.iloc[0:0]) is None
    assert upload_map.fit_bounds() is None


def test_fit_is_in_the_script_streamlit_folium_runs_when_the_group_changes(store):
    import folium
    from streamlit_folium import _get_feature_group_string

    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    script = _get_feature_group_string(upload_map.preview_layers(report), folium.Map())
    fit = script.index("fitBounds")
    added = script.index("map_div.addLayer(feature_group_feature_group_0)")
    assert script.index("data_layer_feature_group_0_0") < fit < added
    assert "})(feature_group_feature_group_0);" in script and 'group.once("add"' in script


# --------------------------------------------------------------- popups and tooltips are data, not HTML

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_popups_and_tooltips_escape_every_value(store):
    report = upload_flow.validate_path(UPLOADS / "bad_values.geojson", "sites")
    report.accepted.loc[report.accepted.index[0], "name"] = XSS
    report.rejected.loc[report.rejected.index[0], "site_id"] = XSS
    layers = {layer.class_name: layer for layer in _groups(upload_map.preview_layers(report))
              if isinstance(layer, upload_map.maps.DataLayer)}
    accepted = layers[upload_map.ACCEPTED_CLASS].data["features"][0]["properties"]
    rejected = layers[upload_map.REJECTED_CLASS].data["features"][0]["properties"]
    escaped = XSS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    for text in (accepted["_popup"], accepted["_tooltip"], rejected["_tooltip"]):
        assert "<script" not in text and "<img" not in text and escaped in text, text
    assert "women is 12, more than workers (10)." in rejected["_tooltip"]
    assert "<b>Reasons</b>: women is 12" in rejected["_popup"]


def test_popup_shows_the_main_fields_in_the_readers_language():
    import geopandas as gpd
    import pandas as pd

    row = pd.Series({"site_id": "S-1", "name": "Bantaco", "commodity": "gold",
                     "survey_date": pd.Timestamp("2024-03-15"), "legal_status": "dunno", "workers": 1234,
                     "women": pd.NA, "mercury_use": "yes", "source": None})
    popup = upload_map.popup_html(row, "sites", "fr")
    assert date(dt.date(2024, 3, 15), "fr") in popup and number(1234, "fr") in popup, popup
    assert number(1234, "fr") != "1,234"
    assert "dunno" in popup  # an unknown code is shown as written
    assert popup.count("<br>") == 6  # site_id, name, commodity, date, legal status, workers, mercury use
    assert popups.value("hg_kg_per_year", 2.5, "en") == "2.5"
    assert popups.value("hg_kg_per_year", 2.0, "en") == "2"
    assert popups.value("site_id", 1001, "en") == "1001"  # ids are not numbers to group
    assert popups.value("survey_date", "15/03/2024", "en") == "15/03/2024"  # a rejected value as written
    assert popups.value("commodity", "or", "en") == "or"
    assert popups.value("commodity", "gold", "fr") != "gold"
    tip = upload_map.tooltip_html(pd.Series({"_feature": 3, "site_id": "S-1", "name": "B"}), "sites", "ok")
    assert tip == "<b>#3 S-1</b> · B · ok"
    assert isinstance(upload_map.batch_layers({"sites": gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")}),
                      upload_map.folium.FeatureGroup)
    with pytest.raises(ValueError, match="layer='countries'"):
        upload_map.batch_layers({"countries": gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")})


# --------------------------------------------------------------- reviewing a pending batch


def test_batch_map_shows_exactly_the_batch_and_fits_it(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    _, text = upload_flow.commit(report, "tester", strict=False)
    batch = batches.list_batches(store)["batch"].iloc[-1]
    features = upload_flow.batch_features(batch)
    group = upload_map.batch_layers(features, "en")
    (layer,) = [c for c in _groups(group) if isinstance(c, upload_map.maps.DataLayer)]
    drawn = layer.data["features"]
    assert layer.class_name == upload_map.BATCH_CLASS and len(drawn) == report.accepted_count
    assert [f["properties"]["_tooltip"].split("</b>")[0][3:] for f in drawn] == list(report.accepted["site_id"])
    assert "<b>Commodity</b>: Gold" in drawn[0]["properties"]["_popup"], drawn[0]["properties"]["_popup"]
    assert _fit(group) == upload_map.fit_bounds(report.accepted)


def test_batch_record_and_list_are_localised(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    upload_flow.commit(report, "Awa *Diallo*", strict=False)
    record = batches.list_batches(store).iloc[0]
    lines = dict(upload_flow.batch_record(record, "en"))
    assert lines["Batch"] == record["batch"] and lines["SHA-256"] == report.sha256 == record["sha256"]
    assert lines["Status"] == "pending review" and lines["Layer"] == "ASM sites" and lines["File"] == "sites.geojson"
    assert lines["Uploaded by"] == "Awa *Diallo*" and lines["Features in the file"] == "4"
    assert lines["Uploaded on"].endswith(" UTC") and record["when"][11:16] in lines["Uploaded on"]
    shown = upload_flow.batches_frame(batches.list_batches(store), "en")
    assert list(shown.columns) == ["Batch", "Status", "Layer", "File", "Uploaded by", "Uploaded on",
                                   "Features in the file", "Accepted", "Rejected"]
    assert shown.iloc[0]["Batch"] == record["batch"][:8]
    label = upload_flow.batch_label(record, "en")
    assert label == f"{record['batch'][:8]} · pending review · ASM sites · sites.geojson"
    many = batches.list_batches(store).assign(features=12345)
    assert upload_flow.batches_frame(many, "fr").iloc[0, 6] == number(12345, "fr") != "12,345"


def test_every_key_built_from_data_exists():
    from asmgeo.i18n import t
    from asmgeo.schema import layer_spec

    for status in (batches.PENDING, batches.APPROVED, batches.UNDONE):
        assert upload_flow.status_name(status, "en") == t(upload_flow.STATUS_KEYS[status])
    for severity in ("error", "warning"):
        t(f"upload.severity_{severity}")
    for code in ("unknown_batch", "approve_undone", "already_undone"):
        assert "B1" in upload_flow.error_text(batches.BatchError("x", code, "B1"), "en")
    for column in batches.BATCH_COLUMNS:
        t(f"upload.batch_{column}")
    for layer in upload_flow.LAYERS:
        assert upload_flow.layer_name(layer, "en") == t(f"map.layer.{layer}")
        for field in layer_spec(layer).fields:  # a category field gets a box of its values, the others a hint
            if field.kind != "category":
                t(f"upload.map_constant_hint_{field.kind}")


def test_review_shows_the_chosen_pending_batch(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    upload_flow.commit(report, "tester", strict=False)
    record = batches.list_batches(store).iloc[0]
    at = _page(store)
    assert any(f"Review batch {record['batch'][:8]}" in str(s.value) for s in at.subheader)
    text = "\n".join(str(m.value) for m in at.markdown)
    assert record["sha256"] in text and record["batch"] in text and "tester" in text
    assert any("not on the published maps until the batch is approved" in str(c.value) for c in at.caption)
    approve = next(b for b in at.button if b.label == "Approve")
    approve.click().run()
    _no_exception(at)
    assert any("show on the published maps" in str(c.value) for c in at.caption)
    assert next(b for b in at.button if b.label == "Approve").disabled


def test_a_failed_action_is_worded_for_the_reader(store):
    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    upload_flow.commit(report, "tester", strict=False)
    batch = batches.list_batches(store)["batch"].iloc[0]
    upload_flow.undo(batch)
    with pytest.raises(batches.BatchError) as caught:
        upload_flow.undo(batch)
    assert upload_flow.error_text(caught.value, "en") == f"Batch {batch} is already undone."


# --------------------------------------------------------------- the mapping step (issue 11)

SURVEY_HEADER = "point_id,metal,visited,lon,lat,team\n"
SURVEY_ROWS = ["P-001,oro,2024-03-15,-12.18,12.55,north", "P-002,aurum,2024-03-16,-12.10,13.20,north",
               "P-003,cobre,2024-03-17,-12.35,13.05,south"]
MAPPED = {"site_id": "point_id", "commodity": "metal", "survey_date": "visited"}


def _survey(folder: Path, rows: list[str] = SURVEY_ROWS, name: str = "survey.csv") -> Path:
    """A CSV whose columns are none of our names (point_id, metal, visited) and one value we do not know (aurum)."""
    path = folder / name
    path.write_text(SURVEY_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _file_screen(path: str, layer: str, lang: str) -> None:
    """What the upload page shows once a file is uploaded (AppTest cannot drive the file uploader)."""
    from pathlib import Path

    from ui import upload_sections

    upload_sections.uploaded_file(Path(path).name, Path(path).read_bytes(), layer, lang)


def _screen(path: Path, layer: str = "sites", lang: str = "en") -> AppTest:
    at = AppTest.from_function(_file_screen, args=(str(path), layer, lang), default_timeout=RUN_TIMEOUT_S)
    at.run()
    _no_exception(at)
    return at


def _ident(path: Path, layer: str = "sites", source_layer: str | None = None) -> str:
    import hashlib

    return upload_mapping.step_id(hashlib.sha256(path.read_bytes()).hexdigest(), layer, source_layer)


def _field_box(at: AppTest, path: Path, field: str, source_layer: str | None = None):
    return at.selectbox(key=upload_mapping.widget_key(keys.UPLOAD_MAP_FIELD, _ident(path, "sites", source_layer), field))


def _report(at: AppTest):
    (report,) = at.session_state[keys.UPLOAD_REPORTS].values()
    return report


def _metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def _texts(elements) -> str:
    return "\n".join(str(e.value).replace("\\", "") for e in elements)  # Markdown escapes of data undone


def test_mapping_chosen_on_the_page_changes_the_report(store, tmp_path):
    path = _survey(tmp_path)
    at = _screen(path)
    assert _metrics(at) == ["3", "0", "3"]
    errors = _texts(at.error)
    assert "required field site_id: this rejects 3 features" in errors
    assert "Columns that could hold it: point_id (e.g. P-001, P-002, P-003)" in errors
    assert errors.count("site_id") == 1  # one cause, said once for the file
    assert not at.dataframe  # no feature has an issue of its own
    box = _field_box(at, path, "site_id")
    assert box.value == upload_mapping.NO_COLUMN and box.options[0].startswith("point_id, proposed (e.g. P-001")
    for field, column in MAPPED.items():
        _field_box(at, path, field).select(column).run()
        _no_exception(at)
    assert _metrics(at) == ["3", "2", "1"]  # aurum is no commodity we know
    report = _report(at)
    assert {name: list(cols) for name, cols in report.mapping.columns.items()} == {f: [c] for f, c in MAPPED.items()}
    assert "Columns kept with each feature but not published: team" in _texts(at.info)
    value_box = at.selectbox(key=upload_mapping.value_key(_ident(path), "commodity", "aurum"))
    assert value_box.value == upload_mapping.KEEP and "gold" in value_box.options[1]
    value_box.select("gold").run()
    _no_exception(at)
    assert _metrics(at) == ["3", "3", "0"] and not at.error
    assert dict(_report(at).mapping.values["commodity"]) == {"aurum": "gold"}
    assert list(_report(at).accepted["commodity"]) == ["gold", "gold", "copper"]


def test_a_constant_and_generated_ids_fill_the_fields(store, tmp_path):
    path = _survey(tmp_path)
    at = _screen(path)
    _field_box(at, path, "survey_date").select("visited").run()
    _field_box(at, path, "commodity").select(upload_mapping.CONSTANT).run()
    ident = _ident(path)
    constant = at.selectbox(key=upload_mapping.widget_key(keys.UPLOAD_MAP_CONSTANT, ident, "commodity"))
    assert constant.value == "gold" and constant.options[0] == "Gold (gold)"
    at.checkbox(key=upload_mapping.widget_key(keys.UPLOAD_MAP_IDS, ident)).check().run()
    _no_exception(at)
    report = _report(at)
    assert _metrics(at) == ["3", "3", "0"], _texts(at.error)
    assert dict(report.mapping.constants) == {"commodity": "gold"} and report.mapping.generate_ids
    assert report.accepted["site_id"].str.match(r"^G-[0-9a-f]{12}$").all()


def test_a_constant_the_field_cannot_hold_is_said_and_left_out(store, tmp_path):
    path = _survey(tmp_path)
    at = _screen(path)
    _field_box(at, path, "survey_date").select(upload_mapping.CONSTANT).run()
    at.text_input(key=upload_mapping.widget_key(keys.UPLOAD_MAP_CONSTANT, _ident(path), "survey_date")).input(
        "someday").run()
    _no_exception(at)
    assert "someday" in _texts(at.warning)
    assert _report(at).mapping is None  # nothing else was mapped: validation alone


def test_ambiguous_dates_get_a_day_or_month_first_box(store, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("site_id,commodity,fecha,lon,lat\nD-1,gold,03/04/2024,-12.18,12.55\n"
                    "D-2,gold,04/03/2024,-12.10,13.20\n", encoding="utf-8")
    at = _screen(path)
    assert _metrics(at) == ["2", "0", "2"]
    assert "The dates of survey_date could be day first or month first: this rejects 2 features" in _texts(at.error)
    box = at.selectbox(key=upload_mapping.widget_key(keys.UPLOAD_MAP_DATES, _ident(path)))
    assert box.options == ["Not said (those dates are rejected)", "Day first (%d/%m/%Y)", "Month first (%m/%d/%Y)"]
    box.select("%d/%m/%Y").run()
    _no_exception(at)
    assert _metrics(at) == ["2", "2", "0"]
    assert [d.strftime("%Y-%m-%d") for d in _report(at).accepted["survey_date"]] == ["2024-04-03", "2024-03-04"]
    assert at.selectbox(key=box.key).value == "%d/%m/%Y"  # the box stays although the dates now read


def test_a_saved_mapping_is_listed_and_fills_the_step_for_the_next_file(store, tmp_path):
    first = _survey(tmp_path)
    at = _screen(first)
    assert not [s for s in at.selectbox if s.key.startswith(keys.UPLOAD_MAP_SAVED)]  # nothing saved yet
    for field, column in MAPPED.items():
        _field_box(at, first, field).select(column).run()
    at.selectbox(key=upload_mapping.value_key(_ident(first), "commodity", "aurum")).select("gold").run()
    at.text_input(key=upload_mapping.widget_key(keys.UPLOAD_MAP_NAME, _ident(first))).input("kobo form A").run()
    next(b for b in at.button if b.label == "Save mapping").click().run()
    _no_exception(at)
    assert "Mapping saved as kobo form A" in _texts(at.success)
    assert upload_mapping.saved_names("sites") == ["kobo form A"]
    assert upload_mapping.saved_names("tailings") == []

    second = _survey(tmp_path, ["Q-1,aurum,2024-05-01,-12.2,12.6,east", "Q-2,oro,2024-05-02,-12.3,12.7,west"],
                     name="survey_2.csv")
    at = _screen(second)
    assert _metrics(at) == ["2", "0", "2"]
    picker = at.selectbox(key=upload_mapping.widget_key(keys.UPLOAD_MAP_SAVED, _ident(second)))
    assert picker.options == ["— none —", "kobo form A"]
    picker.select("kobo form A").run()
    _no_exception(at)
    assert "Mapping kobo form A filled in." in _texts(at.success)
    assert [_field_box(at, second, f).value for f in MAPPED] == list(MAPPED.values())
    assert _metrics(at) == ["2", "2", "0"]
    assert list(_report(at).accepted["site_id"]) == ["Q-1", "Q-2"]


def test_widgets_and_mapping_say_the_same(tmp_path):
    from asmgeo.ingest.mapping import Mapping

    path = _survey(tmp_path)
    step = upload_mapping.read_step(path.name, path.read_bytes(), "sites", None, "en")
    assert step.proposals.columns == ("point_id", "metal", "visited", "team")
    mapping = Mapping(layer="sites", columns={"site_id": ["point_id"], "commodity": ["metal", "other"]},
                      constants={"survey_date": "2024-05"}, values={"commodity": {"aurum": "gold"}},
                      generate_ids=True, date_format="%d.%m.%Y")
    state, dropped = upload_mapping.state_from_mapping(mapping, step)
    assert dropped == []
    unknown = {"commodity": ("aurum",)}
    dates = {"survey_date": ("%d/%m/%Y", "%m/%d/%Y")}
    again, refused = upload_mapping.mapping_from_state(state, step, unknown, dates, None)
    assert refused == []
    assert again.to_json() == {**mapping.to_json(), "columns": {"site_id": ["point_id"], "commodity": ["metal"]}}
    absent = Mapping(layer="sites", columns={"site_id": ["code"]})
    _, dropped = upload_mapping.state_from_mapping(absent, step)
    assert dropped == ["The mapping reads site_id from code, which this file lacks; site_id is read as found."]
    assert upload_mapping.mapping_from_state({}, step, {}, {}, None)[0].is_empty  # untouched: validation alone


def test_a_file_with_several_layers_gets_a_picker(store, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "survey.gpkg"
    for name, count in (("north", 2), ("south", 1)):
        gpd.GeoDataFrame({"site_id": [f"{name}-{i}" for i in range(count)], "commodity": ["gold"] * count,
                          "survey_date": ["2024-03-15"] * count},
                         geometry=[Point(-12.18 + i / 10, 12.55) for i in range(count)],
                         crs="EPSG:4326").to_file(path, layer=name, driver="GPKG")
    at = _screen(path)
    import hashlib

    key = upload_mapping.widget_key(keys.UPLOAD_SOURCE_LAYER, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    picker = at.selectbox(key=key)
    assert picker.options == ["north", "south"] and picker.value == "north"
    assert _metrics(at) == ["2", "2", "0"] and _report(at).mapping.source_layer == "north"
    picker.select("south").run()
    _no_exception(at)
    assert _metrics(at) == ["1", "1", "0"] and _report(at).mapping.source_layer == "south"
    assert list(_report(at).accepted["site_id"]) == ["south-0"]


def test_kml_folders_can_all_be_read_or_one(store):
    import hashlib

    path = UPLOADS / "sites.kml"
    at = _screen(path)
    key = upload_mapping.widget_key(keys.UPLOAD_SOURCE_LAYER, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    picker = at.selectbox(key=key)
    assert picker.options == ["All folders, in order", "Bantaco", "Sabodala"] and picker.label.startswith("Folder")
    everything = _report(at).features
    picker.select("Bantaco").run()
    _no_exception(at)
    assert _report(at).features == 1 < everything


def test_the_count_a_file_level_cause_rejects_is_shown_in_the_readers_numbers(store, tmp_path):
    path = tmp_path / "many.csv"
    rows = [f"M-{i},2024-03-15,-12.{i % 90 + 10},12.55" for i in range(1234)]
    path.write_text("site_id,survey_date,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    at = _screen(path, lang="fr")
    assert _metrics(at)[2] == number(1234, "fr")
    errors = _texts(at.error)
    assert f"cela rejette {number(1234, 'fr')} entités" in errors and errors.count("commodity") == 1
    frame = upload_flow.issues_frame(_report(at), "fr")
    assert frame.iloc[0]["Entités rejetées"] == 1234 and len(frame) == 1


def test_commit_keeps_the_source_and_licence_and_the_review_shows_kept_columns(store, tmp_path):
    from asmgeo.ingest.mapping import Mapping

    path = _survey(tmp_path)
    mapping = Mapping(layer="sites", columns={f: [c] for f, c in MAPPED.items()},
                      values={"commodity": {"aurum": "gold"}})
    report = upload_flow.validate_path(path, "sites", mapping=mapping)
    kind, text = upload_flow.commit(report, "tester", strict=False, source="Ministry survey 2024", licence="CC BY 4.0")
    assert kind == "success", text
    batch = batches.list_batches(store)["batch"].iloc[0]
    features = upload_flow.batch_features(batch)["sites"]
    assert set(features["source"]) == {"Ministry survey 2024"}
    extra = upload_flow.extra_frame(features, "sites")
    assert list(extra.columns) == ["site_id", "team"] and list(extra["team"]) == ["north", "north", "south"]
    at = _page(store)
    tables = [d.value for d in at.dataframe]
    assert any(list(t.columns) == ["site_id", "team"] for t in tables)
    assert any("Columns kept but not published" in str(m.value) for m in at.markdown)


def test_skipped_records_are_said_in_the_commit_message(store, monkeypatch):
    from asmgeo.ingest.commit import ImportResult

    report = upload_flow.validate_path(UPLOADS / "sites.geojson", "sites")
    monkeypatch.setattr(upload_flow, "import_report", lambda *a, **k: ImportResult("B1", 2, skipped_existing=2))
    kind, text = upload_flow.commit(report, "", strict=False)
    assert kind == "success" and text.endswith("2 record(s) already in the store were skipped.")


def test_a_picked_mapping_keeps_what_this_file_shows_no_box_for(tmp_path):
    from asmgeo.ingest.mapping import Mapping

    path = _survey(tmp_path, ["P-9,oro,2024-03-15,-12.18,12.55,north"])  # no aurum, ISO dates
    step = upload_mapping.read_step(path.name, path.read_bytes(), "sites", None, "en")
    saved = Mapping(layer="sites", columns={"site_id": ["point_id"]}, values={"commodity": {"aurum": "gold"}},
                    date_format="%d.%m.%Y")
    state, _ = upload_mapping.state_from_mapping(saved, step)
    again, _ = upload_mapping.mapping_from_state(state, step, {}, {}, None)
    assert dict(again.values["commodity"]) == {"aurum": "gold"} and again.date_format == "%d.%m.%Y"
    state[upload_mapping.value_key(step.ident, "commodity", "aurum")] = upload_mapping.KEEP  # a box, set back
    again, _ = upload_mapping.mapping_from_state(state, step, {"commodity": ("aurum",)}, {}, None)
    assert "commodity" not in again.values
    with_constant = Mapping(layer="sites", constants={"commodity": "Or"})
    state, _ = upload_mapping.state_from_mapping(with_constant, step)
    assert state[upload_mapping.widget_key(keys.UPLOAD_MAP_FIELD, step.ident, "commodity")] == upload_mapping.CONSTANT
    assert state[upload_mapping.widget_key(keys.UPLOAD_MAP_CONSTANT, step.ident, "commodity")] == "gold"
