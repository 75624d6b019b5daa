"""Loading settings: defaults, then the instance config file, then ``ONEWINDOW_*`` environment
variables, then the mapping handed to the factory (tests)."""

from __future__ import annotations

from collections.abc import Mapping
import json
import os
import secrets
from typing import Any

from flask import Flask

ENV_PREFIX = "ONEWINDOW"
INSTANCE_CONFIG_FILE = "onewindow.cfg"
SECRET_KEY_FILE = "secret_key"


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order of precedence."""
    app.config.from_object("console.config")
    app.config.from_pyfile(INSTANCE_CONFIG_FILE, silent=True)
    _load_environment(app)
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)


def _load_environment(app: Flask) -> None:
    """``ONEWINDOW_SECRET_KEY`` sets ``SECRET_KEY``; our own settings keep their full name, so
    ``ONEWINDOW_MONGODB_URI`` sets ``ONEWINDOW_MONGODB_URI``."""
    own = {key for key in app.config if key.startswith(ENV_PREFIX + "_")}
    for name in list(os.environ):
        if name in own:
            app.config[name] = _parse(os.environ[name])
    app.config.from_prefixed_env(ENV_PREFIX)
    for name in own:
        # from_prefixed_env also stored MONGODB_URI for ONEWINDOW_MONGODB_URI: drop the copy.
        app.config.pop(name[len(ENV_PREFIX) + 1 :], None)


def _parse(value: str) -> Any:
    """JSON where the text is JSON (numbers, true/false, objects), else the text, as Flask's
    ``from_prefixed_env`` does."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _instance_secret_key(app: Flask) -> str:
    """A key kept in the instance folder, so sessions survive restarts and workers share it."""
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, SECRET_KEY_FILE)
    try:
        with open(path, encoding="ascii") as handle:
            key = handle.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    # Written under a temporary name and linked into place, so two workers starting together
    # end up with the same key and nobody reads a half-written file.
    key = secrets.token_hex(32)
    temporary = f"{path}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    try:
        os.link(temporary, path)
    except FileExistsError:
        with open(path, encoding="ascii") as handle:
            key = handle.read().strip()
    finally:
        os.unlink(temporary)
    return key
