"""install_demo: fills a store with boundaries, ratings, demo layers and geology rasters; reruns cleanly."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from gpkg_edits import gpkg_path

from asmgeo.demo import install
from asmgeo.domain import mpf
from asmgeo.shipped import reference
from asmgeo.store import Store, open_store
from asmgeo.store import ratings as ratings_table

N_SITES = 300
DEMO_LAYERS = ("sites", "mercury", "tailings", "geology_units")
# The rasters' resolution only changes how long the test takes, not what is written.
FAST_RESOLUTION_DEG = 0.25


def _configure(monkeypatch, folder) -> Store:
    monkeypatch.setenv("ASMGEO_STORE", str(folder / "s.gpkg"))
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(folder / "rasters"))
    monkeypatch.setattr(install, "GEOLOGY_RESOLUTION_DEG", FAST_RESOLUTION_DEG)
    return open_store()


def _field_site() -> gpd.GeoDataFrame:
    """One real-looking survey record near Kédougou, Senegal."""
    return gpd.GeoDataFrame(
        {
            "site_id": ["SEN-FIELD-1"], "commodity": ["gold"],
            "survey_date": pd.to_datetime(["2024-02-03"]).astype("datetime64[ms]"),
            "name": ["Bantaco"], "country": ["SEN"], "legal_status": ["informal"], "mining_method": ["hard_rock"],
            "workers": [120], "women": [40], "mercury_use": ["yes"], "practices": ["whole_ore_amalgamation"],
            "source": ["field survey"],
        },
        geometry=[shapely.Point(-12.18, 12.55)], crs="EPSG:4326",
    )


def _official_ratings() -> pd.DataFrame:
    """Official ratings for Senegal's 2016 assessment: 6.1 all yes, the rest partial or no."""
    values = {item: ("yes" if area == "6.1" else "partial" if area == "6.2" else "no")
              for item, area in mpf.ITEM_AREA.items()}
    return pd.DataFrame(
        [("SEN", item, 2016, value, "assessment wording", "IGF MPF assessment Senegal (2016)", False)
         for item, value in values.items()],
        columns=mpf.RATING_COLUMNS,
    )


