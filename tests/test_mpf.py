"""MPF Pillar 6: areas and items, the % implemented rule, rating checks, illustrative ratings."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from asmgeo.domain import mpf
from asmgeo.i18n import t
from asmgeo.shipped import reference

# DESIGN §2, in the seed's order: one phrase of each item's wording.
DESIGN_ITEMS = {
    "6.1": ["legal framework", "technical support", "formalization"],
    "6.2": ["geological information", "savings", "revenue", "fair-trade", "lsm"],
    "6.3": ["training", "health and education", "child-labour", "women"],
}
SCORE = {"yes": 1.0, "partial": 0.5, "no": 0.0}  # DESIGN §2: yes = 1, partial = ½, no = 0


def test_areas_are_the_three_pillar6_areas_with_3_5_4_items():
    assert list(mpf.AREAS) == ["6.1", "6.2", "6.3"]
    assert {area: len(items) for area, items in mpf.AREAS.items()} == {"6.1": 3, "6.2": 5, "6.3": 4}
    every_item = [item for items in mpf.AREAS.values() for item in items]
    assert len(every_item) == len(set(every_item)) == 12
    assert mpf.ITEM_AREA == {item: area for area, items in mpf.AREAS.items() for item in items}


def test_item_labels_follow_the_design_wording_area_by_area():
    """The labels live in the catalogue only (``mpf.item.<item>``); the English ones follow DESIGN §2."""
    for area, phrases in DESIGN_ITEMS.items():
        labels = [t(f"mpf.item.{item}", "en").lower().replace("–", "-") for item in mpf.AREAS[area]]
        for phrase, label in zip(phrases, labels):
            assert phrase in label, (area, phrase, label)


def _ratings(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (iso3, item, year, implemented[, illustrative]) as a full ratings frame."""
    full = [(*row[:4], "", "test", row[4] if len(row) > 4 else False) for row in rows]
    return pd.DataFrame(full, columns=["iso3", "item", "year", "implemented", "rating_word", "source", "illustrative"])


# AAA is assessed twice; in 2014 the mean of the area figures (100, 0, 50 -> 50) differs from the
# mean over items (100 + 0 + 0 + 0 + 50 + 50 over 6 -> 33.3), which shows the pillar rule.
HAND_MADE = [
    ("AAA", "legal_frameworks", 2014, "yes"),
    ("AAA", "savings_and_finance", 2014, "no"),
    ("AAA", "revenue_reinvestment", 2014, "no"),
    ("AAA", "lsm_asm_collaboration", 2014, "no"),
    ("AAA", "training", 2014, "partial"),
    ("AAA", "women_in_asm", 2014, "partial"),
    ("AAA", "legal_frameworks", 2019, "yes"),
    ("AAA", "technical_support", 2019, "yes"),
    ("AAA", "formalization_strategies", 2019, "partial"),
    ("AAA", "geological_information", 2019, "yes"),
    ("AAA", "training", 2019, "no"),
    ("BBB", "legal_frameworks", 2016, "partial", True),
    ("BBB", "fair_trade_certification", 2016, "no", True),
    ("BBB", "child_labour_enforcement", 2016, "yes", True),
]


def _expected_pct(rows: list[tuple]) -> dict[tuple, tuple[float, int]]:
    """(iso3, year, scope) -> (pct, items rated), computed here from the DESIGN rule."""
    item_area = {item: area for area, items in mpf.AREAS.items() for item in items}
    scores: dict[tuple, list[float]] = {}
    for iso3, item, year, value, *_ in rows:
        for scope in (item_area[item], "pillar"):
            scores.setdefault((iso3, year, scope), []).append(SCORE[value])
    return {key: (100 * sum(v) / len(v), len(v)) for key, v in scores.items()}


def test_implementation_pct_follows_the_rule_per_area_and_over_all_items():
    result = mpf.implementation_pct(_ratings(HAND_MADE))
    expected = _expected_pct(HAND_MADE)
    got = {(r.iso3, int(r.year), r.scope): (float(r.pct), int(r.items_rated)) for r in result.itertuples()}
    assert set(got) == set(expected)
    for key, (pct, items) in expected.items():
        assert got[key][0] == pytest.approx(pct, abs=0.05), key
        assert got[key][1] == items, key
    # the pillar figure is not the mean of the area figures
    area_mean = np.mean([expected[("AAA", 2014, a)][0] for a in ("6.1", "6.2", "6.3")])
    assert got[("AAA", 2014, "pillar")][0] == pytest.approx(100 / 3, abs=0.05)
    assert abs(got[("AAA", 2014, "pillar")][0] - area_mean) > 10


def test_implementation_pct_carries_the_illustrative_flag():
    result = mpf.implementation_pct(_ratings(HAND_MADE))
    flags = result.groupby("iso3")["illustrative"].agg(["all", "any"])
    assert bool(flags.loc["BBB", "all"]) is True
    assert bool(flags.loc["AAA", "any"]) is False


