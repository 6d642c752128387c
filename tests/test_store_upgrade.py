"""Schema versions: a store made by the previous release upgrades in place, keeps its data, and says so.

The fixture ``tests/data/legacy/store_v0.gpkg`` was made by the release before schema versions
(commit d49470e; see tests/data/README.md): a small demo, official ratings, two import batches
(one approved, one pending) and a slide sequence. Each test works on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import gpkg_edits as gpkg
import pandas as pd
import pyogrio
import pytest

from asmgeo.domain import mpf
from asmgeo.errors import StoreError
from asmgeo.i18n import t
from asmgeo.maps import slides
from asmgeo.store import Store, Upgrade, batches, migrations, open_store
from asmgeo.store import ratings as ratings_table
from asmgeo.store.base import upgrade_text

REPO_ROOT = Path(__file__).resolve().parent.parent
LEGACY = REPO_ROOT / "tests" / "data" / "legacy" / "store_v0.gpkg"
APPROVED = "260a9a42fb984353a1cf196295654e66"  # sites.geojson by amadou, 4 rows
PENDING = "516449c0bb4a4231ac4063daa245948f"  # sites_fr.geojson by awa, 2 rows
EVERY_STEP = tuple(step.number for step in migrations.STEPS)


@pytest.fixture
def legacy(tmp_path) -> Store:
    path = tmp_path / "store.gpkg"
    shutil.copyfile(LEGACY, path)
    return open_store(path)


def _raw_counts(store: Store) -> dict[str, int]:
    return {name: gpkg.rows(store, f'SELECT count(*) FROM "{name}"')[0][0]
            for name in ("sites", "mercury", "tailings", "pillar6_ratings", "asmgeo_batches", "workshop_slides")}


def test_the_fixture_is_a_store_of_the_previous_release(tmp_path):
    copy = tmp_path / "look.gpkg"
    shutil.copyfile(LEGACY, copy)
    store = open_store(copy)
    assert not gpkg.has_table(store, migrations.META)  # no schema version: version 0
    assert _raw_counts(store) == {"sites": 34, "mercury": 13, "tailings": 3, "pillar6_ratings": 168,
                                  "asmgeo_batches": 2, "workshop_slides": 2}


def test_it_upgrades_in_place_and_says_so_once(legacy):
    before = _raw_counts(legacy)
    layers = sorted(name for name, _ in pyogrio.list_layers(gpkg.gpkg_path(legacy)))
    upgrade = legacy.upgrade()
    assert upgrade == Upgrade(legacy.location, 0, migrations.CURRENT, EVERY_STEP)
    assert legacy.upgrade() is None  # said once
    assert legacy.schema_version() == migrations.CURRENT
    assert _raw_counts(legacy) == before
    assert sorted(name for name, _ in pyogrio.list_layers(gpkg.gpkg_path(legacy))) == layers  # QGIS sees the same
    assert gpkg.rows(legacy, "PRAGMA integrity_check") == [("ok",)]
    for lang in ("en", "fr", "es"):
        text = upgrade_text(upgrade, lang)
        assert legacy.location in text and t("store.migration.1", lang) in text


def test_the_first_use_upgrades_it_even_unasked(legacy):
    assert len(batches.list_batches(legacy)) == 2  # a plain read is the first use
    assert gpkg.has_table(legacy, migrations.META)
    assert legacy.upgrade() == Upgrade(legacy.location, 0, migrations.CURRENT, EVERY_STEP)  # still said, once
    assert legacy.upgrade() is None


def test_batches_slides_and_ratings_are_intact_and_readable(legacy):
    legacy.upgrade()
    listed = batches.list_batches(legacy)
    assert listed[["batch", "who", "status", "accepted", "file_name"]].values.tolist() == [
        [APPROVED, "amadou", "approved", 4, "sites.geojson"], [PENDING, "awa", "pending", 2, "sites_fr.geojson"]]
    approved = batches.batch_features(legacy, APPROVED)["sites"]
    assert len(approved) == 4 and set(approved["batch"]) == {APPROVED}
    assert len(batches.batch_features(legacy, PENDING)["sites"]) == 2
    sites = legacy.read("sites")
    assert len(sites) == 34 and sites["batch"].isna().sum() == 28
    assert len(batches.published(sites, listed)) == 28 + 4  # the pending batch stays off the maps
    assert (legacy.count("mercury"), legacy.count("tailings")) == (13, 3)

    sequence = slides.load_sequence(legacy, "Dakar workshop")
    assert [s.slide_id for s in sequence.slides] == ["slide-one", "slide-two"] and not sequence.problems
    assert slides.sequences(legacy) == {"Dakar workshop": 2}

    ratings = ratings_table.read_ratings(legacy)
    assert len(ratings) == 168 and ratings["illustrative"].sum() == 156
    ecu = ratings[ratings["iso3"] == "ECU"]
    assert len(ecu) == 12 and not ecu["illustrative"].any() and ecu["edition"].str.endswith("Ministry 2025").all()
    latest = mpf.latest_pct(ratings).set_index("iso3")
    assert not latest.loc["ECU", "illustrative"]


def test_the_upgraded_store_takes_new_writes(legacy):
    legacy.upgrade()
    assert batches.undo(legacy, PENDING) == 2
    assert batches.get_batch(legacy, PENDING)["status"] == "undone" and legacy.count("sites") == 32
    slides.delete_slide(legacy, "Dakar workshop", "slide-one")
    assert [s.slide_id for s in slides.load_sequence(legacy, "Dakar workshop").slides] == ["slide-two"]
    earlier = ratings_table.read_ratings(legacy)
    fresh = earlier[earlier["iso3"] == "ECU"][mpf.RATING_COLUMNS].assign(implemented="yes")
    edition = legacy.add_ratings_edition(fresh, lambda ids: "2027-01-01T00:00:00Z later" if ids else "none")
    ratings = ratings_table.read_ratings(legacy)
    assert len(ratings) == 180 and (ratings["edition"] == edition).sum() == 12
    assert gpkg.rows(legacy, "SELECT count(*) FROM sqlite_master WHERE name = 'asmgeo_sites_batch'") == [(1,)]


def test_the_upgrade_is_one_transaction(legacy, monkeypatch):
    def fail(connection):
        connection.execute('CREATE TABLE "half_done" (x)')
        raise RuntimeError("power cut")

    steps = (*migrations.STEPS[:-1], migrations.Step(migrations.CURRENT, "broken", fail))
    monkeypatch.setattr(migrations, "STEPS", steps)
    with pytest.raises(RuntimeError, match="power cut"):
        legacy.upgrade()
    assert not gpkg.has_table(legacy, migrations.META) and not gpkg.has_table(legacy, "half_done")
    monkeypatch.undo()
    assert legacy.upgrade() == Upgrade(legacy.location, 0, migrations.CURRENT, EVERY_STEP)


def test_a_store_newer_than_this_asmgeo_is_refused(legacy):
    legacy.upgrade()
    gpkg.execute(legacy, f"UPDATE {migrations.META} SET value = '99' WHERE key = 'schema_version'")
    again = open_store(gpkg.gpkg_path(legacy).with_name("newer.gpkg"))
    shutil.copyfile(gpkg.gpkg_path(legacy), gpkg.gpkg_path(again))
    with pytest.raises(StoreError, match="99") as caught:
        batches.list_batches(again)
    assert caught.value.text("fr") == t("error.store_newer", "fr", path=gpkg.gpkg_path(again), version=99,
                                        supported=migrations.CURRENT)


def test_a_new_store_is_made_at_the_current_version_without_a_notice(tmp_path):
    store = open_store(tmp_path / "new.gpkg")
    store.write_table("placeholder", pd.DataFrame({"x": [1]}))
    assert store.schema_version() == migrations.CURRENT and store.upgrade() is None
    assert list(store.read_table("placeholder").columns) == ["x"]


def _cli(store_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(store_path), ASMGEO_RASTER_DIR=str(store_path.parent / "rasters"))
    return subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_init_store_upgrades_then_has_nothing_to_do(legacy):
    path = gpkg.gpkg_path(legacy)
    first = _cli(path, "init-store", "--lang", "fr")
    assert first.returncode == 0, first.stderr
    steps = "; ".join(t(f"store.migration.{n}", "fr") for n in EVERY_STEP)
    assert first.stdout.strip() == t("store.upgraded", "fr", path=path, old=0, new=migrations.CURRENT, steps=steps)
    again = _cli(path, "init-store")
    assert again.returncode == 0 and again.stdout.strip() == t("cli.store_current", "en", path=path,
                                                                version=migrations.CURRENT)
    assert len(batches.list_batches(open_store(path))) == 2


def test_init_store_creates_a_missing_store(tmp_path):
    path = tmp_path / "folder" / "store.gpkg"
    result = _cli(path, "init-store", "--lang", "es")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == t("store.created", "es", path=path, version=migrations.CURRENT)
    assert open_store(path).schema_version() == migrations.CURRENT


def test_any_command_on_an_old_store_says_it_upgraded_it(legacy):
    result = _cli(gpkg.gpkg_path(legacy), "batches", "--format", "json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 2  # stdout stays the JSON
    assert "schema version 0" in result.stderr and legacy.location in result.stderr


def test_the_app_upgrades_an_old_store_and_says_so_in_the_readers_language(legacy, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ASMGEO_STORE", legacy.location)
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(gpkg.gpkg_path(legacy).parent / "rasters"))
    monkeypatch.delenv("ASMGEO_LAYERS_DIR", raising=False)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "fr"
    at.run()
    steps = "; ".join(t(f"store.migration.{n}", "fr") for n in EVERY_STEP)
    notice = t("store.upgraded", "fr", path=legacy.location, old=0, new=migrations.CURRENT, steps=steps)
    assert notice in [str(info.value) for info in at.info], [str(info.value) for info in at.info]
    assert legacy.schema_version() == migrations.CURRENT and legacy.upgrade() is None
    assert len(batches.list_batches(legacy)) == 2 and legacy.count("sites") == 34  # no demo built over it
