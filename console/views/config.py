"""Centre configuration screens: centres, agencies, service items with material lists, windows,
staff, rosters and working-calendar overrides. Each is a class of attributes; tenancy is enforced
by the scopes of :mod:`console.tenancy`, the hooks here only decide who owns a new record."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, ValidationError
from wtforms.validators import StopValidation

from console.datamodel.errors import RecordError
from console.datamodel.forms import REGEX_MESSAGES
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.views import MongoModelView
from console.tenancy import user_centre
from forms.validators import mask_phone
from models import (
    Agency,
    CalendarOverride,
    RosterEntry,
    ServiceCentre,
    ServiceItem,
    StaffMember,
    Window,
)
from models.case import Case
from models.choices import RECORD_CODE_REGEX, TIME_OF_DAY_REGEX
from models.complaint import Complaint

# What a code or a time of day may hold, in the forms' messages instead of "Invalid format.".
REGEX_MESSAGES.update({
    RECORD_CODE_REGEX: _l("A code holds letters, digits, “.”, “_” and “-” (no spaces), starts "
                          "with a letter or a digit and has at most 64 characters."),
    TIME_OF_DAY_REGEX: _l("A time of day as HH:MM, e.g. 08:30."),
})

SHARED_LABEL = _l("— shared by all centres —")
SHARED_REFUSAL = _l("Shared records are maintained by the super-administrator.")


def centre_choices(allow_shared: bool = False) -> list[tuple[str, str]]:
    """The centres the signed-in user may file a record under."""
    centre = user_centre()
    if centre is False:
        return []
    if centre:
        found = ServiceCentre.objects(code=centre).only("code", "name")
        return [(row.code, str(row)) for row in found]
    choices = [(row.code, str(row)) for row in ServiceCentre.objects.only("code", "name")]
    if allow_shared:
        choices.insert(0, ("", str(SHARED_LABEL)))
    return choices


class CentreSelectField(SelectField):
    """The centre a record is filed under: chosen by the super-administrator; for everybody
    else the posted value is ignored and replaced by their own centre."""

    def process_formdata(self, valuelist: list[str]) -> None:
        centre = user_centre()
        if centre is False:
            self.data = None
            return
        if centre:
            self.data = centre
            return
        super().process_formdata(valuelist)
        self.data = self.data or None


def centre_field(allow_shared: bool = False) -> SelectField:
    return CentreSelectField(
        _l("Centre"),
        choices=lambda: centre_choices(allow_shared),
        # A centre user's posted value is ignored; the super-administrator's is checked by the
        # document's clean() (a code that names no centre is refused there).
        validate_choice=False,
        description=_l("Records of a centre are seen only by that centre's users."),
    )


class LockedRowsListWidget(ListWidget):
    """FAB's list, without edit and delete buttons on the rows listed in ``locked``."""

    template = "onewindow/widgets/list.html"


