"""Every page in French and Spanish (``?lang=fr`` / ``?lang=es``) shows no English text of the catalogue.

For each page and language the rendered text of the page and of its map frames is compared with
the English catalogue: for every key whose text in the language is not the English text (a key
still untranslated counts too), the English text's literal pieces between ``{placeholders}`` of at
least ``MIN_SEGMENT`` characters (or, without placeholders, the whole text when it has two words or
more) must not occur. Pieces the language's own texts also contain (a name kept as is) are left
out. At least one text of the language must show, so an empty or broken page cannot pass.
The words ``ui/uploader.py`` puts in place of the file uploader's own are part of it (CSS text, not in
``innerText``); open popups are not (none is open), nor are table cells, which Streamlit draws on a canvas.
"""

from __future__ import annotations

import re
from string import Formatter

import pytest
from playwright.sync_api import Error as PlaywrightError

from asmgeo.i18n import CATALOGUE, LANGUAGES

from .conftest import wait_for_app

pytestmark = pytest.mark.e2e

FIRST_LOAD_TIMEOUT_S = 120  # the first request to a fresh store builds the demo
MAP_DRAWN_TIMEOUT_MS = 60_000
MIN_SEGMENT = 12
PAGES = ["", "explorer", "profiles", "profiles?country=ECU", "upload", "workshop"]
OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]
_ST_EXCEPTION = '[data-testid="stException"]'
_MARKUP = re.compile(r"\*\*|\*|`|\\|\]\([^)]*\)|\[|\]")  # Markdown marks, which never show as written


def _plain(text: str) -> str:
    """``text`` for comparison: one space for any run of white space, lower case (CSS may upper-case)."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip().casefold()


def _literal_parts(text: str) -> list[str]:
    """The pieces of a catalogue text between its placeholders, Markdown marks taken out."""
    return [_MARKUP.sub("", literal) for literal, _, _, _ in Formatter().parse(text)]


def english_segments(text: str) -> list[str]:
    """What of an English text must not show in another language (see the module docstring)."""
    parts = [_plain(part) for part in _literal_parts(text)]
    if len(parts) == 1 and not any(name is not None for _, name, _, _ in Formatter().parse(text)):
        return parts if len(parts[0].split()) >= 2 else []
    return [part for part in parts if len(part) >= MIN_SEGMENT]


def checks(lang: str) -> dict[str, list[str]]:
    """Key → English segments to look for on a page in ``lang``."""
    english, own = CATALOGUE["en"], CATALOGUE[lang]
    everything_own = " \n ".join(_plain(text) for text in own.values())
    found = {}
    for key, text in english.items():
        if own.get(key) == text:
            continue  # deliberately the same in both languages (a name, a code)
        segments = [s for s in english_segments(text) if s not in everything_own]
        if segments:
            found[key] = segments
    return found


def translated_texts(lang: str) -> dict[str, list[str]]:
    """Key → pieces of the language's own texts (translated keys only) that prove the page is in ``lang``."""
    english, own = CATALOGUE["en"], CATALOGUE[lang]
    return {key: [s for s in (_plain(p) for p in _literal_parts(text)) if len(s) >= 6]
            for key, text in own.items() if english.get(key) != text}


_CSS_TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stFileUploader"] *')]
    .map(e => getComputedStyle(e, '::after').content)
    .filter(c => c && c !== 'none' && c !== 'normal')
    .map(c => c.replace(/^"|"$/g, ''))"""  # texts our CSS shows in place of Streamlit's (ui/uploader.py)


def rendered_text(page) -> str:
    """The text of the page, of the uploader's CSS texts and of every component frame (no popup is open)."""
    texts = [page.locator("body").inner_text(), *page.evaluate(_CSS_TEXTS_JS)]
    for frame in page.frames[1:]:
        if frame.is_detached():
            continue
        if "streamlit_folium" in frame.url:
            frame.wait_for_function("() => window.map && document.querySelector('.leaflet-control-zoom')",
                                    timeout=MAP_DRAWN_TIMEOUT_MS)
        texts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
    return "\n".join(texts)


