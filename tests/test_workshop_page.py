"""The workshop page through ``AppTest``: save a slide, step through a sequence, open a slide from its link.

Like tests/test_app.py, every test points ``ASMGEO_STORE`` at a temp store built once per module;
the slide table is emptied before each test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.i18n import t
from asmgeo.maps import slides
from asmgeo.maps.share import ExplorerState
from asmgeo.maps.slides import Slide
from asmgeo.maps.workshop import Area
from ui import state as keys

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE = "pages/workshop.py"
RUN_TIMEOUT_S = 60


@pytest.fixture(autouse=True)
def _fresh_caches(fresh_streamlit_caches):
    yield


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    with demo_store_in(tmp_path_factory.mktemp("workshop"), 300) as store:
        yield store


@pytest.fixture
def store(module_store):
    for name in slides.sequences(module_store):
        slides.delete_sequence(module_store, name)
    return module_store


def _no_exception(at: AppTest) -> None:
    assert not at.exception, "\n\n".join(f"{e.value}\n{''.join(e.stack)}" for e in at.exception)


def _open(**params: str) -> AppTest:
    """The app run once, then the workshop page, with ``params`` in the URL."""
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    _no_exception(at)
    return at


def _param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _texts(elements) -> list[str]:
    """The texts of ``elements``, Markdown escapes (user text goes through ui.feedback.plain) undone."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements]


def _save(at: AppTest, caption: str, name: str | None = None) -> AppTest:
    if name is not None:
        at.text_input(key=keys.WORKSHOP_NEW_NAME).input(name)
    at.text_input(key=keys.WORKSHOP_CAPTION).input(caption)
    at.button(key=keys.WORKSHOP_SAVE).click().run()
    _no_exception(at)
    return at


def _two_slides(store) -> None:
    slides.add_slide(store, "Dakar", Slide("Sites of Africa", Area(region="africa"),
                                           ExplorerState(layers=("countries", "sites"), view=(2.0, 15.0, 4))))
    slides.add_slide(store, "Dakar", Slide("Mercury in the Andes", Area(countries=("ECU", "PER")),
                                           ExplorerState(layers=("mercury", "tailings"), commodities=("gold",),
                                                         view=(-3.5, -78.25, 6))))


def test_the_page_shows_the_regional_picture_with_its_caveats(store):
    at = _open()
    assert _texts(at.title) == ["Workshop"]
    labels = [m.label for m in at.metric]
    assert any("Mean Pillar 6 % implemented, 6 assessed countries (illustrative)" == label for label in labels), labels
    assert any(label.startswith("Seed average, Africa") for label in labels), labels
    captions = _texts(at.caption)
    assert any("all six MPF thematic areas, not Pillar 6 alone" in c for c in captions), captions
    assert t("map.legend.illustrative") in captions
    maps = [c for c in at.main.get("component_instance") if "streamlit_folium" in c.proto.component_name]
    assert len(maps) == 1


def test_saving_a_slide_creates_it_in_the_store(store):
    at = _save(_open(), "Sites of Africa", name="Atelier Dakar")
    assert any("Slide 1 saved" in s for s in _texts(at.success)), _texts(at.success)
    sequence = slides.load_sequence(store, "Atelier Dakar")
    (slide,) = sequence.slides
    assert slide.caption == "Sites of Africa" and slide.area == Area(region="africa")
    assert slide.state.layers == ("countries", "sites")
    assert slide.view == at.session_state[keys.WORKSHOP_REQUEST][0] + (at.session_state[keys.WORKSHOP_REQUEST][1],)
    assert (_param(at, "sequence"), _param(at, "slide")) == ("Atelier Dakar", "1")
    assert _texts(at.header) == ["Sites of Africa"]
    assert at.text_input(key=keys.WORKSHOP_CAPTION).value == ""  # ready for the next slide
    assert "/workshop?sequence=Atelier+Dakar&slide=1&lang=en" in _texts(at.code)


