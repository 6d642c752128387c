#!/usr/bin/env python
"""Carry ``asmgeo/locale/en.po`` (the English source) into the other languages' catalogues.

Usage::

    python scripts/sync_catalogues.py            # en (normalised), fr and es
    python scripts/sync_catalogues.py fr         # fr.po alone (en.po only read)
    python scripts/sync_catalogues.py --check    # change nothing; exit 1 if a file would change

Like ``msgmerge``: a key new in English is added untranslated; a key whose English text changed
keeps its translation marked ``fuzzy`` (shown in English until a translator confirms it); a key
English no longer has is dropped and named. Entries follow English's order. ``en.po`` itself is
rewritten in the canonical layout, so hand-added entries are normalised.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from asmgeo.i18n import LANGUAGE_NAMES, LANGUAGES, catalogue_path, read_catalogue  # noqa: E402

# Fixed, so that a sync with nothing new leaves every file byte-identical.
STAMP = datetime(2026, 11, 26, tzinfo=timezone.utc)
WIDTH = 100
# Written by the tool, not by us: which Babel wrote the file, and the plural rule it took from its own
# CLDR data (it changed for French between Babel 2.17 and 2.19; asmgeo has no plural messages).
TOOL_HEADERS = {"Generated-By", "Plural-Forms"}


def _empty(lang: str) -> Catalog:
    catalog = Catalog(locale=lang, project="asmgeo", version="1", copyright_holder="asmgeo contributors",
                      msgid_bugs_address="the asmgeo issue tracker", creation_date=STAMP,
                      revision_date=STAMP, last_translator="asmgeo contributors",
                      language_team=f"{LANGUAGE_NAMES[lang]} <asmgeo translators>", fuzzy=False)
    catalog.header_comment = (
        f"# {LANGUAGE_NAMES[lang]} texts of asmgeo. msgctxt is the key the code asks for; msgid the English\n"
        "# text; msgstr what is shown. Domain terms: asmgeo/locale/GLOSSARY.md.\n"
        "# Refresh from en.po with: python scripts/sync_catalogues.py")
    return catalog


def render(catalog: Catalog) -> bytes:
    """The catalogue as ``.po`` bytes in the canonical layout, without Babel's version banner."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, no_location=True, include_previous=False)
    return b"".join(line for line in out.getvalue().splitlines(keepends=True)
                    if not line.startswith(b'"Generated-By:'))


def content(data: bytes) -> tuple:
    """What a ``.po`` file says: header fields and entries, whatever tool version laid it out."""
    catalog = read_po(io.BytesIO(data))
    header = tuple((k, v) for k, v in catalog.mime_headers if k not in TOOL_HEADERS)
    entries = tuple((str(m.context or ""), m.id, m.string, tuple(sorted(m.flags)))
                    for m in catalog if m.id)
    return catalog.header_comment, header, entries


def source() -> list[tuple[str, str]]:
    """``(key, English text)`` of every ``en.po`` entry, in file order; refuses a key given twice."""
    seen: dict[str, str] = {}
    for message in read_catalogue("en"):
        if not message.id:
            continue
        key = str(message.context or "")
        if not key:
            raise SystemExit(f"en.po: entry {message.id!r} has no msgctxt (key)")
        if key in seen:
            raise SystemExit(f"en.po: key {key!r} appears twice")
        seen[key] = str(message.string or message.id)
    return list(seen.items())


def merged(lang: str, entries: list[tuple[str, str]]) -> tuple[Catalog, list[str]]:
    """``lang``'s catalogue brought in line with English, and the keys it dropped."""
    old = {str(m.context): m for m in read_catalogue(lang) if m.id} if catalogue_path(lang).exists() else {}
    catalog = _empty(lang)
    for key, english in entries:
        if lang == "en":
            catalog.add(english, string=english, context=key)
            continue
        previous = old.get(key)
        string = str(previous.string) if previous is not None and previous.string else ""
        fuzzy = bool(previous is not None and string and (previous.fuzzy or previous.id != english))
        catalog.add(english, string=string, context=key, flags=("fuzzy",) if fuzzy else ())
    for message in catalog:
        if message.id and "{" in str(message.id):
            message.flags.add("python-brace-format")
    dropped = sorted(set(old) - {key for key, _ in entries})
    return catalog, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", metavar="LANG", help=f"some of {', '.join(LANGUAGES)} (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.languages) - set(LANGUAGES))
    if unknown:
        parser.error(f"unknown language(s) {unknown}; known: {', '.join(LANGUAGES)}")
    entries = source()
    stale = []
    # en.po is rewritten only when asked for or when no language is named, so that a translator's
    # `sync_catalogues.py fr` never races with someone appending to en.po.
    chosen = args.languages or list(LANGUAGES)
    for lang in [*(["en"] if "en" in chosen else []), *[lang for lang in chosen if lang != "en"]]:
        catalog, dropped = merged(lang, entries)
        data = render(catalog)
        path = catalogue_path(lang)
        untranslated = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
        if path.exists() and content(path.read_bytes()) == content(data):
            print(f"{lang}: up to date, {untranslated} untranslated or fuzzy")
            continue
        stale.append(lang)
        if not args.check:
            path.write_bytes(data)
        print(f"{lang}: {'would be ' if args.check else ''}rewritten, {untranslated} untranslated or fuzzy"
              + (f", dropped {dropped}" if dropped else ""))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
