"""Workshop slides: saved map views (area, layers, filters, extent, caption) in named sequences.

API::

    from asmgeo.maps.slides import Slide, add_slide, load_sequence, move_slide, delete_slide, sequences

    slide = Slide("Mercury hot spots", Area(region="africa"), ExplorerState(layers=("mercury",), view=(0.5, 30.1, 6)))
    add_slide(store, "Dakar workshop", slide)     # a new sequence, or appended to the end of it
    sequence = load_sequence(store, "Dakar workshop")
    move_slide(store, "Dakar workshop", sequence.slides[0].slide_id, +1)
    share_link("Dakar workshop", 2, "fr")       # /workshop?sequence=Dakar+workshop&slide=2&lang=fr

Each slide is one row of the store's table ``workshop_slides`` (see :data:`COLUMNS`), read and written
as plain rows through the :class:`~asmgeo.store.base.Store` (``slide_rows``, ``edit_slides``): the
layers and filters are the explorer's own query string (:mod:`asmgeo.maps.share`: canonical and
checked), the extent is ``lat``/``lon``/``zoom``. Every change is one store transaction, so a
sequence is never left half-written, and the table opens in QGIS like any other. A row that
cannot be read (edited by hand, written by a later version) is left out of its sequence with a
sentence saying why: loading never fails because of one bad slide.

Bad input raises :class:`SlideError` (an :class:`~asmgeo.errors.AsmgeoError` and a ``ValueError``)
whose message names the bad value; ``SlideError.text(lang)`` gives it in the user's language.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from asmgeo.errors import KeyedError
from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.i18n import check_lang as _check_lang
from asmgeo.maps.share import ExplorerState, from_query_params, to_query_params
from asmgeo.maps.workshop import Area
from asmgeo.store import Store
from asmgeo.store.slides import SLIDE_COLUMNS, SLIDES_TABLE

TABLE = SLIDES_TABLE  # the store's table of slides, one row per slide
COLUMNS = SLIDE_COLUMNS
MAX_NAME_CHARS = 80
MAX_CAPTION_CHARS = 300
MAX_SLIDES = 200  # slides in one sequence
SHOWN_CHARS = 40  # a message quotes at most this much of a bad value
PAGE_PATH = "/workshop"
FILE_KIND = "asmgeo-workshop-sequence"
FILE_VERSION = 1


class SlideError(KeyedError, ValueError):
    """A bad sequence name, caption, slide or sequence file; the message names the bad value.

    Raised by catalogue key, ``SlideError("workshop.error.full", name=..., limit=...)``; ``text(lang)`` words it.
    """


class UnknownSequenceError(SlideError):
    """No sequence of that name is stored."""


def shown(value: object) -> str:
    """A value quoted for a message, cut to :data:`SHOWN_CHARS` characters."""
    text = value if isinstance(value, str) else repr(value)
    return f"“{text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + '…'}”"


def _text(value: object, what: str, limit: int) -> str:
    """``value`` stripped: text, not empty, at most ``limit`` characters, without control characters."""
    if not isinstance(value, str):
        raise SlideError("workshop.error.not_text", field=what, value=shown(value))
    text = value.strip()
    if not text:
        raise SlideError(f"workshop.error.{what}_empty", value=shown(value))
    if len(text) > limit:
        raise SlideError(f"workshop.error.{what}_long", value=shown(text), length=len(text), limit=limit)
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise SlideError(f"workshop.error.{what}_control", value=shown(text))
    return text


def check_name(name: object) -> str:
    """A sequence name: text of 1 to :data:`MAX_NAME_CHARS` characters (stripped), one line."""
    return _text(name, "name", MAX_NAME_CHARS)


def check_caption(caption: object) -> str:
    """A slide caption: text of 1 to :data:`MAX_CAPTION_CHARS` characters (stripped), one line."""
    return _text(caption, "caption", MAX_CAPTION_CHARS)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Slide:
    """One saved view: caption, area, the explorer state (layers, filters) and its extent ``state.view``."""

    caption: str
    area: Area
    state: ExplorerState
    slide_id: str = field(default_factory=_new_id)
    created_at: str = field(default_factory=_now)

    def __post_init__(self) -> None:
        """Check every field; the caption is kept stripped."""
        object.__setattr__(self, "caption", check_caption(self.caption))
        if not isinstance(self.area, Area):
            raise SlideError("workshop.error.not_type", field="area", kind="Area", value=shown(self.area))
        if not isinstance(self.state, ExplorerState):
            raise SlideError("workshop.error.not_type", field="state", kind="ExplorerState", value=shown(self.state))
        if self.state.view is None:
            raise SlideError("workshop.error.no_view")
        if not (isinstance(self.slide_id, str) and self.slide_id.strip()):
            raise SlideError("workshop.error.not_text", field="slide_id", value=shown(self.slide_id))

    @property
    def view(self) -> tuple[float, float, int]:
        """(lat, lon, zoom) of the saved extent."""
        return self.state.view

    def query(self) -> str:
        """The layers and filters as the explorer's query string (without the view)."""
        return urlencode(to_query_params(replace(self.state, view=None)), safe=",")


