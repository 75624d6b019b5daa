"""Labels as the centre's staff read them in Chinese: each says what its field holds (a date
range is not a state change, a count not a time), no column is named twice, and names are
shown rather than codes and placeholders."""

from __future__ import annotations

import csv
import io
import re

from conftest import client_for, module_demo_app

from models.window import Window
from reports.statistics import window_names

app = module_demo_app(BABEL_DEFAULT_LOCALE="zh_CN")


def page(app, username: str, url: str) -> str:
    response = client_for(app, username).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_menu_bar_names_the_user_without_the_stored_placeholder(app):
    html = page(app, "ly_clerk", "/")
    # The demo clerk's login holds the staff name 李娜 and "-" as the last name FAB requires.
    assert re.search(r'fa-user"></span>\s*李娜\s*<b', html), "李娜 not alone in the menu bar"
    assert "李娜 -" not in html


def test_a_period_is_asked_as_start_and_end_dates_not_as_states(app):
    for username, url in (("ly_supervisor", "/dashboard/"), ("ly_supervisor", "/statistics/"),
                          ("ly_admin", "/reviews/new"), ("ly_admin", "/reviews/")):
        html = page(app, username, url)
        assert "起始日期" in html and "截止日期" in html, url
        assert "原状态" not in html and "新状态" not in html, url


def test_the_statistics_count_of_opened_cases_is_not_called_a_time(app):
    # The cases table's columns, as its export writes them (the screen shows them when a
    # period holds cases).
    response = client_for(app, "ly_supervisor").get("/statistics/cases.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert "新建办件" in header and "创建时间" not in header


def test_no_export_names_two_columns_alike(app):
    client = client_for(app, "ly_supervisor")
    for language in ("zh_CN", "en"):
        client.get(f"/lang/{language}")
        for name in ("cases", "complaints", "staff", "rosters", "items", "windows"):
            response = client.get(f"/exports/{name}.csv")
            assert response.status_code == 200, name
            header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
            assert len(header) == len(set(header)), (language, name, header)


def test_the_approvers_home_names_the_agency(app):
    html = page(app, "ly_approver", "/")
    assert "本部门工作：洛阳市市场监督管理局" in html


def test_the_user_form_helps_in_chinese(app):
    # Flask-AppBuilder's own help texts under the user form's fields, left English by its
    # catalog (one fuzzy, two missing).
    for url in ("/users/add",):
        html = page(app, "admin", url)
        assert "不建议删除用户" in html and "用户登录时认证所用的密码" in html, url
        assert "用户所属的用户组" in html, url
        for english in ("good policy", "password for authentication", "The user group on"):
            assert english not in html, (url, english)


def test_a_configuration_forms_options_follow_the_language_of_each_request(app):
    # The add forms are built once per process; their options must not keep the language of
    # that moment (English pages showed 市场监管, 上午, 企业开办).
    admin = client_for(app, "ly_admin")
    for language, expected, other in (("zh_CN", ["市场监管", "人民银行"], "Market regulation"),
                                      ("en", ["Market regulation", "People's bank"], "市场监管"),
                                      ("zh_CN", ["市场监管", "人民银行"], "Market regulation")):
        admin.get(f"/lang/{language}")
        html = admin.get("/agencyview/add").get_data(as_text=True)
        options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
        assert all(label in options for label in expected), (language, options)
        assert other not in options, (language, options)
    admin.get("/lang/en")
    shifts = admin.get("/rosterentryview/add").get_data(as_text=True)
    assert "Full day" in shifts and "全天" not in shifts


def test_statistics_name_a_window_by_its_counter_number_as_every_other_screen(app):
    with app.app_context():
        window = Window.objects.get(centre="LY", code="W01")
        assert window.counter != window.code  # A01 at the counter, W01 in the records
        assert window_names(["LY"])[str(window.pk)] == f"{window.counter} {window.name}"


def test_windows_are_offered_in_counter_order(app):
    # By record code the tobacco window (P01, counter E01) came first: the week roster opened on
    # it (nobody rostered) and the new-case form listed it above A01.
    admin = client_for(app, "ly_admin")
    week = admin.get("/roster/week/").get_data(as_text=True)
    chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", week)
    assert chosen and chosen.group(1).startswith("A01"), chosen
    form = client_for(app, "ly_clerk").get("/cases/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="window".*?</select>', form, re.S).group(0)
    counters = [label.split()[0] for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]
    assert counters == sorted(counters) and counters[0] == "A01", counters


def test_the_week_roster_names_each_day_of_the_week(app):
    page_ = page(app, "ly_admin", "/roster/week/?day=2026-11-25")
    for day, name in (("2026-11-23", "星期一"), ("2026-11-28", "星期六"), ("2026-11-29", "星期日")):
        assert re.search(rf"<td>{day} {name}</td>", page_), day
