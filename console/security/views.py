"""Flask-AppBuilder's security screens, adjusted to documents: subclasses only, so FAB's own
classes stay untouched and every screen keeps FAB's templates, labels and permissions."""

from __future__ import annotations

import datetime

from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    RegisterUserModelView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserLDAPModelView,
    UserOAuthModelView,
    UserRemoteUserModelView,
    UserSAMLModelView,
    UserStatsChartView,
    ViewMenuModelView,
)
from flask_babel import lazy_gettext

from .models import User, current_user_or_none


class _AuditedUserMixin:
    """Stamps who changed a user and when (FAB's SQL view writes ``changed_by_fk``)."""

    def pre_update(self, item: User) -> None:
        item.changed_on = datetime.datetime.now()
        item.changed_by = current_user_or_none()


class MongoUserDBModelView(_AuditedUserMixin, UserDBModelView):
    """Users signing in with a password kept here."""


class MongoUserLDAPModelView(_AuditedUserMixin, UserLDAPModelView):
    """Users signing in through LDAP."""


class MongoUserOAuthModelView(_AuditedUserMixin, UserOAuthModelView):
    """Users signing in through OAuth."""


class MongoUserRemoteUserModelView(_AuditedUserMixin, UserRemoteUserModelView):
    """Users authenticated by the web server (REMOTE_USER)."""


class MongoUserSAMLModelView(_AuditedUserMixin, UserSAMLModelView):
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


class MongoGroupModelView(UserGroupModelView):
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


class MongoRoleModelView(RoleModelView):
    """Roles and the permissions they grant."""


class MongoPermissionModelView(PermissionModelView):
    """Base permissions (read-only list)."""


class MongoViewMenuModelView(ViewMenuModelView):
    """Views and menus (read-only list)."""


class MongoPermissionViewModelView(PermissionViewModelView):
    """Permissions on views and menus (read-only list)."""


class MongoRegisterUserModelView(RegisterUserModelView):
    """Pending self-registrations."""


class MongoUserStatsChartView(UserStatsChartView):
    """Login counts per user."""
