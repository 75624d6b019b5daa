"""Login rate limits: failed logins on the web form and the API login counted per client address
with Flask-AppBuilder's limiter (Flask-Limiter), in the console's own database.

The counters live in the ``rate_limits`` collection of whatever store the console runs on (a
MongoDB server, the embedded store, mongomock in tests), so every gunicorn worker and every
process sees the same count without a Redis or memcached to run. ``RATELIMIT_STORAGE_URI =
"onewindow://"`` selects it; any Flask-Limiter URI (``mongodb://…``, ``redis://…``) still works.

Every counter carries ``expire_at`` (naive UTC) under a TTL index (``expireAfterSeconds=0``), so
MongoDB deletes the counters of windows that have run out; the embedded store (litemongo, after
mongomock) honours the same index, dropping expired documents when the collection is next read
or written, and keeps it on disk. ``onewindow init`` creates the index, and so does the first
counter a process writes.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from typing import Any
from urllib.parse import urlparse

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from limits.storage import Storage
from mongoengine.connection import get_db
import pymongo
from pymongo.errors import DuplicateKeyError, PyMongoError

log = logging.getLogger(__name__)

COLLECTION = "rate_limits"
TTL_INDEX = "rate_limits_expire_at_ttl"

_indexed: set[tuple[int, str]] = set()


def ensure_ttl_index(collection: Any = None) -> None:
    """The TTL index that lets the database drop counters whose window has run out."""
    collection = get_db()[COLLECTION] if collection is None else collection
    collection.create_index("expire_at", expireAfterSeconds=0, name=TTL_INDEX)
    _indexed.add((id(collection.database.client), collection.database.name))


class ConsoleStorage(Storage):
    """Fixed-window counters in the console's database: ``{_id: key, count, expires}``."""

    STORAGE_SCHEME = ["onewindow"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    @staticmethod
    def _collection():
        # Looked up on every call: the connection is the app's current one (tests swap it).
        collection = get_db()[COLLECTION]
        if (id(collection.database.client), collection.database.name) not in _indexed:
            ensure_ttl_index(collection)
        return collection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        collection = self._collection()
        now = time.time()
        # A window that has run out starts again from zero.
        collection.delete_one({"_id": key, "expires": {"$lte": now}})
        for _attempt in range(2):
            try:
                found = collection.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"count": amount}, "$setOnInsert": {
                        "expires": now + expiry,
                        # Naive UTC, like every datetime the console stores; the TTL index's.
                        "expire_at": dt.datetime.fromtimestamp(now + expiry, dt.UTC).replace(
                            tzinfo=None),
                    }},
                    upsert=True,
                    return_document=pymongo.ReturnDocument.AFTER,
                )
                # None: the TTL index dropped a window already run out (no expiry at all).
                return int(found["count"]) if found else amount
            except DuplicateKeyError:
                # Another worker inserted the key at the same moment: increment theirs.
                continue
        return int(self.get(key))

    def get(self, key: str) -> int:
        found = self._collection().find_one({"_id": key})
        if not found or found.get("expires", 0) <= time.time():
            return 0
        return int(found.get("count", 0))

    def get_expiry(self, key: str) -> float:
        found = self._collection().find_one({"_id": key})
        return float(found["expires"]) if found else time.time()

    def check(self) -> bool:
        try:
            self._collection().find_one({})
        except PyMongoError:
            return False
        return True

    def reset(self) -> int | None:
        return self._collection().delete_many({}).deleted_count

    def clear(self, key: str) -> None:
        self._collection().delete_one({"_id": key})


def failed_web_login(response: Response) -> bool:
    """FAB's login form answers a failure by sending the user back to the login page (or by
    showing the form again when it is incomplete); a success goes elsewhere."""
    if response.status_code != 302:
        return True
    login_path = urlparse(current_app.appbuilder.get_url_for_login).path
    return urlparse(response.location or "").path == login_path


def failed_api_login(response: Response) -> bool:
    """The API login answers 401 for wrong credentials and 400 for overlong ones (both count),
    400 for a malformed body: not a password guess, so not counted (a client sending broken
    requests would otherwise lock everyone behind its address out)."""
    return response.status_code >= 400 and not g.get("onewindow_malformed_login")


def lockout(error: RateLimitExceeded):
    """A translated answer for a client that is locked out."""
    seconds = error.limit.limit.get_expiry() if error.limit else 60
    message = gettext(
        "Too many failed logins from your address. Try again in %(minutes)d minutes.",
        minutes=max(1, math.ceil(seconds / 60)),
    )
    log.warning("login rate limit reached for %s on %s", request.remote_addr, request.path)
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(message=message), 429
    return render_page(message), 429


def render_page(message: str) -> str:
    """A console page (menu and all) that shows one message."""
    appbuilder = current_app.appbuilder
    return render_template("onewindow/message.html", message=message, appbuilder=appbuilder,
                           base_template=appbuilder.base_template)


def too_large(error: Exception):
    """A translated 413 for a request over ``MAX_CONTENT_LENGTH`` / ``MAX_FORM_MEMORY_SIZE``."""
    message = gettext("The request is too large.")
    if request.path.startswith("/api/"):
        return jsonify(message=message), 413
    return render_page(message), 413


# Longest username and password a login form takes: checked before any password is hashed, so
# a megabyte of "password" costs nothing.
MAX_USERNAME, MAX_PASSWORD = 128, 256


def refuse_overlong_login() -> Any:
    """``before_request`` on the login endpoints: overlong credentials are a failed login."""
    if request.method != "POST" or request.endpoint not in _login_endpoints():
        return None
    data = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "get"):
        return None
    username, password = data.get("username"), data.get("password")
    if (isinstance(username, str) and len(username) > MAX_USERNAME) or (
        isinstance(password, str) and len(password) > MAX_PASSWORD
    ):
        message = gettext("Wrong username or password.")
        if request.path.startswith("/api/"):
            return jsonify(message=message), 400
        return render_page(message), 400
    return None


def _login_endpoints() -> set[str]:
    security = current_app.appbuilder.sm
    found = {f"{security.auth_view.endpoint}.login"} if security.auth_view else set()
    return found | {f"{security.security_api.__name__}.login"}


def init_app(app: Flask) -> None:
    """Apply the login limit to the login form and the API login (after FAB registered them)."""
    app.register_error_handler(RateLimitExceeded, lockout)
    app.register_error_handler(413, too_large)
    app.before_request(refuse_overlong_login)
    rate = app.config.get("ONEWINDOW_LOGIN_RATE_LIMIT")
    if not rate:
        return
    security = app.appbuilder.sm
    limiter = security.limiter
    auth_view = getattr(security, "auth_view", None)
    if auth_view is not None and auth_view.blueprint is not None:
        limiter.limit(rate, methods=["POST"], deduct_when=failed_web_login)(auth_view.blueprint)
    for view in app.appbuilder.baseviews:
        if isinstance(view, security.security_api) and view.blueprint is not None:
            limiter.limit(rate, methods=["POST"], deduct_when=failed_api_login)(view.blueprint)
