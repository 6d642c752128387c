"""kill -9 while a 100,000-feature import is writing: the store opens cleanly with the whole batch or none of it.

Each run imports the same 100,000-point GeoJSON with ``python -m asmgeo import`` into its own copy
of a small store, waits until the import is writing (the store's write-ahead log grows: validation
does not write), lets it write a little longer (a different time per run) and kills it with
SIGKILL; one run is left to finish. The store must then open, pass SQLite's integrity check, and hold either every row of the
batch and its record, or neither; the spatial index must match the rows. Nothing in asmgeo knows
about this test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import gpkg_edits as gpkg
import numpy as np
import pytest
import upload_fixtures as uf

from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file
from asmgeo.shipped import boundaries
from asmgeo.store import BATCH_COLUMN, Store, batches, open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
FEATURES = 100_000
WRITING_BYTES = 1 << 20  # the log has grown by a megabyte: rows are being written
DELAYS_S = (0.0, 1.0, 3.0, None)  # how long each run writes before the kill (None: never killed, it finishes)
TIMEOUT_S = 120


def _survey(path: Path) -> Path:
    """FEATURES valid gold sites inside Senegal, each its own site id."""
    rng = np.random.default_rng(9)
    lon, lat = rng.uniform(-14.5, -13.0, FEATURES), rng.uniform(14.2, 15.2, FEATURES)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
                 "properties": {"site_id": f"SEN-K9-{i:06d}", "commodity": "gold", "survey_date": "2024-03-15",
                                "workers": int(i % 300), "source": "kill test"}}
                for i, (x, y) in enumerate(zip(lon, lat))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The big survey file and a small store that already holds one batch (its log checkpointed away)."""
    folder = tmp_path_factory.mktemp("atomic")
    base = open_store(folder / "base.gpkg")
    report = validate_file(uf.UPLOADS / "sites.geojson", "sites", boundaries.load_countries("full"))
    assert commit.import_report(base, report, by="base").written == 4
    assert not Path(base.location + "-wal").exists()
    return _survey(folder / "survey.geojson"), folder / "base.gpkg"


def _start(survey: Path, store_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(store_path), ASMGEO_RASTER_DIR=str(store_path.parent / "rasters"))
    return subprocess.Popen([sys.executable, "-m", "asmgeo", "import", str(survey), "--layer", "sites",
                             "--by", "killed", "--format", "json"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wal_size(store_path: Path) -> int:
    try:
        return os.stat(f"{store_path}-wal").st_size
    except FileNotFoundError:
        return 0


def _kill_while_writing(runs: list[tuple[subprocess.Popen, Path, float | None]]) -> list[str]:
    """Kill each process ``delay`` seconds after its store's log starts growing; how each run ended."""
    writing: dict[int, float] = {}
    ended = ["?"] * len(runs)
    deadline = time.monotonic() + TIMEOUT_S
    while "?" in ended and time.monotonic() < deadline:
        now = time.monotonic()
        for i, (process, store_path, delay) in enumerate(runs):
            if ended[i] != "?":
                continue
            if process.poll() is not None:
                ended[i] = f"exited {process.returncode}"
            elif i not in writing and _wal_size(store_path) >= WRITING_BYTES:
                writing[i] = now
            elif i in writing and delay is not None and now - writing[i] >= delay:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                ended[i] = "killed"
        time.sleep(0.005)
    for process, _, _ in runs:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    return ended


def _state(store: Store) -> str:
    """"all" or "none" for the killed batch, after checking the store is whole and consistent."""
    assert gpkg.rows(store, "PRAGMA integrity_check") == [("ok",)]
    listed = batches.list_batches(store)
    rows = store.read("sites", columns=[BATCH_COLUMN, "site_id"])
    counts = rows[BATCH_COLUMN].value_counts().to_dict()
    assert counts == dict(zip(listed["batch"], listed["accepted"])), (counts, listed)  # each record has its rows
    (indexed,) = gpkg.rows(store, "SELECT count(*) FROM rtree_sites_geom")[0]
    assert indexed == len(rows) == store.count("sites")
    assert gpkg.rows(store, "SELECT rtreecheck('rtree_sites_geom')") == [("ok",)]
    killed = listed[listed["who"] == "killed"]
    assert len(killed) <= 1 and listed["who"].tolist()[0] == "base"
    if killed.empty:
        assert len(rows) == 4
        return "none"
    assert int(killed["accepted"].iloc[0]) == FEATURES and len(rows) == 4 + FEATURES
    return "all"


@pytest.mark.slow
def test_kill_9_while_writing_leaves_all_or_nothing(prepared, tmp_path):
    survey, base = prepared
    runs = []
    for delay in DELAYS_S:
        store_path = tmp_path / f"run-{delay}.gpkg"
        shutil.copyfile(base, store_path)
        runs.append((_start(survey, store_path), store_path, delay))
    ended = _kill_while_writing(runs)
    outcomes = []
    for (process, store_path, delay), how in zip(runs, ended):
        assert how == "killed" or how == "exited 0", (delay, how, process.stderr.read().decode()[-2000:])
        process.stderr.close()
        store = open_store(store_path)
        outcomes.append((delay, how, _state(store)))
        store.read("sites", bbox=(-14.5, 14.2, -13.0, 15.2))  # the layer reads through its index
        batches.list_batches(store)
    assert any(how == "killed" and state == "none" for _, how, state in outcomes), outcomes  # one kill hit a write
    for delay, how, state in outcomes:
        assert how == "killed" or state == "all", outcomes
        assert delay is not None or (how, state) == ("exited 0", "all"), outcomes  # the run left alone lands whole
