"""How the super-administrator's screens name permissions, views and menus: in the reader's
language ("添加 · 办件"), while the names stored (and exported, and matched by ``console.roles``)
stay Flask-AppBuilder's ("can_add", "CaseView").

A view-menu is labelled from the application itself: a menu entry by its label, a view by its
menu entry, else its own ``permission_label`` or title (``list_title``, ``form_title``); FAB's
own views by a short list here. So a new
screen is named by what it declares, and ``tests/test_security_labels.py`` fails for one that
declares nothing. Permission names are FAB's small vocabulary plus the console's own, listed here.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

# Every permission name FAB or the console grants, by what it lets a user do.
PERMISSION_LABELS: dict[str, Any] = {
    # FAB's screens and APIs.
    "can_list": _l("List"),
    "can_show": _l("View"),
    "can_add": _l("Add"),
    "can_edit": _l("Edit"),
    "can_delete": _l("Delete"),
    "can_download": _l("Download"),
    "menu_access": _l("Menu entry"),
    "can_this_form_get": _l("Open the form"),
    "can_this_form_post": _l("Submit the form"),
    "can_userinfo": _l("Own profile"),
    "userinfoedit": _l("Edit own profile"),
    "resetmypassword": _l("Change own password"),
    "resetpasswords": _l("Reset passwords"),
    "copyrole": _l("Copy roles"),
    "can_get": _l("Read"),
    "can_post": _l("Write"),
    "can_put": _l("Change"),
    "can_info": _l("Describe"),
    # The console's own screens.
    "can_act": _l("Act on cases"),
    "can_case": _l("Case papers"),
    "can_cases": _l("Cases"),
    "can_complaints": _l("Complaints"),
    "can_export": _l("Export"),
    "can_index": _l("Open the page"),
    "can_item": _l("Item papers"),
    "can_items": _l("Service items"),
    "can_late": _l("Late tolerated materials"),
    "can_lists": _l("Configuration lists"),
    "can_load": _l("Load"),
    "can_queue": _l("Work queue"),
    "can_reveal": _l("Show full personal data"),
    "can_rosters": _l("Rosters"),
    "can_staff": _l("Staff"),
    "can_week": _l("Week roster"),
    "can_windows": _l("Windows"),
}

# Flask-AppBuilder's own views, whose menu entries and titles ("List Users", "Reset Password
# Form") name a page rather than what is granted.
FAB_VIEW_LABELS: dict[str, Any] = {
    "AuthDBView": _l("Sign-in"),
    "LocaleView": _l("Language switch"),
    "UtilView": _l("Back button"),
    "MenuApi": _l("Menu (API)"),
    "OpenApi": _l("API description"),
    "SwaggerView": _l("API browser"),
    "SecurityApi": _l("Sign-in (API)"),
    "UserDBModelView": _l("Users"),
    "RoleModelView": _l("Roles"),
    "UserGroupModelView": _l("Groups"),
    "UserInfoEditView": _l("Edit own profile"),
    "ResetMyPasswordView": _l("Change own password"),
    "ResetPasswordView": _l("Reset passwords"),
}


def _menu_labels(items: list, found: dict[str, Any], by_view: dict[int, Any]) -> None:
    for item in items:
        if not item or item.name == "-":
            continue
        if item.label:
            found.setdefault(item.name, item.label)
            if item.baseview is not None:
                by_view.setdefault(id(item.baseview), item.label)
        _menu_labels(item.childs or [], found, by_view)


def _own_title(view: Any) -> Any:
    """A title the view's class declares (FAB's default "List Xyz" is not one)."""
    for attribute in ("permission_label", "list_title", "form_title", "chart_title"):
        value = getattr(type(view), attribute, None)
        if value:
            return value
    return None


def view_menu_labels() -> dict[str, Any]:
    """View-menu name → its label (lazy strings: shown in the language of each request);
    built once per app from its menu and views."""
    cache = current_app.extensions.setdefault("onewindow.view_menu_labels", {})
    if cache:
        return cache
    appbuilder = current_app.appbuilder
    by_view: dict[int, Any] = {}
    labels: dict[str, Any] = {}
    _menu_labels(appbuilder.menu.get_list(), labels, by_view)
    for view in appbuilder.baseviews:
        name = getattr(view, "class_permission_name", None) or type(view).__name__
        label = FAB_VIEW_LABELS.get(name) or by_view.get(id(view)) or _own_title(view)
        if label:
            labels.setdefault(name, label)
        # A view that renamed its permissions still answers to its class name in old grants.
        for old in getattr(view, "previous_class_permission_name", None) or ():
            labels.setdefault(old, labels.get(name))
    cache.update(labels)
    return cache


def permission_label(name: Any) -> str:
    """A permission name ("can_add") as the reader's words; the name itself when unknown."""
    name = str(name or "")
    label = PERMISSION_LABELS.get(name)
    return str(label) if label else name


def view_menu_label(name: Any) -> str:
    """A view or menu name ("CaseView", "Case work") as the reader's words."""
    name = str(name or "")
    label = view_menu_labels().get(name)
    return str(label) if label else name


def permission_view_label(permission_view: Any) -> str:
    """One grant as "permission · view" ("添加 · 办件"). The names come from the request's
    security catalogue, so a role's fifty grants cost no read of their own."""
    if permission_view is None:
        return ""
    pair = current_app.appbuilder.sm._catalogue().pair_of(getattr(permission_view, "pk", None))
    if pair is None:  # written since this request read the catalogue
        pair = (getattr(permission_view.permission, "name", None),
                getattr(permission_view.view_menu, "name", None))
    return f"{permission_label(pair[0])} · {view_menu_label(pair[1])}"
