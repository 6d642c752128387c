"""The workshop slides table: one row per slide of a named sequence (the model is asmgeo.maps.slides)."""

from __future__ import annotations

SLIDES_TABLE = "workshop_slides"
SLIDE_COLUMNS = ["slide_id", "sequence", "position", "caption", "area", "query", "lat", "lon", "zoom", "created_at"]
SLIDE_TYPES = {"position": "INTEGER", "lat": "REAL", "lon": "REAL", "zoom": "INTEGER"}  # the others are TEXT
