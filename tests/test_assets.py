"""Offline browser assets: folium maps point at the copies installed in static/node_modules."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from folium.plugins import Terminator
from html_assets import asset_urls

from asmgeo.errors import AssetError
from asmgeo.maps import assets

REPO_ROOT = Path(__file__).resolve().parent.parent
# folium.Map's marker-icon and Bootstrap assets, which asmgeo maps do not use
DROPPED = ("jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
           "awesome_markers_css", "awesome_markers_font_css", "awesome_rotate_css")




def _asset_urls(fmap: folium.Map) -> list[str]:
    return asset_urls(fmap.get_root().render())


def test_a_plain_folium_map_uses_cdns_so_localize_has_work_to_do():
    urls = _asset_urls(folium.Map(tiles=None))
    assert any(u.startswith("https://") for u in urls)


def test_localize_points_leaflet_at_the_local_copy_and_drops_unused_assets():
    fmap = assets.localize(folium.Map(tiles=None))
    js, css = dict(fmap.default_js), dict(fmap.default_css)
    assert js == {"leaflet": "/app/static/node_modules/leaflet/dist/leaflet.js"}
    assert css == {"leaflet_css": "/app/static/node_modules/leaflet/dist/leaflet.css"}
    urls = _asset_urls(fmap)
    assert sorted(urls) == sorted([js["leaflet"], css["leaflet_css"]])
    for name in DROPPED:
        assert name not in js and name not in css


def test_localize_does_not_change_other_maps():
    assets.localize(folium.Map(tiles=None))
    fresh = folium.Map(tiles=None)
    assert dict(fresh.default_js)["leaflet"].startswith("https://")
    assert "jquery" in dict(fresh.default_js)


def test_localize_follows_the_static_url_setting(monkeypatch):
    monkeypatch.setenv("ASMGEO_STATIC_URL", "/assets/")
    fmap = assets.localize(folium.Map(tiles=None))
    assert dict(fmap.default_js)["leaflet"] == "/assets/node_modules/leaflet/dist/leaflet.js"


def test_localize_refuses_a_plugin_it_has_no_offline_copy_of():
    fmap = folium.Map(tiles=None)
    Terminator().add_to(fmap)  # a plugin whose library static/package.json does not install
    with pytest.raises(AssetError, match="terminator"):
        assets.localize(fmap)


@pytest.mark.parametrize("name", ["leaflet.markercluster", "jquery", ""])
def test_asset_path_of_an_unknown_name_names_it(name):
    with pytest.raises(AssetError, match=repr(name).replace(".", r"\.")):
        assets.asset_path(name)


def test_missing_installed_files_ask_for_npm_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("ASMGEO_STATIC_DIR", str(tmp_path))
    with pytest.raises(AssetError, match="npm ci"):
        assets.asset_url("leaflet")
    with pytest.raises(AssetError, match="npm ci"):
        assets.localize(folium.Map(tiles=None))


def test_the_installed_files_exist():
    static = REPO_ROOT / "static" / "node_modules"
    assert assets.ASSET_FILES
    for name, relative in assets.ASSET_FILES.items():
        path = assets.asset_path(name)
        assert path == static / relative
        assert path.is_file() and path.stat().st_size > 100, name
        assert assets.asset_url(name) == f"/app/static/node_modules/{relative}"
    assert "Leaflet" in (static / assets.ASSET_FILES["leaflet"]).read_text(encoding="utf-8")[:2000]
