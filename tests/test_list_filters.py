"""The case and complaint lists' shared URL filters (``console/views/filters.py``): from/to as
whole days in China, a window only of the user's centre, every bad value named and ignored."""

from __future__ import annotations

import datetime as dt

from conftest import client_for, module_demo_app
import pytest

from console.views.filters import day_range_filter
from models import Window
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.item import ServiceItem

app = module_demo_app()

CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
HANDLER = life.Actor("ly_complaints", frozenset({"ComplaintHandler"}), centre="LY")
APPLICANT = {"legal_rep_name": "王强", "legal_rep_id": "11010519491231002X",
             "phone": "13803791234", "address": "洛阳市洛龙区开元大道9号"}
# 23:59 on Tuesday 10 November 2026 and 00:00 on Wednesday the 11th in Luoyang (naive UTC).
LAST_MINUTE, NEXT_DAY = dt.datetime(2026, 11, 10, 15, 59), dt.datetime(2026, 11, 10, 16, 0)
ONE_DAY = "from=2026-11-10&to=2026-11-10"


def test_from_and_to_are_whole_days_in_china(app):
    problems: list[str] = []
    with app.test_request_context():
        found = day_range_filter({"from": "2026-11-10", "to": " 2026-11-10 "}, "created_at",
                                 problems)
    assert found == {"created_at__gte": dt.datetime(2026, 11, 9, 16, 0),
                     "created_at__lt": NEXT_DAY} and problems == []


@pytest.mark.parametrize(("args", "message"), [
    ({"from": "yesterday"}, "“yesterday” is not a date (YYYY-MM-DD); ignored."),
    ({"to": "2026-02-30"}, "“2026-02-30” is not a date (YYYY-MM-DD); ignored."),
    ({"to": "9999-12-31"}, "“9999-12-31” is outside the dates a list can show; ignored."),
    ({"from": "0001-01-01"}, "“0001-01-01” is outside the dates a list can show; ignored."),
])
def test_a_bad_day_is_named_and_filters_nothing(app, args, message):
    problems: list[str] = []
    with app.test_request_context():
        assert day_range_filter(args, "received_at", problems) == {}
    assert problems == [message]


def _case(app, name: str, at: dt.datetime):
    with app.app_context():
        window = Window.objects.get(centre="LY", code="W01")
        licence = ServiceItem.objects.get(code="LY-EO-REG")
        return life.open_case(CLERK, window=window, items=[licence], mode="single_item",
                              applicant={**APPLICANT, "company_name": name}, now=at)


def _complaint(app, text: str, at: dt.datetime):
    with app.app_context():
        window = Window.objects.get(centre="LY", code="W01")
        return cl.log_complaint(HANDLER, centre="LY", channel="hotline", category="attitude",
                                description=text, subject=window, anonymous=True,
                                received_at=at, now=at)


def test_the_case_list_takes_the_last_minute_of_the_day_and_not_the_next(app):
    inside = _case(app, "日末科技有限公司", LAST_MINUTE)
    after = _case(app, "次日科技有限公司", NEXT_DAY)
    clerk = client_for(app, "ly_clerk")
    page = clerk.get(f"/cases/?state=all&{ONE_DAY}").get_data(as_text=True)
    assert inside.number in page and after.number not in page
    page = clerk.get("/cases/?state=all&from=2026-11-11").get_data(as_text=True)
    assert after.number in page and inside.number not in page


def test_the_complaint_list_takes_the_last_minute_of_the_day_and_not_the_next(app):
    inside, after = _complaint(app, "日末投诉", LAST_MINUTE), _complaint(app, "次日投诉", NEXT_DAY)
    page = client_for(app, "ly_complaints").get(f"/complaints/?{ONE_DAY}").get_data(as_text=True)
    assert inside.number in page and after.number not in page


@pytest.mark.parametrize(("login", "address"), [("ly_clerk", "/cases/?state=all&"),
                                                ("ly_complaints", "/complaints/?")])
def test_a_day_out_of_range_is_named_not_a_server_error(app, login, address):
    response = client_for(app, login).get(f"{address}to=9999-12-31&from=0001-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("is outside the dates a list can show; ignored.") == 2


def test_an_export_with_a_bad_day_is_refused_and_holds_nothing(app):
    clerk = client_for(app, "ly_clerk")
    response = clerk.get("/exports/cases.csv?to=9999-12-31")
    assert response.status_code == 400
    assert "is outside the dates a list can show" in response.get_data(as_text=True)


def test_another_centres_window_is_unknown_and_filters_nothing(app):
    with app.app_context():
        theirs = Window.objects.get(centre="MJ", code="W01")
    case = _case(app, "窗口筛选科技有限公司", LAST_MINUTE)
    clerk = client_for(app, "ly_clerk")
    response = clerk.get(f"/cases/?state=all&{ONE_DAY}&window={theirs.pk}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Unknown window ignored." in page
    assert case.number in page  # the rest of the filters still apply
    page = client_for(app, "ly_complaints").get(f"/complaints/?window={theirs.pk}")
    assert "Unknown window ignored." in page.get_data(as_text=True)


def test_the_messages_are_in_chinese_on_a_chinese_page(app):
    clerk = client_for(app, "ly_clerk")
    clerk.get("/lang/zh_CN")
    page = clerk.get("/cases/?state=all&to=9999-12-31&from=someday").get_data(as_text=True)
    assert "“someday”不是有效日期（YYYY-MM-DD），已忽略。" in page and "超出" in page


def test_a_range_ending_before_it_starts_is_named_not_an_empty_list(app):
    problems: list[str] = []
    with app.test_request_context():
        assert day_range_filter({"from": "2026-11-11", "to": "2026-11-10"}, "created_at",
                                problems) == {}
        # one day, from and to alike, is a range
        assert day_range_filter({"from": "2026-11-10", "to": "2026-11-10"}, "created_at", [])
    assert problems == ["The range starts (2026-11-11) after it ends (2026-11-10); ignored."]
    inside = _case(app, "倒序日期科技有限公司", LAST_MINUTE)
    clerk = client_for(app, "ly_clerk")
    page = clerk.get("/cases/?state=all&from=2026-11-11&to=2026-11-10").get_data(as_text=True)
    assert "The range starts (2026-11-11) after it ends (2026-11-10); ignored." in page
    assert inside.number in page  # the range is ignored, as the message says
    handler = client_for(app, "ly_complaints")
    handler.get("/lang/zh_CN")
    page = handler.get("/complaints/?from=2026-11-11&to=2026-11-10").get_data(as_text=True)
    assert "起始日期（2026-11-11）晚于截止日期（2026-11-10）" in page


@pytest.mark.parametrize(("agency", "named"), [
    ("LY-AMR", False),  # the centre's own
    ("PBC-LY", False),  # shared: the bank serves every centre
    ("MJ-AMR", True),  # another centre's is as unknown as a made-up one
    ("NO-SUCH", True),
])
def test_an_agency_filter_takes_only_an_agency_the_centre_sees(app, agency, named):
    mine = _case(app, f"部门筛选{agency}有限公司", LAST_MINUTE)
    page = client_for(app, "ly_clerk").get(
        f"/cases/?state=all&agency={agency}").get_data(as_text=True)
    assert (f"Unknown agency “{agency}” ignored." in page) is named
    # the licence's case holds a market-regulation sub-task only once accepted: it is listed
    # when the filter is ignored, and not under another agency's filter
    assert (mine.number in page) is named
