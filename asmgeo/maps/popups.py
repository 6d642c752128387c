"""How a feature is shown to a reader, on every map: which fields, under which labels, each value written how.

One module for the explorer, the hand-out and the upload maps (popups and tooltips):

* :data:`FIELDS`: the fields a layer's popup shows, in order (a field a row lacks or leaves empty is left out);
* :func:`label`: a field's label, from the catalogue (``map.popup.<field>``);
* :func:`value`: a value as the reader sees it: coded categories translated (an unknown code as written),
  numbers written for the language, a survey date at the precision it was written with ("2019",
  "Jan 2024", "15 Jan 2024"), the country named, a source or licence asmgeo wrote (the demo's) worded in
  the language, ids, names and free text as written, missing as None; :func:`row_value` reads a row's
  value with the precision of its date;
* :func:`legend_note`: what a layer's legend says about where its features come from: their sources and,
  when some are synthetic demo data, which;
* :func:`pillar_text`: a country's Pillar 6 figure, e.g. "46 % (illustrative)".

Each feature shows its own ``source`` and ``licence``: a popup never shows a layer's source for its rows.
The file's other columns (``extra``) and the submission id are never shown.

Values are text, never HTML. The browser scripts (``js/site_points.js``, ``js/records.js``) put them in
with ``textContent`` only; they receive each row's country and source as stored, with :func:`script_words`
to word them (and, when the rows hold synthetic demo data, the demo's source to mark those rows by). The
upload map builds its popups on the server and escapes every value there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd

from asmgeo.i18n import VALUE_GROUPS, date, number, t, t_value
from asmgeo.provenance import (
    DEMO_SOURCE,
    EXTENTS,
    KEYS,
    extent_of,
    provenance_label,
    source_counts,
    sources_text,
    synthetic_extent,
)
from asmgeo.schema import ID_FIELDS, SURVEY_DATE_PRECISION, format_survey_date
from asmgeo.shipped import boundaries

# The fields each layer's popup shows, in order. ``pillar`` is the Pillar 6 figure of the row's country.
FIELDS: dict[str, tuple[str, ...]] = {
    "sites": ("site_id", "name", "commodity", "legal_status", "practice_class", "workers", "women", "mercury_use",
              "survey_date", "visits", "country", "pillar", "source", "licence"),
    "mercury": ("record_id", "hg_kg_per_year", "survey_date", "site_id", "amalgamation", "retort", "burning",
                "country", "pillar", "source", "licence"),
    "tailings": ("tailings_id", "status", "survey_date", "site_id", "volume_m3", "contains_mercury",
                 "contains_cyanide", "country", "pillar", "source", "licence"),
    "geology_units": ("unit_id", "lithology", "country", "source", "licence"),
}
DERIVED = frozenset({"pillar"})  # shown fields that are not columns of the row
CODED_BY_SCRIPT = ("country", "source")  # sent to browser scripts as stored; :func:`script_words` words them
TEXT_FIELDS = frozenset({*ID_FIELDS.values(), "name"})  # as written: an id is not a number to group
DATE_FIELDS = frozenset({"survey_date"})
PRECISION_OF = {"survey_date": SURVEY_DATE_PRECISION}  # a date field → the column saying how much of it was written
PROVENANCE_FIELDS = frozenset({"source", "licence"})  # asmgeo's own values worded in the language, others as written
DECIMALS = {"hg_kg_per_year": 1, "volume_m3": 0, "workers": 0, "women": 0, "visits": 0}  # at most; others up to 3
MAX_DECIMALS = 3
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d([T ][\d:.]+)?")


def columns(layer: str) -> tuple[str, ...]:
    """The row columns a popup of ``layer`` reads: :data:`FIELDS` without the derived ones."""
    return tuple(f for f in FIELDS[layer] if f not in DERIVED)


def label(field: str, lang: str, latest_visit: bool = True) -> str:
    """The label of ``field`` in ``lang``; ``survey_date`` says "latest visit" on a row that is a site's latest."""
    if field == "survey_date" and not latest_visit:
        return t("map.popup.surveyed", lang)
    return t(f"map.popup.{field}", lang)


def labels(fields: Iterable[str], lang: str, latest_visit: bool = True) -> list[str]:
    """The labels of ``fields``, in order."""
    return [label(f, lang, latest_visit) for f in fields]


def missing(raw: object) -> bool:
    """True for None, NaN, NaT and pd.NA (a list or array is a value)."""
    if isinstance(raw, (list, tuple, dict, set, np.ndarray)):
        return False
    return bool(pd.isna(raw))


def value(field: str, raw: object, lang: str, precision: object = None) -> str | None:
    """``raw`` of ``field`` as the reader sees it in ``lang`` (not escaped), or None when there is nothing to show.

    ``precision`` ("year", "month", "day"; None or missing: a day) is how much of a survey date was
    written: ``2019`` is shown "2019", not as its first day. A value a file gave in another form (a
    rejected feature's ``"15/03/2024"``, ``"ten"`` workers) is shown as written, never hidden.
    """
    if missing(raw):
        return None
    if field in PROVENANCE_FIELDS:
        return provenance_label(str(raw).strip(), lang) or None
    if field == "country":
        return country_label(str(raw).strip(), lang) or None
    if isinstance(raw, (pd.Timestamp, dt.date)):
        return format_survey_date(raw, precision, lang, "medium") if field in DATE_FIELDS else date(raw, lang)
    if isinstance(raw, (str, bool, np.bool_, list, tuple, dict, set, np.ndarray)) or field in TEXT_FIELDS:
        text = str(raw).strip()
        if not text:
            return None
        if field in VALUE_GROUPS:
            return coded(field, text, lang)
        if field in DATE_FIELDS and _ISO_DATE.fullmatch(text):
            return format_survey_date(text, precision, lang, "medium")
        return text
    if field in VALUE_GROUPS:
        return coded(field, str(raw), lang)
    if isinstance(raw, Integral):
        return number(int(raw), lang)
    if isinstance(raw, Real):
        return number(float(raw), lang, decimals=_decimals(float(raw), DECIMALS.get(field, MAX_DECIMALS)))
    return str(raw)


