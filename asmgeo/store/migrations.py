"""Versioned schema of a GeoPackage store: numbered steps, applied in order, in one transaction.

The store keeps its schema version in the hidden table ``asmgeo_meta`` (key ``schema_version``).
A store made before versions were kept has no such table: it is version 0. Opening a store runs
the steps it lacks, in order, in one transaction (all of them or none), and the store says so
once (:meth:`asmgeo.store.base.Store.upgrade`). A new store runs them all when it is made.
Every step is written so that running it on a store that already has what it adds changes
nothing; a step is never edited once released — a change is a new step.

Steps:

1. ``versions``: the hidden tables ``asmgeo_meta`` (schema version, the store's id) and
   ``asmgeo_table_versions`` (a version per table, for caching).
2. ``batch_index``: an index on the ``batch`` column of every layer that has one (fast undo and review).
3. ``named_mappings``: the hidden table ``asmgeo_mappings`` (a mapping of a file's columns kept under a
   name: ``name`` primary key, ``layer``, ``mapping`` as JSON text, ``saved_by``, ``saved_at``), and the
   columns ``mapping``, ``mapping_hash``, ``source``, ``licence`` and ``skipped_existing`` of the batch
   table (``''`` / ``0`` for the batches imported before them); an index on the ``submission_id``
   column of every layer that has one (records already stored are found without a scan).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from asmgeo.schema import SUBMISSION_ID
from asmgeo.store.base import BATCH_COLUMN, MAPPINGS_TABLE
from asmgeo.store.batches import BATCH_TABLE, STEP3_BATCH_COLUMNS
from asmgeo.store.gpkg_sql import VERSIONS_TABLE, quote, table_columns, table_exists

META = "asmgeo_meta"  # hidden (not in gpkg_contents): key → value
SCHEMA_KEY = "schema_version"
STORE_ID_KEY = "store_id"


@dataclass(frozen=True)
class Step:
    """One numbered change to the schema."""

    number: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _versions(connection: sqlite3.Connection) -> None:
    connection.execute(f"CREATE TABLE IF NOT EXISTS {quote(META)} (key TEXT PRIMARY KEY NOT NULL, value TEXT)")
    connection.execute(f"CREATE TABLE IF NOT EXISTS {quote(VERSIONS_TABLE)} "
                       "(table_name TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL DEFAULT 0)")
    connection.execute(f"INSERT OR IGNORE INTO {quote(META)} (key, value) VALUES (?, ?)", (STORE_ID_KEY, uuid.uuid4().hex))


def _batch_index(connection: sqlite3.Connection) -> None:
    for (table,) in connection.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchall():
        if table_exists(connection, table) and BATCH_COLUMN in table_columns(connection, table):
            batch_index(connection, table)


def batch_index(connection: sqlite3.Connection, table: str) -> None:
    """An index on ``table``'s batch column (unless there is one)."""
    column_index(connection, table, BATCH_COLUMN)


def column_index(connection: sqlite3.Connection, table: str, column: str) -> None:
    """An index ``asmgeo_<table>_<column>`` on ``column`` of ``table`` (unless there is one)."""
    connection.execute(f"CREATE INDEX IF NOT EXISTS {quote(f'asmgeo_{table}_{column}')} ON {quote(table)} ({quote(column)})")


def _named_mappings(connection: sqlite3.Connection) -> None:
    create_mappings_table(connection)
    for (table,) in connection.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchall():
        if table_exists(connection, table) and SUBMISSION_ID in table_columns(connection, table):
            column_index(connection, table, SUBMISSION_ID)
    if table_exists(connection, BATCH_TABLE):
        present = {name.lower() for name in table_columns(connection, BATCH_TABLE)}
        for column, kind in STEP3_BATCH_COLUMNS.items():
            if column.lower() not in present:
                default = "0" if kind == "INTEGER" else "''"
                connection.execute(f"ALTER TABLE {quote(BATCH_TABLE)} ADD COLUMN {quote(column)} {kind} "
                                   f"NOT NULL DEFAULT {default}")


def create_mappings_table(connection: sqlite3.Connection) -> None:
    """The hidden table of named mappings (unless there is one)."""
    connection.execute(f"CREATE TABLE IF NOT EXISTS {quote(MAPPINGS_TABLE)} (name TEXT PRIMARY KEY NOT NULL, "
                       "layer TEXT NOT NULL DEFAULT '', mapping TEXT NOT NULL, saved_by TEXT NOT NULL DEFAULT '', "
                       "saved_at TEXT NOT NULL DEFAULT '')")


STEPS: tuple[Step, ...] = (
    Step(1, "versions", _versions),
    Step(2, "batch_index", _batch_index),
    Step(3, "named_mappings", _named_mappings),
)
CURRENT = STEPS[-1].number


def schema_version(connection: sqlite3.Connection) -> int:
    """The schema version recorded in the store (0 when none is)."""
    if not table_exists(connection, META):
        return 0
    row = connection.execute(f"SELECT value FROM {quote(META)} WHERE key = ?", (SCHEMA_KEY,)).fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else 0


def store_id(connection: sqlite3.Connection) -> str | None:
    """The random id the store was given by step 1 (None before it)."""
    if not table_exists(connection, META):
        return None
    row = connection.execute(f"SELECT value FROM {quote(META)} WHERE key = ?", (STORE_ID_KEY,)).fetchone()
    return None if row is None else str(row[0])


def migrate(connection: sqlite3.Connection) -> tuple[int, tuple[int, ...]]:
    """Apply the steps the store lacks inside the caller's write transaction; (version before, steps applied)."""
    before = schema_version(connection)
    applied = []
    for step in STEPS:
        if step.number > before:
            step.apply(connection)
            applied.append(step.number)
    if applied:
        connection.execute(f"INSERT INTO {quote(META)} (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (SCHEMA_KEY, str(CURRENT)))
    return before, tuple(applied)
