"""The shipped Natural Earth country boundaries (``data/layers/countries.gpkg``)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from asmgeo.config import layers_dir
from asmgeo.errors import LayerFileError, worded
from asmgeo.i18n import check_lang

BOUNDARIES_FILE = "countries.gpkg"
BOUNDARIES_SOURCE = "Natural Earth 1:10m Admin 0 Countries"
BOUNDARIES_LICENCE = "public domain (Natural Earth)"
_LAYER_BY_DETAIL = {"full": "countries", "web": "countries_web"}
NAME_COLUMNS = {"en": "name", "fr": "name_fr", "es": "name_es"}  # Natural Earth NAME_EN / NAME_FR / NAME_ES


def load_countries(detail: Literal["full", "web"] = "full") -> gpd.GeoDataFrame:
    """Country polygons with ``iso3``, ``name`` and ``region``, in EPSG:4326."""
    if detail not in _LAYER_BY_DETAIL:
        raise ValueError(f"detail={detail!r} must be one of {sorted(_LAYER_BY_DETAIL)}")
    return _read(_LAYER_BY_DETAIL[detail])[["iso3", "name", "region", "geometry"]]


def country_names(lang: str) -> dict[str, str]:
    """ISO3 -> the country's name in ``lang`` (Natural Earth's own French and Spanish names)."""
    check_lang(lang)
    return dict(_names(str(layers_dir()))[lang])


def by_name(names: dict[str, str]) -> dict[str, str]:
    """``names`` (code → name) ordered by name as a reader expects it: accents and case ignored."""
    return dict(sorted(names.items(), key=lambda item: (_collation_key(item[1]), item[1])))


def _collation_key(name: str) -> str:
    """``name`` without accents, in lower case ("Équateur" sorts with "E")."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()


@lru_cache(maxsize=4)
def _names(folder: str) -> dict[str, dict[str, str]]:
    """Every language's names, read once per boundaries folder."""
    table = _read(_LAYER_BY_DETAIL["web"], geometry=False)
    return {lang: dict(zip(table["iso3"], table[column])) for lang, column in NAME_COLUMNS.items()}


def _read(layer: str, geometry: bool = True):
    """One layer of the boundaries file; a missing or broken file raises :class:`LayerFileError`."""
    path = layers_dir() / BOUNDARIES_FILE
    if not path.is_file():
        raise worded(LayerFileError, "error.boundaries_missing", path=path)
    try:
        return pyogrio.read_dataframe(path, layer=layer, use_arrow=True, read_geometry=geometry)
    except (DataSourceError, DataLayerError) as exc:
        raise worded(LayerFileError, "error.boundaries_unreadable", path=path, detail=exc) from exc
