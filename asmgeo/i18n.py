"""Every visible string goes through :func:`t`; the texts live in gettext catalogues, one per language.

``asmgeo/locale/<lang>.po`` holds one entry per key: ``msgctxt`` is the key the code asks for,
``msgid`` the English text (what the translator translates) and ``msgstr`` the text shown.
``en.po`` is the source; ``python scripts/sync_catalogues.py`` carries new or changed English
entries into ``fr.po`` and ``es.po``. An entry without a translation (empty or fuzzy) falls back
to English on screen, and ``tests/test_i18n_catalogues.py`` fails until it is translated.
Numbers and dates are formatted for the language with Babel (:func:`number`, :func:`date`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from string import Formatter

from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    check_lang(lang)
    return LOCALE_DIR / f"{lang}.po"


def read_catalogue(lang: str) -> Catalog:
    """The Babel catalogue of ``lang`` as stored (fuzzy and empty entries included)."""
    with catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


@lru_cache(maxsize=None)
def _texts(lang: str) -> dict[str, str]:
    """``{key: text}`` of the usable entries of ``lang`` (translated and not fuzzy)."""
    return {str(message.context): str(message.string) for message in read_catalogue(lang)
            if message.id and message.context and message.string and not message.fuzzy}


class _Catalogues(Mapping):
    """``CATALOGUE[lang][key]``: the usable texts of each language, read once on first use."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return _texts(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


CATALOGUE: Mapping[str, dict[str, str]] = _Catalogues()


def check_lang(lang: object) -> None:
    """ValueError naming ``lang`` unless it is one of the :data:`LANGUAGES` asmgeo speaks."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not one of {list(LANGUAGES)}")


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``key`` into ``lang`` (English while untranslated) and fill its ``{placeholders}``."""
    check_lang(lang)
    text = _texts(lang).get(key)
    if text is None:
        text = _texts(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no translation for key={key!r} in lang={lang!r}")
    return text.format(**values) if values else text


def number(value: float | int, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """``value`` with the grouping and decimal signs of ``lang`` (1,234.5 / 1 234,5 / 1.234,5)."""
    check_lang(lang)
    if decimals < 0:
        raise ValueError(f"decimals={decimals!r} must be >= 0")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=lang)


def date(value: dt.date | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``value`` (a date or ISO date string) written out for ``lang`` (26 Nov 2026 / 26 nov. 2026)."""
    check_lang(lang)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValueError(f"value={value!r} is not a date or an ISO date string")
    return format_date(value, format="medium", locale=lang)


def either(items: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """``items`` as one alternative in ``lang`` ("Point, Polygon, or MultiPolygon" / "…, Polygon ou MultiPolygon")."""
    check_lang(lang)
    if isinstance(items, str) or not items:
        raise ValueError(f"items={items!r} must be a non-empty sequence of texts")
    return format_list(list(items), style="or", locale=lang)


VALUE_GROUPS = {
    "commodity": "commodity", "legal_status": "legal_status", "mining_method": "mining_method",
    "mercury_use": "yes_no", "retort": "yes_no", "contains_mercury": "yes_no", "contains_cyanide": "yes_no",
    "practice_class": "practice_class", "status": "tailings_status", "amalgamation": "amalgamation",
    "burning": "burning", "practice": "practice",
}


def t_value(field: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of category ``code`` of ``field`` (e.g. legal_status ``in_process``)."""
    if field not in VALUE_GROUPS:
        raise KeyError(f"field={field!r} has no translated values; known: {sorted(VALUE_GROUPS)}")
    return t(f"value.{VALUE_GROUPS[field]}.{code}", lang)


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` used in a catalogue string."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