def test_a_second_slide_keeps_its_own_layers_and_area(store):
    at = _save(_open(), "Sites", name="Trip")
    at.multiselect(key=keys.WORKSHOP_LAYERS).set_value(["mercury", "tailings"]).run()
    at.radio(key=keys.WORKSHOP_AREA_KIND).set_value("countries").run()
    at.multiselect(key=keys.WORKSHOP_COUNTRIES).set_value(["PER", "ECU"]).run()
    _save(at, "Mercury")
    first, second = slides.load_sequence(store, "Trip").slides
    assert (first.area, first.state.layers) == (Area(region="africa"), ("countries", "sites"))
    assert (second.area, second.state.layers) == (Area(countries=("ECU", "PER")), ("mercury", "tailings"))
    assert first.view != second.view  # the map was refitted to the new area


def test_a_new_sequence_starts_after_closing_the_open_one(store):
    at = _save(_open(), "First", name="One")
    assert [t.key for t in at.text_input] == [keys.WORKSHOP_CAPTION]  # adding to "One": no name asked
    at.button(key=keys.WORKSHOP_CLOSE_BUTTON).click().run()
    assert at.session_state[keys.WORKSHOP_OPEN] is None and _param(at, "sequence") is None
    _save(at, "Second", name="One")
    assert any("already exists" in e for e in _texts(at.error)), _texts(at.error)
    _save(at, "Second", name="Two")
    assert slides.sequences(store) == {"One": 1, "Two": 1}


def test_bad_input_shows_an_error_naming_it_and_saves_nothing(store):
    at = _save(_open(), "A caption", name="   ")
    assert any("name" in e and "“   ”" in e for e in _texts(at.error)), _texts(at.error)
    at = _save(at, "", name="Named")
    assert any("caption" in e and "“”" in e for e in _texts(at.error)), _texts(at.error)
    assert slides.sequences(store) == {}


def test_next_and_previous_step_the_slide(store):
    _two_slides(store)
    at = _open()
    at.selectbox(key=keys.WORKSHOP_SEQUENCE).set_value("Dakar").run()
    assert at.session_state[keys.WORKSHOP_OPEN] is None  # choosing is not opening
    at.button(key=keys.WORKSHOP_OPEN_BUTTON).click().run()
    _no_exception(at)
    assert _texts(at.header) == ["Sites of Africa"] and at.session_state[keys.WORKSHOP_SLIDE] == 0
    assert at.button(key=keys.WORKSHOP_PREVIOUS).disabled

    at.button(key=keys.WORKSHOP_NEXT).click().run()
    _no_exception(at)
    assert _texts(at.header) == ["Mercury in the Andes"] and at.session_state[keys.WORKSHOP_SLIDE] == 1
    assert at.multiselect(key=keys.WORKSHOP_LAYERS).value == ["mercury", "tailings"]
    assert at.multiselect(key=keys.WORKSHOP_COUNTRIES).value == ["ECU", "PER"]
    assert at.multiselect(key=keys.WORKSHOP_COMMODITIES).value == ["gold"]
    assert at.session_state[keys.WORKSHOP_REQUEST][:2] == ((-3.5, -78.25), 6)
    assert (_param(at, "sequence"), _param(at, "slide")) == ("Dakar", "2")
    assert at.button(key=keys.WORKSHOP_NEXT).disabled
    assert any("Slide 2 of 2" in c for c in _texts(at.caption))

    at.button(key=keys.WORKSHOP_PREVIOUS).click().run()
    _no_exception(at)
    assert _texts(at.header) == ["Sites of Africa"] and at.session_state[keys.WORKSHOP_SLIDE] == 0
    assert at.radio(key=keys.WORKSHOP_AREA_KIND).value == "region"
    assert at.multiselect(key=keys.WORKSHOP_LAYERS).value == ["countries", "sites"]
    assert at.session_state[keys.WORKSHOP_REQUEST][:2] == ((2.0, 15.0), 4)
    assert _param(at, "slide") == "1"


