"""Standalone map files: one HTML document with every asset inline, labelled, and nothing fetched."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import folium
import pytest
from folium.plugins import Draw, MarkerCluster

from asmgeo.errors import AssetError
from asmgeo.maps import assets
from asmgeo.outputs.standalone import inline_css_urls, online_tile_layers, script_safe, standalone_html, style_safe

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
SCRIPT = "<script>alert(1)</script>"
NOTES = ["Data as of 2024-12-31", "Sources: synthetic demo", "<b>Synthetic demo</b> & illustrative ratings"]


class _Loads(HTMLParser):
    """Every URL the markup would fetch: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            else:
                self.inline_scripts += 1
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])


def _loads(page: str) -> _Loads:
    parser = _Loads()
    parser.feed(page)
    return parser


def demo_map(show_osm: bool = False) -> folium.Map:
    """A small map like the app's: offline assets, a GeoJSON layer, a hidden OSM layer, a layer control."""
    fmap = folium.Map(location=[-1.5, -78.5], zoom_start=6, tiles=None)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)", overlay=True, show=show_osm).add_to(fmap)
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": SCRIPT, "source": "synthetic demo"},
                "geometry": {"type": "Polygon", "coordinates": [[[-79, -2], [-78, -2], [-78, -1], [-79, -2]]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Mina Ñuñoa", "source": "synthetic demo"},
                "geometry": {"type": "LineString", "coordinates": [[-80, -3], [-77, 0]]},
            },
        ],
    }
    folium.GeoJson(features, name="Sites (synthetic demo)", tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
    folium.Marker([-1.0, -78.0], tooltip="a marker").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return assets.localize(fmap)


@pytest.fixture(scope="module")
def page() -> str:
    return standalone_html(demo_map(), "ASM sites — Ecuador", NOTES)


def test_nothing_is_fetched_from_a_server(page):
    assert _loads(page).urls == []
    markup = re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.DOTALL)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", page)
    # Leaflet's own code holds one outside link: its attribution prefix, an <a href>, which fetches nothing
    assert re.findall(r"""href=["']https?://[^"']*""", page) == ['href="https://leafletjs.com']
    assert "/app/static/" not in page


def test_leaflet_code_and_css_are_inline(page):
    assert '"1.9.4"' in page
    assert ".leaflet-container" in page
    assert "url(images/" not in page
    assert 'url("data:image/png;base64,' in page  # the layer-control icon


def test_default_marker_icons_are_data_uris(page):
    assert "L.Icon.Default.mergeOptions" in page
    assert re.search(r'"iconUrl": "data:image/png;base64,[A-Za-z0-9+/=]+"', page)


def test_inline_scripts_cannot_close_early(page):
    # every </script in the document closes one of its script elements: none hides in inlined code
    assert len(re.findall(r"</script", page, flags=re.IGNORECASE)) == _loads(page).inline_scripts


def test_title_and_notes_are_visible_and_escaped(page):
    assert "<title>ASM sites — Ecuador</title>" in page
    assert '<header class="asmgeo-standalone-header"><h1>ASM sites — Ecuador</h1>' in page
    assert "<li>&lt;b&gt;Synthetic demo&lt;/b&gt; &amp; illustrative ratings</li>" in page
    assert "<b>Synthetic demo</b>" not in page
    assert "<li>Data as of 2024-12-31</li>" in page


def test_data_stays_data(page):
    # folium writes the GeoJSON with < and > escaped, so the property cannot become markup
    assert SCRIPT not in page
    assert r"\u003cscript\u003ealert(1)\u003c/script\u003e" in page


def test_the_hidden_osm_layer_stays_as_an_option(page):
    assert online_tile_layers(page) == [(OSM, False)]


def test_a_shown_online_tile_layer_is_refused_naming_it():
    with pytest.raises(AssetError, match=re.escape(OSM)):
        standalone_html(demo_map(show_osm=True), "t", [])


def test_an_unknown_external_script_is_refused_naming_it():
    fmap = demo_map()
    fmap.get_root().header.add_child(folium.JavascriptLink("https://example.com/x.js"))
    with pytest.raises(AssetError, match=re.escape("https://example.com/x.js")):
        standalone_html(fmap, "t", [])


def test_an_unknown_external_stylesheet_is_refused_naming_it():
    fmap = demo_map()
    fmap.get_root().header.add_child(folium.CssLink("//cdn.example.org/x.css"))
    with pytest.raises(AssetError, match=re.escape("//cdn.example.org/x.css")):
        standalone_html(fmap, "t", [])


