"""The moment the screens count from: the real time, or the one fixed by ``ONEWINDOW_NOW``."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context


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
