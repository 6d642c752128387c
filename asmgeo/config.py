"""Settings read from ``ASMGEO_*`` environment variables, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from asmgeo.errors import ConfigError
from asmgeo.i18n import DEFAULT_LANGUAGE, LANGUAGES

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


def default_language() -> str:
    """The command line's language when ``--lang`` is not given: ``ASMGEO_LANG`` (en, fr or es), else English."""
    text = os.environ.get("ASMGEO_LANG", "").strip().lower()
    if not text:
        return DEFAULT_LANGUAGE
    if text not in LANGUAGES:
        raise ConfigError(f"ASMGEO_LANG={text!r} is not one of {', '.join(LANGUAGES)}.")
    return text


def static_dir() -> Path:
    """Folder Streamlit serves at ``/app/static`` (third-party assets from npm live here)."""
    return Path(os.environ.get("ASMGEO_STATIC_DIR", REPO_ROOT / "static"))


def static_url() -> str:
    """URL prefix under which the browser reaches :func:`static_dir`."""
    return os.environ.get("ASMGEO_STATIC_URL", "/app/static").rstrip("/")


@dataclass(frozen=True)
class Limits:
    """What an upload may weigh: file size, archive members and unpacked archive size."""

    max_upload_mb: float = 200.0
    max_archive_members: int = 1000
    max_uncompressed_mb: float = 1000.0

    def __post_init__(self) -> None:
        """Refuse limits that are not positive, naming the field."""
        for name in ("max_upload_mb", "max_archive_members", "max_uncompressed_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
                raise ValueError(f"{name}={value!r} must be a finite positive number")

    @property
    def max_upload_bytes(self) -> int:
        """:attr:`max_upload_mb` in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_uncompressed_bytes(self) -> int:
        """:attr:`max_uncompressed_mb` in bytes."""
        return int(self.max_uncompressed_mb * 1024 * 1024)


_LIMIT_VARIABLES = {
    "max_upload_mb": ("ASMGEO_MAX_UPLOAD_MB", float),
    "max_archive_members": ("ASMGEO_MAX_ARCHIVE_MEMBERS", int),
    "max_uncompressed_mb": ("ASMGEO_MAX_UNCOMPRESSED_MB", float),
}


def upload_limits() -> Limits:
    """Upload limits from ``ASMGEO_MAX_UPLOAD_MB``, ``ASMGEO_MAX_ARCHIVE_MEMBERS``, ``ASMGEO_MAX_UNCOMPRESSED_MB``."""
    values: dict[str, float | int] = {}
    for name, (variable, kind) in _LIMIT_VARIABLES.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        try:
            values[name] = kind(text)
        except ValueError:
            raise ConfigError(f"{variable}={text!r} is not a {'whole ' if kind is int else ''}number.") from None
        if not 0 < values[name] < float("inf"):
            raise ConfigError(f"{variable}={text!r} must be a finite number greater than 0.")
    return Limits(**values)
