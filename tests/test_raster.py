"""Class COGs, their legend and Web Mercator overlays, on tiny units built here."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.enums import Resampling

from asmgeo.domain.geology import LITHOLOGIES
from asmgeo.errors import LayerFileError
from asmgeo.maps.raster import overview_levels, raster_legend, read_overlay, write_class_cog

WEST, EAST = "alluvium", "volcanic"


def _units(cells: list[tuple[str, shapely.Geometry]], source: str = "synthetic demo") -> gpd.GeoDataFrame:
    """Units from (lithology, geometry) pairs, in EPSG:4326."""
    return gpd.GeoDataFrame(
        {"unit_id": [f"U{i}" for i in range(len(cells))], "lithology": [c[0] for c in cells], "source": source},
        geometry=[c[1] for c in cells],
        crs="EPSG:4326",
    )


def _halves(west: float, south: float, east: float, north: float) -> gpd.GeoDataFrame:
    """One class in the west half of a box, another in the east half."""
    middle = (west + east) / 2
    return _units([(WEST, shapely.box(west, south, middle, north)), (EAST, shapely.box(middle, south, east, north))])


def _rgba(name: str) -> list[int]:
    """The opaque RGBA of a lithology's colour."""
    colour = LITHOLOGIES[name].colour
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)] + [255]


def _flat(bounds: tuple[tuple[float, float], tuple[float, float]]) -> tuple[float, ...]:
    """((south, west), (north, east)) as (south, west, north, east)."""
    return (*bounds[0], *bounds[1])


