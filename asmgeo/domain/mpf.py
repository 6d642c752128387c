"""MPF Pillar 6 (artisanal and small-scale mining): areas, items, ratings and % implemented."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from asmgeo.provenance import ILLUSTRATIVE_SOURCE
from asmgeo.store.ratings import EDITION

AREAS: dict[str, tuple[str, ...]] = {
    "6.1": ("legal_frameworks", "technical_support", "formalization_strategies"),
    "6.2": (
        "geological_information",
        "savings_and_finance",
        "revenue_reinvestment",
        "fair_trade_certification",
        "lsm_asm_collaboration",
    ),
    "6.3": ("training", "health_and_education", "child_labour_enforcement", "women_in_asm"),
}
ITEM_AREA: dict[str, str] = {item: area for area, items in AREAS.items() for item in items}
SCORES: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0}
PILLAR = "pillar"
RATED_SCOPES = (*AREAS, PILLAR)  # what a % implemented is computed for: each thematic area, then the pillar
RATING_COLUMNS = ["iso3", "item", "year", "implemented", "rating_word", "source", "illustrative"]
_ILLUSTRATIVE_WEIGHTS = {"yes": 0.3, "partial": 0.35, "no": 0.35}


def check_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Return ``ratings`` unchanged if every row names a known item and a known rating."""
    missing = [c for c in RATING_COLUMNS if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings lack the column(s) {', '.join(missing)}")
    unknown_items = sorted(set(ratings["item"]) - set(ITEM_AREA))
    if unknown_items:
        raise ValueError(f"ratings name unknown Pillar 6 item(s) {unknown_items}")
    unknown_values = sorted(set(ratings["implemented"]) - set(SCORES))
    if unknown_values:
        raise ValueError(f"ratings have implemented value(s) {unknown_values}; expected one of {list(SCORES)}")
    return ratings


def current_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """The ratings in force: per country and assessment year, only the rows of the latest edition.

    Editions compare as text (asmgeo writes an ISO 8601 UTC time first, so text order is time
    order); a row without edition comes before every edition. Without an edition column: unchanged.
    """
    if EDITION not in ratings.columns:
        return ratings
    edition = ratings[EDITION].fillna("").astype(str)
    latest = edition.groupby([ratings["iso3"], ratings["year"]]).transform("max")
    return ratings[edition == latest].assign(**{EDITION: edition})


def implementation_pct(ratings: pd.DataFrame) -> pd.DataFrame:
    """% implemented per country, assessment year and scope (each area and the whole pillar).

    The rule: yes = 1, partial = ½, no = 0; the mean over the rated items, × 100. The pillar
    figure is the mean over all its rated items, not the mean of the three area figures.
    Only the latest edition of each country's assessment year counts (:func:`current_ratings`);
    with an edition column, the result names the edition in force.
    """
    rated = current_ratings(check_ratings(ratings)).assign(
        area=lambda f: f["item"].map(ITEM_AREA), score=lambda f: f["implemented"].map(SCORES)
    )
    keys = ["iso3", "year"]
    columns = dict(score=("score", "mean"), items_rated=("item", "size"), illustrative=("illustrative", "any"))
    if EDITION in rated.columns:
        columns[EDITION] = (EDITION, "max")
    per_area = rated.groupby(keys + ["area"], as_index=False).agg(**columns)
    per_pillar = rated.groupby(keys, as_index=False).agg(**columns).assign(area=PILLAR)
    result = pd.concat([per_area, per_pillar], ignore_index=True).rename(columns={"area": "scope"})
    result["pct"] = (result.pop("score") * 100).round(1)
    return result[keys + ["scope", "pct", "items_rated", "illustrative"] + ([EDITION] if EDITION in columns else [])]


def latest_pct(ratings: pd.DataFrame, scope: str = PILLAR) -> pd.DataFrame:
    """The most recent assessment's % implemented for ``scope``, one row per country."""
    if scope not in RATED_SCOPES:
        raise ValueError(f"scope={scope!r} must be one of {list(RATED_SCOPES)}")
    pct = implementation_pct(ratings)
    pct = pct[pct["scope"] == scope].sort_values(["iso3", "year"])
    return pct.groupby("iso3", as_index=False).tail(1).reset_index(drop=True)


def illustrative_ratings(assessments: pd.DataFrame) -> pd.DataFrame:
    """Deterministic, clearly illustrative ratings for every item of every assessed country."""
    rows = []
    for iso3, year in zip(assessments["iso3"], _assessment_year(assessments)):
        rng = np.random.default_rng(zlib.crc32(iso3.encode()))
        values = rng.choice(list(_ILLUSTRATIVE_WEIGHTS), size=len(ITEM_AREA), p=list(_ILLUSTRATIVE_WEIGHTS.values()))
        rows += [
            (iso3, item, year, str(value), "", ILLUSTRATIVE_SOURCE, True)
            for item, value in zip(ITEM_AREA, values)
        ]
    return pd.DataFrame(rows, columns=RATING_COLUMNS)


def assessment_years(assessments: pd.DataFrame) -> list[int]:
    """The year of each assessment (the year its ratings carry): the report year, else the period's first."""
    return _assessment_year(assessments)


def _assessment_year(assessments: pd.DataFrame) -> list[int]:
    """The year of each assessment: the report year, else the first year of the period."""
    years = assessments["report_date"].where(assessments["report_date"] != "", assessments["assessment_period"])
    return [int(y[:4]) for y in years]
