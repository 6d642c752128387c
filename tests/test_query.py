"""Filters and area questions: latest visits, site filters, records that follow them, areas, scopes."""

from __future__ import annotations

import datetime
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo.domain import query
from asmgeo.domain.query import SiteFilter

RULES = {
    "whole_ore_amalgamation": "unacceptable", "open_burning": "unacceptable", "residential_burning": "unacceptable",
    "cyanide_on_mercury_tailings": "unacceptable", "concentrate_amalgamation": "poor", "retort": "acceptable",
    "cyanide_leaching": "poor", "gravity_concentration": "good", "direct_smelting": "good",
}
D = datetime.date


def _gdf(rows: list[dict], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """A GeoDataFrame from dicts with ``x`` and ``y`` (points) or ``geometry``."""
    frame = pd.DataFrame(rows)
    if "geometry" not in frame:
        frame["geometry"] = shapely.points(frame.pop("x").to_numpy(), frame.pop("y").to_numpy())
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)


def _visits() -> gpd.GeoDataFrame:
    """Three sites in shuffled row order: S1 has a same-day tie, S2 an undated visit, S3 one visit."""
    rows = [
        dict(visit=0, site_id="S2", survey_date="2021-05-01", workers=10, practices="retort", x=1.0, y=1.0),
        dict(visit=1, site_id="S1", survey_date="2020-01-10", workers=5, practices="open_burning", x=0.0, y=0.0),
        dict(visit=2, site_id="S1", survey_date="2022-03-01", workers=7, practices="gravity_concentration", x=0.1, y=0.0),
        dict(visit=3, site_id="S3", survey_date="2019-07-07", workers=3, practices=None, x=5.0, y=5.0),
        dict(visit=4, site_id="S1", survey_date="2022-03-01", workers=8, practices="gravity_concentration;retort",
             x=0.2, y=0.0),
        dict(visit=5, site_id="S2", survey_date=None, workers=99, practices="whole_ore_amalgamation", x=1.0, y=1.0),
        dict(visit=6, site_id="S1", survey_date="2021-01-01", workers=6, practices="", x=0.0, y=0.1),
    ]
    frame = _gdf(rows)
    frame["survey_date"] = pd.to_datetime(frame["survey_date"]).astype("datetime64[ms]")
    return frame


# --- SiteFilter -------------------------------------------------------------------------------


def test_default_filter_is_empty_and_hashable():
    flt = SiteFilter()
    assert flt.is_empty and not flt.restricts_sites
    assert hash(flt) == hash(SiteFilter())


def test_filter_with_any_restriction_is_not_empty():
    assert not SiteFilter(commodities=("gold",)).is_empty
    assert not SiteFilter(workers=(None, 10)).is_empty
    dated = SiteFilter(dates=(D(2020, 1, 1), None))
    assert not dated.is_empty and not dated.restricts_sites
    assert SiteFilter(countries=("SEN",)).restricts_sites


def test_filter_stores_lists_as_tuples():
    flt = SiteFilter(commodities=["gold", "coltan"], countries=["SEN"])
    assert flt.commodities == ("gold", "coltan") and flt.countries == ("SEN",)
    hash(flt)


@pytest.mark.parametrize(
    ("kwargs", "needles"),
    [
        (dict(commodities=("gold", "silver")), ["commodities", "'silver'"]),
        (dict(legal_statuses=("legal",)), ["legal_statuses", "'legal'"]),
        (dict(practice_classes=("bad",)), ["practice_classes", "'bad'"]),
        (dict(mercury_use=("maybe",)), ["mercury_use", "'maybe'"]),
        (dict(countries=("sen",)), ["countries", "'sen'"]),
        (dict(countries=("SENE",)), ["countries", "'SENE'"]),
        (dict(commodities="gold"), ["commodities", "'gold'"]),
        (dict(workers=(10, 5)), ["workers", "10", "5"]),
        (dict(workers=(-1, None)), ["workers", "-1"]),
        (dict(workers=(1.5, None)), ["workers", "1.5"]),
        (dict(workers=(1, 2, 3)), ["workers"]),
        (dict(dates=(D(2022, 1, 1), D(2021, 1, 1))), ["dates", "2022-01-01", "2021-01-01"]),
        (dict(dates=("2021-01-01", None)), ["dates", "'2021-01-01'"]),
    ],
)
def test_filter_rejects_bad_values_naming_field_and_value(kwargs, needles):
    with pytest.raises(ValueError) as caught:
        SiteFilter(**kwargs)
    for needle in needles:
        assert needle in str(caught.value)


