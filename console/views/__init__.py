"""Every screen and API of the console, registered in one place."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    """Add all views, menus and APIs to ``appbuilder``."""
