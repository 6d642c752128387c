"""One self-contained HTML file of a folium map: opens from a USB stick with no network.

Every script and stylesheet the map loads — from the Streamlit server (``/app/static/...``, see
:mod:`asmgeo.maps.assets`) or from a CDN folium uses for an asset we have installed — is written into
the page (``<script>…</script>``, ``<style>…</style>``); images a stylesheet references become
``data:`` URIs. folium's marker-icon and Bootstrap assets (``assets.UNUSED_MAP_ASSETS``) are dropped,
as :func:`asmgeo.maps.assets.localize` drops them. Anything else that would leave the machine — a script,
stylesheet, link or image on another host, a relative file, a tile layer shown by default —
raises :class:`AssetError` naming it.

Online tile layers (OpenStreetMap, imagery) may stay when they are not shown by default: they
then request nothing unless the reader ticks them. They are detected in the rendered map script:
each ``L.tileLayer(URL, …)`` / ``L.tileLayer.wms(URL, …)`` call with a string URL on another host
must be assigned to a variable (``var NAME = L.tileLayer(…)``, as folium writes it) that is never
``NAME.addTo(…)`` nor ``….addLayer(NAME)``; folium writes that ``addTo`` exactly for layers with
``show=True``. A call that is not assigned (e.g. chained ``.addTo``) counts as shown. Other
requests made from the map script itself (e.g. an ``L.imageOverlay`` of a remote URL) are not
detected.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import folium
from branca.element import Element

from asmgeo.config import static_dir, static_url
from asmgeo.errors import AssetError
from asmgeo.maps import assets

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, //host, ftp://
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE)
_TILE_CALL = re.compile(r"""L\.tileLayer(?:\.wms)?\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_ASSIGNED = re.compile(r"(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*$")
_DEFAULT_ICONS = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}

STANDALONE_CSS = """
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; }
body > .folium-map { flex: 1 1 auto; min-height: 0; height: auto !important; }
.asmgeo-standalone-header { flex: 0 0 auto; padding: 6px 12px; font: 14px/1.35 sans-serif;
    background: #f4f4f2; border-bottom: 1px solid #bbb; }
.asmgeo-standalone-header h1 { font-size: 17px; margin: 0 0 2px 0; }
.asmgeo-standalone-header ul { margin: 0; padding-left: 18px; }
"""


@dataclass(frozen=True)
class _Tag:
    """An asset-loading tag found in the page: where it is and what it points at."""

    start: int
    end: int
    kind: str  # "script", "stylesheet", "link", "img"
    url: str
    text: str  # the tag as written in the page


def standalone_html(fmap: folium.Map, title: str, notes: list[str]) -> str:
    """The map as one HTML document with every asset inline and a header with ``title`` and ``notes``."""
    if not isinstance(fmap, folium.Map):
        raise ValueError(f"fmap must be a folium.Map, not {type(fmap).__name__}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"title={title!r} must be a non-empty string")
    if not isinstance(notes, list | tuple) or not all(isinstance(note, str) for note in notes):
        raise ValueError(f"notes={notes!r} must be a list of strings")
    rendered = fmap.get_root().render()
    check_tile_layers(rendered)
    page = _inline_assets(_with_header(rendered, title, notes), cdn_asset_names(fmap))
    local = static_url() + "/"
    if len(local) > 1 and local in page:
        at = page.index(local)
        raise AssetError(f"The map still refers to the app server ({page[at:at + 80]!r}); it would not load offline.")
    return page


def cdn_asset_names(fmap: folium.Map) -> dict[str, str]:
    """URL -> folium asset name of every script and stylesheet the map's elements declare."""
    names: dict[str, str] = {}
    for element in _walk(fmap.get_root()):
        for name, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]:
            names.setdefault(url, name)
    return names


def online_tile_layers(script: str) -> list[tuple[str, bool]]:
    """Each ``L.tileLayer`` URL template on another host in ``script``, with whether it is shown."""
    layers = []
    for match in _TILE_CALL.finditer(script):
        url = _js_string(match.group(1))
        if not _EXTERNAL.match(url):
            continue
        assigned = _ASSIGNED.search(script, max(0, match.start() - 200), match.start())
        if assigned is None:
            layers.append((url, True))
            continue
        name = re.escape(assigned.group(1))
        shown = re.search(rf"(?<![\w$.]){name}\s*\.\s*addTo\s*\(|\.addLayer\(\s*{name}\s*\)", script) is not None
        layers.append((url, shown))
    return layers


def check_tile_layers(page: str) -> None:
    """Raise :class:`AssetError` if an online tile layer is shown by default (it would need the internet)."""
    for url, shown in online_tile_layers(page):
        if shown:
            raise AssetError(
                f"The tile layer {url!r} is shown by default and needs the internet; "
                "add it with show=False so the standalone map opens offline."
            )


def script_safe(code: str) -> str:
    """JavaScript that cannot end or confuse its inline ``<script>`` element."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def style_safe(css: str) -> str:
    """CSS that cannot end its inline ``<style>`` element."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def inline_css_urls(css: str, base: Path) -> str:
    """Stylesheet text with each ``url(relative file)`` replaced by the file's ``data:`` URI."""

    def data_uri(match: re.Match) -> str:
        ref = match.group(2).strip()
        if not ref or ref.startswith(("data:", "#")):
            return match.group(0)
        if _EXTERNAL.match(ref) or ref.startswith("/"):
            raise AssetError(f"The stylesheet {base} refers to {ref!r}, which is not an installed file.")
        target = (base / re.split(r"[?#]", ref, maxsplit=1)[0]).resolve()
        return f'url("{assets.asset_data_uri(_inside_static(target, ref))}")'

    return _CSS_URL.sub(data_uri, css)


