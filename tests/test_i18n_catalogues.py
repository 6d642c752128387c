"""The gettext catalogues: complete in every language, placeholders kept, files in canonical form."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from asmgeo import i18n
from asmgeo.i18n import LANGUAGES, number, placeholders, read_catalogue, t

REPO_ROOT = Path(__file__).resolve().parent.parent
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


def _entries(catalog: Catalog) -> dict[str, object]:
    return {str(message.context): message for message in catalog if message.id}


@pytest.fixture(scope="module")
def english() -> dict[str, object]:
    return _entries(read_catalogue("en"))


def test_there_is_one_catalogue_per_language():
    assert sorted(path.stem for path in i18n.LOCALE_DIR.glob("*.po")) == sorted(LANGUAGES)


def test_english_is_complete_and_keys_are_unique(english):
    assert len(english) > 400
    assert [key for key, message in english.items() if not message.string or message.string != message.id] == []


@pytest.mark.parametrize("lang", OTHERS)
def test_every_string_is_translated(english, lang):
    entries = _entries(read_catalogue(lang))
    assert sorted(set(english) - set(entries)) == [], "keys missing: run scripts/sync_catalogues.py"
    assert sorted(set(entries) - set(english)) == [], "keys English no longer has"
    untranslated = sorted(key for key, message in entries.items() if not message.string)
    fuzzy = sorted(key for key, message in entries.items() if message.fuzzy)
    assert untranslated == [], f"{len(untranslated)} untranslated in {lang}.po"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy (English changed since translation) in {lang}.po"


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_translate_the_current_english(english, lang):
    stale = sorted(key for key, message in _entries(read_catalogue(lang)).items()
                   if key in english and message.id != english[key].string)
    assert stale == []


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_are_the_same_in_every_language(english, lang):
    wrong = sorted(
        f"{key}: {sorted(placeholders(str(message.string)))} vs {sorted(placeholders(str(english[key].string)))}"
        for key, message in _entries(read_catalogue(lang)).items()
        if key in english and message.string and placeholders(str(message.string)) != placeholders(str(english[key].string))
    )
    assert wrong == []


def _words(text: str) -> list[str]:
    """The words of ``text`` outside its placeholders (a pure layout line like "{a}  {b}" has none)."""
    return re.findall(r"[^\W\d_]{2,}", re.sub(r"\{[^{}]*\}", " ", text))


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_are_not_left_in_english(english, lang):
    """A few words are the same in both languages (e.g. "Code"); more than a handful means copying."""
    same = sorted(key for key, message in _entries(read_catalogue(lang)).items()
                  if key in english and message.string and message.string == english[key].string
                  and len(_words(str(message.string))) > 2)
    assert same == []


def test_catalogue_files_are_in_canonical_form():
    result = subprocess.run([sys.executable, "scripts/sync_catalogues.py", "--check"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_canonical_form_check_compares_content_not_the_tool_that_wrote_it():
    """Another Babel version writes its own banner and plural rule: that alone is not a change."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import sync_catalogues

    data = i18n.catalogue_path("fr").read_bytes()
    banner = re.sub(rb'"Generated-By: [^"]*"\n', b'"Generated-By: Babel 9.99.0\\n"\n', data)
    if banner == data:  # the file carries no banner: add one, as an older sync wrote it
        banner = data.replace(b'"Content-Transfer-Encoding: 8bit\\n"\n',
                              b'"Content-Transfer-Encoding: 8bit\\n"\n"Generated-By: Babel 9.99.0\\n"\n')
    plural = re.sub(rb'"Plural-Forms: [^"]*"\n', b'"Plural-Forms: nplurals=3; plural=(n > 1);\\n"\n', banner)
    assert plural != data
    assert sync_catalogues.content(plural) == sync_catalogues.content(data)
    changed = data.replace(b'msgstr "asmgeo', b'msgstr "ASMGEO', 1)
    assert changed != data
    assert sync_catalogues.content(changed) != sync_catalogues.content(data)
    assert b"Generated-By" not in sync_catalogues.render(sync_catalogues.merged("fr", sync_catalogues.source())[0])


def test_a_missing_translation_falls_back_to_english_and_the_sync_marks_changes_fuzzy(tmp_path, monkeypatch):
    """What a translator sees after an English text changes: the old translation kept, marked fuzzy."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import sync_catalogues

    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    catalog = sync_catalogues._empty("en")
    catalog.add("Hello {name}", string="Hello {name}", context="greet")
    catalog.add("Bye", string="Bye", context="bye")
    (tmp_path / "en.po").write_bytes(sync_catalogues.render(catalog))
    french = sync_catalogues._empty("fr")
    french.add("Hello {name}", string="Bonjour {name}", context="greet")
    french.add("Old", string="Vieux", context="gone")
    (tmp_path / "fr.po").write_bytes(sync_catalogues.render(french))
    i18n._texts.cache_clear()
    try:
        assert t("greet", "fr", name="Awa") == "Bonjour Awa"
        assert t("bye", "fr") == "Bye"  # untranslated: English
        assert sync_catalogues.main(["fr", "--check"]) == 1
        # English changes: the translation stays but is fuzzy, so English shows until confirmed
        catalog = sync_catalogues._empty("en")
        catalog.add("Hello, {name}!", string="Hello, {name}!", context="greet")
        (tmp_path / "en.po").write_bytes(sync_catalogues.render(catalog))
        merged, dropped = sync_catalogues.merged("fr", sync_catalogues.source())
        greet = _entries(merged)["greet"]
        assert greet.fuzzy and greet.string == "Bonjour {name}" and dropped == ["gone"]
    finally:
        i18n._texts.cache_clear()


@pytest.mark.parametrize(("lang", "expected"), [("en", "12,345.6"), ("fr", "12\u202f345,6"), ("es", "12.345,6")])
def test_numbers_follow_the_language(lang, expected):
    assert number(12345.6, lang, decimals=1) == expected


@pytest.mark.parametrize(("lang", "month"), [("en", "Nov"), ("fr", "nov."), ("es", "nov")])
def test_dates_follow_the_language(lang, month):
    assert month in i18n.date("2026-11-26", lang) and "2026" in i18n.date("2026-11-26", lang)


def test_formatting_refuses_an_unknown_language_or_a_non_date():
    with pytest.raises(ValueError, match="'de'"):
        number(1, "de")
    with pytest.raises(ValueError, match="decimals"):
        number(1, "en", decimals=-1)
    with pytest.raises(ValueError):
        i18n.date("26/11/2026", "en")
