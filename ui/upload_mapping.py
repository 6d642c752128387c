"""The upload page's mapping step: the layer of a multi-layer file, then each of our fields beside the file's columns.

What the widgets say becomes a :class:`~asmgeo.ingest.mapping.Mapping` (:func:`mapping_from_state`), and a
saved mapping becomes what the widgets say (:func:`state_from_mapping`); both are pure, so tests call them
with a dict. Every widget key is :func:`widget_key` of a ``ui.state`` prefix and the step (the file's
SHA-256 and the target layer), so a new file starts from what validation picks by itself while reruns of
the same file keep the user's choices. Every call to the named-mapping store is in this module.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Mapping as AbcMapping
from pathlib import Path

import streamlit as st

from asmgeo.errors import UploadFileError
from asmgeo.i18n import t
from asmgeo.ingest.mapping import Mapping, MappingError
from asmgeo.ingest.named_mappings import load_named_mapping, named_mappings, save_named_mapping
from asmgeo.ingest.proposals import FieldProposal, Proposals, ambiguous_formats, propose, unknown_values
from asmgeo.ingest.readers import RawFeatures, list_source_layers, read_features
from asmgeo.ingest.values import choice_index
from asmgeo.maps import popups
from asmgeo.schema import alias_key
from ui import data, feedback
from ui import state as keys
from ui.feedback import plain

AUTOMATIC = "\x1fautomatic"  # field option: the columns validation finds by their names
NO_COLUMN = "\x1fnone"  # field option: no column (only for a field no column is found for)
CONSTANT = "\x1fconstant"  # field option: one value for every feature that has none
KEEP = ""  # value option: leave a value we do not know as it is (its features are rejected)
AUTO_DATES = ""  # date format option: read the dates as validation does by itself
ALL_FOLDERS = "\x1fall"  # source layer option (KML): every folder, in order
NO_SAVED = ""  # saved-mapping option: none picked
FOLDER_SUFFIXES = (".kml", ".kmz")  # files whose layers are folders: all of them may be read together
SHORT_SHA = 12


@dataclasses.dataclass(frozen=True)
class Step:
    """The mapping step of one file for one layer: where its widgets live and what the file offers."""

    ident: str  # "<sha256 prefix>.<layer>[.<source layer digest>]", the suffix of every widget key
    sha256: str
    layer: str
    proposals: Proposals
    raw: RawFeatures


def widget_key(prefix: str, ident: str, *parts: str) -> str:
    """The session-state key of a mapping-step widget: ``prefix.ident[.part…]``."""
    return ".".join((prefix, ident, *parts))


def value_key(ident: str, field: str, value: str) -> str:
    """The key of the "map to" box of ``value`` in ``field`` (a digest: values may hold any character)."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
    return widget_key(keys.UPLOAD_MAP_VALUE, ident, field, digest)


# --------------------------------------------------------------- reading the file


def _with_file(name: str, content: bytes, action):
    """``action(path)`` on ``content`` in a temp file named like the upload (its suffix picks the reader)."""
    with tempfile.TemporaryDirectory(prefix="asmgeo-upload-") as folder:
        path = Path(folder) / (Path(name).name or "upload")
        path.write_bytes(content)
        return action(path)


def source_layers(name: str, content: bytes) -> list[str]:
    """The layers (GeoPackage) or folders (KML) of the upload; [] when it has one."""
    return _with_file(name, content, list_source_layers)


def read_step(name: str, content: bytes, layer: str, source_layer: str | None, lang: str) -> Step | None:
    """The mapping step of the upload for ``layer``; None when the file cannot be read (the report says why)."""
    def read(path: Path) -> RawFeatures | None:
        try:
            return read_features(path, layer, lang=lang, source_layer=source_layer)
        except UploadFileError:
            return None

    raw = _with_file(name, content, read)
    if raw is None or len(raw.frame) == 0:
        return None
    sha = hashlib.sha256(content).hexdigest()
    return Step(step_id(sha, layer, source_layer), sha, layer, propose(raw, layer), raw)


def step_id(sha256: str, layer: str, source_layer: str | None = None) -> str:
    """The suffix of the step's widget keys: the file, the target layer and the layer of the file read."""
    ident = f"{sha256[:SHORT_SHA]}.{layer}"
    if source_layer:
        ident += "." + hashlib.sha256(source_layer.encode("utf-8")).hexdigest()[:6]
    return ident


