"""How one file's columns become our fields: a mapping the user gives (``--map``, ``--set``, ``--value`` …).

API::

    from asmgeo.ingest.mapping import Mapping, load_mapping, save_mapping

    mapping = Mapping.from_cli("sites", maps=["site_id=point_id,id"], sets=["commodity=gold"],
                               values=["legal_status:garimpo=illegal"], generate_ids=False)
    mapping.columns["site_id"]          # ("point_id", "id"): read in order, the first with a value wins
    save_mapping(mapping, Path("kobo_form.json"))
    load_mapping(Path("kobo_form.json"), layer="sites") == mapping

A :class:`Mapping` is frozen and checked when it is made: a field the layer does not have, a
``--set`` value the field cannot hold, a ``--value`` target that is no known choice or a date format
that reads no date raise :class:`MappingError` (a :class:`ValueError` and an
:class:`~asmgeo.errors.AsmgeoError`) naming the bad value, in the language asked for.

* ``columns``: field → columns, read in order per feature (the first non-empty one wins); these
  replace the automatic alias matching for that field;
* ``constants``: field → value, filling the field where the file has no value (``--set``);
* ``values``: field → {value in the file → our value} for category and list fields, looked up before
  the aliases (``--value commodity:Or=gold``);
* ``generate_ids``: features without an id get one derived from their geometry (``--generate-ids``);
* ``date_format``: ``strptime`` codes for dates the reader cannot tell by itself (``%d/%m/%Y``);
* ``dedupe_by``: the column holding a submission id, when it is none of KoboToolbox's or ODK's own;
* ``source_layer``: the layer (GeoPackage) or folder (KML) of a multi-layer file to read.

The JSON form (:meth:`Mapping.to_json`) is versioned and stable (keys in a fixed order, fields in
schema order), so a mapping kept beside a form's exports diffs cleanly::

    {"asmgeo_mapping": 1, "layer": "sites", "columns": {"site_id": ["point_id"]},
     "constants": {"commodity": "gold"}, "values": {"legal_status": {"garimpo": "illegal"}},
     "generate_ids": false, "date_format": null, "dedupe_by": null, "source_layer": null}

A mapping kept in the store under a NAME is the store's business: :func:`resolve_mapping` takes a
``named`` loader for that and, without one, refuses a NAME with a sentence saying to give a ``.json`` file.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from collections.abc import Callable, Iterable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from asmgeo.errors import AsmgeoError
from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.ingest.values import format_precision, parse_field
from asmgeo.schema import (
    LAYERS,
    UPLOAD_LAYERS,
    Field,
    alias_key,
    layer_spec,
    value_alias_index,
)

MAPPING_VERSION = 1
JSON_KEYS = ("asmgeo_mapping", "layer", "columns", "constants", "values", "generate_ids", "date_format",
             "dedupe_by", "source_layer")
_TEST_DAY = dt.date(2024, 3, 15)  # a date whose day and month cannot be mistaken for each other


class MappingError(AsmgeoError, ValueError):
    """A mapping that cannot be used: one sentence naming the bad value (``key``/``values`` for other languages)."""


def _error(key: str, lang: str, **values: object) -> MappingError:
    """A :class:`MappingError` worded in ``lang`` that can be worded again in any language."""
    error = MappingError(t(key, lang, **values))
    error.key, error.values = key, values
    return error


def _frozen(data: dict) -> types.MappingProxyType:
    return types.MappingProxyType(dict(data))


@dataclass(frozen=True)
class Mapping:
    """The whole mapping of one file (or of every export of one form) to a layer; see the module docstring."""

    layer: str | None = None
    columns: AbcMapping[str, tuple[str, ...]] = field(default_factory=dict)
    constants: AbcMapping[str, str] = field(default_factory=dict)
    values: AbcMapping[str, AbcMapping[str, str]] = field(default_factory=dict)
    generate_ids: bool = False
    date_format: str | None = None
    dedupe_by: str | None = None
    source_layer: str | None = None
    lang: str = field(default=DEFAULT_LANGUAGE, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Check every part against the layer's fields (or, with no layer, those of any upload layer)."""
        lang = self.lang
        if self.layer is not None and self.layer not in UPLOAD_LAYERS:
            raise _error("mapping.unknown_layer", lang, layer=self.layer, layers=", ".join(UPLOAD_LAYERS))
        if not isinstance(self.generate_ids, bool):
            raise _error("mapping.bad_flag", lang, name="generate_ids", value=self.generate_ids)
        for name in ("date_format", "dedupe_by", "source_layer"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise _error("mapping.bad_text", lang, name=name, value=value)
            object.__setattr__(self, name, value.strip() if isinstance(value, str) else None)
        if self.date_format is not None:
            _check_date_format(self.date_format, lang)
        columns = {}
        for name, wanted in dict(self.columns).items():
            self.spec_of(name)
            wanted = (wanted,) if isinstance(wanted, str) else tuple(wanted)
            cleaned = tuple(dict.fromkeys(str(c).strip() for c in wanted if isinstance(c, str) and c.strip()))
            if not cleaned or len(cleaned) != len(wanted):
                raise _error("mapping.bad_columns", lang, field=name, value=json.dumps(list(wanted), ensure_ascii=False))
            columns[name] = cleaned
        values = {}
        for name, pairs in dict(self.values).items():
            spec = self.spec_of(name)
            if not spec.choices:
                raise _error("mapping.no_choices", lang, field=name)
            index = value_alias_index(name)
            checked = {}
            for source, target in dict(pairs).items():
                if not isinstance(source, str) or not source.strip():
                    raise _error("mapping.bad_text", lang, name=f"values.{name}", value=source)
                canonical = index.get(alias_key(target)) if isinstance(target, str) else None
                if canonical is None:
                    raise _error("mapping.bad_choice", lang, field=name, value=target, choices=", ".join(spec.choices))
                checked[source.strip()] = canonical
            values[name] = _frozen(checked)
        constants = {}
        for name, value in dict(self.constants).items():
            spec = self.spec_of(name)
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
                raise _error("mapping.empty_constant", lang, field=name, value=value)
            constants[name] = str(value).strip()
            _check_constant(spec, constants[name], values.get(name, {}), self.date_format, lang)
        object.__setattr__(self, "columns", _frozen(columns))
        object.__setattr__(self, "values", _frozen(values))
        object.__setattr__(self, "constants", _frozen(constants))

    def __hash__(self) -> int:
        return hash(self.to_text())

    def spec_of(self, name: str) -> Field:
        """The spec of field ``name`` in the mapping's layer (any upload layer when it names none)."""
        layers = [self.layer] if self.layer is not None else list(UPLOAD_LAYERS)
        for layer in layers:
            for spec in layer_spec(layer).fields:
                if spec.name == name:
                    return spec
        known = sorted({f.name for layer in layers for f in LAYERS[layer].fields})
        raise _error("mapping.unknown_field", self.lang, field=name, layer=self.layer or "/".join(UPLOAD_LAYERS),
                     fields=", ".join(known))

    @property
    def is_empty(self) -> bool:
        """True when the mapping changes nothing (automatic matching alone)."""
        return not (self.columns or self.constants or self.values or self.generate_ids or self.date_format
                    or self.dedupe_by or self.source_layer)

    def for_layer(self, layer: str) -> Mapping:
        """This mapping checked against ``layer`` (raises when it names a field ``layer`` does not have)."""
        if self.layer == layer:
            return self
        if self.layer is not None:
            raise _error("mapping.wrong_layer", self.lang, mapping_layer=self.layer, layer=layer)
        return Mapping.from_json({**self.to_json(), "layer": layer}, lang=self.lang)

    # --- JSON ------------------------------------------------------------------------------------------

    def to_json(self) -> dict:
        """The mapping as a JSON-ready dict, keys in :data:`JSON_KEYS` order and fields in schema order."""
        order = self._field_order()
        return {
            "asmgeo_mapping": MAPPING_VERSION,
            "layer": self.layer,
            "columns": {name: list(self.columns[name]) for name in order if name in self.columns},
            "constants": {name: self.constants[name] for name in order if name in self.constants},
            "values": {name: dict(sorted(self.values[name].items())) for name in order if name in self.values},
            "generate_ids": self.generate_ids,
            "date_format": self.date_format,
            "dedupe_by": self.dedupe_by,
            "source_layer": self.source_layer,
        }

    def to_text(self) -> str:
        """:meth:`to_json` as indented JSON text ending in a newline (what :func:`save_mapping` writes)."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: dict | str, *, lang: str = DEFAULT_LANGUAGE) -> Mapping:
        """A mapping from :meth:`to_json`'s dict or its JSON text; unknown keys or versions are refused."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise _error("mapping.not_json", lang, detail=exc.msg) from None
        if not isinstance(data, dict):
            raise _error("mapping.not_json", lang, detail=type(data).__name__)
        version = data.get("asmgeo_mapping")
        if version != MAPPING_VERSION:
            raise _error("mapping.bad_version", lang, version=version, expected=MAPPING_VERSION)
        unknown = [key for key in data if key not in JSON_KEYS]
        if unknown:
            raise _error("mapping.unknown_keys", lang, keys=", ".join(map(str, unknown)), known=", ".join(JSON_KEYS))
        for key in ("columns", "constants", "values"):
            if not isinstance(data.get(key, {}), dict):
                raise _error("mapping.bad_text", lang, name=key, value=data.get(key))
        return cls(layer=data.get("layer"), columns=data.get("columns", {}), constants=data.get("constants", {}),
                   values=data.get("values", {}), generate_ids=data.get("generate_ids", False),
                   date_format=data.get("date_format"), dedupe_by=data.get("dedupe_by"),
                   source_layer=data.get("source_layer"), lang=lang)

    # --- command line --------------------------------------------------------------------------------

    @classmethod
    def from_cli(cls, layer: str, maps: Iterable[str] = (), sets: Iterable[str] = (), values: Iterable[str] = (), *,
                 generate_ids: bool = False, date_format: str | None = None, dedupe_by: str | None = None,
                 source_layer: str | None = None, base: Mapping | None = None,
                 lang: str = DEFAULT_LANGUAGE) -> Mapping:
        """The mapping the ``validate``/``import`` options give, on top of ``base`` (a ``--mapping`` file).

        ``maps``: ``FIELD=COLUMN[,COLUMN…]`` (``\\,`` for a comma inside a column name; a field given
        twice reads the columns of both, in order); ``sets``: ``FIELD=VALUE``; ``values``:
        ``FIELD:FROM=TO``. What the options say replaces what ``base`` says for the same field.
        """
        base = base.for_layer(layer) if base is not None else cls(layer=layer, lang=lang)
        columns = dict(base.columns)
        given: dict[str, list[str]] = {}
        for spec in maps:
            name, text = _split(spec, "=", "--map", "FIELD=COLUMN[,COLUMN…]", lang)
            given.setdefault(name, []).extend(_split_columns(text))
        columns.update({name: tuple(cols) for name, cols in given.items()})
        constants = dict(base.constants)
        for spec in sets:
            name, text = _split(spec, "=", "--set", "FIELD=VALUE", lang)
            constants[name] = text
        pairs = {name: dict(found) for name, found in base.values.items()}
        for spec in values:
            name, rest = _split(spec, ":", "--value", "FIELD:FROM=TO", lang)
            source, target = _split(rest, "=", "--value", "FIELD:FROM=TO", lang, whole=spec, last=True)
            pairs.setdefault(name, {})[source] = target
        return cls(layer=layer, columns=columns, constants=constants, values=pairs,
                   generate_ids=generate_ids or base.generate_ids, date_format=date_format or base.date_format,
                   dedupe_by=dedupe_by or base.dedupe_by, source_layer=source_layer or base.source_layer, lang=lang)

    def _field_order(self) -> list[str]:
        layers = [self.layer] if self.layer is not None else list(UPLOAD_LAYERS)
        return list(dict.fromkeys(f.name for layer in layers for f in LAYERS[layer].fields))


def _split(spec: str, sep: str, option: str, form: str, lang: str, whole: str | None = None,
           last: bool = False) -> tuple[str, str]:
    """``spec`` cut at ``sep`` into two non-empty parts (stripped); a sentence naming ``option`` otherwise."""
    head, found, tail = spec.rpartition(sep) if last else spec.partition(sep)
    if not found or not head.strip() or not tail.strip():
        raise _error("mapping.bad_option", lang, option=option, value=whole or spec, form=form)
    return head.strip(), tail.strip()


def _split_columns(text: str) -> list[str]:
    """``a,b\\,c`` → ``["a", "b,c"]``: column names split on commas not preceded by a backslash."""
    parts, current, escaped = [], "", False
    for char in text:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current + ("\\" if escaped else ""))
    return [p.strip() for p in parts]


