"""Canonical field values from upload columns, one whole column at a time.

:func:`parse_field` turns the column an upload uses for a canonical :class:`~asmgeo.schema.Field`
into canonical values and :class:`~asmgeo.ingest.issues.Finding` objects for the rows that fail:

* ``text``: stripped text (a whole number written as ``12.0`` becomes ``"12"``);
* ``date``: ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (a date-time keeps its date part, as Shapefile
  exports write it), a year-month (``2024-01``, ``2024/01``, ``202401``) or a year (``2019``) →
  ``datetime64[ms]`` at the first day of the period, with its precision (``day``, ``month``,
  ``year``) in :attr:`ParsedField.precision`; ``DD/MM/YYYY`` or ``MM/DD/YYYY`` (``/``, ``.`` or
  ``-``) when the column tells which: some first number above 12 and no second one (day first), or
  the reverse (month first). A column where neither is above 12 cannot be told: those values are
  :attr:`ParsedField.ambiguous` (one file-level issue, not one per feature) until ``date_format``
  (``strptime`` codes, e.g. ``%d/%m/%Y``) settles them. ``not_a_date``, ``future_date`` (a period
  that starts after ``today``);
* ``integer`` / ``number``: ``not_an_integer`` / ``not_a_number`` (``"12 workers"``),
  ``negative_value`` (every count and quantity in the schema is ≥ 0); a decimal comma is accepted;
* ``category`` / ``list``: values through ``value_map`` (the mapping's ``--value`` pairs, looked up
  first) and the aliases of :mod:`asmgeo.schema` (``or`` → ``gold``, ``oui`` → ``yes``),
  ``unknown_category`` naming the closest known value; a list is split on ``;``
  or ``,`` (or on spaces, as KoboToolbox writes select-multiple answers) and stored joined by
  :data:`~asmgeo.schema.PRACTICE_SEPARATOR`;
* a required field that is empty: ``missing_field``.

Each distinct value is looked up once, so the work grows with the number of distinct values, not rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from asmgeo.ingest.issues import Finding, finding
from asmgeo.ingest.tabular import numbers
from asmgeo.schema import (
    DATE_PRECISIONS,
    PRACTICE_SEPARATOR,
    Field,
    alias_key,
    format_survey_date,
    value_alias_index,
)

_TIME = r"(?:[T ,]+[0-9:.]*(?:\s*(?:Z|[+-]\d\d:?\d\d))?)?"
_ISO_DATE = rf"^\s*(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_TIME}\s*$"
_YEAR_MONTH = r"^\s*(\d{4})(?:[-/](\d{1,2})|(\d{2}))\s*$"
_YEAR = r"^\s*(\d{4})\s*$"
_NUMERIC_DATE = rf"^\s*(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}){_TIME}\s*$"
_LIST_SPLIT = re.compile(r"\s*[;,]\s*")
_DTYPES = {"text": "str", "category": "str", "list": "str", "integer": "Int64", "number": "float64",
           "date": "datetime64[ms]"}


@dataclass(frozen=True)
class ParsedField:
    """A canonical field parsed from the file: values (NA where empty or wrong), empty rows, failing rows.

    For a date field, ``precision`` holds ``"year"``, ``"month"`` or ``"day"`` per row (NA where there
    is no date) and ``ambiguous`` the rows whose day and month order the column does not tell.
    """

    values: pd.Series
    missing: np.ndarray
    findings: tuple[Finding, ...]
    precision: pd.Series | None = None
    ambiguous: np.ndarray | None = None
    ambiguous_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Options:
    """What a mapping adds to parsing: category values of its own, and the date format it names."""

    value_map: dict[str, str]
    date_format: str | None


def parse_field(spec: Field, raw: pd.Series | None, n: int, today: dt.date, *,
                value_map: dict[str, str] | None = None, date_format: str | None = None) -> ParsedField:
    """Parse column ``raw`` (None: the file has no column for the field) of ``n`` rows as field ``spec``.

    ``value_map`` (file value → canonical choice) is tried before the schema aliases for a category or
    list field; ``date_format`` (``strptime`` codes) reads the dates a date field does not read by itself.
    """
    if raw is None:
        raw = pd.Series([None] * n, dtype=object)
    if len(raw) != n:
        raise ValueError(f"raw has {len(raw)} rows, expected n={n}")
    raw = raw.reset_index(drop=True)
    parser = {"text": _text_field, "date": _date_field, "integer": _number_field, "number": _number_field,
              "category": _category_field, "list": _list_field}.get(spec.kind)
    if parser is None:
        raise ValueError(f"field {spec.name!r} has kind={spec.kind!r}, which asmgeo cannot parse")
    options = _Options({alias_key(k): v for k, v in (value_map or {}).items()}, date_format)
    values, missing, found, *more = parser(spec, raw, today, options)
    if spec.required:
        found = [finding("missing_field", missing, [{"field": spec.name}] * int(missing.sum()), spec.name), *found]
    return ParsedField(values, missing, tuple(f for f in found if len(f.rows)), *more)


def choice_index(field_name: str, value_map: dict[str, str] | None = None) -> dict[str, str]:
    """Folded value → canonical choice of ``field_name``: the mapping's own values first, then the aliases."""
    index = value_alias_index(field_name)
    if not value_map:
        return index
    return {**index, **{alias_key(k): v for k, v in value_map.items()}}


