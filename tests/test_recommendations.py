"""The seed's seven recommendations beside Pillar 6 items and ground figures."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from asmgeo.domain import ground, mpf, recommendations
from asmgeo.i18n import CATALOGUE


def _frame(rows: list[tuple], columns: list[str]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=columns).assign(survey_date=lambda f: pd.to_datetime(f["survey_date"]))
    return gpd.GeoDataFrame(frame, geometry=[shapely.Point(0, 0)] * len(frame), crs="EPSG:4326")


SITES = _frame([("A", "AAA", "2025-06-30", "licensed", 10, 4, "yes", "whole_ore_amalgamation", "unacceptable", 2),
                ("B", "AAA", "2025-01-01", "informal", 30, None, "no", "gravity_concentration", "good", 1)],
               ["site_id", "country", "survey_date", "legal_status", "workers", "women", "mercury_use", "practices",
                "practice_class", "visits"]).assign(commodity="gold")
MERCURY = _frame([("H1", "2024-01-01", 7.5, "A")], ["record_id", "survey_date", "hg_kg_per_year", "site_id"])
TAILINGS = _frame([("T1", "2023-01-01", "active", "A", "yes", "no")],
                  ["tailings_id", "survey_date", "status", "site_id", "contains_mercury", "contains_cyanide"])
FIGURES = ground.ground_figures(SITES, MERCURY, TAILINGS, "AAA", dt.date(2026, 6, 30))


def _ratings(values: dict[str, str], words: dict[str, str] | None = None) -> pd.DataFrame:
    words = words or {}
    return pd.DataFrame(
        [("AAA", item, 2019, value, words.get(item, ""), "report", False) for item, value in values.items()],
        columns=mpf.RATING_COLUMNS,
    )


def test_there_are_seven_with_labels_items_and_figures():
    recs = recommendations.RECOMMENDATIONS
    assert len(recs) == 7 and len({r.key for r in recs}) == 7
    for rec in recs:
        assert f"rec.{rec.key}" in CATALOGUE["en"]
        assert rec.items and set(rec.items) <= set(mpf.ITEM_AREA), rec
        assert rec.figures and set(rec.figures) <= set(FIGURES), rec


def test_the_pairings_the_issue_names():
    by_key = {r.key: r for r in recommendations.RECOMMENDATIONS}
    assert "licensed_share" in by_key["strategy_licensing"].figures
    assert "legal_frameworks" in by_key["strategy_licensing"].items
    assert {"mercury_use_share", "annex_c_share", "tailings_mercury_share"} <= set(by_key["environment_health"].figures)
    assert "women_share" in by_key["inclusive_governance"].figures
    assert "women_in_asm" in by_key["inclusive_governance"].items
    assert {"visited_12m_share", "latest_visit"} <= set(by_key["monitoring_data"].figures)
    # every item of the pillar is related to at least one recommendation
    assert {item for r in recommendations.RECOMMENDATIONS for item in r.items} == set(mpf.ITEM_AREA)


def test_table_shows_each_items_rating_and_each_figure_with_its_basis():
    ratings = _ratings({"legal_frameworks": "partial", "formalization_strategies": "yes"},
                       {"legal_frameworks": "partially implemented"})
    table = recommendations.policy_beside_ground(ratings, FIGURES)
    assert list(table.columns) == recommendations.COLUMNS
    assert table["key"].tolist() == [r.key for r in recommendations.RECOMMENDATIONS]
    row = table.set_index("key").loc["strategy_licensing"]
    assert row["recommendation"] == "National ASM strategy with legislation and licensing"
    assert "Legal frameworks for ASM: partial (report: “partially implemented”)" in row["items"]
    assert "Formalization strategies: yes" in row["items"]
    assert "Technical support to government bodies: not rated" in row["items"]
    assert "Licensed sites: 50.0 % (n = 2 sites)" in row["ground"]
    env = table.set_index("key").loc["environment_health", "ground"]
    assert "Reported mercury use: 7.5 kg Hg/yr (n = 1 mercury records)" in env


def test_missing_figures_are_named():
    figures = {k: v for k, v in FIGURES.items() if k != "women_share"}
    with pytest.raises(ValueError, match="women_share"):
        recommendations.policy_beside_ground(_ratings({}), figures)


def test_rating_text_rejects_an_unknown_item():
    with pytest.raises(ValueError, match="mercury_bans"):
        recommendations.rating_text("mercury_bans", {})
