"""The shipped reference tables: assessments, regional averages and country facts."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from asmgeo.errors import LayerFileError
from asmgeo.shipped import reference

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "layers"
TABLES = ("mpf_assessments.csv", "regional_averages.csv", "country_facts.csv")
LOADERS = {
    "mpf_assessments.csv": reference.assessments,
    "regional_averages.csv": reference.regional_averages,
    "country_facts.csv": reference.country_facts,
}
# DESIGN §2: the 14 assessed countries as the seed groups them.
DESIGN_REGIONS = {
    "lac": {"DOM", "ECU", "JAM", "SUR", "HND", "PAN"},
    "africa": {"SEN", "MDG", "RWA", "UGA", "NAM", "MRT"},
    "asia": {"MNG", "KGZ"},
}
# DESIGN §1 / the seed: average % of MPF recommendations implemented.
DESIGN_AVERAGES = {"lac": 23, "africa": 29, "asia": 38}


def _raw(name: str) -> list[dict[str, str]]:
    with open(SHIPPED / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", TABLES)
def test_each_shipped_table_loads(name):
    frame = LOADERS[name]()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == len(_raw(name)) > 0


def test_assessments_are_the_14_countries_grouped_as_the_seed_groups_them():
    frame = reference.assessments()
    assert len(frame) == 14 and frame["iso3"].is_unique
    assert frame["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert {r: set(g) for r, g in frame.groupby("region")["iso3"]} == DESIGN_REGIONS
    assert frame["region"].value_counts().to_dict() == {"africa": 6, "lac": 6, "asia": 2}
    assert reference.assessed_iso3() == frame["iso3"].tolist()


def test_assessment_years_span_the_report_dates():
    years = [int(row["report_date"][:4]) for row in _raw("mpf_assessments.csv") if row["report_date"]]
    assert reference.assessment_years() == (min(years), max(years))


def test_regional_averages_are_the_seed_figures():
    frame = reference.regional_averages()
    assert dict(zip(frame["region"], frame["implementation_pct"])) == DESIGN_AVERAGES
    assert pd.api.types.is_numeric_dtype(frame["implementation_pct"])
    assert frame["source"].str.len().gt(0).all()


def test_regional_countries_assessed_match_the_assessments_table():
    counts = reference.assessments()["region"].value_counts().to_dict()
    frame = reference.regional_averages()
    assert dict(zip(frame["region"], frame["countries_assessed"].astype(int))) == counts
    assert frame["countries_assessed"].sum() == 14


def test_country_facts_keep_ranges_where_there_is_no_single_value():
    facts = reference.country_facts()
    for column in ("value", "low", "high"):
        assert pd.api.types.is_float_dtype(facts[column]) or pd.api.types.is_integer_dtype(facts[column])
    range_only = [r for r in _raw("country_facts.csv") if r["value"] == "" and r["low"] and r["high"]]
    assert range_only, "the shipped table has a range-only fact (UGA asm_miners)"
    for row in range_only:
        match = facts[(facts["iso3"] == row["iso3"]) & (facts["indicator"] == row["indicator"])]
        assert len(match) == 1
        assert pd.isna(match["value"].iloc[0])
        assert match["low"].iloc[0] == float(row["low"]) and match["high"].iloc[0] == float(row["high"])
    uganda = reference.country_facts("UGA").set_index("indicator")
    assert pd.isna(uganda.loc["asm_miners", "value"])
    assert uganda.loc["asm_miners", "low"] < uganda.loc["asm_miners", "high"]
    assert set(reference.country_facts("UGA")["iso3"]) == {"UGA"}


def test_country_facts_values_and_years_are_numbers():
    facts = reference.country_facts()
    raw = _raw("country_facts.csv")
    assert pd.api.types.is_integer_dtype(facts["year"])
    assert facts["year"].tolist() == [int(r["year"]) for r in raw]
    for got, row in zip(facts.itertuples(), raw):
        assert (pd.isna(got.value) and row["value"] == "") or got.value == pytest.approx(float(row["value"]))


def test_country_facts_flag_uncertain_rows():
    facts = reference.country_facts()
    raw = _raw("country_facts.csv")
    assert facts["uncertain"].tolist() == [r["status"] == "uncertain" for r in raw]
    assert facts["uncertain"].any() and not facts["uncertain"].all()


@pytest.mark.parametrize("name", TABLES)
def test_a_missing_table_raises_naming_the_file(name, tmp_path, monkeypatch):
    for other in TABLES:
        if other != name:
            shutil.copy(SHIPPED / other, tmp_path / other)
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(tmp_path))
    with pytest.raises(LayerFileError, match=name.replace(".", r"\.")):
        LOADERS[name]()


@pytest.mark.parametrize(
    ("name", "column"),
    [("mpf_assessments.csv", "region"), ("regional_averages.csv", "implementation_pct"),
     ("country_facts.csv", "status"), ("country_facts.csv", "year")],
)
def test_a_table_missing_a_column_raises_naming_file_and_column(name, column, tmp_path, monkeypatch):
    for table in TABLES:
        shutil.copy(SHIPPED / table, tmp_path / table)
    pd.read_csv(SHIPPED / name, dtype=str, keep_default_na=False).drop(columns=column).to_csv(
        tmp_path / name, index=False
    )
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(tmp_path))
    with pytest.raises(LayerFileError) as caught:
        LOADERS[name]()
    assert name in str(caught.value) and column in str(caught.value)


def test_an_unknown_region_is_refused(tmp_path, monkeypatch):
    frame = pd.read_csv(SHIPPED / "mpf_assessments.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "region"] = "europe"
    frame.to_csv(tmp_path / "mpf_assessments.csv", index=False)
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(tmp_path))
    with pytest.raises(LayerFileError, match="europe"):
        reference.assessments()


@pytest.mark.parametrize(("name", "column"), [("regional_averages.csv", "implementation_pct"),
                                              ("country_facts.csv", "year")])
def test_a_cell_that_is_not_a_number_raises_naming_file_column_and_value_in_the_readers_language(
        name, column, tmp_path, monkeypatch):
    for table in TABLES:
        shutil.copy(SHIPPED / table, tmp_path / table)
    frame = pd.read_csv(SHIPPED / name, dtype=str, keep_default_na=False)
    frame.loc[1, column] = "about 30"
    frame.to_csv(tmp_path / name, index=False)
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(tmp_path))
    with pytest.raises(LayerFileError) as caught:
        LOADERS[name]()
    for lang in ("en", "fr", "es"):
        text = caught.value.text(lang)
        assert name in text and column in text and "'about 30'" in text, text
    assert caught.value.text("fr") != caught.value.text("en")
