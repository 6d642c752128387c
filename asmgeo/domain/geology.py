"""Lithology classes: names, raster codes, colours and legend styles of geological units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from asmgeo.i18n import t


@dataclass(frozen=True)
class Lithology:
    """One lithology class: its name, raster code (1..255; 0 is nodata) and colour; its label is in the catalogue."""

    name: str
    code: int
    colour: str

    @property
    def label_key(self) -> str:
        """The i18n key of the label, e.g. ``geology.alluvium``."""
        return f"geology.{self.name}"


# Okabe–Ito colours (colour-blind safe, readable in greyscale print); codes run oldest to youngest.
LITHOLOGIES: dict[str, Lithology] = {
    lith.name: lith
    for lith in (
        Lithology("greenstone_belt", 1, "#009E73"),
        Lithology("granite_gneiss", 2, "#CC79A7"),
        Lithology("metasediment", 3, "#0072B2"),
        Lithology("volcanic", 4, "#D55E00"),
        Lithology("sedimentary_cover", 5, "#56B4E9"),
        Lithology("laterite", 6, "#E69F00"),
        Lithology("alluvium", 7, "#F0E442"),
    )
}
LITHOLOGY_BY_CODE: dict[int, Lithology] = {lith.code: lith for lith in LITHOLOGIES.values()}
LABEL_KEYS: dict[str, str] = {name: lith.label_key for name, lith in LITHOLOGIES.items()}
NODATA_CODE = 0


def unit_styles(units: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[dict], list[int]]:
    """Units with their lithology written in ``lang``, the map style of each lithology and each unit's style."""
    names = list(LITHOLOGIES)
    styles = [{"color": "#555555", "weight": 0.5, "fillColor": LITHOLOGIES[n].colour, "fillOpacity": 0.45}
              for n in names]
    index = [names.index(n) if n in names else 0 for n in units["lithology"]]
    labelled = units.assign(lithology=[t(LITHOLOGIES[n].label_key, lang) if n in LITHOLOGIES else n
                                       for n in units["lithology"]])
    return labelled, styles, index


def class_codes(units: pd.DataFrame) -> np.ndarray:
    """The raster code (uint8) of each row's ``lithology``; raises naming unknown values."""
    if "lithology" not in units.columns:
        raise ValueError(f"units lack a 'lithology' column; columns are {list(units.columns)}")
    names = units["lithology"]
    unknown = sorted({str(v) for v in names if v not in LITHOLOGIES})
    if unknown:
        raise ValueError(f"unknown lithology value(s) {unknown}; expected one of {list(LITHOLOGIES)}")
    return np.array([LITHOLOGIES[v].code for v in names], dtype=np.uint8)
