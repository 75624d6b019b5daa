"""Public reads for the applicant-facing site: a case's status by its number and the last four
digits of the applicant's phone (no personal data, rate-limited), and the online guide: items
with their material lists, windows and opening hours (``/api/v1/status/``, ``/api/v1/guide/``)."""

from __future__ import annotations

from collections.abc import Callable
import functools
from typing import Any

from flask import Flask, Response, current_app, request
from flask_appbuilder.api import BaseApi, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from console.api.common import ApiError, answers
from models import case as c
from models.case import Case
from models.centre import ServiceCentre
from models.item import ServiceItem
from models.window import Window

STATUS_LIMIT = "10 per minute"
GUIDE_LIMIT = "60 per minute"
EXTENSION = "onewindow.public_limits"


def init_limiter(app: Flask) -> None:
    """Each app counts its own look-ups (with the ``limits`` package directly: Flask-Limiter's
    switch is shared with FAB's login limiter, which is off by default)."""
    app.extensions[EXTENSION] = MovingWindowRateLimiter(MemoryStorage())


def reset_limits(app: Flask) -> None:
    app.extensions[EXTENSION].storage.reset()


def TOO_MANY() -> str:  # noqa: N802 - a message, translated when asked for
    return gettext("Too many requests. Please wait a minute and try again.")


def over_limit(item, name: str) -> bool:
    """Count one request of this client address to ``name``; True when over ``item``."""
    limiter = current_app.extensions[EXTENSION]
    return not limiter.hit(item, name, request.remote_addr or "-")


def find_case(number: str, code: str) -> Case | None:
    """The case with ``number`` whose applicant's phone ends with ``code``; None otherwise
    (an unknown number and a wrong code are not told apart)."""
    if not (len(number) <= 40 and len(code) == 4 and code.isdigit()):
        return None
    case = Case.objects(centre=_centre_of(number), number=number).only(
        "number", "centre", "state", "phone", "subtasks", "window",
        "delivery_method").first()  # index (centre, number)
    if case is None or not (case.phone or "").endswith(code):
        return None
    return case


def rate_limited(limit: str) -> Callable:
    """Refuse (429) more than ``limit`` requests per client address to the decorated view."""
    item = parse(limit)

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(self, *args, **kwargs) -> Response:
            if over_limit(item, view.__name__):
                return self.response(429, message=TOO_MANY())
            return view(self, *args, **kwargs)

        return wrapper

    return decorate


def _centre_of(number: str) -> str:
    """Case numbers start with their centre's code (``LY-20260506-0001``)."""
    return number.split("-", 1)[0]


def status_of(case: Case) -> dict[str, Any]:
    window = case.window
    centre = ServiceCentre.objects(code=case.centre).only("name", "address").first()
    return {
        "number": case.number, "state": case.state,
        "state_label": c.label_of(c.CASE_STATES, case.state),
        "ready": [task.item_name for task in case.subtasks if task.status == c.DONE],
        "in_progress": [task.item_name for task in case.subtasks if task.is_open],
        "delivery_method": case.delivery_method,
        "collect_at": {
            "centre": centre.name if centre else case.centre,
            "address": centre.address if centre else None,
            "window": window.code if window else None,
            "counter": window.counter if window else None,
            "window_name": window.name if window else None,
        },
    }


class StatusApi(BaseApi):
    """``GET /api/v1/status/<number>?code=<last four digits of the phone>``: public."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Case status look-up (API)")

    resource_name = "status"
    openapi_spec_tag = "Case status (public)"
    @expose("/<number>", methods=["GET"])
    @rate_limited(STATUS_LIMIT)
    def get(self, number: str) -> Response:
        """A case's status for the applicant
        ---
        get:
          summary: State, what is ready and where to collect; no personal data
          parameters:
          - {in: path, name: number, required: true, schema: {type: string}}
          - {in: query, name: code, required: true, schema: {type: string},
             description: the last four digits of the applicant's phone}
          responses:
            200:
              description: the status
            404:
              description: no case with this number and code (the two are not told apart)
            429:
              description: too many look-ups
        """
        case = find_case(number, request.args.get("code", ""))
        # An unknown number and a wrong code get the same answer: the number alone tells
        # nobody whether a case exists.
        if case is None:
            return self.response(404, message=gettext(
                "No case matches this number and verification code."))
        return self.response(200, result=status_of(case))


class GuideApi(BaseApi):
    """``/api/v1/guide/<centre>/items`` and ``/windows``: the online guide, public."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Online guide (API)")

    resource_name = "guide"
    openapi_spec_tag = "Online guide (public)"
    @expose("/<centre>/items", methods=["GET"])
    @rate_limited(GUIDE_LIMIT)
    @answers
    def items(self, centre: str) -> Response:
        """Items and their material lists
        ---
        get:
          summary: The service items a centre takes in, each with its material list
          parameters:
          - {in: path, name: centre, required: true, schema: {type: string}}
          responses:
            200:
              description: the items
            404:
              description: no such centre
        """
        self._centre(centre)
        rows = [{
            "code": item.code, "name": item.name, "agency": item.agency.name,
            "window_category": item.window_category, "fee": str(item.fee or 0),
            "promised_limit": item.promised_limit, "promised_unit": item.promised_unit,
            "materials": [{"name": m.name, "copies": m.copies, "form": m.form,
                           "requirement": m.requirement} for m in item.materials],
        } for item in ServiceItem.objects.visible_to(centre).order_by("code")]
        return self.response(200, count=len(rows), result=rows)

    @expose("/<centre>/windows", methods=["GET"])
    @rate_limited(GUIDE_LIMIT)
    @answers
    def windows(self, centre: str) -> Response:
        """Windows and opening hours
        ---
        get:
          summary: A centre's open windows, the items each takes, and the centre's hours
          parameters:
          - {in: path, name: centre, required: true, schema: {type: string}}
          responses:
            200:
              description: the windows and opening hours
            404:
              description: no such centre
        """
        record = self._centre(centre)
        windows = [{"code": w.code, "counter": w.counter, "name": w.name, "kind": w.kind,
                    "items": [item.code for item in w.items if isinstance(item, ServiceItem)]}
                   for w in Window.objects(centre=centre, is_open=True).order_by("code")]
        hours = [{"weekday": h.weekday, "opens": h.opens, "closes": h.closes,
                  "lunch_start": h.lunch_start, "lunch_end": h.lunch_end}
                 for h in record.opening_hours]
        return self.response(200, centre=record.name, address=record.address,
                             opening_hours=hours, windows=windows)

    def _centre(self, code: str) -> ServiceCentre:
        record = ServiceCentre.objects(code=code).first() if len(code) <= 20 else None
        if record is None:
            raise ApiError(404, gettext("There is no such service centre."))
        return record
