"""The URL filters the case and complaint lists share: a window and a from/to range of days, each
bad value named in a translated message and ignored (the list shows what the rest selects)."""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
from typing import Any

from flask_babel import gettext

from console.datamodel.interface import MongoEngineInterface
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
    return found
