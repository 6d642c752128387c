"""Run ``python -m asmgeo`` as a user would, on a store of the test's own (shared by the CLI test files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from asmgeo.store import Store, open_store

REPO_ROOT = Path(__file__).resolve().parent.parent


def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment with no ``ASMGEO_`` variable but a store and raster folder under ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "store" / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"))
    return env


def run_cli(tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m asmgeo *args`` on the store of ``tmp_path``; no traceback may be printed."""
    result = subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=cli_env(tmp_path),
                            capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    return result


def cli_store(tmp_path: Path) -> Store:
    """The store the commands of ``tmp_path`` use."""
    return open_store(tmp_path / "store" / "s.gpkg")
