"""Key tables: one SQLite table per declared index in the collection's file, kept in step with the
documents by the same transactions that write them.

A key table holds, per document, one row per combination of its indexed values (several rows for
a multikey path): the encoded document id, the document's row id (its natural order, the tie-break
of every sort) and a ``t``/``v`` column pair per indexed path (see :mod:`.keys`), under a real
SQLite index in the declared directions. Which columns have ever held an array or a value SQLite
cannot order is recorded beside them in the ``info`` table, so the planner knows which columns it
may sort on without reading the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import json
import re
import sqlite3

from . import keys as k


@dataclass(frozen=True)
class KeyTable:
    """One declared index as the planner sees it."""

    name: str  # the MongoDB index name
    table: str  # the SQLite table
    paths: tuple[str, ...]
    directions: tuple[int, ...]
    unique: bool = False

    @classmethod
    def for_index(cls, name: str, spec: dict) -> KeyTable | None:
        fields = [(path, direction) for path, direction in spec.get("key", [])]
        if not fields or any(direction not in (1, -1) for _, direction in fields):
            return None  # text, hashed and geo indexes are not ordered keys
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        table = "k_" + re.sub(r"\W", "_", name)[:40] + "_" + digest
        return cls(
            name, table, tuple(path for path, _ in fields),
            tuple(int(direction) for _, direction in fields), bool(spec.get("unique")),
        )

    @property
    def flags_key(self) -> str:
        return "keyflags:" + self.table

    def columns(self) -> list[str]:
        return [f"{letter}{i}" for i in range(len(self.paths)) for letter in "tv"]

    def create(self, connection: sqlite3.Connection) -> None:
        columns = ", ".join(self.columns())
        connection.execute(
            f'CREATE TABLE IF NOT EXISTS "{self.table}" (id TEXT NOT NULL, r INTEGER NOT NULL, '
            f"{columns})")
        ordered = ", ".join(
            f"{letter}{i} {'DESC' if direction < 0 else 'ASC'}"
            for i, direction in enumerate(self.directions) for letter in "tv")
        connection.execute(
            f'CREATE INDEX IF NOT EXISTS "{self.table}_key" ON "{self.table}" ({ordered}, r)')
        connection.execute(
            f'CREATE INDEX IF NOT EXISTS "{self.table}_id" ON "{self.table}" (id)')

    def drop(self, connection: sqlite3.Connection) -> None:
        connection.execute(f'DROP TABLE IF EXISTS "{self.table}"')
        connection.execute("DELETE FROM info WHERE key = ?", (self.flags_key,))

    def write(self, connection: sqlite3.Connection, key: str, rowid: int, document: dict,
              flags: Flags) -> None:
        """Replace the rows of one document (the caller holds the transaction)."""
        connection.execute(f'DELETE FROM "{self.table}" WHERE id = ?', (key,))
        rows, multikey, opaque = k.document_rows(document, self.paths)
        width = 2 + 2 * len(self.paths)
        connection.executemany(
            f'INSERT INTO "{self.table}" VALUES ({", ".join("?" * width)})',
            [(key, rowid, *row) for row in rows])
        if not (multikey <= flags.multikey and opaque <= flags.opaque):
            flags = Flags(flags.multikey | multikey, flags.opaque | opaque)
            flags.save(connection, self.flags_key)

    def delete(self, connection: sqlite3.Connection, key: str) -> None:
        connection.execute(f'DELETE FROM "{self.table}" WHERE id = ?', (key,))

    def flags(self, connection: sqlite3.Connection) -> Flags:
        row = connection.execute(
            "SELECT value FROM info WHERE key = ?", (self.flags_key,)).fetchone()
        return Flags.load(row[0] if row else None)


@dataclass(frozen=True)
class Flags:
    """Columns (by position) that have held an array, or a value SQLite cannot order."""

    multikey: frozenset[int] = frozenset()
    opaque: frozenset[int] = frozenset()

    @classmethod
    def load(cls, text: str | None) -> Flags:
        data = json.loads(text) if text else {}
        return cls(frozenset(data.get("multikey", ())), frozenset(data.get("opaque", ())))

    def save(self, connection: sqlite3.Connection, key: str) -> None:
        value = json.dumps({"multikey": sorted(self.multikey), "opaque": sorted(self.opaque)})
        connection.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))


def key_tables(indexes: dict) -> list[KeyTable]:
    """The key tables for a collection's declared indexes (``_id`` has the documents table)."""
    tables = []
    for name, spec in indexes.items():
        table = KeyTable.for_index(name, spec)
        if table is not None and table.paths != ("_id",):
            tables.append(table)
    return tables


def existing_tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'k\\_%' ESCAPE '\\'")}
