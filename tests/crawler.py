"""A small crawler of the console's own pages: follows links and submits each GET form (filters,
searches) field by field, as a user would, so tests see every screen without a list of URLs."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient

# Links a crawl must not follow: they change something, leave the session or serve files.
SKIP = ("/logout", "/lang/", "/static/", "/appbuilder/", "/delete", "/action", "/download",
        "/login", "/api/", "/swagger", "/health",
        # every list's export buttons (tests/test_exports.py checks their queries' indexes)
        ".csv", ".xlsx")

# A user's choice of sort column (FAB's ``_oc_``/``_od_``): any column may be clicked, and the
# sort then runs over the filtered rows; the crawl keeps to the screens' own orders.
SKIP_PARAMS = ("_oc_", "_od_")

SAMPLES = {"date": "2026-01-05", "datetime-local": "2026-01-05T09:00", "number": "1",
           "search": "测试", "text": "测试"}


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            is_get = (a.get("method") or "get").lower() == "get"
            self._form = Form(a.get("action") or "") if is_get else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "file", "password"):
                return
            value = a.get("value") or ""
            if kind in ("hidden", "checkbox", "radio"):
                samples = [value or "1"]
            elif kind == "text":
                samples = ["测试", SAMPLES["date"]]  # free text, or a date typed as text
            else:
                samples = [SAMPLES.get(kind, "1")]
            self._form.fields.setdefault(a["name"], []).extend(samples)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.fields.setdefault(self._select, [])
        elif self._form is not None and tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                self._form.fields[self._select].append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def form_urls(base: str, form: Form, per_field: int = 3) -> Iterator[str]:
    """One URL per field value (up to ``per_field`` values each): every filter on its own."""
    action = urljoin(base, form.action or base).split("?")[0]
    for name, values in form.fields.items():
        for value in values[:per_field]:
            yield action + "?" + urlencode({name: value})
    # and every field at once: combined filters (a state, a date range, a search…)
    combined = {name: values[-1] for name, values in form.fields.items() if values}
    if len(combined) > 1:
        yield action + "?" + urlencode(combined)


@dataclass
class Visit:
    url: str
    status: int
    endpoint: str | None
    error: str = ""


def crawl(app: Flask, client: FlaskClient, start: list[str], per_endpoint: int = 4,
          per_query: int = 40, limit: int = 400,
          check: Callable[[str], None] | None = None) -> list[Visit]:
    """Visit pages reachable from ``start`` (GET only): per view endpoint at most
    ``per_endpoint`` paths and ``per_query`` query strings; ``check(url)`` runs after each."""
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    per: dict[tuple[str, bool], int] = {}
    queue = deque(start)
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        path = parts.path
        key = path + "?" + "&".join(sorted(f"{k}={v}" for k, v in parse_qsl(parts.query)))
        if key in seen or any(skip in path for skip in SKIP):
            continue
        if any(name.startswith(SKIP_PARAMS) for name, _ in parse_qsl(parts.query)):
            continue
        seen.add(key)
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:  # not a page of ours (or not GET-able)
            continue
        bucket = (endpoint, bool(parts.query))
        if per.get(bucket, 0) >= (per_query if parts.query else per_endpoint):
            continue
        per[bucket] = per.get(bucket, 0) + 1
        try:
            response = client.get(url)
        except Exception as error:  # propagated from the app (TESTING): record and go on
            visits.append(Visit(url, 599, endpoint, repr(error)))
            if check is not None:
                check(url)
            continue
        visits.append(Visit(url, response.status_code, endpoint))
        if check is not None:
            check(url)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        for link in page.links:
            queue.append(urljoin(url, link))
        for form in page.forms:
            queue.extend(form_urls(url, form))
    return visits
