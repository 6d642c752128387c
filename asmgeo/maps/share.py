"""The map explorer's state in the page URL: a compact, readable query string and back.

``to_query_params`` writes only what differs from the defaults, in a fixed key order, e.g.
``scope=country&value=ECU&layers=countries,sites&commodity=gold,diamond&from=2021-01-01&to=2024-12-31
&workers=10-500&view=-1.5,-78.2,7``. ``from_query_params`` reads such a mapping (Streamlit's
``st.query_params``: str -> str, repeated keys as lists) and never raises on what a user typed: every
value it has to drop comes back as a sentence. The page owns ``lang`` (and any key passed in
``ignore``); other unknown keys are reported.

An :class:`ExplorerState` is canonical, so equal views give equal states and equal links: lists
follow the order of their known choices without repeats, view coordinates are rounded to 5
decimals (about 1 m) and the raster opacity to 2 decimals.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real

from asmgeo.domain import mpf
from asmgeo.domain.query import SCOPES
from asmgeo.domain.practices import CLASSES as PRACTICE_CLASSES
from asmgeo.i18n import DEFAULT_LANGUAGE, check_lang, t
from asmgeo.schema import COMMODITIES, LEGAL_STATUSES, YES_NO_UNKNOWN
from asmgeo.shipped.reference import REGIONS

LAYERS = ("countries", "sites", "mercury", "tailings", "geology_units", "geology_raster", "osm", "imagery")
DEFAULT_LAYERS = ("countries", "sites")
PILLAR_SCOPES = (mpf.PILLAR, *mpf.AREAS)
SITE_STYLES = ("practice_class", "legal_status", "commodity")
MAX_ZOOM = 22
VIEW_DECIMALS = 5  # about 1 m at the equator: finer than any shared view needs
OPACITY_DECIMALS = 2
NO_LAYERS = "none"  # ``layers=none``: every layer switched off (an empty value may be dropped by URL tools)
SHOWN_VALUE_CHARS = 40  # a warning quotes at most this much of what the user typed

_ISO3 = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WORKERS = re.compile(r"(\d*)-(\d*)")
# query key -> (state field, allowed values) of the multi-valued filters
_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "commodity": ("commodities", COMMODITIES),
    "legal_status": ("legal_statuses", LEGAL_STATUSES),
    "practice_class": ("practice_classes", PRACTICE_CLASSES),
    "mercury_use": ("mercury_use", YES_NO_UNKNOWN),
}
KEYS = ("scope", "value", "layers", "pillar", "style", *_FILTERS, "workers", "from", "to", "opacity", "view")
PAGE_KEYS = frozenset({"lang"})


@dataclass(frozen=True)
class ExplorerState:
    """What the map explorer shows: scope, layers, colouring, filters, raster opacity and view."""

    scope: str = "world"
    scope_value: str | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS
    pillar_scope: str = mpf.PILLAR
    site_style: str = "practice_class"
    commodities: tuple[str, ...] = ()
    legal_statuses: tuple[str, ...] = ()
    practice_classes: tuple[str, ...] = ()
    mercury_use: tuple[str, ...] = ()
    workers: tuple[int | None, int | None] = (None, None)
    dates: tuple[dt.date | None, dt.date | None] = (None, None)
    raster_opacity: float = 0.6
    view: tuple[float, float, int] | None = field(default=None)

    def __post_init__(self) -> None:
        """Check every field (ValueError naming it) and store its canonical form."""
        _choice("scope", self.scope, SCOPES)
        _set(self, "scope_value", _scope_value(self.scope, self.scope_value))
        _set(self, "layers", _choices("layers", self.layers, LAYERS))
        _choice("pillar_scope", self.pillar_scope, PILLAR_SCOPES)
        _choice("site_style", self.site_style, SITE_STYLES)
        for name, choices in _FILTERS.values():
            _set(self, name, _choices(name, getattr(self, name), choices))
        _set(self, "workers", _workers(self.workers))
        _set(self, "dates", _dates(self.dates))
        _set(self, "raster_opacity", _opacity(self.raster_opacity))
        _set(self, "view", _view(self.view))


def to_query_params(state: ExplorerState) -> dict[str, str]:
    """The state as URL query parameters, defaults left out, keys in a fixed order (no ``lang``)."""
    if not isinstance(state, ExplorerState):
        raise ValueError(f"state must be an ExplorerState, not {type(state).__name__}")
    default = ExplorerState()
    params: dict[str, str] = {}
    if state.scope != default.scope:
        params["scope"] = state.scope
        params["value"] = str(state.scope_value)
    if state.layers != default.layers:
        params["layers"] = ",".join(state.layers) or NO_LAYERS
    if state.pillar_scope != default.pillar_scope:
        params["pillar"] = state.pillar_scope
    if state.site_style != default.site_style:
        params["style"] = state.site_style
    for key, (name, _) in _FILTERS.items():
        if getattr(state, name):
            params[key] = ",".join(getattr(state, name))
    if state.workers != default.workers:
        params["workers"] = "-".join("" if n is None else str(n) for n in state.workers)
    for key, day in zip(("from", "to"), state.dates):
        if day is not None:
            params[key] = day.isoformat()
    if state.raster_opacity != default.raster_opacity:
        params["opacity"] = _decimal(state.raster_opacity, OPACITY_DECIMALS)
    if state.view is not None:
        lat, lon, zoom = state.view
        params["view"] = f"{_decimal(lat, VIEW_DECIMALS)},{_decimal(lon, VIEW_DECIMALS)},{zoom}"
    return params


def from_query_params(
    params: Mapping[str, str | list[str]], lang: str = DEFAULT_LANGUAGE, ignore: Iterable[str] = ()
) -> tuple[ExplorerState, list[str]]:
    """The state a URL describes and a sentence for every value dropped; never raises on user input."""
    if not isinstance(params, Mapping):
        raise ValueError(f"params must be a mapping of str -> str | list[str], not {type(params).__name__}")
    check_lang(lang)
    reader = _Reader(params, lang)
    skip = PAGE_KEYS | set(ignore)
    for key in params:
        if key not in KEYS and key not in skip:
            reader.warn("share.unknown_key", param=_shown(key))
    fields: dict[str, object] = {}
    fields.update(reader.scope())
    for name, value in (
        ("layers", reader.layers()),
        ("pillar_scope", reader.choice("pillar", PILLAR_SCOPES)),
        ("site_style", reader.choice("style", SITE_STYLES)),
        ("workers", reader.workers()),
        ("dates", reader.dates()),
        ("raster_opacity", reader.opacity()),
        ("view", reader.view()),
    ):
        if value is not None:
            fields[name] = value
    for key, (name, choices) in _FILTERS.items():
        fields[name] = reader.items(key, choices) or ()
    return ExplorerState(**fields), reader.warnings


class _Reader:
    """Reads one query mapping value by value, collecting a warning for each value it drops."""

    def __init__(self, params: Mapping[str, str | list[str]], lang: str) -> None:
        self.params = params
        self.lang = lang
        self.warnings: list[str] = []

    def warn(self, message: str, **values: object) -> None:
        """Record one dropped value: catalogue ``message`` filled with ``values``."""
        self.warnings.append(t(message, self.lang, **values))

    def text(self, key: str) -> str | None:
        """The single value of ``key`` (the last one if repeated), stripped; None when absent."""
        values = self._values(key)
        if not values:
            return None
        if len(values) > 1:
            self.warn("share.repeated", param=key, value=_shown(values[-1]))
        return values[-1].strip()

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        """One of ``choices`` (case-insensitive), or None (with a warning when something else was given)."""
        text = self.text(key)
        if text is None:
            return None
        if text.lower() in choices:
            return text.lower()
        self.warn("share.not_one_of", param=key, value=_shown(text), choices=", ".join(choices))
        return None

    def items(self, key: str, choices: tuple[str, ...]) -> tuple[str, ...] | None:
        """The known items of a comma-separated (or repeated) key; unknown items are dropped one by one."""
        values = self._values(key)
        if not values:
            return None
        items = [item.strip() for value in values for item in value.split(",") if item.strip()]
        known = []
        for item in items:
            if item.lower() in choices:
                known.append(item.lower())
            else:
                self.warn("share.not_one_of", param=key, value=_shown(item), choices=", ".join(choices))
        return tuple(known)

    def scope(self) -> dict[str, object]:
        """``scope`` and ``scope_value``, consistent with each other (else the world)."""
        scope = self.choice("scope", SCOPES)
        value = self.text("value")
        if scope in (None, "world"):
            if value:
                self.warn("share.value_without_scope", value=_shown(value))
            return {}
        if not value:
            self.warn("share.missing_value", scope=scope)
            return {}
        if scope == "region" and value.lower() in REGIONS:
            return {"scope": scope, "scope_value": value.lower()}
        if scope == "country" and _ISO3.fullmatch(value.upper()):
            return {"scope": scope, "scope_value": value.upper()}
        if scope == "region":
            self.warn("share.not_one_of", param="value", value=_shown(value), choices=", ".join(REGIONS))
        else:
            self.warn("share.bad_iso3", value=_shown(value))
        return {}

    def layers(self) -> tuple[str, ...] | None:
        """The known layers; ``none`` (or empty) for no layer; None (the default) if none is known."""
        values = self._values("layers")
        if values and all(value.strip().lower() in ("", NO_LAYERS) for value in values):
            return ()
        layers = self.items("layers", LAYERS)
        return layers or None

    def workers(self) -> tuple[int | None, int | None] | None:
        """``MIN-MAX`` (either side may be empty) as whole numbers ≥ 0, MIN ≤ MAX."""
        text = self.text("workers")
        if text is None:
            return None
        match = _WORKERS.fullmatch(text)
        low, high = (int(g) if g else None for g in match.groups()) if match else (None, None)
        if match is None or (low is not None and high is not None and low > high):
            self.warn("share.bad_workers", value=_shown(text))
            return None
        return low, high

    def dates(self) -> tuple[dt.date | None, dt.date | None] | None:
        """``from`` and ``to`` as dates, the first not after the second."""
        first, last = (self._date(key) for key in ("from", "to"))
        if first is not None and last is not None and first > last:
            self.warn("share.dates_reversed", first=first.isoformat(), last=last.isoformat())
            return None
        return (first, last) if (first, last) != (None, None) else None

    def opacity(self) -> float | None:
        """A number from 0 to 1."""
        text = self.text("opacity")
        if text is None:
            return None
        try:
            return _opacity(float(text))
        except ValueError:
            self.warn("share.bad_opacity", value=_shown(text))
            return None

    def view(self) -> tuple[float, float, int] | None:
        """``lat,lon,zoom`` within the world and Leaflet's zoom levels."""
        text = self.text("view")
        if text is None:
            return None
        try:
            lat, lon, zoom = (part.strip() for part in text.split(","))
            if not re.fullmatch(r"\d+", zoom):
                raise ValueError(zoom)
            return _view((float(lat), float(lon), int(zoom)))
        except ValueError:
            self.warn("share.bad_view", value=_shown(text))
            return None

    def _date(self, key: str) -> dt.date | None:
        """One ``YYYY-MM-DD`` date, or None."""
        text = self.text(key)
        if text is None:
            return None
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.warn("share.bad_date", param=key, value=_shown(text))
            return None

    def _values(self, key: str) -> list[str]:
        """Every value given for ``key`` (values that are not text are dropped with a warning)."""
        raw = self.params.get(key)
        values = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
        texts = [value for value in values if isinstance(value, str)]
        if len(texts) < len(values):
            self.warn("share.not_text", param=key)
        return texts