def _demo_counts(store: Store) -> dict[str, int]:
    return {name: len(store.read(name, equals={"source": "synthetic demo"})) for name in DEMO_LAYERS}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("installed")
        store = _configure(monkeypatch, folder)
        report = install.install_demo(store, n_sites=N_SITES)
        yield store, report, folder


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """Install, add a field record and official ratings, install again."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        store = _configure(monkeypatch, tmp_path_factory.mktemp("rebuilt"))
        install.install_demo(store, n_sites=N_SITES)
        first = {"counts": {n: store.count(n) for n in (*DEMO_LAYERS, "countries")}, "demo": _demo_counts(store),
                 "ratings": ratings_table.read_ratings(store)}
        store.append("sites", _field_site())
        store.write_table(ratings_table.RATINGS_TABLE, pd.concat([first["ratings"], _official_ratings()], ignore_index=True))
        install.install_demo(store, n_sites=N_SITES)
        yield store, first


def test_install_writes_every_layer(built):
    store, report, _ = built
    for name in (*DEMO_LAYERS, "countries"):
        assert store.count(name) > 0, name
        assert report.counts[name] == store.count(name), name
    assert store.read("sites")["site_id"].nunique() == N_SITES
    iso3 = set(pyogrio.read_dataframe(gpkg_path(store), layer="countries", columns=["iso3"], read_geometry=False)["iso3"])
    assert set(reference.assessed_iso3()) <= iso3
    assert set(store.read("geology_units")["country"]) == set(reference.assessed_iso3())


def test_every_spatial_layer_is_epsg_4326_and_has_provenance(built):
    store, _, _ = built
    summary = {info.name: info for info in store.summary()}
    assert set(summary) == {*DEMO_LAYERS, "countries"}
    for name, info in summary.items():
        assert pyogrio.read_info(gpkg_path(store), layer=name)["crs"] == "EPSG:4326", name
        assert info.source and info.licence, name
    assert all(summary[name].source == "synthetic demo" for name in DEMO_LAYERS)


def test_install_writes_illustrative_pillar6_ratings(built):
    store, _, _ = built
    ratings = ratings_table.read_ratings(store)
    mpf.check_ratings(ratings)
    assert len(ratings) == 14 * 12
    assert set(ratings["iso3"]) == set(reference.assessed_iso3())
    assert ratings["illustrative"].all()
    assert len(mpf.latest_pct(ratings)) == 14


def test_one_geology_cog_per_region(built):
    _, report, folder = built
    expected = {folder / "rasters" / f"geology_{region}.tif" for region in ("africa", "lac", "asia")}
    assert set(report.rasters) == expected
    for path in expected:
        assert path.is_file(), path
        with rasterio.open(path) as src:
            assert src.crs.to_epsg() == 4326
            assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert src.read(1).max() > 0  # some geology drawn


def test_needs_demo_on_an_empty_store_and_not_after(built, tmp_path, monkeypatch):
    empty = open_store(tmp_path / "empty.gpkg")
    assert install.needs_demo(empty) is True
    store, _, _ = built
    assert install.needs_demo(store) is False


def test_rerun_replaces_the_demo_rows_instead_of_doubling_them(rebuilt):
    store, first = rebuilt
    assert _demo_counts(store) == first["demo"]
    for name in ("mercury", "tailings", "geology_units", "countries"):
        assert store.count(name) == first["counts"][name], name
    assert store.count("sites") == first["counts"]["sites"] + 1  # + the field record


def test_rerun_keeps_field_survey_rows(rebuilt):
    store, _ = rebuilt
    kept = store.read("sites").query("source != 'synthetic demo'")
    assert kept["site_id"].tolist() == ["SEN-FIELD-1"]
    assert kept["name"].tolist() == ["Bantaco"] and kept["workers"].tolist() == [120]


def test_rerun_keeps_official_ratings(rebuilt):
    store, _ = rebuilt
    ratings = ratings_table.read_ratings(store)
    official = ratings[~ratings["illustrative"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(official, _official_ratings(), check_dtype=False)


def test_rerun_does_not_duplicate_illustrative_ratings(rebuilt):
    store, _ = rebuilt
    ratings = ratings_table.read_ratings(store)
    illustrative = ratings[ratings["illustrative"]]
    assert not illustrative.duplicated(["iso3", "year", "item"]).any()


def test_official_ratings_are_what_the_map_shows_after_a_rebuild(rebuilt):
    """A ministry's official ratings replace the illustrative ones of that country (DESIGN §2).

    Expected Senegal pillar figure from the rule: 3 yes, 5 partial, 4 no over 12 items.
    """
    store, _ = rebuilt
    latest = mpf.latest_pct(ratings_table.read_ratings(store)).set_index("iso3")
    expected = 100 * (3 * 1 + 5 * 0.5 + 4 * 0) / 12
    assert latest.loc["SEN", "pct"] == pytest.approx(expected, abs=0.05)
    assert latest.loc["SEN", "items_rated"] == 12
    assert not latest.loc["SEN", "illustrative"]
    # the other countries still show their illustrative figures
    assert latest.drop(index="SEN")["illustrative"].all()


def test_install_with_zero_sites_writes_empty_demo_layers(tmp_path, monkeypatch):
    store = _configure(monkeypatch, tmp_path)
    report = install.install_demo(store, n_sites=0)
    assert report.counts["sites"] == report.counts["mercury"] == report.counts["tailings"] == 0
    assert store.count("sites") == 0 and store.count("countries") > 0


def test_install_rejects_a_negative_number_of_sites(tmp_path, monkeypatch):
    store = _configure(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="-3"):
        install.install_demo(store, n_sites=-3)
    assert not store.exists()


# ------------------------------------------------------------------ demo --remove, and when the app builds the demo


@pytest.fixture(scope="module")
def removed(tmp_path_factory):
    """Install, add a field record, official ratings and a ministry raster, then remove the demo."""
    from asmgeo.maps.raster import write_class_cog

    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("removed")
        store = _configure(monkeypatch, folder)
        install.install_demo(store, n_sites=N_SITES)
        store.append("sites", _field_site().assign(licence="CC-BY-4.0"))
        store.add_ratings_edition(_official_ratings(), lambda ids: "2025-01-01T00:00:00Z Ministry")
        units = store.read("geology_units").head(20).assign(source="Ministry geology 2023")
        ministry = write_class_cog(folder / "rasters" / "geology_ministry.tif", units, resolution=0.25)
        before = {"counts": {n: store.count(n) for n in (*DEMO_LAYERS, "countries")}, "demo": _demo_counts(store),
                  "ratings": ratings_table.read_ratings(store)}
        counts = install.remove_demo(store)
        yield store, before, counts, ministry


def test_the_demo_writes_its_licence_on_every_feature(built):
    store, _, _ = built
    for name in DEMO_LAYERS:
        assert set(store.read(name, columns=["licence"])["licence"]) == {"synthetic data generated by asmgeo (CC0)"}, name


def test_remove_demo_removes_exactly_the_synthetic_features_and_says_how_many(removed):
    store, before, counts, _ = removed
    assert counts == {**before["demo"], "rasters": 3}
    assert all(before["demo"][name] > 0 for name in DEMO_LAYERS)
    assert _demo_counts(store) == dict.fromkeys(DEMO_LAYERS, 0)
    sites = store.read("sites")
    assert sites["site_id"].tolist() == ["SEN-FIELD-1"] and sites["name"].tolist() == ["Bantaco"]
    assert store.count("countries") == before["counts"]["countries"]


def test_remove_demo_keeps_ratings_and_a_ministry_raster(removed):
    store, before, _, ministry = removed
    pd.testing.assert_frame_equal(ratings_table.read_ratings(store), before["ratings"])
    assert sorted(p.name for p in store.raster_folder().glob("*.tif")) == [ministry.name]
    assert install.demo_rasters(store.raster_folder()) == []


def test_after_remove_demo_the_layers_say_what_they_hold(removed):
    store, _, _, _ = removed
    summary = {info.name: info for info in store.summary()}
    assert (summary["sites"].source, summary["sites"].licence) == ("field survey", "CC-BY-4.0")
    for name in ("mercury", "tailings", "geology_units"):
        assert summary[name].features == 0 and summary[name].source == "" and summary[name].sources == [], name
    assert summary["countries"].source and not any(s["synthetic"] for info in summary.values() for s in info.sources)
    meta = store.layer_meta().set_index("name")
    assert "synthetic demo" not in set(meta["source"]) and "synthetic" not in set(meta["status"])


def test_a_store_emptied_on_purpose_does_not_need_the_demo(removed):
    store, _, _, _ = removed
    assert install.needs_demo(store) is False
    assert set(store.marks()) == {install.DEMO_REMOVED}


def test_needs_demo_only_for_a_store_that_never_held_anything(tmp_path, monkeypatch):
    assert install.needs_demo(open_store(tmp_path / "missing.gpkg")) is True
    made = open_store(tmp_path / "made.gpkg")
    made.upgrade(create=True)  # what init-store does: an empty layer-sources table and the schema
    assert made.exists() and install.needs_demo(made) is True
    ratings = open_store(tmp_path / "ratings.gpkg")
    ratings.add_ratings_edition(_official_ratings(), lambda ids: "official")
    assert install.needs_demo(ratings) is False
    mapped = open_store(tmp_path / "mapped.gpkg")
    mapped.put_mapping("kobo", "sites", "{}", "awa")
    assert install.needs_demo(mapped) is False
    emptied = _configure(monkeypatch, tmp_path / "emptied")
    counts = install.remove_demo(emptied)  # on no store at all: nothing to remove, and it stays so
    assert counts == {**dict.fromkeys(DEMO_LAYERS, 0), "rasters": 0} and install.needs_demo(emptied) is False
