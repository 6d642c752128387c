"""What to tell the user when a column is missing: which of the file's columns could hold a field, and how to say so.

:func:`columns_for` scores the columns no field uses by what their values look like for a field
(dates that read as dates, ids that are unique, values that are known choices, numbers), best first;
:func:`missing_column_message` and :func:`ambiguous_dates_message` fill the message values of the
file-level issues ``missing_column`` and ``ambiguous_dates``; :func:`closest_columns` names the
columns whose names are closest to one a mapping asks for.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from asmgeo.i18n import DEFAULT_LANGUAGE, number, t
from asmgeo.ingest.fieldmap import is_metadata
from asmgeo.ingest.tabular import numbers
from asmgeo.ingest.values import as_text, read_dates
from asmgeo.schema import Field, alias_key, value_alias_index

MAX_CANDIDATES = 3
MAX_SAMPLES = 3
_SAMPLE_ROWS = 200
_SAMPLE_CHARS = 30
_ID_WORDS = frozenset({"id", "code", "no", "num", "number", "ref", "name", "nom", "nombre", "site", "sitio",
                       "codigo", "identifiant", "uuid"})
_FEW = 10  # rows below which "every value differs" says nothing about a column


def columns_for(spec: Field, frame: pd.DataFrame, columns: Sequence[str], *, id_field: str,
                value_map: dict[str, str] | None = None, date_format: str | None = None,
                limit: int = MAX_CANDIDATES) -> list[tuple[str, list[str]]]:
    """Up to ``limit`` columns whose values could be field ``spec``, best first, each with a few sample values."""
    scored = []
    for order, column in enumerate(columns):
        text = as_text(frame[column]).dropna()
        if text.empty:
            continue
        distinct = pd.Series(pd.unique(text), dtype="str")
        score = _score(spec, text, distinct.head(_SAMPLE_ROWS), id_field, value_map or {}, date_format)
        if score > 0:
            if is_metadata(column):
                score /= 2  # export bookkeeping (_uuid, _index) rarely means what a survey question does
            samples = [_short(v) for v in distinct.head(MAX_SAMPLES)]
            scored.append((-score, order, str(column), samples))
    return [(column, samples) for _, _, column, samples in sorted(scored)[:limit]]


def _score(spec: Field, text: pd.Series, sample: pd.Series, id_field: str, value_map: dict[str, str],
           date_format: str | None) -> float:
    """How well the values fit the field: 0 (not at all) … about 1."""
    if spec.kind == "date":
        _, kinds = read_dates(sample, date_format)
        share = float(np.mean([k is not None for k in kinds]))
        return share if share >= 0.8 else 0.0
    if spec.kind in ("integer", "number"):
        share = float(numbers(sample).notna().mean())
        return share if share >= 0.8 else 0.0
    if spec.kind in ("category", "list"):
        index = {**value_alias_index(spec.name), **{alias_key(k): v for k, v in value_map.items()}}
        items = sample.str.split(r"\s*[;, ]\s*") if spec.kind == "list" else sample.map(lambda v: [v])
        share = float(items.map(lambda parts: all(alias_key(p) in index for p in parts if p)).mean())
        return share if share >= 0.5 else 0.0
    if spec.name == id_field:  # ids: (nearly) unique, short, a word or two; in a small file, a column named so
        unique = len(pd.unique(text)) / len(text)
        named = bool(set(re.findall(r"[a-z0-9]+", str(text.name or "").casefold())) & _ID_WORDS)
        words = sample.str.split().str.len().median()
        if unique < 0.9 or words > 3 or sample.str.len().median() > 40 or (len(text) < _FEW and not named):
            return 0.0
        return unique + (0.2 if named else 0.0)
    share = float(numbers(sample).isna().mean())  # other text: words rather than numbers
    return 0.5 * share if share >= 0.8 else 0.0


def _short(value: object) -> str:
    """A sample value for a message: one line, at most a few words."""
    text = " ".join(str(value).split())
    return text if len(text) <= _SAMPLE_CHARS else text[:_SAMPLE_CHARS - 1] + "…"


def missing_column_message(spec: Field, count: int, found: list[tuple[str, list[str]]], id_field: str,
                           lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Message values of ``missing_column``: the field, the count, the candidate columns and how to map one."""
    if found:
        listed = "; ".join(t("hint.candidate", lang, column=column, samples=", ".join(samples))
                           for column, samples in found)
        columns = t("hint.candidates", lang, columns=listed) + " "
    else:
        columns = ""
    how = "hint.how_id" if spec.name == id_field else ("hint.how_date" if spec.kind == "date" else "hint.how")
    example = spec.choices[0] if spec.choices else "VALUE"
    return {"field": spec.name, "count": number(count, lang), "hint": columns + t(how, lang, field=spec.name,
                                                                                    example=example)}


def ambiguous_dates_message(name: str, count: int, samples: Sequence[str],
                            lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Message values of ``ambiguous_dates``: the field, the count, sample values and the two formats to choose from."""
    shown = [_short(v) for v in list(samples)[:MAX_SAMPLES]]
    separator = next((sep for sep in "/.-" if shown and sep in shown[0]), "/")
    return {"field": name, "count": number(count, lang), "samples": ", ".join(shown),
            "day_first": separator.join(("%d", "%m", "%Y")), "month_first": separator.join(("%m", "%d", "%Y"))}


def closest_columns(wanted: Sequence[str], columns: Sequence[str], limit: int = MAX_CANDIDATES) -> list[str]:
    """The file's columns whose names are closest to those in ``wanted`` (for a mapped column the file lacks)."""
    names = [str(c) for c in columns]
    folded = {alias_key(c): c for c in names}
    found: list[str] = []
    for name in wanted:
        for key in difflib.get_close_matches(alias_key(name), list(folded), n=limit, cutoff=0.5):
            if folded[key] not in found:
                found.append(folded[key])
    return found[:limit]

