"""The moment the screens count from: the real time, or the one fixed by ``ONEWINDOW_NOW``.

Every screen, the agency and intake APIs and the printed papers read "now" and "today" here, so a
demonstration pinned to a date is consistent from page to page (and what a user does there is
dated at that moment too). The audit log and the login records keep the real time on purpose:
they say when something really happened."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context

from models.workdays import to_china


def utcnow() -> dt.datetime:
    """Now as naive UTC (as MongoDB stores times). ``ONEWINDOW_NOW`` (a datetime, naive UTC or
    aware, or its ISO text from the environment) fixes it for tests and demonstrations."""
    fixed = current_app.config.get("ONEWINDOW_NOW") if has_app_context() else None
    if not fixed:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if isinstance(fixed, str):
        fixed = dt.datetime.fromisoformat(fixed)
    if fixed.tzinfo is not None:
        fixed = fixed.astimezone(dt.UTC).replace(tzinfo=None)
    return fixed


def today() -> dt.date:
    """Today's date in China at :func:`utcnow` (so ``ONEWINDOW_NOW`` fixes it too)."""
    return to_china(utcnow()).date()
