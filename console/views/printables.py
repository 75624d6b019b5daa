"""Printables of the centre's paper: each document as an HTML print view and as a PDF download
(A4, embedded font), read through the same scoped interface as the screens, so another centre's
case is a 404 and a role without the permission a 403."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, render_template, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.tenancy import NOBODY, user_centre
from models import case as c
from models.agency import Agency
from models.case import Case
from models.centre import ServiceCentre
from models.item import ServiceItem
from models.staff import StaffMember
from models.window import Window
from reports import case_documents as docs
from reports import centre_lists
from reports.document import Printable
from reports.pdf import MissingGlyphs, render_pdf

FORMATS = ("html", "pdf")
DELIVERABLE = (c.READY, c.DELIVERED, c.CLOSED)


def respond(view: BaseView, doc: Printable, fmt: str, back_url: str | None = None):
    """The document in ``fmt``: the print view, or the PDF as a download. A character no PDF
    font can draw is named, with its code point, on a page of its own that links the print
    view (drawn by the browser's fonts)."""
    if fmt not in FORMATS:
        abort(404)
    if fmt == "pdf":
        try:
            data = render_pdf(doc, created=clock.utcnow())
        except MissingGlyphs as error:
            return view.render_template(
                "onewindow/printables/missing_glyphs.html", title=doc.title,
                characters="、".join(f"{char}（U+{ord(char):04X}）"
                                    for char in error.characters),
                html_url=request.path.rsplit("/", 1)[0] + "/html"), 422
        response = Response(data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{doc.filename}.pdf"'
        response.headers["Cache-Control"] = "no-store"  # personal data, even masked
        return response
    html = render_template(
        "onewindow/printables/document.html", doc=doc,
        lang="zh-CN" if str(get_locale() or "zh").startswith("zh") else "en",
        pdf_url=request.path.rsplit("/", 1)[0] + "/pdf", back_url=back_url)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


class PrintablesView(BaseView):
    """一次性告知书、受理通知书、出件清单 and the blank notification of an item."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Printed papers")

    route_base = "/printables"
    default_view = "item"
    cases = MongoEngineInterface(Case)
    items = MongoEngineInterface(ServiceItem)

    def _case(self, pk: str) -> Case:
        case = self.cases.get(pk)
        if case is None:
            abort(404)
        return case

    @expose("/cases/<pk>/notification/<int:number>/<fmt>")
    @has_access
    @permission_name("case")
    def notification(self, pk: str, number: int, fmt: str):
        """The one-time notification of the case's return ``number`` (1 is the first)."""
        case = self._case(pk)
        if not 1 <= number <= len(case.returns):
            abort(404)
        return respond(self, docs.return_notification(case, number - 1), fmt,
                       url_for("CaseView.show", pk=pk))

    @expose("/cases/<pk>/receipt/<fmt>")
    @has_access
    @permission_name("case")
    def receipt(self, pk: str, fmt: str):
        case = self._case(pk)
        if not case.accepted_at:
            abort(404)
        lookup = current_app.config.get("ONEWINDOW_STATUS_LOOKUP_URL", "")
        return respond(self, docs.acceptance_receipt(case, clock.today(), lookup), fmt,
                       url_for("CaseView.show", pk=pk))

    @expose("/cases/<pk>/materials/<fmt>")
    @has_access
    @permission_name("case")
    def materials(self, pk: str, fmt: str):
        """The case's material checklist, for the visitor being coached or in review."""
        case = self._case(pk)
        return respond(self, docs.material_checklist(case, clock.today()), fmt,
                       url_for("CaseView.show", pk=pk))

    @expose("/cases/<pk>/delivery/<fmt>")
    @has_access
    @permission_name("case")
    def delivery(self, pk: str, fmt: str):
        case = self._case(pk)
        if case.state not in DELIVERABLE:
            abort(404)
        return respond(self, docs.delivery_checklist(case, clock.today()), fmt,
                       url_for("CaseView.show", pk=pk))

    @expose("/items/<pk>/notification/<fmt>")
    @has_access
    @permission_name("item")
    def item(self, pk: str, fmt: str):
        """The blank one-time notification of a service item, for the coaching desk."""
        item = self.items.get(pk)
        if item is None:
            abort(404)
        centre = getattr(current_user, "centre", None) or item.centre or ""
        return respond(self, docs.item_notification(item, centre, clock.today()), fmt)


    # --- the centre's lists (the seeds' annexes) -------------------------------------------

    windows = MongoEngineInterface(Window)
    staff = MongoEngineInterface(StaffMember)
    agencies = MongoEngineInterface(Agency)

    def _centre(self) -> tuple[str, str]:
        """The centre whose lists are printed: the user's own; the super-administrator names
        one with ``?centre=CODE``. A centre user naming another centre gets a 404."""
        named = request.args.get("centre", "").strip()
        own = user_centre()
        if own is NOBODY or (own and named and named != own):
            abort(404)
        code = own or named
        centre = ServiceCentre.objects(code=code).first() if code else None
        if centre is None and named:
            abort(404)
        if centre is None:
            abort(Response(gettext("Name the centre: ?centre=CODE."), status=400,
                           content_type="text/plain; charset=utf-8"))
        return centre.code, centre.name

    def _mine(self, interface: MongoEngineInterface, code: str):
        # Shared agencies and items serve every centre; windows and staff are the centre's.
        query = interface.base_query()
        if "centre" in interface.obj._fields:
            query = query.filter(centre__in=[code, None])
        return query

    @expose("/lists/window-items/<fmt>")
    @has_access
    @permission_name("lists")
    def window_items(self, fmt: str):
        code, name = self._centre()
        windows = self._mine(self.windows, code).order_by("counter")
        items = list(self._mine(self.items, code).order_by("code"))
        return respond(self, centre_lists.window_items(name, windows, items, clock.today()),
                       fmt)

    @expose("/lists/staff/<fmt>")
    @has_access
    @permission_name("lists")
    def staff_list(self, fmt: str):
        code, name = self._centre()
        staff = self._mine(self.staff, code).order_by("name")
        return respond(self, centre_lists.staff_list(name, staff, clock.today()), fmt)

    @expose("/lists/liaisons/<fmt>")
    @has_access
    @permission_name("lists")
    def liaisons(self, fmt: str):
        code, name = self._centre()
        agencies = self._mine(self.agencies, code).order_by("name")
        return respond(self, centre_lists.liaison_list(name, agencies, clock.today()), fmt)

    @expose("/lists/roster/<fmt>")
    @has_access
    @permission_name("lists")
    def roster(self, fmt: str):
        """A week's roster per window (``?day=YYYY-MM-DD``, any day of the week)."""
        code, name = self._centre()
        text = request.args.get("day", "")
        try:
            day = dt.date.fromisoformat(text) if text else clock.today()
        except ValueError:
            return Response(gettext("“%(value)s” is not a date (YYYY-MM-DD).", value=text),
                            status=400, content_type="text/plain; charset=utf-8")
        windows = self._mine(self.windows, code).order_by("counter")
        return respond(self, centre_lists.week_roster(code, name, windows, day,
                                                      clock.today()), fmt)
