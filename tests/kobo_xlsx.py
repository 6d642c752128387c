"""An Excel export modelled on KoboToolbox's default (XLSX) download, written from tests/data/uploads/kobo_sites.csv.

Kobo puts the main form on the first sheet and each repeat group on a sheet of its own; numbers,
dates and submission times arrive as typed cells, not text. The workbook is built here with
openpyxl (see tests/data/README.md), so the repository holds no binary.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

UPLOADS = Path(__file__).resolve().parent / "data" / "uploads"
NUMBER_COLUMNS = ("_gps_latitude", "_gps_longitude", "_gps_altitude", "_gps_precision", "travail/nb_travailleurs",
                  "travail/nb_femmes", "_id", "_index")
DATE_COLUMNS = ("today", "site_info/date_visite")
DATETIME_COLUMNS = ("_submission_time",)


def _typed(column: str, text: str) -> object:
    """The cell Kobo would write for ``text`` in ``column`` (None for an empty answer)."""
    if text == "":
        return None
    if column in NUMBER_COLUMNS:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(text)
    if column in DATETIME_COLUMNS:
        return dt.datetime.fromisoformat(text)
    return text


def write_kobo_xlsx(folder: Path, name: str = "kobo_sites.xlsx") -> Path:
    """The three Kobo sites of kobo_sites.csv as a workbook: main sheet first, a repeat-group sheet after it.

    The main sheet also has a blank row between submissions and a styled column that holds nothing
    (both are left out when read); the second sheet would give wrong sites if it were read.
    """
    with open(UPLOADS / "kobo_sites.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle, delimiter=";"))
    book = Workbook()
    main = book.active
    main.title = "Relevé des sites ASM"
    main.append(header)
    for number, row in enumerate(rows):
        main.append([_typed(column, text) for column, text in zip(header, row, strict=True)])
        if number == 0:
            main.append([None] * len(header))
    main.cell(row=1, column=len(header) + 3).font = Font(bold=True)  # styled, never filled
    repeat = book.create_sheet("visites")
    repeat.append(["visite/site_id", "visite/date", "_gps_latitude", "_gps_longitude", "_parent_index"])
    repeat.append(["SEN-KB-999", dt.date(2024, 3, 18), 0.0, 0.0, 1])
    path = Path(folder) / name
    book.save(path)
    return path


def write_xlsx(folder: Path, name: str, rows: list[list[object]]) -> Path:
    """A one-sheet workbook holding ``rows`` (the first is the header)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = Path(folder) / name
    book.save(path)
    return path


def with_member(source: Path, target: Path, member: str, change) -> Path:
    """A copy of the workbook ``source`` at ``target`` whose ``member`` is ``change(bytes)``."""
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            data = book.read(info)
            out.writestr(info, change(data) if info.filename == member else data)
    return target