def _set(state: ExplorerState, name: str, value: object) -> None:
    """Store the canonical form of a field of the frozen state."""
    object.__setattr__(state, name, value)


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; ValueError naming the field otherwise."""
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {choices}")
    return value


def _choices(name: str, values: object, choices: tuple[str, ...]) -> tuple[str, ...]:
    """Known values in the order of ``choices``, without repeats."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(f"{name}={values!r} must be a tuple of values from {choices}")
    values = tuple(values)
    unknown = [value for value in values if value not in choices]
    if unknown:
        raise ValueError(f"{name}={values!r} holds {unknown}, not among {choices}")
    return tuple(choice for choice in choices if choice in values)


def _scope_value(scope: str, value: object) -> str | None:
    """The region or ISO3 code a scope needs (None for the world)."""
    if scope == "world":
        if value is not None:
            raise ValueError(f"scope_value={value!r} must be None when scope='world'")
        return None
    if scope == "region" and value not in REGIONS:
        raise ValueError(f"scope_value={value!r} is not one of {REGIONS} (scope='region')")
    if scope == "country" and not (isinstance(value, str) and _ISO3.fullmatch(value)):
        raise ValueError(f"scope_value={value!r} is not an ISO3 code of three capital letters (scope='country')")
    return value


def _workers(workers: object) -> tuple[int | None, int | None]:
    """(min, max) whole numbers ≥ 0 or None, min ≤ max."""
    if not (isinstance(workers, tuple | list) and len(workers) == 2):
        raise ValueError(f"workers={workers!r} must be a (min, max) pair")
    for n in workers:
        if n is not None and (isinstance(n, bool) or not isinstance(n, Integral) or n < 0):
            raise ValueError(f"workers={workers!r}: each bound must be a whole number ≥ 0 or None")
    low, high = (None if n is None else int(n) for n in workers)
    if low is not None and high is not None and low > high:
        raise ValueError(f"workers={workers!r}: the minimum is above the maximum")
    return low, high