def test_a_map_still_on_cdns_gets_the_installed_copies():
    page = standalone_html(folium.Map(tiles=None), "t", [])
    assert _loads(page).urls == []
    assert '"1.9.4"' in page
    assert "jquery-3" not in page and "bootstrap" not in page  # folium's unused assets are dropped


def test_a_plugin_from_a_cdn_is_inlined_when_installed(monkeypatch):
    monkeypatch.setitem(assets.ASSET_FILES, "leaflet_draw_js", "leaflet-draw/dist/leaflet.draw.js")
    monkeypatch.setitem(assets.ASSET_FILES, "leaflet_draw_css", "leaflet-draw/dist/leaflet.draw.css")
    fmap = folium.Map(tiles=None)
    Draw().add_to(fmap)
    page = standalone_html(fmap, "t", [])
    assert _loads(page).urls == []
    assert "L.Draw" in page and "leaflet-draw-toolbar" in page
    assert 'url("data:image/svg+xml;base64,' in page  # the toolbar sprite


def test_a_plugin_without_an_offline_copy_is_refused_naming_it(monkeypatch):
    monkeypatch.delitem(assets.ASSET_FILES, "markerclusterjs", raising=False)
    fmap = folium.Map(tiles=None)
    MarkerCluster().add_to(fmap)
    with pytest.raises(AssetError, match="markerclusterjs"):
        standalone_html(fmap, "t", [])


def test_the_map_itself_is_not_changed():
    fmap = demo_map()
    before = dict(fmap.default_js)
    standalone_html(fmap, "t", [])
    assert dict(fmap.default_js) == before
    assert "/app/static/" in fmap.get_root().render()  # still served by the app


def test_a_local_url_outside_the_static_folder_is_refused():
    fmap = folium.Map(tiles=None)
    fmap.get_root().header.add_child(folium.JavascriptLink("/app/static/../asmgeo/config.py"))
    with pytest.raises(AssetError, match="not an installed file"):
        standalone_html(fmap, "t", [])


def test_a_relative_script_is_refused():
    fmap = folium.Map(tiles=None)
    fmap.get_root().header.add_child(folium.JavascriptLink("js/app.js"))
    with pytest.raises(AssetError, match="js/app.js"):
        standalone_html(fmap, "t", [])


@pytest.mark.parametrize(
    ("args", "match"),
    [((None, "t", []), "fmap"), ((folium.Map(tiles=None), " ", []), "title"), ((folium.Map(tiles=None), "t", "note"), "notes")],
)
def test_bad_arguments_are_refused(args, match):
    with pytest.raises(ValueError, match=match):
        standalone_html(*args)


def test_script_safe_and_style_safe_escape_closing_tags():
    code = script_safe('var a = "</script><script>alert(1)</SCRIPT>"; var b = "<!--";')
    assert "</script" not in code.lower() and "<!--" not in code
    assert code == 'var a = "<\\/script><script>alert(1)<\\/SCRIPT>"; var b = "<\\!--";'
    assert style_safe("a::after{content:'</style>'}") == "a::after{content:'<\\/style>'}"


def test_inline_css_urls_refuses_outside_and_missing_files():
    base = assets.asset_path("leaflet_css").parent
    assert "data:image/png" in inline_css_urls("a{background:url('images/layers.png')}", base)
    assert inline_css_urls("a{behavior:url(#default#VML)}", base) == "a{behavior:url(#default#VML)}"
    with pytest.raises(AssetError, match="https://example.com/a.png"):
        inline_css_urls("a{background:url(https://example.com/a.png)}", base)
    with pytest.raises(AssetError, match="missing.png"):
        inline_css_urls("a{background:url(images/missing.png)}", base)


def test_online_tile_layers_tells_shown_from_optional():
    script = f"""
        var hidden = L.tileLayer("{OSM}", {{}});
        var shown = L.tileLayer('https://a.example/{{z}}/{{x}}/{{y}}.png', {{}});
        shown.addTo(map_1);
        var added = L.tileLayer.wms("https://wms.example/wms", {{}});
        map_1.addLayer(added);
        L.tileLayer("https://b.example/{{z}}/{{x}}/{{y}}.png").addTo(map_1);
        var local = L.tileLayer("tiles/{{z}}/{{x}}/{{y}}.png");
        local.addTo(map_1);
    """
    assert online_tile_layers(script) == [
        (OSM, False),
        ("https://a.example/{z}/{x}/{y}.png", True),
        ("https://wms.example/wms", True),
        ("https://b.example/{z}/{x}/{y}.png", True),
    ]
