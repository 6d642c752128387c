"""Practice classes: the shipped rules file, loading edited rules, worst-wins and the Annex C override."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from asmgeo.config import REPO_ROOT
from asmgeo.domain import practices
from asmgeo.errors import LayerFileError
from asmgeo.schema import ANNEX_C_PRACTICES, PRACTICE_SEPARATOR, PRACTICES

SHIPPED = REPO_ROOT / "data" / "layers" / "practice_rules.csv"
HEADER = "practice,class,rationale,source\n"
# What the shipped file must say (the brief's defaults), written out by hand.
DEFAULTS = {
    "whole_ore_amalgamation": "unacceptable",
    "open_burning": "unacceptable",
    "residential_burning": "unacceptable",
    "cyanide_on_mercury_tailings": "unacceptable",
    "concentrate_amalgamation": "poor",
    "retort": "acceptable",
    "cyanide_leaching": "poor",
    "gravity_concentration": "good",
    "direct_smelting": "good",
}
RULES = dict(DEFAULTS)


def _write(tmp_path, body: str, name: str = "rules.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_classes_are_ordered_best_to_worst_with_unknown_last():
    assert practices.RANKED_CLASSES == ("good", "acceptable", "poor", "unacceptable")
    assert practices.CLASSES == ("good", "acceptable", "poor", "unacceptable", "unknown")
    assert practices.UNKNOWN == "unknown"


def test_shipped_file_has_one_sourced_row_per_schema_code():
    frame = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["practice", "class", "rationale", "source"]
    assert sorted(frame["practice"]) == sorted(PRACTICES)
    assert dict(zip(frame["practice"], frame["class"])) == DEFAULTS
    assert frame["rationale"].str.len().gt(20).all()
    assert frame["source"].str.strip().ne("").all()
    annex = frame[frame["practice"].isin(ANNEX_C_PRACTICES)]
    assert annex["source"].str.startswith("Minamata Convention on Mercury, Annex C, paragraph 1").all()
    assert not frame["source"].str.contains("http").any()  # document names, no unverified URLs


def test_load_rules_reads_the_shipped_file_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert practices.load_rules() == DEFAULTS
        assert practices.load_rules(SHIPPED) == DEFAULTS


def test_load_rules_default_path_follows_layers_dir(tmp_path, monkeypatch):
    _write(tmp_path, "retort,good,ministry view,Decree 12\n", name=practices.RULES_FILE)
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(tmp_path))
    assert practices.rules_path() == tmp_path / practices.RULES_FILE
    rules = practices.load_rules()
    assert rules["retort"] == "good"
    assert {code: rules[code] for code in ANNEX_C_PRACTICES} == dict.fromkeys(ANNEX_C_PRACTICES, "unacceptable")
    assert "gravity_concentration" not in rules  # no row: such codes classify as unknown


def test_load_rules_accepts_new_codes_and_trims_and_lowercases_classes(tmp_path):
    path = _write(tmp_path, " borax_smelting , Good ,flux smelting,Ministry circular 3\nretort,acceptable,,\n")
    rules = practices.load_rules(path)
    assert rules["borax_smelting"] == "good"
    assert rules["retort"] == "acceptable"


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("retort,fine,x,y\n", ["line 2", "'retort'", "'fine'"]),
        ("retort,good,x,y\nnew_code,,x,y\n", ["line 3", "'new_code'"]),
        ("retort,good,x,y\ngravity_concentration,good,x,y\nretort,poor,x,y\n", ["line 4", "'retort'", "line 2"]),
        (",good,x,y\n", ["line 2", "empty"]),
        ("retort;x,good,x,y\n", ["line 2", "'retort;x'"]),
        ("retort,unknown,x,y\n", ["line 2", "'unknown'"]),
    ],
)
def test_load_rules_names_the_file_and_the_bad_row(tmp_path, body, needles):
    path = _write(tmp_path, body)
    with pytest.raises(LayerFileError) as caught:
        practices.load_rules(path)
    message = str(caught.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_load_rules_names_missing_columns(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("practice,class\nretort,good\n", encoding="utf-8")
    with pytest.raises(LayerFileError, match="rationale, source"):
        practices.load_rules(path)


def test_load_rules_missing_or_unreadable_file(tmp_path):
    with pytest.raises(LayerFileError, match="missing"):
        practices.load_rules(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(LayerFileError, match="cannot be read"):
        practices.load_rules(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "retort,good,caf\xe9,x\n").encode("latin-1"))
    with pytest.raises(LayerFileError, match="cannot be read"):
        practices.load_rules(latin)


def test_annex_c_rows_are_overridden_with_a_warning_naming_the_row(tmp_path):
    path = _write(tmp_path, "retort,good,x,y\nopen_burning,acceptable,ministry wish,z\n")
    with pytest.warns(UserWarning, match=r"line 3: practice 'open_burning'.*'acceptable'.*'unacceptable'"):
        rules = practices.load_rules(path)
    assert rules["open_burning"] == "unacceptable"
    assert practices.classify("open_burning", rules) == "unacceptable"


def test_classify_takes_the_worst_class():
    cases = {
        "gravity_concentration": "good",
        "gravity_concentration;retort": "acceptable",
        "retort;gravity_concentration;concentrate_amalgamation": "poor",
        "gravity_concentration;concentrate_amalgamation;open_burning": "unacceptable",
        "direct_smelting;cyanide_leaching": "poor",
    }
    for codes, expected in cases.items():
        assert practices.classify(codes, RULES) == expected, codes
        assert practices.classify(codes.split(PRACTICE_SEPARATOR), RULES) == expected, codes
        assert practices.classify(tuple(codes.split(PRACTICE_SEPARATOR)), RULES) == expected, codes


def test_unknown_codes_do_not_worsen_the_class():
    assert practices.classify("gravity_concentration;panning_with_magic", RULES) == "good"
    assert practices.classify(["magic", "retort"], RULES) == "acceptable"
    assert practices.classify("magic;more_magic", RULES) == "unknown"


@pytest.mark.parametrize("codes", [None, "", " ", ";", [], (), float("nan"), pd.NA, ["", " "]])
def test_no_practice_recorded_is_unknown(codes):
    assert practices.classify(codes, RULES) == "unknown"


def test_classify_trims_codes_and_ignores_empty_items():
    assert practices.classify(" retort ;; gravity_concentration ;", RULES) == "acceptable"


def test_annex_c_is_enforced_even_when_rules_say_otherwise():
    lenient = {**RULES, "whole_ore_amalgamation": "good", "residential_burning": "acceptable"}
    assert practices.classify("whole_ore_amalgamation", lenient) == "unacceptable"
    assert practices.classify(["gravity_concentration", "residential_burning"], {}) == "unacceptable"
    assert practices.classify("cyanide_on_mercury_tailings", {}) == "unacceptable"


def test_classify_rejects_bad_arguments():
    with pytest.raises(ValueError, match="rules\\['retort'\\]='fine'"):
        practices.classify("retort", {"retort": "fine"})
    with pytest.raises(ValueError, match="codes=42"):
        practices.classify(42, RULES)
    with pytest.raises(ValueError, match="holds 3"):
        practices.classify(["retort", 3], RULES)


def test_classify_series_matches_hand_written_expectations_and_keeps_the_index():
    values = [
        "gravity_concentration", None, "retort;concentrate_amalgamation", "", "magic",
        "gravity_concentration;whole_ore_amalgamation", "direct_smelting", np.nan, "retort",
    ]
    expected = ["good", "unknown", "poor", "unknown", "unknown", "unacceptable", "good", "unknown", "acceptable"]
    index = pd.Index([f"v{i}" for i in range(len(values))])
    for dtype in ("str", object):
        result = practices.classify_series(pd.Series(values, index=index, dtype=dtype), RULES)
        assert result.index.equals(index)
        assert result.tolist() == expected
        assert result.name == "practice_class"


def test_classify_series_on_many_rows_follows_a_lookup_table():
    table = {  # distinct stored strings → class, by hand
        "gravity_concentration": "good",
        "gravity_concentration;concentrate_amalgamation;open_burning": "unacceptable",
        "concentrate_amalgamation;retort": "poor",
        "gravity_concentration;retort": "acceptable",
        "magic": "unknown",
        "": "unknown",
    }
    rng = np.random.default_rng(7)
    keys = np.array(list(table), dtype=object)[rng.integers(0, len(table), 20_000)]
    series = pd.Series(keys, dtype="str")
    expected = series.map(table)
    result = practices.classify_series(series, RULES)
    assert (result.to_numpy() == expected.to_numpy()).all()


def test_classify_series_accepts_lists_and_empty_series():
    series = pd.Series([["retort", "gravity_concentration"], ["open_burning"], None, []])
    assert practices.classify_series(series, RULES).tolist() == ["acceptable", "unacceptable", "unknown", "unknown"]
    assert practices.classify_series(pd.Series([], dtype="str"), RULES).tolist() == []


def test_classify_series_rejects_non_series():
    with pytest.raises(ValueError, match="pandas Series"):
        practices.classify_series(["retort"], RULES)
