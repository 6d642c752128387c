"""Ground figures of one country from the store: sites, workers, mercury, tailings, survey freshness.

Every figure says how many records it rests on (:class:`Figure`). The rules:

- **Sites** are one row per site, its latest visit (``query.latest_sites``: ``practice_class``,
  ``visits`` and the latest ``survey_date``); a site belongs to the country its ``country`` names.
- **Mercury records and tailings** have no country of their own: they belong to the country of
  the site their ``site_id`` names. A record without site_id, or naming a site that is not among
  the sites, counts for no country. Mercury: each site's latest record (by survey_date);
  tailings: the latest record of each tailings_id (records without tailings_id each count).
- **Shares** (in %) leave out the records where the answer is missing or ``unknown``; their
  ``records`` is that denominator. **Totals** add the recorded values; ``records`` is how many
  records had one. A figure no record supports has ``value=None``.
- **Freshness**: the latest visit, and the share of dated sites whose latest visit lies in the
  12 months up to ``today`` (from the same day a year earlier to ``today``, both included).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from asmgeo.domain.practices import CLASSES, UNKNOWN, split_codes
from asmgeo.domain.query import latest_records, latest_survey_date
from asmgeo.i18n import number, t, t_value
from asmgeo.schema import ANNEX_C_PRACTICES, COMMODITIES, LEGAL_STATUSES, TAILINGS_STATUSES, format_survey_date

KINDS = ("count", "total", "share", "date")
CATEGORY_FIELDS = {  # figure-key prefix -> (site or tailings column, its codes, i18n value field)
    "legal_status": ("legal_status", LEGAL_STATUSES, "legal_status"),
    "commodity": ("commodity", COMMODITIES, "commodity"),
    "practice_class": ("practice_class", CLASSES, "practice_class"),
    "tailings_status": ("status", TAILINGS_STATUSES, "status"),
}
# The figures a reader can put beside the Pillar 6 % (across countries): one number each.
COMPARABLE = ("licensed_share", "women_share", "mercury_use_share", "annex_c_share", "good_practice_share",
              "tailings_mercury_share", "visited_12m_share", "sites", "workers", "mercury_kg_per_year")
_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Figure:
    """One ground figure: its value, how many records it rests on, its unit and kind."""

    value: float | int | dt.date | None
    records: int
    unit: str  # "sites", "people", "%", "kg/yr", "tailings", "visits", "date"
    kind: str  # one of KINDS
    basis: str = "sites"  # what the records are: "sites", "mercury_records" or "tailings"
    precision: str = "day"  # a date figure: how much of the date its record gave ("year", "month", "day")


def ground_figures(sites_latest: gpd.GeoDataFrame, mercury: gpd.GeoDataFrame, tailings: gpd.GeoDataFrame,
                   iso3: str, today: dt.date) -> dict[str, Figure]:
    """Every ground figure of country ``iso3`` (see the module docstring for the rules)."""
    if not isinstance(iso3, str) or not _ISO3.fullmatch(iso3):
        raise ValueError(f"iso3={iso3!r} must be an ISO3 code (three capital letters)")
    if not isinstance(today, dt.date):
        raise ValueError(f"today={today!r} must be a datetime.date")
    _require(sites_latest, ("site_id", "country", "survey_date"), "sites_latest")
    _require(mercury, ("site_id", "survey_date", "hg_kg_per_year"), "mercury")
    _require(tailings, ("site_id", "survey_date", "status"), "tailings")
    sites = sites_latest[sites_latest["country"] == iso3]
    site_ids = set(sites["site_id"].dropna())
    hg = latest_records(mercury[mercury["site_id"].isin(site_ids)], "site_id")
    heaps = tailings[tailings["site_id"].isin(site_ids)]
    if "tailings_id" in heaps.columns:
        heaps = latest_records(heaps, "tailings_id")
    return {**site_figures(sites), **freshness_figures(sites, today), **mercury_figures(hg),
            **tailings_figures(heaps)}


def site_figures(sites: pd.DataFrame) -> dict[str, Figure]:
    """Counts by category, licensed share, workers and women, mercury use, practices."""
    n = len(sites)
    figures = {"sites": Figure(n, n, "sites", "count")}
    for prefix in ("legal_status", "commodity", "practice_class"):
        figures.update(_category_counts(sites, prefix, "sites"))
    status = _column(sites, "legal_status")
    figures["licensed_share"] = share(status.eq("licensed"), status.notna() & status.ne("unknown"))
    workers, women = _numbers(sites, "workers"), _numbers(sites, "women")
    figures["workers"] = total(workers, "people")
    figures["women"] = total(women, "people")
    both = workers.notna() & women.notna()
    worked = float(workers[both].sum())
    figures["women_share"] = Figure(100 * float(women[both].sum()) / worked if worked > 0 else None,
                                    int(both.sum()), "%", "share")
    mercury_use = _column(sites, "mercury_use")
    figures["mercury_use_share"] = share(mercury_use.eq("yes"), mercury_use.isin(["yes", "no"]))
    codes = _column(sites, "practices").map(split_codes) if "practices" in sites.columns else pd.Series([[]] * n)
    recorded = codes.map(bool)
    annex_c = codes.map(lambda found: bool(set(found) & set(ANNEX_C_PRACTICES)))
    figures["annex_c_sites"] = Figure(int(annex_c.sum()), int(recorded.sum()), "sites", "count")
    figures["annex_c_share"] = share(annex_c, recorded)
    klass = _column(sites, "practice_class")
    figures["good_practice_share"] = share(klass.eq("good"), klass.notna() & klass.ne(UNKNOWN))
    return figures


def freshness_figures(sites: pd.DataFrame, today: dt.date) -> dict[str, Figure]:
    """Visits, revisited share, latest visit and the share of sites visited in the last 12 months."""
    visits = _numbers(sites, "visits")
    dates = pd.to_datetime(sites["survey_date"], errors="coerce", format="ISO8601")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    days = dates.dt.normalize()
    dated = days.notna()
    end = pd.Timestamp(today)
    start = end - pd.DateOffset(years=1)
    latest = latest_survey_date(sites)
    return {
        "visits": total(visits, "visits"),
        "revisited_share": share(visits.ge(2), visits.notna()),
        "latest_visit": Figure(latest[0] if latest else None, int(dated.sum()), "date", "date",
                               precision=latest[1] if latest else "day"),
        "visited_12m_share": share(days.ge(start) & days.le(end), dated),
    }


def mercury_figures(hg: pd.DataFrame) -> dict[str, Figure]:
    """Reported mercury: the sum of each site's latest kg Hg per year."""
    return {"mercury_kg_per_year": total(_numbers(hg, "hg_kg_per_year"), "kg/yr", basis="mercury_records")}


