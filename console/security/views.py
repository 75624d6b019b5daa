"""Flask-AppBuilder's security screens, adjusted to documents.

Each is a subclass of FAB's screen with FAB's class name, so permission names ("can_list on
UserDBModelView"), endpoints and exported roles stay those of any FAB application, and FAB's own
classes are never modified (the manager gives datamodels to these, not to FAB's)."""

from __future__ import annotations

import datetime
from typing import Any

from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import views as fab
from flask_babel import lazy_gettext

from console.datamodel.views import SafeRoutesMixin

from .models import User, current_user_or_none


class _AuditedUserMixin:
    """Stamps who changed a user and when (FAB's SQL view writes ``changed_by_fk``)."""

    def pre_update(self, item: User) -> None:
        item.changed_on = datetime.datetime.now()
        item.changed_by = current_user_or_none()


class UserDBModelView(SafeRoutesMixin, _AuditedUserMixin, fab.UserDBModelView):
    """Users signing in with a password kept here."""


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


class RoleModelView(SafeRoutesMixin, fab.RoleModelView):
    """Roles and the permissions they grant."""


class PermissionModelView(SafeRoutesMixin, fab.PermissionModelView):
    """Base permissions (read-only list)."""


class ViewMenuModelView(SafeRoutesMixin, fab.ViewMenuModelView):
    """Views and menus (read-only list)."""


class PermissionViewModelView(SafeRoutesMixin, fab.PermissionViewModelView):
    """Permissions on views and menus (read-only list)."""


class RegisterUserModelView(SafeRoutesMixin, fab.RegisterUserModelView):
    """Pending self-registrations."""


class UserStatsChartView(fab.UserStatsChartView):
    """Login counts per user."""

    @expose("/chart/<group_by>")
    @expose("/chart/")
    @has_access
    def chart(self, group_by: str = "0") -> Any:
        # FAB reads the chart number with a bare int(): anything else is a 404, not a 500.
        if not str(group_by).isdigit() or int(group_by) >= len(self.definitions):
            abort(404)
        return super().chart(int(group_by))