@dataclass(frozen=True)
class Sequence:
    """A named, ordered list of slides, and a sentence for each stored slide that could not be read."""

    name: str
    slides: tuple[Slide, ...] = ()
    problems: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.slides)

    def index_of(self, slide_id: str) -> int:
        """Position (0-based) of the slide ``slide_id``; SlideError when it is not in this sequence."""
        for index, slide in enumerate(self.slides):
            if slide.slide_id == slide_id:
                return index
        raise SlideError("workshop.error.unknown_slide", name=shown(self.name), value=shown(slide_id))


# ------------------------------------------------------------------- rows


def slide_row(name: str, position: int, slide: Slide) -> dict:
    """The ``workshop_slides`` row of ``slide`` at ``position`` (0-based) of sequence ``name``."""
    lat, lon, zoom = slide.view
    return {"slide_id": slide.slide_id, "sequence": name, "position": position, "caption": slide.caption,
            "area": slide.area.to_text(), "query": slide.query(), "lat": lat, "lon": lon, "zoom": zoom,
            "created_at": slide.created_at}


def slide_from_row(row: Mapping[str, object], lang: str = DEFAULT_LANGUAGE) -> tuple[Slide, list[str]]:
    """The slide a stored row describes, and a sentence per value of its query string that was dropped.

    Raises ValueError (naming the bad value) when the row cannot make a slide at all.
    """
    query = row.get("query")
    if not isinstance(query, str):
        raise ValueError(f"query={shown(query)} is not text")
    params = {key: values[-1] if len(values) == 1 else values
              for key, values in parse_qs(query, keep_blank_values=True).items()}
    state, warnings = from_query_params(params, lang=lang)
    zoom = row.get("zoom")
    if isinstance(zoom, float) and zoom.is_integer():
        zoom = int(zoom)
    lat, lon = (row.get(k) for k in ("lat", "lon"))
    state = replace(state, view=(lat, lon, zoom))  # ValueError naming the view when it is not one
    created = row.get("created_at")
    slide = Slide(caption=row.get("caption"), area=Area.from_text(row.get("area")), state=state,
                  slide_id=row.get("slide_id"), created_at=created if isinstance(created, str) else "")
    return slide, warnings


def _sequence(name: str, rows: list[dict], lang: str) -> Sequence:
    """The sequence made of its stored ``rows`` (in position order); unreadable rows become problems."""
    slides, problems = [], []
    for number, row in enumerate(rows, start=1):
        try:
            slide, warnings = slide_from_row(row, lang)
        except ValueError as exc:
            reason = exc.text(lang) if isinstance(exc, SlideError) else str(exc)
            problems.append(t("workshop.problem.row", lang, position=number, name=shown(name), reason=reason))
            continue
        slides.append(slide)
        problems += [t("workshop.problem.value", lang, position=number, name=shown(name), reason=w) for w in warnings]
    return Sequence(name, tuple(slides), tuple(problems))


# ------------------------------------------------------------------ store


def _renumbered(rows: list[dict]) -> list[dict]:
    """``rows`` with the positions 0, 1, … in their order."""
    return [{**row, "position": position} for position, row in enumerate(rows)]


def sequences(store: Store) -> dict[str, int]:
    """Each stored sequence's name and number of slides, by name (case-insensitive)."""
    return dict(sorted(store.slide_counts().items(), key=lambda item: item[0].casefold()))