def file_step(name: str, content: bytes, layer: str, source_layer: str | None, lang: str) -> Step | None:
    """:func:`read_step`, read once per file, layer, layer of the file and language in the session."""
    sha = hashlib.sha256(content).hexdigest()
    return cached(sha, ("step", layer, source_layer, lang), lambda: read_step(name, content, layer, source_layer, lang))


def cached(sha: str, key: tuple, make):
    """``make()`` once per ``key`` for the file ``sha`` in the session; another file's entries are dropped."""
    kept = st.session_state.setdefault(keys.UPLOAD_FILES, {})
    if kept.get("sha256") != sha:  # a session holds the file in front of it, not the ones before
        kept.clear()
        kept["sha256"] = sha
    if key not in kept:
        kept[key] = make()
    return kept[key]


# --------------------------------------------------------------- options and labels


def field_options(proposal: FieldProposal, columns: tuple[str, ...]) -> list[str]:
    """What a field may come from: the columns found by name, the look-alike columns, the others, a constant,
    nothing (only when no column is found by name: a mapping can add columns, not take the found ones away)."""
    proposed = [c for c, _ in proposal.candidates]
    first = [AUTOMATIC] if proposal.automatic else []
    last = [CONSTANT] + ([] if proposal.automatic else [NO_COLUMN])
    return [*first, *proposed, *(c for c in columns if c not in proposed), *last]


def default_option(proposal: FieldProposal) -> str:
    """What validation reads by itself: the columns found by name, else nothing."""
    return AUTOMATIC if proposal.automatic else NO_COLUMN


def option_label(option: str, proposal: FieldProposal, samples: AbcMapping[str, tuple[str, ...]], lang: str) -> str:
    """A field option as the reader sees it (column names and samples are data: shown as written)."""
    if option == AUTOMATIC:
        return t("upload.map_automatic", lang, columns=", ".join(proposal.automatic))
    if option == NO_COLUMN:
        return t("upload.map_nothing", lang)
    if option == CONSTANT:
        return t("upload.map_constant", lang)
    shown = ", ".join(samples.get(option, ()))
    key = "upload.map_proposed" if option in dict(proposal.candidates) else "upload.map_column"
    return t(key, lang, column=option, samples=shown or "-")


def choice_label(field: str, code: str, lang: str) -> str:
    """A known value of ``field`` in the reader's words, with its code: "Or (gold)"."""
    if code == KEEP:
        return t("upload.map_keep", lang)
    shown = popups.coded(field, code, lang)
    return code if shown == code else f"{shown} ({code})"


# --------------------------------------------------------------- widgets ⇄ mapping


def mapping_from_state(state: AbcMapping[str, object], step: Step, unknown: AbcMapping[str, tuple[str, ...]],
                       dates: AbcMapping[str, tuple[str, str]], source_layer: str | None,
                       lang: str = "en") -> tuple[Mapping, list[str]]:
    """The mapping the widgets of ``step`` say, and a sentence per part refused (a constant a field cannot hold)."""
    columns, constants, refused = {}, {}, []
    for proposal in step.proposals.fields:
        chosen = state.get(widget_key(keys.UPLOAD_MAP_FIELD, step.ident, proposal.name), default_option(proposal))
        if chosen == CONSTANT:
            value = state.get(widget_key(keys.UPLOAD_MAP_CONSTANT, step.ident, proposal.name))
            if value is not None and str(value).strip():
                constants[proposal.name] = str(value).strip()
        elif chosen in step.proposals.columns:
            columns[proposal.name] = (chosen,)
    carried = state.get(widget_key(keys.UPLOAD_MAP_CARRY, step.ident)) or {}
    values = {}
    for field in dict.fromkeys([*carried.get("values", {}), *unknown]):
        listed = unknown.get(field, ())
        pairs = {v: target for v, target in carried.get("values", {}).get(field, {}).items() if v not in listed}
        pairs.update({v: state.get(value_key(step.ident, field, v), KEEP) for v in listed})
        if any(pairs.values()):
            values[field] = {v: target for v, target in pairs.items() if target}
    if dates:
        date_format = state.get(widget_key(keys.UPLOAD_MAP_DATES, step.ident), AUTO_DATES) or None
    else:  # no box for the date order: the format of the mapping picked still reads this file's dates
        date_format = carried.get("date_format")
    generate = bool(state.get(widget_key(keys.UPLOAD_MAP_IDS, step.ident), False))
    for name, value in list(constants.items()):  # a value the field cannot hold is said and left out
        try:
            Mapping(layer=step.layer, constants={name: value}, date_format=date_format, lang=lang)
        except MappingError as exc:
            refused.append(str(exc))
            del constants[name]
    mapping = Mapping(layer=step.layer, columns=columns, constants=constants, values=values, generate_ids=generate,
                      date_format=date_format, source_layer=source_layer, lang=lang)
    return mapping, refused


