"""Extents on the map: the lon/lat box type every stage uses, and the box of the whole-world view."""

from __future__ import annotations

Bounds = tuple[float, float, float, float]  # west, south, east, north (lon/lat degrees)
WORLD_BOUNDS = (-180.0, -60.0, 180.0, 85.0)  # the inhabited world, Antarctica left out
