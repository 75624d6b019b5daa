"""The home page by role, with the clock fixed at exact minutes (``ONEWINDOW_NOW``): the
clerk's window today, the approver's agency queue, the complaint handler's deadlines, the
centre's figures, every centre for the super-administrator; tenancy; the visitor's page."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from conftest import client_for, demo_app, page_at, shared_store
import pytest

from models import RosterEntry, ServiceItem, StaffMember, Window
from models import case as c
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.workdays import WorkCalendar, to_utc
from reports import today as t

MJ_CLERK = life.Actor("mj_clerk", frozenset({life.CLERK}), centre="MJ")
LY_CLERK = life.Actor("ly_clerk", frozenset({life.CLERK}), centre="LY")
LY_AMR = life.Actor("ly_approver", frozenset({life.APPROVER}), centre="LY", agency="LY-AMR")
LY_HANDLER = life.Actor("ly_complaints", frozenset({"ComplaintHandler"}), centre="LY")


def cst(*args: int) -> dt.datetime:
    """A China Standard Time wall-clock moment as stored (naive UTC)."""
    return to_utc(dt.datetime(*args))


def accepted_case(actor: life.Actor, company: str, at: dt.datetime) -> c.Case:
    """A partial-chain case (licence and seals) at window W01, accepted at ``at``."""
    window = Window.objects.get(centre=actor.centre, code="W01")
    items = ServiceItem.objects(code__in=[f"{actor.centre}-EO-REG", f"{actor.centre}-EO-SEAL"])
    case = life.open_case(actor, window=window, items=items, mode=c.PARTIAL_CHAIN, now=at,
                          applicant={"company_name": company, "legal_rep_name": "王强",
                                     "legal_rep_id": "11010519491231002X",
                                     "phone": "13803791234", "address": f"{company}大道1号"})
    life.start_review(case, actor, now=at)
    life.record_materials(case, actor, {row.name: (c.RECEIVED, None) for row in case.materials},
                          now=at)
    return life.accept(case, actor, now=at)


def roster(username: str, window_code: str, day: dt.date) -> None:
    staff = StaffMember.objects.get(username=username)
    if not RosterEntry.objects(staff=staff, date=day).first():
        RosterEntry(centre=staff.centre, date=day, shift="full_day", staff=staff,
                    window=Window.objects.get(centre=staff.centre, code=window_code)).save()


@pytest.fixture(scope="module")
def world(request):
    app = demo_app()
    with app.app_context():
        # MJ (no Saturday hours) and LY (Saturday mornings): accepted Friday 20 November 2026
        # 09:29, one working day, so both are due Monday 23 November 09:29.
        mj = accepted_case(MJ_CLERK, "孟津晨光科技有限公司", cst(2026, 11, 20, 9, 29))
        ly = accepted_case(LY_CLERK, "洛阳星河商贸有限公司", cst(2026, 11, 20, 9, 29))
        # Accepted the day before the National Day holiday (1–7 October 2026).
        holiday = accepted_case(LY_CLERK, "洛阳国庆文化有限公司", cst(2026, 9, 30, 9, 29))
        for day in (dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 23)):
            roster("mj_clerk", "W01", day)
        window = Window.objects.get(centre="LY", code="W01")
        complaint = cl.log_complaint(LY_HANDLER, centre="LY", channel="hotline",
                                     category="attitude", description="窗口人员态度生硬",
                                     anonymous=True, subject=window, now=cst(2026, 11, 16, 10, 0))
    with shared_store(request):
        yield app, {"mj": mj, "ly": ly, "holiday": holiday, "complaint": complaint}


def home(app, username: str, now: dt.datetime) -> str:
    return page_at(app, username, "/", now)


def boxes(page: str) -> dict[str, str]:
    """Each box's HTML by its key (up to the next box)."""
    parts = re.split(r'data-ow-box="(\w+)"', page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def count(box: str) -> int:
    return int(re.search(r"data-ow-count>(\d+)<", box).group(1))


def figures(page: str) -> dict[str, int]:
    return {key: int(value) for key, value in
            re.findall(r'data-ow-figure="(\w+)">(?:<a [^>]*>)?(\d+)', page)}


# --- "due soon" at exact minutes -------------------------------------------------------------

WEEKDAYS = {day: [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]
            for day in range(1, 6)}


def test_due_soon_reaches_into_the_next_working_day_after_16_30():
    calendar = WorkCalendar(opening_hours=WEEKDAYS)
    # Tuesday 17 November 2026: before 16:30 today's closing is further than one opening hour.
    assert t.due_soon_until(calendar, cst(2026, 11, 17, 16, 29)) == cst(2026, 11, 17, 17, 30)
    assert t.due_soon_until(calendar, cst(2026, 11, 17, 16, 30)) == cst(2026, 11, 17, 17, 30)
    assert t.due_soon_until(calendar, cst(2026, 11, 17, 16, 31)) == cst(2026, 11, 18, 9, 1)
    # Friday evening: the hour runs on into Monday morning (no Saturday service here).
    assert t.due_soon_until(calendar, cst(2026, 11, 20, 17, 0)) == cst(2026, 11, 23, 9, 30)
    # A holiday (National Day, Friday 2 October 2026): the first hour after the break.
    assert t.due_soon_until(calendar, cst(2026, 10, 2, 10, 0)) == cst(2026, 10, 8, 10, 0)


def test_saturday_service_hours_count_for_due_soon():
    saturday = {**WEEKDAYS, 6: [(dt.time(9), dt.time(12))]}
    calendar = WorkCalendar(opening_hours=saturday)
    assert t.due_soon_until(calendar, cst(2026, 11, 21, 10, 0)) == cst(2026, 11, 21, 11, 0)
    assert t.due_soon_until(calendar, cst(2026, 11, 21, 11, 30)) == cst(2026, 11, 23, 9, 30)


def test_complaints_are_due_soon_until_the_next_working_days_close():
    calendar = WorkCalendar(opening_hours=WEEKDAYS)
    assert (t.complaints_due_soon_until(calendar, cst(2026, 11, 20, 10, 0))
            == cst(2026, 11, 23, 17, 30))
    assert (t.complaints_due_soon_until(calendar, cst(2026, 9, 30, 10, 0))
            == cst(2026, 10, 8, 17, 30))


# --- the clerk ------------------------------------------------------------------------------

def test_the_clerk_sees_the_case_due_soon_from_16_59_friday(world):
    app, cases = world
    number = cases["mj"].number
    assert cases["mj"].due_at == cst(2026, 11, 23, 9, 29)
    before = boxes(home(app, "mj_clerk", cst(2026, 11, 20, 16, 58)))
    assert number not in before["due_soon"] and count(before["due_soon"]) == 0
    assert number in before["open"]
    # At 16:59 the next opening hour ends Monday 09:29 (31 minutes on Friday, 29 on
    # Monday): still not before the deadline; a minute later it is.
    at_1659 = boxes(home(app, "mj_clerk", cst(2026, 11, 20, 16, 59)))
    assert number not in at_1659["due_soon"]
    at_1700 = boxes(home(app, "mj_clerk", cst(2026, 11, 20, 17, 0)))
    assert number in at_1700["due_soon"] and count(at_1700["due_soon"]) == 1
    assert number not in at_1700["overdue"]


def test_saturday_at_a_centre_closed_on_saturdays_and_at_one_open_then(world):
    app, cases = world
    # MJ keeps no Saturday hours: Saturday 10:00 looks to Monday 10:00.
    mj = boxes(home(app, "mj_clerk", cst(2026, 11, 21, 10, 0)))
    assert cases["mj"].number in mj["due_soon"]
    # LY works Saturday mornings: at 10:00 the next hour ends at 11:00, Monday is not near.
    ly = boxes(home(app, "ly_clerk", cst(2026, 11, 21, 10, 0)))
    assert cases["ly"].number not in ly["due_soon"]
    ly = boxes(home(app, "ly_clerk", cst(2026, 11, 21, 11, 30)))
    assert cases["ly"].number in ly["due_soon"]


def test_on_a_holiday_the_case_due_after_the_break_is_due_soon(world):
    app, cases = world
    page = boxes(home(app, "ly_clerk", cst(2026, 10, 2, 10, 0)))
    assert cases["holiday"].due_at == cst(2026, 10, 8, 9, 29)
    assert cases["holiday"].number in page["due_soon"]


def test_overdue_from_the_minute_after_the_deadline(world):
    app, cases = world
    at_deadline = boxes(home(app, "mj_clerk", cst(2026, 11, 23, 9, 29)))
    assert cases["mj"].number in at_deadline["due_soon"]
    assert count(at_deadline["overdue"]) == 0
    late = boxes(home(app, "mj_clerk", cst(2026, 11, 23, 9, 30)))
    assert cases["mj"].number in late["overdue"] and count(late["overdue"]) == 1
    assert cases["mj"].number not in late["due_soon"]


def test_the_clerk_sees_their_rostered_window_and_links_to_its_lists(world):
    app, cases = world
    window = Window.objects.get(centre="MJ", code="W01")
    page = home(app, "mj_clerk", cst(2026, 11, 23, 10, 0))
    assert f"window={window.pk}" in page and "overdue=1" in page
    assert str(window.name) in page
    # Not on the roster that day: every window of the centre, said so.
    with app.app_context():
        RosterEntry.objects(staff=StaffMember.objects.get(username="mj_clerk"),
                            date=dt.date(2026, 11, 24)).delete()
    page = home(app, "mj_clerk", cst(2026, 11, 24, 10, 0))
    assert "not on the roster today" in page


def test_a_clerk_of_mj_never_sees_ly_cases(world):
    app, cases = world
    for moment in (cst(2026, 11, 20, 17, 0), cst(2026, 11, 23, 12, 0), cst(2026, 10, 2, 10, 0)):
        page = home(app, "mj_clerk", moment)
        assert cases["ly"].number not in page and cases["holiday"].number not in page
        assert "洛阳星河" not in page
    ly_page = home(app, "ly_clerk", cst(2026, 11, 23, 12, 0))
    assert cases["ly"].number in ly_page and cases["mj"].number not in ly_page


def test_times_are_shown_in_china_time(world):
    app, cases = world
    page = home(app, "mj_clerk", cst(2026, 11, 23, 9, 0))
    assert "2026-11-23 09:29" in page  # the deadline, not 01:29 UTC
    assert "2026-11-23 09:00" in page  # now, in the heading


def test_ready_late_tolerated_and_delivered_today(world):
    app, _cases = world
    psb = life.Actor("ly_psb", frozenset({life.APPROVER}), centre="LY", agency="LY-PSB")
    with app.app_context():
        # Licence and seals done on Tuesday 17 November: ready for pick-up, then delivered
        # Wednesday 10:00.
        ready = accepted_case(LY_CLERK, "洛阳取件测试有限公司", cst(2026, 11, 17, 9, 0))
        for task, actor, results in (
                ("LY-AMR", LY_AMR, {"licence_number": "豫洛市监登字2026第0099号",
                                    "credit_code": "91410300MA9F12345E"}),
                ("LY-PSB", psb, {"seals": "公章、财务专用章"})):
            key = next(t.key for t in ready.subtasks if t.agency == task)
            ready = life.complete_subtask(ready, actor, key, results,
                                          now=cst(2026, 11, 17, 11, 0))
        assert ready.state == c.READY
        # A 容缺 material promised for Tuesday and not handed in.
        window = Window.objects.get(centre="LY", code="W01")
        items = ServiceItem.objects(code__in=["LY-EO-REG", "LY-EO-SEAL"])
        late = life.open_case(LY_CLERK, window=window, items=items, mode=c.PARTIAL_CHAIN,
                              now=cst(2026, 11, 17, 9, 0), applicant={
                                  "company_name": "洛阳容缺测试有限公司", "legal_rep_name": "王强",
                                  "legal_rep_id": "11010519491231002X", "phone": "13803791234",
                                  "address": "洛阳市洛龙区开元大道9号"})
        life.start_review(late, LY_CLERK, now=cst(2026, 11, 17, 9, 0))
        tolerated = {row.name: (c.TOLERATED, dt.date(2026, 11, 17))
                     if row.requirement == "tolerated" else (c.RECEIVED, None)
                     for row in late.materials}
        assert c.TOLERATED in {state for state, _ in tolerated.values()}
        life.record_materials(late, LY_CLERK, tolerated, now=cst(2026, 11, 17, 9, 0))
        late = life.accept(late, LY_CLERK, now=cst(2026, 11, 17, 9, 5))
    tuesday = boxes(home(app, "ly_clerk", cst(2026, 11, 17, 15, 0)))
    assert ready.number in tuesday["ready"] and late.number not in tuesday["late"]
    wednesday = boxes(home(app, "ly_clerk", cst(2026, 11, 18, 9, 0)))
    assert late.number in wednesday["late"] and "2026-11-17" in wednesday["late"]
    with app.app_context():
        life.deliver(c.Case.objects.get(pk=ready.pk), LY_CLERK, recipient="王强",
                     now=cst(2026, 11, 18, 10, 0))
    shown = figures(home(app, "ly_admin", cst(2026, 11, 18, 12, 0)))
    assert shown["delivered_today"] == 1
    assert figures(home(app, "ly_admin", cst(2026, 11, 19, 0, 0)))["delivered_today"] == 0
    assert ready.number not in boxes(home(app, "ly_clerk", cst(2026, 11, 18, 12, 0)))["ready"]


# --- the approver ---------------------------------------------------------------------------

def test_the_approver_sees_their_agencys_subtasks_due_soon_then_overdue(world):
    app, cases = world
    case = c.Case.objects.get(pk=cases["ly"].pk)
    task = next(task for task in case.subtasks if task.agency == "LY-AMR")
    waiting = next(task for task in case.subtasks if task.agency != "LY-AMR")
    assert waiting.status == c.WAITING
    due = task.deadline
    soon = boxes(home(app, "ly_approver", due - dt.timedelta(minutes=1)))
    assert case.number in soon["due_soon"] and case.number in soon["queue"]
    assert case.number not in soon["overdue"]
    late = boxes(home(app, "ly_approver", due + dt.timedelta(minutes=1)))
    assert case.number in late["overdue"] and case.number not in late["due_soon"]
    # The seal sub-task waits for the licence: the police approver sees it waiting.
    police = boxes(home(app, "ly_psb", due))
    assert case.number in police["waiting"] and count(police["overdue"]) == 0


def test_a_supplement_pauses_the_subtask_out_of_overdue(world):
    app, _cases = world
    with app.app_context():
        case = accepted_case(LY_CLERK, "洛阳补正测试有限公司", cst(2026, 11, 18, 10, 0))
        task = next(task for task in case.subtasks if task.agency == "LY-AMR")
        life.request_supplement(case, LY_AMR, task.key, "请补交股东会决议",
                                now=cst(2026, 11, 18, 10, 30))
    page = boxes(home(app, "ly_approver", cst(2026, 11, 25, 10, 0)))
    assert case.number in page["supplement"]
    assert case.number not in page["overdue"]
    # Another agency's approver at the same centre never sees it on their home page.
    other = home(app, "ly_tax", cst(2026, 11, 25, 10, 0))
    assert case.number not in boxes(other)["supplement"]


# --- the complaint handler ------------------------------------------------------------------

def test_the_complaint_handler_sees_deadlines(world):
    app, cases = world
    complaint = cases["complaint"]
    due = complaint.due_at
    early = boxes(home(app, "ly_complaints", cst(2026, 11, 16, 11, 0)))
    assert complaint.number in early["open"] and complaint.number not in early["due_soon"]
    soon = boxes(home(app, "ly_complaints", due - dt.timedelta(minutes=1)))
    assert complaint.number in soon["due_soon"] and count(soon["overdue"]) == 0
    late = boxes(home(app, "ly_complaints", due + dt.timedelta(minutes=1)))
    assert complaint.number in late["overdue"]
    assert "rectifications" in late
    # The centre's administrator counts it; MJ's administrator none of LY's.
    assert count(boxes(home(app, "ly_admin", due))["complaints_open"]) == 1
    assert count(boxes(home(app, "mj_admin", due))["complaints_open"]) == 0


# --- the centre and all centres -------------------------------------------------------------

def test_the_centres_figures_today(world):
    app, cases = world
    friday = home(app, "mj_admin", cst(2026, 11, 20, 12, 0))
    shown = figures(friday)
    assert shown["accepted_today"] == 1 and shown["open"] == 1 and shown["overdue"] == 0
    assert figures(home(app, "mj_admin", cst(2026, 11, 21, 12, 0)))["accepted_today"] == 0
    monday = home(app, "mj_admin", cst(2026, 11, 23, 12, 0))
    assert figures(monday)["overdue"] == 1
    # The licence sub-task (MJ's market regulation) is overdue; the seals still wait.
    assert 'data-ow-agency="MJ-AMR"' in monday
    assert 'data-ow-agency="LY-AMR"' not in monday
    # The supervisor reads the same figures of their own centre.
    supervisor = home(app, "ly_supervisor", cst(2026, 11, 23, 12, 0))
    assert 'data-ow-agency="LY-AMR"' in supervisor and 'data-ow-agency="MJ-AMR"' not in supervisor


def test_the_super_administrator_sees_every_centre(world):
    app, _cases = world
    page = home(app, "admin", cst(2026, 11, 23, 12, 0))
    rows = dict(re.findall(r'data-ow-centre="(\w+)">(.*?)</tr>', page, re.S))
    assert set(rows) >= {"LY", "MJ"}
    numbers = [int(n) for n in re.findall(r">(\d+)<", rows["MJ"])]
    # One open case at MJ, overdue on Monday noon, holding an overdue sub-task (its licence).
    assert numbers[:3] == [1, 1, 1]


def test_the_dashboard_link_shows_only_when_the_dashboard_exists(world):
    app, _cases = world
    page = home(app, "ly_admin", cst(2026, 11, 23, 12, 0))
    has_dashboard = any(rule.rule == "/dashboard/" for rule in app.url_map.iter_rules())
    assert ("data-ow-dashboard" in page) is has_dashboard


# --- visitors, language, internet -----------------------------------------------------------

def test_a_visitor_gets_the_public_page(world):
    app, _cases = world
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/login/"' in page and 'href="/status/"' in page
    assert "data-ow-box" not in page


def test_the_home_page_speaks_chinese(world):
    app, _cases = world
    client = client_for(app, "ly_clerk")
    client.get("/lang/zh_CN")
    app.config["ONEWINDOW_NOW"] = cst(2026, 11, 23, 12, 0)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        app.config["ONEWINDOW_NOW"] = None
    assert "今日工作" in page and "即将到期" in page and "待取件" in page
    assert "Due soon" not in page and "Show all" not in page


def test_fabs_user_statistics_chart_is_gone(world):
    app, _cases = world
    client = client_for(app, "admin")
    assert client.get("/userstatschartview/chart/").status_code == 404
    assert not [rule.rule for rule in app.url_map.iter_rules() if "userstats" in rule.rule]
    for path in ("/", "/users/list/"):
        assert "google" not in client.get(path).get_data(as_text=True).lower()


@contextlib.contextmanager
def a_minute_overdue(app, world_cases):
    """The console's clock one minute past the MJ case's licence deadline; the case and task."""
    mj = c.Case.objects.get(pk=world_cases["mj"].pk)
    licence = next(task for task in mj.subtasks if task.agency == "MJ-AMR")
    app.config["ONEWINDOW_NOW"] = licence.deadline + dt.timedelta(minutes=1)
    try:
        yield mj, licence
    finally:
        app.config["ONEWINDOW_NOW"] = None


def test_the_dashboard_and_statistics_trace_the_same_overdue_subtasks_now(world):
    app, cases = world
    with a_minute_overdue(app, cases) as (mj, licence):
        admin = client_for(app, "mj_admin")
        dashboard = admin.get("/dashboard/").get_data(as_text=True)
        table = admin.get("/statistics/open_overdue.csv").get_data(as_text=True)
        before = admin.get("/dashboard/?end=2026-11-01").get_data(as_text=True)
    # Traced to agency, step and case, on the dashboard and in the statistics' export alike;
    # the period chosen does not change a snapshot of now.
    row = f'data-ow-overdue="{licence.agency_name}|{licence.item_name}"'
    assert row in dashboard and mj.number in dashboard and row in before
    assert licence.item_name in table and mj.number in table
    # LY's administrator does not see MJ's overdue sub-task.
    with a_minute_overdue(app, cases):
        ly = client_for(app, "ly_admin").get("/dashboard/").get_data(as_text=True)
    assert mj.number not in ly


def test_the_most_overdue_link_to_the_full_list_of_the_centres_own(world):
    """The dashboard and the centre's home page show the most overdue sub-tasks and how many
    cases hold one, linking to the full list; that list is the centre's own, and a clerk (no
    statistics) has none."""
    app, cases = world
    with a_minute_overdue(app, cases) as (mj, licence):
        admin = client_for(app, "mj_admin")
        home_page = admin.get("/").get_data(as_text=True)
        dashboard = admin.get("/dashboard/").get_data(as_text=True)
        full = admin.get("/statistics/overdue-now")
        other = admin.get("/statistics/overdue-now?centre=LY")
        clerk = client_for(app, "ly_clerk").get("/statistics/overdue-now")
        ly = client_for(app, "ly_admin").get("/statistics/overdue-now").get_data(as_text=True)
    for page in (home_page, dashboard):
        assert "/statistics/overdue-now" in page and mj.number in page
        assert f'data-ow-overdue="{licence.agency_name}|{licence.item_name}"' in page
    assert full.status_code == 200
    text = full.get_data(as_text=True)
    assert mj.number in text and licence.item_name in text
    assert "Cases holding an open sub-task overdue now: 1." in text
    assert other.status_code == 404
    assert clerk.status_code in (302, 403)
    assert mj.number not in ly
