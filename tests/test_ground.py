"""Ground figures: every figure recomputed independently with plain pandas on a small demo store, plus edge cases."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from stores import demo_store_in

from asmgeo.domain import ground, practices, query
from asmgeo.shipped import reference

TODAY = dt.date(2026, 6, 30)  # inside the demo's survey span, so "the last 12 months" holds some sites
ANNEX_C = {"whole_ore_amalgamation", "open_burning", "residential_burning", "cyanide_on_mercury_tailings"}
RANK = ["good", "acceptable", "poor", "unacceptable"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Raw layers of a 300-site demo store and the latest sites as the page gets them."""
    with demo_store_in(tmp_path_factory.mktemp("ground"), 300) as store:
        raw = {name: store.read(name) for name in ("sites", "mercury", "tailings")}
        rules = pd.read_csv(practices.rules_path(), dtype=str)
    latest = query.latest_sites(raw["sites"], practices.load_rules())
    return raw, latest, dict(zip(rules["practice"], rules["class"]))


# ------------------------------------------------------------------ independent recomputation


def _class(codes: str | None, rules: dict[str, str]) -> str:
    """Worst class among a site's codes (Annex C always unacceptable); unknown if none known."""
    found = [c for c in (codes or "").split(";") if c]
    ranks = [3 if c in ANNEX_C else RANK.index(rules[c]) for c in found if c in rules or c in ANNEX_C]
    return RANK[max(ranks)] if ranks else "unknown"


def _share(hits: pd.Series, known: pd.Series) -> tuple[float | None, int]:
    n = int(known.sum())
    return (100 * int((hits & known).sum()) / n if n else None), n


def expected_figures(raw: dict, rules: dict[str, str], iso3: str, today: dt.date) -> dict[str, tuple]:
    """(value, records) of each figure, from the raw store layers with plain pandas."""
    visits = raw["sites"].sort_values(["site_id", "survey_date"], kind="stable")
    counts = visits.groupby("site_id").size()
    latest = visits.drop_duplicates("site_id", keep="last")
    sites = latest[latest["country"] == iso3].copy()
    sites["visits"] = sites["site_id"].map(counts)
    sites["klass"] = [_class(p, rules) for p in sites["practices"]]
    n = len(sites)
    out: dict[str, tuple] = {"sites": (n, n)}
    status = sites["legal_status"].fillna("unknown")
    for code in ("licensed", "in_process", "informal", "illegal", "unknown"):
        out[f"legal_status.{code}"] = (int((status == code).sum()), n)
    for code in ("gold", "cassiterite", "coltan", "wolframite", "diamond", "gemstones", "copper", "cobalt",
                 "construction_materials", "other"):
        out[f"commodity.{code}"] = (int((sites["commodity"] == code).sum()), n)
    for code in (*RANK, "unknown"):
        out[f"practice_class.{code}"] = (int((sites["klass"] == code).sum()), n)
    out["licensed_share"] = _share(status == "licensed", status != "unknown")
    workers, women = sites["workers"].astype(float), sites["women"].astype(float)
    out["workers"] = (int(workers.sum()) if workers.notna().any() else None, int(workers.notna().sum()))
    out["women"] = (int(women.sum()) if women.notna().any() else None, int(women.notna().sum()))
    both = workers.notna() & women.notna()
    out["women_share"] = (100 * women[both].sum() / workers[both].sum() if workers[both].sum() else None, int(both.sum()))
    out["mercury_use_share"] = _share(sites["mercury_use"] == "yes", sites["mercury_use"].isin(["yes", "no"]))
    recorded = sites["practices"].fillna("").str.strip() != ""
    annex = sites["practices"].fillna("").map(lambda p: bool(set(p.split(";")) & ANNEX_C))
    out["annex_c_sites"] = (int(annex.sum()), int(recorded.sum()))
    out["annex_c_share"] = _share(annex, recorded)
    out["good_practice_share"] = _share(sites["klass"] == "good", sites["klass"] != "unknown")
    out["visits"] = (int(sites["visits"].sum()) if n else None, n)
    out["revisited_share"] = _share(sites["visits"] >= 2, pd.Series(True, index=sites.index))
    days = pd.to_datetime(sites["survey_date"]).dt.normalize()
    out["latest_visit"] = (days.max().date() if n else None, n)
    start = pd.Timestamp(today.replace(year=today.year - 1))
    out["visited_12m_share"] = _share((days >= start) & (days <= pd.Timestamp(today)), days.notna())
    ids = set(sites["site_id"])
    hg = raw["mercury"][raw["mercury"]["site_id"].isin(ids)].sort_values(["site_id", "survey_date"], kind="stable")
    hg = hg.drop_duplicates("site_id", keep="last")
    out["mercury_kg_per_year"] = (float(hg["hg_kg_per_year"].sum()) if len(hg) else None, len(hg))
    heaps = raw["tailings"][raw["tailings"]["site_id"].isin(ids)].sort_values(["tailings_id", "survey_date"], kind="stable")
    heaps = heaps.drop_duplicates("tailings_id", keep="last")
    out["tailings"] = (len(heaps), len(heaps))
    for code in ("active", "inactive", "abandoned", "reprocessed"):
        out[f"tailings_status.{code}"] = (int((heaps["status"] == code).sum()), len(heaps))
    for column, key in (("contains_mercury", "tailings_mercury_share"), ("contains_cyanide", "tailings_cyanide_share")):
        out[key] = _share(heaps[column] == "yes", heaps[column].isin(["yes", "no"]))
    return out


