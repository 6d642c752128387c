"""Mappings kept in the store under a name, reused for the next export of the same form.

API::

    from asmgeo.ingest.named_mappings import (load_named_mapping, named_mappings, save_named_mapping,
                                              store_loader)

    save_named_mapping(store, "kobo ASM form v3", mapping, by="awa")     # created or replaced
    named_mappings(store, "sites")                                      # ["kobo ASM form v3", …], sorted
    load_named_mapping(store, "kobo ASM form v3", "sites")              # the Mapping, checked for sites
    resolve_mapping("kobo ASM form v3", "sites", named=store_loader(store))  # what --mapping NAME does

A name is 1–60 characters once stripped, holds no ``/`` or ``\\`` and does not end in ``.json`` (those
name files: :func:`asmgeo.ingest.mapping.is_mapping_file`); another raises
:class:`~asmgeo.ingest.mapping.MappingError` naming it, in the language asked for. The store keeps
each mapping as the JSON text :meth:`Mapping.to_text` writes (:meth:`asmgeo.store.base.Store.put_mapping`,
one transaction).

A batch keeps the mapping it was imported through as :func:`mapping_text` (compact canonical JSON,
``''`` for none) and :func:`mapping_hash` (its SHA-256): the same file through the same mapping is
a duplicate, through a corrected one it is not. :func:`names_by_hash` tells which stored names a
batch's mapping is.
"""

from __future__ import annotations

import hashlib
import json

from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.ingest.mapping import Mapping, MappingError, NamedLoader
from asmgeo.store import Store

MAX_NAME = 60


def _error(key: str, lang: str, **values: object) -> MappingError:
    """A :class:`MappingError` worded in ``lang`` that can be worded again in any language."""
    error = MappingError(t(key, lang, **values))
    error.key, error.values = key, values
    return error


def check_name(name: object, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """``name`` stripped, when it can name a mapping in the store; a :class:`MappingError` naming it otherwise."""
    text = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(text) <= MAX_NAME or "/" in text or "\\" in text or text.lower().endswith(".json"):
        raise _error("mapping.bad_name", lang, name=json.dumps(name if isinstance(name, str) else str(name),
                                                               ensure_ascii=False), limit=MAX_NAME)
    return text


def mapping_text(mapping: Mapping | None) -> str:
    """The canonical JSON of ``mapping`` (compact, keys and fields in :meth:`Mapping.to_json` order); '' for none."""
    if mapping is None or mapping.is_empty:
        return ""
    return json.dumps(mapping.to_json(), ensure_ascii=False, separators=(",", ":"))


def mapping_hash(mapping: Mapping | None) -> str:
    """SHA-256 (hex) of :func:`mapping_text`; '' for no mapping (or one that changes nothing)."""
    text = mapping_text(mapping)
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def save_named_mapping(store: Store, name: str, mapping: Mapping, by: str | None = None, *,
                       lang: str = DEFAULT_LANGUAGE) -> None:
    """Keep ``mapping`` in ``store`` under ``name`` (a mapping already under that name is replaced)."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a Mapping, not {type(mapping).__name__}")
    store.put_mapping(check_name(name, lang=lang), mapping.layer or "", mapping.to_text(), by or "")


def named_mappings(store: Store, layer: str | None = None) -> list[str]:
    """The names of the mappings in ``store``, sorted; only those usable for ``layer`` when given."""
    rows = store.mapping_rows()
    return sorted(str(row["name"]) for row in rows if layer is None or str(row["layer"] or "") in ("", layer))


def load_named_mapping(store: Store, name: str, layer: str, *, lang: str = DEFAULT_LANGUAGE) -> Mapping:
    """The mapping kept under ``name``, checked against ``layer``; a sentence naming what the store has otherwise."""
    mapping = _load(store, name, lang)
    if mapping.layer is not None and mapping.layer != layer:
        raise _error("mapping.named_wrong_layer", lang, name=name, mapping_layer=mapping.layer, layer=layer)
    return mapping.for_layer(layer)


def store_loader(store: Store, lang: str = DEFAULT_LANGUAGE) -> NamedLoader:
    """The ``named`` loader :func:`asmgeo.ingest.mapping.resolve_mapping` takes: a NAME → its mapping in ``store``."""
    return lambda name: _load(store, name, lang)


def names_by_hash(store: Store) -> dict[str, list[str]]:
    """:func:`mapping_hash` of each stored mapping → the names it is kept under (sorted)."""
    found: dict[str, list[str]] = {}
    for row in store.mapping_rows():
        try:
            mapping = Mapping.from_json(str(row["mapping"]))
        except MappingError:
            continue  # a damaged entry names no batch's mapping
        found.setdefault(mapping_hash(mapping), []).append(str(row["name"]))
    return {key: sorted(names) for key, names in found.items()}


def _load(store: Store, name: str, lang: str) -> Mapping:
    """The mapping under ``name`` as stored (any layer); a sentence listing the stored names when there is none."""
    wanted = check_name(name, lang=lang)
    rows = {str(row["name"]): row for row in store.mapping_rows()}
    if wanted not in rows:
        if not rows:
            raise _error("mapping.no_named", lang, name=wanted)
        raise _error("mapping.unknown_name", lang, name=wanted, names=", ".join(sorted(rows)))
    try:
        return Mapping.from_json(str(rows[wanted]["mapping"]), lang=lang)
    except MappingError as exc:
        raise _error("mapping.in_store", lang, name=wanted, detail=str(exc)) from None
