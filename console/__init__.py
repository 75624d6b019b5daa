"""onewindow: the console a government service centre runs its one-window service on."""

from __future__ import annotations

from collections.abc import Mapping
import datetime
import gc
from importlib import metadata
from typing import Any

from flask import Flask

# console.limits registers the "onewindow://" rate-limit storage before FAB's limiter needs it.
from console import (
    audit,
    checks,
    cli,
    guards,
    headers,
    health,
    limits,
    locale_switch,
    settings,
    storage,
    ui,
)
from console.extensions import csrf, init_appbuilder

try:
    __version__ = metadata.version("onewindow")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the console: settings, storage, Flask-AppBuilder and every screen."""
    app = Flask(__name__, instance_relative_config=True)
    settings.load(app, config)
    app.config["ONEWINDOW_VERSION"] = __version__
    storage.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    health.init_app(app)
    ui.init_app(app)
    cli.init_app(app)
    with app.app_context():
        appbuilder = init_appbuilder(app)
        ui.keep_locales(app)
        ui.keep_translations(app)
        from console.security import menu, sessions
        from console.views import register_views

        register_views(appbuilder)
        # Every model is imported by now: indexes come from `onewindow init`, not first use.
        storage.manual_indexes()
        audit.init_app(app)
        sessions.init_app(app)
        menu.init_app(app)
        guards.init_app(app)
        limits.init_app(app)
        checks.init_app(app)
        locale_switch.init_app(app)
    # Next year's calendar comes from the `holidays` package, whose first use imports some 280
    # modules (~0.4 s): paid while starting, not by the first request every page's deadlines need.
    from models.workdays import computed_year

    computed_year(datetime.date.today().year + 1)
    if app.config.get("ONEWINDOW_GC_FREEZE", not app.testing):
        settle_after_start()
    return app


def settle_after_start() -> None:
    """Collect once and freeze what starting built (FAB, MongoEngine, templates live as long as
    the process): otherwise the first full collection, ~100 ms over those objects, lands on the
    first page a user opens after a restart, and every later one scans them again."""
    gc.collect()
    gc.freeze()