def empty_column(spec: Field, n: int) -> pd.Series:
    """An all-NA column of field ``spec`` with its canonical dtype."""
    return pd.Series([None] * n, dtype=_DTYPES[spec.kind])


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text (``str`` dtype), NA where empty; whole floats lose ``.0``, lists become JSON."""
    if pd.api.types.is_bool_dtype(raw):
        text = raw.map({True: "true", False: "false"})
    elif pd.api.types.is_integer_dtype(raw):
        text = raw.astype("Int64").astype("str")
    elif pd.api.types.is_float_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(values) & (np.abs(values) < 2**53)
        whole[whole] = values[whole] == np.round(values[whole])
        cells = np.array([None] * len(values), dtype=object)
        cells[whole] = values[whole].astype(np.int64).astype(str)
        other = ~whole & ~np.isnan(values)
        cells[other] = values[other].astype(str)
        text = pd.Series(cells, dtype=object)
    elif pd.api.types.is_datetime64_any_dtype(raw):
        text = raw.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_string_dtype(raw) and not pd.api.types.is_object_dtype(raw):
        text = raw
    else:
        text = pd.Series([_cell_text(v) for v in raw.to_numpy(dtype=object)], dtype=object)
    text = pd.Series(text, dtype="str").str.strip()
    return text.mask(text == "")


def _cell_text(value: object) -> str | None:
    """One cell of a mixed column as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        items = value.tolist() if isinstance(value, np.ndarray) else value
        return json.dumps(items, ensure_ascii=False, default=str)
    if value is pd.NaT:
        return None
    return str(value)


def _text_field(spec: Field, raw: pd.Series, today: dt.date, options: _Options) -> tuple:
    """Text values."""
    text = as_text(raw)
    return text, text.isna().to_numpy(), []


