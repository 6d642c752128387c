"""``python -m asmgeo ... --lang fr|es`` (or ``ASMGEO_LANG``): messages in the language, codes and JSON shape unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asmgeo import cli
from asmgeo.i18n import number, t
from asmgeo.ingest.validate import validate_file
from asmgeo.shipped import boundaries

REPO_ROOT = Path(__file__).resolve().parent.parent
BAD = REPO_ROOT / "tests" / "data" / "uploads" / "bad_values.geojson"


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"), **extra)
    return subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def french_report():
    return validate_file(BAD, "sites", boundaries.load_countries("full"), lang="fr")


def test_validate_text_lines_are_french_with_the_codes_kept(tmp_path, french_report):
    result = _run(tmp_path, "validate", str(BAD), "--layer", "sites", "--lang", "fr")
    assert result.returncode == 1, result.stderr
    summary, *lines = result.stdout.splitlines()
    errors = sum(i.severity == "error" for i in french_report.issues)
    assert summary == t("cli.validate_summary", "fr", file=BAD.name, layer="sites", features="25", accepted="6",
                        rejected="19", errors=number(errors, "fr"), warnings=number(len(french_report.issues) - errors, "fr"))
    expected = [t("cli.issue_line", "fr", feature="-" if i.feature is None else i.feature,
                  severity=t(f"cli.severity.{i.severity}", "fr"), code=i.code, message=i.message)
                for i in french_report.issues]
    assert lines == expected
    english = validate_file(BAD, "sites", boundaries.load_countries("full"))
    assert sum(a.message != b.message for a, b in zip(french_report.issues, english.issues)) > len(lines) // 2
    assert lines[1].startswith("#2 ") and " not_an_integer" in lines[1]  # code unchanged


def test_validate_json_messages_follow_lang_and_the_contract_stays(tmp_path, french_report):
    result = _run(tmp_path, "--lang", "es", "validate", str(BAD), "--layer", "sites", "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 1 and list(data) == ["features", "accepted", "rejected", "issues", "batch"]
    spanish = validate_file(BAD, "sites", boundaries.load_countries("full"), lang="es")
    assert [i["message"] for i in data["issues"]] == [i.message for i in spanish.issues]
    assert [i["code"] for i in data["issues"]] == [i.code for i in french_report.issues]
    assert {i["severity"] for i in data["issues"]} == {"error", "warning"}


def test_asmgeo_lang_sets_the_default_and_lang_wins(tmp_path, french_report):
    from_env = _run(tmp_path, "validate", str(BAD), "--layer", "sites", "--format", "json", ASMGEO_LANG="fr")
    given = _run(tmp_path, "validate", str(BAD), "--layer", "sites", "--format", "json", "--lang", "en",
                 ASMGEO_LANG="fr")
    french, english = json.loads(from_env.stdout)["issues"], json.loads(given.stdout)["issues"]
    assert [i["message"] for i in french] == [i.message for i in french_report.issues]
    english_report = validate_file(BAD, "sites", boundaries.load_countries("full"))
    assert [i["message"] for i in english] == [i.message for i in english_report.issues]
    assert [i["message"] for i in french] != [i["message"] for i in english]
    assert [i["code"] for i in french] == [i["code"] for i in english]


def test_a_bad_asmgeo_lang_is_one_sentence_exit_2(tmp_path):
    result = _run(tmp_path, "layers", ASMGEO_LANG="de")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == t("cli.error", "en", message="ASMGEO_LANG='de' is not one of en, fr, es.")


def test_errors_and_help_are_in_the_language(tmp_path):
    missing = _run(tmp_path, "layers", "--lang", "es")
    assert missing.returncode == 2
    assert missing.stderr.strip() == t("cli.error", "es", message=t("cli.no_store", "es", path=str(tmp_path / "s.gpkg")))
    helped = _run(tmp_path, "validate", "--help", ASMGEO_LANG="fr")
    flat = " ".join(helped.stdout.split())
    assert helped.returncode == 0 and t("cli.help.layer", "fr") in flat and t("cli.help.lang", "fr") in flat


def test_the_parser_takes_lang_before_or_after_the_command():
    assert cli.build_parser("fr").parse_args(["--lang", "es", "layers"]).lang == "es"
    assert cli.build_parser("fr").parse_args(["layers", "--lang", "es"]).lang == "es"
    assert cli.build_parser("fr").parse_args(["layers"]).lang == "fr"
    assert cli.requested_language(["validate", "f", "--lang=es"]) == "es"
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["layers", "--lang", "de"])
