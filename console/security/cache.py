"""A per-request memo for permission checks.

One page asks "may this user …?" dozens of times (menu, buttons, actions); the answer cannot change
while the request is served, so the database is read once per request and per question. The memo
lives on ``flask.g`` tagged with the request it belongs to, so it never outlives that request even
when a caller keeps one application context open across several requests (as tests and the CLI
do). Outside a request nothing is remembered: a CLI command always sees fresh data.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import g, has_request_context, request

T = TypeVar("T")

_ATTRIBUTE = "_onewindow_security_memo"


def _memo() -> dict[Hashable, Any] | None:
    if not has_request_context():
        return None
    current = request._get_current_object()
    held = g.get(_ATTRIBUTE)
    if held is None or held[0] is not current:
        held = (current, {})
        setattr(g, _ATTRIBUTE, held)
    return held[1]


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; outside a request, every time."""
    memo = _memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget() -> None:
    """Drop what this request remembered: called after every write to the security data."""
    if has_request_context():
        g.pop(_ATTRIBUTE, None)