def tailings_figures(heaps: pd.DataFrame) -> dict[str, Figure]:
    """Tailings by status, and the shares holding mercury and cyanide."""
    n = len(heaps)
    figures = {"tailings": Figure(n, n, "tailings", "count", "tailings")}
    figures.update(_category_counts(heaps, "tailings_status", "tailings"))
    for column, key in (("contains_mercury", "tailings_mercury_share"), ("contains_cyanide", "tailings_cyanide_share")):
        answer = _column(heaps, column)
        figures[key] = share(answer.eq("yes"), answer.isin(["yes", "no"]), basis="tailings")
    return figures


def share(hits: pd.Series, known: pd.Series, basis: str = "sites") -> Figure:
    """% of the ``known`` records that are ``hits``; None when no record is known."""
    known = known.fillna(False).astype(bool)
    denominator = int(known.sum())
    hits_known = int((hits.fillna(False).astype(bool) & known).sum())
    return Figure(100 * hits_known / denominator if denominator else None, denominator, "%", "share", basis)


def total(values: pd.Series, unit: str, basis: str = "sites") -> Figure:
    """Sum of the recorded ``values``; None when none is recorded."""
    recorded = values.dropna()
    value = recorded.sum() if len(recorded) else None
    if value is not None:
        value = int(value) if float(value).is_integer() and unit != "kg/yr" else float(value)
    return Figure(value, len(recorded), unit, "total", basis)


def _category_counts(frame: pd.DataFrame, prefix: str, basis: str) -> dict[str, Figure]:
    """One count per code of a category field (a missing value counts as ``unknown``)."""
    column, codes, _ = CATEGORY_FIELDS[prefix]
    values = _column(frame, column).fillna("unknown")
    counts = values.value_counts()
    return {f"{prefix}.{code}": Figure(int(counts.get(code, 0)), len(frame), basis, "count", basis) for code in codes}


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as object values (missing → None); all missing when the frame lacks it."""
    if column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), None)


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats (missing or unreadable → NaN)."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    """ValueError naming the argument and the columns it lacks."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a (Geo)DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")


def figure_label(key: str, lang: str = "en") -> str:
    """What a figure is, e.g. "Licensed sites" or "Sites: Informal"."""
    prefix, _, code = key.partition(".")
    if code:
        return t(f"ground.group.{prefix}", lang, value=t_value(CATEGORY_FIELDS[prefix][2], code, lang))
    return t(f"ground.figure.{key}", lang)


def figure_value(figure: Figure, lang: str = "en") -> str:
    """The value as text for ``lang`` with its unit ("no record" when none supports it)."""
    if figure.value is None:
        return t("ground.no_record", lang)
    if figure.kind == "share":
        return f"{number(figure.value, lang, 1)} %"
    if figure.kind == "date":
        return format_survey_date(figure.value, figure.precision, lang, "medium")
    if figure.unit == "kg/yr":
        return f"{number(figure.value, lang, 1)} {t('map.unit.kg_per_year', lang)}"
    return number(figure.value, lang)


def figure_basis(figure: Figure, lang: str = "en") -> str:
    """How many records the figure rests on, e.g. "n = 120 sites"."""
    return t(f"ground.basis.{figure.basis}", lang, n=number(figure.records, lang))