def _date_field(spec: Field, raw: pd.Series, today: dt.date, options: _Options) -> tuple:
    """Dates at midnight of the first day of their period (``datetime64[ms]``), their precision, ambiguous rows;
    ``not_a_date`` and ``future_date`` findings."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        dates = dates.dt.normalize().astype("datetime64[ms]")
        text = dates.dt.strftime("%Y-%m-%d")
        missing = dates.isna().to_numpy()
        bad = np.zeros(len(raw), dtype=bool)
        ambiguous = np.zeros(len(raw), dtype=bool)
        precision = pd.Series(np.where(missing, None, "day"), dtype="str")
    else:
        text = as_text(raw)
        missing = text.isna().to_numpy()
        unique = pd.Series(text.dropna().unique(), dtype="str")  # survey days repeat: parse each once
        parsed, kinds = read_dates(unique, options.date_format)
        lookup = dict(zip(unique, parsed.astype("datetime64[ms]")))
        dates = pd.Series(text.map(lookup), dtype="datetime64[ms]")
        kind = text.map(dict(zip(unique, kinds)))
        ambiguous = (kind == AMBIGUOUS).fillna(False).to_numpy(dtype=bool)
        bad = ~missing & dates.isna().to_numpy() & ~ambiguous
        precision = pd.Series(kind.where(kind.isin(DATE_PRECISIONS)), dtype="str")
    found = [finding("not_a_date", bad, [{"field": spec.name, "value": v} for v in text[bad]], spec.name)]
    future = (dates > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool)
    found.append(finding("future_date", future, [
        {"field": spec.name, "value": format_survey_date(d, p), "today": today.isoformat()}
        for d, p in zip(dates[future], precision[future])], spec.name))
    keep = ~(bad | ambiguous)
    samples = tuple(str(v) for v in pd.unique(text[ambiguous].dropna())[:3]) if ambiguous.any() else ()
    return dates.where(keep), missing, found, precision.where(keep), ambiguous, samples


AMBIGUOUS = "ambiguous"


def read_dates(text: pd.Series, date_format: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Distinct date texts → (first day of each one's period or NaT, its precision or ``"ambiguous"`` or None).

    Year first is always read (a day, a year-month, a year); day or month first only when the
    values themselves tell the order (see the module docstring) or ``date_format`` gives it.
    """
    text = pd.Series(text, dtype="str").reset_index(drop=True)
    n = len(text)
    result = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ms]")
    kinds = np.full(n, None, dtype=object)
    if not n:
        return result, kinds

    def put(mask: np.ndarray, values: pd.Series, kind: str) -> None:
        ok = mask & values.notna().to_numpy()
        result[ok] = values[ok].astype("datetime64[ms]")
        kinds[ok] = kind

    iso = text.str.extract(_ISO_DATE)
    put(iso[0].notna().to_numpy(), _ymd(iso[0], iso[1], iso[2]), "day")
    month = text.str.extract(_YEAR_MONTH)
    month_number = month[1].fillna(month[2])
    put(pd.isna(kinds) & month[0].notna().to_numpy(), _ymd(month[0], month_number, "1"), "month")
    year = text.str.extract(_YEAR)
    put(pd.isna(kinds) & year[0].notna().to_numpy(), _ymd(year[0], "1", "1"), "year")
    rest = pd.isna(kinds)
    if date_format and rest.any():
        given = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ms]")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns when a format has no day or no year
            given[rest] = pd.to_datetime(text[rest], format=date_format, errors="coerce").dt.normalize()
        put(rest, given, format_precision(date_format))
        return result, kinds
    numeric = text.str.extract(_NUMERIC_DATE)
    found = numeric[0].notna().to_numpy() & rest
    if found.any():
        first = pd.to_numeric(numeric[0], errors="coerce").to_numpy()
        second = pd.to_numeric(numeric[2], errors="coerce").to_numpy()
        day_first = bool((first[found] > 12).any())
        month_first = bool((second[found] > 12).any())
        if day_first != month_first:
            day, month_of = (numeric[0], numeric[2]) if day_first else (numeric[2], numeric[0])
            put(found, _ymd(numeric[3], month_of, day), "day")
        else:  # neither order shows (or both do): the same day either way is still a date
            same = found & (first == second)
            put(same, _ymd(numeric[3], numeric[2], numeric[0]), "day")
            kinds[found & ~same] = AMBIGUOUS
    return result, kinds


def format_precision(date_format: str) -> str:
    """The precision a ``strptime`` format gives: a day, a month or a year."""
    if any(code in date_format for code in ("%d", "%j", "%U", "%W", "%c", "%x")):
        return "day"
    if any(code in date_format for code in ("%m", "%b", "%B")):
        return "month"
    return "year"


def _ymd(year: pd.Series, month: pd.Series | str, day: pd.Series | str) -> pd.Series:
    """Dates from year, month and day texts (NaT where they make no date)."""
    text = year.astype("str") + "-" + (month if isinstance(month, str) else month.astype("str")) + "-" + (
        day if isinstance(day, str) else day.astype("str"))
    return pd.to_datetime(text.where(year.notna()), format="%Y-%m-%d", errors="coerce")


