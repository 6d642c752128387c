"""``python -m asmgeo`` in subprocesses: exit codes, one-sentence errors, the layers JSON contract."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from asmgeo.shipped.reference import assessed_iso3

REPO_ROOT = Path(__file__).resolve().parent.parent
LAYER_KEYS = {"name", "features", "geometry", "source", "licence", "sources"}  # DESIGN §4
SOURCE_KEYS = {"source", "licence", "features", "synthetic"}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"), **extra)
    return env


def _asmgeo(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=_env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=300)


def _assert_one_sentence_error(result: subprocess.CompletedProcess, *mentions: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].rstrip().endswith((".", "!", ")")), lines[0]
    for text in mentions:
        assert text in lines[0]
    assert result.stdout.strip() == ""


def test_layers_on_a_missing_store_is_one_sentence(tmp_path):
    result = _asmgeo(tmp_path, "layers")
    _assert_one_sentence_error(result, str(tmp_path / "s.gpkg"))
    assert not (tmp_path / "s.gpkg").exists()


def _damaged_geopackage(path: Path, rng: random.Random) -> None:
    """A real (tiny) GeoPackage whose pages after the 100-byte SQLite header are overwritten."""
    import geopandas as gpd
    import shapely

    from asmgeo.store import open_store

    frame = gpd.GeoDataFrame({"site_id": ["a"], "commodity": ["gold"], "source": ["field survey"]},
                             geometry=[shapely.Point(-12.2, 12.6)], crs="EPSG:4326")
    open_store(path).append("sites", frame)
    data = path.read_bytes()
    path.write_bytes(data[:100] + rng.randbytes(len(data) - 100))


@pytest.mark.parametrize("damage", ["random bytes", "damaged GeoPackage pages"])
def test_layers_on_a_corrupt_store_is_one_sentence(tmp_path, damage):
    rng = random.Random(1)
    store = tmp_path / "s.gpkg"
    if damage == "random bytes":
        store.write_bytes(rng.randbytes(8192))
    else:
        _damaged_geopackage(store, rng)
    result = _asmgeo(tmp_path, "layers")
    _assert_one_sentence_error(result, str(store))
    assert result.returncode == 2


@pytest.mark.parametrize("value", ["-5", "many"])
def test_demo_refuses_a_bad_number_of_sites(tmp_path, value):
    result = _asmgeo(tmp_path, "demo", "--sites", value)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--sites" in result.stderr and value in result.stderr
    assert not (tmp_path / "s.gpkg").exists()


def test_demo_without_shipped_layers_is_one_sentence_and_writes_nothing(tmp_path):
    empty = tmp_path / "no-layers"
    empty.mkdir()
    result = _asmgeo(tmp_path, "demo", "--sites", "10", ASMGEO_LAYERS_DIR=str(empty))
    _assert_one_sentence_error(result, str(empty))
    assert not (tmp_path / "s.gpkg").exists()


def test_layers_refuses_a_postgis_url(tmp_path):
    result = subprocess.run([sys.executable, "-m", "asmgeo", "layers"], cwd=REPO_ROOT,
                            env={**_env(tmp_path), "ASMGEO_STORE": "postgresql://asm@db/asmgeo"},
                            capture_output=True, text=True, timeout=120)
    _assert_one_sentence_error(result)


@pytest.mark.slow
def test_demo_then_layers_json(tmp_path):
    built = _asmgeo(tmp_path, "demo", "--sites", "200")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    listed = _asmgeo(tmp_path, "layers", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    layers = json.loads(listed.stdout)
    assert isinstance(layers, list) and layers
    assert all(isinstance(layer, dict) and set(layer) == LAYER_KEYS for layer in layers)
    by_name = {layer["name"]: layer for layer in layers}
    assert len(by_name) == len(layers)
    for name in ("countries", "sites", "mercury", "tailings", "geology_units"):
        layer = by_name[name]
        assert isinstance(layer["features"], int) and layer["features"] > 0, name
        assert isinstance(layer["source"], str) and layer["source"].strip(), name
        assert isinstance(layer["licence"], str) and layer["licence"].strip(), name
        assert layer["features"] == pyogrio.read_info(tmp_path / "s.gpkg", layer=name, force_feature_count=True)["features"]
        assert all(set(held) == SOURCE_KEYS for held in layer["sources"]), name
        assert sum(held["features"] for held in layer["sources"]) == layer["features"], name
    for name in ("sites", "mercury", "tailings", "geology_units"):  # the demo's own: synthetic, and only that
        assert by_name[name]["sources"] == [{"source": "synthetic demo", "licence": "synthetic data generated by asmgeo (CC0)",
                                             "features": by_name[name]["features"], "synthetic": True}], name
    assert not any(held["synthetic"] for held in by_name["countries"]["sources"])
    iso3 = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="countries", columns=["iso3"], read_geometry=False)["iso3"]
    assert set(assessed_iso3()) <= set(iso3)
    sites = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="sites", columns=["site_id"], read_geometry=False)
    assert sites["site_id"].nunique() == 200
    text = _asmgeo(tmp_path, "layers")
    assert text.returncode == 0 and all(name in text.stdout for name in by_name)


@pytest.mark.slow
def test_demo_with_zero_sites_succeeds(tmp_path):
    result = _asmgeo(tmp_path, "demo", "--sites", "0")
    assert "Traceback" not in result.stderr, result.stderr.strip().splitlines()[-1:]
    assert result.returncode == 0


def test_importing_asmgeo_does_not_import_streamlit(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import asmgeo, sys; assert 'streamlit' not in sys.modules"],
                            cwd=REPO_ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
