"""Official Pillar 6 ratings in and out: a CSV template, a strict parser, and storage as a new edition.

A ministry or facilitator downloads :func:`template_csv` (one row per assessed country × item,
``iso3``, ``year`` and ``item`` filled in), writes ``yes``, ``partial`` or ``no`` in ``implemented``
with the report's own word and the source, and imports it. :func:`parse_ratings` checks the whole
file and raises one :class:`RatingsFileError` listing every problem with its line number; nothing
is stored then. A row whose ``implemented`` cell is blank is an item not rated (left out of the %
rule). :func:`store_ratings` appends a good file as a new edition in one store transaction: earlier editions
stay, the illustrative ratings of the countries it covers go (as ``install`` does), and the latest
edition of a country's assessment year is the one in force (``mpf.current_ratings``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Iterable

import pandas as pd

from asmgeo.domain import mpf
from asmgeo.errors import RatingsFileError
from asmgeo.i18n import t
from asmgeo.store import Store

TEMPLATE_COLUMNS = ["iso3", "year", "item", "implemented", "rating_word", "source"]
REQUIRED_COLUMNS = ("iso3", "year", "item", "implemented", "source")
YEAR_RANGE = (1990, 2100)
MAX_LISTED = 200  # problems listed before the rest are counted only
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
_STAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def template_csv(assessments: pd.DataFrame, items: Iterable[str]) -> bytes:
    """A UTF-8 CSV to fill in: one row per assessed country × item, iso3, year and item prefilled."""
    items = list(items)
    unknown = [item for item in items if item not in mpf.ITEM_AREA]
    if unknown:
        raise ValueError(f"items={unknown!r} are not Pillar 6 items; expected some of {list(mpf.ITEM_AREA)}")
    rows = [
        {"iso3": iso3, "year": year, "item": item, "implemented": "", "rating_word": "", "source": ""}
        for iso3, year in zip(assessments["iso3"], mpf.assessment_years(assessments))
        for item in items
    ]
    return pd.DataFrame(rows, columns=TEMPLATE_COLUMNS).to_csv(index=False, lineterminator="\n").encode("utf-8")


def parse_ratings(data: bytes, known_iso3: Collection[str], known_items: Collection[str],
                  lang: str = "en") -> pd.DataFrame:
    """The rated rows of a filled template as ratings (``mpf.RATING_COLUMNS``, not illustrative).

    Raises :class:`RatingsFileError` listing every problem with its line number: empty file,
    not UTF-8, missing columns, unknown country or item, a value not yes/partial/no, a bad year,
    a rated row without source, a repeated (iso3, year, item), no rating at all.
    """
    if not isinstance(data, bytes | bytearray):
        raise ValueError(f"data must be the file's bytes, not {type(data).__name__}")
    text = _decoded(bytes(data), lang)
    rows = _records(text, lang)
    if not rows:
        raise RatingsFileError([t("ratings.problem.empty", lang)])
    (_, header), body = rows[0], rows[1:]
    columns = [cell.strip().lower() for cell in header]
    _check_header(columns, lang)
    problems: list[str] = []
    seen: dict[tuple[str, int, str], int] = {}
    parsed = []
    for line, cells in body:
        if not any(cell.strip() for cell in cells):
            continue
        row, row_problems = _row(line, cells, columns, set(known_iso3), set(known_items), lang)
        problems += row_problems
        if row is None:
            continue
        key = (row["iso3"], row["year"], row["item"])
        if key in seen:
            problems.append(t("ratings.problem.duplicate", lang, line=line, first=seen[key], iso3=key[0],
                              year=key[1], item=key[2]))
            continue
        seen[key] = line
        if row["implemented"]:
            parsed.append(row)
    if not problems and not parsed:
        problems.append(t("ratings.problem.nothing_rated", lang))
    if problems:
        raise RatingsFileError(_capped(problems, lang))
    frame = pd.DataFrame(parsed, columns=["iso3", "item", "year", "implemented", "rating_word", "source"])
    frame["year"] = frame["year"].astype("int64")
    return frame.assign(illustrative=False)[mpf.RATING_COLUMNS]


def _decoded(data: bytes, lang: str) -> str:
    """The file as text (UTF-8, with or without a byte-order mark); RatingsFileError otherwise."""
    if not data.strip():
        raise RatingsFileError([t("ratings.problem.empty", lang)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RatingsFileError([t("ratings.problem.not_utf8", lang, line=line)]) from None


def _records(text: str, lang: str) -> list[tuple[int, list[str]]]:
    """CSV records, each with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start = [], 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise RatingsFileError([t("ratings.problem.not_csv", lang, line=reader.line_num, reason=str(exc))]) from None
    return records


def _check_header(columns: list[str], lang: str) -> None:
    """RatingsFileError naming every required column the header lacks and every repeated one."""
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(t("ratings.problem.missing_columns", lang, columns=", ".join(missing),
                          expected=", ".join(TEMPLATE_COLUMNS)))
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(t("ratings.problem.repeated_columns", lang, columns=", ".join(repeated)))
    if problems:
        raise RatingsFileError(problems)


