"""Settings read from ``ASMGEO_*`` environment variables, in one place."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DEMO_SITES = 2000
DEMO_SEED = 20_160_612


def layers_dir() -> Path:
    """Folder of the shipped, read-only layers and reference tables."""
    return Path(os.environ.get("ASMGEO_LAYERS_DIR", REPO_ROOT / "data" / "layers"))


def store_location() -> str:
    """Store path (GeoPackage) or ``postgresql://`` URL, from ``ASMGEO_STORE``."""
    return os.environ.get("ASMGEO_STORE", str(REPO_ROOT / "data" / "asmgeo.gpkg"))


def raster_dir(store_path: Path) -> Path:
    """Folder of the rasters that belong to the store at ``store_path`` (``ASMGEO_RASTER_DIR`` wins)."""
    return Path(os.environ.get("ASMGEO_RASTER_DIR", store_path.parent / "rasters"))


def static_dir() -> Path:
    """Folder Streamlit serves at ``/app/static`` (third-party assets from npm live here)."""
    return Path(os.environ.get("ASMGEO_STATIC_DIR", REPO_ROOT / "static"))


def static_url() -> str:
    """URL prefix under which the browser reaches :func:`static_dir`."""
    return os.environ.get("ASMGEO_STATIC_URL", "/app/static").rstrip("/")