class CentreOwnedView(MongoModelView):
    """A screen over records that belong to one centre.

    The centre a record is filed under comes from the signed-in user: a posted ``centre`` is
    ignored for centre users, and only the super-administrator picks one.
    """

    allow_shared = False
    list_widget = LockedRowsListWidget
    # FAB's list with the export buttons of the screens that have an export.
    list_template = "onewindow/config/list.html"

    def __init__(self, **kwargs: Any) -> None:
        self.add_form_extra_fields = {"centre": centre_field(self.allow_shared)}
        self.edit_form_extra_fields = {"centre": centre_field(self.allow_shared)}
        super().__init__(**kwargs)

    def _own(self, item: Any) -> None:
        centre = user_centre()
        if centre:
            item.centre = centre
        elif not getattr(item, "centre", None):
            item.centre = None

    def pre_add(self, item: Any) -> None:
        self._own(item)

    def pre_update(self, item: Any) -> None:
        self._refuse_shared(item)
        self._own(item)

    def pre_delete(self, item: Any) -> None:
        self._refuse_shared(item)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: str) -> Any:
        """A shared record's form is refused when opened, not only when saved."""
        self._refuse_shared_page(pk)
        return super().edit(pk)

    @expose("/delete/<pk>", methods=["GET", "POST"])
    @has_access
    def delete(self, pk: str) -> Any:
        self._refuse_shared_page(pk)
        return super().delete(pk)

    def _refuse_shared_page(self, pk: str) -> None:
        if not self.allow_shared or not user_centre():
            return
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None and getattr(item, "centre", None) is None:
            abort(403, description=SHARED_REFUSAL)

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Rows the user may not change (shared records, for a centre user) get no edit or
        delete button: the same rule as :meth:`_refuse_shared`."""
        widgets = super()._get_list_widget(*args, **kwargs)
        widget = widgets["list"]
        locked: set[str] = set()
        if self.allow_shared and user_centre():
            pks = widget.template_args.get("pks") or []
            shared = self.datamodel.obj.objects(id__in=pks, centre=None).only("id")
            locked = {str(row.id) for row in shared}
        widget.template_args["locked"] = locked
        return widgets

    def _refuse_shared(self, item: Any) -> None:
        if not user_centre():
            return
        stored = type(item).objects(id=item.id).only("centre").first()
        if stored is not None and stored.centre is None:
            raise RecordError(message=str(SHARED_REFUSAL))


class ServiceCentreView(MongoModelView):
    """Service centres; a centre administrator sees and edits only their own."""

    datamodel = MongoEngineInterface(ServiceCentre)
    list_title = show_title = _l("Service centres")
    add_title = _l("Add a service centre")
    edit_title = _l("Edit the service centre")
    list_columns = ["code", "name", "level", "region", "helpers", "self_service_computers"]
    show_columns = ["code", "name", "level", "region", "region_code", "address",
                    "opening_hours", "helpers", "self_service_computers", "case_limit",
                    "case_limit_unit", "complaint_days"]
    add_columns = edit_columns = show_columns
    search_columns = ["code", "name", "level", "region"]
    order_columns = ["code", "name", "level"]
    inline_columns = {"opening_hours": ["weekday", "opens", "closes", "lunch_start", "lunch_end"]}

    def pre_update(self, item: Any) -> None:
        stored = ServiceCentre.objects(id=item.id).only("code").first()
        if user_centre() and stored and stored.code != item.code:
            raise RecordError({"code": str(_l("A centre's code cannot be changed here."))})


class AgencyView(CentreOwnedView):
    """Agencies behind the windows, with their liaisons (联络员)."""

    allow_shared = True
    datamodel = MongoEngineInterface(Agency)
    list_title = show_title = _l("Agencies")
    add_title = _l("Add an agency")
    edit_title = _l("Edit the agency")
    list_columns = ["code", "name", "kind", "centre", "liaisons"]
    show_columns = ["code", "name", "kind", "centre", "liaisons"]
    add_columns = edit_columns = ["centre", "code", "name", "kind", "liaisons"]
    search_columns = ["code", "name", "kind"]
    order_columns = ["code", "name", "kind"]
    inline_columns = {"liaisons": ["name", "post", "phone", "email"]}
    revealable_columns = ["liaisons.phone"]


class MaterialListRules:
    """A material list (一次性告知清单) names at least one material, each once (a case's
    checklist keys materials by name), and gives a hand-in period or a withheld result only to
    a 容缺 material."""

    def __call__(self, form: Any, field: Any) -> None:
        rows = [entry.form for entry in field.entries]
        if not rows:
            raise ValidationError(gettext("List at least one material."))
        seen: set[str] = set()
        for row in rows:
            name = (row["name"].data or "").strip()
            if name in seen:
                raise ValidationError(gettext("“%(name)s” is listed twice.", name=name))
            seen.add(name)
            if row["requirement"].data != "tolerated" and (
                    row["follow_up_days"].data or row["blocks_delivery"].data):
                raise ValidationError(gettext(
                    "“%(name)s” is not 容缺: a hand-in period and a withheld result are for 容缺 "
                    "materials only.", name=name))


def case_naming_item(item: Any) -> Case | None:
    """A case that names ``item`` by its stored code (any centre's, for a shared item)."""
    stored = type(item).objects(id=item.pk).only("code", "centre").first()
    if stored is None:
        return None
    found = Case.objects(items=stored.code)
    if stored.centre:
        found = found.filter(centre=stored.centre)
    return found.only("number").first()


def recoding_refusal(stored: Any) -> str:
    """Why the stored item's code may not change ("" when it may): cases name it by code."""
    case = case_naming_item(stored)
    if case is None:
        return ""
    return gettext("Case %(case)s names this item by its code %(code)s; the code cannot be "
                   "changed.", case=case.number, code=stored.code)


class KeepsCodeCasesName:
    """Form check of an item's code on its edit form (the record's id is ``form._id``)."""

    def __call__(self, form: Any, field: Any) -> None:
        pk = getattr(form, "_id", None)
        stored = ServiceItem.objects(id=pk).only("code", "centre").first() if pk else None
        if stored is not None and field.data != stored.code:
            refusal = recoding_refusal(stored)
            if refusal:
                raise ValidationError(refusal)


class ServiceItemView(CentreOwnedView):
    """Service items (事项) and their material lists (一次性告知清单)."""

    allow_shared = True
    datamodel = MongoEngineInterface(ServiceItem)
    list_title = show_title = _l("Service items")
    add_title = _l("Add a service item")
    edit_title = _l("Edit the service item")
    list_columns = ["code", "name", "agency", "window_category", "promised_limit",
                    "promised_unit", "fee", "materials"]
    show_columns = ["code", "name", "centre", "agency", "window_category", "legal_basis",
                    "statutory_limit", "statutory_unit", "promised_limit", "promised_unit",
                    "warning_percent", "fee", "result_fields", "after_items", "consolidates",
                    "materials"]
    add_columns = edit_columns = ["centre", "code", "name", "agency", "window_category",
                                  "legal_basis", "statutory_limit", "statutory_unit",
                                  "promised_limit", "promised_unit", "warning_percent", "fee",
                                  "result_fields", "after_items", "consolidates", "materials"]
    search_columns = ["code", "name", "agency", "window_category"]
    order_columns = ["code", "name", "window_category"]
    inline_columns = {
        "materials": ["name", "copies", "form", "requirement", "review_points",
                      "follow_up_days", "blocks_delivery", "template_note"],
    }

    validators_columns = {"code": [KeepsCodeCasesName()], "materials": [MaterialListRules()]}

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        stored = ServiceItem.objects(id=item.pk).only("code").first()
        if stored is not None and stored.code != item.code:
            refusal = recoding_refusal(stored)
            if refusal:
                raise RecordError(message=refusal)

    def pre_delete(self, item: Any) -> None:
        """An item that cases name stays (their pages and open work need it); it is withdrawn
        from the windows instead."""
        super().pre_delete(item)
        case = case_naming_item(item)
        if case is not None:
            raise RecordError(message=gettext(
                "Item %(item)s is named by case %(case)s and cannot be deleted; take it off "
                "the windows that accept it instead.", item=item.code, case=case.number))


class WindowView(CentreOwnedView):
    """Windows (窗口) and the items each accepts."""

    datamodel = MongoEngineInterface(Window)
    list_title = show_title = _l("Windows")
    add_title = _l("Add a window")
    edit_title = _l("Edit the window")
    list_columns = ["code", "counter", "name", "kind", "is_open"]
    show_columns = ["centre", "code", "counter", "name", "kind", "accepts_all_items", "agency",
                    "items", "is_open"]
    add_columns = edit_columns = show_columns
    search_columns = ["code", "counter", "name", "kind", "is_open", "items"]
    order_columns = ["code", "counter", "name", "kind"]

    def pre_delete(self, item: Any) -> None:
        """A window that took cases or complaints stays, closed: their pages name it."""
        super().pre_delete(item)
        scope = {"centre": item.centre, "window": item.pk}
        if (Case.objects(**scope).only("id").first() is not None
                or Complaint.objects(**scope).only("id").first() is not None):
            raise RecordError(message=gettext(
                "Window %(window)s has cases or complaints on record and cannot be deleted; "
                "close it instead (untick “Open”).", window=item.code))


class CentreLogin:
    """A staff member's console login names an existing login of the staff member's centre:
    a login is shown as the name of the staff member behind it on every centre's pages, so
    another centre's, the super-administrator's or a shared agency system's must not be taken."""

    def __call__(self, form: Any, field: Any) -> None:
        from console.security.models import User

        login = (field.data or "").strip()
        if not login:
            return
        centre = user_centre()
        if centre is None and "centre" in form:
            centre = form["centre"].data  # the super-administrator's chosen centre
        found = User.objects(username=login).only("centre").first()
        if not centre or found is None or found.centre != centre:
            raise ValidationError(gettext("There is no login “%(login)s” at this centre.",
                                          login=login))


class StaffMemberView(CentreOwnedView):
    """Staff (人员) seconded to the centre; phones are shown masked in lists."""

    datamodel = MongoEngineInterface(StaffMember)
    list_title = show_title = _l("Staff")
    add_title = _l("Add a staff member")
    edit_title = _l("Edit the staff member")
    list_columns = ["name", "agency", "role", "phone", "active"]
    show_columns = ["centre", "name", "agency", "role", "items", "trained_on", "phone",
                    "active", "username"]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "agency", "role", "active"]
    order_columns = ["name", "role", "trained_on"]
    formatters_columns = {"phone": mask_phone}
    revealable_columns = ["phone"]
    validators_columns = {"username": [CentreLogin()]}


