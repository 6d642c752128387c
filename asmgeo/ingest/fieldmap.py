"""Which column of an upload holds which canonical field, through the aliases kept in :mod:`asmgeo.schema`.

Column names are matched with :func:`asmgeo.schema.alias_key` (case, accents and separators do not
count). KoboToolbox and ODK prefix a question with its group (``site_info/site_id``, ODK Central
``site_info-site_id``): when the whole name matches nothing, the part after each group separator is
tried, longest first. When several columns match one field, the best match wins (a survey question
before export bookkeeping such as KoboToolbox's ``today``, the canonical name before an alias, the
whole name before a suffix, an earlier alias before a later one, then the leftmost column); the
others are listed in :attr:`FieldMap.duplicates` (bookkeeping columns excepted) and not used. KoboToolbox's one-column-per-choice
expansion of a select-multiple question (``group/practices/retort``) is not reported as unused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from asmgeo.schema import FIELD_ALIASES, METADATA_COLUMNS, alias_key, field_alias_index, layer_spec

GROUP_SEPARATORS = "/:.-"
_SEPARATOR_RE = re.compile(f"[{re.escape(GROUP_SEPARATORS)}]")
_METADATA_KEYS = frozenset(alias_key(name) for name in METADATA_COLUMNS)


@dataclass(frozen=True)
class FieldMap:
    """Canonical field → column used, the other columns that matched a field, and columns that match nothing."""

    columns: dict[str, str]
    duplicates: dict[str, tuple[str, ...]]
    unused: tuple[str, ...]


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


def map_columns(columns: Sequence[str], layer: str, skip: Collection[str] = ()) -> FieldMap:
    """Map the columns of an upload to the canonical fields of ``layer``; columns in ``skip`` are left out."""
    layer_spec(layer)
    best: dict[str, tuple[tuple[int, ...], str]] = {}
    matched: dict[str, list[str]] = {}
    unused = []
    for order, column in enumerate(columns):
        if column in skip:
            continue
        match = match_field(column, layer)
        if match is None:
            if not is_metadata(column):
                unused.append(str(column))
            continue
        canonical, rank = match
        matched.setdefault(canonical, []).append(column)
        if canonical not in best or (*rank, order) < best[canonical][0]:
            best[canonical] = ((*rank, order), column)
    chosen = {canonical: column for canonical, (_, column) in best.items()}
    duplicates = {canonical: others for canonical, found in matched.items()
                  if (others := tuple(c for c in found if c != chosen[canonical] and not is_metadata(c)))}
    options = tuple(f"{column}{sep}" for column in chosen.values() for sep in GROUP_SEPARATORS)
    unused = [c for c in unused if not c.startswith(options)]  # select-multiple choices: "practices/retort"
    order = layer_spec(layer).field_names
    return FieldMap({name: chosen[name] for name in order if name in chosen}, duplicates, tuple(unused))
