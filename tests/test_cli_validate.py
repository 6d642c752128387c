"""``python -m asmgeo validate`` in subprocesses: exit codes, text lines, the DESIGN §4 JSON, nothing written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import kobo_xlsx
import pytest
import upload_fixtures as uf

REPO_ROOT = Path(__file__).resolve().parent.parent
UPLOADS = uf.UPLOADS
ISSUE_LINE = re.compile(r"^#(\d+|-) (error|warning) ([a-z0-9_]+): .+[.)]$")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "store" / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"), **extra)
    return env


def _validate(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "asmgeo", "validate", *args], cwd=REPO_ROOT,
                            env=_env(tmp_path, **extra), capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    assert not (tmp_path / "store").exists(), "validate wrote to the store"
    return result


def _json(result: subprocess.CompletedProcess) -> dict:
    data = json.loads(result.stdout)  # exactly one JSON object, nothing else on stdout
    assert isinstance(data, dict) and list(data) == ["features", "accepted", "rejected", "issues", "batch"]
    assert all(type(data[key]) is int for key in ("features", "accepted", "rejected"))
    assert data["batch"] is None and isinstance(data["issues"], list)
    for issue in data["issues"]:
        assert list(issue) == ["feature", "severity", "code", "message"]
        assert issue["feature"] is None or type(issue["feature"]) is int
        assert issue["severity"] in ("error", "warning")
        assert re.fullmatch(r"[a-z][a-z0-9_]*", issue["code"]) and isinstance(issue["message"], str)
    return data


def test_good_file_text_exit_0(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "sites.geojson"), "--layer", "sites")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [lines[0]] and "4 features, 4 accepted, 0 rejected" in lines[0]
    assert result.stderr == ""


def test_bad_values_text_lines(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "bad_values.geojson"), "--layer", "sites")
    assert result.returncode == 1, result.stderr
    summary, *issues = result.stdout.splitlines()
    assert "25 features, 6 accepted, 19 rejected" in summary
    assert all(ISSUE_LINE.match(line) for line in issues), issues
    assert "#2 error not_an_integer: workers \"12 workers\" is not a whole number." in issues


def test_bad_values_json(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "bad_values.geojson"), "--layer", "sites", "--format", "json")
    assert result.returncode == 1
    data = _json(result)
    assert (data["features"], data["accepted"], data["rejected"]) == (25, 6, 19)
    assert (16, "warning", "near_border") in {(i["feature"], i["severity"], i["code"]) for i in data["issues"]}
    assert result.stderr == ""


def test_kobo_export_json_exit_0(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "kobo_sites.csv"), "--layer", "sites", "--format", "json")
    assert result.returncode == 0
    assert _json(result) == {"features": 3, "accepted": 3, "rejected": 0, "issues": [], "batch": None}


def test_kobo_xlsx_export_json_exit_0(tmp_path):
    path = kobo_xlsx.write_kobo_xlsx(tmp_path)
    result = _validate(tmp_path, str(path), "--layer", "sites", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert _json(result) == {"features": 3, "accepted": 3, "rejected": 0, "issues": [], "batch": None}
    text = _validate(tmp_path, str(path), "--layer", "sites")
    assert text.returncode == 0 and "3 features, 3 accepted, 0 rejected" in text.stdout


def test_xlsx_with_a_bad_row_names_the_feature(tmp_path):
    path = kobo_xlsx.write_xlsx(tmp_path, "survey.xlsx", [
        ["site_id", "commodity", "survey_date", "longitude", "latitude", "workers"],
        ["X-1", "gold", "2024-03-15", -12.18, 12.55, 12],
        ["X-2", "gold", "2024-03-15", -12.1, 13.2, "12 workers"],
    ])
    result = _validate(tmp_path, str(path), "--layer", "sites", "--format", "json")
    assert result.returncode == 1
    data = _json(result)
    assert (data["features"], data["accepted"], data["rejected"]) == (2, 1, 1)
    assert [(i["feature"], i["code"]) for i in data["issues"]] == [(1, "not_an_integer")]


def test_xlsx_that_is_not_a_workbook_exit_2(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    result = _validate(tmp_path, str(path), "--layer", "sites", "--format", "json")
    assert result.returncode == 2
    assert [(i["feature"], i["code"]) for i in _json(result)["issues"]] == [(None, "unreadable_file")]


def test_mercury_layer(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "mercury.geojson"), "--layer", "mercury", "--format", "json")
    assert result.returncode == 1 and _json(result)["rejected"] == 3


@pytest.mark.parametrize("name, code", [("xxe.kml", "xml_doctype"), ("not_geo.csv", "not_geographic"),
                                        ("missing.geojson", "file_not_found")])
def test_unusable_file_json_exit_2(tmp_path, name, code):
    result = _validate(tmp_path, str(UPLOADS / name), "--layer", "sites", "--format", "json")
    assert result.returncode == 2
    data = _json(result)
    assert data["features"] == 0 and [(i["feature"], i["code"]) for i in data["issues"]] == [(None, code)]


@pytest.mark.parametrize("content", [b"\x00\x01garbage\xff" * 50, b""])
def test_unreadable_file_is_one_sentence_exit_2(tmp_path, content):
    path = tmp_path / "survey.bin"
    path.write_bytes(content)
    result = _validate(tmp_path, str(path), "--layer", "sites")
    assert result.returncode == 2 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and lines[0].endswith(".")
    assert "survey.bin" in lines[0]


def test_upload_limit_from_the_environment(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "bad_values.geojson"), "--layer", "sites", "--format", "json",
                       ASMGEO_MAX_UPLOAD_MB="0.001")
    assert result.returncode == 2 and _json(result)["issues"][0]["code"] == "file_too_large"


def test_bad_limit_variable_is_one_sentence(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "sites.geojson"), "--layer", "sites", ASMGEO_MAX_UPLOAD_MB="lots")
    assert result.returncode == 2 and "ASMGEO_MAX_UPLOAD_MB" in result.stderr and result.stdout == ""


def test_unknown_layer_is_refused_by_the_parser(tmp_path):
    result = _validate(tmp_path, str(UPLOADS / "sites.geojson"), "--layer", "unicorns")
    assert result.returncode == 2 and "unicorns" in result.stderr


def test_existing_store_is_left_unchanged(tmp_path):
    store = tmp_path / "existing.gpkg"
    store.write_bytes(b"not touched")
    before = store.stat().st_mtime_ns
    result = subprocess.run([sys.executable, "-m", "asmgeo", "validate", str(UPLOADS / "sites_es.csv"), "--layer", "sites"],
                            cwd=REPO_ROOT, env={**_env(tmp_path), "ASMGEO_STORE": str(store)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert store.read_bytes() == b"not touched" and store.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.gpkg"]