def test_filter_accepts_unknown_practice_class_and_numpy_integers():
    flt = SiteFilter(practice_classes=("unknown", "poor"), workers=(np.int64(2), None))
    assert flt.workers == (2, None) and type(flt.workers[0]) is int


# --- latest_sites / latest_records ------------------------------------------------------------


def test_latest_sites_picks_latest_visit_and_counts_visits():
    visits = _visits()
    latest = query.latest_sites(visits, RULES)
    by_site = latest.set_index("site_id")
    assert sorted(by_site.index) == ["S1", "S2", "S3"]
    assert by_site.loc["S1", "visit"] == 4  # two visits on 2022-03-01: the later row wins
    assert by_site.loc["S2", "visit"] == 0  # the undated visit counts as the earliest
    assert by_site.loc["S3", "visit"] == 3
    assert by_site["visits"].to_dict() == {"S1": 4, "S2": 2, "S3": 1}
    assert by_site["first_survey"].to_dict() == {
        "S1": pd.Timestamp("2020-01-10"), "S2": pd.Timestamp("2021-05-01"), "S3": pd.Timestamp("2019-07-07"),
    }
    assert by_site["practice_class"].to_dict() == {"S1": "acceptable", "S2": "acceptable", "S3": "unknown"}
    assert latest.crs == visits.crs
    assert list(latest.columns) == [*visits.columns, "first_survey", "visits", "practice_class"]
    assert latest.index.equals(pd.RangeIndex(3))


def test_latest_sites_agrees_with_a_plain_pandas_sort_on_random_visits():
    rng = np.random.default_rng(3)
    n = 3000
    visits = _gdf([{"x": 0.0, "y": 0.0}] * n)
    visits["site_id"] = pd.array([f"X{i:03d}" for i in rng.integers(0, 700, n)], dtype="str")
    days = rng.integers(0, 60, n).astype("timedelta64[D]")  # few distinct days: many ties
    visits["survey_date"] = (np.datetime64("2020-01-01") + days).astype("datetime64[ms]")
    visits.loc[rng.random(n) < 0.05, "survey_date"] = pd.NaT
    visits["practices"] = rng.choice(["retort", "open_burning", "gravity_concentration"], n)
    visits["row"] = np.arange(n)
    expected = (
        visits.sort_values(["site_id", "survey_date", "row"], na_position="first", kind="stable")
        .groupby("site_id")
        .tail(1)
        .set_index("site_id")
    )
    latest = query.latest_sites(visits, RULES).set_index("site_id")
    assert sorted(latest.index) == sorted(expected.index)
    assert (latest["row"] == expected.loc[latest.index, "row"]).all()
    sizes = visits.groupby("site_id").size()
    assert (latest["visits"] == sizes.loc[latest.index]).all()
    first = visits.groupby("site_id")["survey_date"].min()  # NaT ignored
    pd.testing.assert_series_equal(latest["first_survey"], first.loc[latest.index], check_names=False)
    assert latest["row"].is_monotonic_increasing  # rows in the order of each latest visit


def test_latest_sites_without_practices_and_empty_input():
    visits = _visits().drop(columns="practices")
    assert set(query.latest_sites(visits, RULES)["practice_class"]) == {"unknown"}
    empty = query.latest_sites(_visits().iloc[:0], RULES)
    assert len(empty) == 0 and {"practice_class", "visits", "first_survey"} <= set(empty.columns)
    assert isinstance(empty, gpd.GeoDataFrame)


def test_latest_sites_leaves_out_rows_without_site_id_and_requires_columns():
    visits = _visits()
    visits.loc[visits["visit"] == 3, "site_id"] = None
    visits.loc[visits["visit"] == 0, "site_id"] = "  "
    latest = query.latest_sites(visits, RULES)
    assert sorted(latest["site_id"]) == ["S1", "S2"]
    assert latest.set_index("site_id").loc["S2", "visit"] == 5
    with pytest.raises(ValueError, match="survey_date"):
        query.latest_sites(visits.drop(columns="survey_date"), RULES)


