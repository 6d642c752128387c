"""Lithology classes and synthetic geological units, on tiny countries built here."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from asmgeo.demo.geology import synthetic_units
from asmgeo.domain.geology import LABEL_KEYS, LITHOLOGIES, LITHOLOGY_BY_CODE, class_codes
from asmgeo.schema import GEOLOGY_UNITS

L_SHAPE = shapely.Polygon([(10, 10), (14, 10), (14, 11), (11, 11), (11, 13), (10, 13)])


def _countries(iso3s: tuple[str, ...] = ("AAA", "BBB")) -> gpd.GeoDataFrame:
    """Two tiny 'countries': a box, and an L-shape with an island."""
    shapes = {
        "AAA": shapely.box(0, 0, 4, 3),
        "BBB": shapely.MultiPolygon([L_SHAPE, shapely.box(16, 16, 16.5, 16.5)]),
        "CCC": shapely.box(-20, 40, -15, 45),
    }
    return gpd.GeoDataFrame({"iso3": list(iso3s)}, geometry=[shapes[i] for i in iso3s], crs="EPSG:4326")


def test_lithologies_have_codes_1_to_n_distinct_colours_and_label_keys():
    codes = [lith.code for lith in LITHOLOGIES.values()]
    assert codes == list(range(1, len(LITHOLOGIES) + 1))
    colours = [lith.colour for lith in LITHOLOGIES.values()]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours) and len(set(colours)) == len(colours)
    assert LABEL_KEYS == {name: f"geology.{name}" for name in LITHOLOGIES}
    assert all(LITHOLOGY_BY_CODE[lith.code] is lith for lith in LITHOLOGIES.values())


def test_units_follow_the_geology_schema_and_say_synthetic():
    units = synthetic_units(_countries(), seed=1, cells_per_country=5)
    assert list(units.columns) == GEOLOGY_UNITS.field_names + ["geometry"]
    assert units.crs.to_epsg() == 4326
    assert units["source"].eq("synthetic demo").all()
    assert set(units["lithology"]) <= set(LITHOLOGIES)
    assert units["unit_id"].is_unique
    assert units["unit_id"].str.fullmatch(r"GEO-(AAA|BBB)-\d{3}").all()
    assert units.groupby("country").size().to_dict() == {"AAA": 5, "BBB": 5}


def test_units_are_valid_polygons_inside_and_tiling_their_country():
    countries = _countries()
    units = synthetic_units(countries, seed=7, cells_per_country=8)
    assert units.is_valid.all() and not units.is_empty.any()
    assert set(units.geom_type) <= {"Polygon", "MultiPolygon"}
    for iso3, country in zip(countries["iso3"], countries.geometry):
        cells = units.loc[units["country"] == iso3].geometry
        assert shapely.area(shapely.difference(cells.values, country)).max() < 1e-9
        assert shapely.union_all(cells.values).symmetric_difference(country).area < 1e-9 * country.area + 1e-12


def test_same_seed_gives_the_same_units_and_another_seed_differs():
    first = synthetic_units(_countries(), seed=42)
    assert_geodataframe_equal(first, synthetic_units(_countries(), seed=42))
    other = synthetic_units(_countries(), seed=43)
    assert not first.geometry.geom_equals(other.geometry).all()


def test_adding_a_country_leaves_the_others_unchanged():
    two = synthetic_units(_countries(("AAA", "BBB")), seed=3)
    three = synthetic_units(_countries(("CCC", "AAA", "BBB")), seed=3)
    kept = three[three["country"] != "CCC"].reset_index(drop=True)
    assert_geodataframe_equal(two, kept)


def test_one_cell_is_the_whole_country():
    units = synthetic_units(_countries(("AAA",)), seed=1, cells_per_country=1)
    assert len(units) == 1 and units.geometry[0].equals(shapely.box(0, 0, 4, 3))


def test_no_countries_gives_an_empty_frame_with_the_columns():
    units = synthetic_units(_countries(())[:0], seed=1)
    assert units.empty and list(units.columns) == GEOLOGY_UNITS.field_names + ["geometry"]


@pytest.mark.parametrize("cells", [0, -3, 2.5])
def test_bad_cell_count_is_named(cells):
    with pytest.raises(ValueError, match=re.escape(repr(cells))):
        synthetic_units(_countries(), seed=1, cells_per_country=cells)


def test_a_non_integer_seed_is_named():
    with pytest.raises(ValueError, match="seed='1'"):
        synthetic_units(_countries(), seed="1")


def test_countries_in_another_crs_or_without_iso3_are_refused():
    with pytest.raises(ValueError, match="EPSG:3857"):
        synthetic_units(_countries().to_crs("EPSG:3857"), seed=1)
    with pytest.raises(ValueError, match="iso3"):
        synthetic_units(_countries().rename(columns={"iso3": "code"}), seed=1)


def test_class_codes_map_names_to_codes():
    frame = pd.DataFrame({"lithology": ["alluvium", "greenstone_belt", "alluvium"]})
    codes = class_codes(frame)
    assert codes.dtype == np.uint8
    assert codes.tolist() == [LITHOLOGIES["alluvium"].code, LITHOLOGIES["greenstone_belt"].code] + [
        LITHOLOGIES["alluvium"].code
    ]


def test_unknown_lithology_is_named():
    frame = pd.DataFrame({"lithology": ["alluvium", "basalt_flood", None]})
    with pytest.raises(ValueError, match="basalt_flood"):
        class_codes(frame)


def test_missing_lithology_column_is_named():
    with pytest.raises(ValueError, match="lithology"):
        class_codes(pd.DataFrame({"rock": ["alluvium"]}))
