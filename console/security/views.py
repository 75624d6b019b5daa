"""Flask-AppBuilder's security screens, adjusted to documents.

Each is a subclass of FAB's screen with FAB's class name, so permission names ("can_list on
UserDBModelView"), endpoints and exported roles stay those of any FAB application, and FAB's own
classes are never modified (the manager gives datamodels to these, not to FAB's)."""

from __future__ import annotations

import datetime
from typing import Any

from flask import abort, current_app
from flask_appbuilder import expose, has_access
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import api as fab_api
from flask_appbuilder.security import views as fab
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import gettext, lazy_gettext
from wtforms import SelectField, StringField, validators

from console.datamodel.formatters import as_list, text, yes_no
from console.datamodel.views import SafeRoutesMixin
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


class RoleModelView(SafeRoutesMixin, fab.RoleModelView):
    """Roles and the permissions they grant."""

    formatters_columns = _SHOWN


class PermissionModelView(SafeRoutesMixin, fab.PermissionModelView):
    """Base permissions (read-only list)."""


class ViewMenuModelView(SafeRoutesMixin, fab.ViewMenuModelView):
    """Views and menus (read-only list)."""


class PermissionViewModelView(SafeRoutesMixin, fab.PermissionViewModelView):
    """Permissions on views and menus (read-only list)."""


class RegisterUserModelView(SafeRoutesMixin, fab.RegisterUserModelView):
    """Pending self-registrations."""


class EChartsWidget(RenderTemplateWidget):
    """Flask-AppBuilder's chart data (Google's DataTable shape: ``cols`` and ``rows``) drawn as
    bars by the Apache ECharts build that ships in the package, not by Google Charts."""

    template = "onewindow/widgets/echarts_chart.html"

    def __call__(self, **kwargs) -> Any:
        args = {**self.template_args, **kwargs}
        table = args.get("value_columns") or {}
        columns = table.get("cols") or []
        rows = [[cell.get("v") for cell in row.get("c", [])] for row in table.get("rows") or []]
        option = {
            "title": {"text": str(args.get("chart_title") or ""), "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"}, "legend": {"top": 24},
            "grid": {"top": 64, "left": 48, "right": 16, "bottom": 48},
            "xAxis": {"type": "category", "data": [str(row[0]) for row in rows if row]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"name": str(column.get("label") or ""), "type": "bar",
                        "data": [row[index] if index < len(row) else 0 for row in rows]}
                       for index, column in enumerate(columns) if index],
        }
        return super().__call__(option=option, **kwargs)


class UserStatsChartView(fab.UserStatsChartView):
    """Login counts per user."""

    chart_widget = EChartsWidget

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

    @expose("/chart/<group_by>")
    @expose("/chart/")
    @has_access
    def chart(self, group_by: str = "0") -> Any:
        # FAB reads the chart number with a bare int(): anything else is a 404, not a 500.
        if not str(group_by).isdigit() or int(group_by) >= len(self.definitions):
            abort(404)
        return super().chart(int(group_by))


class SecurityApi(fab_api.SecurityApi):
    """FAB's JWT login and refresh; a login while the database is down is a translated 503
    (FAB's ``@safe`` would turn the lost connection into a 500 "Fatal error")."""

    @expose("/login", methods=["POST"])
    def login(self) -> Any:
        from console import storage

        if not storage.ping():
            return self.response(503, message=gettext(
                "The database cannot be reached right now. Please try again in a moment."))
        return super().login()
