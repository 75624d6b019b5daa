"""A small same-site crawler: every page reachable by GET links from a start page, for tests that
check each page a role can reach (served assets, language, no internals on screen)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
import html
import re
import urllib.parse

_LINK = re.compile(r'\bhref="([^"#]*)"')
_ASSET = re.compile(r'\b(?:src|href)="([^"]*/static/[^"]*)"')
# Links a crawl must not follow: they change state, sign out, switch language or leave the
# pages (downloads, API).
SKIP = re.compile(
    r"^/(logout|lang/|login|back$)|/delete/|/action/|/api/|/_datamodel/|/static/|/download/"
    r"|/act/|\.(csv|xlsx|pdf|png|ico|js|css)(\?|$)"
)


@dataclass
class Page:
    path: str
    status: int
    text: str


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(html.unescape(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(text: str) -> list[str]:
    """Same-site paths linked from a page."""
    found = []
    for url in _LINK.findall(text):
        url = html.unescape(url)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        found.append(path_of(url))
    return found


def assets(text: str) -> set[str]:
    """Static files a page loads (scripts, style sheets, icons)."""
    return {path_of(url) for url in _ASSET.findall(text)}


def _shape(path: str) -> str:
    """Pages that differ only in a record id or a query look the same to a crawl."""
    path = re.sub(r"[0-9a-f]{24}", "<id>", path)
    # Listing pages differ by sort, page and filter arguments only.
    return re.sub(r"\?.*$", "?", path)


def crawl(
    get: Callable[[str], tuple[int, str]], start: str = "/", limit: int = 150,
    per_shape: int = 2,
) -> Iterator[Page]:
    """Yield each reachable page once, at most ``per_shape`` pages of one URL shape."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        shape = _shape(path)
        if path in seen or SKIP.search(path) or shapes.get(shape, 0) >= per_shape:
            continue
        seen.add(path)
        shapes[shape] = shapes.get(shape, 0) + 1
        status, text = get(path)
        yield Page(path, status, text)
        if status == 200:
            queue.extend(link for link in links(text) if link not in seen)


# English words of Flask-AppBuilder's and the widgets' interface that have shown up in the zh_CN
# console; data never contains them (the demo is Chinese).
ENGLISH_UI = re.compile(
    r"\b(Add a row|Remove this row|Are you sure|Cancel|OK|List Groups|Groups|Login Count|"
    r"Record Count|Search|Refresh|Actions?|Edit|Delete|Show|Back|Save|Select|Remove all items|"
    r"Previous|Next|Page|Logout|Login|Profile|Filter|True|False|Yes|No|Not Found|Forbidden|"
    r"Add Filter|Equal to|Starts with|Contains|Relation|User confirmation needed|Home|List|"
    r"No records found|Internal Server Error)\b"
)
INTERNALS = re.compile(
    r"&lt;\w+: |<\w+: |\bNone\b|__None|\b[0-9a-f]{24}\b|\[\w+\]|\bObjectId\(|\bTrue\b|\bFalse\b"
)


# Permission names ("can list on WindowView", "menu access on Windows") are the stable
# identifiers of Flask-AppBuilder's security screens, shown to the super-administrator only.
PERMISSION_NAME = re.compile(r"(?:can \w+|menu access) on [\w' /]+")


def visible_text(page: str) -> str:
    """What a person reads: text outside tags, scripts and styles, plus titles and
    placeholders."""
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = PERMISSION_NAME.sub(" ", page)
    shown = " ".join(re.findall(r'(?:title|placeholder|alt)="([^"]*)"', page))
    # Option values are not shown; option texts are.
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(text + " " + shown)
