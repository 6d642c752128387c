"""The workshop's slide sequences: open, step through, save the current view, reorder, delete, share.

Buttons act through callbacks (they run before the next script run, so they may set the widgets a
slide describes); each leaves a message for that run. The page URL carries ``sequence`` and
``slide`` while a sequence is open, so a reload or a shared link opens the same slide.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from asmgeo.i18n import t
from asmgeo.maps import slides
from asmgeo.maps.share import to_query_params
from asmgeo.maps.slides import Sequence, Slide, SlideError, UnknownSequenceError
from asmgeo.store.slides import SLIDES_TABLE
from ui import data, workshop_controls, workshop_view
from ui import state as keys
from ui.feedback import keep_outcome, plain

# ------------------------------------------------------------------ reads


@st.cache_data(show_spinner=False, max_entries=8)
def _sequences(version: tuple) -> dict[str, int]:
    return slides.sequences(data.store())


def stored() -> dict[str, int]:
    """Name → number of slides of every stored sequence (re-read whenever the slides change)."""
    return _sequences(data.cache_key(SLIDES_TABLE))


@st.cache_data(show_spinner=False, max_entries=16)
def _sequence(version: tuple, name: str, lang: str) -> Sequence:
    return slides.load_sequence(data.store(), name, lang)


def load(name: str, lang: str) -> Sequence:
    """The stored sequence ``name`` (:class:`UnknownSequenceError` when there is none)."""
    return _sequence(data.cache_key(SLIDES_TABLE), name, lang)


def open_sequence(lang: str) -> Sequence | None:
    """The open sequence, or None (none open, or it was deleted meanwhile: then none is open any more)."""
    name = st.session_state.get(keys.WORKSHOP_OPEN)
    if name is None:
        return None
    try:
        return load(name, lang)
    except UnknownSequenceError:
        _close()
        return None


def _close() -> None:
    """No sequence open: the next slide saved starts a new one."""
    st.session_state[keys.WORKSHOP_OPEN], st.session_state[keys.WORKSHOP_SLIDE] = None, None


# --------------------------------------------------------- showing a slide


def show_slide(sequence: Sequence, index: int, lang: str) -> None:
    """Put slide ``index`` of ``sequence`` into the widgets and the map (before the widgets are drawn)."""
    slide = sequence.slides[index]
    workshop_controls.show_state(slide.area, slide.state, workshop_controls.country_names(lang))
    workshop_view.show(slide.area, slide.view)
    st.session_state[keys.WORKSHOP_OPEN] = sequence.name
    st.session_state[keys.WORKSHOP_SLIDE] = index


def follow_url(lang: str) -> list[str]:
    """Open the slide a new ``?sequence=…&slide=…`` asks for; a sentence for whatever cannot be followed."""
    params = st.query_params.to_dict()
    asked = (params.get("sequence"), params.get("slide"))
    if st.session_state.get(keys.WORKSHOP_URL_SEEN) == asked:
        return []
    st.session_state[keys.WORKSHOP_URL_SEEN] = asked
    link = slides.read_link(params, lang)
    warnings = list(link.warnings)
    if link.sequence is None:
        return warnings
    try:
        sequence = load(link.sequence, lang)
    except UnknownSequenceError:
        return [*warnings, t("workshop.url.unknown_sequence", lang, value=slides.shown(link.sequence))]
    if not sequence.slides:
        return [*warnings, *sequence.problems]
    number = link.slide or 1
    if number > len(sequence):
        warnings.append(t("workshop.url.slide_out_of_range", lang, value=number, name=slides.shown(sequence.name),
                          count=len(sequence)))
        number = 1
    show_slide(sequence, number - 1, lang)
    return warnings


def keep_url() -> None:
    """Write the open sequence and slide into the page URL (or take them out)."""
    name, index = st.session_state.get(keys.WORKSHOP_OPEN), st.session_state.get(keys.WORKSHOP_SLIDE)
    wanted = (name, str(index + 1)) if name is not None and index is not None else (None, None)
    for key, value in zip(("sequence", "slide"), wanted):
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[keys.WORKSHOP_URL_SEEN] = wanted


# --------------------------------------------------------------- callbacks


def _leave(action: Callable[[], tuple[str, str] | None], lang: str) -> None:
    """Run a button's action; keep its message (or the error it raised) for the next run."""
    keep_outcome(keys.WORKSHOP_MESSAGE, action, lang)


def on_open(lang: str) -> None:
    """Open button: the sequence chosen in the select box, on its first slide."""
    def open_chosen():
        name = st.session_state.get(keys.WORKSHOP_SEQUENCE)
        if name is None:
            return
        sequence = load(name, lang)
        if sequence.slides:
            show_slide(sequence, 0, lang)
    _leave(open_chosen, lang)


def on_close() -> None:
    """Close button: the next slide saved starts a new sequence."""
    _close()


