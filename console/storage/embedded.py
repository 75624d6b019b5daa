"""The embedded store: litemongo's SQLite files made safe for threaded and multi-process servers.

litemongo keeps one SQLite connection per collection file and opens it in the thread that first
touched the collection; SQLite then refuses that handle in any other thread. A threaded server
(Flask's development server, gunicorn's gthread workers) serves requests from many threads, and
MongoEngine caches one collection object per document class for the whole process.

So each collection file here gets one connection shared by all threads of the process, every
statement runs on a fresh cursor, and a per-collection re-entrant lock makes each store primitive
and each whole write operation (read, unique checks, write) atomic inside the process. Across
processes, a write operation holds SQLite's write lock (``BEGIN IMMEDIATE``) from the moment it
reads the document it is about to change until it has written it, so two workers updating one
document are serialised and a conditional update (``{"_id": …, "version": 3}``) cannot be won by
both. A single document is the unit of atomicity, as on MongoDB without transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import contextlib
import functools
import math
import pathlib
import re
import sqlite3
import threading
from typing import Any

import bson
from litemongo import client as lite_client
from litemongo import sqlite_store
from litemongo._vendor.mongomock import OperationFailure, helpers
from litemongo._vendor.mongomock import collection as mock_collection
from litemongo._vendor.mongomock import database as mock_database

from . import bsonparts, keytables, planner
from .keytables import Flags, KeyTable

# How long a writer waits for another process's write lock before giving up (seconds).
BUSY_TIMEOUT_SECONDS = 30


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> re.Pattern:
    return re.compile(pattern, flags)


def _sql_regex(pattern: str, flags: int, value) -> bool:
    """``ow_regex`` in SQL: Python's ``re.search``, as mongomock's matcher runs it."""
    return isinstance(value, str) and _compiled(pattern, flags).search(value) is not None


# Pages each collection's handle may keep in memory (KiB); filled only as pages are read.
PAGE_CACHE_KIB = 8192


BUILD_BATCH = 500
"""Documents read at a time while a new key table is filled."""


class SharedCollectionStore(sqlite_store.CollectionStore):
    """One collection file, usable from every thread of the process, with a key table per
    declared index written in the same transaction as each document (see :mod:`.keytables`)."""

    def __init__(self, filename: pathlib.Path, codec_options=None) -> None:
        self.lock = threading.RLock()
        self._known_tables: frozenset[str] | None = None
        self._tables: list[KeyTable] = []
        self._declared: dict | None = None  # the indexes self._tables were made from
        super().__init__(filename, codec_options=codec_options)

    @property
    def name(self) -> str:
        return self._path.name

    def open(self) -> None:
        super().open()
        # Replace the thread-bound handle litemongo opened with one every thread may use.
        self._connection.close()
        connection = sqlite3.connect(
            self._path, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        # SQLite keeps 2 MB of pages by default: too few for a big collection's key tables, so
        # a count that probes another key table (an approver's scope) read pages from the file
        # again on every request (10 ms at 50,000 cases, against 1 ms with the pages kept).
        connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        connection.create_function("ow_regex", 3, _sql_regex, deterministic=True)
        self._connection = connection
        # Connection.execute opens a new cursor for every statement, so no two threads ever
        # read each other's results from one shared cursor.
        self._cur = connection
        for table in (self._documents, self.indexes):
            table._connection = connection
            table._cur = connection
        self._known_tables = None
        self._declared = None

    # region Key tables and the planner's reads

    def key_tables(self) -> list[KeyTable]:
        """The key tables of the declared indexes, building any a file does not have yet (a
        store written before key tables existed, or an index another process just declared)."""
        with self.lock:
            declared = dict(self.indexes.items())
            if declared == self._declared:
                return self._tables
            tables = keytables.key_tables(declared)
            names = frozenset(table.table for table in tables)
            if names != self._known_tables:
                missing = [table for table in tables
                           if table.table not in keytables.existing_tables(self._connection)]
                if missing:
                    self._build(missing)
                self._known_tables = names
                self._tables = tables
            self._declared = declared
            return self._tables

    def _build(self, tables: list[KeyTable]) -> None:
        with self.write_transaction():
            flags = {table.table: Flags() for table in tables}
            for table in tables:
                table.create(self._connection)
            last = -1
            while True:  # a few hundred documents in memory at a time, not the collection
                rows = self._connection.execute(
                    "SELECT rowid, _id, doc FROM documents WHERE rowid > ? ORDER BY rowid "
                    "LIMIT ?", (last, BUILD_BATCH)).fetchall()
                if not rows:
                    break
                for rowid, key, blob in rows:
                    document = bson.decode(blob, codec_options=self._codec_options)
                    for table in tables:
                        table.write(self._connection, key, rowid, document, flags[table.table])
                        flags[table.table] = table.flags(self._connection)
                last = rows[-1][0]

    def key_flags(self, table: KeyTable) -> Flags:
        with self.lock:
            return table.flags(self._connection)

    def encode_key(self, value) -> str:
        return self._documents.encode_key(value)

    def execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._connection.execute(sql, list(params))

    def get_many_encoded(self, keys: list[str],
                         fields: frozenset[bytes] | None = None) -> list[dict]:
        """The documents of ``keys`` (encoded ids) in that order; with ``fields``, only those
        top-level fields of each (:mod:`.bsonparts`)."""
        if fields is None:
            with self.lock:
                return list(self._documents.get_many_encoded(keys))
        table = self._documents
        found: dict[str, bytes] = {}
        with self.lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                found.update(self._connection.execute(
                    f"SELECT {table.ID}, {table.DOC} FROM {table._table_name} "  # noqa: S608
                    f"WHERE {table.ID} IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        options = table._codec_options
        return [bsonparts.decode_fields(found[key], fields, options)
                for key in keys if key in found]

    def ids_in_natural_order(self, keys: list[str]) -> list[str]:
        found: list[tuple[int, str]] = []
        with self.lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                found += self._connection.execute(
                    f"SELECT rowid, _id FROM documents WHERE _id IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall()
        return [key for _, key in sorted(found)]

    def key_row_ids(self, table: str, rowids: list[int]) -> list[str]:
        """The document ids of a key table's rows, in the order of ``rowids``."""
        if not rowids:
            return []
        with self.lock:
            found = dict(self._connection.execute(
                f'SELECT rowid, id FROM "{table}" WHERE rowid IN ({",".join("?" * len(rowids))})',
                rowids).fetchall())
        return [found[rowid] for rowid in rowids]

    def ids_are_object_ids(self) -> bool:
        """True when every id is an ObjectId, whose encoded keys then sort as the ids do."""
        with self.lock:
            if self._documents.key_format != sqlite_store.KEY_FORMAT_TYPED:
                return False
            return self._connection.execute(
                "SELECT 1 FROM documents WHERE _id < 'o:' OR _id >= 'o;' LIMIT 1"
            ).fetchone() is None

    # The last total a scanning page counted: (filter key, change token, total); see planner.
    counted: tuple | None = None

    def change_token(self) -> tuple[int, int]:
        """Changes when anything is committed to this file: by another connection (SQLite's
        data_version) or by this one (its total changes)."""
        with self.lock:
            version = self._connection.execute("PRAGMA data_version").fetchone()[0]
            return version, self._connection.total_changes

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Hold one read transaction, so key rows and documents come from the same commit."""
        with self.lock:
            connection = self._connection
            if connection.in_transaction:
                yield
                return
            connection.execute("BEGIN")
            try:
                yield
            finally:
                if connection.in_transaction:
                    connection.commit()

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        """One transaction for a document and its keys (inside the caller's, if any)."""
        if self._connection.in_transaction:
            yield
        else:
            with self._connection:
                yield

    # endregion

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[None]:
        """Hold this collection's write lock, in this process and across processes."""
        with self.lock:
            connection = self._connection
            started = not connection.in_transaction
            if started:
                connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if started and connection.in_transaction:
                    connection.rollback()
                raise
            else:
                if started and connection.in_transaction:
                    connection.commit()

    # Every primitive below runs under the lock and hands back a finished list, so no caller
    # iterates SQLite rows or the in-memory query index while another thread changes them.

    def __getitem__(self, key):
        with self.lock:
            return super().__getitem__(key)

    def __setitem__(self, key, value) -> None:
        with self.lock:
            encoded = self.encode_key(key)
            blob = bson.encode(value, codec_options=self._codec_options)
            tables = self.key_tables()
            # Keys come from the stored form (millisecond dates, BSON types), as reads see it.
            stored = bson.decode(blob, codec_options=self._codec_options) if tables else None
            with self._atomic():
                rowid = self._connection.execute(
                    "INSERT INTO documents VALUES (?, ?) ON CONFLICT(_id) DO UPDATE SET "
                    "doc = excluded.doc RETURNING rowid", (encoded, blob)).fetchone()[0]
                for table in tables:
                    table.write(self._connection, encoded, rowid, stored,
                                table.flags(self._connection))

    def __delitem__(self, key) -> None:
        with self.lock:
            encoded = self.encode_key(key)
            tables = self.key_tables()
            with self._atomic():
                deleted = self._connection.execute(
                    "DELETE FROM documents WHERE _id = ?", (encoded,)).rowcount
                for table in tables:
                    table.delete(self._connection, encoded)
            if deleted <= 0:
                raise KeyError(encoded)

    def __contains__(self, key) -> bool:
        with self.lock:
            return super().__contains__(key)

    def __len__(self) -> int:
        with self.lock:
            return super().__len__()

    @property
    def documents(self):
        with self.lock:
            return list(super().documents)

    def find_candidates(self, filter):  # noqa: A002 - the mongomock signature
        # The planner's candidates replace litemongo's in-memory hash index, which decoded
        # every document at start and after any other process's write.
        return planner.candidates(self, filter)

    def create_index(self, index_name, index_dict) -> None:
        with self.lock:
            super().create_index(index_name, index_dict)
            self.key_tables()

    def drop_index(self, index_name) -> None:
        with self.lock:
            table = KeyTable.for_index(index_name, self.indexes[index_name])
            super().drop_index(index_name)
            if table is not None:
                with self._connection:
                    table.drop(self._connection)
            self._known_tables = None
            self._declared = None

    def drop(self) -> None:
        with self.lock:
            super().drop()
            with self._connection:
                for name in keytables.existing_tables(self._connection):
                    self._connection.execute(f'DROP TABLE IF EXISTS "{name}"')
                self._connection.execute("DELETE FROM info WHERE key LIKE 'keyflags:%'")
            self._known_tables = None
            self._declared = None

    def copy_from(self, source) -> None:
        with self.lock:
            super().copy_from(source)
            with self._connection:
                for name in keytables.existing_tables(self._connection):
                    self._connection.execute(f'DROP TABLE IF EXISTS "{name}"')
                self._connection.execute("DELETE FROM info WHERE key LIKE 'keyflags:%'")
            self._known_tables = None
            self._declared = None


class SharedDatabaseStore(sqlite_store.DatabaseStore):
    """A database folder whose collections are :class:`SharedCollectionStore` files."""

    def __init__(self, path: pathlib.Path, codec_options=None) -> None:
        self._open_lock = threading.Lock()
        super().__init__(path, codec_options=codec_options)

    def __getitem__(self, col_name) -> SharedCollectionStore:
        with self._open_lock:
            if col_name not in self._collections:
                self._collections[col_name] = SharedCollectionStore(
                    self._dirpath / col_name, codec_options=self._codec_options
                )
            return self._collections[col_name]


class SharedServerStore(sqlite_store.ServerStore):
    """The store's root folder: one sub-folder per database."""

    def __init__(self, dirpath: str | pathlib.Path) -> None:
        self._open_lock = threading.Lock()
        super().__init__(dirpath)

    def __getitem__(self, db_name) -> SharedDatabaseStore:
        with self._open_lock:
            if db_name not in self._databases:
                self._databases[db_name] = SharedDatabaseStore(self._dirpath / db_name)
            return self._databases[db_name]


class SerializedCollection(mock_collection.Collection):
    """A collection whose write operations each run inside the store's write transaction."""

    def _locked(self):
        return self._store.write_transaction()

    def _insert(self, *args, **kwargs):
        with self._locked():
            return super()._insert(*args, **kwargs)

    def _update(self, *args, **kwargs):
        with self._locked():
            return super()._update(*args, **kwargs)

    def _find_and_modify(self, *args, **kwargs):
        with self._locked():
            return super()._find_and_modify(*args, **kwargs)

    def _delete(self, *args, **kwargs):
        with self._locked():
            return super()._delete(*args, **kwargs)

    def find(self, *args, **kwargs):
        cursor = super().find(*args, **kwargs)
        cursor.__class__ = PlannedCursor
        return cursor

    def count_documents(self, filter, **kwargs):  # noqa: A002 - the pymongo signature
        kwargs.pop("session", None)
        kwargs.pop("hint", None)
        kwargs.pop("maxTimeMS", None)
        if kwargs.pop("collation", None):
            raise NotImplementedError("collation is not supported by the embedded store")
        skip = kwargs.pop("skip", 0) or 0
        limit = kwargs.pop("limit", None)
        if limit is not None:
            if not isinstance(limit, (int, float)) or limit <= 0:
                raise OperationFailure("the limit must be specified as a positive number")
            limit = math.floor(limit)
        if kwargs:
            raise OperationFailure(f"unrecognized field '{next(iter(kwargs))}'")
        spec = helpers.patch_datetime_awareness_in_document(filter)
        return planner.count(self._store, spec, skip, limit)

    def create_index(self, keys, cache_for=300, session=None, **kwargs):
        # MongoEngine re-declares its indexes on first use: an index already there as declared
        # is answered by name, without mongomock's uniqueness pass over every document.
        index_list = helpers.create_index_list(keys)
        name = kwargs.get("name") or helpers.gen_index_name(index_list)
        existing = self._store.indexes.get(name)
        if existing is not None and list(existing.get("key", ())) == list(index_list) and bool(
                existing.get("unique")) == bool(kwargs.get("unique")):
            return name
        return super().create_index(keys, cache_for, session, **kwargs)

    def with_options(self, *args, **kwargs):
        collection = super().with_options(*args, **kwargs)
        # mongomock builds the copy from its own base class; keep ours.
        collection.__class__ = type(self)
        return collection


def _plain_inclusion(projection: dict) -> list[str] | None:
    """The top-level fields of a projection that only includes whole top-level fields (as
    MongoEngine's ``only()`` asks), else None."""
    fields = [key for key in projection if key != "_id"]
    if not fields or projection.get("_id", 1) not in (0, 1, True, False):
        return None
    for key in fields:
        value = projection[key]
        if "." in key or key.startswith("$") or value is not True and value != 1 \
                or isinstance(value, bool) and not value:
            return None
    return fields


def project(collection, document: dict, projection) -> dict:
    """``document`` reduced to ``projection``. The planner decodes a fresh document for every
    query, so a plain inclusion takes its values as they are; mongomock's projection (which
    deep-copies every kept value, for documents it shares) serves every other shape."""
    fields = _plain_inclusion(projection) if isinstance(projection, dict) else None
    if fields is None:
        return collection._copy_only_fields(document, projection, dict)
    wanted = set(fields)
    projected = {key: value for key, value in document.items()
                 if key in wanted and key != "_id"}
    if projection.get("_id", 1) and "_id" in document:
        projected["_id"] = document["_id"]
    return projected


def fields_read(spec: dict | None, sort: Any, projection: Any) -> frozenset[bytes] | None:
    """The top-level fields to decode for a plain inclusion (MongoEngine's ``only()``): its own,
    and those the filter's re-check and a sort read; None for the whole document."""
    fields = _plain_inclusion(projection) if isinstance(projection, dict) else None
    if fields is None:
        return None
    needed = {"_id", *fields}
    for path in spec or {}:
        if path.startswith("$"):  # $or, $and, $expr…: whatever they name
            return None
        needed.add(path.split(".")[0])
    needed.update(path.split(".")[0] for path in planner.sort_paths(sort))
    return frozenset(name.encode() for name in needed)


class PlannedCursor(mock_collection.Cursor):
    """A cursor whose page comes from the planner: only the documents returned are decoded, and
    of them only the fields a plain projection keeps."""

    def _compute_results(self, with_limit_and_skip=False):
        skip = self._skip if with_limit_and_skip else 0
        limit = self._limit if with_limit_and_skip else None
        asked = getattr(self, "_planned_for", None)
        if self._results is not None and asked is not None and asked[:2] == (skip, limit) \
                and asked[2] is self._sort and asked[3] is self._projection:
            return self._results  # the same cursor asked for its next document
        key = (skip, limit, repr(self._sort), repr(self._projection))
        if self._results is None or getattr(self, "_planned_key", None) != key:
            documents = planner.find(self.collection._store, self._spec, self._sort, skip, limit,
                                     fields=fields_read(self._spec, self._sort, self._projection))
            if self._projection is not None:
                documents = [project(self.collection, doc, self._projection)
                             for doc in documents]
            if self.collection.codec_options.tz_aware:
                documents = [helpers.make_datetime_timezone_aware_in_document(doc)
                             for doc in documents]
            self._results = documents
            # (mongomock adds "_id" to the projection while copying: key it as it is now, or
            # every next document would run the query again)
            self._planned_key = (skip, limit, repr(self._sort), repr(self._projection))
        self._planned_for = (skip, limit, self._sort, self._projection)
        return self._results

    def clone(self):
        cursor = PlannedCursor(
            self.collection, self._spec, self._sort, self._projection, self._skip, self._limit)
        return cursor


class SerializedDatabase(mock_database.Database):
    """A database handing out :class:`SerializedCollection` objects."""

    def get_collection(self, name, *args, **kwargs):
        collection = super().get_collection(name, *args, **kwargs)
        collection.__class__ = SerializedCollection
        return collection


class EmbeddedClient(lite_client.MongoClient):
    """A pymongo-compatible client over a folder of SQLite files, safe to share across threads."""

    def __init__(self, directory: str | pathlib.Path, **kwargs) -> None:
        # MongoEngine passes server settings (host, port, credentials) that mean nothing here.
        for server_setting in (
            "host", "port", "username", "password", "authentication_source",
            "authentication_mechanism", "authmechanismproperties", "read_preference",
        ):
            kwargs.pop(server_setting, None)
        self._database_lock = threading.Lock()
        super().__init__(SharedServerStore(directory), **kwargs)

    def get_database(self, name=None, *args, **kwargs):
        with self._database_lock:
            database = super().get_database(name, *args, **kwargs)
            database.__class__ = SerializedDatabase
            return database

