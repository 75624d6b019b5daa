"""A per-request memo for permission checks.

One page asks "may this user …?" dozens of times (menu, buttons, actions); the answer cannot change
while the request is served, so the database is read once per request and per question. The memo
lives on ``flask.g`` tagged with the request it belongs to, so it never outlives that request even
when a caller keeps one application context open across several requests (as tests and the CLI
do). Outside a request nothing is remembered: a CLI command always sees fresh data.

Across requests, the process keeps the roles' grants until the security data changes
(``console.security.catalogue``); this memo then saves even the one read of its stamp.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import g, has_request_context, request

from .catalogue import bump

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
    """Called after every write to the security data: drop what this request remembered and
    change the shared stamp, so every process reads roles and permissions again."""
    if has_request_context():
        g.pop(_ATTRIBUTE, None)
    bump()