def row_value(record: object, field: str, lang: str) -> str | None:
    """:func:`value` of ``field`` of ``record`` (an ``itertuples`` row or a Series), a date at the row's precision."""
    precision = _get(record, PRECISION_OF[field]) if field in PRECISION_OF else None
    return value(field, _get(record, field), lang, None if missing(precision) else precision)


def _get(record: object, name: str) -> object:
    """``record``'s ``name`` (None when it has none)."""
    if isinstance(record, pd.Series):
        return record.get(name)
    return getattr(record, name, None)


def coded(field: str, code: str, lang: str) -> str:
    """The label of category ``code`` of ``field``; a code asmgeo does not know, as written."""
    try:
        return t_value(field, code, lang)
    except KeyError:
        return code


def _decimals(number_: float, at_most: int) -> int:
    """The decimals ``number_`` needs, at most ``at_most`` (2.50 → 1, 2.0 → 0)."""
    if at_most <= 0 or not np.isfinite(number_):
        return 0
    fraction = f"{number_:.{at_most}f}".split(".")[1].rstrip("0")
    return len(fraction)


def country_label(code: str, lang: str) -> str:
    """A country as a popup names it: "Sénégal (SEN)" in ``lang``; a code without a name as it is."""
    name = boundaries.country_names(lang).get(code)
    return f"{name} ({code})" if name else code


def pillar_text(pct: float, illustrative: bool, lang: str) -> str:
    """A country's Pillar 6 % implemented and whether the rating is illustrative: "46 % (illustrative)"."""
    status = t(f"mpf.status.{'illustrative' if illustrative else 'official'}", lang)
    return t("handout.pillar_value", lang, pct=number(float(pct), lang), status=status)


def pillar_texts(codes: Iterable[str], pct: pd.DataFrame, lang: str) -> dict[str, str]:
    """ISO3 → :func:`pillar_text` for ``codes`` (a country without a rating: "not assessed")."""
    rated = pct.drop_duplicates("iso3").set_index("iso3")
    return {code: (pillar_text(rated.at[code, "pct"], bool(rated.at[code, "illustrative"]), lang)
                   if code in rated.index else t("map.legend.not_assessed", lang)) for code in codes}


def script_row(record: object, fields: Sequence[str], lang: str) -> list[str | None]:
    """The values of ``fields`` of ``record`` (a row from ``itertuples``) for a browser script.

    As :func:`value` writes them, except the country and the source, sent as stored (see :func:`script_words`).
    """
    row = []
    for field in fields:
        if field in CODED_BY_SCRIPT:
            raw = _get(record, field)
            row.append(None if missing(raw) else str(raw))
        else:
            row.append(row_value(record, field, lang))
    return row


def script_words(frame: pd.DataFrame, fields: Sequence[str], lang: str, pct: pd.DataFrame | None = None,
                 latest_visit: bool = True) -> dict:
    """What a popup script needs besides the rows: the fields shown (``names``, ``fields``: their labels) and
    the words for the codes the rows hold as stored (``countries``, ``pct``, ``sources``).

    The rows' values follow :func:`columns` order; ``pillar`` is shown when ``pct`` is given. When some rows
    are synthetic demo data, ``demo_source`` is the source that marks them and ``demo_note`` what their popup
    says; otherwise both are None, so a page of field data says nothing of a demo.
    """
    shown = [f for f in fields if f != "pillar" or pct is not None]
    codes = frame["country"].dropna().astype(str).unique() if "country" in frame.columns else []
    sources = frame["source"].dropna().astype(str).unique() if "source" in frame.columns else []
    demo = synthetic_extent(frame) != "none"
    return {
        "columns": [f for f in fields if f not in DERIVED], "names": shown,
        "fields": labels(shown, lang, latest_visit),
        "countries": {code: country_label(code, lang) for code in codes if country_label(code, lang) != code},
        "pct": pillar_texts(codes, pct, lang) if pct is not None else {},
        "sources": {source: provenance_label(source, lang) for source in sources if source in KEYS},
        "demo_source": DEMO_SOURCE if demo else None, "demo_note": t("map.popup.synthetic", lang) if demo else None,
    }


def synthetic_note(extent: str, lang: str) -> str:
    """What a legend says of synthetic demo data shown to ``extent`` ("none", "some", "all"): nothing, which, all."""
    if extent not in EXTENTS:
        raise ValueError(f"extent={extent!r} must be one of {EXTENTS}")
    if extent == "all":
        return t("map.legend.synthetic", lang)
    if extent == "some":
        return t("map.legend.synthetic_some", lang, source=provenance_label(DEMO_SOURCE, lang))
    return ""


def legend_note(frame: pd.DataFrame, lang: str) -> str:
    """A layer legend's note: the sources of the features in ``frame`` and :func:`synthetic_note` ("" for none)."""
    counts = source_counts(frame)
    parts = [t("map.legend.sources", lang, sources=sources_text(counts, lang)) if counts else "",
             synthetic_note(extent_of(counts), lang)]
    return sentences([part for part in parts if part])


def sentences(parts: Iterable[str]) -> str:
    """The parts as one text, each ending with a full stop."""
    return " ".join(part if part.endswith((".", "!", "?")) else part + "." for part in parts)
