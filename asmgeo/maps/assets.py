"""Serve the maps' browser libraries locally so they draw with no network.

folium and its plugins point at public CDNs. Each library a map uses is installed from the npm
registry into ``static/node_modules`` during setup (``npm ci --prefix static``) and served by
Streamlit at ``/app/static``; :func:`localize` points the map at those copies.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.element import Element

from asmgeo.config import static_dir, static_url
from asmgeo.errors import AssetError

# folium's asset name -> file inside static/node_modules (see static/package.json)
ASSET_FILES: dict[str, str] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
}
# folium.Map loads these for marker icons and Bootstrap popups; asmgeo maps use neither.
UNUSED_MAP_ASSETS = frozenset({
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})


def asset_path(name: str) -> Path:
    """Installed file of asset ``name``; :class:`AssetError` if unknown or not installed."""
    if name not in ASSET_FILES:
        raise AssetError(
            f"No offline copy is configured for the browser asset {name!r}; add it to static/package.json and ASSET_FILES."
        )
    path = static_dir() / "node_modules" / ASSET_FILES[name]
    if not path.is_file():
        raise AssetError(
            f"The browser asset {name!r} is not installed at {path}; run `npm ci --prefix static` (part of `make setup`)."
        )
    return path


def asset_url(name: str) -> str:
    """URL at which the Streamlit server serves asset ``name``."""
    asset_path(name)
    return f"{static_url()}/node_modules/{ASSET_FILES[name]}"


def localize(fmap: folium.Map) -> folium.Map:
    """Point every script and stylesheet of ``fmap`` at the locally served copies."""
    for element in _elements_with_assets(fmap):
        element.default_js = _local(element.default_js)
        element.default_css = _local(element.default_css)
    return fmap


def _local(assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Local URLs for the used assets of one element."""
    return [(name, asset_url(name)) for name, _ in assets if name not in UNUSED_MAP_ASSETS]


def _elements_with_assets(element: Element) -> Iterator[Element]:
    """The element and its descendants that declare scripts or stylesheets."""
    if hasattr(element, "default_js") or hasattr(element, "default_css"):
        yield element
    for child in element._children.values():
        yield from _elements_with_assets(child)


# File types an inlined stylesheet may reference (Leaflet's layer and marker images, plugin sprites, fonts)
DATA_URI_TYPES: dict[str, str] = {
    ".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml", ".cur": "image/x-icon", ".ico": "image/x-icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
}


def asset_text(name: str) -> str:
    """Content (UTF-8 text) of the installed file of asset ``name``."""
    return asset_path(name).read_text(encoding="utf-8")


def asset_data_uri(path: str | Path) -> str:
    """The file at ``path`` as a base64 ``data:`` URI; :class:`AssetError` if missing or of unknown type."""
    path = Path(path)
    mime = DATA_URI_TYPES.get(path.suffix.lower())
    if mime is None:
        raise AssetError(f"The browser asset file {path} has no known data: URI type; known: {', '.join(DATA_URI_TYPES)}.")
    if not path.is_file():
        raise AssetError(f"The browser asset file {path} is not installed; run `npm ci --prefix static` (part of `make setup`).")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