def _with_header(page: str, title: str, notes: list[str]) -> str:
    """The page with a ``<title>``, the layout CSS and a visible header of title and notes."""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    header = (
        f'<header class="asmgeo-standalone-header"><h1>{html.escape(title)}</h1>'
        + (f"<ul>{items}</ul>" if items else "")
        + "</header>"
    )
    head_end = page.find("</head>")
    body = re.search(r"<body[^>]*>", page)
    if head_end < 0 or body is None or body.start() < head_end:
        raise AssetError("The rendered map is not an HTML page with <head> and <body>; cannot make it standalone.")
    head = f"<title>{html.escape(title)}</title>\n<style>{STANDALONE_CSS}</style>\n"
    return page[:head_end] + head + page[head_end:body.end()] + header + page[body.end():]


def _inline_assets(page: str, cdn: dict[str, str]) -> str:
    """The page with every asset tag replaced by its content (or dropped when unused)."""
    parts, done = [], 0
    for tag in _asset_tags(page):
        parts += [page[done:tag.start], _replacement(tag, cdn)]
        done = tag.end
    return "".join([*parts, page[done:]])


def _replacement(tag: _Tag, cdn: dict[str, str]) -> str:
    """What an asset tag becomes in the standalone page."""
    if tag.url.startswith("data:"):
        return tag.text
    if cdn.get(tag.url) in assets.UNUSED_MAP_ASSETS and tag.kind in ("script", "stylesheet"):
        return ""
    path = _installed_file(tag.url, cdn)
    if path is None:
        raise AssetError(_outside_message(tag.url, cdn.get(tag.url)))
    if tag.kind == "script":
        return f"<script>{script_safe(path.read_text(encoding='utf-8'))}</script>" + _default_icon_script(path)
    if tag.kind == "stylesheet":
        return f"<style>{style_safe(inline_css_urls(path.read_text(encoding='utf-8'), path.parent))}</style>"
    if tag.kind == "img":
        return tag.text.replace(tag.url, assets.asset_data_uri(path), 1)
    raise AssetError(f"The map links to {tag.url!r} (a <link> that is not a stylesheet); a standalone file cannot keep it.")


def _installed_file(url: str, cdn: dict[str, str]) -> Path | None:
    """The installed file for a locally served URL or a CDN URL of an asset in ``assets.ASSET_FILES``."""
    prefix = static_url() + "/"
    if url.startswith(prefix):
        relative = re.split(r"[?#]", url[len(prefix):], maxsplit=1)[0]
        return _inside_static((static_dir() / relative).resolve(), url)
    name = cdn.get(url)
    return assets.asset_path(name) if name in assets.ASSET_FILES else None


def _inside_static(path: Path, ref: str) -> Path:
    """``path`` if it is an installed file under the static folder; :class:`AssetError` otherwise."""
    root = static_dir().resolve()
    if root not in path.parents or not path.is_file():
        raise AssetError(f"The map refers to {ref!r}, which is not an installed file under {root}.")
    return path


def _outside_message(url: str, name: str | None) -> str:
    """The sentence of an :class:`AssetError` for an asset that would be fetched from outside."""
    known = f" (folium asset {name!r}, which has no offline copy in assets.ASSET_FILES)" if name else ""
    where = "another host" if _EXTERNAL.match(url) else "a file beside the page"
    return f"The map loads {url!r}{known} from {where}; a standalone file cannot open it offline."


def _default_icon_script(path: Path) -> str:
    """After Leaflet itself: default marker icons as data: URIs (Leaflet would look for files beside the page)."""
    if path.name not in ("leaflet.js", "leaflet-src.js"):
        return ""
    images = path.parent / "images"
    options = {key: assets.asset_data_uri(images / file) for key, file in _DEFAULT_ICONS.items()}
    return f"<script>L.Icon.Default.imagePath = '';L.Icon.Default.mergeOptions({json.dumps(options)});</script>"


def _asset_tags(page: str) -> list[_Tag]:
    """Script, stylesheet, link and image tags of the page's markup (not inside scripts), in order."""
    parser = _AssetTagParser(page)
    parser.feed(page)
    parser.close()
    return parser.tags


class _AssetTagParser(HTMLParser):
    """Finds the tags that load something, with their character offsets in the page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.tags: list[_Tag] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", page)]
        self._script: tuple[int, str] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if tag == "script" and values.get("src"):
            self._script = (start, values["src"])
        elif tag == "link" and values.get("href"):
            kind = "stylesheet" if "stylesheet" in values.get("rel", "").lower().split() else "link"
            self.tags.append(_Tag(start, end, kind, values["href"].strip(), self.page[start:end]))
        elif tag == "img" and values.get("src"):
            self.tags.append(_Tag(start, end, "img", values["src"].strip(), self.page[start:end]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            start, url = self._script
            end = self.page.index(">", self._offset()) + 1
            self.tags.append(_Tag(start, end, "script", url.strip(), self.page[start:end]))
            self._script = None


def _js_string(literal: str) -> str:
    """The value of a quoted JavaScript string literal (folium writes them as JSON)."""
    if literal.startswith('"'):
        try:
            return json.loads(literal)
        except json.JSONDecodeError:
            pass
    return literal[1:-1].replace("\\'", "'")


def _walk(element: Element) -> Iterator[Element]:
    """The element and all its descendants."""
    yield element
    for child in element._children.values():
        yield from _walk(child)