def state_from_mapping(mapping: Mapping, step: Step, lang: str = "en") -> tuple[dict[str, object], list[str]]:
    """The widget values that say ``mapping`` for ``step``, and a sentence per part this file cannot take."""
    state: dict[str, object] = {}
    dropped = []
    present = set(step.proposals.columns)
    for proposal in step.proposals.fields:
        key = widget_key(keys.UPLOAD_MAP_FIELD, step.ident, proposal.name)
        wanted = mapping.columns.get(proposal.name, ())
        found = [c for c in wanted if c in present]
        if found:
            state[key] = AUTOMATIC if tuple(found) == proposal.automatic else found[0]
            if len(found) > 1 and tuple(found) != proposal.automatic:
                dropped.append(t("upload.map_first_column", lang, field=proposal.name, column=found[0],
                                 columns=", ".join(found)))
        elif proposal.name in mapping.constants:
            state[key] = CONSTANT
            value = mapping.constants[proposal.name]
            if proposal.kind == "category":  # the box holds the known values: "Or" kept as gold
                value = choice_index(proposal.name, dict(mapping.values.get(proposal.name, {})))[alias_key(value)]
            state[widget_key(keys.UPLOAD_MAP_CONSTANT, step.ident, proposal.name)] = value
        else:
            state[key] = default_option(proposal)
        if wanted and not found:
            dropped.append(t("upload.map_column_absent", lang, field=proposal.name, columns=", ".join(wanted)))
        if found and proposal.name in mapping.constants:
            dropped.append(t("upload.map_constant_dropped", lang, field=proposal.name,
                             value=mapping.constants[proposal.name]))
    for field, pairs in mapping.values.items():
        for value, target in pairs.items():
            state[value_key(step.ident, field, value)] = target
    state[widget_key(keys.UPLOAD_MAP_IDS, step.ident)] = mapping.generate_ids
    state[widget_key(keys.UPLOAD_MAP_DATES, step.ident)] = mapping.date_format or AUTO_DATES
    state[widget_key(keys.UPLOAD_MAP_CARRY, step.ident)] = {  # for the parts this file shows no box for
        "values": {field: dict(pairs) for field, pairs in mapping.values.items()}, "date_format": mapping.date_format}
    return state, dropped


# --------------------------------------------------------------- the named-mapping store


def saved_names(layer: str) -> list[str]:
    """The names of the mappings kept in the store for ``layer``."""
    return named_mappings(data.store(), layer)


def save(name: str, mapping: Mapping, who: str, lang: str = "en") -> tuple[str, str]:
    """Keep ``mapping`` in the store under ``name``; returns (kind, message)."""
    save_named_mapping(data.store(), name.strip(), mapping, by=who.strip() or None, lang=lang)
    return "success", t("upload.map_saved", lang, name=name.strip())


def load(name: str, layer: str, lang: str = "en") -> Mapping:
    """The mapping kept in the store under ``name``, for ``layer``."""
    return load_named_mapping(data.store(), name, layer, lang=lang)


def on_save(mapping: Mapping, ident: str, lang: str) -> None:
    """Save button: the mapping as the widgets say it now, under the name typed."""
    name = str(st.session_state.get(widget_key(keys.UPLOAD_MAP_NAME, ident), ""))
    who = str(st.session_state.get(keys.UPLOAD_WHO, ""))
    if not name.strip():
        st.session_state[keys.UPLOAD_MAP_MESSAGE] = ("warning", t("upload.map_name_needed", lang))
        return
    feedback.keep_outcome(keys.UPLOAD_MAP_MESSAGE, lambda: save(name, mapping, who, lang), lang)


