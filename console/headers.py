"""Security headers on every answer: a nonce-based CSP, framing and sniffing refused, no caching
of pages (they carry personal data), HSTS for HTTPS deployments.

Flask-AppBuilder's templates already write ``nonce="{{ csp_nonce() }}"`` on their inline scripts
when a ``csp_nonce`` function is defined, so the CSP below needs no ``'unsafe-inline'`` for
scripts. Styles keep ``'unsafe-inline'``: FAB's templates use ``style=`` attributes throughout,
and a style cannot run code.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request

NONCE_ATTRIBUTE = "_onewindow_csp_nonce"


def csp_nonce() -> str:
    """This request's nonce (made on first use), for ``<script nonce="…">``."""
    nonce = g.get(NONCE_ATTRIBUTE)
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        setattr(g, NONCE_ATTRIBUTE, nonce)
    return nonce


def content_security_policy(nonce: str) -> str:
    """The policy every page satisfies: own scripts and scripts carrying this request's nonce."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def add_headers(response: Response) -> Response:
    """Set the security headers on ``response`` (an ``after_request`` hook)."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not _is_static():
        # Pages, exports and API answers carry names, ID numbers and phones: a shared computer
        # at a window must not keep them in its browser cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    hsts = int(config.get("ONEWINDOW_HSTS_SECONDS") or 0)
    if hsts and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    """Install the nonce function for templates and the header hook; trust ``N`` proxies'
    ``X-Forwarded-*`` headers when ``ONEWINDOW_PROXIES`` says so (HTTPS ends at the proxy)."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_headers)
    proxies = int(app.config.get("ONEWINDOW_PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
