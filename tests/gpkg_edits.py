"""What a person or another program does to a GeoPackage store behind asmgeo's back, for tests.

The app reaches a store only through :class:`asmgeo.store.Store`; these helpers open the file
itself, as QGIS or the ``sqlite3`` shell would, to look at raw rows or to damage them on purpose.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from asmgeo.store import Store


def gpkg_path(store: Store) -> Path:
    """The GeoPackage file of a store opened from a ``.gpkg`` path."""
    return Path(store.location)


def rows(store: Store, query: str, params: tuple = ()) -> list[tuple]:
    """The rows ``query`` returns, read straight from the file."""
    with closing(sqlite3.connect(gpkg_path(store))) as connection:
        return connection.execute(query, params).fetchall()


def has_table(store: Store, name: str) -> bool:
    """True when the file holds a table ``name``."""
    return bool(rows(store, "SELECT 1 FROM sqlite_master WHERE name = ?", (name,)))


def execute(store: Store, statement: str, params: tuple = ()) -> None:
    """Run one statement on the file and commit it (a hand edit)."""
    with closing(sqlite3.connect(gpkg_path(store))) as connection, connection:
        connection.execute(statement, params)


def failing_writer(statement: str, message: str = "disk I/O error"):
    """A stand-in for a store writer that runs ``statement`` on its connection, then fails like a full disk."""

    def broken(connection, *args):
        connection.execute(statement)
        raise sqlite3.OperationalError(message)

    return broken