def _check_date_format(date_format: str, lang: str) -> None:
    """Refuse a format with no ``%`` code or one that does not read back the date it writes."""
    try:
        written = _TEST_DAY.strftime(date_format)
        read = dt.datetime.strptime(written, date_format).date()
    except (ValueError, TypeError):
        read = None
    precision = format_precision(date_format)
    expected = {"day": _TEST_DAY, "month": _TEST_DAY.replace(day=1), "year": _TEST_DAY.replace(month=1, day=1)}
    if "%" not in date_format or read != expected[precision]:
        raise _error("mapping.bad_date_format", lang, value=date_format)


def _check_constant(spec: Field, value: str, value_map: AbcMapping[str, str], date_format: str | None,
                    lang: str) -> None:
    """Refuse a ``--set`` value the field cannot hold, with the reason the file check would give."""
    parsed = parse_field(spec, pd.Series([value], dtype=object), 1, dt.date.max, value_map=dict(value_map),
                         date_format=date_format)
    problems = [f for f in parsed.findings if f.code != "future_date"]
    if problems or (parsed.ambiguous is not None and parsed.ambiguous.any()):
        key = {"date": "mapping.bad_date", "integer": "mapping.bad_integer",
               "number": "mapping.bad_number"}.get(spec.kind, "mapping.bad_choice")
        raise _error(key, lang, field=spec.name, value=value, choices=", ".join(spec.choices))