def load_sequence(store: Store, name: str, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """The stored sequence ``name``; :class:`UnknownSequenceError` when there is none."""
    _check_lang(lang)
    name = check_name(name)
    rows = store.slide_rows(name)
    if not rows:
        raise UnknownSequenceError("workshop.error.unknown_sequence", value=shown(name))
    return _sequence(name, rows, lang)


def add_slide(store: Store, name: str, slide: Slide, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """Append ``slide`` to the sequence ``name`` (created when new); returns the sequence as stored."""
    _check_lang(lang)
    name = check_name(name)
    if not isinstance(slide, Slide):
        raise SlideError("workshop.error.not_type", field="slide", kind="Slide", value=shown(slide))

    def appended(rows: list[dict]) -> list[dict]:
        if len(rows) >= MAX_SLIDES:
            raise SlideError("workshop.error.full", name=shown(name), limit=MAX_SLIDES)
        added = slide if all(row["slide_id"] != slide.slide_id for row in rows) else replace(slide, slide_id=_new_id())
        return [*rows, slide_row(name, len(rows), added)]

    return _sequence(name, store.edit_slides(name, appended), lang)


def move_slide(store: Store, name: str, slide_id: str, offset: int, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """Move the slide ``slide_id`` by ``offset`` places (−1: one up), kept within the sequence."""
    _check_lang(lang)
    name = check_name(name)
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise SlideError("workshop.error.not_type", field="offset", kind="int", value=shown(offset))

    def moved(rows: list[dict]) -> list[dict]:
        if not rows:
            raise UnknownSequenceError("workshop.error.unknown_sequence", value=shown(name))
        ids = [row["slide_id"] for row in rows]
        if slide_id not in ids:
            raise SlideError("workshop.error.unknown_slide", name=shown(name), value=shown(slide_id))
        old = ids.index(slide_id)
        others = [row for row in rows if row["slide_id"] != slide_id]
        place = max(0, min(len(others), old + offset))
        others[place:place] = [row for row in rows if row["slide_id"] == slide_id]
        return _renumbered(others)

    if not store.slide_rows(name):  # nothing to change, and no table to make for it
        raise UnknownSequenceError("workshop.error.unknown_sequence", value=shown(name))
    return _sequence(name, store.edit_slides(name, moved), lang)


def delete_slide(store: Store, name: str, slide_id: str, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """Delete the slide ``slide_id``; returns what is left of the sequence (no slides: the sequence is gone)."""
    _check_lang(lang)
    name = check_name(name)

    def deleted(rows: list[dict]) -> list[dict]:
        kept = [row for row in rows if row["slide_id"] != slide_id]
        if len(kept) == len(rows):
            raise SlideError("workshop.error.unknown_slide", name=shown(name), value=shown(slide_id))
        return _renumbered(kept)

    if not store.slide_rows(name):
        raise SlideError("workshop.error.unknown_slide", name=shown(name), value=shown(slide_id))
    return _sequence(name, store.edit_slides(name, deleted), lang)


def delete_sequence(store: Store, name: str) -> int:
    """Delete every slide of the sequence ``name``; returns how many there were."""
    name = check_name(name)
    if not store.slide_rows(name):
        return 0
    counted: list[int] = []

    def emptied(rows: list[dict]) -> list[dict]:
        counted.append(len(rows))
        return []

    store.edit_slides(name, emptied)
    return counted[-1]


def save_sequence(store: Store, sequence: Sequence, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """Store ``sequence`` under its name, which must be free, with new slide ids (e.g. one read from a file)."""
    _check_lang(lang)
    if not isinstance(sequence, Sequence):
        raise SlideError("workshop.error.not_type", field="sequence", kind="Sequence", value=shown(sequence))
    name = check_name(sequence.name)
    if not sequence.slides:
        raise SlideError("workshop.error.no_slides", name=shown(name))
    if len(sequence.slides) > MAX_SLIDES:
        raise SlideError("workshop.error.full", name=shown(name), limit=MAX_SLIDES)

    def saved(rows: list[dict]) -> list[dict]:
        if rows:
            raise SlideError("workshop.error.exists", value=shown(name))
        return [slide_row(name, position, replace(slide, slide_id=_new_id()))
                for position, slide in enumerate(sequence.slides)]

    return _sequence(name, store.edit_slides(name, saved), lang)


def free_name(name: str, taken: set[str] | dict[str, int]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… the first that is not ``taken``."""
    name = check_name(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: MAX_NAME_CHARS - len(suffix)].rstrip() + suffix
    return candidate


# --------------------------------------------------------------- JSON file


def to_json(sequence: Sequence) -> str:
    """The sequence as a small JSON document (to carry it to another machine)."""
    if not isinstance(sequence, Sequence):
        raise SlideError("workshop.error.not_type", field="sequence", kind="Sequence", value=shown(sequence))
    slides = [{"caption": s.caption, "area": s.area.to_text(), "query": s.query(), "view": list(s.view),
               "slide_id": s.slide_id, "created_at": s.created_at} for s in sequence.slides]
    return json.dumps({"kind": FILE_KIND, "version": FILE_VERSION, "name": sequence.name, "slides": slides},
                      ensure_ascii=False, indent=1)


def from_json(text: str | bytes, lang: str = DEFAULT_LANGUAGE) -> Sequence:
    """The sequence a :func:`to_json` document holds; :class:`SlideError` naming the first problem otherwise."""
    _check_lang(lang)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as exc:
        raise SlideError("workshop.error.bad_file", reason=str(exc)) from exc
    if not isinstance(document, dict) or document.get("kind") != FILE_KIND:
        raise SlideError("workshop.error.bad_file", reason=f"kind is not {FILE_KIND!r}")
    if document.get("version") != FILE_VERSION:
        reason = f"version={shown(document.get('version'))}, expected {FILE_VERSION}"
        raise SlideError("workshop.error.bad_file", reason=reason)
    name = check_name(document.get("name"))
    items = document.get("slides")
    if not isinstance(items, list) or not items:
        raise SlideError("workshop.error.no_slides", name=shown(name))
    slides, problems = [], []
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict) or not (isinstance(item.get("view"), list) and len(item["view"]) == 3):
                raise ValueError("each slide needs a caption, an area, a query and a view [lat, lon, zoom]")
            lat, lon, zoom = item["view"]
            row = {**item, "lat": lat, "lon": lon, "zoom": zoom}
            slide, warnings = slide_from_row(row, lang)
        except ValueError as exc:
            reason = exc.text(lang) if isinstance(exc, SlideError) else str(exc)
            raise SlideError("workshop.error.bad_slide", position=number, reason=reason) from exc
        slides.append(slide)
        problems += [t("workshop.problem.value", lang, position=number, name=shown(name), reason=w) for w in warnings]
    return Sequence(name, tuple(slides), tuple(problems))


# ------------------------------------------------------------------ links


def share_link(name: str, number: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """``/workshop?sequence=…&slide=…&lang=…``: the page opened on slide ``number`` (1-based) of ``name``."""
    _check_lang(lang)
    name = check_name(name)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise SlideError("workshop.error.not_type", field="number", kind="int ≥ 1", value=shown(number))
    return f"{PAGE_PATH}?{urlencode({'sequence': name, 'slide': number, 'lang': lang})}"


@dataclass(frozen=True)
class LinkRequest:
    """What a page URL asks for: a sequence name and a slide number (1-based), each None when absent."""

    sequence: str | None
    slide: int | None
    warnings: tuple[str, ...] = ()


def read_link(params: Mapping[str, object], lang: str = DEFAULT_LANGUAGE) -> LinkRequest:
    """The sequence and slide a URL's query parameters ask for; never raises on what a user typed."""
    _check_lang(lang)
    warnings = []

    def single(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        return value.strip() if isinstance(value, str) else None

    name, number = single("sequence"), single("slide")
    if name is not None:
        try:
            name = check_name(name)
        except SlideError as exc:
            warnings.append(t("workshop.url.bad_sequence", lang, reason=exc.text(lang)))
            name = None
    slide = None
    if number is not None:
        if number.isdigit() and int(number) >= 1:
            slide = int(number)
        else:
            warnings.append(t("workshop.url.bad_slide", lang, value=shown(number)))
    if slide is not None and name is None and not warnings:
        warnings.append(t("workshop.url.slide_without_sequence", lang, value=slide))
    return LinkRequest(name, slide, tuple(warnings))