def _number_field(spec: Field, raw: pd.Series, today: dt.date, options: _Options) -> tuple:
    """Integers (``Int64``) or numbers (``float64``) ≥ 0; wrong-type and negative findings."""
    text = as_text(raw)
    missing = text.isna().to_numpy()
    values = numbers(raw if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw) else text)
    number = values.to_numpy(dtype=float)
    bad = ~missing & ~np.isfinite(number)
    if spec.kind == "integer":
        bad |= ~missing & np.isfinite(number) & (number != np.round(number))
    code = "not_an_integer" if spec.kind == "integer" else "not_a_number"
    found = [finding(code, bad, [{"field": spec.name, "value": v} for v in text[bad]], spec.name)]
    negative = ~missing & ~bad & (number < 0)
    found.append(finding("negative_value", negative, [{"field": spec.name, "value": v} for v in text[negative]],
                         spec.name))
    ok = ~missing & ~bad
    if spec.kind == "integer":
        result = pd.Series(pd.array([None] * len(number), dtype="Int64"))
        result[ok] = number[ok].astype(np.int64)
    else:
        result = pd.Series(np.where(ok, number, np.nan), dtype="float64")
    return result, missing, found


def _category_field(spec: Field, raw: pd.Series, today: dt.date, options: _Options) -> tuple:
    """Canonical choices through the mapping's values and the value aliases; ``unknown_category`` with the closest."""
    text = as_text(raw)
    missing = text.isna().to_numpy()
    index = {**value_alias_index(spec.name), **options.value_map}
    lookup = {value: index.get(alias_key(value)) for value in text.dropna().unique()}
    values = text.map(lookup)
    bad = ~missing & values.isna().to_numpy()
    found = [finding("unknown_category", bad, [_unknown(spec, v, index) for v in text[bad]], spec.name)]
    return pd.Series(values, dtype="str").mask(pd.Series(bad)), missing, found


def _list_field(spec: Field, raw: pd.Series, today: dt.date, options: _Options) -> tuple:
    """Lists of canonical codes joined by the practice separator; ``unknown_category`` for a wrong item."""
    index = {**value_alias_index(spec.name), **options.value_map}
    text = as_text(raw)
    missing = text.isna().to_numpy()
    if pd.api.types.is_object_dtype(raw):  # JSON arrays stay lists: parse those cells one by one
        cells = raw.to_numpy(dtype=object)
        is_list = np.array([isinstance(c, (list, tuple, np.ndarray)) for c in cells], dtype=bool)
    else:
        cells, is_list = None, np.zeros(len(raw), dtype=bool)
    parsed = {value: _parse_list(value, index) for value in text[~is_list].dropna().unique()}
    joined = np.array(text.map(lambda v: parsed[v][0] if v in parsed else None).to_numpy(dtype=object, na_value=None))
    wrong = np.array(text.map(lambda v: parsed[v][1] if v in parsed else None).to_numpy(dtype=object, na_value=None))
    for i in np.flatnonzero(is_list & ~missing):
        joined[i], wrong[i] = _parse_list(cells[i], index)
    bad = pd.notna(wrong) & ~missing
    found = [finding("unknown_category", bad, [_unknown(spec, v, index) for v in wrong[bad]], spec.name)]
    return pd.Series(np.where(bad, None, joined), dtype="str"), missing, found


def _parse_list(cell: object, index: dict[str, str]) -> tuple[str | None, str | None]:
    """(codes joined, None) or (None, the first item that is no known code)."""
    if isinstance(cell, (list, tuple, np.ndarray)):
        items = [str(item).strip() for item in cell if item is not None and str(item).strip()]
    else:
        text = str(cell).strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1].replace('"', "").replace("'", "")
        items = [i for i in _LIST_SPLIT.split(text) if i]
        if len(items) == 1 and alias_key(items[0]) not in index:
            items = text.split()
    codes = []
    for item in items:
        code = index.get(alias_key(item))
        if code is None:
            return None, item
        if code not in codes:
            codes.append(code)
    return PRACTICE_SEPARATOR.join(codes) or None, None


def _unknown(spec: Field, value: str, index: dict[str, str]) -> dict[str, object]:
    """Message values of ``unknown_category``: the value, the field, the closest choice and all choices."""
    return {"field": spec.name, "value": value, "suggestion": closest(value, index), "choices": ", ".join(spec.choices)}


def closest(value: str, index: dict[str, str]) -> str:
    """The canonical value whose name or alias is closest to ``value`` (difflib ratio)."""
    key = alias_key(value)
    match = difflib.get_close_matches(key, list(index), n=1, cutoff=0.0)
    return index[match[0]] if match else next(iter(index.values()))