def test_latest_sites_accepts_text_dates():
    visits = _visits()
    visits["survey_date"] = visits["survey_date"].dt.strftime("%Y-%m-%d")
    by_site = query.latest_sites(visits, RULES).set_index("site_id")
    assert by_site.loc["S1", "visit"] == 4 and by_site.loc["S1", "first_survey"] == "2020-01-10"


def _mercury() -> gpd.GeoDataFrame:
    rows = [
        dict(record_id="H1", site_id="S1", survey_date="2020-01-10", hg_kg_per_year=5.0, x=0.0, y=0.0),
        dict(record_id="H2", site_id="S1", survey_date="2022-03-01", hg_kg_per_year=2.0, x=0.1, y=0.0),
        dict(record_id="H3", site_id="S2", survey_date="2021-05-01", hg_kg_per_year=7.5, x=1.0, y=1.0),
        dict(record_id="H4", site_id=None, survey_date="2021-06-01", hg_kg_per_year=1.25, x=0.5, y=0.5),
        dict(record_id="H5", site_id=None, survey_date="2018-06-01", hg_kg_per_year=0.5, x=0.6, y=0.5),
        dict(record_id="H6", site_id="S3", survey_date="2019-07-07", hg_kg_per_year=40.0, x=5.0, y=5.0),
        dict(record_id="H7", site_id="", survey_date="2021-06-02", hg_kg_per_year=0.25, x=0.5, y=0.6),
    ]
    frame = _gdf(rows)
    frame["survey_date"] = pd.to_datetime(frame["survey_date"])
    return frame


def test_latest_records_keeps_one_per_id_and_every_record_without_id():
    mercury = _mercury()
    latest = query.latest_records(mercury, "site_id")
    assert latest["record_id"].tolist() == ["H2", "H3", "H4", "H5", "H6", "H7"]
    assert latest.index.tolist() == [1, 2, 3, 4, 5, 6]
    assert query.latest_records(mercury, "record_id")["record_id"].tolist() == mercury["record_id"].tolist()
    with pytest.raises(ValueError, match="tailings_id"):
        query.latest_records(mercury, "tailings_id")


# --- filter_sites -----------------------------------------------------------------------------


def _latest() -> gpd.GeoDataFrame:
    rows = [
        dict(site_id="A", commodity="gold", legal_status="informal", mercury_use="yes", country="SEN",
             workers=50, practice_class="unacceptable", survey_date="2021-01-01", x=-12.0, y=13.0),
        dict(site_id="B", commodity="gold", legal_status=None, mercury_use=None, country="SEN",
             workers=None, practice_class="good", survey_date="2022-06-30", x=-12.5, y=13.5),
        dict(site_id="C", commodity="coltan", legal_status="licensed", mercury_use="no", country="RWA",
             workers=10, practice_class="unknown", survey_date="2020-02-29", x=29.5, y=-2.0),
        dict(site_id="D", commodity="gold", legal_status="illegal", mercury_use="unknown", country="RWA",
             workers=200, practice_class="poor", survey_date=None, x=29.7, y=-2.1),
    ]
    frame = _gdf(rows)
    frame["survey_date"] = pd.to_datetime(frame["survey_date"])
    frame["workers"] = frame["workers"].astype("Int64")
    return frame


def _ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["site_id"])


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (SiteFilter(), ["A", "B", "C", "D"]),
        (SiteFilter(commodities=("gold",)), ["A", "B", "D"]),
        (SiteFilter(legal_statuses=("unknown",)), ["B"]),  # missing counts as unknown
        (SiteFilter(legal_statuses=("informal", "licensed")), ["A", "C"]),
        (SiteFilter(mercury_use=("unknown",)), ["B", "D"]),
        (SiteFilter(practice_classes=("unknown", "good")), ["B", "C"]),
        (SiteFilter(countries=("RWA",)), ["C", "D"]),
        (SiteFilter(workers=(10, 50)), ["A", "C"]),  # inclusive; missing workers left out
        (SiteFilter(workers=(None, 49)), ["C"]),
        (SiteFilter(workers=(51, None)), ["D"]),
        (SiteFilter(dates=(D(2020, 2, 29), D(2021, 1, 1))), ["A", "C"]),  # inclusive; undated left out
        (SiteFilter(dates=(None, D(2022, 6, 29))), ["A", "C"]),
        (SiteFilter(dates=(D(2022, 6, 30), None)), ["B"]),
        (SiteFilter(commodities=("gold",), countries=("SEN",), workers=(1, None)), ["A"]),
        (SiteFilter(commodities=("coltan",), countries=("SEN",)), []),
    ],
)
def test_filter_sites(flt, expected):
    latest = _latest()
    result = query.filter_sites(latest, flt)
    assert _ids(result) == expected
    assert list(result.columns) == list(latest.columns)
    assert isinstance(result, gpd.GeoDataFrame) and result.crs == latest.crs


