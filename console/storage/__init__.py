"""Storage, chosen in one place: a real MongoDB, the embedded on-disk store, or mongomock.

``ONEWINDOW_MONGODB_URI`` decides:

* ``mongodb://…`` / ``mongodb+srv://…``: a MongoDB server, replica set or sharded cluster;
* unset or ``embedded:///abs/dir``: the embedded store (SQLite files, MongoDB semantics), by
  default in the Flask instance folder;
* ``memory://``: mongomock, for fast tests only.

Nothing outside this package knows which backend is in use.
"""

from __future__ import annotations

from dataclasses import dataclass
import os
from urllib.parse import unquote, urlparse

from flask import Flask
import mongoengine
from mongoengine.connection import DEFAULT_CONNECTION_NAME, get_connection
import pymongo.errors

from . import planner
from .indexes import ensure_indexes, manual_indexes

__all__ = ["ensure_indexes", "manual_indexes"]

DEFAULT_DATABASE = "onewindow"
# Production defaults for a server: fail fast when it is unreachable, retry a write once over a
# replica-set election, and acknowledge writes only once a majority of members has them.
SERVER_DEFAULTS = {
    "serverSelectionTimeoutMS": 5000,
    "connectTimeoutMS": 5000,
    "retryWrites": True,
    "w": "majority",
    "tz_aware": False,
}


class StorageConfigError(ValueError):
    """The configured database URI is not one this console understands."""


@dataclass(frozen=True)
class StorageSpec:
    """What ``ONEWINDOW_MONGODB_URI`` resolved to."""

    kind: str  # "server", "embedded" or "memory"
    location: str  # the URI for a server, a folder for the embedded store, a name for memory
    database: str


def resolve(uri: str | None, instance_path: str, database: str = DEFAULT_DATABASE) -> StorageSpec:
    """Turn the configured URI into a storage spec, refusing what cannot be used."""
    if not uri:
        return StorageSpec("embedded", os.path.join(instance_path, "store"), database)
    parsed = urlparse(uri)
    if parsed.scheme in ("mongodb", "mongodb+srv"):
        return StorageSpec("server", uri, parsed.path.lstrip("/") or database)
    if parsed.scheme == "embedded":
        folder = unquote(parsed.netloc + parsed.path)
        if not os.path.isabs(folder):
            raise StorageConfigError(
                "embedded:// needs an absolute folder, e.g. embedded:///var/lib/onewindow "
                f"(got {uri!r})"
            )
        return StorageSpec("embedded", folder, database)
    if parsed.scheme == "memory":
        return StorageSpec("memory", parsed.netloc or "default", database)
    raise StorageConfigError(
        f"ONEWINDOW_MONGODB_URI must start with mongodb://, mongodb+srv://, embedded:// or "
        f"memory:// (got {uri!r})"
    )


def connect(
    spec: StorageSpec, alias: str = DEFAULT_CONNECTION_NAME, timeout_ms: int | None = None
) -> None:
    """Register the MongoEngine connection for ``spec`` (replacing any earlier one)."""
    disconnect(alias)
    if spec.kind == "server":
        settings = dict(SERVER_DEFAULTS)
        if timeout_ms:
            settings["serverSelectionTimeoutMS"] = settings["connectTimeoutMS"] = timeout_ms
        mongoengine.connect(db=spec.database, host=spec.location, alias=alias, **settings)
    elif spec.kind == "embedded":
        from .embedded import EmbeddedClient

        mongoengine.connect(
            db=spec.database,
            alias=alias,
            mongo_client_class=_bind(EmbeddedClient, spec.location),
        )
    else:
        import mongomock

        mongoengine.connect(
            db=spec.database, alias=alias, mongo_client_class=mongomock.MongoClient
        )


def disconnect(alias: str = DEFAULT_CONNECTION_NAME) -> None:
    """Close and forget the connection, so the next ``connect`` starts clean."""
    mongoengine.disconnect(alias)


def ping(alias: str = DEFAULT_CONNECTION_NAME) -> bool:
    """True when the database answers a round trip."""
    try:
        get_connection(alias).admin.command("ping")
    except (pymongo.errors.PyMongoError, mongoengine.ConnectionFailure, OSError):
        return False
    return True


def init_app(app: Flask) -> StorageSpec:
    """Connect the app's configured store and remember what it is on the app."""
    spec = resolve(
        app.config.get("ONEWINDOW_MONGODB_URI"),
        app.instance_path,
        app.config.get("ONEWINDOW_MONGODB_DB", DEFAULT_DATABASE),
    )
    connect(spec, timeout_ms=int(app.config.get("ONEWINDOW_MONGODB_TIMEOUT_MS") or 0) or None)
    planner.STRICT_DEFAULT = bool(app.config.get("ONEWINDOW_STORAGE_STRICT"))
    app.extensions["onewindow.storage"] = spec
    return spec


def _bind(client_class, directory: str):
    """A client class MongoEngine can call with its usual keyword arguments."""

    def factory(**settings):
        return client_class(directory, **settings)

    return factory
