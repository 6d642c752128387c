"""Tables on screen: number columns written for the language, still numbers underneath (sorting works)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from asmgeo.i18n import number


def localized(frame: pd.DataFrame, lang: str, decimals: Mapping[str, int]) -> Styler:
    """``frame`` with each column of ``decimals`` shown as numbers of ``lang`` with that many decimals."""
    missing = [column for column in decimals if column not in frame.columns]
    if missing:
        raise ValueError(f"decimals names column(s) {missing} that the frame lacks; it has {list(frame.columns)}")
    return frame.style.format({column: partial(cell, lang=lang, decimals=places) for column, places in decimals.items()})


def cell(value: object, lang: str, decimals: int = 0) -> str:
    """One number written for ``lang`` ("" when missing)."""
    return "" if value is None or pd.isna(value) else number(float(value), lang, decimals)
