"""The synthetic demo layers: deterministic, inside their countries, within the schema."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from asmgeo.demo import layers as demo
from asmgeo.schema import (
    AMALGAMATION,
    BURNING,
    COMMODITIES,
    LEGAL_STATUSES,
    MERCURY,
    MINING_METHODS,
    PRACTICE_SEPARATOR,
    PRACTICES,
    SITES,
    TAILINGS,
    TAILINGS_STATUSES,
    YES_NO_UNKNOWN,
    LayerSpec,
)

N_SITES = 120
SEED = 11


def _countries() -> gpd.GeoDataFrame:
    """Two neighbouring box 'countries' in the Great Lakes region, sharing the border at 2.8° S."""
    return gpd.GeoDataFrame(
        {"iso3": ["RWA", "BDI"], "name": ["Rwanda box", "Burundi box"], "region": ["africa", "africa"]},
        geometry=[shapely.box(28.9, -2.8, 30.9, -1.05), shapely.box(29.0, -4.45, 30.85, -2.8)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def layers() -> demo.DemoLayers:
    return demo.build_layers(_countries(), N_SITES, SEED)


def test_build_layers_is_deterministic_for_a_seed(layers):
    again = demo.build_layers(_countries(), N_SITES, SEED)
    for name in ("sites", "mercury", "tailings"):
        assert_geodataframe_equal(getattr(layers, name), getattr(again, name))


def test_another_seed_gives_other_layers(layers):
    other = demo.build_layers(_countries(), N_SITES, SEED + 1)
    a, b = layers.sites, other.sites
    same_points = len(a) == len(b) and shapely.equals(a.geometry.to_numpy(), b.geometry.to_numpy()).all()
    assert not same_points
    assert not a.drop(columns="geometry").equals(b.drop(columns="geometry"))


def test_site_count_is_the_requested_number(layers):
    assert layers.sites["site_id"].nunique() == N_SITES
    assert layers.sites["site_id"].notna().all()


def test_some_sites_have_several_dated_visits(layers):
    visits = layers.sites.groupby("site_id").size()
    assert visits.min() >= 1 and visits.max() > 1
    assert len(layers.sites) > N_SITES


def _country_of(layers: demo.DemoLayers) -> dict[str, str]:
    mapping = layers.sites.groupby("site_id")["country"].agg(set)
    assert mapping.map(len).eq(1).all(), "a site moved country between visits"
    return {site: next(iter(c)) for site, c in mapping.items()}


def _assert_inside(frame: gpd.GeoDataFrame, iso3: pd.Series, countries: gpd.GeoDataFrame) -> None:
    shapes = countries.set_index("iso3").geometry
    assert set(iso3) <= set(shapes.index), set(iso3) - set(shapes.index)
    polygons = shapes.loc[iso3.to_numpy()].to_numpy()
    inside = shapely.contains(polygons, frame.geometry.to_numpy())
    outside = frame.loc[~inside]
    assert inside.all(), f"{len(outside)} feature(s) outside their country, e.g. {outside.head(3).to_dict('records')}"


def _assert_demo_features_inside(layers: demo.DemoLayers, countries: gpd.GeoDataFrame) -> None:
    country = _country_of(layers)
    _assert_inside(layers.sites, layers.sites["country"], countries)
    for frame in (layers.mercury, layers.tailings):
        assert len(frame) > 0
        assert frame["site_id"].isin(list(country)).all()
        _assert_inside(frame, frame["site_id"].map(country), countries)


def test_every_feature_lies_inside_the_country_it_names(layers):
    _assert_demo_features_inside(layers, _countries())
    assert set(layers.sites["country"]) == {"RWA", "BDI"}


def test_layers_are_in_epsg_4326_with_the_schema_geometry_types(layers):
    for name, spec in (("sites", SITES), ("mercury", MERCURY), ("tailings", TAILINGS)):
        frame = getattr(layers, name)
        assert frame.crs.to_epsg() == 4326, name
        assert set(frame.geom_type) <= set(spec.geometry_types), name
        assert frame.is_valid.all() and not frame.is_empty.any(), name


def _check_schema_values(frame: pd.DataFrame, spec: LayerSpec) -> None:
    assert set(spec.field_names) <= set(frame.columns), set(spec.field_names) - set(frame.columns)
    for field in spec.fields:
        values = frame[field.name]
        if field.required:
            assert values.notna().all(), field.name
        if field.kind == "category":
            assert set(values.dropna()) <= set(field.choices), (field.name, set(values.dropna()) - set(field.choices))
        elif field.kind == "list":
            codes = {code for text in values.dropna() for code in (text.split(PRACTICE_SEPARATOR) if text else [])}
            assert codes <= set(field.choices), (field.name, codes - set(field.choices))
        elif field.kind in ("integer", "number"):
            assert (values.dropna() >= 0).all(), field.name


def test_values_are_within_the_schema_choices(layers):
    _check_schema_values(layers.sites, SITES)
    _check_schema_values(layers.mercury, MERCURY)
    _check_schema_values(layers.tailings, TAILINGS)
    sites, mercury, tailings = layers.sites, layers.mercury, layers.tailings
    assert set(sites["commodity"]) <= set(COMMODITIES)
    assert set(sites["legal_status"]) <= set(LEGAL_STATUSES)
    assert set(sites["mining_method"]) <= set(MINING_METHODS)
    assert set(sites["mercury_use"]) <= set(YES_NO_UNKNOWN)
    assert set(mercury["amalgamation"]) <= set(AMALGAMATION) and set(mercury["burning"]) <= set(BURNING)
    assert set(mercury["retort"]) <= set(YES_NO_UNKNOWN) and (mercury["hg_kg_per_year"] >= 0).all()
    assert set(tailings["status"]) <= set(TAILINGS_STATUSES) and (tailings["volume_m3"] >= 0).all()
    assert set(tailings["contains_mercury"]) | set(tailings["contains_cyanide"]) <= set(YES_NO_UNKNOWN)
    codes = {c for text in sites["practices"] if text for c in text.split(PRACTICE_SEPARATOR)}
    assert codes <= set(PRACTICES) and len(codes) > 3  # an empty code inside a list ('a;;b') fails here
    assert layers.sites["commodity"].nunique() > 1


def test_workers_and_women(layers):
    sites = layers.sites
    assert pd.api.types.is_integer_dtype(sites["workers"]) and pd.api.types.is_integer_dtype(sites["women"])
    assert (sites["workers"] >= 0).all() and (sites["women"] >= 0).all()
    assert (sites["women"] <= sites["workers"]).all()
    assert (sites["women"] > 0).any()


def test_survey_dates_are_in_the_survey_period_and_sorted_per_site(layers):
    first, last = pd.Timestamp(demo.FIRST_SURVEY), pd.Timestamp(demo.LAST_SURVEY)
    for frame in (layers.sites, layers.mercury, layers.tailings):
        dates = pd.to_datetime(frame["survey_date"])
        assert dates.notna().all()
        assert dates.between(first, last).all()
    ordered = layers.sites.groupby("site_id", sort=False)["survey_date"].apply(lambda d: d.is_monotonic_increasing)
    assert ordered.all()


def test_mercury_records_are_the_visits_that_report_mercury_use(layers):
    sites = layers.sites
    yes_visits = sites.loc[sites["mercury_use"] == "yes", ["site_id", "survey_date"]]
    records = layers.mercury[["site_id", "survey_date"]]
    key = lambda f: sorted(zip(f["site_id"], pd.to_datetime(f["survey_date"])))  # noqa: E731
    assert len(records) > 0
    assert key(records) == key(yes_visits)
    assert layers.mercury["record_id"].is_unique
    # the record sits where its site is
    site_points = sites.drop_duplicates("site_id").set_index("site_id").geometry
    assert shapely.equals(layers.mercury.geometry.to_numpy(), site_points.loc[records["site_id"]].to_numpy()).all()


def test_tailings_belong_to_sites_and_have_unique_ids(layers):
    tailings = layers.tailings
    assert tailings["tailings_id"].is_unique
    assert tailings["site_id"].isin(layers.sites["site_id"]).all()
    assert tailings["site_id"].is_unique  # one tailings record per chosen site


def test_everything_says_synthetic_demo(layers):
    for frame in (layers.sites, layers.mercury, layers.tailings):
        assert (frame["source"] == "synthetic demo").all()
    assert demo.DEMO_SOURCE == "synthetic demo"


@pytest.mark.parametrize("n", [0, 1, 2, 7, 100, 2001])
def test_allocate_sites_sums_to_n(n):
    shares = demo.allocate_sites(_countries(), n)
    assert set(shares) == {"RWA", "BDI"}
    assert sum(shares.values()) == n
    assert all(isinstance(v, int) and v >= 0 for v in shares.values())


def test_allocate_sites_gives_the_bigger_country_at_least_as_many():
    shares = demo.allocate_sites(_countries(), 1000)
    areas = _countries().to_crs("EPSG:6933").set_index("iso3").area
    bigger, smaller = areas.idxmax(), areas.idxmin()
    assert shares[bigger] >= shares[smaller] > 0


@pytest.mark.parametrize("n", [-1, -5])
def test_allocate_sites_rejects_a_negative_number(n):
    with pytest.raises(ValueError, match=str(n)):
        demo.allocate_sites(_countries(), n)


def test_zero_sites_gives_empty_layers():
    empty = demo.build_layers(_countries(), 0, SEED)
    assert len(empty.sites) == len(empty.mercury) == len(empty.tailings) == 0


def test_latest_visits_returns_each_sites_most_recent_visit():
    dates = pd.to_datetime(["2021-05-01", "2019-01-01", "2020-07-15", "2018-02-02", "2022-12-31", "2022-01-01"])
    visits = gpd.GeoDataFrame(
        {"site_id": ["A", "A", "B", "A", "C", "B"], "survey_date": dates, "workers": [1, 2, 3, 4, 5, 6]},
        geometry=[shapely.Point(i, i) for i in range(6)], crs="EPSG:4326",
    )
    latest = demo.latest_visits(visits)
    assert latest["site_id"].is_unique and set(latest["site_id"]) == {"A", "B", "C"}
    expected = visits.groupby("site_id")["survey_date"].max()
    assert latest.set_index("site_id")["survey_date"].sort_index().equals(expected.sort_index())
    assert dict(zip(latest["site_id"], latest["workers"])) == {"A": 1, "B": 6, "C": 5}


def test_latest_visits_of_the_demo(layers):
    latest = demo.latest_visits(layers.sites)
    assert len(latest) == N_SITES
    expected = layers.sites.groupby("site_id")["survey_date"].max()
    assert (latest.set_index("site_id")["survey_date"] == expected.loc[latest["site_id"]].to_numpy()).all()


def test_demo_on_the_shipped_boundaries_stays_inside_each_country():
    """The real thing: 2,000 sites over the 14 assessed countries' full-detail Natural Earth shapes."""
    from asmgeo.config import DEMO_SEED
    from asmgeo.shipped import boundaries, reference

    assessed = reference.assessed_iso3()
    world = boundaries.load_countries("full")
    countries = world[world["iso3"].isin(assessed)].reset_index(drop=True)
    assert sorted(countries["iso3"]) == sorted(assessed)
    layers = demo.build_layers(countries, 2000, DEMO_SEED)
    assert layers.sites["site_id"].nunique() == 2000
    assert set(layers.sites["country"]) == set(assessed)
    _assert_demo_features_inside(layers, countries)
