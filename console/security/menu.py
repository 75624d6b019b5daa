"""The navigation menu, rendered once per set of roles, language and change of the security data
instead of asking "may this user see …?" for every entry of every page.

Flask-AppBuilder's navbar checks ``menu_access`` per entry and builds each link on every request.
The same entries are shown to everyone holding the same roles, so the rendered menu is kept per
(security stamp, role ids, language, script root): a grant or a withdrawal changes the stamp (see
``console.security.catalogue``) and so the menu of the very next request. Each entry is still
decided by the security manager's own ``has_access``, as FAB's ``is_menu_visible`` does; a caller
authenticated another way than a browser session (an API key, a token) is never cached.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

_lock = threading.Lock()


def _cache(app: Flask) -> dict[str, Any]:
    return app.extensions.setdefault("onewindow.menus", {"stamp": None, "menus": {}})


def _key(sm) -> tuple | None:
    """What the menu shown to the current caller depends on; None when it cannot be cached."""
    if getattr(g, "_api_key_user", False):
        return None
    user = current_user._get_current_object()
    if user.is_authenticated:
        if not user.is_active:
            return None
    elif request.headers.get("Authorization"):
        return None  # a token's user: FAB's check may read it, not the session
    catalogue_now = sm._catalogue()
    return (catalogue_now.stamp, tuple(sm._user_role_ids(user)), str(get_locale()),
            request.script_root)


def _visible(sm, items) -> list[tuple[Any, list | None]]:
    """The entries the caller may see, with the visible children of a category (None for a
    plain link; "-" for a divider, kept unless it ends the category, as FAB draws them)."""
    shown = []
    for item in items:
        if not sm.has_access("menu_access", item.name):
            continue
        if not item.childs:
            shown.append((item, None))
            continue
        children = []
        for index, child in enumerate(item.childs):
            if not child:
                continue
            if child.name == "-":
                if index < len(item.childs) - 1:
                    children.append("-")
            elif sm.has_access("menu_access", child.name):
                children.append(child)
        shown.append((item, children))
    return shown


def menu_html() -> Markup:
    """The menu's ``<li>`` entries for the current caller (a Jinja global)."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    key = _key(sm)
    cache = _cache(current_app)
    if key is not None:
        found = cache["menus"].get(key)
        if found is not None:
            return found
    html = Markup(render_template("onewindow/_menu.html",
                                  entries=_visible(sm, appbuilder.menu.get_list())))
    if key is not None:
        with _lock:
            if cache["stamp"] != key[0]:  # the security data changed: older menus are obsolete
                cache["stamp"], cache["menus"] = key[0], {}
            cache["menus"][key] = html
    return html


def init_app(app: Flask) -> None:
    app.jinja_env.globals["onewindow_menu"] = menu_html
