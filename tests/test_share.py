"""The map explorer's state in the page URL: compact, readable, round-trips, forgiving of bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from asmgeo.maps.share import (
    COMMODITIES,
    DEFAULT_LAYERS,
    KEYS,
    LAYERS,
    LEGAL_STATUSES,
    PILLAR_SCOPES,
    PRACTICE_CLASSES,
    REGIONS,
    SITE_STYLES,
    YES_NO_UNKNOWN,
    ExplorerState,
    from_query_params,
    to_query_params,
)

ECUADOR = ExplorerState(
    scope="country", scope_value="ECU", layers=("countries", "sites", "tailings"), commodities=("gold", "diamond"),
    dates=(dt.date(2021, 1, 1), dt.date(2024, 12, 31)), workers=(10, 500), view=(-1.5, -78.2, 7),
)


def _subset(rng: random.Random, choices: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(rng.sample(choices, rng.randint(0, len(choices))))


def _maybe(rng: random.Random, value):
    return value if rng.random() < 0.6 else None


def random_state(rng: random.Random) -> ExplorerState:
    """Any valid state, corner cases included (0 workers, one-sided ranges, ±180°, zoom 0 and 22)."""
    scope = rng.choice(("world", "region", "country"))
    value = {"world": None, "region": rng.choice(REGIONS),
             "country": "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=3))}[scope]
    low = _maybe(rng, rng.choice((0, 1, rng.randint(0, 10_000))))
    high = _maybe(rng, (low or 0) + rng.randint(0, 10_000))
    first = _maybe(rng, dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 9000)))
    last = _maybe(rng, (first or dt.date(2000, 1, 1)) + dt.timedelta(days=rng.randint(0, 3000)))
    view = None if rng.random() < 0.3 else (
        rng.choice((-90.0, 90.0, 0.0, rng.uniform(-90, 90))),
        rng.choice((-180.0, 180.0, -0.000001, rng.uniform(-180, 180))),
        rng.randint(0, 22),
    )
    return ExplorerState(
        scope=scope, scope_value=value,
        layers=DEFAULT_LAYERS if rng.random() < 0.3 else _subset(rng, LAYERS),
        pillar_scope=rng.choice(PILLAR_SCOPES), site_style=rng.choice(SITE_STYLES),
        commodities=_subset(rng, COMMODITIES), legal_statuses=_subset(rng, LEGAL_STATUSES),
        practice_classes=_subset(rng, PRACTICE_CLASSES), mercury_use=_subset(rng, YES_NO_UNKNOWN),
        workers=(low, high), dates=(first, last),
        raster_opacity=rng.choice((0.0, 1.0, 0.6, 0.05, rng.random())), view=view,
    )


def test_the_default_state_is_an_empty_query():
    assert to_query_params(ExplorerState()) == {}
    assert from_query_params({}) == (ExplorerState(), [])


def test_the_query_is_compact_ordered_and_readable():
    params = to_query_params(ECUADOR)
    assert params == {
        "scope": "country", "value": "ECU", "layers": "countries,sites,tailings", "commodity": "gold,diamond",
        "workers": "10-500", "from": "2021-01-01", "to": "2024-12-31", "view": "-1.5,-78.2,7",
    }
    assert list(params) == [key for key in KEYS if key in params]
    assert all(isinstance(value, str) for value in params.values())
    assert "lang" not in params


@pytest.mark.parametrize("seed", range(20))
def test_random_states_round_trip_exactly(seed):
    rng = random.Random(seed)
    for _ in range(100):
        state = random_state(rng)
        params = to_query_params(state)
        back, warnings = from_query_params(params)
        assert warnings == [], (state, params)
        assert back == state, (state, params)
        assert to_query_params(back) == params  # stable: the same state always gives the same link


def test_round_trip_through_repeated_keys_as_streamlit_gives_them():
    params = {key: [value] for key, value in to_query_params(ECUADOR).items()}
    params["commodity"] = ["gold", "diamond"]
    assert from_query_params(params) == (ECUADOR, [])


def test_states_are_canonical():
    state = ExplorerState(layers=["sites", "countries", "sites"], commodities=("diamond", "gold"),
                          view=(-1.123456789, -78.987654321, 7), raster_opacity=0.34999)
    assert state.layers == ("countries", "sites")
    assert state.commodities == ("gold", "diamond")
    assert state.view == (-1.12346, -78.98765, 7)
    assert state.raster_opacity == 0.35
    assert to_query_params(state)["view"] == "-1.12346,-78.98765,7"
    assert to_query_params(ExplorerState(view=(0.00001, -0.000001, 0)))["view"] == "0.00001,0,0"


def test_edge_values_are_written_plainly():
    state = ExplorerState(layers=(), workers=(None, 500), raster_opacity=0.05, dates=(None, dt.date(2024, 1, 1)))
    params = to_query_params(state)
    assert params == {"layers": "none", "workers": "-500", "to": "2024-01-01", "opacity": "0.05"}
    assert to_query_params(ExplorerState(workers=(0, None)))["workers"] == "0-"


def test_user_typing_is_forgiven_where_unambiguous():
    state, warnings = from_query_params({
        "scope": " Country ", "value": "ecu", "layers": "Sites, countries,,", "commodity": "GOLD",
        "layers_extra": [], "lang": "fr",
    }, ignore=("layers_extra",))
    assert warnings == []
    assert (state.scope, state.scope_value) == ("country", "ECU")
    assert (state.layers, state.commodities) == (("countries", "sites"), ("gold",))


@pytest.mark.parametrize(
    ("params", "expected", "mentions"),
    [
        ({"layers": "countries,volcanoes"}, {"layers": ("countries",)}, ["volcanoes"]),
        ({"layers": "volcanoes"}, {}, ["volcanoes"]),
        ({"layers": "none"}, {"layers": ()}, []),
        ({"layers": ""}, {"layers": ()}, []),
        ({"commodity": "gold,platinum"}, {"commodities": ("gold",)}, ["platinum"]),
        ({"practice_class": "bad"}, {}, ["bad"]),
        ({"scope": "galaxy", "value": "ECU"}, {}, ["galaxy", "ECU"]),
        ({"scope": "country"}, {}, ["scope=country"]),
        ({"scope": "country", "value": "EC1"}, {}, ["EC1"]),
        ({"scope": "country", "value": "ECUA"}, {}, ["ECUA"]),
        ({"scope": "region", "value": "europe"}, {}, ["europe"]),
        ({"value": "ECU"}, {}, ["ECU"]),
        ({"scope": "world", "value": "asia"}, {}, ["asia"]),
        ({"from": "2021-02-30"}, {}, ["2021-02-30"]),
        ({"from": "01/02/2021", "to": "2022-01-01"}, {"dates": (None, dt.date(2022, 1, 1))}, ["01/02/2021"]),
        ({"from": "2024-01-01", "to": "2021-01-01"}, {}, ["2024-01-01", "2021-01-01"]),
        ({"workers": "500-10"}, {}, ["500-10"]),
        ({"workers": "ten"}, {}, ["ten"]),
        ({"workers": "-5-10"}, {}, ["-5-10"]),
        ({"workers": "1.5-10"}, {}, ["1.5-10"]),
        ({"opacity": "1.5"}, {}, ["1.5"]),
        ({"opacity": "nan"}, {}, ["nan"]),
        ({"opacity": "half"}, {}, ["half"]),
        ({"view": "91,0,3"}, {}, ["91,0,3"]),
        ({"view": "0,181,3"}, {}, ["0,181,3"]),
        ({"view": "0,0,23"}, {}, ["0,0,23"]),
        ({"view": "0,0,3.5"}, {}, ["0,0,3.5"]),
        ({"view": "0,0"}, {}, ["0,0"]),
        ({"view": "inf,0,3"}, {}, ["inf,0,3"]),
        ({"pillar": "6.4"}, {}, ["6.4"]),
        ({"style": "colour"}, {}, ["colour"]),
        ({"pillar": ["6.1", "6.3"]}, {"pillar_scope": "6.3"}, ["pillar", "6.3"]),
        ({"comodity": "gold"}, {}, ["comodity"]),
        ({"opacity": 0.5}, {}, ["opacity"]),
    ],
)
def test_bad_values_are_dropped_with_a_warning_naming_them(params, expected, mentions):
    state, warnings = from_query_params(params)
    assert state == dataclasses.replace(ExplorerState(), **expected)
    assert warnings if mentions else not warnings
    for text in mentions:
        assert any(text in warning for warning in warnings), (text, warnings)


def test_a_long_bad_value_is_quoted_short():
    _, warnings = from_query_params({"style": "x" * 5000})
    assert len(warnings) == 1 and len(warnings[0]) < 200


@pytest.mark.parametrize("seed", range(5))
def test_garbage_never_raises(seed):
    rng = random.Random(1000 + seed)
    alphabet = "abcz019-,.:;/ %<>\"'é\u202e\x00"
    for _ in range(300):
        params = {}
        for key in rng.sample([*KEYS, "lang", "junk", ""], rng.randint(0, 8)):
            value = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
            params[key] = [value, value[::-1]] if rng.random() < 0.2 else value
        state, warnings = from_query_params(params)
        assert isinstance(state, ExplorerState) and all(isinstance(w, str) for w in warnings)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"scope": "planet"}, "scope='planet'"),
        ({"scope": "world", "scope_value": "ECU"}, "scope_value='ECU'"),
        ({"scope": "region", "scope_value": "europe"}, "scope_value='europe'"),
        ({"scope": "country", "scope_value": "ecu"}, "scope_value='ecu'"),
        ({"scope": "country"}, "scope_value=None"),
        ({"layers": ("volcanoes",)}, "layers="),
        ({"layers": "sites"}, "layers='sites'"),
        ({"pillar_scope": "6.4"}, "pillar_scope='6.4'"),
        ({"site_style": "colour"}, "site_style='colour'"),
        ({"commodities": ("platinum",)}, "commodities="),
        ({"practice_classes": ("fine",)}, "practice_classes="),
        ({"workers": (10, 5)}, "workers="),
        ({"workers": (-1, None)}, "workers="),
        ({"workers": (1.5, None)}, "workers="),
        ({"workers": 5}, "workers=5"),
        ({"dates": (dt.date(2024, 1, 2), dt.date(2024, 1, 1))}, "dates="),
        ({"dates": (dt.datetime(2024, 1, 1), None)}, "dates="),
        ({"dates": ("2024-01-01", None)}, "dates="),
        ({"raster_opacity": 1.2}, "raster_opacity=1.2"),
        ({"raster_opacity": float("nan")}, "raster_opacity=nan"),
        ({"view": (95.0, 0.0, 3)}, "view="),
        ({"view": (0.0, 0.0, 23)}, "view="),
        ({"view": (0.0, 0.0)}, "view="),
        ({"view": (float("nan"), 0.0, 3)}, "view="),
    ],
)
def test_a_bad_state_is_refused_naming_the_field(fields, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        ExplorerState(**fields)


def test_programming_errors_raise():
    with pytest.raises(ValueError, match="state"):
        to_query_params({"scope": "world"})
    with pytest.raises(ValueError, match="params"):
        from_query_params("scope=world")
    with pytest.raises(ValueError, match="lang='xx'"):
        from_query_params({}, lang="xx")


def test_states_are_frozen_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ECUADOR.scope = "world"
    assert len({ECUADOR, dataclasses.replace(ECUADOR)}) == 1