def on_step(offset: int, lang: str) -> None:
    """Previous / Next: the slide ``offset`` places away, kept within the sequence."""
    def step():
        sequence = open_sequence(lang)
        if sequence is None or not sequence.slides:
            return
        current = st.session_state.get(keys.WORKSHOP_SLIDE)
        index = 0 if current is None else max(0, min(len(sequence) - 1, current + offset))
        show_slide(sequence, index, lang)
    _leave(step, lang)


def on_go(index: int, lang: str) -> None:
    """A slide's "Show" button."""
    def go():
        sequence = open_sequence(lang)
        if sequence is not None and 0 <= index < len(sequence):
            show_slide(sequence, index, lang)
    _leave(go, lang)


def current_slide(caption: str) -> Slide:
    """The current view as a slide: area, layers, filters and the extent the map reports."""
    area = workshop_controls.current_area()
    if area is None:
        raise SlideError("workshop.error.no_area")
    state = workshop_controls.current_state(area)
    return Slide(caption, area, dataclasses.replace(state, view=workshop_view.extent()))


def on_save(lang: str) -> None:
    """Save this view as a slide at the end of the chosen (or a new) sequence."""
    def save():
        s = st.session_state
        name = s.get(keys.WORKSHOP_OPEN)
        slide = current_slide(s.get(keys.WORKSHOP_CAPTION, ""))
        if name is None:
            name = slides.check_name(s.get(keys.WORKSHOP_NEW_NAME, ""))
            if name in stored():
                raise SlideError("workshop.error.exists", value=slides.shown(name))
        sequence = slides.add_slide(data.store(), name, slide, lang)
        s[keys.WORKSHOP_OPEN] = sequence.name
        s[keys.WORKSHOP_SLIDE] = len(sequence) - 1
        s[keys.WORKSHOP_CAPTION] = ""
        s[keys.WORKSHOP_NEW_NAME] = ""
        return "success", t("workshop.saved", lang, number=len(sequence), name=slides.shown(sequence.name))
    _leave(save, lang)


def on_move(slide_id: str, offset: int, lang: str) -> None:
    """A slide's up / down button; the slide shown stays the one shown."""
    def move():
        name = st.session_state[keys.WORKSHOP_OPEN]
        before = load(name, lang)
        index = st.session_state.get(keys.WORKSHOP_SLIDE)
        shown_id = before.slides[index].slide_id if index is not None and index < len(before) else None
        after = slides.move_slide(data.store(), name, slide_id, offset, lang)
        if shown_id is not None:
            st.session_state[keys.WORKSHOP_SLIDE] = after.index_of(shown_id)
    _leave(move, lang)


def on_delete(slide_id: str, lang: str) -> None:
    """A slide's delete button."""
    def delete():
        name = st.session_state[keys.WORKSHOP_OPEN]
        after = slides.delete_slide(data.store(), name, slide_id, lang)
        index = st.session_state.get(keys.WORKSHOP_SLIDE)
        if not after.slides:
            _close()
        elif index is not None:
            st.session_state[keys.WORKSHOP_SLIDE] = min(index, len(after) - 1)
        return "success", t("workshop.deleted", lang)
    _leave(delete, lang)


def on_delete_sequence(lang: str) -> None:
    """Delete the open sequence and all its slides."""
    def delete():
        name = st.session_state[keys.WORKSHOP_OPEN]
        count = slides.delete_sequence(data.store(), name)
        _close()
        return "success", t("workshop.sequence_deleted", lang, name=slides.shown(name), count=count)
    _leave(delete, lang)


def on_import(lang: str) -> None:
    """Store a sequence file (JSON) read from the uploader, under a free name, and open it."""
    def load_file():
        upload = st.session_state.get(keys.WORKSHOP_IMPORT)
        if upload is None:
            return None
        sequence = slides.from_json(upload.getvalue(), lang)
        name = slides.free_name(sequence.name, stored())
        saved = slides.save_sequence(data.store(), Sequence(name, sequence.slides), lang)
        show_slide(saved, 0, lang)
        return "success", t("workshop.imported", lang, name=slides.shown(name), count=len(saved))
    _leave(load_file, lang)


def show_message() -> None:
    """Show (once) what the last callback left."""
    kind, text = st.session_state.pop(keys.WORKSHOP_MESSAGE, (None, None))
    if kind is not None:
        getattr(st, kind)(text)


# ------------------------------------------------------------------ panels


def render_stepper(sequence: Sequence | None, lang: str) -> None:
    """Above the map: "Slide i of n", the caption in large type, Previous and Next (PageUp / PageDown)."""
    index = st.session_state.get(keys.WORKSHOP_SLIDE)
    if sequence is None or not sequence.slides or index is None or index >= len(sequence):
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(t("workshop.previous", lang), key=keys.WORKSHOP_PREVIOUS, on_click=on_step, args=(-1, lang),
                  disabled=index == 0, shortcut="PageUp", icon=":material/arrow_back:")
        st.button(t("workshop.next", lang), key=keys.WORKSHOP_NEXT, on_click=on_step, args=(1, lang),
                  disabled=index == len(sequence) - 1, shortcut="PageDown", icon=":material/arrow_forward:")
        st.caption(t("workshop.slide_of", lang, number=index + 1, count=len(sequence), name=plain(sequence.name)))
    st.header(plain(sequence.slides[index].caption), anchor=False)


