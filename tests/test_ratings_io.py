"""Official ratings: template, strict parsing with every problem listed, storage as editions, % in force."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pandas as pd
import pytest
from gpkg_edits import gpkg_path

from asmgeo.demo import install
from asmgeo.domain import mpf, ratings_io
from asmgeo.errors import RatingsFileError
from asmgeo.shipped import reference
from asmgeo.store import Store, open_store
from asmgeo.store import ratings as ratings_table
from asmgeo.store.ratings import RATINGS_TABLE

KNOWN_ISO3 = set(reference.assessed_iso3()) | {"GHA"}
ITEMS = list(mpf.ITEM_AREA)
SCORE = {"yes": 1.0, "partial": 0.5, "no": 0.0}
T0 = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(tmp_path) -> Store:
    """A store holding only the illustrative ratings (no demo layers: they play no part here)."""
    target = open_store(tmp_path / "store.gpkg")
    install.install_illustrative_ratings(target)
    return target


def _template() -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(ratings_io.template_csv(reference.assessments(), ITEMS)), dtype=str,
                       keep_default_na=False)


def _filled(values: dict[str, str], iso3: str = "ECU", word: str = "") -> pd.DataFrame:
    """The template with ``iso3``'s items rated (others left blank), source filled."""
    frame = _template()
    for item, value in values.items():
        row = (frame["iso3"] == iso3) & (frame["item"] == item)
        frame.loc[row, ["implemented", "rating_word", "source"]] = [value, word, "IGF MPF assessment (2019)"]
    return frame


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


ECU_VALUES = {item: ("yes" if area == "6.1" else "partial" if area == "6.2" else "no")
              for item, area in mpf.ITEM_AREA.items()}


def _expected_pct(values: dict[str, str]) -> float:
    return 100 * sum(SCORE[v] for v in values.values()) / len(values)


# ------------------------------------------------------------------------ template


def test_template_has_one_prefilled_row_per_assessed_country_and_item():
    frame = _template()
    assert list(frame.columns) == ["iso3", "year", "item", "implemented", "rating_word", "source"]
    assert len(frame) == 14 * 12
    assert not frame.duplicated(["iso3", "item"]).any()
    assert set(frame["iso3"]) == set(reference.assessed_iso3()) and set(frame["item"]) == set(ITEMS)
    assert (frame[["implemented", "rating_word", "source"]] == "").all().all()
    years = dict(zip(reference.assessments()["iso3"], mpf.assessment_years(reference.assessments())))
    assert (frame["year"].astype(int) == frame["iso3"].map(years)).all()
    assert years["SEN"] == 2016 and years["HND"] == 2019


def test_template_refuses_unknown_items():
    with pytest.raises(ValueError, match="mercury_bans"):
        ratings_io.template_csv(reference.assessments(), ["training", "mercury_bans"])


def test_the_empty_template_says_nothing_is_rated():
    with pytest.raises(RatingsFileError, match="No row has a rating"):
        ratings_io.parse_ratings(_csv(_template()), KNOWN_ISO3, ITEMS)


# ------------------------------------------------------------------------ parsing


def test_a_good_file_parses_to_ratings_of_the_rated_rows():
    data = _csv(_filled({**ECU_VALUES, "training": " Yes "}, word="met"))
    ratings = ratings_io.parse_ratings(b"\xef\xbb\xbf" + data, KNOWN_ISO3, ITEMS)  # a BOM (Excel) is fine
    mpf.check_ratings(ratings)
    assert list(ratings.columns) == mpf.RATING_COLUMNS
    assert len(ratings) == 12 and set(ratings["iso3"]) == {"ECU"}
    assert ratings.set_index("item").loc["training", "implemented"] == "yes"
    assert not ratings["illustrative"].any()
    assert (ratings["year"] == 2019).all() and (ratings["rating_word"] == "met").all()


def test_a_country_a_ministry_adds_is_accepted_when_known():
    frame = pd.DataFrame([{"iso3": "gha", "year": "2023", "item": "training", "implemented": "partial",
                           "rating_word": "", "source": "ministry report"}])
    ratings = ratings_io.parse_ratings(_csv(frame), KNOWN_ISO3, ITEMS)
    assert ratings["iso3"].tolist() == ["GHA"]


def _problems(data: bytes) -> list[str]:
    with pytest.raises(RatingsFileError) as caught:
        ratings_io.parse_ratings(data, KNOWN_ISO3, ITEMS)
    assert caught.value.problems and str(caught.value)
    return caught.value.problems


