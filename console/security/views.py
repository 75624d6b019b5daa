"""Flask-AppBuilder's security screens, adjusted to documents.

Each is a subclass of FAB's screen with FAB's class name, so permission names ("can_list on
UserDBModelView"), endpoints and exported roles stay those of any FAB application, and FAB's own
classes are never modified (the manager gives datamodels to these, not to FAB's)."""

from __future__ import annotations

import datetime
import logging
from typing import Any
from urllib.parse import urlparse

from flask import current_app, g, has_request_context, request, session
from flask_appbuilder import expose
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_appbuilder.security import api as fab_api
from flask_appbuilder.security import views as fab
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.widgets import ShowWidget
from flask_babel import gettext, lazy_gettext
from wtforms import SelectField, StringField, validators

from console.datamodel.formatters import as_list, text, yes_no
from console.datamodel.views import SafeRoutesMixin
from console.roles import ROLE_LABELS

from . import labels
from .models import Permission, PermissionView, User, ViewMenu, current_user_or_none


def _role_names(roles) -> object:
    """Roles by their translated label (the stable name when it has none)."""
    return as_list(str(ROLE_LABELS.get(role.name, role.name)) for role in roles or ())


# FAB's security screens print lists and flags as Python does ("[Admin]", "True", "None").
_SHOWN = {
    "roles": _role_names,
    "groups": as_list,
    "permissions": as_list,
    "users": as_list,
    "active": yes_no,
    "created_by": text,
    "changed_by": text,
    "created_on": text,
    "changed_on": text,
    "last_login": text,
    "centre": text,
    "agency": text,
}


def _centre_choices() -> list[tuple[str, str]]:
    from models.centre import ServiceCentre

    centres = [(centre.code, str(centre)) for centre in ServiceCentre.objects.only("code", "name")]
    return [("", str(lazy_gettext("— all centres (super-administrator only) —"))), *centres]


def _centre_field() -> SelectField:
    return SelectField(
        lazy_gettext("Centre"),
        choices=_centre_choices,
        default="",
        # Checked in _require_centre, so an edit that does not post the field keeps working.
        validate_choice=False,
        description=lazy_gettext("Every user but the super-administrator works for one centre."),
    )


def _agency_field() -> StringField:
    return StringField(lazy_gettext("Agency code"), validators=[validators.Optional(),
                                                              validators.Length(max=64)],
                       description=lazy_gettext("Back-office approvers: their agency's code."))


def _role_names_of(item: User) -> set[str]:
    names = {role.name for role in item.roles or [] if role is not None}
    for group in item.groups or []:
        names |= {role.name for role in getattr(group, "roles", None) or [] if role is not None}
    return names


class _AuditedUserMixin:
    """Stamps who changed a user and when (FAB's SQL view writes ``changed_by_fk``), and
    refuses a centre role without a centre: tenancy never reads "no centre" as "all centres"."""

    def pre_add(self, item: User) -> None:
        self._require_centre(item)
        super().pre_add(item)  # FAB hashes the password here

    formatters_columns = _SHOWN

    def pre_update(self, item: User) -> None:
        self._require_centre(item)
        super().pre_update(item)
        item.changed_on = datetime.datetime.now()
        item.changed_by = current_user_or_none()

    @staticmethod
    def _require_centre(item: User) -> None:
        item.centre = item.centre or None
        item.agency = item.agency or None
        admin = current_app.config.get("AUTH_ROLE_ADMIN", "Admin")
        others = _role_names_of(item) - {admin}
        if item.centre:
            from models.centre import ServiceCentre

            if not ServiceCentre.objects(code=item.centre).only("id").first():
                raise ValueError(gettext("There is no service centre with code %(code)s.",
                                         code=item.centre))
        if others and not item.centre:
            raise ValueError(gettext("Role %(roles)s needs a centre: choose the user's centre.",
                                     roles=", ".join(sorted(others))))


class UserDBModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserDBModelView):
    """Users signing in with a password kept here, with the centre (and agency) they work for."""

    list_columns = [*fab.UserDBModelView.list_columns, "centre"]
    add_columns = [*fab.UserDBModelView.add_columns[:-2], "centre", "agency",
                   *fab.UserDBModelView.add_columns[-2:]]
    edit_columns = [*fab.UserDBModelView.edit_columns, "centre", "agency"]
    show_fieldsets = [
        (name, {**spec, "fields": [*spec["fields"], "centre", "agency"]} if index == 0 else spec)
        for index, (name, spec) in enumerate(fab.UserDBModelView.show_fieldsets)
    ]
    add_form_extra_fields = {**fab.UserDBModelView.add_form_extra_fields,
                             "centre": _centre_field(), "agency": _agency_field()}
    edit_form_extra_fields = {"centre": _centre_field(), "agency": _agency_field()}
    label_columns = {**fab.UserDBModelView.label_columns,
                     "centre": lazy_gettext("Centre"), "agency": lazy_gettext("Agency code")}


class UserLDAPModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserLDAPModelView):
    """Users signing in through LDAP."""


class UserOAuthModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserOAuthModelView):
    """Users signing in through OAuth."""


class UserRemoteUserModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserRemoteUserModelView):
    """Users authenticated by the web server (REMOTE_USER)."""


class UserSAMLModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserSAMLModelView):
    """Users signing in through SAML."""


def _all_users():
    return User.objects.order_by("username")


def _user_label(user: User) -> str:
    return f"{user.username} ({user.get_full_name()})"


def _members_field() -> QuerySelectMultipleField:
    return QuerySelectMultipleField(
        lazy_gettext("Users"),
        query_func=_all_users,
        get_pk_func=lambda user: str(user.pk),
        get_label=_user_label,
        widget=Select2ManyWidget(),
    )


class UserGroupModelView(SafeRoutesMixin, fab.UserGroupModelView):
    """Groups. Membership is stored on each user (``User.groups``); the "Users" box here writes
    through to those users when the group is saved (see ``Group.users``)."""

    label_columns = {
        "name": lazy_gettext("Name"),
        "label": lazy_gettext("Label"),
        "description": lazy_gettext("Description"),
        "users": lazy_gettext("Users"),
        "roles": lazy_gettext("Roles"),
    }
    add_form_extra_fields = {"users": _members_field()}
    edit_form_extra_fields = {"users": _members_field()}
    formatters_columns = _SHOWN


def _grants_shown(values) -> object:
    """A role's grants in the reader's words ("添加 · 办件"), one per line."""
    return as_list(labels.permission_view_label(pv) for pv in values or ())


def _all_grants() -> list[PermissionView]:
    grants = [pv for pv in PermissionView.objects.select_related(max_depth=1)
              if isinstance(pv.permission, Permission) and isinstance(pv.view_menu, ViewMenu)]
    # By view, then permission, as the reader reads them: a view's grants side by side.
    return sorted(grants, key=lambda pv: (labels.view_menu_label(pv.view_menu.name),
                                          labels.permission_label(pv.permission.name)))


def _grants_field() -> QuerySelectMultipleField:
    return QuerySelectMultipleField(
        lazy_gettext("Permissions"),
        query_func=_all_grants,
        get_pk_func=lambda pv: str(pv.pk),
        get_label=labels.permission_view_label,
        widget=Select2ManyWidget(),
    )


def _select_field(label: Any, document: type, shown: Any) -> QuerySelectField:
    return QuerySelectField(
        label,
        query_func=lambda: sorted(document.objects, key=lambda row: shown(row.name)),
        get_pk_func=lambda row: str(row.pk),
        get_label=lambda row: shown(row.name),
        widget=Select2Widget(),
    )


class RoleListWidget(fab.RoleListWidget):
    """FAB's role list, each column through its formatter."""

    template = "onewindow/security/roles_list.html"


class RoleModelView(SafeRoutesMixin, fab.RoleModelView):
    """Roles and the permissions they grant, named in the reader's language (stored by FAB's
    names: "can_add" on "CaseView" shows as "添加 · 办件")."""

    list_widget = RoleListWidget
    # FAB's role page prints the raw values; the generic page applies the formatters.
    show_widget = ShowWidget
    formatters_columns = {**_SHOWN, "permissions": _grants_shown}
    add_form_extra_fields = {"permissions": _grants_field()}
    edit_form_extra_fields = {"permissions": _grants_field()}
    search_form_extra_fields = {"permissions": _grants_field()}


class PermissionModelView(SafeRoutesMixin, fab.PermissionModelView):
    """Base permissions (read-only list), named in the reader's language."""

    formatters_columns = {"name": labels.permission_label}


class ViewMenuModelView(SafeRoutesMixin, fab.ViewMenuModelView):
    """Views and menus (read-only list), named in the reader's language."""

    formatters_columns = {"name": labels.view_menu_label}


class PermissionViewModelView(SafeRoutesMixin, fab.PermissionViewModelView):
    """Permissions on views and menus (read-only list), named in the reader's language."""

    formatters_columns = {
        "permission": lambda value: labels.permission_label(getattr(value, "name", value)),
        "view_menu": lambda value: labels.view_menu_label(getattr(value, "name", value)),
    }
    search_form_extra_fields = {
        "permission": _select_field(lazy_gettext("Permission"), Permission,
                                    labels.permission_label),
        "view_menu": _select_field(lazy_gettext("View/Menu"), ViewMenu, labels.view_menu_label),
    }