def test_implementation_pct_all_yes_is_100_and_all_no_is_0():
    rows = [("YES", item, 2020, "yes") for item in mpf.ITEM_AREA] + [("NOO", item, 2020, "no") for item in mpf.ITEM_AREA]
    result = mpf.implementation_pct(_ratings(rows)).set_index(["iso3", "scope"])["pct"]
    assert (result.loc["YES"] == 100).all() and (result.loc["NOO"] == 0).all()
    assert len(result.loc["YES"]) == 4  # three areas and the pillar


def test_latest_pct_picks_each_countrys_latest_assessment():
    latest = mpf.latest_pct(_ratings(HAND_MADE))
    assert latest["iso3"].tolist() == sorted(set(r[0] for r in HAND_MADE))
    by_country = latest.set_index("iso3")
    expected = _expected_pct(HAND_MADE)
    assert int(by_country.loc["AAA", "year"]) == 2019
    assert by_country.loc["AAA", "pct"] == pytest.approx(expected[("AAA", 2019, "pillar")][0], abs=0.05)
    assert int(by_country.loc["BBB", "year"]) == 2016


def test_latest_pct_for_one_area():
    latest = mpf.latest_pct(_ratings(HAND_MADE), scope="6.1").set_index("iso3")
    expected = _expected_pct(HAND_MADE)
    assert (latest["scope"] == "6.1").all()
    assert latest.loc["AAA", "pct"] == pytest.approx(expected[("AAA", 2019, "6.1")][0], abs=0.05)
    assert latest.loc["BBB", "pct"] == pytest.approx(expected[("BBB", 2016, "6.1")][0], abs=0.05)


def test_latest_pct_does_not_depend_on_row_order():
    ratings = _ratings(HAND_MADE)
    shuffled = ratings.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(mpf.latest_pct(ratings), mpf.latest_pct(shuffled))


@pytest.mark.parametrize("scope", ["6.4", "all", "", "Pillar"])
def test_latest_pct_rejects_an_unknown_scope(scope):
    with pytest.raises(ValueError, match=re.escape(repr(scope))):
        mpf.latest_pct(_ratings(HAND_MADE), scope=scope)


def test_check_ratings_accepts_good_ratings_unchanged():
    ratings = _ratings(HAND_MADE)
    assert mpf.check_ratings(ratings) is ratings


def test_check_ratings_rejects_an_unknown_item_naming_it():
    ratings = _ratings(HAND_MADE + [("AAA", "mercury_bans", 2019, "yes")])
    with pytest.raises(ValueError, match="mercury_bans"):
        mpf.check_ratings(ratings)
    with pytest.raises(ValueError, match="mercury_bans"):
        mpf.implementation_pct(ratings)


def test_check_ratings_rejects_an_unknown_value_naming_it():
    ratings = _ratings(HAND_MADE + [("AAA", "training", 2021, "maybe")])
    with pytest.raises(ValueError, match="maybe"):
        mpf.check_ratings(ratings)


@pytest.mark.parametrize("column", ["iso3", "item", "year", "implemented", "illustrative"])
def test_check_ratings_rejects_a_missing_column_naming_it(column):
    with pytest.raises(ValueError, match=column):
        mpf.check_ratings(_ratings(HAND_MADE).drop(columns=column))


def test_illustrative_ratings_cover_every_item_of_every_assessed_country():
    assessments = reference.assessments()
    ratings = mpf.illustrative_ratings(assessments)
    assert len(ratings) == 14 * 12
    assert set(ratings["iso3"]) == set(assessments["iso3"])
    pairs = ratings[["iso3", "item"]].drop_duplicates()
    assert len(pairs) == len(ratings)
    assert ratings.groupby("iso3")["item"].apply(set).map(lambda s: s == set(mpf.ITEM_AREA)).all()
    assert set(ratings["implemented"]) <= set(SCORE)
    mpf.check_ratings(ratings)


def test_illustrative_ratings_say_they_are_illustrative():
    ratings = mpf.illustrative_ratings(reference.assessments())
    assert ratings["illustrative"].map(lambda v: v is True or v is np.True_).all()
    assert (ratings["source"] == mpf.ILLUSTRATIVE_SOURCE).all()
    assert "illustrative" in mpf.ILLUSTRATIVE_SOURCE.lower()
    pct = mpf.implementation_pct(ratings)
    assert pct["illustrative"].all()


def test_illustrative_ratings_are_deterministic_and_use_the_assessment_year():
    assessments = reference.assessments()
    first = mpf.illustrative_ratings(assessments)
    pd.testing.assert_frame_equal(first, mpf.illustrative_ratings(assessments.copy()))
    # the same country gets the same ratings whatever else is in the table
    alone = mpf.illustrative_ratings(assessments[assessments["iso3"] == "SEN"])
    pd.testing.assert_frame_equal(alone, first[first["iso3"] == "SEN"].reset_index(drop=True))
    # the year is the report year, else the first year of the assessment period
    for row in assessments.itertuples():
        text = row.report_date or row.assessment_period
        expected_year = int(re.match(r"\d{4}", text).group())
        assert set(first.loc[first["iso3"] == row.iso3, "year"]) == {expected_year}, row.iso3
