"""Practice classes of a site (good → unacceptable) from its practice codes and editable rules.

The rules live in ``data/layers/practice_rules.csv`` (``practice,class,rationale,source``), so a
ministry can change them without touching code. A site's class is the worst class among its codes.
The four Minamata Convention Annex C worst practices are always ``unacceptable``, whatever the file
says: that is enforced here, not in the file.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from asmgeo.config import layers_dir
from asmgeo.errors import LayerFileError
from asmgeo.schema import ANNEX_C_PRACTICES, PRACTICE_SEPARATOR

RULES_FILE = "practice_rules.csv"
RULES_COLUMNS = ("practice", "class", "rationale", "source")
RANKED_CLASSES = ("good", "acceptable", "poor", "unacceptable")  # best → worst; the classes a rule may give
UNKNOWN = "unknown"  # no practice recorded, or none of the site's codes has a rule
CLASSES = RANKED_CLASSES + (UNKNOWN,)  # every value classify() returns; "unknown" last, outside the ranking
ANNEX_C_CLASS = "unacceptable"
_RANK = {name: rank for rank, name in enumerate(RANKED_CLASSES)}


def rules_path() -> Path:
    """Default rules file: ``practice_rules.csv`` in :func:`asmgeo.config.layers_dir`."""
    return layers_dir() / RULES_FILE


def load_rules(path: Path | None = None) -> dict[str, str]:
    """Practice code → class from the rules CSV, with the Annex C codes forced to ``unacceptable``."""
    path = Path(path) if path is not None else rules_path()
    frame = _read_rules_csv(path)
    rules: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, code, klass in zip(range(2, len(frame) + 2), frame["practice"], frame["class"]):
        rules[_checked_code(path, line, code, first_line)] = _checked_class(path, line, code, klass)
        first_line[code.strip()] = line
    for code in ANNEX_C_PRACTICES:
        if code in rules and rules[code] != ANNEX_C_CLASS:
            warnings.warn(
                f"{path}, line {first_line[code]}: practice {code!r} is a Minamata Convention Annex C worst practice; "
                f"class {rules[code]!r} is overridden with {ANNEX_C_CLASS!r}.",
                UserWarning,
                stacklevel=2,
            )
    return with_annex_c(rules)


def _read_rules_csv(path: Path) -> pd.DataFrame:
    """The rules file as text cells, with the columns asmgeo needs; LayerFileError otherwise."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise LayerFileError(f"The practice rules file {path} is missing.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LayerFileError(f"The practice rules file {path} cannot be read: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in RULES_COLUMNS if c not in frame.columns]
    if missing:
        raise LayerFileError(f"The practice rules file {path} lacks the column(s) {', '.join(missing)}.")
    return frame


def _checked_code(path: Path, line: int, code: str, seen: Mapping[str, int]) -> str:
    """A practice code from line ``line``: non-empty, no separator, not seen before."""
    code = code.strip()
    if not code:
        raise LayerFileError(f"{path}, line {line}: the practice code is empty.")
    if PRACTICE_SEPARATOR in code:
        raise LayerFileError(f"{path}, line {line}: practice code {code!r} contains {PRACTICE_SEPARATOR!r}.")
    if code in seen:
        raise LayerFileError(f"{path}, line {line}: practice {code!r} is listed twice (first on line {seen[code]}).")
    return code


def _checked_class(path: Path, line: int, code: str, klass: str) -> str:
    """The class from line ``line`` (trimmed, lower-cased); must be one of RANKED_CLASSES."""
    value = klass.strip().lower()
    if value not in _RANK:
        raise LayerFileError(
            f"{path}, line {line}: practice {code.strip()!r} has class {klass!r}; "
            f"expected one of {', '.join(RANKED_CLASSES)}."
        )
    return value


def with_annex_c(rules: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``rules`` where the four Annex C codes are ``unacceptable``."""
    return {**rules, **dict.fromkeys(ANNEX_C_PRACTICES, ANNEX_C_CLASS)}


def _effective_rules(rules: Mapping[str, str]) -> dict[str, str]:
    """``rules`` checked (every class ranked) and with the Annex C override applied."""
    bad = {code: klass for code, klass in rules.items() if klass not in _RANK}
    if bad:
        code, klass = next(iter(bad.items()))
        raise ValueError(f"rules[{code!r}]={klass!r} must be one of {RANKED_CLASSES}")
    return with_annex_c(rules)


def split_codes(codes: str | Iterable[str] | None) -> list[str]:
    """Practice codes from the stored ``;``-joined string or a list; blanks dropped, None → []."""
    if codes is None or codes is pd.NA or (isinstance(codes, float) and math.isnan(codes)):
        return []
    if isinstance(codes, str):
        items: Iterable[object] = codes.split(PRACTICE_SEPARATOR)
    elif isinstance(codes, Iterable):
        items = codes
    else:
        raise ValueError(f"codes={codes!r} must be a {PRACTICE_SEPARATOR!r}-joined string, a list of codes or None")
    result = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"codes={codes!r} holds {item!r}, which is not a practice code string")
        if item.strip():
            result.append(item.strip())
    return result


def _worst(codes: list[str], rules: Mapping[str, str]) -> str:
    """Worst class among ``codes`` that have a rule; ``unknown`` when none has one."""
    ranks = [_RANK[rules[code]] for code in codes if code in rules]
    return RANKED_CLASSES[max(ranks)] if ranks else UNKNOWN


def classify(codes: str | Iterable[str] | None, rules: Mapping[str, str]) -> str:
    """Class of a site with practice ``codes``: the worst class among them, ``unknown`` if none is known."""
    return _worst(split_codes(codes), _effective_rules(rules))


def classify_series(practices: pd.Series, rules: Mapping[str, str]) -> pd.Series:
    """:func:`classify` for every row (each distinct value is classified once), same index."""
    if not isinstance(practices, pd.Series):
        raise ValueError(f"practices must be a pandas Series, not {type(practices).__name__}")
    effective = _effective_rules(rules)
    try:
        codes, uniques = pd.factorize(practices, use_na_sentinel=True)
    except TypeError:  # lists of codes are unhashable: key them by their joined string
        codes, uniques = pd.factorize(practices.map(_joined), use_na_sentinel=True)
    classes = np.array([_worst(split_codes(value), effective) for value in uniques] + [UNKNOWN], dtype=object)
    return pd.Series(classes[codes], index=practices.index, name="practice_class", dtype="str")


def _joined(value: object) -> object:
    """A list or tuple of codes as the stored ``;``-joined string; anything else unchanged."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return PRACTICE_SEPARATOR.join(split_codes(list(value)))
    return value
