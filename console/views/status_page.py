"""The public status page at the centre (and for the applicant-facing site): a case's state, what
is ready and where to collect it, by case number and the last four digits of the phone."""

from __future__ import annotations

from flask import request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from limits import parse

from console.api import public
from models import case as c

LIMIT = parse(public.STATUS_LIMIT)


class StatusPageView(BaseView):
    """No sign-in: the page shows no personal data and is rate-limited like the API."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Case status look-up")

    route_base = "/status"
    default_view = "page"

    @expose("/", methods=["GET", "POST"])
    def page(self):
        status, message = None, None
        number = (request.form.get("number") or "").strip()
        if request.method == "POST":
            if public.over_limit(LIMIT, "status"):
                return self.render_template("onewindow/status.html", title=_l("Case status"),
                                            status=None, number=number,
                                            message=public.TOO_MANY()), 429
            case = public.find_case(number, (request.form.get("code") or "").strip())
            if case is None:
                message = gettext("No case matches this number and verification code.")
            else:
                status = public.status_of(case)
        return self.render_template("onewindow/status.html", title=_l("Case status"),
                                    status=status, number=number, message=message,
                                    states=dict(c.CASE_STATES))
