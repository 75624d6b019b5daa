"""The page frame: error pages in the console's layout and the user's language, the favicon,
the language switch returning to the page it was used on, and the widgets' locale file."""

from __future__ import annotations

import re

from conftest import client_for, csrf_token, module_demo_app
import pytest

from console.cli import DEMO_PASSWORD
from console.ui import safe_next

app = module_demo_app(BABEL_DEFAULT_LOCALE="zh_CN")


def test_404_is_a_console_page_in_chinese(app):
    client = client_for(app, "ly_clerk")
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in page and "返回首页" in page
    assert "Not Found" not in page
    assert 'class="navbar' in page  # inside the console's layout, menu and all


def test_404_of_another_centres_record_reads_the_same(app):
    client = client_for(app, "mj_clerk")
    response = client.get("/windowview/show/000000000000000000000000")
    assert response.status_code in (302, 404)


def test_403_is_a_console_page_in_chinese(app):
    response = client_for(app, "ly_supervisor").get("/cases/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "您无权打开此页面" in page and 'class="navbar' in page and "Forbidden" not in page


def test_error_pages_follow_the_language(app):
    client = client_for(app, "ly_clerk")
    client.get("/lang/en")
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "Page not found" in page and "页面不存在" not in page


def test_api_errors_stay_json(app):
    client = client_for(app, "ly_clerk")
    response = client.get("/api/v1/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json


def test_favicon(app):
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    page = client_for(app, "ly_clerk").get("/").get_data(as_text=True)
    assert 'rel="icon"' in page


def test_language_switch_returns_to_the_page_it_was_used_on(app):
    client = client_for(app, "ly_clerk")
    page = client.get("/serviceitemview/list/").get_data(as_text=True)
    assert 'href="/lang/en?next=/serviceitemview/list/"' in page
    response = client.get("/lang/en?next=/serviceitemview/list/")
    assert response.status_code == 302 and response.location == "/serviceitemview/list/"
    assert "Service items" in client.get("/serviceitemview/list/").get_data(as_text=True)
    # The menu shows the language in use and offers the other one.
    page = client.get("/serviceitemview/list/").get_data(as_text=True)
    assert 'data-language="zh_CN"' in page and 'data-language="en"' not in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x",
                                    "/\\evil.example", "", None])
def test_language_switch_never_leaves_the_site(app, target):
    assert safe_next(target) is None
    client = client_for(app, "ly_clerk")
    response = client.get("/lang/en", query_string={"next": target} if target else {})
    assert "evil.example" not in response.location


def test_widgets_get_the_page_language(app):
    client = client_for(app, "ly_clerk")
    page = client.get("/rosterentryview/add").get_data(as_text=True)
    assert 'src="/static/onewindow/locale.js" data-locale="zh_CN"' in page
    script = client.get("/static/onewindow/locale.js").get_data(as_text=True)
    assert "星期一" in script and "removeAllItems" in script
    client.get("/lang/en")
    page = client.get("/rosterentryview/add").get_data(as_text=True)
    assert 'data-locale="en"' in page


def test_delete_dialog_is_translated(app):
    page = client_for(app, "ly_admin").get("/windowview/list/").get_data(as_text=True)
    assert "确定要删除这条记录吗？" in page
    assert ">取消<" in page and ">确定<" in page


def test_the_stylesheet_links_follow_the_site_path(app):
    """Drawn once and kept, the layout's stylesheet links still name the path the console is
    served under (a reverse proxy's prefix)."""
    def stylesheets(client, base_url: str = "http://localhost/") -> list[str]:
        html = client.get("/cases/", base_url=base_url).get_data(as_text=True)
        return re.findall(r'<link href="([^"]+)" rel="stylesheet">', html)

    clerk = client_for(app, "ly_clerk")
    plain = stylesheets(clerk)
    assert "/static/onewindow/console.css" in plain and len(plain) >= 10
    assert stylesheets(clerk) == plain
    prefixed = stylesheets(clerk, "http://localhost/yichuang/")
    assert prefixed == ["/yichuang" + href for href in plain]


def test_templates_follow_each_requests_language_and_a_forced_one(app):
    """The catalogue templates translate with is looked up once per request and language: a
    page switches with the request's language, and force_locale (the papers print in the
    centre's language) switches it inside a request and back."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Cases') }}|{{ ngettext('%(num)d case', '%(num)d cases', 2) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        with force_locale("en"):
            assert render_template_string(page).startswith("Cases|")
            with force_locale("zh_CN"):
                assert render_template_string(page).startswith("办件|")
            assert render_template_string(page).startswith("Cases|")
    client = client_for(app, "ly_clerk")
    for language, word, other in (("en", "Overdue only", "仅看逾期"),
                                  ("zh_CN", "仅看逾期", "Overdue only"),
                                  ("en", "Overdue only", "仅看逾期")):
        client.get(f"/lang/{language}")
        html = client.get("/cases/").get_data(as_text=True)
        assert word in html and other not in html


@pytest.mark.parametrize("referrer", [None, "https://evil.example/cases/", "http://localhost/lang/en"])
def test_a_language_switch_opened_directly_lands_home_quietly(app, referrer, caplog):
    client = client_for(app, "ly_clerk")
    client.get("/serviceitemview/list/")  # an older page of the session's history
    headers = {"Referer": referrer} if referrer else {}
    with caplog.at_level("WARNING"):
        response = client.get("/lang/en", headers=headers)
    assert response.status_code == 302 and response.location == "/"
    assert not [record for record in caplog.records if record.levelname != "INFO"]


def test_a_language_switch_returns_to_the_page_that_linked_it(app):
    client = client_for(app, "ly_clerk")
    response = client.get("/lang/en", headers={"Referer": "http://localhost/cases/?state=review"})
    assert response.location == "/cases/?state=review"


def test_signing_in_without_a_target_logs_no_warning(app, caplog):
    with caplog.at_level("WARNING"):
        client_for(app, "ly_clerk")
    assert not [record.getMessage() for record in caplog.records]


def test_a_foreign_target_after_signing_in_is_still_refused(app, caplog):
    client = app.test_client()
    token = csrf_token(client, "/login/")
    with caplog.at_level("WARNING"):
        response = client.post("/login/?next=https://evil.example/", data={
            "username": "ly_clerk", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "evil.example" not in response.location
    assert "Invalid redirect detected" in caplog.text  # a refused target is worth the warning
