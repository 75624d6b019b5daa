"""Security headers on every answer, and pages that satisfy their own Content-Security-Policy."""

from __future__ import annotations

from html.parser import HTMLParser
import re

from conftest import client_for, demo_app, module_demo_app

from console import storage

app = module_demo_app()


class Scripts(HTMLParser):
    """Collects inline scripts (with their nonce) and inline event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str | None] = []
        self.handlers: list[tuple[str, str]] = []
        self.javascript_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.inline.append(attributes.get("nonce"))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append(value)


def nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def pages(app) -> list[str]:
    """Every screen without arguments that answers GET (new screens join by themselves)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if rule.rule.startswith(("/api/", "/logout")):
            continue
        found.append(rule.rule)
    return sorted(found)


def test_every_inline_script_carries_the_request_nonce(app):
    client = client_for(app, "admin")
    checked = with_scripts = 0
    for url in pages(app):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        nonce = nonce_of(response)
        parser = Scripts()
        parser.feed(response.get_data(as_text=True))
        assert all(found == nonce for found in parser.inline), url
        assert parser.handlers == [], url
        assert parser.javascript_urls == [], url
        checked += 1
        with_scripts += bool(parser.inline)
    assert checked >= 15 and with_scripts >= 10, (checked, with_scripts)


def test_nonce_differs_per_request(app):
    client = app.test_client()
    assert nonce_of(client.get("/login/")) != nonce_of(client.get("/login/"))


def test_login_page_headers(app):
    response = app.test_client().get("/login/")
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_pages_with_personal_data_are_not_cached_but_static_files_may_be(app):
    client = client_for(app, "ly_admin")
    assert client.get("/staffmemberview/list/").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/_info", follow_redirects=True).headers.get(
        "Cache-Control") == "no-store"
    static = client.get("/static/appbuilder/js/ab.js")
    assert static.status_code == 200
    assert "no-store" not in (static.headers.get("Cache-Control") or "")
    assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_https_settings():
    app = demo_app(SESSION_COOKIE_SECURE=True, ONEWINDOW_HSTS_SECONDS=31536000,
                   ONEWINDOW_PROXIES=1, TRUSTED_HOSTS=["console.example.cn"])
    try:
        client = app.test_client()
        secure = client.get("/login/", base_url="https://console.example.cn",
                            headers={"X-Forwarded-Proto": "https"})
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Secure" in secure.headers["Set-Cookie"]
        # Behind the proxy: the forwarded scheme counts.
        forwarded = client.get("/login/", base_url="http://console.example.cn",
                               headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" in forwarded.headers
        plain = client.get("/login/", base_url="http://console.example.cn")
        assert "Strict-Transport-Security" not in plain.headers
        spoofed = client.get("/login/", base_url="http://evil.example")
        assert spoofed.status_code == 400
    finally:
        storage.disconnect()
