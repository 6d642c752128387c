"""Class rasters: lithology units as a Cloud Optimized GeoTIFF, its legend, and map overlays."""

from __future__ import annotations

import json
import math
import os
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.features import rasterize
from rasterio.io import DatasetReader
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import from_bounds

from asmgeo.domain.geology import LITHOLOGIES, LITHOLOGY_BY_CODE, NODATA_CODE, class_codes
from asmgeo.errors import LayerFileError, worded
from asmgeo.extent import Bounds

RASTER_CRS = "EPSG:4326"
WEB_MERCATOR = "EPSG:3857"
MAX_MERCATOR_LAT = 85.0511287798
MAX_PIXELS = 2**28
COG_OPTIONS = {"BLOCKSIZE": 512, "COMPRESS": "DEFLATE", "OVERVIEW_RESAMPLING": "MODE"}

LatLonBounds = tuple[tuple[float, float], tuple[float, float]]


def write_class_cog(
    path: str | Path,
    units: gpd.GeoDataFrame,
    bounds: Bounds | None = None,
    resolution: float = 0.01,
    tags: dict[str, object] | None = None,
) -> Path:
    """Rasterize the units' lithology codes to a uint8 COG (EPSG:4326, nodata 0, colour table).

    ``bounds`` is (west, south, east, north) in degrees, default the units' total bounds.
    The ``source`` tag is taken from the units' ``source`` values unless ``tags`` sets it.
    The file is written beside ``path`` and moved into place, so readers never see half a file.
    """
    units = _units_in_4326(units)
    codes = class_codes(units)
    dataset_tags = _dataset_tags(units, tags)
    if bounds is None and units.empty:
        raise ValueError("units are empty, so pass bounds=(west, south, east, north)")
    transform, width, height = _grid(units.total_bounds if bounds is None else bounds, resolution)
    shapes = [(geom, int(code)) for geom, code in zip(units.geometry, codes) if geom is not None and not geom.is_empty]
    data = np.full((height, width), NODATA_CODE, dtype=np.uint8)
    if shapes:
        rasterize(shapes, out=data, transform=transform)
    profile = {
        "driver": "COG", "width": width, "height": height, "count": 1, "dtype": "uint8",
        "crs": RASTER_CRS, "transform": transform, "nodata": NODATA_CODE, **COG_OPTIONS,
    }
    return _write_atomically(Path(path), data, profile, dataset_tags)


def raster_legend(path: str | Path) -> list[dict[str, object]]:
    """Legend entries ``{code, name, label_key, colour, source}`` of a class raster, by code (labels: ``i18n.t(label_key)``)."""
    with _open(path) as src:
        dataset_tags, colours = src.tags(), _colour_map(src, path)
    try:
        classes = {int(code): str(name) for code, name in json.loads(dataset_tags["classes"]).items()}
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise LayerFileError(f"The raster {path} has no readable 'classes' tag; is it an asmgeo class raster?") from exc
    source = dataset_tags.get("source", "unknown")
    return [
        {
            "code": code,
            "name": name,
            "label_key": LITHOLOGIES[name].label_key if name in LITHOLOGIES else f"geology.{name}",
            "colour": _hex(colours.get(code, (0, 0, 0, 0))),
            "source": source,
        }
        for code, name in sorted(classes.items())
    ]


def raster_source(path: str | Path) -> str | None:
    """The ``source`` tag of the raster at ``path`` (None when it has none); :class:`LayerFileError` if unreadable."""
    with _open(path) as src:
        return src.tags().get("source")


def overview_levels(path: str | Path) -> list[int]:
    """The decimation factors of band 1's internal overviews, e.g. ``[2, 4, 8]``."""
    with _open(path) as src:
        return list(src.overviews(1))


def read_overlay(
    path: str | Path, bounds_lonlat: Bounds, max_size: int = 1024
) -> tuple[np.ndarray, LatLonBounds | None]:
    """An RGBA image of a class raster for a Leaflet ImageOverlay, and its ``((south, west), (north, east))``.

    ``bounds_lonlat`` is (west, south, east, north). The view is clipped to the raster and
    warped to Web Mercator (Leaflet stretches overlays linearly in EPSG:3857), read at most
    ``max_size`` pixels on the long side so GDAL reads overviews, never the full array.
    Nodata is transparent. No overlap gives an empty ``(0, 0, 4)`` array and ``None``.
    """
    west, south, east, north = _check_bounds(bounds_lonlat, "bounds_lonlat")
    if isinstance(max_size, bool) or not isinstance(max_size, (int, np.integer)) or max_size < 1:
        raise ValueError(f"max_size={max_size!r} must be a positive integer")
    with _open(path) as src:
        if src.crs is None:
            raise LayerFileError(f"The raster {path} has no CRS, so it cannot be placed on a map.")
        lut = _rgba_table(_colour_map(src, path), src.nodata)
        overlap = _overlap(src, (west, south, east, north))
        if overlap is None:
            return np.zeros((0, 0, 4), dtype=np.uint8), None
        west, south, east, north = overlap
        with WarpedVRT(src, crs=WEB_MERCATOR, resampling=Resampling.nearest) as vrt:
            window = from_bounds(*transform_bounds(RASTER_CRS, WEB_MERCATOR, west, south, east, north), vrt.transform)
            scale = min(1.0, max_size / max(window.width, window.height))
            out_shape = (max(1, round(window.height * scale)), max(1, round(window.width * scale)))
            codes = vrt.read(1, window=window, out_shape=out_shape, resampling=Resampling.nearest)
    return lut[codes], ((south, west), (north, east))