def _dates(dates: object) -> tuple[dt.date | None, dt.date | None]:
    """(from, to) dates or None, from ≤ to."""
    if not (isinstance(dates, tuple | list) and len(dates) == 2):
        raise ValueError(f"dates={dates!r} must be a (from, to) pair")
    for day in dates:
        if day is not None and (not isinstance(day, dt.date) or isinstance(day, dt.datetime)):
            raise ValueError(f"dates={dates!r}: each bound must be a datetime.date or None")
    first, last = dates
    if first is not None and last is not None and first > last:
        raise ValueError(f"dates={dates!r}: the start is after the end")
    return first, last


def _opacity(opacity: object) -> float:
    """A number from 0 to 1, rounded to 2 decimals."""
    if isinstance(opacity, bool) or not isinstance(opacity, Real) or not 0 <= opacity <= 1:
        raise ValueError(f"raster_opacity={opacity!r} must be a number from 0 to 1")
    return round(float(opacity), OPACITY_DECIMALS) + 0.0


def _view(view: object) -> tuple[float, float, int] | None:
    """(lat, lon, zoom) inside the world and Leaflet's zoom range, coordinates rounded to 5 decimals."""
    if view is None:
        return None
    if not (isinstance(view, tuple | list) and len(view) == 3):
        raise ValueError(f"view={view!r} must be (lat, lon, zoom) or None")
    lat, lon, zoom = view
    numbers_ok = all(isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(x) for x in (lat, lon))
    if not numbers_ok or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"view={view!r}: latitude must be within ±90 and longitude within ±180")
    if isinstance(zoom, bool) or not isinstance(zoom, Integral) or not 0 <= zoom <= MAX_ZOOM:
        raise ValueError(f"view={view!r}: zoom must be a whole number from 0 to {MAX_ZOOM}")
    return round(float(lat), VIEW_DECIMALS) + 0.0, round(float(lon), VIEW_DECIMALS) + 0.0, int(zoom)


def _decimal(value: float, decimals: int) -> str:
    """A rounded number in plain decimal notation without trailing zeros (``-78.2``, ``0``, ``1e-05`` → ``0.00001``)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _shown(text: str) -> str:
    """What the user typed, quoted and cut short, for a warning."""
    text = text if len(text) <= SHOWN_VALUE_CHARS else text[:SHOWN_VALUE_CHARS] + "…"
    return f"“{text}”"