def _mercator_y(lat: float) -> float:
    """Web Mercator northing of ``lat`` on the unit sphere."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@pytest.fixture(scope="module")
def big_cog(tmp_path_factory):
    """A 2048×2048 class COG at 0.001°: alluvium west of 1.024° E, volcanic east."""
    path = tmp_path_factory.mktemp("cog") / "nested" / "geology.tif"
    return write_class_cog(path, _halves(0, 0, 2.048, 2.048), resolution=0.001, tags={"region": "test"})


def test_cog_has_internal_overviews_tiles_and_compression(big_cog):
    with rasterio.open(big_cog) as src:
        assert (src.width, src.height) == (2048, 2048)
        assert src.overviews(1) and overview_levels(big_cog) == src.overviews(1)
        assert src.profile["tiled"] and (src.profile["blockxsize"], src.profile["blockysize"]) == (512, 512)
        assert src.profile["compress"] == "deflate"
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert src.files == [str(big_cog)]
        assert src.dtypes == ("uint8",) and src.nodata == 0 and src.crs.to_epsg() == 4326
    assert sorted(p.name for p in big_cog.parent.iterdir()) == ["geology.tif"]


def test_cog_colour_table_matches_lithologies(big_cog):
    with rasterio.open(big_cog) as src:
        table = src.colormap(1)
    assert table[0][3] == 0
    for name, lith in LITHOLOGIES.items():
        assert list(table[lith.code]) == _rgba(name)


def test_cog_tags_carry_source_classes_and_extra_tags(big_cog):
    with rasterio.open(big_cog) as src:
        tags = src.tags()
    assert tags["source"] == "synthetic demo"
    assert json.loads(tags["classes"]) == {str(lith.code): name for name, lith in LITHOLOGIES.items()}
    assert tags["region"] == "test"


def test_overviews_take_the_mode_never_nearest_or_an_average(tmp_path):
    # On a greenstone background (1 px = 0.001°), two 64-px patches, each seen in the first overview:
    # - west: volcanic at the top-left pixel of every 2×2 block: nearest would keep volcanic;
    # - east: 1-px granite stripes: a palette average of the two colours is sedimentary cover.
    px, top = 0.001, 1.024
    cells = [("greenstone_belt", shapely.box(0, 0, 1.024, top))]
    cells += [
        ("volcanic", shapely.box(2 * i * px, top - (2 * j + 1) * px, (2 * i + 1) * px, top - 2 * j * px))
        for i in range(32)
        for j in range(32)
    ]
    cells += [
        ("granite_gneiss", shapely.box((128 + 2 * i) * px, top - 64 * px, (129 + 2 * i) * px, top)) for i in range(32)
    ]
    path = write_class_cog(tmp_path / "patterns.tif", _units(cells), resolution=px)
    with rasterio.open(path, overview_level=0) as overview:
        first = overview.read(1)
    codes = {name: lith.code for name, lith in LITHOLOGIES.items()}
    assert (first[:32, :32] == codes["greenstone_belt"]).all()
    assert set(np.unique(first[:32, 64:96]).tolist()) <= {codes["greenstone_belt"], codes["granite_gneiss"]}


def test_legend_round_trips(big_cog):
    legend = raster_legend(big_cog)
    assert [e["name"] for e in legend] == list(LITHOLOGIES)
    for entry in legend:
        lith = LITHOLOGIES[entry["name"]]
        assert (entry["code"], entry["colour"]) == (lith.code, lith.colour) and "label" not in entry
        assert entry["label_key"] == f"geology.{lith.name}" and entry["source"] == "synthetic demo"


def test_overlay_is_at_most_max_size_and_places_west_and_east(big_cog):
    image, bounds = read_overlay(big_cog, (-1, -1, 3, 3), max_size=200)
    assert image.dtype == np.uint8 and image.shape[2] == 4 and max(image.shape[:2]) <= 200
    assert _flat(bounds) == pytest.approx((0, 0, 2.048, 2.048))
    height, width = image.shape[:2]
    assert (image[:, : width // 2 - 2] == _rgba(WEST)).all()
    assert (image[:, width // 2 + 2 :] == _rgba(EAST)).all()


def test_overlay_reads_overviews_not_the_full_array(tmp_path):
    # Overviews built from greenstone, then the full-resolution band overwritten with alluvium.
    path = tmp_path / "stale_overviews.tif"
    profile = {"driver": "GTiff", "width": 2048, "height": 2048, "count": 1, "dtype": "uint8", "nodata": 0,
               "crs": "EPSG:4326", "transform": Affine(0.001, 0, 0, 0, -0.001, 2.048),
               "tiled": True, "blockxsize": 256, "blockysize": 256}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.full((2048, 2048), LITHOLOGIES["greenstone_belt"].code, dtype=np.uint8), 1)
        dst.write_colormap(1, {lith.code: _rgba(name) for name, lith in LITHOLOGIES.items()})
        dst.build_overviews([2, 4], Resampling.nearest)
    with rasterio.open(path, "r+") as dst:
        dst.write(np.full((2048, 2048), LITHOLOGIES["alluvium"].code, dtype=np.uint8), 1)
    image, _ = read_overlay(path, (0, 0, 2.048, 2.048), max_size=512)
    assert (image == _rgba("greenstone_belt")).all()
    full, _ = read_overlay(path, (0, 0, 2.048, 2.048), max_size=4096)
    assert (full == _rgba("alluvium")).all()


def test_overlay_of_a_part_returns_that_part(big_cog):
    image, bounds = read_overlay(big_cog, (1.5, 0.5, 1.9, 0.9), max_size=64)
    assert _flat(bounds) == pytest.approx((0.5, 1.5, 0.9, 1.9))
    assert max(image.shape[:2]) == 64 and (image == _rgba(EAST)).all()


def test_overlay_is_in_web_mercator(tmp_path):
    # South half 40–50° N, north half 50–60° N: in Mercator the 50° line sits below the middle.
    units = _units([(WEST, shapely.box(0, 40, 10, 50)), (EAST, shapely.box(0, 50, 10, 60))])
    path = write_class_cog(tmp_path / "lat.tif", units, resolution=0.02)
    image, bounds = read_overlay(path, (0, 40, 10, 60), max_size=400)
    assert _flat(bounds) == pytest.approx((40, 0, 60, 10))
    north_share = (_mercator_y(60) - _mercator_y(50)) / (_mercator_y(60) - _mercator_y(40))
    row = round(north_share * image.shape[0])
    assert row > image.shape[0] / 2 + 5
    assert (image[row - 2, :, :] == _rgba(EAST)).all() and (image[row + 2, :, :] == _rgba(WEST)).all()


def test_overlay_without_overlap_is_empty(big_cog):
    image, bounds = read_overlay(big_cog, (10, 10, 11, 11))
    assert image.shape == (0, 0, 4) and bounds is None


def test_nodata_is_transparent(tmp_path):
    units = _units([(WEST, shapely.box(0, 0, 1, 1))])
    path = write_class_cog(tmp_path / "corner.tif", units, bounds=(0, 0, 2, 2), resolution=0.01)
    image, _ = read_overlay(path, (0, 0, 2, 2), max_size=100)
    assert (image[-40:, :40] == _rgba(WEST)).all()
    assert (image[:40, :, 3] == 0).all() and (image[:, -40:, 3] == 0).all()


def test_overwrite_replaces_the_file_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "g.tif"
    write_class_cog(path, _halves(0, 0, 1, 1), resolution=0.1)
    write_class_cog(path, _units([(EAST, shapely.box(0, 0, 1, 1))], source="field map"), resolution=0.1)
    with rasterio.open(path) as src:
        assert set(np.unique(src.read(1)).tolist()) == {LITHOLOGIES[EAST].code}
        assert src.tags()["source"] == "field map"
    assert [p.name for p in tmp_path.iterdir()] == ["g.tif"]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"resolution": 0}, "resolution=0"),
        ({"resolution": -0.1}, "resolution=-0.1"),
        ({"bounds": (1, 0, 0, 1)}, "(1, 0, 0, 1)"),
        ({"bounds": (0, 0, 1)}, "(0, 0, 1)"),
        ({"tags": {"bad key": 1}}, "bad key"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, named):
    with pytest.raises(ValueError, match=named.replace("(", r"\(").replace(")", r"\)")):
        write_class_cog(tmp_path / "g.tif", _halves(0, 0, 1, 1), **kwargs)
    assert not list(tmp_path.iterdir())


def test_unknown_lithology_is_named(tmp_path):
    with pytest.raises(ValueError, match="basalt_flood"):
        write_class_cog(tmp_path / "g.tif", _units([("basalt_flood", shapely.box(0, 0, 1, 1))]))


def test_overlay_bad_bounds_and_size_are_named(big_cog):
    with pytest.raises(ValueError, match="max_size=0"):
        read_overlay(big_cog, (0, 0, 1, 1), max_size=0)
    with pytest.raises(ValueError, match="bounds_lonlat"):
        read_overlay(big_cog, (0, 1, 1, 0))


@pytest.mark.parametrize("read", [raster_legend, overview_levels, lambda p: read_overlay(p, (0, 0, 1, 1))])
def test_missing_or_corrupt_raster_names_the_path(tmp_path, read):
    missing = tmp_path / "missing.tif"
    with pytest.raises(LayerFileError, match="missing.tif"):
        read(missing)
    corrupt = tmp_path / "corrupt.tif"
    corrupt.write_bytes(b"not a tiff at all")
    with pytest.raises(LayerFileError, match="corrupt.tif"):
        read(corrupt)


def test_a_raster_without_colour_table_is_refused(tmp_path):
    path = tmp_path / "plain.tif"
    profile = {"driver": "GTiff", "width": 4, "height": 4, "count": 1, "dtype": "uint8", "crs": "EPSG:4326",
               "transform": Affine(0.25, 0, 0, 0, -0.25, 1)}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.ones((1, 4, 4), dtype=np.uint8))
    with pytest.raises(LayerFileError, match="plain.tif"):
        raster_legend(path)


def test_empty_units_need_bounds_and_give_an_all_nodata_raster(tmp_path):
    empty = _units([])
    with pytest.raises(ValueError, match="bounds"):
        write_class_cog(tmp_path / "g.tif", empty)
    path = write_class_cog(tmp_path / "g.tif", empty, bounds=(0, 0, 1, 1), resolution=0.1)
    with rasterio.open(path) as src:
        assert (src.read(1) == 0).all() and src.tags()["source"] == "unknown"