def _overlap(src: DatasetReader, bounds: Bounds) -> Bounds | None:
    """``bounds`` (lon/lat) clipped to the raster and to Web Mercator's latitude limit; None if empty."""
    r_west, r_south, r_east, r_north = transform_bounds(src.crs, RASTER_CRS, *src.bounds)
    west, east = max(bounds[0], r_west), min(bounds[2], r_east)
    south, north = max(bounds[1], r_south, -MAX_MERCATOR_LAT), min(bounds[3], r_north, MAX_MERCATOR_LAT)
    return (west, south, east, north) if west < east and south < north else None


def _units_in_4326(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``units`` in EPSG:4326; raises if it is not a GeoDataFrame with a CRS."""
    if not isinstance(units, gpd.GeoDataFrame):
        raise ValueError(f"units must be a GeoDataFrame, not {type(units).__name__}")
    if units.crs is None:
        raise ValueError("units have no CRS; set it before rasterizing")
    return units if units.crs.to_epsg() == 4326 else units.to_crs(RASTER_CRS)


def _grid(bounds: Bounds, resolution: float) -> tuple[Affine, int, int]:
    """The north-up transform, width and height of a ``resolution``-degree grid over ``bounds``."""
    west, south, east, north = _check_bounds(bounds, "bounds")
    try:
        step = float(resolution)
    except (TypeError, ValueError):
        step = math.nan
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"resolution={resolution!r} must be a positive number of degrees")
    width, height = math.ceil((east - west) / step), math.ceil((north - south) / step)
    if width * height > MAX_PIXELS:
        raise ValueError(f"a {width}×{height} grid exceeds {MAX_PIXELS} pixels; coarsen resolution={resolution!r}")
    return Affine(step, 0.0, west, 0.0, -step, north), width, height


def _write_atomically(path: Path, data: np.ndarray, profile: dict[str, object], tags: dict[str, str]) -> Path:
    """Write band 1, the lithology colour table and ``tags`` to a temp file beside ``path``, then move it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp.tif")
    try:
        with rasterio.open(temp, "w", **profile) as dst:
            dst.write(data, 1)
            dst.write_colormap(1, _colour_table())
            dst.set_band_description(1, "lithology code")
            dst.update_tags(**tags)
        os.chmod(temp, 0o644)  # GDAL's COG writer leaves the file readable by its owner only
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _check_bounds(bounds: Bounds, name: str) -> Bounds:
    """``bounds`` as four floats (west, south, east, north); raises unless west < east and south < north."""
    try:
        west, south, east, north = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={bounds!r} must be four numbers (west, south, east, north)") from None
    if not all(map(math.isfinite, (west, south, east, north))) or west >= east or south >= north:
        raise ValueError(f"{name}={bounds!r} must be finite (west, south, east, north) with west < east, south < north")
    return west, south, east, north


def _colour_table() -> dict[int, tuple[int, int, int, int]]:
    """The GDAL colour table of the lithology codes; code 0 (nodata) is transparent."""
    table = {NODATA_CODE: (0, 0, 0, 0)}
    table.update({lith.code: (*_rgb(lith.colour), 255) for lith in LITHOLOGIES.values()})
    return table


def _dataset_tags(units: gpd.GeoDataFrame, tags: dict[str, object] | None) -> dict[str, str]:
    """Tags of a class raster: ``source`` (from the units), ``classes`` (JSON code → name), then ``tags``."""
    if tags is not None and not isinstance(tags, dict):
        raise ValueError(f"tags={tags!r} must be a dict")
    sources = sorted({str(s) for s in units.get("source", []) if isinstance(s, str) and s})
    classes = {str(code): lith.name for code, lith in LITHOLOGY_BY_CODE.items()}
    result = {"source": "; ".join(sources) or "unknown", "classes": json.dumps(classes)}
    for key, value in (tags or {}).items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"tag name {key!r} must be a plain identifier")
        result[key] = str(value)
    return result


def _open(path: str | Path) -> DatasetReader:
    """The raster at ``path`` opened for reading; :class:`LayerFileError` naming it if missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise worded(LayerFileError, "error.raster_missing", path=path)
    try:
        return rasterio.open(path)
    except RasterioError as exc:
        raise worded(LayerFileError, "error.raster_unreadable", path=path, detail=exc) from exc


def _colour_map(src: DatasetReader, path: str | Path) -> dict[int, tuple[int, int, int, int]]:
    """Band 1's colour table; :class:`LayerFileError` if it has none."""
    try:
        return src.colormap(1)
    except ValueError as exc:
        raise LayerFileError(f"The raster {path} has no colour table; is it an asmgeo class raster?") from exc


def _rgba_table(colours: dict[int, tuple[int, int, int, int]], nodata: float | None) -> np.ndarray:
    """A 256×4 uint8 RGBA lookup table from a colour table, with nodata transparent."""
    lut = np.zeros((256, 4), dtype=np.uint8)
    for code, rgba in colours.items():
        if 0 <= code < 256:
            lut[code] = rgba
    if nodata is not None and 0 <= nodata < 256:
        lut[int(nodata)] = 0
    return lut


def _rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as three ints."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgba: tuple[int, ...]) -> str:
    """An RGB(A) tuple as ``#RRGGBB`` (upper case, like :data:`LITHOLOGIES`)."""
    return "#{:02X}{:02X}{:02X}".format(*rgba[:3])
