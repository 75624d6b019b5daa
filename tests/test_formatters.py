"""Formatters of list and show pages: one per field kind, none showing a repr, None or an id."""

from __future__ import annotations

import datetime as dt

from bson import ObjectId
from conftest import client_for, module_demo_app
import pytest

from console.datamodel import formatters as fmt
from console.datamodel.interface import MongoEngineInterface
from models import Agency, StaffMember, Window

app = module_demo_app(BABEL_DEFAULT_LOCALE="zh_CN")


def test_text_of_each_kind(app):
    with app.test_request_context():
        assert fmt.text(None) == "" and fmt.text("") == ""
        assert fmt.text(True) == "是" and fmt.text(False) == "否"
        assert fmt.text(dt.date(2026, 10, 1)) == "2026-10-01"
        assert fmt.text(dt.datetime(2026, 10, 1, 8, 30, 5)) == "2026-10-01 08:30"
        assert fmt.text(ObjectId()) == ""
        assert fmt.text(["甲", None, "乙"]) == "甲、乙"


def test_lists_are_lists_of_labels(app):
    with app.app_context():
        window = Window.objects(centre="LY", code="W01").first()
        shown = fmt.as_list(window.items)
    assert shown.startswith('<ul class="ow-list"><li>')
    assert "<ServiceItem" not in shown and "&lt;" not in shown
    assert fmt.as_list([]) == "" and fmt.as_list(None) == ""


def test_centre_by_name_and_shared(app):
    with app.test_request_context():
        assert fmt.centre_name("LY") == "洛阳市民之家"
        assert fmt.centre_name(None) == "各中心共用"


def test_person_is_the_staff_name_behind_a_login(app):
    with app.test_request_context():
        staff = StaffMember.objects(username="ly_clerk").first()
        assert fmt.person("ly_clerk") == staff.name
        assert fmt.person("nobody") == "nobody"
        assert fmt.person(None) == ""
        rendered = app.jinja_env.from_string("{{ 'ly_clerk' | person }}").render()
        assert rendered == staff.name


@pytest.mark.parametrize(("model", "col", "value", "shown"), [
    (Agency, "centre", None, "各中心共用"),
    (Window, "is_open", True, "是"),
    (Window, "kind", "enterprise_opening", "企业开办"),
    (StaffMember, "phone", None, ""),
])
def test_formatter_for_dispatches_on_the_kind(app, model, col, value, shown):
    with app.test_request_context():
        formatter = fmt.formatter_for(MongoEngineInterface(model), col)
        result = str(formatter(value))
    assert result != str(value) or value is None
    if shown is not None:
        assert result == shown


def test_show_pages_use_the_formatters(app):
    client = client_for(app, "ly_admin")
    with app.app_context():
        window = Window.objects(centre="LY", code="W01").first()
        item = window.items[0]
    page = client.get(f"/windowview/show/{window.id}").get_data(as_text=True)
    assert '<ul class="ow-list">' in page and item.name in page
    assert "ServiceItem:" not in page and "洛阳市民之家" in page


def test_case_page_names_people_not_logins(app):
    from models import ServiceItem
    from models import lifecycle as life

    with app.app_context():
        clerk = life.Actor("ly_clerk", frozenset({life.CLERK}), centre="LY")
        window = Window.objects.get(centre="LY", code="W01")
        case = life.open_case(clerk, window=window,
                              items=ServiceItem.objects(code="LY-EO-REG"),
                              mode="single_item", applicant={
                                  "company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
                                  "legal_rep_id": "11010519491231002X",
                                  "phone": "13803791234", "address": "洛阳市洛龙区开元大道218号"})
        name = StaffMember.objects.get(username="ly_clerk").name
    page = client_for(app, "ly_clerk").get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"<td>{name}</td>" in page and "<td>ly_clerk</td>" not in page