def test_each_step_asks_the_map_for_a_new_view(store):
    """Stepping back to a slide must move the map even if its view equals an earlier request."""
    _two_slides(store)
    at = _open(sequence="Dakar", slide="1")
    sent = [at.session_state[keys.WORKSHOP_REQUEST][2]]
    for button in (keys.WORKSHOP_NEXT, keys.WORKSHOP_PREVIOUS, keys.WORKSHOP_NEXT):
        at.button(key=button).click().run()
        sent.append(at.session_state[keys.WORKSHOP_REQUEST][2])
    assert sent == sorted(set(sent)), sent


def test_the_link_opens_its_slide(store):
    _two_slides(store)
    at = _open(sequence="Dakar", slide="2")
    assert _texts(at.header) == ["Mercury in the Andes"]
    assert at.session_state[keys.WORKSHOP_OPEN] == "Dakar"
    assert at.multiselect(key=keys.WORKSHOP_LAYERS).value == ["mercury", "tailings"]
    assert at.session_state[keys.WORKSHOP_REQUEST][:2] == ((-3.5, -78.25), 6)
    assert not at.warning


@pytest.mark.parametrize("params, fragment", [
    ({"sequence": "Nowhere", "slide": "1"}, "“Nowhere”"),
    ({"sequence": "Dakar", "slide": "9"}, "has 2 slide(s)"),
    ({"sequence": "Dakar", "slide": "two"}, "“two”"),
])
def test_a_bad_link_is_a_warning_not_a_failure(store, params, fragment):
    _two_slides(store)
    at = _open(**params)
    assert any(fragment in w for w in _texts(at.warning)), _texts(at.warning)
    assert not at.error
    if params["sequence"] == "Dakar":
        assert _texts(at.header) == ["Sites of Africa"]  # the first slide instead


def test_presentation_mode_hides_the_controls_and_keeps_them(store):
    _two_slides(store)
    at = _open(sequence="Dakar", slide="2")
    at.button(key=keys.WORKSHOP_PRESENT_BUTTON).click().run()
    _no_exception(at)
    assert at.session_state[keys.WORKSHOP_PRESENT] is True
    assert not at.title and not at.text_input and _texts(at.header) == ["Mercury in the Andes"]
    assert [m for m in at.multiselect if m.key == keys.WORKSHOP_LAYERS] == []
    at.button(key=keys.WORKSHOP_PREVIOUS).click().run()
    assert _texts(at.header) == ["Sites of Africa"]
    at.button(key=keys.WORKSHOP_PRESENT_BUTTON).click().run()
    _no_exception(at)
    assert at.multiselect(key=keys.WORKSHOP_LAYERS).value == ["countries", "sites"]
    assert at.session_state[keys.WORKSHOP_OPEN] == "Dakar"


def test_slides_move_and_delete_from_the_list(store):
    _two_slides(store)
    at = _open(sequence="Dakar", slide="2")
    second = slides.load_sequence(store, "Dakar").slides[1]
    at.button(key=f"{keys.WORKSHOP_SLIDE_BUTTON}.up.{second.slide_id}").click().run()
    _no_exception(at)
    captions = [s.caption for s in slides.load_sequence(store, "Dakar").slides]
    assert captions == ["Mercury in the Andes", "Sites of Africa"]
    assert at.session_state[keys.WORKSHOP_SLIDE] == 0  # the slide shown moved with it
    assert _param(at, "slide") == "1"
    at.button(key=f"{keys.WORKSHOP_SLIDE_BUTTON}.delete.{second.slide_id}").click().run()
    _no_exception(at)
    assert [s.caption for s in slides.load_sequence(store, "Dakar").slides] == ["Sites of Africa"]


def test_french_renders(store):
    _two_slides(store)
    at = _open(lang="fr", sequence="Dakar", slide="1")
    assert at.sidebar.selectbox[0].value == "fr"
    assert any(t("region.africa", "fr") in m.label for m in at.metric), [m.label for m in at.metric]
    assert "/workshop?sequence=Dakar&slide=1&lang=fr" in _texts(at.code)
    assert _texts(at.header) == ["Sites of Africa"]