def _corrupt(kind: str) -> tuple[bytes, list[str]]:
    """A filled template damaged one way, and the phrases its problems must contain."""
    frame = _filled(ECU_VALUES)
    ecu = frame.index[frame["iso3"] == "ECU"]
    line = lambda i: f"Line {i + 2}"  # noqa: E731 - header is line 1
    if kind == "unknown_country":
        frame.loc[ecu[0], "iso3"] = "XXX"
        return _csv(frame), [line(ecu[0]), "XXX"]
    if kind == "unknown_item":
        frame.loc[ecu[1], "item"] = "mercury_bans"
        return _csv(frame), [line(ecu[1]), "mercury_bans"]
    if kind == "bad_value":
        frame.loc[ecu[2], "implemented"] = "maybe"
        return _csv(frame), [line(ecu[2]), "maybe", "yes, partial or no"]
    if kind == "missing_columns":
        return _csv(frame.drop(columns=["implemented", "source"])), ["Line 1", "implemented, source"]
    if kind == "duplicate":
        doubled = pd.concat([frame, frame.loc[[ecu[3]]]], ignore_index=True)
        return _csv(doubled), [f"Line {len(doubled) + 1}", f"first on line {ecu[3] + 2}", "ECU"]
    if kind == "empty":
        return b"", ["empty"]
    if kind == "not_utf8":
        frame.loc[ecu[4], "rating_word"] = "évalué"
        return frame.to_csv(index=False, lineterminator="\n").encode("latin-1"), ["UTF-8", line(ecu[4])]
    if kind == "bad_year":
        frame.loc[ecu[5], "year"] = "19"
        return _csv(frame), [line(ecu[5]), "19"]
    if kind == "no_source":
        frame.loc[ecu[6], "source"] = ""
        return _csv(frame), [line(ecu[6]), "source"]
    if kind == "header_only":
        return b"iso3,year,item,implemented,rating_word,source\n", ["No row has a rating"]
    raise AssertionError(kind)


CORRUPTIONS = ["unknown_country", "unknown_item", "bad_value", "missing_columns", "duplicate", "empty",
               "not_utf8", "bad_year", "no_source", "header_only"]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_corrupted_template_is_rejected_with_a_clear_message(kind):
    data, phrases = _corrupt(kind)
    problems = _problems(data)
    text = "\n".join(problems)
    for phrase in phrases:
        assert phrase in text, (kind, problems)


def test_every_problem_is_listed_with_its_line():
    frame = _filled(ECU_VALUES)
    ecu = frame.index[frame["iso3"] == "ECU"]
    frame.loc[ecu[0], "iso3"] = "XXX"
    frame.loc[ecu[1], "item"] = "unicorns"
    frame.loc[ecu[2], "implemented"] = "maybe"
    frame.loc[ecu[3], "year"] = "next year"
    frame = pd.concat([frame, frame.loc[[ecu[4]]]], ignore_index=True)
    problems = _problems(_csv(frame))
    assert len(problems) == 5, problems
    for index, word in zip(ecu[:4], ("XXX", "unicorns", "maybe", "next year")):
        assert any(p.startswith(f"Line {index + 2}") and word in p for p in problems), (word, problems)
    assert any("repeats" in p for p in problems)


def test_a_row_with_more_cells_than_the_header_is_named():
    data = b"iso3,year,item,implemented,rating_word,source\nECU,2019,training,yes,,report,extra\n"
    assert _problems(data) == ["Line 2 has 7 cells but the header has 6 columns."]


def test_a_quoted_cell_over_two_lines_keeps_later_line_numbers_right():
    data = (b'iso3,year,item,implemented,rating_word,source\n'
            b'ECU,2019,training,yes,"two\nlines",report\n'
            b'ECU,2019,women_in_asm,maybe,,report\n')
    assert _problems(data) == ['Line 4: implemented "maybe" is not yes, partial or no.']


def test_parse_wants_bytes():
    with pytest.raises(ValueError, match="data"):
        ratings_io.parse_ratings("iso3,year", KNOWN_ISO3, ITEMS)


# ------------------------------------------------------------------------ storing


def _snapshot(store: Store) -> tuple[pd.DataFrame, str]:
    return store.read_table(RATINGS_TABLE), hashlib.sha256(gpkg_path(store).read_bytes()).hexdigest()


def _import(store: Store, data: bytes, label: str = "official", now: dt.datetime = T0) -> str:
    """What the page and the CLI do: parse everything first, then store in one write."""
    return ratings_io.store_ratings(store, ratings_io.parse_ratings(data, KNOWN_ISO3, ITEMS), label, now=now)


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_rejected_file_changes_nothing(store, kind):
    before, digest = _snapshot(store)
    with pytest.raises(RatingsFileError):
        _import(store, _corrupt(kind)[0])
    after, digest_after = _snapshot(store)
    pd.testing.assert_frame_equal(before, after)
    assert digest_after == digest