def _row(line: int, cells: list[str], columns: list[str], known_iso3: set[str], known_items: set[str],
         lang: str) -> tuple[dict | None, list[str]]:
    """One data row checked: the row (None when its key is unusable) and its problems."""
    if len(cells) > len(columns):
        return None, [t("ratings.problem.too_many_cells", lang, line=line, cells=len(cells), columns=len(columns))]
    cell = dict(zip(columns, [c.strip() for c in cells] + [""] * (len(columns) - len(cells))))
    problems = []
    iso3 = cell["iso3"].upper()
    if iso3 not in known_iso3:
        key = "ratings.problem.no_iso3" if not iso3 else "ratings.problem.unknown_iso3"
        problems.append(t(key, lang, line=line, value=cell["iso3"]))
    year = int(cell["year"]) if re.fullmatch(r"\d{4}", cell["year"]) else None
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        problems.append(t("ratings.problem.bad_year", lang, line=line, value=cell["year"],
                          low=YEAR_RANGE[0], high=YEAR_RANGE[1]))
    item = cell["item"].lower()
    if item not in known_items:
        problems.append(t("ratings.problem.unknown_item", lang, line=line, value=cell["item"]))
    implemented = cell["implemented"].lower()
    if implemented and implemented not in mpf.SCORES:
        problems.append(t("ratings.problem.bad_value", lang, line=line, value=cell["implemented"]))
    if implemented and not cell["source"]:
        problems.append(t("ratings.problem.no_source", lang, line=line))
    usable = iso3 in known_iso3 and year is not None and item in known_items
    row = {"iso3": iso3, "item": item, "year": year, "implemented": implemented,
           "rating_word": cell.get("rating_word", ""), "source": cell["source"]}
    return (row if usable else None), problems


def _capped(problems: list[str], lang: str) -> list[str]:
    """At most MAX_LISTED problems, then one line counting the rest."""
    if len(problems) <= MAX_LISTED:
        return problems
    return problems[:MAX_LISTED] + [t("ratings.problem.more", lang, count=len(problems) - MAX_LISTED)]


def edition_id(label: str, now: dt.datetime, earlier: Iterable[str] = ()) -> str:
    """``"<UTC time> <label>"``, its time later than every one of ``earlier`` (so text order is time order)."""
    if not isinstance(label, str) or not label.strip() or "\n" in label:
        raise ValueError(f"edition_label={label!r} must be a non-empty line of text")
    if now.tzinfo is None:
        raise ValueError(f"now={now!r} must carry a time zone")
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    times = [dt.datetime.strptime(e[:20], _STAMP) for e in earlier if _STAMP_RE.match(e or "")]
    if times and stamp <= max(times):
        stamp = max(times) + dt.timedelta(seconds=1)
    return f"{stamp.strftime(_STAMP)} {label.strip()}"


def store_ratings(store: Store, ratings: pd.DataFrame, edition_label: str,
                  now: dt.datetime | None = None) -> str:
    """Append ``ratings`` (from :func:`parse_ratings`) as a new edition in one transaction; returns its id.

    Earlier editions are kept; the illustrative ratings of the countries it covers are removed. The
    edition's id is made inside the store's transaction from the editions already there, so two
    imports at once still get two ids in time order and neither loses the other's rows.
    """
    mpf.check_ratings(ratings)
    if ratings.empty:
        raise ValueError("ratings is empty; there is nothing to store")
    now = now or dt.datetime.now(dt.timezone.utc)
    edition_id(edition_label, now)  # a bad label or a naive time is refused before the store is touched
    fresh = ratings[mpf.RATING_COLUMNS].assign(illustrative=False)
    fresh["year"] = fresh["year"].astype("int64")
    return store.add_ratings_edition(fresh, lambda earlier: edition_id(edition_label, now, earlier))


def editions(ratings: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The imported editions of one country, oldest first: edition, year, % per scope, items rated."""
    if mpf.EDITION not in ratings.columns:
        return pd.DataFrame(columns=["edition", "year", *mpf.AREAS, mpf.PILLAR, "items_rated"])
    own = ratings[(ratings["iso3"] == iso3) & (ratings[mpf.EDITION].fillna("") != "")]
    rows = []
    for (edition, year), group in own.groupby([mpf.EDITION, "year"], sort=True):
        pct = mpf.implementation_pct(group).set_index("scope")
        rows.append({"edition": edition, "year": int(year), **{s: pct["pct"].get(s) for s in (*mpf.AREAS, mpf.PILLAR)},
                     "items_rated": int(pct.loc[mpf.PILLAR, "items_rated"])})
    return pd.DataFrame(rows, columns=["edition", "year", *mpf.AREAS, mpf.PILLAR, "items_rated"])


def compare_editions(ratings: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Item × "edition · year" table of one country's imported ratings (blank where one did not rate an item)."""
    if mpf.EDITION not in ratings.columns:
        return pd.DataFrame(index=pd.Index(list(mpf.ITEM_AREA), name="item"))
    own = ratings[(ratings["iso3"] == iso3) & (ratings[mpf.EDITION].fillna("") != "")]
    own = own.assign(column=own[mpf.EDITION] + " · " + own["year"].astype(str))
    table = own.pivot_table(index="item", columns="column", values="implemented", aggfunc="last")
    table.columns.name = None
    return table.reindex(list(mpf.ITEM_AREA)).fillna("").rename_axis("item")
