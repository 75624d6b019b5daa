"""onewindow: the console a government service centre runs its one-window service on."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import metadata
from typing import Any

from flask import Flask

from console import cli, health, settings, storage, ui
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
    health.init_app(app)
    ui.init_app(app)
    cli.init_app(app)
    with app.app_context():
        appbuilder = init_appbuilder(app)
        from console.views import register_views

        register_views(appbuilder)
    return app
