"""Extensions bound in :func:`console.create_app`.

Flask-AppBuilder keeps per-app state (its views, menu and security manager) on the AppBuilder
object itself, so unlike a stateless extension it cannot be one module-level singleton shared by
several apps (tests build many): each app gets its own, reachable as ``app.appbuilder`` or
``current_app.appbuilder``.
"""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_wtf.csrf import CSRFProtect

# Every POST carries a CSRF token; with this registered, FAB also refuses deletes and actions
# sent by GET (a link or an image in a hostile page must not delete records).
csrf = CSRFProtect()


def init_appbuilder(app: Flask) -> AppBuilder:
    """A fresh AppBuilder bound to ``app`` (inside its app context), with the console's home
    page in place of FAB's empty index."""
    from console.views.home import HomeView

    appbuilder = AppBuilder(update_perms=False, indexview=HomeView)
    appbuilder.init_app(app, None)
    return appbuilder