@pytest.mark.parametrize("iso3", reference.assessed_iso3())
def test_every_figure_matches_an_independent_computation(demo, iso3):
    raw, latest, rules = demo
    got = ground.ground_figures(latest, raw["mercury"], raw["tailings"], iso3, TODAY)
    want = expected_figures(raw, rules, iso3, TODAY)
    assert set(got) == set(want)
    for key, (value, records) in want.items():
        figure = got[key]
        assert figure.records == records, (key, figure)
        if value is None or isinstance(value, dt.date):
            assert figure.value == value, (key, figure)
        else:
            assert figure.value == pytest.approx(value, rel=1e-9), (key, figure)


def test_the_demo_exercises_the_figures(demo):
    """Guard against a vacuous comparison: the demo country has sites, mercury, tailings and recent visits."""
    raw, latest, _ = demo
    totals = {key: 0 for key in ("sites", "tailings", "mercury_kg_per_year", "visited_12m_share", "annex_c_sites")}
    for iso3 in reference.assessed_iso3():
        figures = ground.ground_figures(latest, raw["mercury"], raw["tailings"], iso3, TODAY)
        for key in totals:
            totals[key] += figures[key].value or 0
    assert all(value > 0 for value in totals.values()), totals
    assert totals["sites"] == 300


def test_each_figure_has_a_known_kind_unit_and_basis(demo):
    raw, latest, _ = demo
    for figure in ground.ground_figures(latest, raw["mercury"], raw["tailings"], "ECU", TODAY).values():
        assert figure.kind in ground.KINDS
        assert figure.basis in ("sites", "mercury_records", "tailings")
        assert figure.records >= 0
        if figure.kind == "share" and figure.value is not None:
            assert 0 <= figure.value <= 100


# ------------------------------------------------------------------ hand-made cases


def _sites(rows: list[dict]) -> gpd.GeoDataFrame:
    base = {"commodity": "gold", "legal_status": None, "workers": None, "women": None, "mercury_use": None,
            "practices": None, "visits": 1}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["survey_date"] = pd.to_datetime(frame["survey_date"])
    frame["practice_class"] = practices.classify_series(frame["practices"], practices.load_rules())
    return gpd.GeoDataFrame(frame, geometry=[shapely.Point(0, 0)] * len(frame), crs="EPSG:4326")


