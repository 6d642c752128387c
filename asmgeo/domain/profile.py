"""A country profile: its Pillar 6 record, its region, its ground figures and its cited facts, side by side.

Nothing here infers a cause: the record (ratings → % implemented) and the ground (figures computed
from the store by :mod:`asmgeo.domain.ground`) are shown next to each other, each with its own basis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from asmgeo import provenance
from asmgeo.domain import ground, mpf, recommendations
from asmgeo.i18n import DEFAULT_LANGUAGE, number, t
from asmgeo.provenance import SourceCount, provenance_label

PEER_COLUMNS = ["iso3", "country", "year", "pct", "illustrative"]
FACT_COLUMNS = ["indicator", "figure", "year", "status", "source", "source_url"]
ACROSS_COLUMNS = ["iso3", "country", "region", "year", "pct", "illustrative", "value", "records"]


@dataclass(frozen=True)
class Record:
    """A country's Pillar 6 record: its latest assessment year's ratings in force and % implemented."""

    iso3: str
    year: int | None
    pct: dict[str, float | None]  # scope ("6.1", "6.2", "6.3", "pillar") -> % implemented
    items_rated: dict[str, int]
    ratings: pd.DataFrame  # the ratings in force for that year
    illustrative: bool
    edition: str  # "" for ratings that came with no edition (illustrative demo ratings)
    assessment: dict[str, str] | None  # the country's row of mpf_assessments.csv, None if not assessed

    @property
    def rated(self) -> bool:
        """True when the country has any rating."""
        return self.year is not None


@dataclass(frozen=True)
class Profile:
    """Everything a profile page or briefing shows for one country."""

    iso3: str
    name: str
    region: str | None
    record: Record
    regional_average: dict | None  # the seed's average for the region (all six MPF areas), if any
    peers: pd.DataFrame  # the other assessed countries of the region: PEER_COLUMNS
    figures: dict[str, ground.Figure]
    policy: pd.DataFrame  # recommendations.policy_beside_ground
    facts: pd.DataFrame  # reference.country_facts(iso3)
    synthetic: bool  # some of the country's ground records are synthetic demo data
    today: dt.date
    data_date: dt.date | None = None  # the country's latest site visit
    data_date_precision: str = "day"  # how much of that date its record gave ("year", "month", "day")
    ground_sources: tuple[SourceCount, ...] = ()  # where the ground records come from, most records first

    @property
    def synthetic_extent(self) -> str:
        """How much of the ground records is synthetic demo data: "none", "some" or "all"."""
        if not self.synthetic:
            return "none"
        return provenance.extent_of(list(self.ground_sources)) if self.ground_sources else "all"


def country_record(ratings: pd.DataFrame, assessments: pd.DataFrame, iso3: str) -> Record:
    """The latest assessment year's record of ``iso3`` (an empty record when it has no rating)."""
    own = ratings[ratings["iso3"] == iso3]
    match = assessments[assessments["iso3"] == iso3]
    assessment = match.iloc[0].to_dict() if len(match) else None
    if own.empty:
        return Record(iso3, None, dict.fromkeys(mpf.RATED_SCOPES), dict.fromkeys(mpf.RATED_SCOPES, 0), own, False, "",
                      assessment)
    pct = mpf.implementation_pct(own)
    year = int(pct["year"].max())
    pct = pct[pct["year"] == year].set_index("scope")
    current = mpf.current_ratings(own)
    current = current[current["year"] == year]
    edition = str(pct[mpf.EDITION].iloc[0]) if mpf.EDITION in pct.columns else ""
    return Record(
        iso3, year,
        {s: float(pct.loc[s, "pct"]) if s in pct.index else None for s in mpf.RATED_SCOPES},
        {s: int(pct.loc[s, "items_rated"]) if s in pct.index else 0 for s in mpf.RATED_SCOPES},
        current.reset_index(drop=True), bool(pct["illustrative"].any()), edition, assessment,
    )


def items_table(record: Record, lang: str = "en") -> pd.DataFrame:
    """Every Pillar 6 item with its area, rating (or "not rated"), the report's word and source."""
    rated = {row.item: row for row in record.ratings.itertuples()}
    rows = []
    for item, area in mpf.ITEM_AREA.items():
        row = rated.get(item)
        value = row.implemented if row is not None else ""
        rows.append({
            "area": t(f"profile.area_short.{area}", lang),
            "item": t(f"mpf.item.{item}", lang),
            "rating": t(f"profile.rating.{value}", lang) if value else t("profile.rating.not_rated", lang),
            "rating_word": _text(getattr(row, "rating_word", "")),
            "source": provenance_label(_text(getattr(row, "source", "")), lang),
        })
    return pd.DataFrame(rows)


def regional_average(averages: pd.DataFrame, region: str | None) -> dict | None:
    """The seed's average for ``region`` (it covers all six MPF areas), or None."""
    match = averages[averages["region"] == region]
    return match.iloc[0].to_dict() if len(match) else None