# --- files and names ---------------------------------------------------------------------------------------


def is_mapping_file(reference: str) -> bool:
    """True when ``reference`` names a JSON file (ends in ``.json`` or holds a folder), False for a NAME."""
    return reference.lower().endswith(".json") or "/" in reference or "\\" in reference


def load_mapping(path: Path | str, layer: str | None = None, *, lang: str = DEFAULT_LANGUAGE) -> Mapping:
    """The mapping kept in the JSON file at ``path`` (checked against ``layer`` when given)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise _error("mapping.unreadable", lang, path=path, reason=reason) from None
    try:
        mapping = Mapping.from_json(text, lang=lang)
    except MappingError as exc:
        raise _error("mapping.in_file", lang, path=path, detail=str(exc)) from None
    return mapping.for_layer(layer) if layer is not None else mapping


def save_mapping(mapping: Mapping, path: Path | str, *, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write ``mapping`` as JSON to ``path`` (UTF-8, indented); returns the path."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a Mapping, not {type(mapping).__name__}")
    path = Path(path)
    try:
        path.write_text(mapping.to_text(), encoding="utf-8")
    except OSError as exc:
        raise _error("mapping.unwritable", lang, path=path, reason=exc.strerror or type(exc).__name__) from None
    return path


NamedLoader = Callable[[str], Mapping]


def resolve_mapping(reference: str, layer: str, *, named: NamedLoader | None = None,
                    lang: str = DEFAULT_LANGUAGE) -> Mapping:
    """The mapping ``--mapping`` names: a ``.json`` file, or a NAME kept in the store (through ``named``)."""
    if is_mapping_file(reference):
        return load_mapping(reference, layer, lang=lang)
    if named is None:
        raise _error("mapping.by_name", lang, name=reference)
    return named(reference).for_layer(layer)