def test_filter_sites_dates_include_the_whole_last_day():
    latest = _latest()
    latest["survey_date"] = latest["survey_date"] + pd.Timedelta(hours=15)
    assert _ids(query.filter_sites(latest, SiteFilter(dates=(D(2021, 1, 1), D(2021, 1, 1))))) == ["A"]


def test_filter_sites_needs_the_filtered_column():
    with pytest.raises(ValueError, match="practice_class"):
        query.filter_sites(_latest().drop(columns="practice_class"), SiteFilter(practice_classes=("good",)))
    with pytest.raises(ValueError, match="SiteFilter"):
        query.filter_sites(_latest(), {"commodities": ("gold",)})


# --- filter_records ---------------------------------------------------------------------------


def test_filter_records_by_dates_only_keeps_records_without_site():
    result = query.filter_records(_mercury(), (D(2021, 1, 1), D(2021, 12, 31)))
    assert result["record_id"].tolist() == ["H3", "H4", "H7"]
    assert query.filter_records(_mercury(), (None, None))["record_id"].tolist() == [f"H{i}" for i in range(1, 8)]


def test_filter_records_follow_the_filtered_sites():
    result = query.filter_records(_mercury(), (None, None), site_ids={"S1", "S3"})
    assert result["record_id"].tolist() == ["H1", "H2", "H6"]  # H4, H5, H7 have no site: dropped
    assert query.filter_records(_mercury(), (None, None), site_ids=[]).empty
    dated = query.filter_records(_mercury(), (D(2020, 1, 1), None), site_ids=pd.Series(["S1", "S2"]))
    assert dated["record_id"].tolist() == ["H1", "H2", "H3"]


def test_filter_records_by_country_needs_a_country_column():
    with pytest.raises(ValueError, match="country"):
        query.filter_records(_mercury(), (None, None), countries=("SEN",))
    latest = _latest()
    assert _ids(query.filter_records(latest, (None, None), countries=["RWA"])) == ["C", "D"]


def test_filter_records_rejects_bad_arguments():
    with pytest.raises(ValueError, match="dates"):
        query.filter_records(_mercury(), (D(2022, 1, 1), D(2020, 1, 1)))
    with pytest.raises(ValueError, match="site_ids='S1'"):
        query.filter_records(_mercury(), (None, None), site_ids="S1")


# --- areas ------------------------------------------------------------------------------------


def _tailings() -> gpd.GeoDataFrame:
    rows = [
        dict(tailings_id="T1", site_id="S1", status="active", survey_date="2020-01-01",
             geometry=shapely.box(0.05, 0.05, 0.15, 0.15)),
        dict(tailings_id="T1", site_id="S1", status="abandoned", survey_date="2023-01-01",
             geometry=shapely.box(0.05, 0.05, 0.15, 0.15)),
        dict(tailings_id="T2", site_id=None, status="active", survey_date="2021-01-01",
             geometry=shapely.box(1.9, 1.9, 2.1, 2.1)),  # straddles the area's edge
        dict(tailings_id="T3", site_id="S3", status="inactive", survey_date="2021-01-01", geometry=shapely.Point(5, 5)),
    ]
    frame = _gdf(rows)
    frame["survey_date"] = pd.to_datetime(frame["survey_date"])
    return frame


def _area_sites() -> gpd.GeoDataFrame:
    rows = [
        dict(site_id="S1", legal_status="informal", commodity="gold", workers=40, women=10, x=0.0, y=0.0),
        dict(site_id="S2", legal_status=None, commodity="gold", workers=None, women=None, x=1.0, y=1.0),
        dict(site_id="S4", legal_status="licensed", commodity="coltan", workers=12, women=3, x=1.5, y=0.5),
        dict(site_id="S3", legal_status="informal", commodity="gold", workers=1000, women=1, x=5.0, y=5.0),
    ]
    return _gdf(rows)


AREA = shapely.box(-0.5, -0.5, 2.0, 2.0)


