"""Which columns of an upload hold which canonical field, through the aliases kept in :mod:`asmgeo.schema`.

Column names are matched with :func:`asmgeo.schema.alias_key` (case, accents and separators do not
count). KoboToolbox and ODK prefix a question with its group (``site_info/site_id``, ODK Central
``site_info-site_id``): when the whole name matches nothing, the part after each group separator is
tried, longest first.

A field may be read from several columns (:attr:`FieldMap.sources`, best first): a file merged from
teams who named the field in English, French and Spanish holds one of them per feature, and each
feature takes its value from the first column that has one. The order is the best match first (a
survey question before export bookkeeping such as KoboToolbox's ``today``, the canonical name before
an alias, the whole name before a suffix, an earlier alias before a later one, then the leftmost
column); bookkeeping columns are read only when no survey question matches the field. Columns a
mapping names for a field (``--map FIELD=COLUMN,…``) replace the automatic match for that field; a
column is found by its exact name, else by its name without regard to case, accents and separators.

KoboToolbox's one-column-per-choice expansion of a select-multiple question (``group/practices/retort``
holding 1 or 0) is recognised for the list fields (:attr:`FieldMap.choices`) and never reported as unused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from asmgeo.schema import (
    FIELD_ALIASES,
    METADATA_COLUMNS,
    alias_key,
    field_alias_index,
    layer_spec,
)

GROUP_SEPARATORS = "/:.-"
_SEPARATOR_RE = re.compile(f"[{re.escape(GROUP_SEPARATORS)}]")
_METADATA_KEYS = frozenset(alias_key(name) for name in METADATA_COLUMNS)


@dataclass(frozen=True)
class FieldMap:
    """How the columns of an upload feed the canonical fields.

    ``columns``: field → the best column; ``sources``: field → every column read for it, best first;
    ``duplicates``: field → the other survey columns that matched it automatically (listed for the
    user); ``unused``: columns that feed no field and are not bookkeeping; ``choices``: list field →
    {one-column-per-choice column → the choice it stands for}; ``absent``: field → columns the mapping
    names that the file does not have.
    """

    columns: dict[str, str]
    duplicates: dict[str, tuple[str, ...]]
    unused: tuple[str, ...]
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)


def name_candidates(column: str) -> list[str]:
    """``column`` followed by what follows each group separator in it, longest first."""
    name = str(column)
    return [name, *(name[m.end():] for m in _SEPARATOR_RE.finditer(name) if name[m.end():])]


def is_metadata(column: str) -> bool:
    """True for export bookkeeping columns (``_uuid``, ``start``, ``meta/instanceID``, KML ``tessellate``…)."""
    return str(column).startswith("_") or any(alias_key(c) in _METADATA_KEYS for c in name_candidates(column))


def match_field(column: str, layer: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """The canonical field ``column`` names in ``layer`` and the rank of the match (lower is better), or None."""
    index = field_alias_index(layer)
    for depth, candidate in enumerate(name_candidates(column)):
        key = alias_key(candidate)
        canonical = index.get(key)
        if canonical is not None:
            aliases = [alias_key(a) for a in FIELD_ALIASES[layer].get(canonical, ())]
            position = 0 if key == alias_key(canonical) else 1 + (aliases.index(key) if key in aliases else len(aliases))
            return canonical, (int(is_metadata(column)), int(position > 0), depth, position)
    return None


def find_column(wanted: str, columns: Sequence[str]) -> str | None:
    """The column of ``columns`` called ``wanted``: the exact name, else the only one equal without regard to
    case, else the only one equal under :func:`~asmgeo.schema.alias_key`; None when there is none."""
    names = [str(c) for c in columns]
    if wanted in names:
        return wanted
    for fold in (str.casefold, alias_key):
        same = [c for c in names if fold(c) == fold(wanted)]
        if len(same) == 1:
            return same[0]
    return None


def choice_column(column: str, layer: str, list_fields: Collection[str]) -> tuple[str, str] | None:
    """(list field, choice) when ``column`` is one choice of a select-multiple question for a list field
    (``practices/retort``, ``group/practices/retort``, ODK's ``practices-retort``), else None."""
    name = str(column)
    for match in reversed(list(_SEPARATOR_RE.finditer(name))):
        prefix, choice = name[:match.start()], name[match.end():]
        if not prefix or not choice or _SEPARATOR_RE.search(choice):
            continue
        found = match_field(prefix, layer)
        if found is not None and found[0] in list_fields:
            return found[0], choice
    return None


def map_columns(columns: Sequence[str], layer: str, skip: Collection[str] = (),
                explicit: Mapping[str, Sequence[str]] | None = None) -> FieldMap:
    """Map the columns of an upload to the canonical fields of ``layer``; columns in ``skip`` are left out.

    ``explicit`` (field → columns, from a mapping) wins over the aliases for the fields it names.
    """
    spec = layer_spec(layer)
    names = [str(c) for c in columns if c not in skip]
    mapped: dict[str, tuple[str, ...]] = {}
    absent: dict[str, tuple[str, ...]] = {}
    for name, wanted in (explicit or {}).items():
        found = [find_column(w, names) for w in wanted]
        mapped[name] = tuple(dict.fromkeys(f for f in found if f is not None))
        if any(f is None for f in found):
            absent[name] = tuple(w for w, f in zip(wanted, found) if f is None)
    taken = {c for cols in mapped.values() for c in cols}
    list_fields = [f.name for f in spec.fields if f.kind == "list"]
    choices: dict[str, dict[str, str]] = {}
    for column in names:
        hit = None if column in taken else choice_column(column, layer, list_fields)
        if hit is not None:
            choices.setdefault(hit[0], {})[column] = hit[1]
    expanded = {c for found in choices.values() for c in found}
    matched: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    unused = []
    for order, column in enumerate(names):
        if column in taken or column in expanded:
            continue
        match = match_field(column, layer)
        if match is None or match[0] in mapped:
            if not is_metadata(column):
                unused.append(column)
            continue
        canonical, rank = match
        matched.setdefault(canonical, []).append(((*rank, order), column))
    sources: dict[str, tuple[str, ...]] = {}
    duplicates: dict[str, tuple[str, ...]] = {}
    for canonical, found in matched.items():
        ranked = [column for _, column in sorted(found)]
        survey = [c for c in ranked if not is_metadata(c)]
        sources[canonical] = tuple(survey) if survey else tuple(ranked[:1])
        if len(survey) > 1:
            duplicates[canonical] = tuple(survey[1:])
    sources.update({name: cols for name, cols in mapped.items() if cols})
    options = tuple(f"{column}{sep}" for cols in sources.values() for column in cols for sep in GROUP_SEPARATORS)
    unused = [c for c in unused if not c.startswith(options)]  # select-multiple choices: "commodity/gold"
    order = spec.field_names
    sources = {name: sources[name] for name in order if name in sources}
    return FieldMap({name: cols[0] for name, cols in sources.items()}, duplicates, tuple(unused), sources, choices,
                    absent)