class CentreOpenOn:
    """A roster date on which the centre opens: on a holiday (or a rest day without weekend
    service) the centre is closed, and a roster there only misleads the week roster."""

    def __call__(self, form: Any, field: Any) -> None:
        from models.workcalendar import work_calendar

        centre = user_centre()
        if centre is None and "centre" in form:
            centre = form["centre"].data
        if not centre or field.data is None:
            return
        if not work_calendar(centre).hours_on(field.data):
            raise ValidationError(gettext(
                "The centre is closed on %(date)s (a holiday or a rest day without service); "
                "nobody can be rostered then.", date=f"{field.data:%Y-%m-%d}"))


class RosterDateInRange:
    """A roster date between 1 January of last year and 31 December of next year
    (:func:`models.roster.roster_date_bounds`): a roster dated 1999 was taken."""

    def __call__(self, form: Any, field: Any) -> None:
        from console.clock import today
        from models.roster import roster_date_bounds

        if field.data is None:
            return
        first, last = roster_date_bounds(today())
        if not first <= field.data <= last:
            raise StopValidation(gettext(
                "A roster can be recorded from %(first)s to %(last)s; %(date)s is outside.",
                first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}",
                date=f"{field.data:%Y-%m-%d}"))


class RosterEntryView(CentreOwnedView):
    """Rosters (排班): who works which window on which date and shift."""

    datamodel = MongoEngineInterface(RosterEntry)
    list_title = show_title = _l("Rosters")
    add_title = _l("Add a roster entry")
    edit_title = _l("Edit the roster entry")
    list_columns = ["date", "shift", "window", "staff", "note"]
    show_columns = ["centre", "date", "shift", "window", "staff", "note"]
    add_columns = edit_columns = show_columns
    search_columns = ["date", "shift", "window", "staff"]
    order_columns = ["date", "shift"]
    base_order = ("date", "desc")
    # The range first: a date far outside needs no working calendar worked out.
    validators_columns = {"date": [RosterDateInRange(), CentreOpenOn()]}


class CalendarInterface(MongoEngineInterface):
    """Calendar days: a second entry for the same centre and date is refused with one sentence
    naming the day that exists, under the date, not a bare "already exists" under both fields."""

    def unique_conflicts(self, item: Any) -> dict[str, str]:
        if not super().unique_conflicts(item):
            return {}
        day = f"{item.date:%Y-%m-%d}" if item.date else ""
        if item.centre:
            message = gettext("This centre already has a calendar change on %(date)s.", date=day)
        else:
            message = gettext("The national calendar already has a change on %(date)s.",
                              date=day)
        return {"date": message}


class CalendarOverrideView(CentreOwnedView):
    """Holidays and make-up working days (调休) the official calendar does not know yet."""

    allow_shared = True
    datamodel = CalendarInterface(CalendarOverride)
    list_title = show_title = _l("Working calendar")
    add_title = _l("Add a calendar day")
    edit_title = _l("Edit the calendar day")
    list_columns = ["date", "is_working_day", "centre", "note"]
    show_columns = add_columns = edit_columns = ["centre", "date", "is_working_day", "note"]
    search_columns = ["date", "is_working_day"]
    order_columns = ["date"]
    base_order = ("date", "desc")
