"""The statistics screen, its exports and the centre dashboard: who reads which centre, nothing
written through them, exports with the screen's numbers, and a dashboard that loads nothing
from outside the server."""

from __future__ import annotations

import csv
import html
from html.parser import HTMLParser
import io
import re
import urllib.parse

from conftest import client_for, module_demo_app
from flask import Flask
from openpyxl import load_workbook
import pytest
from tests_support import open_case_for

from models import lifecycle as life

TABLES = ("cases", "stages", "agencies", "open_overdue", "overdue", "returns", "windows",
          "complaints", "ratings")


def _cases(app: Flask) -> None:
    """Two cases at LY (one returned) and one at MJ."""
    clerk = life.Actor("ly_clerk", frozenset({life.CLERK}), centre="LY")
    for _ in range(2):
        case = open_case_for("LY")
    life.start_review(case, clerk)
    life.return_case(case, clerk, note="材料不全")
    open_case_for("MJ")


app = module_demo_app(_cases)


@pytest.mark.parametrize("username", ["ly_admin", "ly_supervisor", "admin"])
def test_administrators_and_supervisors_read_statistics_and_dashboard(app, username):
    client = client_for(app, username)
    for url in ("/statistics/", "/dashboard/"):
        page = client.get(url)
        assert page.status_code == 200, url
    text = client.get("/statistics/").get_data(as_text=True)
    assert "comprehensive window" in text  # the one-window rate is defined on the screen


def test_a_centre_sees_its_own_figures_only(app):
    ly = client_for(app, "ly_admin").get("/statistics/").get_data(as_text=True)
    # LY opened two cases today, MJ one: LY's screen counts its own two.
    assert _cells(ly, "cases")[0][1] == "2"
    everything = client_for(app, "admin").get("/statistics/").get_data(as_text=True)
    assert "table-centres" in everything and _cells(everything, "cases")[0][1] == "3"
    assert "table-centres" not in ly


@pytest.mark.parametrize("url", ["/statistics/", "/dashboard/", "/statistics/cases.csv"])
def test_a_clerk_of_mj_cannot_read_ly(app, url):
    clerk = client_for(app, "mj_clerk")
    assert clerk.get(url).status_code == 403
    assert clerk.get(f"{url}?centre=LY").status_code == 403
    # MJ's administrator reads MJ, and LY's figures are as if they did not exist.
    admin = client_for(app, "mj_admin")
    assert admin.get(f"{url}?centre=LY").status_code == 404
    assert admin.get(f"{url}?centre=MJ").status_code == 200


def test_no_route_of_statistics_or_dashboard_writes(app):
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith(("/statistics", "/dashboard"))]
    assert rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules), rules
    supervisor = client_for(app, "ly_supervisor")
    assert supervisor.post("/statistics/").status_code in (400, 405)
    assert supervisor.get("/statistics/rebuild").status_code == 404


def test_bad_periods_get_a_message_and_no_figures(app):
    client = client_for(app, "ly_admin")
    for query in ("start=2026-13-01", "start=2026-05-02&end=2026-05-01",
                  "start=2024-01-01&end=2026-01-01", "granularity=year"):
        page = client.get(f"/statistics/?{query}")
        assert page.status_code == 400, query
        assert "alert-danger" in page.get_data(as_text=True)
        assert client.get(f"/statistics/cases.csv?{query}").status_code == 400


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
@pytest.mark.parametrize("name", TABLES)
def test_exports_hold_the_numbers_of_the_screen(app, name, granularity):
    client = client_for(app, "ly_admin")
    screen = _cells(client.get(f"/statistics/?granularity={granularity}").get_data(as_text=True),
                    name)
    answer = client.get(f"/statistics/{name}.csv?granularity={granularity}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    assert [[_text(cell) for cell in row] for row in rows] == screen
    book = load_workbook(io.BytesIO(
        client.get(f"/statistics/{name}.xlsx?granularity={granularity}").data))
    sheet = [[_text(cell) for cell in row] for row in book.active.iter_rows(values_only=True)]
    assert sheet[1:] == screen


def test_the_dashboard_loads_nothing_from_outside_the_server(app):
    client = client_for(app, "admin")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert 'data-chart="' in page
    references = re.findall(r'\b(?:src|href|action)="([^"]*)"', page)
    assert references
    for reference in references:
        parts = urllib.parse.urlsplit(html.unescape(reference))
        assert not parts.scheme and not parts.netloc, reference
    assert "//" not in "".join(re.findall(r"url\(([^)]*)\)", page))
    # Every script answers from the package, and so does what the dashboard's module imports.
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    module = next(src for src in scripts if src.endswith("/charts.js"))
    source = client.get(module).get_data(as_text=True)
    for imported in re.findall(r'import [^"]+ from "([^"]+)"', source):
        target = urllib.parse.urljoin(module, imported)
        answer = client.get(target)
        assert answer.status_code == 200 and b"Apache" in answer.data[:2000], target
    for src in scripts:
        assert client.get(src).status_code == 200, src
    # No inline handler and no script without this page's nonce.
    assert not re.search(r"\son[a-z]+=", page)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "nonce=" in tag, tag


def test_the_vendored_charting_library_keeps_its_licence():
    import pathlib

    folder = pathlib.Path(__file__).parent.parent / "console/static/onewindow/vendor/echarts"
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "Apache ECharts" in (folder / "NOTICE").read_text()
    assert (folder / "echarts.esm.min.js").read_text().startswith("\n/*\n* Licensed to the Apache")


# --- reading the screen's tables ---------------------------------------------------------------

class _Table(HTMLParser):
    """The body cells of the statistics table with id ``table-<name>``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.body, self.rows, self.cell = name, False, False, [], None

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id") or ""
        if tag == "div" and ident.startswith("table-"):
            self.inside = ident == f"table-{self.name}"
        elif self.inside and tag == "tbody":
            self.body = True
        elif self.body and tag == "tr":
            self.rows.append([])
        elif self.body and tag == "td":
            self.cell = ""

    def handle_endtag(self, tag):
        if self.body and tag == "td":
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif self.body and tag == "tbody":
            self.body = self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _cells(page: str, name: str) -> list[list[str]]:
    parser = _Table(name)
    parser.feed(page)
    return [[_text(cell) for cell in row] for row in parser.rows]


def _text(value) -> str:
    """A cell as text the screen, CSV and xlsx agree on (the screen shows a dash for none)."""
    if value is None or value in ("", "–"):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def test_stats_rebuild_command_recounts_with_progress_and_refuses_unknown_centres(app):
    client = client_for(app, "admin")
    before = _cells(client.get("/statistics/").get_data(as_text=True), "centres")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "LY: 2 cases" in result.output and "MJ: 1 cases" in result.output
    assert "daily figures rebuilt from 3 cases" in result.output
    assert _cells(client.get("/statistics/").get_data(as_text=True), "centres") == before
    one = runner.invoke(args=["stats", "rebuild", "--centre", "MJ"])
    assert one.exit_code == 0 and "rebuilt from 1 cases" in one.output
    refused = runner.invoke(args=["stats", "rebuild", "--centre", "XX"])
    assert refused.exit_code != 0 and "unknown centre 'XX'" in refused.output