def test_a_good_file_becomes_a_new_edition_and_the_label_goes(store):
    edition = _import(store, _csv(_filled(ECU_VALUES)), "MPF assessment Ecuador 2019")
    assert edition == "2026-03-01T09:30:00Z MPF assessment Ecuador 2019"
    ratings = ratings_table.read_ratings(store)
    ecu = ratings[ratings["iso3"] == "ECU"]
    assert len(ecu) == 12 and not ecu["illustrative"].any() and (ecu[mpf.EDITION] == edition).all()
    latest = mpf.latest_pct(ratings).set_index("iso3")
    assert latest.loc["ECU", "pct"] == pytest.approx(_expected_pct(ECU_VALUES), abs=0.05)
    assert not latest.loc["ECU", "illustrative"] and latest.loc["ECU", mpf.EDITION] == edition
    assert latest.drop(index="ECU")["illustrative"].all()  # the other countries stay illustrative
    assert (ratings[ratings["iso3"] != "ECU"][mpf.EDITION] == "").all()


def test_a_later_edition_of_the_same_year_wins_and_the_earlier_stays(store):
    first = _import(store, _csv(_filled(ECU_VALUES)), "first")
    second_values = dict.fromkeys(ITEMS[:6], "yes")  # a partial re-rating: 6 items, all yes
    second = _import(store, _csv(_filled(second_values)), "second", now=T0)  # same clock: still later
    assert second > first and second.startswith("2026-03-01T09:30:01Z")
    ratings = ratings_table.read_ratings(store)
    latest = mpf.latest_pct(ratings).set_index("iso3").loc["ECU"]
    assert latest["pct"] == 100.0 and latest["items_rated"] == 6  # not averaged with the first edition
    history = ratings_io.editions(ratings, "ECU")
    assert history["edition"].tolist() == [first, second]
    assert history[mpf.PILLAR].tolist() == pytest.approx([_expected_pct(ECU_VALUES), 100.0], abs=0.05)
    compared = ratings_io.compare_editions(ratings, "ECU")
    assert list(compared.columns) == [f"{first} · 2019", f"{second} · 2019"]
    assert compared.loc["women_in_asm"].tolist() == ["no", ""]


def test_a_new_assessment_year_becomes_the_latest(store):
    _import(store, _csv(_filled(ECU_VALUES)), "2019 report")
    frame = _filled({"training": "yes"})
    frame = frame[frame["implemented"] != ""].assign(year="2024")
    _import(store, _csv(frame), "2024 follow-up", now=T0 + dt.timedelta(days=30))
    latest = mpf.latest_pct(ratings_table.read_ratings(store)).set_index("iso3").loc["ECU"]
    assert int(latest["year"]) == 2024 and latest["pct"] == 100.0


def test_official_editions_survive_a_demo_rebuild(store):
    edition = _import(store, _csv(_filled(ECU_VALUES)))
    install.install_illustrative_ratings(store)
    latest = mpf.latest_pct(ratings_table.read_ratings(store)).set_index("iso3")
    assert not latest.loc["ECU", "illustrative"] and latest.loc["ECU", mpf.EDITION] == edition
    assert len(latest) == 14


def test_store_ratings_checks_its_arguments(store):
    ratings = ratings_io.parse_ratings(_csv(_filled(ECU_VALUES)), KNOWN_ISO3, ITEMS)
    with pytest.raises(ValueError, match="edition_label"):
        ratings_io.store_ratings(store, ratings, "  ")
    with pytest.raises(ValueError, match="now"):
        ratings_io.store_ratings(store, ratings, "x", now=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="empty"):
        ratings_io.store_ratings(store, ratings.iloc[:0], "x")


def test_storing_into_a_store_without_ratings_creates_the_table(tmp_path):
    target = open_store(tmp_path / "new.gpkg")
    _import(target, _csv(_filled(ECU_VALUES)))
    assert len(ratings_table.read_ratings(target)) == 12


# ------------------------------------------------------------------------ mpf: editions in force


def test_current_ratings_keeps_the_latest_edition_per_country_and_year():
    rows = [("AAA", "training", 2019, "no", "", "s", False, ""),
            ("AAA", "training", 2019, "yes", "", "s", False, "2026-01-01T00:00:00Z b"),
            ("AAA", "women_in_asm", 2019, "yes", "", "s", False, "2025-01-01T00:00:00Z a"),
            ("AAA", "training", 2014, "partial", "", "s", False, "2025-01-01T00:00:00Z a"),
            ("BBB", "training", 2019, "no", "", "s", True, None)]
    ratings = pd.DataFrame(rows, columns=[*mpf.RATING_COLUMNS, mpf.EDITION])
    current = mpf.current_ratings(ratings)
    assert current["implemented"].tolist() == ["yes", "partial", "no"]
    pct = mpf.implementation_pct(ratings).set_index(["iso3", "year", "scope"])
    assert pct.loc[("AAA", 2019, "pillar"), "pct"] == 100.0
    assert pct.loc[("AAA", 2019, "pillar"), mpf.EDITION] == "2026-01-01T00:00:00Z b"
    assert mpf.current_ratings(ratings.drop(columns=mpf.EDITION)) is not None
