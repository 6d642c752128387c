"""Server-side aggregation: Web Mercator grid cells, bounds across the antimeridian, points or clusters."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo.maps import aggregate


def _expected_clusters(lon: np.ndarray, lat: np.ndarray, zoom: int, cell_px: int) -> pd.DataFrame:
    """Clusters computed independently: Mercator y via asinh(tan φ), pandas groupby on the cell pair."""
    world = 256 * 2**zoom
    phi = np.radians(np.clip(lat, -85.05112878, 85.05112878))
    x = (lon + 180) / 360 * world
    y = (1 - np.arcsinh(np.tan(phi)) / np.pi) / 2 * world
    frame = pd.DataFrame({"cx": np.floor(x / cell_px), "cy": np.floor(y / cell_px), "lon": lon, "lat": lat})
    grouped = frame.groupby(["cx", "cy"], sort=True)
    return grouped.agg(lon=("lon", "mean"), lat=("lat", "mean"), count=("lon", "size")).reset_index(drop=True)


def _random_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-179.9, 179.9, n), rng.uniform(-80, 80, n)


# --- cell size, grid clusters -----------------------------------------------------------------


def test_cell_size_degrees():
    assert aggregate.cell_size_degrees(0) == 90.0  # a 256 px world, 64 px cells: 4 per row
    assert aggregate.cell_size_degrees(1) == 45.0
    assert aggregate.cell_size_degrees(3, cell_px=256) == 45.0
    assert aggregate.cell_size_degrees(10, cell_px=1) == pytest.approx(360 / 262_144)


@pytest.mark.parametrize(("zoom", "cell_px"), [(-1, 64), (31, 64), (2.5, 64), (True, 64), (3, 0), (3, 1.5)])
def test_cell_size_rejects_bad_arguments(zoom, cell_px):
    with pytest.raises(ValueError, match="zoom|cell_px"):
        aggregate.cell_size_degrees(zoom, cell_px)


def test_grid_clusters_quadrants_by_hand():
    lon = np.array([-10.0, -20.0, 10.0, 100.0])
    lat = np.array([10.0, 30.0, -10.0, 40.0])
    result = aggregate.grid_clusters(lon, lat, zoom=0, cell_px=128)  # 2 × 2 cells split at 0° and the equator
    assert result.columns.tolist() == ["lon", "lat", "count"]
    assert result.to_dict("records") == [  # west column first, each column north to south
        {"lon": -15.0, "lat": 20.0, "count": 2},  # north-west
        {"lon": 100.0, "lat": 40.0, "count": 1},  # north-east
        {"lon": 10.0, "lat": -10.0, "count": 1},  # south-east
    ]


@pytest.mark.parametrize(("zoom", "cell_px"), [(0, 64), (2, 64), (4, 80), (7, 64), (12, 32)])
def test_grid_clusters_match_an_independent_groupby(zoom, cell_px):
    lon, lat = _random_points(5000, seed=zoom)
    result = aggregate.grid_clusters(lon, lat, zoom, cell_px)
    expected = _expected_clusters(lon, lat, zoom, cell_px)
    assert result["count"].sum() == len(lon)
    assert len(result) == len(expected)
    np.testing.assert_array_equal(result["count"].to_numpy(), expected["count"].to_numpy())
    np.testing.assert_allclose(result["lon"].to_numpy(), expected["lon"].to_numpy(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(result["lat"].to_numpy(), expected["lat"].to_numpy(), rtol=0, atol=1e-9)


def test_cells_are_square_in_mercator_pixels():
    # At zoom 1 with 64 px cells (45° of longitude), a cell at 60° N spans far fewer degrees of latitude
    # than one at the equator: 60.0 and 66.6 N fall in different cells, 0 and 6.6 N in one.
    result = aggregate.grid_clusters(np.array([10.0, 10.0, 10.0, 10.0]), np.array([60.0, 66.6, 0.5, 6.6]), 1)
    assert sorted(result["count"].tolist()) == [1, 1, 2]


def test_poles_are_clamped_not_lost():
    result = aggregate.grid_clusters(np.array([0.0, 0.0, 1.0]), np.array([90.0, 89.0, -90.0]), 3)
    assert result["count"].sum() == 3 and np.isfinite(result[["lon", "lat"]].to_numpy()).all()
    assert result["count"].tolist() == [2, 1]


def test_grid_clusters_with_categories():
    lon = np.array([1.0, 1.1, 1.2, 1.3, 100.0, 100.1, 150.0])
    lat = np.array([1.0, 1.0, 1.0, 1.0, 40.0, 40.1, 40.0])
    category = np.array(["poor", "good", "poor", None, "good", "poor", "good"], dtype=object)
    result = aggregate.grid_clusters(lon, lat, 2, category=category)
    assert result.columns.tolist() == ["lon", "lat", "count", "dominant", "categories"]
    by_count = result.sort_values("lon").to_dict("records")
    assert by_count[0]["categories"] == {"good": 1, "poor": 2, "unknown": 1} and by_count[0]["dominant"] == "poor"
    assert by_count[1]["categories"] == {"good": 1, "poor": 1} and by_count[1]["dominant"] == "good"  # tie: first
    assert by_count[2]["categories"] == {"good": 1} and by_count[2]["dominant"] == "good"
    ordered = pd.Categorical(category, categories=["poor", "good", "unknown"])
    tie = aggregate.grid_clusters(lon, lat, 2, category=ordered).sort_values("lon").iloc[1]
    assert tie["dominant"] == "poor"  # ties follow the Categorical's own order


def test_category_counts_add_up_to_the_cluster_count():
    lon, lat = _random_points(3000, seed=5)
    category = np.random.default_rng(5).choice(["a", "b", "c"], 3000)
    result = aggregate.grid_clusters(lon, lat, 3, category=pd.Series(category, index=np.arange(3000) * 7))
    assert (result["categories"].map(lambda d: sum(d.values())) == result["count"]).all()
    assert all(d[dom] == max(d.values()) for d, dom in zip(result["categories"], result["dominant"]))


def test_grid_clusters_are_deterministic_and_independent_of_row_order():
    lon, lat = _random_points(2000, seed=9)
    first = aggregate.grid_clusters(lon, lat, 4)
    pd.testing.assert_frame_equal(first, aggregate.grid_clusters(lon, lat, 4))
    order = np.random.default_rng(1).permutation(len(lon))
    shuffled = aggregate.grid_clusters(lon[order], lat[order], 4)
    pd.testing.assert_frame_equal(first, shuffled, check_exact=False, rtol=0, atol=1e-9)


def test_grid_clusters_of_nothing_and_bad_input():
    empty = aggregate.grid_clusters(np.array([]), np.array([]), 5, category=np.array([]))
    assert empty.empty and empty.columns.tolist() == ["lon", "lat", "count", "dominant", "categories"]
    with pytest.raises(ValueError, match="NaN"):
        aggregate.grid_clusters(np.array([1.0, np.nan]), np.array([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="finite"):
        aggregate.grid_clusters(np.array([1.0, 2.0]), np.array([1.0, np.inf]), 3)
    with pytest.raises(ValueError, match="lon and lat"):
        aggregate.grid_clusters(np.array([1.0, 2.0]), np.array([1.0]), 3)
    with pytest.raises(ValueError, match="category"):
        aggregate.grid_clusters(np.array([1.0]), np.array([1.0]), 3, category=np.array(["a", "b"]))


def test_huge_zoom_does_not_overflow_cell_keys():
    lon = np.array([-179.0, -179.0, 179.0, 179.0])
    lat = np.array([-80.0, -80.0, 80.0, 80.0])
    result = aggregate.grid_clusters(lon, lat, 30, cell_px=1)
    assert result["count"].tolist() == [2, 2]


# --- in_bounds --------------------------------------------------------------------------------


LON = np.array([-179.5, -170.0, 0.0, 10.0, 170.0, 179.5, 10.0])
LAT = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0])


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((-10, -10, 10, 10), [False, False, True, True, False, False, False]),  # edges included
        ((160, -10, -175, 10), [True, False, False, False, True, True, False]),  # across the antimeridian
        ((160, -10, 185, 10), [True, False, False, False, True, True, False]),  # same, panned past 180
        ((-200, -10, -175, 10), [True, False, False, False, True, True, False]),  # -200 is 160
        ((-180, -90, 180, 90), [True] * 7),
        ((-400, -90, 400, 90), [True] * 7),
        ((0, 40, 20, 60), [False, False, False, False, False, False, True]),
    ],
)
def test_in_bounds(bounds, expected):
    assert aggregate.in_bounds(LON, LAT, bounds).tolist() == expected


@pytest.mark.parametrize("bounds", [(0, 10, 1, 5), (0, 0, 1), (0, 0, "a", 1), (0, 0, np.inf, 1)])
def test_in_bounds_rejects_bad_bounds(bounds):
    with pytest.raises(ValueError, match="bounds"):
        aggregate.in_bounds(LON, LAT, bounds)


def test_padded():
    assert aggregate.padded((0, 0, 10, 10)) == pytest.approx((-1, -1, 11, 11))
    assert aggregate.padded((170, -10, -170, 10)) == pytest.approx((168, -12, -168, 12))
    assert aggregate.padded((-170, 80, 170, 89)) == pytest.approx((-180, 79.1, 180, 89.9))
    assert aggregate.padded((0, 85, 10, 90))[3] == 90.0


# --- view -------------------------------------------------------------------------------------


def _points(lon: np.ndarray, lat: np.ndarray, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=shapely.points(lon, lat), crs="EPSG:4326")


def test_view_returns_the_points_inside_the_padded_bounds():
    lon = np.array([5.0, 10.5, 11.5, -0.9, -1.1, 5.0])
    lat = np.array([5.0, 5.0, 5.0, -0.9, 5.0, 10.99])
    frame = _points(lon, lat, site_id=list("abcdef"))
    kind, shown = aggregate.view(frame, (0, 0, 10, 10), zoom=6)
    assert kind == "points"
    assert isinstance(shown, gpd.GeoDataFrame) and shown.crs == frame.crs
    assert shown["site_id"].tolist() == ["a", "b", "d", "f"]


def test_view_clusters_when_too_many_points_and_counts_add_up():
    lon, lat = _random_points(20_000, seed=2)
    frame = _points(lon, lat, practice_class=np.random.default_rng(2).choice(["good", "poor"], 20_000))
    bounds = (-20.0, -10.0, 30.0, 25.0)
    kind, clusters = aggregate.view(frame, bounds, zoom=4, max_points=500, category_column="practice_class")
    assert kind == "clusters"
    visible = (lon >= -25) & (lon <= 35) & (lat >= -13.5) & (lat <= 28.5)  # padded by 10 % on each side
    assert clusters["count"].sum() == visible.sum()
    expected = _expected_clusters(lon[visible], lat[visible], 4, 64)
    np.testing.assert_allclose(clusters[["lon", "lat"]].to_numpy(), expected[["lon", "lat"]].to_numpy(), atol=1e-9)
    assert set(clusters.columns) == {"lon", "lat", "count", "dominant", "categories"}
    again = aggregate.view(frame, bounds, zoom=4, max_points=500, category_column="practice_class")[1]
    pd.testing.assert_frame_equal(clusters, again)


def test_view_at_exactly_max_points_returns_points():
    frame = _points(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    assert aggregate.view(frame, (0, 0, 5, 5), 3, max_points=3)[0] == "points"
    assert aggregate.view(frame, (0, 0, 5, 5), 3, max_points=2)[0] == "clusters"
    kind, nothing = aggregate.view(frame, (50, 50, 60, 60), 3, max_points=0)
    assert kind == "points" and nothing.empty


def test_view_uses_representative_points_of_polygons():
    frame = gpd.GeoDataFrame(
        {"tailings_id": ["in", "edge", "out", "empty"]},
        geometry=[shapely.box(5, 5, 6, 6), shapely.box(9, 0, 30, 1), shapely.box(20, 0, 30, 1), shapely.Polygon()],
        crs="EPSG:4326",
    )
    assert shapely.point_on_surface(frame.geometry.iloc[1]).x > 11  # "edge" overlaps the view, its point does not
    assert aggregate.view(frame, (0, 0, 10, 10), 6)[1]["tailings_id"].tolist() == ["in"]


def test_view_across_the_antimeridian():
    frame = _points(np.array([175.0, -175.0, 0.0]), np.array([0.0, 0.0, 0.0]), site_id=["e", "w", "mid"])
    assert aggregate.view(frame, (170, -5, -170, 5), 5)[1]["site_id"].tolist() == ["e", "w"]


def test_view_reprojects_with_a_warning_and_rejects_bad_arguments():
    frame = _points(np.array([1.0, 2.0]), np.array([1.0, 2.0]), site_id=["a", "b"]).to_crs("EPSG:3857")
    with pytest.warns(UserWarning, match="EPSG:3857"):
        kind, shown = aggregate.view(frame, (0, 0, 5, 5), 3)
    assert kind == "points" and shown["site_id"].tolist() == ["a", "b"] and shown.crs.equals("EPSG:4326")
    frame = frame.to_crs("EPSG:4326")
    with pytest.raises(ValueError, match="max_points"):
        aggregate.view(frame, (0, 0, 5, 5), 3, max_points=-1)
    with pytest.raises(ValueError, match="category_column='colour'"):
        aggregate.view(frame, (0, 0, 5, 5), 3, category_column="colour")
    with pytest.raises(ValueError, match="zoom"):
        aggregate.view(frame, (0, 0, 5, 5), -2)
    with pytest.raises(ValueError, match="bounds"):
        aggregate.view(frame, (0, 5, 5, 0), 3)


def test_grid_clusters_sum_values_per_cell():
    lon = np.array([1.0, 1.1, 100.0, 100.2])
    lat = np.array([1.0, 1.0, 40.0, 40.0])
    result = aggregate.grid_clusters(lon, lat, 2, values=pd.Series([2.5, np.nan, 4.0, 0.5]))
    assert result.columns.tolist() == ["lon", "lat", "count", "total"]
    assert result.sort_values("lon")["total"].tolist() == [2.5, 4.5]
    empty = aggregate.grid_clusters(np.array([]), np.array([]), 2, values=np.array([]))
    assert empty.columns.tolist() == ["lon", "lat", "count", "total"]
    with pytest.raises(ValueError, match="values has 1 values for 4 points"):
        aggregate.grid_clusters(lon, lat, 2, values=np.array([1.0]))


def test_view_clusters_carry_the_total_of_sum_column():
    lon, lat = _random_points(4000, seed=4)
    kg = np.random.default_rng(4).uniform(0, 10, 4000)
    frame = _points(lon, lat, hg_kg_per_year=kg)
    kind, clusters = aggregate.view(frame, (-180, -85, 180, 85), 2, max_points=100, sum_column="hg_kg_per_year")
    assert kind == "clusters"
    assert clusters["total"].sum() == pytest.approx(kg.sum())
    with pytest.raises(ValueError, match="sum_column='kg'"):
        aggregate.view(frame, (0, 0, 5, 5), 3, sum_column="kg")
