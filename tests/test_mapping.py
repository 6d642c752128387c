"""Mapping a file to our fields (--map, --set, --value, --generate-ids, mapping files) and what validation does with it."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo.i18n import LANGUAGES
from asmgeo.ingest.mapping import (
    MAPPING_VERSION,
    Mapping,
    MappingError,
    is_mapping_file,
    load_mapping,
    resolve_mapping,
    save_mapping,
)
from asmgeo.ingest.readers import RawFeatures
from asmgeo.ingest.validate import (
    Report,
    geometry_id,
    validate_features,
    validate_file,
    with_provenance,
)
from asmgeo.schema import import_columns, layer_spec
from asmgeo.shipped.boundaries import load_countries

TODAY = dt.date(2025, 6, 1)
SENEGAL = (-12.18, 12.55)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_countries("full")


def _frame(columns: dict[str, list], points: list[tuple[float, float]] | None = None) -> RawFeatures:
    n = len(next(iter(columns.values())))
    points = points or [(SENEGAL[0] + 0.01 * i, SENEGAL[1]) for i in range(n)]
    frame = gpd.GeoDataFrame(columns, geometry=[shapely.Point(p) for p in points], crs="EPSG:4326")
    return RawFeatures(frame, "test")


def _check(raw: RawFeatures, countries, mapping: Mapping | None = None, layer: str = "sites") -> Report:
    return validate_features(raw, layer, countries, today=TODAY, mapping=mapping)


def _pairs(report: Report) -> set[tuple[int | None, str]]:
    return {(i.feature, i.code) for i in report.issues}


# --- the Mapping model ---------------------------------------------------------------------------------------


def test_from_cli_parses_every_option():
    mapping = Mapping.from_cli("sites", maps=["site_id=point_id, id", r"name=Site\, village", "site_id=code"],
                               sets=["commodity=Or"], values=["legal_status:garimpo=illegal", "commodity:a=b=gold"],
                               generate_ids=True, date_format="%d/%m/%Y", dedupe_by="KEY", source_layer="sites")
    assert dict(mapping.columns) == {"site_id": ("point_id", "id", "code"), "name": ("Site, village",)}
    assert dict(mapping.constants) == {"commodity": "Or"}
    assert {k: dict(v) for k, v in mapping.values.items()} == {"legal_status": {"garimpo": "illegal"},
                                                                 "commodity": {"a=b": "gold"}}
    assert (mapping.generate_ids, mapping.date_format, mapping.dedupe_by, mapping.source_layer) == (
        True, "%d/%m/%Y", "KEY", "sites")


@pytest.mark.parametrize("kwargs, named", [
    ({"maps": ["sitio=code"]}, "sitio"),
    ({"maps": ["site_id"]}, "site_id"),
    ({"sets": ["commodity=gould"]}, "gould"),
    ({"sets": ["survey_date=15 March"]}, "15 March"),
    ({"sets": ["workers=-3"]}, "-3"),
    ({"values": ["commodity:Or=gould"]}, "gould"),
    ({"values": ["name:x=y"]}, "name"),
    ({"values": ["commodity=gold"]}, "commodity=gold"),
    ({"date_format": "dd/mm/yyyy"}, "dd/mm/yyyy"),
    ({"maps": ["hg_kg_per_year=hg"]}, "hg_kg_per_year"),  # a mercury field, not a sites one
])
def test_bad_options_are_refused_naming_the_bad_value(kwargs, named):
    with pytest.raises(MappingError) as caught:
        Mapping.from_cli("sites", **kwargs)
    assert named in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_errors_are_worded_in_the_language_asked_for():
    texts, again = {}, {}
    for lang in LANGUAGES:
        with pytest.raises(MappingError) as caught:
            Mapping.from_cli("sites", sets=["commodity=gould"], lang=lang)
        texts[lang] = str(caught.value)
        again[lang] = caught.value.text("fr")  # any error can be worded again in another language
    assert len(set(texts.values())) == 3 and all("gould" in text for text in texts.values())
    assert set(again.values()) == {texts["fr"]}


def test_json_round_trip_is_stable_and_versioned(tmp_path):
    mapping = Mapping.from_cli("sites", maps=["survey_date=fecha,date", "site_id=id"], sets=["commodity=gold"],
                               values=["legal_status:garimpo=illegal"], generate_ids=True)
    data = mapping.to_json()
    assert list(data) == ["asmgeo_mapping", "layer", "columns", "constants", "values", "generate_ids",
                          "date_format", "dedupe_by", "source_layer"]
    assert data["asmgeo_mapping"] == MAPPING_VERSION and list(data["columns"]) == ["site_id", "survey_date"]
    assert Mapping.from_json(data) == mapping and Mapping.from_json(mapping.to_text()) == mapping
    assert hash(Mapping.from_json(data)) == hash(mapping)
    path = save_mapping(mapping, tmp_path / "form.json")
    assert path.read_text(encoding="utf-8") == mapping.to_text()
    assert load_mapping(path, "sites") == mapping
    assert json.loads(path.read_text())["values"] == {"legal_status": {"garimpo": "illegal"}}


@pytest.mark.parametrize("content, named", [
    ('{"asmgeo_mapping": 2, "layer": "sites"}', "2"),
    ('{"asmgeo_mapping": 1, "layer": "sites", "colums": {}}', "colums"),
    ('{"asmgeo_mapping": 1, "layer": "sites", "columns": {"site_id": []}}', "site_id"),
    ("[1, 2]", "list"),
    ("not json", "JSON"),
])
def test_a_bad_mapping_file_is_one_sentence_naming_the_file(tmp_path, content, named):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path, "sites")
    assert "bad.json" in str(caught.value) and named in str(caught.value)


def test_a_mapping_for_another_layer_is_refused(tmp_path):
    path = save_mapping(Mapping.from_cli("mercury", maps=["record_id=id"]), tmp_path / "hg.json")
    with pytest.raises(MappingError, match="mercury"):
        load_mapping(path, "sites")


def test_cli_options_add_to_a_mapping_file():
    base = Mapping.from_cli("sites", maps=["site_id=id", "name=nom"], sets=["commodity=gold"])
    mapping = Mapping.from_cli("sites", maps=["site_id=code"], sets=["legal_status=informal"], base=base)
    assert dict(mapping.columns) == {"site_id": ("code",), "name": ("nom",)}
    assert dict(mapping.constants) == {"commodity": "gold", "legal_status": "informal"}


def test_a_name_means_the_store_which_is_refused_until_it_keeps_mappings():
    assert is_mapping_file("form.json") and is_mapping_file("maps/form") and not is_mapping_file("kobo_v3")
    with pytest.raises(MappingError, match="kobo_v3"):
        resolve_mapping("kobo_v3", "sites")
    kept = Mapping.from_cli("sites", sets=["commodity=gold"])
    assert resolve_mapping("kobo_v3", "sites", named=lambda name: kept) == kept


# --- a mapping applied ---------------------------------------------------------------------------------------


def test_map_wins_over_the_aliases_and_reads_columns_in_order(countries):
    raw = _frame({"site_id": ["", "", ""], "point_id": ["P-1", "", "P-3"], "old_id": ["X-1", "X-2", ""],
                  "commodity": ["gold"] * 3, "survey_date": ["2024-03-15"] * 3})
    report = _check(raw, countries, Mapping.from_cli("sites", maps=["site_id=point_id,old_id"]))
    assert report.accepted["site_id"].tolist() == ["P-1", "X-2", "P-3"]
    assert report.issues[-1].code == "unused_columns" and "site_id" in report.issues[-1].message  # kept as extra


def test_set_fills_only_where_the_file_has_no_value(countries):
    raw = _frame({"site_id": ["A", "B"], "commodity": ["diamant", ""], "survey_date": ["2024-03-15", ""]})
    report = _check(raw, countries, Mapping.from_cli("sites", sets=["commodity=gold", "survey_date=2024-03"]))
    assert report.accepted["commodity"].tolist() == ["diamond", "gold"]
    assert report.accepted["survey_date_precision"].tolist() == ["day", "month"]


def test_value_maps_the_files_own_words_before_the_aliases(countries):
    raw = _frame({"site_id": ["A", "B", "C"], "commodity": ["Ouro", "Or", "cassiterita"],
                  "legal_status": ["garimpo", "", "legal"], "practices": ["bateia retort", "", ""],
                  "survey_date": ["2024-03-15"] * 3})
    mapping = Mapping.from_cli("sites", values=["commodity:ouro=gold", "legal_status:Garimpo=illegal",
                                                "practices:bateia=gravity_concentration"])
    report = _check(raw, countries, mapping)
    assert report.exit_code == 0, report.issues
    assert report.accepted["commodity"].tolist() == ["gold", "gold", "cassiterite"]
    assert report.accepted["legal_status"].tolist()[0] == "illegal"
    assert report.accepted["practices"].tolist()[0] == "gravity_concentration;retort"


def test_a_mapped_column_the_file_lacks_is_a_warning_naming_the_closest(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"], "Survey Day": ["2024-03-15"]})
    report = _check(raw, countries, Mapping.from_cli("sites", maps=["survey_date=survey_day_x"]))
    notes = {i.code: i for i in report.issues}
    assert notes["mapped_column_missing"].severity == "warning" and "Survey Day" in notes["mapped_column_missing"].message
    assert notes["missing_column"].count == 1


def test_a_column_named_without_regard_to_case_is_found(countries):
    raw = _frame({"Point ID": ["A"], "commodity": ["gold"], "date": ["2024-03-15"]})
    report = _check(raw, countries, Mapping.from_cli("sites", maps=["site_id=point id"]))
    assert report.accepted["site_id"].tolist() == ["A"]


# --- ids from the geometry -----------------------------------------------------------------------------------

FOOTPRINT = shapely.Polygon([(-12.2, 12.6), (-12.19, 12.6), (-12.19, 12.61), (-12.2, 12.61)])


def test_generated_ids_are_stable_across_surveys_and_vertex_order():
    same = shapely.Polygon([(-12.19, 12.61), (-12.2, 12.61), (-12.2, 12.6), (-12.19, 12.6)])  # other start, order
    nudged = shapely.Polygon([(x + 1e-9, y) for x, y in FOOTPRINT.exterior.coords])
    assert geometry_id(FOOTPRINT) == geometry_id(same) == geometry_id(nudged)
    assert geometry_id(FOOTPRINT).startswith("G-") and len(geometry_id(FOOTPRINT)) == 14
    assert geometry_id(FOOTPRINT) != geometry_id(shapely.Point(-12.2, 12.6))


def test_generate_ids_makes_a_later_survey_a_visit_and_the_same_date_a_duplicate(countries):
    frame = gpd.GeoDataFrame({"date": ["2023-02-01", "2024-02-01", "2024-02-01", ""], "site_id": ["", "", "", "K-9"]},
                             geometry=[FOOTPRINT, FOOTPRINT, FOOTPRINT, shapely.Point(SENEGAL)], crs="EPSG:4326")
    mapping = Mapping.from_cli("sites", sets=["commodity=gold", "survey_date=2024"], generate_ids=True)
    report = _check(RawFeatures(frame, "test"), countries, mapping)
    assert _pairs(report) == {(2, "duplicate_feature")}
    ids = report.accepted.set_index("_feature")["site_id"]
    assert ids[0] == ids[1] == geometry_id(FOOTPRINT) and ids[3] == "K-9"


def test_without_generate_ids_a_missing_id_column_is_one_issue(countries):
    frame = gpd.GeoDataFrame({"commodity": ["gold"]}, geometry=[FOOTPRINT], crs="EPSG:4326")
    report = _check(RawFeatures(frame, "test"), countries, Mapping.from_cli("sites", sets=["survey_date=2024"]))
    missing = [i for i in report.issues if i.code == "missing_column"]
    assert len(missing) == 1 and "--generate-ids" in missing[0].message


# --- a required field with no column: once per file ------------------------------------------------------------


def test_a_required_field_with_no_column_is_one_issue_for_the_whole_file(countries):
    n = 2000
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-15.5, -13, n), rng.uniform(14, 15, n)  # inland Senegal, away from borders
    boxes = shapely.box(x, y, x + 0.001, y + 0.001)
    frame = gpd.GeoDataFrame({"point_id": [f"PT-{i}" for i in range(n)], "detected": ["2023-11"] * n},
                             geometry=boxes, crs="EPSG:4326")
    report = _check(RawFeatures(frame, "test"), countries)
    assert report.exit_code == 1 and report.rejected_count == n
    assert [(i.feature, i.severity, i.code, i.count, i.field) for i in report.issues if i.code == "missing_column"] == [
        (None, "error", "missing_column", n, "site_id"), (None, "error", "missing_column", n, "commodity"),
        (None, "error", "missing_column", n, "survey_date")]
    assert not [i for i in report.issues if i.feature is not None]
    data = report.to_json()
    assert len(json.dumps(data)) < 3000
    counted = [i for i in data["issues"] if "count" in i]
    assert [list(i) for i in counted] == [["feature", "severity", "code", "message", "count"]] * 3
    assert all(list(i) == ["feature", "severity", "code", "message"] for i in data["issues"] if "count" not in i)
    by_field = {i.field: i.message for i in report.issues if i.code == "missing_column"}
    assert "point_id (e.g. PT-0, PT-1, PT-2)" in by_field["site_id"] and "--map site_id=COLUMN" in by_field["site_id"]
    assert "detected (e.g. 2023-11)" in by_field["survey_date"] and "2,000" in by_field["survey_date"]
    assert "--set commodity=" in by_field["commodity"]
    assert all("survey_date" in r for r in report.rejected["_reasons"])  # still each rejected feature's reason
    fixed = _check(RawFeatures(frame, "test"), countries, Mapping.from_cli(
        "sites", maps=["site_id=point_id", "survey_date=detected"], sets=["commodity=gold"]))
    assert (fixed.exit_code, fixed.accepted_count) == (0, n)
    assert set(fixed.accepted.geom_type) == {"Polygon"}


def test_missing_column_messages_are_translated(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"]})
    texts = {lang: next(i.message for i in validate_features(raw, "sites", countries, today=TODAY, lang=lang).issues
                        if i.code == "missing_column") for lang in LANGUAGES}
    assert len(set(texts.values())) == 3 and all("--set survey_date=" in text for text in texts.values())


# --- dates as field tools write them ------------------------------------------------------------------------


def test_years_and_months_are_dates_kept_at_their_precision(countries):
    raw = _frame({"site_id": list("ABCDE"), "commodity": ["gold"] * 5,
                  "survey_date": ["2019", "2024-01", "202402", "2024/03", "2024-03-15"]})
    report = _check(raw, countries)
    assert report.exit_code == 0, report.issues
    assert report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-01-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-03-15"]
    assert report.accepted["survey_date_precision"].tolist() == ["year", "month", "month", "month", "day"]


def test_a_year_is_in_the_future_only_when_it_starts_after_today(countries):
    raw = _frame({"site_id": ["A", "B"], "commodity": ["gold"] * 2, "survey_date": ["2025", "2026"]})
    report = _check(raw, countries)
    assert _pairs(report) == {(1, "future_date")} and "2026" in report.issues[0].message


def test_day_first_dates_are_read_when_the_column_says_so(countries):
    raw = _frame({"site_id": list("ABC"), "commodity": ["gold"] * 3,
                  "survey_date": ["15/03/2024", "03/04/2024", "2024-05-06"]})
    report = _check(raw, countries)
    assert report.exit_code == 0
    assert report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15", "2024-04-03", "2024-05-06"]
    month_first = _check(_frame({"site_id": list("AB"), "commodity": ["gold"] * 2,
                                 "survey_date": ["03.15.2024", "04.03.2024"]}), countries)
    assert month_first.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15", "2024-04-03"]


def test_ambiguous_dates_are_one_issue_until_a_date_format_settles_them(countries):
    raw = _frame({"site_id": list("ABCD"), "commodity": ["gold"] * 4,
                  "survey_date": ["03/04/2024", "05/06/2024", "07/07/2024", "2024-01-02"]})
    report = _check(raw, countries)
    ambiguous = [i for i in report.issues if i.code == "ambiguous_dates"]
    assert len(ambiguous) == 1 and ambiguous[0].count == 2 and ambiguous[0].feature is None
    assert "--date-format %d/%m/%Y" in ambiguous[0].message and "03/04/2024" in ambiguous[0].message
    assert sorted(report.rejected["_feature"]) == [0, 1] and report.exit_code == 1
    settled = _check(raw, countries, Mapping.from_cli("sites", date_format="%m/%d/%Y"))
    assert settled.exit_code == 0
    assert settled.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-04", "2024-05-06", "2024-07-07", "2024-01-02"]


def test_a_two_digit_year_needs_a_date_format(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"], "survey_date": ["15/03/24"]})
    assert _pairs(_check(raw, countries)) == {(0, "not_a_date")}
    report = _check(raw, countries, Mapping.from_cli("sites", date_format="%d/%m/%y"))
    assert report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15"]


# --- KoboToolbox and ODK habits --------------------------------------------------------------------------------


def test_select_multiple_split_into_0_1_columns_fills_the_list(countries):
    raw = _frame({"site_id": list("ABC"), "commodity": ["gold"] * 3, "survey_date": ["2024-03-15"] * 3,
                  "practices/whole_ore_amalgamation": ["1", "0", "0"], "practices/open_burning": ["1", "0", ""],
                  "grp/practices/retort": ["True", "False", "1"]})
    report = _check(raw, countries)
    assert report.exit_code == 0 and report.issues == ()
    practices = report.accepted["practices"]
    assert practices[0] == "whole_ore_amalgamation;open_burning;retort" and pd.isna(practices[1])
    assert practices[2] == "retort"


def test_a_plain_list_column_wins_over_the_0_1_columns(countries):
    raw = _frame({"site_id": list("AB"), "commodity": ["gold"] * 2, "survey_date": ["2024-03-15"] * 2,
                  "practices": ["gravity_concentration", ""], "practices/retort": ["0", "1"]})
    assert _check(raw, countries).accepted["practices"].tolist() == ["gravity_concentration", "retort"]


@pytest.mark.parametrize("column, kwargs", [
    ("_uuid", {}), ("meta/instanceID", {}), ("meta-instanceID", {}), ("KEY", {}), ("record", {"dedupe_by": "record"}),
])
def test_the_submission_id_is_carried_with_each_feature(countries, column, kwargs):
    raw = _frame({"site_id": ["A", "B"], "commodity": ["gold"] * 2, "survey_date": ["2024-03-15"] * 2,
                  column: ["uuid:1", "uuid:2"]})
    report = _check(raw, countries, Mapping.from_cli("sites", **kwargs) if kwargs else None)
    assert report.accepted["submission_id"].tolist() == ["uuid:1", "uuid:2"]
    assert report.skipped_existing == 0 and "skipped_existing" not in report.to_json()
    assert "extra" not in report.to_json() and report.accepted["extra"].isna().all()


def test_dedupe_by_a_column_the_file_lacks_is_a_warning(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"], "survey_date": ["2024-03-15"], "_uuid": ["u"]})
    report = _check(raw, countries, Mapping.from_cli("sites", dedupe_by="submission"))
    assert _pairs(report) == {(None, "mapped_column_missing")}
    assert report.accepted["submission_id"].isna().all()


def test_skipped_records_are_counted_in_the_json_only_when_there_are_some(countries):
    report = _check(_frame({"site_id": ["A"], "commodity": ["gold"], "survey_date": ["2024"]}), countries)
    import dataclasses

    data = dataclasses.replace(report, skipped_existing=3).to_json()
    assert data["skipped_existing"] == 3 and list(data)[:5] == ["features", "accepted", "rejected", "issues", "batch"]


# --- columns we do not know, and files merged from teams ---------------------------------------------------------


def test_unknown_columns_are_kept_as_one_json_attribute_and_listed(countries):
    raw = _frame({"site_id": ["A", "B"], "commodity": ["gold"] * 2, "survey_date": ["2024-03-15"] * 2,
                  "village": ["Bantaco", ""], "Depth (m)": ["12", ""], "_id": ["1", "2"], "start": ["x", "y"]})
    report = _check(raw, countries)
    assert _pairs(report) == {(None, "unused_columns")}
    assert "village, Depth (m)" in report.issues[0].message and "kept" in report.issues[0].message
    assert [None if pd.isna(e) else json.loads(e) for e in report.accepted["extra"]] == [
        {"village": "Bantaco", "Depth (m)": "12"}, None]


def test_a_file_merged_from_english_french_and_spanish_teams(countries):
    raw = _frame({"site_id": ["A", "", "", "D"], "code_site": ["", "B", "", "D"], "id_sitio": ["", "", "C", ""],
                  "commodity": ["gold", "", "", "gold"], "minerai": ["", "or", "", "diamant"],
                  "mineral": ["", "", "oro", ""], "date": ["2024-03-15", "", "", "2024-03-15"],
                  "date_visite": ["", "2024-03-16", "", ""], "fecha": ["", "", "2024-03-17", ""]})
    report = _check(raw, countries)
    assert _pairs(report) == {(None, "duplicate_column"), (3, "conflicting_values")}
    assert report.accepted["site_id"].tolist() == ["A", "B", "C"]
    assert report.accepted["commodity"].tolist() == ["gold", "gold", "gold"]
    conflict = next(i for i in report.issues if i.code == "conflicting_values")
    assert conflict.field == "commodity" and '"diamant" (minerai)' in conflict.message
    assert report.exit_code == 1


def test_the_same_value_written_two_ways_is_no_conflict(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"], "minerai": ["Or"], "survey_date": ["2024-03-15"],
                  "fecha": ["2024-03-15"]})
    assert _pairs(_check(raw, countries)) == {(None, "duplicate_column")}


def test_kobo_today_is_not_in_conflict_with_the_survey_question(countries):
    raw = _frame({"site_id": ["A"], "commodity": ["gold"], "today": ["2024-03-20"], "grp/date_visite": ["2024-03-15"]})
    report = _check(raw, countries)
    assert report.issues == () and report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15"]


# --- the accepted frame and provenance ------------------------------------------------------------------------


def test_accepted_frame_has_the_import_columns_in_order(countries):
    report = _check(_frame({"site_id": ["A"], "commodity": ["gold"], "survey_date": ["2024-03-15"]}), countries)
    assert list(report.accepted.columns) == [*layer_spec("sites").field_names, *import_columns("sites"),
                                             "_feature", "geometry"]
    assert import_columns("geology_units") == ("submission_id", "extra")


def test_with_provenance_fills_empty_sources_and_keeps_both_for_the_batch(countries):
    raw = _frame({"site_id": ["A", "B"], "commodity": ["gold"] * 2, "survey_date": ["2024-03-15"] * 2,
                  "source": ["IPIS 2023", ""]})
    report = with_provenance(_check(raw, countries), " Ministry survey ", "CC BY 4.0")
    assert report.accepted["source"].tolist() == ["IPIS 2023", "Ministry survey"]
    assert (report.source, report.licence) == ("Ministry survey", "CC BY 4.0")
    plain = _check(raw, countries)
    assert with_provenance(plain, None, "  ") is plain


def test_the_mapping_used_is_on_the_report(countries, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("point,lon,lat\nP1,-12.18,12.55\n", encoding="utf-8")
    mapping = Mapping(layer=None, columns={"site_id": ["point"]}, constants={"commodity": "gold", "survey_date": "2024"})
    report = validate_file(path, "sites", countries, today=TODAY, mapping=mapping)
    assert report.exit_code == 0 and report.mapping.layer == "sites" and report.mapping.columns["site_id"] == ("point",)
    assert validate_file(path, "sites", countries, today=TODAY).mapping is None


# --- a date kept at its precision, shown as written and filtered by overlap ------------------------------------


def test_period_end_and_format_survey_date():
    from asmgeo.schema import format_survey_date, period_end

    assert period_end(dt.date(2019, 1, 1), "year") == dt.date(2019, 12, 31)
    assert period_end(pd.Timestamp("2024-02-01"), "month") == dt.date(2024, 2, 29)
    assert period_end("2024-12-01", "month") == dt.date(2024, 12, 31)
    assert period_end("2024-03-15", None) == dt.date(2024, 3, 15) and period_end(None, "year") is None
    assert [format_survey_date("2019-01-01", p) for p in ("year", "month", "day")] == ["2019", "2019-01", "2019-01-01"]
    assert format_survey_date(pd.NaT, "year") == "" and format_survey_date(dt.datetime(2024, 1, 5), np.nan) == "2024-01-05"
    assert [format_survey_date("2024-01-01", "month", lang, "medium") for lang in LANGUAGES] == [
        "Jan 2024", "janv. 2024", "ene 2024"]
    assert format_survey_date("2019-01-01", "year", "fr", "medium") == "2019"
    with pytest.raises(ValueError, match="week"):
        period_end("2024-01-01", "week")


def test_a_date_filter_includes_a_year_or_month_whose_period_overlaps_it(countries):
    from asmgeo.domain.query import filter_records

    raw = _frame({"site_id": list("ABCD"), "commodity": ["gold"] * 4,
                  "survey_date": ["2019", "2024-01", "2024-03-15", "2023-12-31"]})
    accepted = _check(raw, countries).accepted
    kept = filter_records(accepted, (dt.date(2019, 6, 1), dt.date(2024, 1, 20)))
    assert kept["site_id"].tolist() == ["A", "B", "D"]
    assert filter_records(accepted, (dt.date(2024, 1, 31), None))["site_id"].tolist() == ["B", "C"]
    day_only = accepted.drop(columns=["survey_date_precision"])  # a store without the column: every date is a day
    assert filter_records(day_only, (dt.date(2024, 1, 31), None))["site_id"].tolist() == ["C"]
