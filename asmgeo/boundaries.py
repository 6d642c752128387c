"""The shipped Natural Earth country boundaries (``data/layers/countries.gpkg``)."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from asmgeo.config import layers_dir
from asmgeo.errors import LayerFileError

BOUNDARIES_FILE = "countries.gpkg"
BOUNDARIES_SOURCE = "Natural Earth 1:10m Admin 0 Countries"
BOUNDARIES_LICENCE = "public domain (Natural Earth)"
_LAYER_BY_DETAIL = {"full": "countries", "web": "countries_web"}


def load_countries(detail: Literal["full", "web"] = "full") -> gpd.GeoDataFrame:
    """Country polygons with ``iso3``, ``name`` and ``region``, in EPSG:4326."""
    if detail not in _LAYER_BY_DETAIL:
        raise ValueError(f"detail={detail!r} must be one of {sorted(_LAYER_BY_DETAIL)}")
    path = layers_dir() / BOUNDARIES_FILE
    if not path.is_file():
        raise LayerFileError(f"The country boundaries file {path} is missing; rebuild it with scripts/build_boundaries.py.")
    try:
        frame = pyogrio.read_dataframe(path, layer=_LAYER_BY_DETAIL[detail], use_arrow=True)
    except (DataSourceError, DataLayerError) as exc:
        raise LayerFileError(f"The country boundaries file {path} cannot be read: {exc}") from exc
    return frame[["iso3", "name", "region", "geometry"]]
