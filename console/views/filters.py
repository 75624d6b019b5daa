"""The URL filters the case and complaint lists share: a window, a from/to range of days and the
case list's 一人多户 / 一址多照 risk, each bad value named in a translated message and ignored (the
list shows what the rest selects); and the centre the super-administrator narrows a list or an
export to."""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
from typing import Any

from flask import abort, current_app, request
from flask_babel import gettext

from console.datamodel.interface import MongoEngineInterface
from console.tenancy import NOBODY, user_centre
from models import case as c
from models import risk_keys as rk
from models.centre import ServiceCentre
from models.workdays import to_utc


def window_filter(args: Mapping[str, str], windows: MongoEngineInterface,
                  problems: list[str]) -> dict[str, Any]:
    """``?window=<id>`` as a filter on the window, looked up through the user's scope (another
    centre's window is as unknown as a missing one)."""
    window_id = args.get("window")
    if not window_id:
        return {}
    window = windows.get(window_id)
    if window is None:
        problems.append(gettext("Unknown window ignored."))
        return {}
    return {"window": window}


def day_range_filter(args: Mapping[str, str], field: str,
                     problems: list[str]) -> dict[str, dt.datetime]:
    """``?from=`` and ``?to=`` (YYYY-MM-DD, days in China, both included) as naive-UTC bounds
    on ``field``: ``to`` is kept as the start of the next day, so its whole day counts."""
    found = {}
    for name, lookup, shift in (("from", f"{field}__gte", 0), ("to", f"{field}__lt", 1)):
        value = args.get(name, "").strip()
        if not value:
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            problems.append(gettext("“%(value)s” is not a date (YYYY-MM-DD); ignored.",
                                    value=value))
            continue
        try:
            found[lookup] = to_utc(dt.datetime.combine(day + dt.timedelta(days=shift), dt.time()))
        except OverflowError:  # 0001-01-01 has no UTC start, 9999-12-31 no next day
            problems.append(gettext("“%(value)s” is outside the dates a list can show; ignored.",
                                    value=value))
    start, end = found.get(f"{field}__gte"), found.get(f"{field}__lt")
    if start is not None and end is not None and start >= end:
        # Nothing can match: say so rather than show an empty list as if there were nothing.
        problems.append(gettext("The range starts (%(start)s) after it ends (%(end)s); ignored.",
                                start=args.get("from", "").strip(),
                                end=args.get("to", "").strip()))
        return {}
    return found


def agency_filter(args: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """``?agency=<code>``: cases holding a sub-task of that agency, one the user's centre sees
    (its own or a shared one); any other code is named and ignored."""
    from models.agency import Agency

    code = args.get("agency", "").strip()
    if not code:
        return {}
    if not Agency.objects(code=code, centre__in=[*visible_centres(), None]).only("id").first():
        problems.append(gettext("Unknown agency “%(value)s” ignored.", value=code))
        return {}
    return {"subtasks__agency": code}


# How many other open cases of the same person / address make a case 一人多户 / 一址多照.
DEFAULT_RISK_THRESHOLDS = {"person": 2, "address": 3}


def risk_thresholds() -> dict[str, int]:
    """How many other open cases make 一人多户 / 一址多照 (``ONEWINDOW_RISK_THRESHOLDS``)."""
    return {**DEFAULT_RISK_THRESHOLDS, **current_app.config.get("ONEWINDOW_RISK_THRESHOLDS", {})}


def visible_centres() -> list[str]:
    """The centres the signed-in user's lists cover: their own, or every one for the
    super-administrator (none for a user without a centre: tenancy fails closed)."""
    centre = user_centre()
    if centre is None:
        return [row.code for row in ServiceCentre.objects.only("code")]
    return [centre] if centre is not NOBODY else []


def risk_filter(args: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """``?risk=person`` / ``?risk=address``: the open cases the case page warns about
    (一人多户 / 一址多照), found through the keys over the threshold (:mod:`models.risk_keys`)."""
    kind = args.get("risk")
    if not kind:
        return {}
    if kind not in rk.KEY_FIELDS:
        problems.append(gettext("Unknown value “%(value)s” ignored.", value=kind))
        return {}
    field = rk.KEY_FIELDS[kind]
    flagged = rk.flagged_keys(visible_centres(), kind, risk_thresholds()[kind])
    found: dict[str, Any] = {
        "state__in": list(c.OPEN_STATES),
        f"{field}__in": sorted({key for keys in flagged.values() for key in keys})}
    if user_centre() is None:  # every centre: the centre leads the key table all the same
        found["centre__in"] = sorted(flagged)
    if len(flagged) > 1:
        # A key over the threshold at one centre says nothing of the same key at another.
        found["__raw__"] = {"$or": [{"centre": centre, field: {"$in": keys}}
                                    for centre, keys in flagged.items()]}
    return found


def named_centre() -> str | None:
    """The centre ``?centre=CODE`` names: the super-administrator narrows an export to one
    centre; a centre user naming another centre (or one that does not exist) gets a 404, as
    for another centre's record."""
    code = request.args.get("centre", "").strip()
    if not code:
        return None
    own = user_centre()
    if (own and code != own) or own is NOBODY or not ServiceCentre.objects(code=code).first():
        abort(404)
    return code
