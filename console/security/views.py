"""Flask-AppBuilder's security screens, adjusted to documents.

Each is a subclass of FAB's screen with FAB's class name, so permission names ("can_list on
UserDBModelView"), endpoints and exported roles stay those of any FAB application, and FAB's own
classes are never modified (the manager gives datamodels to these, not to FAB's)."""

from __future__ import annotations

import datetime

from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import views as fab
from flask_babel import lazy_gettext

from console.datamodel.formatters import as_list, text, yes_no
from console.roles import ROLE_LABELS

from .models import User, current_user_or_none


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
}


class _AuditedUserMixin:
    """Stamps who changed a user and when (FAB's SQL view writes ``changed_by_fk``)."""

    formatters_columns = _SHOWN

    def pre_update(self, item: User) -> None:
        item.changed_on = datetime.datetime.now()
        item.changed_by = current_user_or_none()


class UserDBModelView(_AuditedUserMixin, fab.UserDBModelView):
    """Users signing in with a password kept here."""


class UserLDAPModelView(_AuditedUserMixin, fab.UserLDAPModelView):
    """Users signing in through LDAP."""


class UserOAuthModelView(_AuditedUserMixin, fab.UserOAuthModelView):
    """Users signing in through OAuth."""


class UserRemoteUserModelView(_AuditedUserMixin, fab.UserRemoteUserModelView):
    """Users authenticated by the web server (REMOTE_USER)."""


class UserSAMLModelView(_AuditedUserMixin, fab.UserSAMLModelView):
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


class UserGroupModelView(fab.UserGroupModelView):
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


class RoleModelView(fab.RoleModelView):
    """Roles and the permissions they grant."""

    formatters_columns = _SHOWN


class PermissionModelView(fab.PermissionModelView):
    """Base permissions (read-only list)."""


class ViewMenuModelView(fab.ViewMenuModelView):
    """Views and menus (read-only list)."""


class PermissionViewModelView(fab.PermissionViewModelView):
    """Permissions on views and menus (read-only list)."""


class RegisterUserModelView(fab.RegisterUserModelView):
    """Pending self-registrations."""


class UserStatsChartView(fab.UserStatsChartView):
    """Login counts per user."""

    # FAB gives the two charts and most search columns English names that are never translated.
    definitions = [
        {"label": lazy_gettext("Login count"), "group": "username", "series": ["login_count"]},
        {"label": lazy_gettext("Failed login count"), "group": "username",
         "series": ["fail_login_count"]},
    ]
    label_columns_given = {
        "first_name": lazy_gettext("First Name"),
        "last_name": lazy_gettext("Last Name"),
        "email": lazy_gettext("Email"),
        "active": lazy_gettext("Is Active?"),
        "roles": lazy_gettext("Roles"),
        "groups": lazy_gettext("Groups"),
        "created_on": lazy_gettext("Created on"),
        "changed_on": lazy_gettext("Changed on"),
        "last_login": lazy_gettext("Last login"),
        "username": lazy_gettext("User Name"),
        "login_count": lazy_gettext("Login count"),
        "fail_login_count": lazy_gettext("Failed login count"),
    }
    label_columns = {**fab.UserStatsChartView.label_columns, **label_columns_given}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # FAB overwrites the labels of the charted series with prettified English names.
        for definition in self.definitions:
            for serie in definition["series"]:
                self.label_columns[serie] = type(self).label_columns_given[serie]