def on_pick(step: Step, lang: str) -> None:
    """Saved-mapping box: fill the step's widgets with the mapping picked (nothing when none is picked)."""
    name = st.session_state.get(widget_key(keys.UPLOAD_MAP_SAVED, step.ident), NO_SAVED)
    if not name:
        return

    def fill() -> tuple[str, str]:
        state, dropped = state_from_mapping(load(name, step.layer, lang), step, lang)
        for key, value in state.items():
            st.session_state[key] = value
        text = " ".join([t("upload.map_loaded", lang, name=name), *dropped])
        return ("warning" if dropped else "success"), text

    feedback.keep_outcome(keys.UPLOAD_MAP_MESSAGE, fill, lang)


# --------------------------------------------------------------- drawing the step


def _init(key: str, default: object) -> None:
    """Give a widget its first value through the session (never also through the widget: Streamlit warns)."""
    if key not in st.session_state:
        st.session_state[key] = default


def source_layer_picker(name: str, content: bytes, lang: str) -> str | None:
    """For a file with several layers or folders, a box to choose one; the one chosen (None: all / the only one)."""
    sha = hashlib.sha256(content).hexdigest()
    layers = cached(sha, ("layers",), lambda: source_layers(name, content))
    if not layers:
        return None
    folders = Path(name).suffix.lower() in FOLDER_SUFFIXES
    options = ([ALL_FOLDERS] if folders else []) + layers
    key = widget_key(keys.UPLOAD_SOURCE_LAYER, sha[:SHORT_SHA])
    _init(key, options[0])
    chosen = st.selectbox(t("upload.source_layer_folders" if folders else "upload.source_layer", lang), options,
                          key=key, format_func=lambda o: t("upload.all_folders", lang) if o == ALL_FOLDERS else o,
                          help=t("upload.source_layer_help", lang, count=len(layers)))
    return None if chosen == ALL_FOLDERS else chosen


def mapping_step(step: Step, source_layer: str | None, lang: str) -> Mapping:
    """Our fields beside the file's columns, values we do not know, the date order, ids, save and reuse:
    the mapping they say (what validation does by itself until the user changes something)."""
    st.subheader(t("upload.mapping", lang))
    st.caption(t("upload.mapping_intro", lang))
    _saved_picker(step, lang)
    required = [p for p in step.proposals.fields if p.required]
    optional = [p for p in step.proposals.fields if not p.required]
    for proposal in required:
        _field_row(step, proposal, lang)
    with st.expander(t("upload.mapping_optional", lang, count=len(optional))):
        for proposal in optional:
            _field_row(step, proposal, lang)
    state = st.session_state
    chosen, _ = mapping_from_state(state, step, {}, {}, source_layer, lang)
    partial = Mapping(layer=step.layer, columns=chosen.columns, lang=lang)  # which columns feed the fields now
    unknown, dates = cached(step.sha256, ("values", step.ident, partial.to_text()),
                            lambda: (unknown_values(step.raw, step.layer, partial),
                                     ambiguous_formats(step.raw, step.layer, partial)))
    _value_rows(step, unknown, lang)
    _date_and_ids(step, dates, lang)
    mapping, refused = mapping_from_state(state, step, unknown, dates, source_layer, lang)
    for text in refused:
        st.warning(plain(text))  # it quotes what the user typed
    _save_row(step, mapping, lang)
    return mapping


def _saved_picker(step: Step, lang: str) -> None:
    names = saved_names(step.layer)
    if not names:
        return
    key = widget_key(keys.UPLOAD_MAP_SAVED, step.ident)
    _init(key, NO_SAVED)
    st.selectbox(t("upload.map_pick", lang), [NO_SAVED, *names], key=key, on_change=on_pick, args=(step, lang),
                 format_func=lambda n: t("upload.map_pick_none", lang) if n == NO_SAVED else n)