def peers(pct_latest: pd.DataFrame, assessments: pd.DataFrame, region: str | None, iso3: str) -> pd.DataFrame:
    """The other assessed countries of ``region`` with their latest Pillar 6 % (PEER_COLUMNS)."""
    others = assessments[(assessments["region"] == region) & (assessments["iso3"] != iso3)][["iso3", "country"]]
    table = others.merge(pct_latest[["iso3", "year", "pct", "illustrative"]], on="iso3", how="left")
    return table.sort_values("country").reset_index(drop=True)[PEER_COLUMNS]


def fact_figure(value: float | None, low: float | None, high: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A cited figure as published, written for ``lang``: one value, a range "low–high", or one bound ("≥ low")."""
    value, low, high = (None if v is None or pd.isna(v) else v for v in (value, low, high))
    if low is not None and high is not None:
        span = f"{_number(low, lang)}–{_number(high, lang)}"
        return f"{_number(value, lang)} ({span})" if value is not None and low != high else span
    if low is not None:
        return f"≥ {_number(low, lang)}"
    if high is not None:
        return f"≤ {_number(high, lang)}"
    return _number(value, lang) if value is not None else ""


def facts_table(facts: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Cited facts ready to show: indicator label, figure with unit (ranges kept), year, status, source."""
    rows = []
    for row in facts.itertuples():
        label_key = f"facts.indicator.{row.indicator}"
        rows.append({
            "indicator": t(label_key, lang) if _has_key(label_key, lang) else row.indicator,
            "figure": f"{fact_figure(row.value, row.low, row.high, lang)} {_unit(row.unit, lang)}".strip(),
            "year": int(row.year),
            "status": t(f"facts.status.{row.status}", lang) if _has_key(f"facts.status.{row.status}", lang) else row.status,
            "source": row.source,
            "source_url": row.source_url,
        })
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def across_countries(pct_latest: pd.DataFrame, figures: dict[str, dict[str, ground.Figure]], key: str,
                     names: dict[str, str], regions: dict[str, str]) -> pd.DataFrame:
    """One row per rated country: its Pillar 6 % beside ground figure ``key`` and the records it rests on."""
    rows = []
    for row in pct_latest.itertuples():
        figure = figures.get(row.iso3, {}).get(key)
        if figure is not None and figure.kind == "date":
            raise ValueError(f"key={key!r} is a date; choose a number from {ground.COMPARABLE}")
        rows.append([row.iso3, names.get(row.iso3, row.iso3), regions.get(row.iso3, ""), int(row.year), float(row.pct),
                     bool(row.illustrative), None if figure is None else figure.value,
                     0 if figure is None else figure.records])
    table = pd.DataFrame(rows, columns=ACROSS_COLUMNS)
    return table.sort_values(["region", "country"]).reset_index(drop=True)


def build_profile(iso3: str, name: str, region: str | None, ratings: pd.DataFrame, assessments: pd.DataFrame,
                  averages: pd.DataFrame, facts: pd.DataFrame, sites_latest: gpd.GeoDataFrame,
                  mercury: gpd.GeoDataFrame, tailings: gpd.GeoDataFrame, today: dt.date,
                  lang: str = "en") -> Profile:
    """Everything about ``iso3``: record, region, ground figures, policy beside ground, facts."""
    record = country_record(ratings, assessments, iso3)
    figures = ground.ground_figures(sites_latest, mercury, tailings, iso3, today)
    pct_latest = mpf.latest_pct(ratings) if len(ratings) else pd.DataFrame(columns=["iso3", "year", "pct", "illustrative"])
    own_sites = sites_latest[sites_latest["country"] == iso3]
    site_ids = set(own_sites["site_id"])
    ground_records = (own_sites, mercury[mercury["site_id"].isin(site_ids)],
                      tailings[tailings["site_id"].isin(site_ids)])
    latest = figures["latest_visit"]
    return Profile(
        iso3=iso3, name=name, region=region, record=record,
        regional_average=regional_average(averages, region), peers=peers(pct_latest, assessments, region, iso3),
        figures=figures, policy=recommendations.policy_beside_ground(record.ratings, figures, lang),
        facts=facts, synthetic=provenance.synthetic_extent(*ground_records) != "none", today=today,
        data_date=latest.value, data_date_precision=latest.precision,
        ground_sources=tuple(provenance.source_counts(*ground_records)),
    )


def _has_key(key: str, lang: str) -> bool:
    """True when the catalogue has ``key``."""
    try:
        t(key, lang)
    except KeyError:
        return False
    return True


def _unit(unit: str, lang: str) -> str:
    """A unit's label (the unit itself when the catalogue has none)."""
    key = f"facts.unit.{unit}"
    return t(key, lang) if _has_key(key, lang) else unit


def _number(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number written for ``lang``, without a needless ".0" (decimals as published, up to three)."""
    if float(value).is_integer():
        return number(int(value), lang)
    decimals = min(len(repr(float(value)).split(".")[1]), 3)
    return number(value, lang, decimals)


def _text(value: object) -> str:
    """Text for a table cell ("" for missing)."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
