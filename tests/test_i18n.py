"""Translations: every key the code asks for exists, placeholders are filled, bad input is named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from asmgeo import i18n
from asmgeo.domain import mpf
from asmgeo.domain.geology import LABEL_KEYS
from asmgeo.i18n import CATALOGUE, placeholders, t
from asmgeo.shipped import reference

REPO_ROOT = Path(__file__).resolve().parent.parent
ENGLISH = CATALOGUE["en"]
# t("key" / t('key' / t(f"prefix.{x}" — but not other.t( or st(
CALL = re.compile(r"""(?<![\w.])t\(\s*(?P<f>[fF]?)(?P<q>["'])(?P<key>.*?)(?P=q)""")


def _sources() -> list[Path]:
    files = [*(REPO_ROOT / "asmgeo").rglob("*.py"), *(REPO_ROOT / "ui").rglob("*.py"),
             *(REPO_ROOT / "pages").rglob("*.py"), REPO_ROOT / "app.py"]
    return sorted(f for f in files if f.is_file())


def _keys_used() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(literal keys, f-string prefixes), each with the file:line that uses it."""
    literal, prefixes = set(), set()
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in CALL.finditer(line):
                where = f"{path.relative_to(REPO_ROOT)}:{number}"
                if match["f"]:
                    prefixes.add((match["key"].split("{", 1)[0], where))
                else:
                    literal.add((match["key"], where))
    return literal, prefixes


def test_the_scan_finds_the_calls():
    literal, prefixes = _keys_used()
    keys = {key for key, _ in literal}
    assert len(keys) >= 20
    assert {"home.title", "map.layer.sites", "error.prefix", "map.tooltip.pillar"} <= keys  # both quote styles
    assert {"region.", "map.popup."} <= {prefix for prefix, _ in prefixes}


def test_every_literal_key_used_exists_in_english():
    literal, _ = _keys_used()
    missing = sorted(f"{key} ({where})" for key, where in literal if key not in ENGLISH)
    assert missing == []


def test_every_fstring_key_prefix_has_catalogue_keys():
    _, prefixes = _keys_used()
    missing = sorted(f"{prefix}* ({where})" for prefix, where in prefixes
                     if not prefix or not any(key.startswith(prefix) for key in ENGLISH))
    assert missing == []


def test_keys_built_from_data_exist():
    """The values the f-string keys are built from: regions, rating status, popup fields, areas."""
    needed = [f"region.{r}" for r in reference.REGIONS]
    needed += ["mpf.status.illustrative", "mpf.status.official"]
    needed += [f"map.popup.{f}" for f in ("site_id", "name", "commodity", "legal_status", "workers", "women",
                                          "mercury_use", "survey_date", "source")]
    needed += [f"home.col.{c}" for c in ("region", "implementation_pct", "scope", "countries_assessed")]
    needed += [f"mpf.area.{area}" for area in mpf.AREAS]
    assert [key for key in needed if key not in ENGLISH] == []


def test_declared_label_keys_exist():
    """Lithology labels are declared as i18n keys (``raster_legend`` hands them out for translation)."""
    assert sorted(key for key in LABEL_KEYS.values() if key not in ENGLISH) == []


def _calls_with_keywords() -> list[tuple[str, set[str], bool, str]]:
    """(key, keyword names, has **kwargs, file:line) of every ``t("literal", ...)`` call."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = {kw.arg for kw in node.keywords if kw.arg}
                splat = any(kw.arg is None for kw in node.keywords)
                found.append((node.args[0].value, names, splat, f"{path.relative_to(REPO_ROOT)}:{node.lineno}"))
    return found


def test_every_call_passes_the_placeholders_its_text_needs():
    calls = _calls_with_keywords()
    assert any(names for _, names, _, _ in calls)
    wrong = []
    for key, names, splat, where in calls:
        if key not in ENGLISH or splat:
            continue
        needed = placeholders(ENGLISH[key]) - {"lang"}
        if needed - names:
            wrong.append(f"{key} at {where} lacks {sorted(needed - names)}")
    assert wrong == []


def test_placeholders_are_filled():
    assert t("sidebar.store", location="/data/asmgeo.gpkg") == ENGLISH["sidebar.store"].replace(
        "{location}", "/data/asmgeo.gpkg")
    text = t("store.demo_built", sites="2,000", seconds="3.1")
    assert "2,000" in text and "3.1" in text and "{" not in text
    assert placeholders(ENGLISH["store.demo_built"]) == {"sites", "seconds"}
    assert placeholders("no placeholders") == set()


def test_a_missing_placeholder_value_raises_naming_it():
    with pytest.raises(KeyError, match="count"):
        t("sidebar.layer_count", layer="sites")


def test_unknown_key_raises_naming_it():
    with pytest.raises(KeyError, match="map.layer.unicorns"):
        t("map.layer.unicorns")


@pytest.mark.parametrize("lang", ["de", "EN", "", "english"])
def test_unknown_language_raises_naming_it(lang):
    with pytest.raises(ValueError, match=re.escape(repr(lang))):
        t("app.title", lang)


def test_languages_and_default():
    assert i18n.DEFAULT_LANGUAGE in CATALOGUE
    assert set(i18n.LANGUAGES) <= set(CATALOGUE)
    for lang, catalogue in CATALOGUE.items():
        assert all(isinstance(v, str) and v for v in catalogue.values()), lang
        # other languages carry the same placeholders as English
        for key, text in catalogue.items():
            if key in ENGLISH:
                assert placeholders(text) == placeholders(ENGLISH[key]), (lang, key)