def _field_row(step: Step, proposal: FieldProposal, lang: str) -> None:
    key = widget_key(keys.UPLOAD_MAP_FIELD, step.ident, proposal.name)
    options = field_options(proposal, step.proposals.columns)
    _init(key, default_option(proposal))
    if st.session_state[key] not in options:  # a value from another file or layer: back to the default
        st.session_state[key] = default_option(proposal)
    label = t("upload.map_field_required" if proposal.required else "upload.map_field", lang, field=proposal.name)
    left, right = st.columns([3, 2])
    chosen = left.selectbox(label, options, key=key,
                            format_func=lambda o: option_label(o, proposal, step.proposals.samples, lang))
    if chosen == CONSTANT:
        _constant_input(right, step, proposal, lang)


def _constant_input(where, step: Step, proposal: FieldProposal, lang: str) -> None:
    key = widget_key(keys.UPLOAD_MAP_CONSTANT, step.ident, proposal.name)
    label = t("upload.map_constant_value", lang, field=proposal.name)
    if proposal.kind == "category":
        _init(key, proposal.choices[0])
        where.selectbox(label, list(proposal.choices), key=key,
                        format_func=lambda c: choice_label(proposal.name, c, lang))
    else:
        _init(key, "")
        where.text_input(label, key=key, placeholder=t(f"upload.map_constant_hint_{proposal.kind}", lang))


def _value_rows(step: Step, unknown: AbcMapping[str, tuple[str, ...]], lang: str) -> None:
    for field, listed in unknown.items():
        choices = step.proposals.field(field).choices
        st.markdown(t("upload.map_values", lang, field=field, count=len(listed)))
        columns = st.columns(3)
        for k, value in enumerate(listed):
            key = value_key(step.ident, field, value)
            _init(key, KEEP)
            columns[k % 3].selectbox(t("upload.map_value", lang, value=plain(value)), [KEEP, *choices], key=key,
                                     format_func=lambda c, f=field: choice_label(f, c, lang))


def _date_and_ids(step: Step, dates: AbcMapping[str, tuple[str, str]], lang: str) -> None:
    if dates:
        formats = list(dict.fromkeys(f for pair in dates.values() for f in pair))
        key = widget_key(keys.UPLOAD_MAP_DATES, step.ident)
        _init(key, AUTO_DATES)
        current = st.session_state[key]
        if current and current not in formats:  # a saved mapping's own format
            formats.append(current)
        st.selectbox(t("upload.map_dates", lang, fields=", ".join(dates)), [AUTO_DATES, *formats], key=key,
                     format_func=lambda f: _date_format_label(f, lang))
    key = widget_key(keys.UPLOAD_MAP_IDS, step.ident)
    _init(key, False)
    st.checkbox(t("upload.map_generate_ids", lang), key=key, help=t("upload.map_generate_ids_help", lang))


def _date_format_label(date_format: str, lang: str) -> str:
    if date_format == AUTO_DATES:
        return t("upload.map_dates_unset", lang)
    if "%d" not in date_format or "%m" not in date_format:
        return date_format
    day_first = date_format.index("%d") < date_format.index("%m")
    return t("upload.map_dates_day_first" if day_first else "upload.map_dates_month_first", lang, format=date_format)


def _save_row(step: Step, mapping: Mapping, lang: str) -> None:
    name_column, button_column = st.columns([3, 1], vertical_alignment="bottom")
    name_column.text_input(t("upload.map_name", lang), key=widget_key(keys.UPLOAD_MAP_NAME, step.ident),
                           max_chars=80)
    button_column.button(t("upload.map_save", lang), on_click=on_save, args=(mapping, step.ident, lang),
                         width="stretch", disabled=mapping.is_empty)
    kind, text = st.session_state.pop(keys.UPLOAD_MAP_MESSAGE, (None, None))
    if kind is not None:
        getattr(st, kind)(text)


def bare(layer: str, source_layer: str | None) -> Mapping | None:
    """The mapping of a file the step cannot show (unreadable: the report says why): the layer of the file alone."""
    return Mapping(layer=layer, source_layer=source_layer) if source_layer else None


def report_context(step: Step | None) -> tuple[dict[str, list[tuple[str, tuple[str, ...]]]], tuple[str, ...]]:
    """What the report's issues use from the step: per field the columns that could hold it, the file's columns."""
    if step is None:
        return {}, ()
    found = {p.name: list(p.candidates) for p in step.proposals.fields}
    return found, step.proposals.columns
