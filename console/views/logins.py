"""The logins screen: a centre administrator manages their own centre's logins (username, staff
member, role, agency, active), only with the centre roles and never the super-administrator's;
the super-administrator manages every centre's."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from console import roles
from console.accounts import AccountError, NewLogin, check, create_login
from console.security.models import User
from forms.validators import mask_phone
from models.agency import Agency
from models.centre import ServiceCentre
from models.staff import StaffMember

ROLES_WITH_AGENCY = (roles.APPROVER, roles.AGENCY_SYSTEM)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l(
            "Letters, digits, dot, dash and underscore only."))])
    centre = SelectField(_l("Centre"), choices=[])
    staff = SelectField(_l("Staff member"), choices=[])
    role = SelectField(_l("Role"), choices=[])
    agency = SelectField(_l("Agency (approvers, agency systems)"), choices=[])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=128)])


def _my_centre() -> str | None:
    """The administrator's centre; None for the super-administrator (every centre)."""
    return getattr(current_user, "centre", None) or None


def _manageable(user: User) -> bool:
    centre = _my_centre()
    names = {role.name for role in user.roles}
    if centre is None:
        return True
    return user.centre == centre and bool(names) and names <= set(roles.CENTRE_ROLES)


def _staff_by_username(username: str) -> StaffMember | None:
    return StaffMember.objects(username=username).first() if username else None


class LoginsView(BaseView):
    """The centre's logins: list, add, edit (deactivate rather than delete: the timeline keeps
    the names)."""

    route_base = "/logins"
    default_view = "list"

    def _form(self, centre: str | None, data: dict | None = None) -> LoginForm:
        form = LoginForm(data=data) if data is not None else LoginForm()
        centres = ([centre] if centre else
                   [c.code for c in ServiceCentre.objects.only("code").order_by("code")])
        chosen = (form.centre.data or centres[0]) if centres else None
        form.centre.choices = [(code, code) for code in centres]
        form.staff.choices = [("", "—")] + [
            (str(s.pk), f"{s.name}（{mask_phone(s.phone)}）")
            for s in StaffMember.objects(centre=chosen).only("name", "phone").order_by("name")]
        form.role.choices = [(name, str(roles.ROLE_LABELS[name])) for name in roles.CENTRE_ROLES]
        form.agency.choices = [("", "—")] + [
            (a.code, f"{a.code} {a.name}")
            for a in Agency.objects(centre__in=[chosen, None]).only("code", "name")
            .order_by("code")]
        return form

    @expose("/")
    @has_access
    def list(self):
        centre = _my_centre()
        query = User.objects(centre=centre) if centre else User.objects  # index (centre, …)
        users = [u for u in query.order_by("username") if _manageable(u)]
        staff = {s.username: s.name for s in StaffMember.objects(
            username__in=[u.username for u in users]).only("username", "name")}
        return self.render_template("onewindow/logins/list.html", title=_l("Logins"),
                                    users=users, staff=staff, labels=roles.ROLE_LABELS)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        centre = _my_centre()
        form = self._form(centre)
        if request.method == "POST" and form.validate():
            if not form.password.data:
                form.password.errors = [gettext("A new login needs a password.")]
            elif self._save_new(form, centre or form.centre.data):
                return redirect(url_for(".list"))
        return self.render_template("onewindow/logins/form.html", title=_l("New login"),
                                    form=form, user=None)

    @expose("/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: str):
        user = User.objects(pk=pk).first() if len(pk) == 24 else None
        if user is None or not _manageable(user):
            abort(404)
        staff = _staff_by_username(user.username)
        data = None if request.method == "POST" else {
            "username": user.username, "centre": user.centre, "active": user.active,
            "role": user.roles[0].name if user.roles else "", "agency": user.agency or "",
            "staff": str(staff.pk) if staff else ""}
        form = self._form(_my_centre() or user.centre, data)
        form.username.data = user.username  # the name in the timeline never changes
        if request.method == "POST" and form.validate() and self._save(user, form):
            return redirect(url_for(".list"))
        return self.render_template("onewindow/logins/form.html", title=_l("Edit login"),
                                    form=form, user=user)

    # --- writing ----------------------------------------------------------------------------

    def _login(self, form: LoginForm, centre: str, staff: StaffMember | None) -> NewLogin:
        role = form.role.data
        if role not in roles.CENTRE_ROLES:
            raise AccountError(gettext("Choose one of the centre's roles."))
        agency = form.agency.data or None
        if agency and role not in ROLES_WITH_AGENCY:
            raise AccountError(gettext("Only approvers and agency systems belong to an agency."))
        name = staff.name if staff else form.username.data
        return NewLogin(username=form.username.data, password=form.password.data or "",
                        email=f"{form.username.data}@{centre.lower()}.onewindow.local",
                        role=role, centre=centre, agency=agency, first_name=name,
                        last_name="-")

    def _staff(self, form: LoginForm, centre: str) -> StaffMember | None:
        if not form.staff.data:
            return None
        staff = StaffMember.objects(pk=form.staff.data, centre=centre).first()
        if staff is None:
            raise AccountError(gettext("Choose a staff member of this centre."))
        return staff

    def _save_new(self, form: LoginForm, centre: str) -> bool:
        try:
            staff = self._staff(form, centre)
            create_login(current_app.appbuilder.sm, self._login(form, centre, staff))
            if staff is not None:
                staff.update(set__username=form.username.data)
        except AccountError as error:
            flash(str(error), "danger")
            return False
        flash(gettext("Login %(name)s created.", name=form.username.data), "success")
        return True

    def _save(self, user: User, form: LoginForm) -> bool:
        security = current_app.appbuilder.sm
        centre = _my_centre() or form.centre.data
        try:
            staff = self._staff(form, centre)
            login = self._login(form, centre, staff)
            check(login)
            role = security.find_role(login.role)
            if role is None:
                raise AccountError(gettext("Role %(role)s does not exist yet: run onewindow "
                                           "init.", role=login.role))
        except AccountError as error:
            flash(str(error), "danger")
            return False
        user.roles, user.centre, user.agency = [role], centre, login.agency
        user.active = form.active.data
        if staff is not None:
            user.first_name, user.last_name = staff.name, "-"
        security.update_user(user)
        StaffMember.objects(username=user.username).update(unset__username=True)
        if staff is not None:
            staff.update(set__username=user.username)
        if form.password.data:
            security.reset_password(user.id, form.password.data)
        flash(gettext("Login %(name)s saved.", name=user.username), "success")
        return True
