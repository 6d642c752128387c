"""The country profile assembled from a demo store, and its one-page HTML briefing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest
from stores import demo_store_in

from asmgeo.domain import mpf, practices, profile, query
from asmgeo.i18n import date, number
from asmgeo.outputs import briefing
from asmgeo.shipped import reference
from asmgeo.store import ratings as ratings_table

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    with demo_store_in(tmp_path_factory.mktemp("briefing"), 300) as store:
        sites = query.latest_sites(store.read("sites"), practices.load_rules())
        return {"ratings": ratings_table.read_ratings(store), "sites": sites, "mercury": store.read("mercury"),
                "tailings": store.read("tailings")}


def _profile(layers: dict, iso3: str = "UGA", name: str = "Uganda", region: str | None = "africa",
             ratings: pd.DataFrame | None = None) -> profile.Profile:
    return profile.build_profile(
        iso3, name, region, layers["ratings"] if ratings is None else ratings, reference.assessments(),
        reference.regional_averages(), reference.country_facts(iso3), layers["sites"], layers["mercury"],
        layers["tailings"], TODAY,
    )


# ------------------------------------------------------------------------ profile


def test_the_record_follows_the_ratings_and_the_rule(layers):
    prof = _profile(layers)
    own = layers["ratings"][layers["ratings"]["iso3"] == "UGA"]
    scores = own["implemented"].map(mpf.SCORES)
    assert prof.record.year == 2014 and prof.record.illustrative
    assert prof.record.pct["pillar"] == pytest.approx(100 * scores.mean(), abs=0.05)
    for area in mpf.AREAS:
        in_area = own["item"].map(mpf.ITEM_AREA) == area
        assert prof.record.pct[area] == pytest.approx(100 * scores[in_area].mean(), abs=0.05)
    assert prof.record.items_rated == {"6.1": 3, "6.2": 5, "6.3": 4, "pillar": 12}
    assert prof.record.assessment["source_url"].startswith("https://")


def test_region_peers_and_regional_average(layers):
    prof = _profile(layers)
    assert prof.regional_average["implementation_pct"] == 29
    assert prof.regional_average["scope"] == "all six MPF thematic areas"
    assert set(prof.peers["iso3"]) == {"SEN", "MDG", "RWA", "NAM", "MRT"}
    assert prof.peers["pct"].notna().all()


def test_a_country_without_ratings_or_assessment_has_an_empty_record(layers):
    prof = _profile(layers, "GHA", "Ghana", "africa")
    assert not prof.record.rated and prof.record.assessment is None
    assert prof.record.pct == dict.fromkeys(mpf.RATED_SCOPES) and prof.figures["sites"].value == 0
    assert "not rated" in prof.policy["items"].iloc[0]


@pytest.mark.parametrize("values, text", [
    ((700000, 650000, 1000000), "700,000 (650,000–1,000,000)"),
    ((None, 400000, 600000), "400,000–600,000"),
    ((15, 15, None), "≥ 15"),
    ((None, None, 9000), "≤ 9,000"),
    ((9.5, None, None), "9.5"),
    ((3000, 3000, 9000), "3,000 (3,000–9,000)"),
])
def test_published_ranges_stay_ranges(values, text):
    assert profile.fact_figure(*values) == text


def test_facts_table_keeps_year_status_and_source():
    table = profile.facts_table(reference.country_facts("UGA"))
    miners = table.set_index("indicator").loc["ASM miners"]
    assert miners["figure"] == "400,000–600,000 people"
    assert miners["year"] == 2022 and miners["status"] == "secondary"
    assert miners["source_url"] == "https://www.planetgold.org/uganda"
    assert "≥ 15 t/year" in table["figure"].tolist()


def test_across_countries_puts_a_ground_figure_beside_the_pillar(layers):
    pct = mpf.latest_pct(layers["ratings"])
    figures = {iso3: _profile(layers, iso3).figures for iso3 in ("UGA", "ECU")}
    table = profile.across_countries(pct, figures, "licensed_share", {"UGA": "Uganda"}, {"UGA": "africa"})
    assert len(table) == 14
    uga = table.set_index("iso3").loc["UGA"]
    assert uga["value"] == figures["UGA"]["licensed_share"].value and uga["records"] > 0
    assert table.set_index("iso3").loc["SEN", "records"] == 0  # no figures given for it
    with pytest.raises(ValueError, match="latest_visit"):
        profile.across_countries(pct, figures, "latest_visit", {}, {})


# ------------------------------------------------------------------------ briefing


def test_briefing_is_one_self_contained_a4_page(layers):
    page = briefing.briefing_html(_profile(layers))
    assert "@page { size: A4" in page
    assert not re.search(r"""(src|href)\s*=""", page, re.IGNORECASE)
    assert not re.search(r"<(script|link|img|iframe|object)\b", page, re.IGNORECASE)
    assert not re.search(r"url\(", page, re.IGNORECASE)
    assert "<svg" in page and "</svg>" in page


def test_briefing_labels_illustrative_ratings_and_synthetic_data(layers):
    page = briefing.briefing_html(_profile(layers))
    assert "ILLUSTRATIVE RATINGS" in page
    assert "synthetic demo data" in page
    assert "all six MPF areas" in page


def test_briefing_gives_the_data_date_and_the_sources(layers):
    prof = _profile(layers)
    page = briefing.briefing_html(prof)
    assert f"Data as of {date(prof.data_date)}" in page and date(TODAY) in page
    assert prof.record.assessment["source_url"] in page  # printed as text, not linked
    assert "planetGOLD Uganda" in page and "400,000–600,000" in page
    assert f"{prof.record.pct['pillar']:.1f} %" in page


def test_briefing_writes_numbers_and_dates_for_the_language(layers):
    prof = _profile(layers)
    page = briefing.briefing_html(prof, "fr")
    assert date(prof.data_date, "fr") in page and date(TODAY, "fr") in page
    assert "400\u202f000–600\u202f000" in page
    assert f"{number(prof.record.pct['pillar'], 'fr', 1)} %" in page and '<html lang="fr">' in page


def test_briefing_drops_the_illustrative_label_for_official_ratings(layers):
    ratings = layers["ratings"].assign(illustrative=False)
    page = briefing.briefing_html(_profile(layers, ratings=ratings))
    assert "ILLUSTRATIVE" not in page and "Illustrative ratings" not in page


def test_briefing_escapes_every_value(layers):
    prof = _profile(layers)
    evil = "<script>alert('x')</script>"
    facts = prof.facts.assign(source=evil)
    prof = dataclasses.replace(prof, name=evil, facts=facts)
    page = briefing.briefing_html(prof)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_briefing_refuses_something_else():
    with pytest.raises(ValueError, match="profile"):
        briefing.briefing_html({"iso3": "UGA"})
