"""Table versions, the pages' cache keys: a write bumps exactly the tables it changed, in its transaction."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import gpkg_edits as gpkg
import pandas as pd
import pytest
import shapely
import upload_fixtures as uf

from asmgeo.domain import mpf, ratings_io
from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file
from asmgeo.maps import slides
from asmgeo.maps.share import ExplorerState
from asmgeo.maps.slides import Slide
from asmgeo.maps.workshop import Area
from asmgeo.shipped import boundaries, reference
from asmgeo.store import Store, batches, geopackage, open_store
from asmgeo.store.base import META_TABLE
from asmgeo.store.ratings import RATINGS_TABLE
from asmgeo.store.slides import SLIDES_TABLE

TABLES = ("sites", "mercury", batches.BATCH_TABLE, SLIDES_TABLE, RATINGS_TABLE, META_TABLE)


@pytest.fixture
def store(tmp_path) -> Store:
    target = open_store(tmp_path / "s.gpkg")
    target.write_table("placeholder", pd.DataFrame({"x": [1]}))
    return target


def _versions(store: Store) -> dict[str, int]:
    location, _, numbers = store.version(*TABLES)
    assert location == store.location
    return dict(zip(TABLES, numbers))


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in TABLES if after[name] != before[name]}


def _slide(caption: str) -> Slide:
    return Slide(caption, Area(region="africa"), ExplorerState(layers=("sites",), view=(1.0, 2.0, 5)))


def _import(store: Store, name: str = "sites.geojson") -> commit.ImportResult:
    report = validate_file(uf.UPLOADS / name, "sites", boundaries.load_countries("full"))
    return commit.import_report(store, report, by="tester")


def test_saving_a_slide_leaves_the_sites_version_and_an_import_changes_it(store):
    first = _import(store)
    before = _versions(store)
    slides.add_slide(store, "Dakar", _slide("one"))
    after_slide = _versions(store)
    assert _changed(before, after_slide) == {SLIDES_TABLE}
    _import(store, "kobo_sites.csv")
    after_import = _versions(store)
    assert _changed(after_slide, after_import) == {"sites", batches.BATCH_TABLE}
    batches.approve(store, first.batch)
    after_approve = _versions(store)
    assert _changed(after_import, after_approve) == {batches.BATCH_TABLE}
    batches.undo(store, first.batch)
    assert _changed(after_approve, _versions(store)) == {"sites", batches.BATCH_TABLE}


def test_ratings_and_layer_sources_have_their_own_versions(store):
    before = _versions(store)
    ratings = mpf.illustrative_ratings(reference.assessments())
    store.set_illustrative_ratings(ratings)
    after = _versions(store)
    assert _changed(before, after) == {RATINGS_TABLE}
    official = ratings[ratings["iso3"] == "SEN"].assign(illustrative=False)
    ratings_io.store_ratings(store, official, "official", now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert _changed(after, _versions(store)) == {RATINGS_TABLE}
    before = _versions(store)
    store.set_layer_meta("sites", "survey", "CC-BY-4.0")
    assert _changed(before, _versions(store)) == {META_TABLE}


def test_reads_and_refused_writes_change_no_version(store):
    result = _import(store)
    before = _versions(store)
    store.read("sites"), batches.list_batches(store), slides.sequences(store), store.summary()
    assert _import(store).duplicate_of == result.batch  # refused: the same file again
    with pytest.raises(slides.SlideError):
        slides.delete_slide(store, "nope", "x")
    assert _versions(store) == before


def test_a_failed_write_leaves_the_versions_as_they_were(store, monkeypatch):
    _import(store)
    before = _versions(store)

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(geopackage, "_insert_record", fail)
    with pytest.raises(OSError):
        _import(store, "kobo_sites.csv")
    assert _versions(store) == before


def test_gdal_writes_bump_the_version_too(store):
    frame = gpd.GeoDataFrame({"iso3": ["AAA"], "name": ["A"], "region": ["lac"]},
                             geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    store.replace("countries", frame)
    one = store.version("countries")
    store.replace("countries", frame)
    assert store.version("countries")[2][0] > one[2][0]
    before = store.version("placeholder")
    store.write_table("placeholder", pd.DataFrame({"x": [2]}))
    assert store.version("placeholder")[2][0] > before[2][0]


def test_two_stores_never_share_a_key_and_a_missing_one_has_one(tmp_path, store):
    other = open_store(tmp_path / "other.gpkg")
    assert other.version("sites") == (other.location, None, (0,))
    other.write_table("placeholder", pd.DataFrame({"x": [1]}))
    assert other.version("sites")[1] not in (None, store.version("sites")[1])  # each store has its own id
    assert gpkg.has_table(other, "asmgeo_table_versions")
