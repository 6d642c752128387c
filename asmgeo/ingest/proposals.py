"""What a mapping step offers for one file: per field of a layer, the columns that could hold it and the values to map.

API::

    from asmgeo.ingest.proposals import propose, unknown_values, ambiguous_formats

    proposals = propose(raw, "sites")       # raw: RawFeatures from asmgeo.ingest.readers.read_features
    proposals.fields[0].automatic           # ("site_id",): what validation reads for it with no mapping
    proposals.fields[0].candidates          # (("point_id", ("P-001", "P-002")), …): look-alike columns, best first
    unknown_values(raw, "sites", mapping)   # {"commodity": ("aurum",)}: file values no alias knows
    ambiguous_formats(raw, "sites", mapping)  # {"survey_date": ("%d/%m/%Y", "%m/%d/%Y")}

Fields come required first, then in schema order. :func:`unknown_values` and :func:`ambiguous_formats`
read the columns ``mapping`` gives a field (else the automatic ones) and ignore the mapping's own
values and date format, so what they list stays the same while the user maps those values; values
the mapping already maps are listed too, so a choice once made stays on screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from asmgeo.ingest import candidates
from asmgeo.ingest.fieldmap import FieldMap, map_columns
from asmgeo.ingest.mapping import Mapping
from asmgeo.ingest.readers import RawFeatures
from asmgeo.ingest.values import as_text, parse_field
from asmgeo.schema import ID_FIELDS, Field, layer_spec

SAMPLE_ROWS = 1000  # rows read to rank the columns that could hold a field (all rows are read for values)
MAX_UNKNOWN = 30  # unknown values listed per field, most frequent first
MAX_CANDIDATES = 5
SAMPLE_CHARS = 30  # a sample value in a label: one line, a few words


@dataclass(frozen=True)
class FieldProposal:
    """One field of the layer as the mapping step shows it.

    ``automatic``: the columns validation reads for it with no mapping (first with a value wins);
    ``candidates``: other columns whose values look like the field, best first, with a few sample values.
    """

    name: str
    kind: str
    required: bool
    choices: tuple[str, ...]
    automatic: tuple[str, ...]
    candidates: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Proposals:
    """The file's columns (not those a geometry is built from), a few values of each, and the fields of the layer."""

    layer: str
    columns: tuple[str, ...]
    samples: dict[str, tuple[str, ...]]
    fields: tuple[FieldProposal, ...]

    def field(self, name: str) -> FieldProposal:
        """The proposal for field ``name``; KeyError naming the layer's fields otherwise."""
        for proposal in self.fields:
            if proposal.name == name:
                return proposal
        raise KeyError(f"field={name!r} is not a field of {self.layer}; fields: {[p.name for p in self.fields]}")


def ordered_fields(layer: str) -> list[Field]:
    """The fields of ``layer``: required first, then the others, each group in schema order."""
    fields = layer_spec(layer).fields
    return [f for f in fields if f.required] + [f for f in fields if not f.required]


def file_columns(raw: RawFeatures) -> list[str]:
    """The property columns of ``raw`` a field could come from (not the geometry or the columns it was built from)."""
    frame = raw.frame
    return [str(c) for c in frame.columns if c != frame.geometry.name and c not in raw.geometry_columns]


def propose(raw: RawFeatures, layer: str) -> Proposals:
    """Per field of ``layer``, the columns validation picks by itself and the look-alike columns of ``raw``."""
    if not isinstance(raw, RawFeatures):
        raise TypeError(f"raw must be RawFeatures, not {type(raw).__name__}")
    columns = file_columns(raw)
    sample = raw.frame.head(SAMPLE_ROWS)
    automatic = map_columns(columns, layer).sources
    fields = []
    for spec in ordered_fields(layer):
        others = {c for name, cols in automatic.items() if name != spec.name for c in cols}
        free = [c for c in columns if c not in others and c not in automatic.get(spec.name, ())]
        if spec.kind == "text" and not spec.required and spec.name != ID_FIELDS[layer]:
            found = []  # any column of words looks like a name or a source: proposing them all says nothing
        else:
            found = candidates.columns_for(spec, sample, free, id_field=ID_FIELDS[layer], limit=MAX_CANDIDATES)
        fields.append(FieldProposal(spec.name, spec.kind, spec.required, spec.choices,
                                    tuple(automatic.get(spec.name, ())),
                                    tuple((column, tuple(shown)) for column, shown in found)))
    samples = {c: tuple(_samples(sample[c])) for c in columns}
    return Proposals(layer, tuple(columns), samples, tuple(fields))


def _samples(column: pd.Series) -> list[str]:
    """A few distinct values of ``column``, shortened for a label."""
    text = as_text(column).dropna()
    shown = [" ".join(str(v).split()) for v in pd.unique(text)[:candidates.MAX_SAMPLES]]
    return [v if len(v) <= SAMPLE_CHARS else v[:SAMPLE_CHARS - 1] + "…" for v in shown]


def _sources(raw: RawFeatures, layer: str, mapping: Mapping | None) -> FieldMap:
    """Which columns feed which field under ``mapping`` (the automatic match for the fields it does not name)."""
    explicit = dict(mapping.columns) if mapping is not None else None
    return map_columns(file_columns(raw), layer, explicit=explicit)


def _field_text(raw: RawFeatures, columns: tuple[str, ...]) -> pd.Series | None:
    """The field's columns as one text column: per row, the first with a value (None when there is no column)."""
    if not columns:
        return None
    texts = [as_text(raw.frame[c]).reset_index(drop=True) for c in columns]
    result = texts[0]
    for text in texts[1:]:
        result = result.fillna(text)
    return result


def unknown_values(raw: RawFeatures, layer: str, mapping: Mapping | None = None) -> dict[str, tuple[str, ...]]:
    """Per category or list field, the values of its column(s) no alias knows, most frequent first (and the values
    ``mapping`` maps); fields with none are left out."""
    sources = _sources(raw, layer, mapping)
    n = len(raw.frame)
    today = dt.date.max
    found: dict[str, tuple[str, ...]] = {}
    for spec in layer_spec(layer).fields:
        if spec.kind not in ("category", "list"):
            continue
        mapped = tuple(mapping.values.get(spec.name, {})) if mapping is not None else ()
        text = _field_text(raw, sources.sources.get(spec.name, ()))
        values: list[str] = []
        if text is not None:
            parsed = parse_field(spec, text, n, today)
            wrong = [str(v["value"]) for f in parsed.findings if f.code == "unknown_category" for v in f.values]
            values = list(pd.Series(wrong, dtype=object).value_counts(sort=True).index) if wrong else []
        listed = tuple(dict.fromkeys([*mapped, *values[:MAX_UNKNOWN]]))
        if listed:
            found[spec.name] = listed
    return found


def ambiguous_formats(raw: RawFeatures, layer: str, mapping: Mapping | None = None) -> dict[str, tuple[str, str]]:
    """Per date field whose column does not tell day from month, the (day first, month first) formats to choose from."""
    sources = _sources(raw, layer, mapping)
    n = len(raw.frame)
    found = {}
    for spec in layer_spec(layer).fields:
        text = _field_text(raw, sources.sources.get(spec.name, ())) if spec.kind == "date" else None
        if text is None:
            continue
        parsed = parse_field(spec, text, n, dt.date.max)
        if parsed.ambiguous is not None and np.any(parsed.ambiguous):
            words = candidates.ambiguous_dates_message(spec.name, int(parsed.ambiguous.sum()), parsed.ambiguous_values)
            found[spec.name] = (words["day_first"], words["month_first"])
    return found