def test_features_in_area_and_no_overlap():
    sites = _area_sites()
    assert query.features_in_area(sites, AREA)["site_id"].tolist() == ["S1", "S2", "S4"]
    assert query.features_in_area(_tailings(), AREA)["tailings_id"].tolist() == ["T1", "T1", "T2"]
    none = query.features_in_area(sites, shapely.box(50, 50, 51, 51))
    assert none.empty and list(none.columns) == list(sites.columns) and isinstance(none, gpd.GeoDataFrame)


def test_area_summary_counts_and_totals():
    sites, mercury, tailings = _area_sites(), _mercury(), _tailings()
    summary = query.area_summary(sites, mercury, tailings, AREA)
    # expected, by plain pandas/geopandas
    inside = sites[sites.within(AREA) | sites.intersects(AREA)]
    latest_hg = mercury[mercury["site_id"].fillna("").ne("")].sort_values("survey_date").groupby("site_id").tail(1)
    no_site = mercury[mercury["site_id"].fillna("").eq("")]
    hg = pd.concat([latest_hg, no_site])
    hg_inside = hg[hg.intersects(AREA)]
    heaps = tailings.sort_values("survey_date").groupby("tailings_id").tail(1)
    heaps_inside = heaps[heaps.intersects(AREA)]
    assert summary == {
        "sites": len(inside),
        "by_legal_status": {"licensed": 1, "informal": 1, "unknown": 1},
        "by_commodity": {"gold": 2, "coltan": 1},
        "workers": int(inside["workers"].sum()),
        "women": int(inside["women"].sum()),
        "hg_kg_per_year": pytest.approx(float(hg_inside["hg_kg_per_year"].sum())),
        "tailings": len(heaps_inside),
        "tailings_by_status": heaps_inside["status"].value_counts().to_dict(),
    }
    assert summary["hg_kg_per_year"] == pytest.approx(2.0 + 7.5 + 1.25 + 0.5 + 0.25)
    assert summary["tailings_by_status"] == {"active": 1, "abandoned": 1}
    assert list(summary["by_legal_status"]) == ["licensed", "informal", "unknown"]  # schema order


def test_area_summary_of_an_empty_area_is_zero():
    summary = query.area_summary(_area_sites(), _mercury(), _tailings(), shapely.box(50, 50, 51, 51))
    assert summary == {"sites": 0, "by_legal_status": {}, "by_commodity": {}, "workers": 0, "women": 0,
                       "hg_kg_per_year": 0.0, "tailings": 0, "tailings_by_status": {}}


@pytest.mark.parametrize(
    "area",
    [shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)]), shapely.Polygon(), shapely.box(0, 0, 1, 1).bounds],
)
def test_area_must_be_a_non_empty_polygon(area):
    with pytest.raises(ValueError, match="area"):
        query.features_in_area(_area_sites(), area)
    with pytest.raises(ValueError, match="area"):
        query.area_summary(_area_sites(), _mercury(), _tailings(), area)


def test_self_crossing_area_is_repaired():
    bowtie = shapely.Polygon([(-0.5, -0.5), (2, 2), (2, -0.5), (-0.5, 2)])
    assert not bowtie.is_valid
    ids = query.features_in_area(_area_sites(), bowtie)["site_id"].tolist()
    expected = _area_sites()[_area_sites().intersects(shapely.make_valid(bowtie))]["site_id"].tolist()
    assert ids == expected and ids


