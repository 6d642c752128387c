"""Reference tables shipped in ``data/layers``: cited facts with their source, year and status."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from asmgeo.config import layers_dir
from asmgeo.errors import LayerFileError

ASSESSMENTS_FILE = "mpf_assessments.csv"
REGIONAL_AVERAGES_FILE = "regional_averages.csv"
COUNTRY_FACTS_FILE = "country_facts.csv"

_COLUMNS = {
    ASSESSMENTS_FILE: ["iso3", "country", "region", "assessment_period", "report_date", "report_date_status", "source_url"],
    REGIONAL_AVERAGES_FILE: ["region", "implementation_pct", "scope", "countries_assessed", "source"],
    COUNTRY_FACTS_FILE: ["iso3", "indicator", "value", "low", "high", "unit", "year", "status", "source", "source_url"],
}
ASSESSED_REGIONS = ("africa", "lac", "asia")


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


def _to_number(series: pd.Series) -> pd.Series:
    """Blank cells become missing values; anything else must be a number."""
    return pd.to_numeric(series.replace("", None), errors="raise")


def assessments() -> pd.DataFrame:
    """The 14 MPF-assessed countries: region, assessment period, report date and link."""
    frame = _read_table(ASSESSMENTS_FILE)
    bad = sorted(set(frame["region"]) - set(ASSESSED_REGIONS))
    if bad:
        raise LayerFileError(f"{ASSESSMENTS_FILE} has unknown region(s) {bad}; expected {ASSESSED_REGIONS}.")
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
    frame["implementation_pct"] = _to_number(frame["implementation_pct"])
    frame["countries_assessed"] = _to_number(frame["countries_assessed"]).astype(int)
    return frame


def country_facts(iso3: str | None = None) -> pd.DataFrame:
    """Cited country facts (miners, women, mercury, gold) with source, year and status."""
    frame = _read_table(COUNTRY_FACTS_FILE)
    for column in ("value", "low", "high"):
        frame[column] = _to_number(frame[column])
    frame["year"] = _to_number(frame["year"]).astype(int)
    frame["uncertain"] = frame["status"].eq("uncertain")
    if iso3 is not None:
        frame = frame[frame["iso3"] == iso3].reset_index(drop=True)
    return frame
