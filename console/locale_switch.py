"""Where the language switch (``/lang/<locale>``) lands when it is not told (no ``?next=``):
the page it was used on when the browser says so, otherwise the home page, never another site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, redirect, request

from console.ui import safe_next

LOCALE_ENDPOINT = "LocaleView.index"


def _same_site_referrer() -> str | None:
    """The referring page's path on this site; None without a referrer or from another site."""
    referrer = urlsplit(request.referrer or "")
    if not referrer.netloc or referrer.netloc != request.host:
        return None
    target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if target.startswith(current_app.appbuilder.bm.locale_view.route_base):
        return None  # the switch itself: nothing to return to
    return safe_next(target)


def land(response: Response) -> Response:
    """``after_request``: FAB sends the switch back to the last list page the session went
    through (any page of the session's history, however old); the home page is what a switch
    opened from a bookmark or another site means. ``?next=`` is handled in ``console.ui``."""
    if request.endpoint != LOCALE_ENDPOINT or response.status_code not in (301, 302, 303):
        return response
    if safe_next(request.args.get("next")):
        return response
    return redirect(_same_site_referrer() or current_app.appbuilder.get_url_for_index)


def init_app(app: Flask) -> None:
    app.after_request(land)