def _records(rows: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame["survey_date"] = pd.to_datetime(frame["survey_date"])
    return gpd.GeoDataFrame(frame, geometry=[shapely.Point(5, 5)] * len(frame), crs="EPSG:4326")


SITES = _sites([
    {"site_id": "A", "country": "AAA", "survey_date": "2025-06-30", "legal_status": "licensed", "workers": 10,
     "women": 4, "mercury_use": "yes", "practices": "whole_ore_amalgamation;retort", "visits": 3},
    {"site_id": "B", "country": "AAA", "survey_date": "2025-06-29", "legal_status": "unknown", "workers": 30,
     "women": None, "mercury_use": "unknown", "practices": "gravity_concentration"},
    {"site_id": "C", "country": "AAA", "survey_date": "2026-07-01", "legal_status": "informal", "workers": None,
     "women": 2, "mercury_use": "no", "practices": ""},
    {"site_id": "D", "country": "BBB", "survey_date": "2026-01-01", "legal_status": "licensed", "workers": 5,
     "women": 5, "mercury_use": "yes", "practices": "open_burning"},
])
MERCURY = _records([
    ("H1", "2020-01-01", 100.0, "A"), ("H2", "2024-01-01", 7.5, "A"),  # A's latest record counts: 7.5
    ("H3", "2024-01-01", 1000.0, None),  # no site: no country
    ("H4", "2024-01-01", 50.0, "D"),  # another country
    ("H5", "2024-01-01", 3.0, "ZZ"),  # a site that is not among the sites
], ["record_id", "survey_date", "hg_kg_per_year", "site_id"])
TAILINGS = _records([
    ("T1", "2020-01-01", "active", "A", "yes", "no"), ("T1", "2023-01-01", "abandoned", "A", "yes", "no"),
    ("T2", "2023-01-01", "inactive", "B", "unknown", "yes"), ("T3", "2023-01-01", "active", "D", "yes", "yes"),
], ["tailings_id", "survey_date", "status", "site_id", "contains_mercury", "contains_cyanide"])


@pytest.fixture
def aaa() -> dict[str, ground.Figure]:
    return ground.ground_figures(SITES, MERCURY, TAILINGS, "AAA", TODAY)


def test_shares_leave_out_unknown_and_missing_answers(aaa):
    assert aaa["licensed_share"] == ground.Figure(50.0, 2, "%", "share")
    assert aaa["mercury_use_share"] == ground.Figure(50.0, 2, "%", "share")
    assert aaa["women_share"] == ground.Figure(40.0, 1, "%", "share")  # only A has both workers and women
    assert aaa["workers"] == ground.Figure(40, 2, "people", "total")
    assert aaa["women"] == ground.Figure(6, 2, "people", "total")


def test_annex_c_practices_are_found_in_the_practices_string(aaa):
    assert aaa["annex_c_sites"].value == 1 and aaa["annex_c_sites"].records == 2  # C has no practice recorded
    assert aaa["annex_c_share"].value == pytest.approx(50.0)
    assert aaa["practice_class.unacceptable"].value == 1 and aaa["practice_class.good"].value == 1
    assert aaa["good_practice_share"] == ground.Figure(50.0, 2, "%", "share")


def test_mercury_and_tailings_follow_their_sites_country(aaa):
    assert aaa["mercury_kg_per_year"] == ground.Figure(7.5, 1, "kg/yr", "total", "mercury_records")
    assert aaa["tailings"].value == 2
    assert aaa["tailings_status.abandoned"].value == 1 and aaa["tailings_status.active"].value == 0  # T1's latest
    assert aaa["tailings_mercury_share"] == ground.Figure(100.0, 1, "%", "share", "tailings")
    assert aaa["tailings_cyanide_share"] == ground.Figure(50.0, 2, "%", "share", "tailings")


def test_freshness_uses_the_given_today(aaa):
    assert aaa["latest_visit"].value == dt.date(2026, 7, 1)
    # A on the day a year before today counts; B a day earlier does not; C is after today
    assert aaa["visited_12m_share"] == ground.Figure(100 / 3, 3, "%", "share")
    later = ground.ground_figures(SITES, MERCURY, TAILINGS, "AAA", dt.date(2026, 7, 1))
    assert later["visited_12m_share"].value == pytest.approx(100 / 3)  # C now; A falls out
    assert aaa["visits"] == ground.Figure(5, 3, "visits", "total")
    assert aaa["revisited_share"].value == pytest.approx(100 / 3)


def test_a_country_without_records_gives_zero_counts_and_no_values():
    figures = ground.ground_figures(SITES, MERCURY, TAILINGS, "CCC", TODAY)
    assert figures["sites"].value == 0 and figures["tailings"].value == 0
    for key in ("licensed_share", "workers", "women_share", "mercury_kg_per_year", "latest_visit", "visited_12m_share"):
        assert figures[key].value is None and figures[key].records == 0, key
    assert ground.figure_value(figures["licensed_share"]) == "no record"


@pytest.mark.parametrize("iso3", ["ecu", "EC", "", None, "E1U"])
def test_a_bad_iso3_is_named(iso3):
    with pytest.raises(ValueError, match="iso3"):
        ground.ground_figures(SITES, MERCURY, TAILINGS, iso3, TODAY)


def test_today_must_be_a_date():
    with pytest.raises(ValueError, match="today"):
        ground.ground_figures(SITES, MERCURY, TAILINGS, "AAA", "2026-06-30")


def test_missing_columns_are_named_with_the_argument():
    with pytest.raises(ValueError, match="mercury lacks the column.*hg_kg_per_year"):
        ground.ground_figures(SITES, MERCURY.drop(columns="hg_kg_per_year"), TAILINGS, "AAA", TODAY)
    with pytest.raises(ValueError, match="sites_latest lacks the column.*country"):
        ground.ground_figures(SITES.drop(columns="country"), MERCURY, TAILINGS, "AAA", TODAY)


def test_labels_values_and_basis_read_as_sentences(aaa):
    assert ground.figure_label("licensed_share") == "Licensed sites"
    assert ground.figure_label("legal_status.in_process") == "Sites: Licence in process"
    assert ground.figure_value(aaa["licensed_share"]) == "50.0 %"
    assert ground.figure_value(aaa["mercury_kg_per_year"]) == "7.5 kg Hg/yr"
    assert ground.figure_value(aaa["latest_visit"]) == "Jul 1, 2026"
    assert ground.figure_basis(aaa["mercury_kg_per_year"]) == "n = 1 mercury records"


def test_values_are_written_for_the_language(aaa):
    """Numbers and dates follow the language (the catalogue words may still be English)."""
    assert ground.figure_value(aaa["licensed_share"], "fr") == "50,0 %"
    assert ground.figure_value(aaa["mercury_kg_per_year"], "es").startswith("7,5 ")
    assert ground.figure_value(aaa["latest_visit"], "fr") == "1 juil. 2026"
    assert all(np.isfinite(aaa[k].value) for k in ground.COMPARABLE if aaa[k].value is not None)
