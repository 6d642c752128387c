"""``python -m asmgeo`` and the store's side of real data: named mappings, cumulative exports, sources, demo --remove.

Each test runs the command line in subprocesses against its own temporary store, as a data officer would.
"""

from __future__ import annotations

import json
from pathlib import Path

import upload_fixtures as uf
from cli_runs import cli_env, cli_store, run_cli

from asmgeo.demo import install
from asmgeo.i18n import t
from asmgeo.ingest.mapping import Mapping
from asmgeo.ingest.named_mappings import mapping_hash, named_mappings
from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.store import batches

UPLOADS = uf.UPLOADS
HEADER = "site_id;commodity;survey_date;_gps_latitude;_gps_longitude;_uuid\n"
RECORDS = ["S-1;Or;2024-03-15;12.55;-12.18;uuid-1", "S-2;Or;2024-03-16;12.60;-12.20;uuid-2",
           "S-3;Or;2024-03-17;12.65;-12.22;uuid-3"]


_env, _run, _store = cli_env, run_cli, cli_store


def _export(tmp_path: Path, name: str, records: list[str]) -> Path:
    """A KoboToolbox-like CSV export whose commodity is written "Or" (French for gold)."""
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(records) + "\n", encoding="utf-8")
    return path


def test_save_a_named_mapping_while_validating_then_import_with_it(tmp_path):
    march = _export(tmp_path, "export_march.csv", RECORDS[:2])
    checked = _run(tmp_path, "validate", str(march), "--layer", "sites", "--value", "commodity:Or=gold",
                   "--save-mapping", "kobo ASM v3", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["accepted"] == 2  # stdout stays the report
    store = _store(tmp_path)
    assert checked.stderr.strip() == t("cli.mapping_saved_named", "en", name="kobo ASM v3", path=store.location)
    assert named_mappings(store, "sites") == ["kobo ASM v3"] and store.count("sites") == 0  # nothing else written

    imported = _run(tmp_path, "import", str(march), "--layer", "sites", "--mapping", "kobo ASM v3",
                    "--source", "Kobo ASM survey 2024", "--licence", "CC-BY-4.0", "--by", "awa", "--format", "json")
    assert imported.returncode == 0, imported.stderr
    batch = json.loads(imported.stdout)["batch"]
    record = batches.get_batch(store, batch)
    expected = Mapping.from_cli("sites", values=["commodity:Or=gold"])
    assert record["mapping_hash"] == mapping_hash(expected) and json.loads(record["mapping"]) == expected.to_json()
    assert (record["source"], record["licence"]) == ("Kobo ASM survey 2024", "CC-BY-4.0")
    rows = store.read("sites")
    assert set(rows["source"]) == {"Kobo ASM survey 2024"} and set(rows["licence"]) == {"CC-BY-4.0"}

    listed = _run(tmp_path, "batches").stdout.splitlines()
    assert len(listed) == 1 and listed[0].startswith(batch)
    assert ("source: Kobo ASM survey 2024" in listed[0] and "licence: CC-BY-4.0" in listed[0]
            and "mapping: kobo ASM v3" in listed[0] and "skipped: 0" in listed[0]), listed[0]
    data = json.loads(_run(tmp_path, "batches", "--format", "json").stdout)
    assert data[0]["mapping_names"] == ["kobo ASM v3"] and data[0]["skipped_existing"] == 0


def test_a_mapping_given_on_the_command_line_is_said_so_and_a_batch_without_one_too(tmp_path):
    assert _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites").returncode == 0
    corrected = _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites",
                     "--set", "legal_status=informal", "--format", "json")
    assert corrected.returncode == 0, corrected.stderr  # the same file, a corrected mapping: imported again
    again = _run(tmp_path, "import", str(UPLOADS / "sites.geojson"), "--layer", "sites",
                 "--set", "legal_status=informal")
    assert again.returncode == 1 and "already imported" in again.stderr  # with that mapping, once only
    lines = _run(tmp_path, "batches", "--lang", "fr").stdout.splitlines()
    assert len(lines) == 2
    assert t("cli.batch_no_mapping", "fr") in lines[0] and t("cli.batch_mapping_given", "fr") in lines[1]
    assert _store(tmp_path).count("sites") == 8