def test_other_crs_warns_and_is_reprojected():
    sites = _area_sites().to_crs("EPSG:3857")
    with pytest.warns(UserWarning, match="EPSG:3857"):
        result = query.features_in_area(sites, AREA)
    assert result["site_id"].tolist() == ["S1", "S2", "S4"]
    assert result.crs.equals("EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        query.features_in_area(_area_sites(), AREA)


# --- scope_bounds -----------------------------------------------------------------------------


def _countries() -> gpd.GeoDataFrame:
    fiji_like = shapely.MultiPolygon([shapely.box(177.0, -19.0, 180.0, -16.0), shapely.box(-180.0, -17.0, -179.5, -16.0)])
    rows = [
        dict(iso3="SEN", region="africa", geometry=shapely.box(-17.5, 12.3, -11.4, 16.7)),
        dict(iso3="RWA", region="africa", geometry=shapely.box(28.9, -2.8, 30.9, -1.05)),
        dict(iso3="BDI", region="africa", geometry=shapely.box(29.0, -4.5, 30.8, -2.3)),
        dict(iso3="MNG", region="asia", geometry=shapely.box(87.7, 41.6, 119.9, 52.1)),
        dict(iso3="FJI", region="oceania", geometry=fiji_like),
        dict(iso3="XAM", region="asia", geometry=fiji_like),
    ]
    return _gdf(rows)


def test_scope_bounds_world_region_country():
    countries = _countries()
    assert query.scope_bounds(countries, "world", None) == query.WORLD_BOUNDS
    assessed = ["SEN", "RWA", "MNG"]
    assert query.scope_bounds(countries, "region", "africa", assessed) == (-17.5, -2.8, 30.9, 16.7)  # BDI not assessed
    assert query.scope_bounds(countries, "region", "asia", assessed) == (87.7, 41.6, 119.9, 52.1)
    assert query.scope_bounds(countries, "country", "RWA") == (28.9, -2.8, 30.9, -1.05)


def test_scope_bounds_across_the_antimeridian_uses_the_largest_part():
    countries = _countries()
    assert countries.set_index("iso3").geometry["FJI"].bounds == (-180.0, -19.0, 180.0, -16.0)  # naive: the world
    assert query.scope_bounds(countries, "country", "FJI") == (177.0, -19.0, 180.0, -16.0)
    assert query.scope_bounds(countries, "region", "asia", ["MNG", "XAM"]) == (87.7, -19.0, 180.0, 52.1)


@pytest.mark.parametrize(
    ("scope", "value", "assessed", "needle"),
    [
        ("galaxy", None, None, "scope='galaxy'"),
        ("world", "africa", None, "value='africa'"),
        ("region", "europe", ["SEN"], "value='europe'"),
        ("region", "africa", None, "assessed=None"),
        ("region", "lac", ["SEN"], "value='lac'"),
        ("country", "ZZZ", None, "value='ZZZ'"),
        ("country", "sen", None, "value='sen'"),
        ("country", None, None, "value=None"),
    ],
)
def test_scope_bounds_rejects_bad_arguments(scope, value, assessed, needle):
    with pytest.raises(ValueError) as caught:
        query.scope_bounds(_countries(), scope, value, assessed)
    assert needle in str(caught.value)


def test_area_summary_counts_a_sites_latest_mercury_record_only_where_it_lies():
    mercury = _mercury()
    mercury.loc[mercury["record_id"] == "H2", "geometry"] = shapely.Point(10, 10)  # S1's latest record moved out
    summary = query.area_summary(_area_sites(), mercury, _tailings(), AREA)
    assert summary["hg_kg_per_year"] == pytest.approx(7.5 + 1.25 + 0.5 + 0.25)  # S1's older H1 is not counted


def test_area_summary_without_site_ids_and_with_categorical_columns():
    mercury = _mercury().drop(columns="site_id")
    sites = _area_sites()
    sites["legal_status"] = pd.Categorical(sites["legal_status"], categories=["informal", "licensed"])
    summary = query.area_summary(sites, mercury, _tailings(), AREA)
    assert summary["hg_kg_per_year"] == pytest.approx(5.0 + 2.0 + 7.5 + 1.25 + 0.5 + 0.25)  # every record counts
    assert summary["by_legal_status"] == {"licensed": 1, "informal": 1, "unknown": 1}


def test_area_summary_warns_naming_the_reprojected_layer():
    with pytest.warns(UserWarning, match="^sites is in EPSG:3857"):
        summary = query.area_summary(_area_sites().to_crs("EPSG:3857"), _mercury(), _tailings(), AREA)
    assert summary["sites"] == 3


def test_filter_sites_on_categorical_columns_counts_missing_as_unknown():
    latest = _latest()
    latest["legal_status"] = pd.Categorical(latest["legal_status"], categories=["informal", "licensed", "illegal"])
    assert _ids(query.filter_sites(latest, SiteFilter(legal_statuses=("unknown", "licensed")))) == ["B", "C"]


def test_text_dates_in_mixed_iso_forms():
    latest = _latest()
    latest["survey_date"] = ["2021-01-01", "2022-06-30T08:30:00", "2020-02-29", None]
    assert _ids(query.filter_sites(latest, SiteFilter(dates=(D(2022, 6, 30), D(2022, 6, 30))))) == ["B"]
    assert _ids(query.filter_sites(latest, SiteFilter(dates=(pd.Timestamp("2020-01-01"), None)))) == ["A", "B", "C"]
