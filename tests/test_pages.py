"""Every page each demo role reaches, crawled in zh_CN: Chinese everywhere (no known English UI
word outside data) and no internals on screen (Python reprs, ``None``, ``__None``, ObjectIds)."""

from __future__ import annotations

import re

from conftest import client_for, demo_app, shared_store
import pytest

from models import ServiceItem, Window
from models import case as c
from models import lifecycle as life
from models.workcalendar import today_in_china
from tests.crawl import ENGLISH_UI, INTERNALS, Page, crawl, visible_text

ROLES = ["admin", "ly_admin", "ly_clerk", "ly_approver", "ly_complaints", "ly_supervisor"]

CLERK = life.Actor("ly_clerk", frozenset({life.CLERK}), centre="LY")
APPROVER = life.Actor("ly_approver", frozenset({life.APPROVER}), centre="LY", agency="LY-AMR")


def open_case(company: str):
    window = Window.objects.get(centre="LY", code="W01")
    items = ServiceItem.objects(code__in=["LY-EO-REG", "LY-EO-SEAL"])
    return life.open_case(CLERK, window=window, items=items, mode=c.PARTIAL_CHAIN, applicant={
        "company_name": company, "legal_rep_name": "王强", "legal_rep_id": "11010519491231002X",
        "phone": "13803791234", "address": "洛阳市洛龙区开元大道218号",
    })


def crawl_app():
    """The demo centres in zh_CN with cases in several states."""
    app = demo_app(BABEL_DEFAULT_LOCALE="zh_CN")
    with app.app_context():
        # Cases in several states, so case pages and their sub-tasks are crawled too.
        accepted = open_case("洛阳云帆科技有限公司")
        life.start_review(accepted, CLERK)
        life.record_materials(accepted, CLERK, {
            row.name: (c.TOLERATED, today_in_china()) if row.requirement == "tolerated"
            else (c.RECEIVED, None)
            for row in accepted.materials
        })
        life.accept(accepted, CLERK)
        task = next(t for t in accepted.subtasks if "licence_number" in t.result_fields)
        life.complete_subtask(accepted, APPROVER, task.key,
                              {"licence_number": "豫洛市监登字2026第0001号",
                               "credit_code": "91410300MA9F12345E"})
        returned = open_case("洛阳青禾商贸有限公司")
        life.start_review(returned, CLERK)
        life.return_case(returned, CLERK, note="请携带原件")
        open_case("洛阳远山文化有限公司")
    return app


@pytest.fixture(scope="module")
def app(request):
    made = crawl_app()
    with shared_store(request):
        yield made


def pages_for(app, username: str) -> list[Page]:
    client = client_for(app, username)

    def get(path: str) -> tuple[int, str]:
        response = client.get(path)
        if response.mimetype != "text/html":  # PDFs and downloads are not pages
            return response.status_code, ""
        return response.status_code, response.get_data(as_text=True)

    return list(crawl(get, "/", limit=120, per_shape=2))


@pytest.fixture(scope="module")
def crawled(app) -> dict[str, list[Page]]:
    return {username: pages_for(app, username) for username in ROLES}


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_answers(crawled, username):
    pages = crawled[username]
    assert len(pages) > 3, [page.path for page in pages]
    assert not [(page.path, page.status) for page in pages if page.status != 200]


# Lists of Flask-AppBuilder's view and permission names: identifiers, not interface text.
IDENTIFIER_PAGES = re.compile(r"^/(viewmenus|permissions|permissionviews)/")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_is_in_chinese(crawled, username):
    english = {
        page.path: sorted(set(ENGLISH_UI.findall(visible_text(page.text))))
        for page in crawled[username]
        if not IDENTIFIER_PAGES.match(page.path)
    }
    english = {path: words for path, words in english.items() if words}
    assert not english, english


@pytest.mark.parametrize("username", ROLES)
def test_no_internals_on_screen(crawled, username):
    shown = {
        page.path: sorted(set(INTERNALS.findall(visible_text(page.text))))
        for page in crawled[username]
    }
    shown = {path: found for path, found in shown.items() if found}
    assert not shown, shown


# A native date box is drawn in the browser's own locale (mm/dd/yyyy in a Chinese page, where a
# typed 2026-11-24 is lost): every date box is Flask-AppBuilder's picker, typed YYYY-MM-DD.
NATIVE_DATE_BOX = re.compile(r'<input[^>]*type="(?:date|datetime-local)"')


def test_no_page_draws_a_native_date_box(crawled):
    found = sorted({page.path for pages in crawled.values() for page in pages
                    if NATIVE_DATE_BOX.search(page.text)})
    assert not found, found
    boxes = [page.path for page in crawled["ly_admin"]
             if 'data-date-format="yyyy-mm-dd"' in page.text]
    assert any(path.startswith("/cases/") for path in boxes), boxes
    assert any(path.startswith("/statistics/") for path in boxes), boxes


def test_the_checks_catch_what_they_look_for():
    assert ENGLISH_UI.search(visible_text("<p>List Groups</p>"))
    assert not ENGLISH_UI.search(visible_text('<script>var ok = "Cancel";</script><p>取消</p>'))
    assert INTERNALS.search(visible_text("<td>[&lt;ServiceItem: 设立登记&gt;]</td>"))
    assert INTERNALS.search(visible_text("<td>None</td>"))
    assert INTERNALS.search(visible_text("<td>65f1c2a9e4b0a1b2c3d4e5f6</td>"))
    option = '<option value="65f1c2a9e4b0a1b2c3d4e5f6">W01</option>'
    assert not INTERNALS.search(visible_text(option))