class RegisterUserModelView(SafeRoutesMixin, fab.RegisterUserModelView):
    """Pending self-registrations."""


class _NoTargetIsNotInvalid(logging.Filter):
    """FAB's login asks ``get_safe_redirect`` about the ``next`` argument even when there is
    none, and logs "Invalid redirect detected" at warning level for every ordinary login
    (the user lands on the home page, as meant). Only a ``next`` that was given and refused
    is worth that warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context() or record.getMessage() != _INVALID_REDIRECT:
            return True
        return bool(request.args.get("next"))


_INVALID_REDIRECT = "Invalid redirect detected, falling back to index"
_QUIET = _NoTargetIsNotInvalid()


def quiet_missing_redirects() -> None:
    """Install the filter above on FAB's logger (once, however many apps are made)."""
    logger = logging.getLogger("flask_appbuilder.utils.base")
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


# The session key holding the username of the last failed password login, until the form is
# shown again.
_TYPED_USERNAME = "onewindow_login_username"


class _WithoutAutofocus:
    """A field's widget, drawn without the ``autofocus`` a template asks for."""

    def __init__(self, widget: Any) -> None:
        self.widget = widget

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs.pop("autofocus", None)
        return self.widget(field, **kwargs)


class AuthDBView(fab.AuthDBView):
    """FAB's password login. After a failed attempt the form comes back with the username that
    was typed (never the password), whether that login exists or not, so a mistyped password
    costs the password only. FAB's redirect back to the form stays: the rate limit counts it
    as a failure, and a locked-out address is refused before this view runs."""

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self) -> Any:
        # Kept for this request only (the view object is shared by every request).
        g.onewindow_typed_username = session.pop(_TYPED_USERNAME, None)
        response = super().login()
        if request.method == "POST" and self._back_to_the_form(response):
            from console.limits import MAX_USERNAME

            username = request.form.get("username", "")
            if isinstance(username, str) and username.strip():
                session[_TYPED_USERNAME] = username[:MAX_USERNAME]
        return response

    def render_template(self, template: str, **kwargs: Any) -> Any:
        form = kwargs.get("form")
        typed = g.get("onewindow_typed_username")
        if request.method == "GET" and typed and form is not None and not form.username.data:
            form.username.data = typed
            # The cursor goes where the typing resumes: FAB's template autofocuses the username.
            form.username.widget = _WithoutAutofocus(form.username.widget)
            form.password.render_kw = {**(form.password.render_kw or {}), "autofocus": True}
        return super().render_template(template, **kwargs)

    def _back_to_the_form(self, response: Any) -> bool:
        """FAB answers wrong credentials with a redirect to the login form."""
        location = getattr(response, "location", None)
        if getattr(response, "status_code", None) != 302 or not location:
            return False
        return urlparse(location).path == urlparse(self.appbuilder.get_url_for_login).path


class SecurityApi(fab_api.SecurityApi):
    """FAB's JWT login and refresh; a login while the database is down is a translated 503
    (FAB's ``@safe`` would turn the lost connection into a 500 "Fatal error")."""

    @expose("/login", methods=["POST"])
    def login(self) -> Any:
        from console import storage

        if not storage.ping():
            return self.response(503, message=gettext(
                "The database cannot be reached right now. Please try again in a moment."))
        body = request.get_json(silent=True) if request.is_json else None
        errors = malformed_login(body)
        if errors:
            # Not a password guess: the login limit does not count it (console.limits).
            g.onewindow_malformed_login = True
            return self.response(400, message=errors)
        return super().login()


_LOGIN_FIELDS = {"username", "password", "provider", "refresh"}


def malformed_login(body: Any) -> dict[str, list[str]]:
    """What is wrong with the shape of an API login body (nothing when it is a proper guess):
    a JSON object with a username and a password as text and the provider "db"."""
    if not isinstance(body, dict):
        return {"body": [gettext(
            "Send the login as a JSON object with a username, a password and the provider "
            "\"db\".")]}
    errors: dict[str, list[str]] = {}
    for field, message in (("username", gettext("Give the username as text.")),
                           ("password", gettext("Give the password as text."))):
        value = body.get(field)
        if not isinstance(value, str) or not value:
            errors[field] = [message]
    if body.get("provider") != current_app.appbuilder.sm.auth_type_provider_name:
        # FAB's schema leaves it optional, then reads it unguarded: a KeyError, a 500.
        errors["provider"] = [gettext("Name the login provider: \"db\".")]
    if "refresh" in body and not isinstance(body["refresh"], bool):
        errors["refresh"] = [gettext("\"refresh\" is true or false.")]
    for field in sorted(set(map(str, body)) - _LOGIN_FIELDS):
        errors[field] = [gettext("Unknown field.")]
    return errors
