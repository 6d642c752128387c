"""The scripts and stylesheets an HTML page loads, for tests of offline maps."""

from __future__ import annotations

from html.parser import HTMLParser


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def asset_urls(page: str) -> list[str]:
    """Every ``<script src>`` and ``<link href>`` of ``page``, in order."""
    parser = _Assets()
    parser.feed(page)
    return parser.urls
