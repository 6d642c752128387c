"""The layering contracts in .importlinter hold, and would catch the imports they forbid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` run in ``root`` (a checkout, or a copy of its packages and contracts)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    """The packages and the contracts, copied so that a test can break them."""
    for name in ("asmgeo", "ui"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.po"))
    shutil.copy(REPO_ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_repository_keeps_every_contract():
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout
    assert result.stdout.count("KEPT") >= 3


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("asmgeo/domain/ground.py", "import streamlit", "the core never imports Streamlit"),
    ("asmgeo/maps/base.py", "from ui import state", "the core never imports Streamlit or the pages' helpers"),
    ("asmgeo/ingest/issues.py", "from asmgeo.maps import styles", "asmgeo is layered as its pipeline"),
    ("asmgeo/store/batches.py", "from asmgeo.ingest import validate", "asmgeo is layered as its pipeline"),
    ("asmgeo/schema.py", "from asmgeo.domain import mpf", "asmgeo is layered as its pipeline"),
    ("ui/tables.py", "import sqlite3", "the pages' helpers reach data only through asmgeo"),
    ("asmgeo/maps/slides.py", "import sqlite3", "only asmgeo.store speaks SQL"),
    ("asmgeo/domain/ratings_io.py", "from asmgeo.store import geopackage", "only asmgeo.store speaks SQL"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    root = _copy(tmp_path)
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")
    result = _lint(root)
    assert result.returncode == 1, result.stdout[-3000:]
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
