"""Checks on the shipped country boundaries, data/layers/countries.gpkg."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

LAYERS_DIR = Path(__file__).parent.parent / "data" / "layers"
GPKG = LAYERS_DIR / "countries.gpkg"
MPF_CSV = LAYERS_DIR / "mpf_assessments.csv"
LAYERS = ("countries", "countries_web")
ALLOWED_REGIONS = {"africa", "lac", "northern_america", "asia", "europe", "oceania", "antarctica"}
# Land neighbours among (or next to) the MPF-assessed countries.
NEIGHBOURS = [("RWA", "UGA"), ("SEN", "MRT"), ("ECU", "PER"), ("HND", "NIC"), ("DOM", "HTI"), ("MNG", "CHN")]
OVERLAP_TOLERANCE = 1e-9  # square degrees


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    """Both layers, indexed by iso3."""
    return {name: gpd.read_file(GPKG, layer=name).set_index("iso3", drop=False) for name in LAYERS}


@pytest.fixture(scope="module")
def mpf_regions() -> dict[str, str]:
    """iso3 -> region of the 14 MPF-assessed countries."""
    with MPF_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["iso3"]: row["region"] for row in csv.DictReader(handle)}


def test_both_layers_exist() -> None:
    names = {row[0] for row in pyogrio.list_layers(GPKG)}
    assert set(LAYERS) <= names


@pytest.mark.parametrize("name", LAYERS)
def test_layer_schema_and_crs(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    frame = layers[name]
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["iso3", "name", "name_fr", "name_es", "region", "geometry"]
    assert set(frame.geom_type) == {"MultiPolygon"}


@pytest.mark.parametrize("name", LAYERS)
def test_iso3_unique_and_non_empty(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    iso3 = layers[name]["iso3"]
    assert iso3.is_unique
    assert iso3.str.fullmatch(r"[A-Z0-9]{3}").all()
    assert "-99" not in set(iso3)


@pytest.mark.parametrize("name", LAYERS)
def test_names_and_regions(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    frame = layers[name]
    assert (frame["name"].str.strip() != "").all()
    assert set(frame["region"]) <= ALLOWED_REGIONS


def test_layers_have_the_same_rows(layers: dict[str, gpd.GeoDataFrame]) -> None:
    full, web = layers["countries"], layers["countries_web"]
    assert full[["iso3", "name", "region"]].equals(web[["iso3", "name", "region"]])


def test_fallback_codes_present(layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Countries whose ISO_A3 is -99 in Natural Earth still get a code."""
    full = layers["countries"]
    assert full.loc["FRA", "name"] == "France"
    assert full.loc["NOR", "name"] == "Norway"
    assert full.loc["KOS", "name"] == "Kosovo"


@pytest.mark.parametrize("name", LAYERS)
def test_assessed_countries_have_csv_region(
    layers: dict[str, gpd.GeoDataFrame], mpf_regions: dict[str, str], name: str
) -> None:
    frame = layers[name]
    assert len(mpf_regions) == 14
    for iso3, region in mpf_regions.items():
        assert iso3 in frame.index, iso3
        assert frame.loc[iso3, "region"] == region, iso3


def test_un_regions_for_other_countries(layers: dict[str, gpd.GeoDataFrame]) -> None:
    region = layers["countries"]["region"]
    expected = {"USA": "northern_america", "CAN": "northern_america", "BRA": "lac", "CUB": "lac",
                "FRA": "europe", "IND": "asia", "AUS": "oceania", "ATA": "antarctica", "NGA": "africa"}
    assert {iso3: region[iso3] for iso3 in expected} == expected


@pytest.mark.parametrize("name", LAYERS)
def test_every_geometry_valid(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    frame = layers[name]
    assert frame.is_valid.all()
    assert not frame.is_empty.any()


@pytest.mark.parametrize("name", LAYERS)
def test_layer_is_a_valid_coverage(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    assert shapely.coverage_is_valid(layers[name].geometry.values)


def test_jamaica_survives_simplification(layers: dict[str, gpd.GeoDataFrame]) -> None:
    full = layers["countries"].loc["JAM", "geometry"]
    web = layers["countries_web"].loc["JAM", "geometry"]
    assert not web.is_empty
    assert web.area == pytest.approx(full.area, rel=0.2)


@pytest.mark.parametrize(("a", "b"), NEIGHBOURS)
def test_neighbours_share_edges_after_simplification(layers: dict[str, gpd.GeoDataFrame], a: str, b: str) -> None:
    full, web = layers["countries"], layers["countries_web"]
    assert full.loc[a, "geometry"].touches(full.loc[b, "geometry"])
    geom_a, geom_b = web.loc[a, "geometry"], web.loc[b, "geometry"]
    assert geom_a.distance(geom_b) == 0
    assert geom_a.touches(geom_b)
    assert geom_a.intersection(geom_b).area < OVERLAP_TOLERANCE
    # The shared border is a line, not a point: still a real common edge.
    assert geom_a.intersection(geom_b).length > 0.1


def test_web_layer_has_far_fewer_vertices(layers: dict[str, gpd.GeoDataFrame]) -> None:
    full = shapely.get_num_coordinates(layers["countries"].geometry.values).sum()
    web = shapely.get_num_coordinates(layers["countries_web"].geometry.values).sum()
    assert web < full / 4


def enclosed_holes(frame: gpd.GeoDataFrame) -> list[float]:
    """Areas of the holes in the union of a layer: land areas no row covers (and the Caspian)."""
    union = shapely.coverage_union_all(frame.geometry.values)
    return sorted(shapely.Polygon(ring).area for part in shapely.get_parts(union) for ring in part.interiors)


def test_simplification_opens_no_gaps(layers: dict[str, gpd.GeoDataFrame]) -> None:
    """The web layer encloses exactly the holes of the full layer: no new gaps between neighbours."""
    full, web = enclosed_holes(layers["countries"]), enclosed_holes(layers["countries_web"])
    assert len(web) == len(full)
    assert web == pytest.approx(full, rel=0.2, abs=1e-4)


@pytest.mark.parametrize("name", LAYERS)
def test_every_country_has_a_french_and_spanish_name(layers: dict[str, gpd.GeoDataFrame], name: str) -> None:
    frame = layers[name]
    for column in ("name_fr", "name_es"):
        assert frame[column].notna().all() and (frame[column].str.strip() != "").all()
    # Natural Earth's own translations, decoded as UTF-8 (Latin-1 would give "SÃ©nÃ©gal")
    assert frame.loc["SEN", "name_fr"] == "Sénégal"
    assert frame.loc["DOM", "name_es"] == "República Dominicana"
    assert frame.loc["ECU", "name_fr"] == "Équateur"


def test_country_names_follow_the_language() -> None:
    from asmgeo.shipped.boundaries import country_names

    assert country_names("fr")["MDG"] == "Madagascar"
    assert country_names("es")["KGZ"] == "Kirguistán"
    assert country_names("en")["KGZ"] == "Kyrgyzstan"
    assert len(country_names("fr")) == len(country_names("en")) == 250
    with pytest.raises(ValueError, match="'de'"):
        country_names("de")