def _open(page, base_url: str, path: str, lang: str) -> str:
    """Load ``path`` in ``lang`` and wait for the script run and the maps; the page's text."""
    url = f"{base_url}/{path}{'&' if '?' in path else '?'}lang={lang}"
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    page.wait_for_timeout(1500)  # maps and charts draw after the script run
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    try:
        return rendered_text(page)
    except PlaywrightError as exc:  # a map that never drew is a failure of the page, said plainly
        pytest.fail(f"{url}: a map frame did not draw: {exc}; page errors: {page.page_errors}", pytrace=False)


def test_the_comparison_finds_english_and_spares_placeholders():
    assert english_segments("Imported {written} of {features} features of {file} into {layer} as batch {batch}.") == []
    assert english_segments("{file}: nothing was imported into {layer}; no feature was accepted.") == [
        ": nothing was imported into", "; no feature was accepted."]
    assert english_segments("Draw a polygon") == ["draw a polygon"]
    assert english_segments("Upload") == [] and english_segments("{name}: {value}") == []
    assert english_segments("**Issues** found in [the report](http://x)") == ["issues found in the report"]
    for lang in OTHER_LANGUAGES:
        assert len(checks(lang)) > 100 and translated_texts(lang)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_page_shows_no_english_text_of_the_catalogue(streamlit_server, page, path, lang):
    text = _plain(_open(page, streamlit_server, path, lang))
    exceptions = page.locator(_ST_EXCEPTION).all_inner_texts()
    assert exceptions == [], f"/{path} in {lang} raised: {exceptions}"
    assert page.page_errors == [], f"/{path} in {lang}: script errors {page.page_errors}"
    shown_own = [key for key, pieces in translated_texts(lang).items() if any(p in text for p in pieces)]
    assert shown_own, f"/{path} in {lang} shows no text of the {lang} catalogue; text: {text[:1500]}"
    left = {key: [s for s in segments if s in text] for key, segments in checks(lang).items()}
    left = {key: found for key, found in left.items() if found}
    assert not left, (f"/{path}{'&' if '?' in path else '?'}lang={lang} still shows English of {len(left)} key(s):\n  "
                      + "\n  ".join(f"{key}: {found}" for key, found in sorted(left.items())))


_UPLOADER_TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stFileUploader"]')].map(up => {
    const button = up.querySelector('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p');
    const limit = up.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
    const after = (el) => getComputedStyle(el, '::after').content;
    return {button: after(button), limit: after(limit), text: up.innerText,
            hidden: [getComputedStyle(button).visibility, getComputedStyle(limit).visibility]};
})"""


@pytest.mark.parametrize(("path", "lang"), [("upload", "fr"), ("profiles", "es")])
def test_the_uploader_speaks_the_language(streamlit_server, page, path, lang):
    from asmgeo.i18n import t

    _open(page, streamlit_server, path, lang)
    (uploader,) = page.evaluate(_UPLOADER_TEXTS_JS)
    assert uploader["button"] == f'"{t("uploader.button", lang)}"', uploader
    assert uploader["limit"].startswith('"' + t("uploader.limit_types", lang, size="200", types="X").split("X")[0]), uploader
    assert uploader["hidden"] == ["hidden", "hidden"], uploader
    assert "per file" not in uploader["text"] and "Upload\n" not in uploader["text"] + "\n", uploader


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_leaflet_buttons_are_titled_in_the_language(streamlit_server, page, lang):
    from asmgeo.i18n import t

    _open(page, streamlit_server, "explorer", lang)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    titles = frame.evaluate("() => [...document.querySelectorAll('.leaflet-control a[title]')].map(a => a.title)")
    keys = ("leaflet.zoom_in", "leaflet.zoom_out", "leaflet.draw.polygon", "leaflet.draw.rectangle")
    for key in keys:
        assert t(key, lang) in titles, (key, titles)
    leaflet_english = {"Zoom in", "Zoom out", "Draw a polygon", "Draw a rectangle", "No layers to delete"}
    assert not (leaflet_english - {t(key, lang) for key in keys}) & set(titles), titles