def test_a_cumulative_export_skips_what_the_store_holds_and_says_so(tmp_path):
    mapping = ["--value", "commodity:Or=gold"]
    first = _run(tmp_path, "import", str(_export(tmp_path, "export_march.csv", RECORDS[:2])), "--layer", "sites",
                 *mapping, "--format", "json")
    assert first.returncode == 0 and "skipped_existing" not in json.loads(first.stdout)
    text = _run(tmp_path, "import", str(_export(tmp_path, "export_april.csv", RECORDS)), "--layer", "sites", *mapping)
    assert text.returncode == 0, text.stderr
    assert t("cli.skipped_existing", "en", count="2") in text.stdout.splitlines()
    assert "Imported 1 of 3 features" in text.stdout
    store = _store(tmp_path)
    assert sorted(store.read("sites")["submission_id"]) == ["uuid-1", "uuid-2", "uuid-3"]
    assert batches.list_batches(store)["skipped_existing"].tolist() == [0, 2]
    may = _run(tmp_path, "import", str(_export(tmp_path, "export_may.csv", RECORDS[::-1])), "--layer", "sites", *mapping,
               "--format", "json")
    data = json.loads(may.stdout)
    assert may.returncode == 0 and data["batch"] is None and data["skipped_existing"] == 3 and data["accepted"] == 3
    assert may.stderr == ""  # stdout is the report
    text = _run(tmp_path, "import", str(tmp_path / "export_may.csv"), "--layer", "sites", *mapping)  # no batch: again
    assert text.returncode == 0 and t("cli.skipped_existing", "en", count="3") in text.stdout
    assert text.stderr.strip() == t("cli.import_all_skipped", "en", file="export_may.csv", layer="sites")
    assert store.count("sites") == 3 and len(batches.list_batches(store)) == 2


def test_bad_or_unknown_mapping_names_are_one_sentence(tmp_path):
    path = str(UPLOADS / "sites.geojson")
    bad = _run(tmp_path, "validate", path, "--layer", "sites", "--save-mapping", "x" * 61)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1
    assert "x" * 61 in bad.stderr and not (tmp_path / "store").exists()
    unknown = _run(tmp_path, "validate", path, "--layer", "sites", "--mapping", "kobo", "--lang", "fr")
    assert unknown.returncode == 2 and t("mapping.no_named", "fr", name="kobo") in unknown.stderr
    assert _run(tmp_path, "validate", path, "--layer", "sites", "--set", "commodity=gold",
                "--save-mapping", "form").returncode == 0
    listed = _run(tmp_path, "import", path, "--layer", "sites", "--mapping", "kobo")
    assert listed.returncode == 2 and t("mapping.unknown_name", "en", name="kobo", names="form") in listed.stderr
    other = _run(tmp_path, "validate", str(UPLOADS / "tailings.csv"), "--layer", "tailings", "--mapping", "form")
    assert other.returncode == 2
    assert t("mapping.named_wrong_layer", "en", name="form", mapping_layer="sites", layer="tailings") in other.stderr
    assert _store(tmp_path).count("sites") == 0


def test_layers_demo_import_and_demo_remove(tmp_path):
    assert _run(tmp_path, "demo", "--sites", "20").returncode == 0
    store = _store(tmp_path)
    rasters = sorted(p.name for p in (tmp_path / "rasters").glob("geology_*.tif"))
    assert len(rasters) == 3
    imported = _run(tmp_path, "import", str(UPLOADS / "kobo_sites.csv"), "--layer", "sites",
                    "--source", "Kobo survey Kédougou", "--licence", "CC-BY-4.0", "--format", "json")
    assert imported.returncode == 0 and json.loads(imported.stdout)["accepted"] == 3
    demo_sites = store.count("sites") - 3

    layers = {layer["name"]: layer for layer in json.loads(_run(tmp_path, "layers", "--format", "json").stdout)}
    assert layers["sites"]["sources"] == [
        {"source": DEMO_SOURCE, "licence": DEMO_LICENCE, "features": demo_sites, "synthetic": True},
        {"source": "Kobo survey Kédougou", "licence": "CC-BY-4.0", "features": 3, "synthetic": False}]
    assert layers["sites"]["source"] == f"{DEMO_SOURCE}; Kobo survey Kédougou"  # not only "synthetic demo"
    text = _run(tmp_path, "layers").stdout
    assert "Kobo survey Kédougou  [CC-BY-4.0]" in text and f"{DEMO_SOURCE}  [{DEMO_LICENCE}]  (synthetic)" in text

    before = {name: store.count(name) for name in ("mercury", "tailings", "geology_units", "countries")}
    removed = _run(tmp_path, "demo", "--remove")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith(f"Removed the synthetic demo from {store.location}: sites {demo_sites}, ")
    assert "; 3 demo raster(s)." in removed.stdout
    rows = store.read("sites")
    assert sorted(rows["site_id"]) == ["SEN-KB-001", "SEN-KB-002", "SEN-KB-003"]  # exactly the imported features
    assert store.count("mercury") == store.count("tailings") == store.count("geology_units") == 0 < before["mercury"]
    assert store.count("countries") == before["countries"]
    assert list((tmp_path / "rasters").glob("geology_*.tif")) == []
    layers = {layer["name"]: layer for layer in json.loads(_run(tmp_path, "layers", "--format", "json").stdout)}
    assert layers["sites"]["sources"] == [{"source": "Kobo survey Kédougou", "licence": "CC-BY-4.0", "features": 3,
                                           "synthetic": False}]
    assert (layers["sites"]["source"], layers["mercury"]["source"]) == ("Kobo survey Kédougou", "")
    assert store.marks().get(install.DEMO_REMOVED) and not install.needs_demo(store)
    again = _run(tmp_path, "demo", "--remove", "--lang", "es")
    assert again.returncode == 0 and "sites 0" in again.stdout and store.count("sites") == 3
