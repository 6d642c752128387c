"""Issues found in an upload: one stable code each, a severity and a catalogue message.

Every code is listed in :data:`CODES` with its severity: an ``error`` rejects the feature (or, with
``feature=None``, the whole file), a ``warning`` keeps it. A file-level error with a ``count``
(:func:`counted_issue`) is one cause that rejects that many features, said once instead of once per
feature (a required field no column holds; dates whose day and month order cannot be told): the
file is still read (exit code 1), only those features are rejected. The message of code ``c`` is the
catalogue entry ``issue.c`` (see :mod:`asmgeo.i18n`), filled from named values, so it can be
translated. Checks that run on whole columns report a :class:`Finding` (the failing rows and their
message values); :func:`issues_from` turns it into :class:`Issue` objects, one per failing row only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from asmgeo.i18n import DEFAULT_LANGUAGE, either, t

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# File-level codes (feature=None); the errors among them stop the file (exit code 2).
FILE_CODES: dict[str, Severity] = {
    "file_not_found": ERROR,
    "file_too_large": ERROR,
    "empty_file": ERROR,
    "unreadable_file": ERROR,
    "unsupported_format": ERROR,
    "not_geographic": ERROR,
    "several_layers": ERROR,
    "unknown_source_layer": ERROR,
    "unknown_crs": ERROR,
    "xml_doctype": ERROR,
    "archive_unsafe_path": ERROR,
    "archive_symlink": ERROR,
    "archive_too_many_members": ERROR,
    "archive_too_large": ERROR,
    "archive_no_data": ERROR,
    "not_utf8": WARNING,
    "missing_column": ERROR,  # with a count: rejects the features, does not stop the file
    "ambiguous_dates": ERROR,  # with a count, likewise
    "mapped_column_missing": WARNING,
    "duplicate_column": WARNING,
    "unused_columns": WARNING,
}
# File-level errors that reject ``count`` features instead of stopping the file.
COUNTED_CODES = frozenset({"missing_column", "ambiguous_dates"})
# Feature-level codes.
FEATURE_CODES: dict[str, Severity] = {
    "malformed_feature": ERROR,
    "missing_geometry": ERROR,
    "unreadable_geometry": ERROR,
    "wrong_geometry_type": ERROR,
    "coordinates_not_finite": ERROR,
    "coordinates_out_of_range": ERROR,
    "projected_coordinates": ERROR,
    "swapped_coordinates": ERROR,
    "invalid_polygon": ERROR,
    "missing_field": ERROR,
    "not_an_integer": ERROR,
    "not_a_number": ERROR,
    "not_a_date": ERROR,
    "negative_value": ERROR,
    "women_exceed_workers": ERROR,
    "future_date": ERROR,
    "unknown_category": ERROR,
    "unknown_country": ERROR,
    "duplicate_feature": ERROR,
    "conflicting_values": ERROR,
    "outside_countries": ERROR,
    "wrong_country": ERROR,
    "multi_to_single": WARNING,
    "z_dropped": WARNING,
    "m_dropped": WARNING,
    "polygon_repaired": WARNING,
    "antimeridian_split": WARNING,
    "near_border": WARNING,
}
CODES: dict[str, Severity] = {**FILE_CODES, **FEATURE_CODES}


@dataclass(frozen=True)
class Issue:
    """One problem: the 0-based feature index in the file (None: the whole file), severity, code, message.

    ``count`` is set on file-level issues of :data:`COUNTED_CODES` only: how many features the one
    cause rejects.
    """

    feature: int | None
    severity: Severity
    code: str
    message: str
    field: str | None = None
    count: int | None = None


def message(code: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The catalogue message of ``code`` filled with ``values`` (a tuple is written as alternatives: "A, B or C")."""
    if code not in CODES:
        raise KeyError(f"code={code!r} is not an issue code; known: {sorted(CODES)}")
    return t(f"issue.{code}", lang, **{k: either(v, lang) if isinstance(v, tuple) else v for k, v in values.items()})


def file_issue(code: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> Issue:
    """A file-level issue (``feature=None``) of a code from :data:`FILE_CODES`."""
    if code not in FILE_CODES:
        raise KeyError(f"code={code!r} is not a file-level issue code; known: {sorted(FILE_CODES)}")
    return Issue(None, FILE_CODES[code], code, message(code, lang, **values))


def counted_issue(code: str, rejects: int, about: str | None, lang: str = DEFAULT_LANGUAGE, **values: object) -> Issue:
    """A file-level error of :data:`COUNTED_CODES` that rejects ``rejects`` features (about the field ``about``);
    its ``count`` is ``rejects``, its message the catalogue text filled with ``values``."""
    if code not in COUNTED_CODES:
        raise KeyError(f"code={code!r} is not a counted file-level code; known: {sorted(COUNTED_CODES)}")
    if isinstance(rejects, bool) or not isinstance(rejects, int) or rejects < 0:
        raise ValueError(f"rejects={rejects!r} must be an integer >= 0")
    return Issue(None, FILE_CODES[code], code, message(code, lang, **values), about, rejects)


@dataclass(frozen=True)
class Finding:
    """Rows (positions in the file) failing one check, with the message values of each row."""

    code: str
    rows: np.ndarray
    values: Sequence[dict[str, object]] = field(default_factory=list)
    field: str | None = None

    def __post_init__(self) -> None:
        """Refuse an unknown code or values that do not match the rows one to one."""
        if self.code not in FEATURE_CODES:
            raise KeyError(f"code={self.code!r} is not a feature-level issue code; known: {sorted(FEATURE_CODES)}")
        if self.values and len(self.values) != len(self.rows):
            raise ValueError(f"{len(self.values)} value sets for {len(self.rows)} rows of code {self.code!r}")

    @property
    def severity(self) -> Severity:
        """Severity of the code."""
        return FEATURE_CODES[self.code]


def finding(code: str, mask: np.ndarray, values: Iterable[dict[str, object]] | None = None,
            field: str | None = None) -> Finding:
    """A :class:`Finding` for the rows where boolean ``mask`` is true (``values``: one dict per true row)."""
    rows = np.flatnonzero(mask)
    return Finding(code, rows, list(values) if values is not None else [], field)


def issues_from(found: Finding, lang: str = DEFAULT_LANGUAGE) -> list[Issue]:
    """One :class:`Issue` per row of ``found``."""
    severity = found.severity
    if not found.values:
        text = message(found.code, lang)
        return [Issue(int(row), severity, found.code, text, found.field) for row in found.rows]
    return [Issue(int(row), severity, found.code, message(found.code, lang, **values), found.field)
            for row, values in zip(found.rows, found.values)]
