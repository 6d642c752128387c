"""Workshop slides (asmgeo.maps.slides): model, validation, store persistence, JSON file, share links."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import gpkg_edits as gpkg
import pandas as pd
import pyogrio
import pytest

from asmgeo.errors import AsmgeoError, StoreError
from asmgeo.maps import slides
from asmgeo.maps.share import ExplorerState
from asmgeo.maps.slides import Sequence, Slide, SlideError, UnknownSequenceError
from asmgeo.maps.workshop import Area
from asmgeo.store import Store, geopackage, open_store


def _store(path) -> Store:
    """A GeoPackage store holding one small attribute table (the slides need an existing GeoPackage)."""
    store = open_store(path)
    store.write_table("placeholder", pd.DataFrame({"x": [1]}))
    return store


@pytest.fixture
def store(tmp_path) -> Store:
    return _store(tmp_path / "store.gpkg")


def _slide(caption: str, layers=("countries", "sites"), view=(1.5, 30.25, 6), area=None, **filters) -> Slide:
    state = ExplorerState(layers=layers, view=view, **filters)
    return Slide(caption, area or Area(region="africa"), state)


def _captions(sequence: Sequence) -> list[str]:
    return [s.caption for s in sequence.slides]


def _raw_rows(store: Store) -> list[tuple]:
    """(sequence, position, caption) of every stored row, straight from SQLite (none without the table)."""
    if not gpkg.has_table(store, slides.TABLE):
        return []
    return gpkg.rows(store, f'SELECT sequence, position, caption FROM "{slides.TABLE}" ORDER BY sequence, position')


# ------------------------------------------------------------------ model


def test_a_slide_keeps_its_caption_stripped_and_its_view_in_the_state():
    slide = _slide("  Mercury hot spots  ", view=(-0.2, -78.5, 7))
    assert slide.caption == "Mercury hot spots"
    assert slide.view == (-0.2, -78.5, 7)
    assert len(slide.slide_id) == 32 and dt.datetime.fromisoformat(slide.created_at).tzinfo is not None


def test_the_slide_query_is_the_explorers_query_string_without_the_view():
    slide = _slide("x", layers=("mercury", "tailings"), commodities=("gold",), legal_statuses=("informal", "illegal"))
    params = parse_qs(slide.query())
    assert params == {"layers": ["mercury,tailings"], "commodity": ["gold"], "legal_status": ["informal,illegal"]}
    assert "view" not in slide.query()


@pytest.mark.parametrize("caption, fragment", [
    ("", "“”"),
    ("   ", "“   ”"),
    ("x" * (slides.MAX_CAPTION_CHARS + 1), f"{slides.MAX_CAPTION_CHARS + 1} characters"),
    ("two\nlines", "“two\nlines”"),
    (None, "None"),
])
def test_a_bad_caption_raises_naming_the_value(caption, fragment):
    with pytest.raises(SlideError) as info:
        _slide(caption)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, AsmgeoError)


@pytest.mark.parametrize("name, fragment", [
    ("", "“”"),
    ("  ", "“  ”"),
    ("n" * (slides.MAX_NAME_CHARS + 1), f"{slides.MAX_NAME_CHARS + 1} characters"),
    ("tab\there", "control character"),
    (42, "42"),
])
def test_a_bad_sequence_name_raises_naming_the_value(store, name, fragment):
    with pytest.raises(SlideError) as info:
        slides.add_slide(store, name, _slide("ok"))
    assert fragment in str(info.value)
    assert _raw_rows(store) == []


def test_an_error_message_follows_the_language():
    with pytest.raises(SlideError) as info:
        slides.check_caption("")
    assert info.value.text("en") == str(info.value)
    assert info.value.text("fr")  # French once translated, English meanwhile; never a missing key
    assert "“”" in info.value.text("es")


def test_a_slide_needs_an_area_a_state_and_a_view():
    with pytest.raises(SlideError, match="Area"):
        Slide("x", "region:africa", ExplorerState(view=(0, 0, 3)))
    with pytest.raises(SlideError, match="ExplorerState"):
        Slide("x", Area(region="asia"), {"layers": ["sites"]})
    with pytest.raises(SlideError, match="extent"):
        Slide("x", Area(region="asia"), ExplorerState())


# ------------------------------------------------------------------ store


def test_round_trip_keeps_every_field(store):
    slide = _slide("Gold, informal", layers=("sites", "mercury"), view=(12.3456789, -1.5, 8),
                   area=Area(countries=("SEN", "MLI")), commodities=("gold",), legal_statuses=("informal",),
                   practice_classes=("unacceptable",), mercury_use=("yes",), site_style="legal_status")
    slides.add_slide(store, "Dakar", slide)
    loaded = slides.load_sequence(store, "Dakar")
    assert loaded.problems == ()
    (back,) = loaded.slides
    assert back == dataclasses.replace(slide, state=dataclasses.replace(slide.state, view=(12.34568, -1.5, 8)))
    assert back.area == Area(countries=("MLI", "SEN"))


def test_slides_keep_their_order_and_sequences_stay_apart(store):
    for caption in ("one", "two", "three"):
        slides.add_slide(store, "A", _slide(caption))
    slides.add_slide(store, "B", _slide("other"))
    assert _captions(slides.load_sequence(store, "A")) == ["one", "two", "three"]
    assert _captions(slides.load_sequence(store, "B")) == ["other"]
    assert slides.sequences(store) == {"A": 3, "B": 1}


def test_adding_returns_the_stored_sequence(store):
    sequence = slides.add_slide(store, "  Padded  ", _slide("first"))
    assert sequence.name == "Padded" and _captions(sequence) == ["first"]
    assert slides.sequences(store) == {"Padded": 1}


def test_move_up_and_down_renumbers_positions(store):
    for caption in ("one", "two", "three"):
        sequence = slides.add_slide(store, "A", _slide(caption))
    ids = [s.slide_id for s in sequence.slides]
    assert _captions(slides.move_slide(store, "A", ids[2], -1)) == ["one", "three", "two"]
    assert _captions(slides.move_slide(store, "A", ids[0], +1)) == ["three", "one", "two"]
    assert _captions(slides.move_slide(store, "A", ids[1], -5)) == ["two", "three", "one"]  # kept inside
    assert _captions(slides.move_slide(store, "A", ids[1], +9)) == ["three", "one", "two"]
    assert [row[1] for row in _raw_rows(store)] == [0, 1, 2]


def test_delete_a_slide_and_a_sequence(store):
    for caption in ("one", "two", "three"):
        sequence = slides.add_slide(store, "A", _slide(caption))
    after = slides.delete_slide(store, "A", sequence.slides[1].slide_id)
    assert _captions(after) == ["one", "three"]
    assert [row[1] for row in _raw_rows(store)] == [0, 1]
    assert slides.delete_sequence(store, "A") == 2
    assert slides.sequences(store) == {}
    with pytest.raises(UnknownSequenceError, match="“A”"):
        slides.load_sequence(store, "A")


def test_unknown_slides_and_sequences_are_named(store):
    slides.add_slide(store, "A", _slide("one"))
    with pytest.raises(SlideError, match="“nope”"):
        slides.delete_slide(store, "A", "nope")
    with pytest.raises(SlideError, match="“nope”"):
        slides.move_slide(store, "A", "nope", 1)
    with pytest.raises(UnknownSequenceError, match="“Z”"):
        slides.move_slide(store, "Z", "nope", 1)
    with pytest.raises(SlideError, match="offset"):
        slides.move_slide(store, "A", slides.load_sequence(store, "A").slides[0].slide_id, 1.5)


def test_slides_survive_a_restart(tmp_path):
    path = tmp_path / "store.gpkg"
    first = _store(path)
    slides.add_slide(first, "Workshop", _slide("Sites", layers=("sites", "countries"), view=(10.0, 20.0, 5)))
    slides.add_slide(first, "Workshop", _slide("Mercury", layers=("mercury", "tailings"), view=(-3.0, 35.5, 7)))
    del first
    again = open_store(path)  # a new store object on the same file, as after an app restart
    loaded = slides.load_sequence(again, "Workshop")
    assert [(s.caption, s.state.layers, s.view) for s in loaded.slides] == [
        ("Sites", ("countries", "sites"), (10.0, 20.0, 5)),
        ("Mercury", ("mercury", "tailings"), (-3.0, 35.5, 7)),
    ]


def test_the_table_is_a_geopackage_attribute_table(store):
    slides.add_slide(store, "A", _slide("one"))
    assert slides.TABLE in [name for name, _ in pyogrio.list_layers(gpkg.gpkg_path(store))]
    table = store.read_table(slides.TABLE)
    assert list(table.columns) == slides.COLUMNS
    assert table.loc[0, "area"] == "region:africa" and table.loc[0, "zoom"] == 6


def test_a_failed_write_changes_nothing(store, monkeypatch):
    slides.add_slide(store, "A", _slide("one"))
    before = _raw_rows(store)

    broken = gpkg.failing_writer(f'UPDATE "{slides.TABLE}" SET position = 99')  # half-written, then the disk fails
    monkeypatch.setattr(geopackage, "_write_slides", broken)
    with pytest.raises(StoreError, match="disk I/O error"):
        slides.delete_slide(store, "A", slides.load_sequence(store, "A").slides[0].slide_id)
    assert _raw_rows(store) == before


def test_a_sequence_is_full_at_the_limit(store, monkeypatch):
    monkeypatch.setattr(slides, "MAX_SLIDES", 2)
    slides.add_slide(store, "A", _slide("one"))
    slides.add_slide(store, "A", _slide("two"))
    with pytest.raises(SlideError, match="2 slides"):
        slides.add_slide(store, "A", _slide("three"))


def test_a_missing_store_reads_as_empty_and_refuses_writes(tmp_path):
    missing = open_store(tmp_path / "missing.gpkg")
    assert slides.sequences(missing) == {}
    with pytest.raises(UnknownSequenceError):
        slides.load_sequence(missing, "A")
    with pytest.raises(StoreError, match="does not exist"):
        slides.add_slide(missing, "A", _slide("one"))
    assert not missing.exists()


def test_a_store_without_the_table_has_no_sequences(store):
    assert slides.sequences(store) == {}
    assert slides.TABLE not in store.layer_names()


@pytest.mark.parametrize("column, value, reason", [
    ("zoom", "far", "zoom"),
    ("lat", None, "latitude"),
    ("lat", 123.0, "latitude"),
    ("area", "continent:europe", "continent:europe"),
    ("area", "region:antarctica", "antarctica"),
    ("caption", "", "caption"),
    ("query", None, "query"),
])
def test_a_corrupted_row_is_reported_and_left_out(store, column, value, reason):
    for caption in ("one", "two", "three"):
        slides.add_slide(store, "A", _slide(caption))
    gpkg.execute(store, f'UPDATE "{slides.TABLE}" SET "{column}" = ? WHERE position = 1', (value,))
    loaded = slides.load_sequence(store, "A")
    assert _captions(loaded) == ["one", "three"]
    (problem,) = loaded.problems
    assert "Slide 2" in problem and "“A”" in problem and reason in problem


def test_an_unknown_value_in_a_stored_query_is_dropped_with_a_sentence(store):
    slides.add_slide(store, "A", _slide("one", commodities=("gold",)))
    gpkg.execute(store, f'UPDATE "{slides.TABLE}" SET query = ?', ("layers=sites,lava&commodity=gold",))
    loaded = slides.load_sequence(store, "A")
    assert loaded.slides[0].state.layers == ("sites",)
    assert len(loaded.problems) == 1 and "lava" in loaded.problems[0]


def test_operations_on_a_sequence_keep_its_unreadable_rows(store):
    for caption in ("one", "two", "three"):
        sequence = slides.add_slide(store, "A", _slide(caption))
    gpkg.execute(store, f'UPDATE "{slides.TABLE}" SET zoom = NULL WHERE position = 0')
    after = slides.move_slide(store, "A", sequence.slides[2].slide_id, -1)
    assert _captions(after) == ["three", "two"] and len(after.problems) == 1
    assert len(_raw_rows(store)) == 3


# --------------------------------------------------------------- JSON file


def test_json_round_trip(store):
    for caption in ("Sites", "Mercury"):
        slides.add_slide(store, "Atelier — Dakar", _slide(caption, area=Area(countries=("SEN",))))
    sequence = slides.load_sequence(store, "Atelier — Dakar")
    text = slides.to_json(sequence)
    assert "Atelier — Dakar" in text  # readable, not \u-escaped
    assert slides.from_json(text) == sequence
    assert slides.from_json(text.encode("utf-8")) == sequence


@pytest.mark.parametrize("document, fragment", [
    ("not json", "Expecting value"),
    (json.dumps({"kind": "something else"}), "kind"),
    (json.dumps({"kind": slides.FILE_KIND, "version": 99}), "99"),
    (json.dumps({"kind": slides.FILE_KIND, "version": 1, "name": "", "slides": []}), "“”"),
    (json.dumps({"kind": slides.FILE_KIND, "version": 1, "name": "A", "slides": []}), "no slides"),
    (json.dumps({"kind": slides.FILE_KIND, "version": 1, "name": "A",
                 "slides": [{"caption": "x", "area": "region:africa", "query": "", "view": [0, 0]}]}), "Slide 1"),
    (json.dumps({"kind": slides.FILE_KIND, "version": 1, "name": "A",
                 "slides": [{"caption": "x", "area": "region:mars", "query": "", "view": [0, 0, 3]}]}), "mars"),
])
def test_a_bad_sequence_file_raises_naming_the_problem(document, fragment):
    with pytest.raises(SlideError) as info:
        slides.from_json(document)
    assert fragment in str(info.value)


def test_a_file_is_stored_under_a_free_name_with_new_ids(store):
    sequence = slides.add_slide(store, "A", _slide("one"))
    copy = slides.from_json(slides.to_json(sequence))
    with pytest.raises(SlideError, match="already exists"):
        slides.save_sequence(store, copy)
    name = slides.free_name(copy.name, slides.sequences(store))
    assert name == "A (2)"
    saved = slides.save_sequence(store, Sequence(name, copy.slides))
    assert _captions(saved) == ["one"] and saved.slides[0].slide_id != sequence.slides[0].slide_id
    assert slides.sequences(store) == {"A": 1, "A (2)": 1}


def test_free_name_stays_within_the_length_limit():
    long = "x" * slides.MAX_NAME_CHARS
    name = slides.free_name(long, {long})
    assert name.endswith(" (2)") and len(name) == slides.MAX_NAME_CHARS


# ------------------------------------------------------------------ links


def test_share_link_opens_the_slide_in_the_language():
    link = slides.share_link("Atelier Dakar & co", 2, "fr")
    parts = urlsplit(link)
    assert parts.path == "/workshop"
    assert parse_qs(parts.query) == {"sequence": ["Atelier Dakar & co"], "slide": ["2"], "lang": ["fr"]}
    request = slides.read_link({k: v[0] for k, v in parse_qs(parts.query).items()}, "fr")
    assert (request.sequence, request.slide, request.warnings) == ("Atelier Dakar & co", 2, ())


@pytest.mark.parametrize("number", [0, -1, 1.0, True, "2"])
def test_share_link_refuses_a_bad_slide_number(number):
    with pytest.raises(SlideError, match="number"):
        slides.share_link("A", number)


@pytest.mark.parametrize("params, expected, warned", [
    ({}, (None, None), False),
    ({"sequence": "A"}, ("A", None), False),
    ({"sequence": ["A", "B"], "slide": "3"}, ("B", 3), False),
    ({"sequence": "A", "slide": "zero"}, ("A", None), True),
    ({"sequence": "A", "slide": "0"}, ("A", None), True),
    ({"sequence": "A", "slide": "-2"}, ("A", None), True),
    ({"sequence": "", "slide": "2"}, (None, 2), True),
    ({"slide": "2"}, (None, 2), True),
    ({"sequence": "x" * 500}, (None, None), True),
    ({"sequence": 7}, (None, None), False),
])
def test_reading_a_link_never_raises(params, expected, warned):
    request = slides.read_link(params)
    assert (request.sequence, request.slide) == expected
    assert bool(request.warnings) == warned, request.warnings
