"""Reference tables shipped in ``data/layers``: cited facts with their source, year and status."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from babel.dates import format_skeleton

from asmgeo.config import layers_dir
from asmgeo.errors import LayerFileError, worded
from asmgeo.i18n import date, t

ASSESSMENTS_FILE = "mpf_assessments.csv"
REGIONAL_AVERAGES_FILE = "regional_averages.csv"
COUNTRY_FACTS_FILE = "country_facts.csv"

_COLUMNS = {
    ASSESSMENTS_FILE: ["iso3", "country", "region", "assessment_period", "report_date", "report_date_status", "source_url"],
    REGIONAL_AVERAGES_FILE: ["region", "implementation_pct", "scope", "countries_assessed", "source"],
    COUNTRY_FACTS_FILE: ["iso3", "indicator", "value", "low", "high", "unit", "year", "status", "source", "source_url"],
}
REGIONS = ("africa", "lac", "asia")  # the MPF regions of the assessed countries
# Text values of the tables that are words, not data: value -> catalogue key (other values are shown as written)
SCOPE_KEYS = {"all six MPF thematic areas": "reference.scope.all_six_areas"}
DATE_STATUS_KEYS = {status: f"reference.date_status.{status.replace(' ', '_')}"
                    for status in ("year only", "month only", "confirmed", "uncertain", "not found")}
_EDITION_STATUS = re.compile(r"confirmed \((Spanish|French) edition ([\d-]+)\)")


def _read_table(name: str) -> pd.DataFrame:
    """Read one shipped CSV, checking that it has the columns asmgeo relies on."""
    path: Path = layers_dir() / name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise LayerFileError(f"The reference table {path} is missing.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LayerFileError(f"The reference table {path} cannot be read: {exc}") from exc
    missing = [c for c in _COLUMNS[name] if c not in frame.columns]
    if missing:
        raise LayerFileError(f"The reference table {path} lacks the column(s) {', '.join(missing)}.")
    return frame


def _to_number(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """``column`` of the shipped table ``name`` as numbers: blank cells become missing values.

    Any other cell that is not a number is a :class:`LayerFileError` naming the file, the column and the value.
    """
    cells = frame[column].replace("", None)
    numbers = pd.to_numeric(cells, errors="coerce")
    bad = cells[numbers.isna() & cells.notna()]
    if not bad.empty:
        raise worded(LayerFileError, "error.reference_not_number", path=layers_dir() / name, column=column,
                     value=repr(bad.iloc[0]))
    return numbers


def assessments() -> pd.DataFrame:
    """The 14 MPF-assessed countries: region, assessment period, report date and link."""
    frame = _read_table(ASSESSMENTS_FILE)
    bad = sorted(set(frame["region"]) - set(REGIONS))
    if bad:
        raise LayerFileError(f"{ASSESSMENTS_FILE} has unknown region(s) {bad}; expected {REGIONS}.")
    return frame


def assessed_iso3() -> list[str]:
    """ISO3 codes of the MPF-assessed countries, in file order."""
    return assessments()["iso3"].tolist()


def assessment_years() -> tuple[int, int]:
    """First and last year of the assessment reports (from their report dates)."""
    years = assessments()["report_date"].str[:4]
    numeric = pd.to_numeric(years[years.str.fullmatch(r"\d{4}")])
    return int(numeric.min()), int(numeric.max())


def regional_averages() -> pd.DataFrame:
    """The seed's regional averages of MPF implementation (all six thematic areas)."""
    frame = _read_table(REGIONAL_AVERAGES_FILE)
    frame["implementation_pct"] = _to_number(frame, "implementation_pct", REGIONAL_AVERAGES_FILE)
    frame["countries_assessed"] = _to_number(frame, "countries_assessed", REGIONAL_AVERAGES_FILE).astype(int)
    return frame


def country_facts(iso3: str | None = None) -> pd.DataFrame:
    """Cited country facts (miners, women, mercury, gold) with source, year and status."""
    frame = _read_table(COUNTRY_FACTS_FILE)
    for column in ("value", "low", "high"):
        frame[column] = _to_number(frame, column, COUNTRY_FACTS_FILE)
    frame["year"] = _to_number(frame, "year", COUNTRY_FACTS_FILE).astype(int)
    frame["uncertain"] = frame["status"].eq("uncertain")
    if iso3 is not None:
        frame = frame[frame["iso3"] == iso3].reset_index(drop=True)
    return frame


def scope_label(scope: str, lang: str) -> str:
    """What a regional average covers, in ``lang`` (as written when the catalogue does not know it)."""
    return t(SCOPE_KEYS[scope], lang) if scope in SCOPE_KEYS else scope


def date_status_label(status: str, lang: str) -> str:
    """How sure a report date is ("confirmed", "month only", ...) in ``lang`` (as written when unknown)."""
    if status in DATE_STATUS_KEYS:
        return t(DATE_STATUS_KEYS[status], lang)
    edition = _EDITION_STATUS.fullmatch(status or "")
    if edition:
        return t("reference.date_status.confirmed_edition", lang,
                 language=t(f"reference.language.{edition[1].lower()}", lang), date=date_text(edition[2], lang))
    return status


def date_text(value: str, lang: str) -> str:
    """An ISO date, month or year (or a "start/end" span of them) written for ``lang``; other text as it is."""
    if "/" in value:
        return " – ".join(date_text(part, lang) for part in value.split("/"))
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return date(value, lang)
    if re.fullmatch(r"\d{4}-\d\d", value):
        return format_skeleton("yMMM", dt.date(int(value[:4]), int(value[5:]), 1), locale=lang)
    return value