def render_editor(sequence: Sequence | None, lang: str) -> None:
    """Save the current view as a slide; the open sequence's slides with their buttons and share links."""
    counts = stored()
    st.subheader(t("workshop.slides", lang))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(t("workshop.sequence", lang), list(counts), index=None, key=keys.WORKSHOP_SEQUENCE,
                     format_func=lambda n: t("workshop.sequence_choice", lang, name=n, count=counts.get(n, 0)),
                     placeholder=t("workshop.choose_sequence", lang), width=360)
        st.button(t("workshop.open_chosen", lang), key=keys.WORKSHOP_OPEN_BUTTON, on_click=on_open, args=(lang,),
                  icon=":material/folder_open:", disabled=not counts)
        if sequence is not None:
            st.button(t("workshop.new_sequence", lang), key=keys.WORKSHOP_CLOSE_BUTTON, on_click=on_close,
                      icon=":material/add:", help=t("workshop.close_help", lang))
    if sequence is None:
        st.caption(t("workshop.no_sequence", lang))
    else:
        st.caption(t("workshop.open_sequence", lang, name=plain(sequence.name), count=len(sequence)))
    name, caption = st.columns([2, 3]) if sequence is None else (None, st.container())
    if name is not None:
        name.text_input(t("workshop.new_name", lang), key=keys.WORKSHOP_NEW_NAME, max_chars=slides.MAX_NAME_CHARS)
    caption.text_input(t("workshop.caption", lang), key=keys.WORKSHOP_CAPTION, max_chars=slides.MAX_CAPTION_CHARS,
                       placeholder=t("workshop.caption_placeholder", lang))
    st.button(t("workshop.save", lang), key=keys.WORKSHOP_SAVE, on_click=on_save, args=(lang,), type="primary",
              icon=":material/add_photo_alternate:")
    if sequence is None:
        return
    for problem in sequence.problems:
        st.warning(problem)
    shown_index = st.session_state.get(keys.WORKSHOP_SLIDE)
    for index, slide in enumerate(sequence.slides):
        _slide_row(sequence, index, slide, index == shown_index, lang)
    st.button(t("workshop.delete_sequence", lang), key=keys.WORKSHOP_DELETE_SEQUENCE, on_click=on_delete_sequence,
              args=(lang,), icon=":material/delete_forever:")


def _slide_row(sequence: Sequence, index: int, slide: Slide, current: bool, lang: str) -> None:
    """One slide of the list: number and caption, show / up / down / delete, its share link, the explorer."""
    button = f"{keys.WORKSHOP_SLIDE_BUTTON}.{{}}.{slide.slide_id}"
    with st.container(border=True):
        marker = "▶ " if current else ""
        st.markdown(f"{marker}**{index + 1}.** {plain(slide.caption)}")
        with st.container(horizontal=True):
            st.button(t("workshop.show", lang), key=button.format("go"), on_click=on_go, args=(index, lang),
                      icon=":material/slideshow:", type="primary" if current else "secondary")
            st.button(t("workshop.up", lang), key=button.format("up"), on_click=on_move,
                      args=(slide.slide_id, -1, lang), disabled=index == 0, icon=":material/arrow_upward:")
            st.button(t("workshop.down", lang), key=button.format("down"), on_click=on_move,
                      args=(slide.slide_id, 1, lang), disabled=index == len(sequence) - 1,
                      icon=":material/arrow_downward:")
            st.button(t("workshop.delete", lang), key=button.format("delete"), on_click=on_delete,
                      args=(slide.slide_id, lang), icon=":material/delete:")
            st.link_button(t("workshop.in_explorer", lang), explorer_link(slide, lang), icon=":material/layers:",
                           help=t("workshop.in_explorer_help", lang))
        st.caption(t("workshop.share_link", lang))
        st.code(slides.share_link(sequence.name, index + 1, lang), language=None)


def explorer_link(slide: Slide, lang: str) -> str:
    """The slide in the map explorer (a new tab, so the explorer reads the link): layers, filters, extent."""
    return f"/explorer?{urlencode({**to_query_params(slide.state), 'lang': lang}, safe=',')}"


def render_transfer(sequence: Sequence | None, lang: str) -> None:
    """Carry a sequence to another machine: download it as a file, or load such a file."""
    with st.expander(t("workshop.transfer", lang)):
        if sequence is not None and sequence.slides:
            st.download_button(t("workshop.download_sequence", lang), slides.to_json(sequence).encode("utf-8"),
                               file_name=f"asmgeo-slides-{_file_stem(sequence.name)}.json",
                               mime="application/json", on_click="ignore", key=keys.WORKSHOP_DOWNLOAD_SEQUENCE)
        st.file_uploader(t("workshop.import_sequence", lang), type=["json"], key=keys.WORKSHOP_IMPORT,
                         on_change=on_import, args=(lang,))


def _file_stem(name: str) -> str:
    """A sequence name made safe for a file name."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")
    return stem[:40] or "sequence"
