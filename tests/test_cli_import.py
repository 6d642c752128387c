"""``python -m asmgeo import|batches|approve|undo`` in subprocesses: exit codes, the DESIGN §4 JSON, the store."""

from __future__ import annotations

import json
import subprocess
import sys

import kobo_xlsx
import upload_fixtures as uf
from cli_runs import REPO_ROOT, cli_env, cli_store, run_cli

from asmgeo.store import batches

UPLOADS = uf.UPLOADS


_env, _run, _store = cli_env, run_cli, cli_store


def _json(result: subprocess.CompletedProcess) -> dict:
    data = json.loads(result.stdout)
    assert list(data) == ["features", "accepted", "rejected", "issues", "batch"]
    return data


def test_import_json_names_the_new_batch(tmp_path):
    result = _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites", "--by", "awa",
                  "--format", "json")
    assert result.returncode == 0, result.stderr
    data = _json(result)
    assert (data["features"], data["accepted"], data["rejected"], data["issues"]) == (4, 4, 0, [])
    store = _store(tmp_path)
    assert store.count("sites") == 4
    listed = batches.list_batches(store)
    assert listed[["batch", "who", "status"]].values.tolist() == [[data["batch"], "awa", "pending"]]


def test_import_text_then_the_same_file_again(tmp_path):
    first = _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites")
    assert first.returncode == 0, first.stderr
    batch = batches.list_batches(_store(tmp_path))["batch"].iloc[0]
    assert f"as batch {batch} (pending approval)." in first.stdout.splitlines()[-1]
    again = _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites", "--format", "json")
    assert again.returncode == 1 and _json(again)["batch"] is None
    assert again.stderr.strip() == f"sites.geojson was already imported into sites as batch {batch}; nothing was imported."
    assert _store(tmp_path).count("sites") == 4 and len(batches.list_batches(_store(tmp_path))) == 1


def test_strict_with_rejections_writes_nothing_exit_1(tmp_path):
    result = _run(tmp_path, "import", str(UPLOADS / "bad_values.geojson"), "--layer", "sites", "--strict")
    assert result.returncode == 1 and "--strict" in result.stderr
    assert not (tmp_path / "store").exists()
    lenient = _run(tmp_path, "import", str(UPLOADS / "bad_values.geojson"), "--layer", "sites", "--format", "json")
    data = _json(lenient)
    assert lenient.returncode == 1 and data["batch"] and _store(tmp_path).count("sites") == data["accepted"] == 6


def test_a_file_level_error_exit_2_leaves_the_store_byte_identical(tmp_path):
    assert _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites").returncode == 0
    path = tmp_path / "store" / "s.gpkg"
    before = path.read_bytes()
    result = _run(tmp_path, "import", str(UPLOADS / "empty.geojson"), "--layer", "sites", "--format", "json")
    assert result.returncode == 2
    data = _json(result)
    assert data["batch"] is None and data["issues"][0]["feature"] is None
    assert path.read_bytes() == before
    text = _run(tmp_path, "import", str(UPLOADS / "empty.geojson"), "--layer", "sites")
    assert text.returncode == 2 and text.stdout == "" and text.stderr.startswith("Error: ")
    assert path.read_bytes() == before


def test_batches_approve_undo(tmp_path):
    keep = _json(_run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites", "--format", "json"))
    drop = _json(_run(tmp_path, "import", str(UPLOADS / "kobo_sites.csv"), "--layer", "sites", "--format", "json"))
    assert _store(tmp_path).count("sites") == 7
    approved = _run(tmp_path, "approve", keep["batch"])
    assert approved.returncode == 0 and "approved" in approved.stdout
    undone = _run(tmp_path, "undo", drop["batch"])
    assert undone.returncode == 0 and "3 row(s) deleted" in undone.stdout
    rows = _store(tmp_path).read("sites")
    assert len(rows) == 4 and set(rows["batch"]) == {keep["batch"]}
    listed = json.loads(_run(tmp_path, "batches", "--format", "json").stdout)
    assert [(b["batch"], b["status"], b["accepted"]) for b in listed] == [(keep["batch"], "approved", 4),
                                                                          (drop["batch"], "undone", 3)]
    text = _run(tmp_path, "batches").stdout.splitlines()
    assert len(text) == 2 and text[0].startswith(keep["batch"]) and "kobo_sites.csv" in text[1]
    missing = _run(tmp_path, "undo", "nope")
    assert missing.returncode == 2 and missing.stderr.startswith("Error: ") and "nope" in missing.stderr


def test_import_kobo_xlsx_then_undo(tmp_path):
    path = kobo_xlsx.write_kobo_xlsx(tmp_path)
    result = _run(tmp_path, "import", str(path), "--layer", "sites", "--by", "enqueteur1", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = _json(result)
    assert (data["features"], data["accepted"], data["rejected"], data["issues"]) == (3, 3, 0, [])
    store = _store(tmp_path)
    rows = store.read("sites")
    assert list(rows["site_id"]) == ["SEN-KB-001", "SEN-KB-002", "SEN-KB-003"]
    assert list(rows["workers"]) == [120, 40, 25] and set(rows["source"]) == {"kobo_sites.xlsx"}
    assert set(rows["batch"]) == {data["batch"]}
    record = batches.get_batch(store, data["batch"])
    assert (record["file_name"], record["who"], record["status"]) == ("kobo_sites.xlsx", "enqueteur1", "pending")
    again = _run(tmp_path, "import", str(path), "--layer", "sites", "--format", "json")
    assert again.returncode == 1 and _json(again)["batch"] is None  # the same workbook twice
    assert _run(tmp_path, "undo", data["batch"]).returncode == 0 and store.count("sites") == 0


def test_batches_of_an_empty_store(tmp_path):
    result = _run(tmp_path, "batches", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_two_processes_importing_at_once(tmp_path):
    assert _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites").returncode == 0  # the layer
    files = [UPLOADS / "kobo_sites.csv", UPLOADS / "bad_values.geojson"]
    processes = [subprocess.Popen([sys.executable, "-m", "asmgeo", "import", str(f), "--layer", "sites", "--format", "json"],
                                  cwd=REPO_ROOT, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for f in files]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 1], outputs
    assert all(not err and out.startswith("{") for out, err in outputs), outputs
    results = [json.loads(out) for out, _ in outputs]
    store = _store(tmp_path)
    listed = batches.list_batches(store).set_index("batch")
    assert len(listed) == 3 and all(r["batch"] in listed.index for r in results)
    rows = store.read("sites")
    assert len(rows) == 4 + 3 + 6
    for r in results:
        assert (rows["batch"] == r["batch"]).sum() == r["accepted"] == listed.loc[r["batch"], "accepted"]
