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

from collections.abc import Iterator
import contextlib
import pathlib
import sqlite3
import threading

from litemongo import client as lite_client
from litemongo import sqlite_store
from litemongo._vendor.mongomock import collection as mock_collection
from litemongo._vendor.mongomock import database as mock_database

# How long a writer waits for another process's write lock before giving up (seconds).
BUSY_TIMEOUT_SECONDS = 30


class SharedCollectionStore(sqlite_store.CollectionStore):
    """One collection file, usable from every thread of the process."""

    def __init__(self, filename: pathlib.Path, codec_options=None) -> None:
        self.lock = threading.RLock()
        super().__init__(filename, codec_options=codec_options)

    def open(self) -> None:
        super().open()
        # Replace the thread-bound handle litemongo opened with one every thread may use.
        self._connection.close()
        connection = sqlite3.connect(
            self._path, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        self._connection = connection
        # Connection.execute opens a new cursor for every statement, so no two threads ever
        # read each other's results from one shared cursor.
        self._cur = connection
        for table in (self._documents, self.indexes):
            table._connection = connection
            table._cur = connection

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
            super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        with self.lock:
            super().__delitem__(key)

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
        with self.lock:
            return list(super().find_candidates(filter))

    def create_index(self, index_name, index_dict) -> None:
        with self.lock:
            super().create_index(index_name, index_dict)

    def drop_index(self, index_name) -> None:
        with self.lock:
            super().drop_index(index_name)

    def drop(self) -> None:
        with self.lock:
            super().drop()


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

    def with_options(self, *args, **kwargs):
        collection = super().with_options(*args, **kwargs)
        # mongomock builds the copy from its own base class; keep ours.
        collection.__class__ = type(self)
        return collection


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

