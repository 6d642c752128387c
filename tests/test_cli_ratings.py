"""``python -m asmgeo import-ratings`` and ``ratings-template`` in subprocesses: exit codes, problems, nothing written."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from gpkg_edits import gpkg_path

from asmgeo.demo import install
from asmgeo.domain import mpf
from asmgeo.store import Store, open_store
from asmgeo.store import ratings as ratings_table

REPO_ROOT = Path(__file__).resolve().parent.parent


def _asmgeo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"))
    return subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def store(tmp_path) -> Store:
    target = open_store(tmp_path / "s.gpkg")
    install.install_illustrative_ratings(target)
    return target


@pytest.fixture
def template(tmp_path) -> pd.DataFrame:
    result = _asmgeo(tmp_path, "ratings-template")
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)


def _filled(template: pd.DataFrame, iso3: str = "SEN") -> pd.DataFrame:
    frame = template.copy()
    rows = frame["iso3"] == iso3
    frame.loc[rows, "implemented"] = ["yes", "partial", "no"] * 4
    frame.loc[rows, "source"] = "IGF MPF assessment Senegal (2016)"
    return frame


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "ratings.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_template_goes_to_stdout_or_a_file(tmp_path, template):
    assert len(template) == 14 * 12
    out = tmp_path / "t.csv"
    assert _asmgeo(tmp_path, "ratings-template", "--out", str(out)).returncode == 0
    assert pd.read_csv(out, dtype=str, keep_default_na=False).equals(template)


def test_a_good_file_is_stored_as_an_edition(tmp_path, store, template):
    path = _write(tmp_path, _filled(template))
    result = _asmgeo(tmp_path, "import-ratings", str(path), "--edition", "Senegal 2016 report")
    assert result.returncode == 0, result.stderr
    assert "Senegal 2016 report" in result.stdout and "12 ratings" in result.stdout and "SEN" in result.stdout
    latest = mpf.latest_pct(ratings_table.read_ratings(store)).set_index("iso3")
    assert not latest.loc["SEN", "illustrative"]
    assert latest.loc["SEN", "pct"] == pytest.approx(50.0)  # 4 yes, 4 partial, 4 no
    assert latest.loc["SEN", mpf.EDITION].endswith("Senegal 2016 report")


def test_the_edition_label_defaults_to_the_file_name(tmp_path, store, template):
    path = _write(tmp_path, _filled(template), "senegal-official.csv")
    assert _asmgeo(tmp_path, "import-ratings", str(path)).returncode == 0
    assert ratings_table.read_ratings(store)[mpf.EDITION].str.endswith("senegal-official.csv").sum() == 12


def test_a_bad_file_lists_every_problem_and_writes_nothing(tmp_path, store, template):
    frame = _filled(template)
    sen = frame.index[frame["iso3"] == "SEN"]
    frame.loc[sen[0], "implemented"] = "maybe"
    frame.loc[sen[1], "iso3"] = "XXX"
    frame.loc[sen[2], "item"] = "unicorns"
    path = _write(tmp_path, frame)
    before, digest = store.read_table(ratings_table.RATINGS_TABLE), hashlib.sha256(gpkg_path(store).read_bytes()).hexdigest()
    result = _asmgeo(tmp_path, "import-ratings", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines  # a summary, then one line per problem
    assert "3 problem(s); nothing was stored" in lines[0]
    for index, word in zip(sen[:3], ("maybe", "XXX", "unicorns")):
        assert any(line.startswith(f"Line {index + 2}") and word in line for line in lines[1:]), (word, lines)
    pd.testing.assert_frame_equal(store.read_table(ratings_table.RATINGS_TABLE), before)
    assert hashlib.sha256(gpkg_path(store).read_bytes()).hexdigest() == digest


def test_a_missing_file_is_one_sentence_and_exit_2(tmp_path, store):
    result = _asmgeo(tmp_path, "import-ratings", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.csv" in lines[0] and "Traceback" not in result.stderr


def test_two_imports_at_once_both_land_as_editions(tmp_path, store, template):
    """Two files stored at the same moment: each edition is one transaction, neither loses the other's rows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"))
    files = [_write(tmp_path, _filled(template, iso3), f"{iso3}.csv") for iso3 in ("SEN", "ECU")]
    processes = [subprocess.Popen([sys.executable, "-m", "asmgeo", "import-ratings", str(path)], cwd=REPO_ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for path in files]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    ratings = ratings_table.read_ratings(store)
    imported = ratings[ratings[mpf.EDITION] != ""]
    assert len(imported) == 24 and imported[mpf.EDITION].nunique() == 2
    assert imported.groupby("iso3")[mpf.EDITION].nunique().to_dict() == {"ECU": 1, "SEN": 1}
    assert not ratings.loc[ratings["iso3"].isin(["SEN", "ECU"]), "illustrative"].any()
    assert len(ratings) == 14 * 12  # the two countries' illustrative rows gave way to their official ones
