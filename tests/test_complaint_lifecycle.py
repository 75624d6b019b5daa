"""The complaint lifecycle: the path from receipt to closing, each refusal writing nothing,
numbers per centre, version-guarded writes, and the working-day deadline across National Day."""

from __future__ import annotations

import datetime as dt

import pytest
from test_complaint_factories import (
    CENTRE_ADMIN,
    CLERK,
    HANDLER,
    MJ_HANDLER,
    SUPERVISOR,
    china,
    delivered_case,
    world_fixture,  # noqa: F401 - the "world" fixture
)
from test_models_factories import make_agency, make_item

from models import complaint as m
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.case_numbers import CaseCounter
from models.centre import ServiceCentre
from models.complaint import Complaint


def log(world, actor=CLERK, **overrides):
    fields = dict(centre="LY", channel="window", category="attitude",
                  description="窗口人员态度生硬", subject=world["lina"],
                  complainant_name="张三", complainant_phone="138 0379 1234",
                  received_at=china(2026, 11, 23, 9, 30), now=china(2026, 11, 23, 9, 35))
    fields.update(overrides)
    return cl.log_complaint(actor, **fields)


def stored(complaint) -> dict:
    return Complaint.objects.get(id=complaint.id).to_mongo().to_dict()


def test_the_path_from_receipt_to_closing(world):
    complaint = log(world)
    assert complaint.number == "LY-TS-20261123-0001"
    assert complaint.state == m.RECEIVED and complaint.subject_kind == m.STAFF
    assert complaint.complainant_phone == "13803791234"  # normalised
    cl.investigate(complaint, HANDLER, note="调取监控")
    assert complaint.handler == "ly_complaints"
    cl.resolve(complaint, HANDLER, finding="属实", upheld=True, measures="批评教育，纳入考核")
    cl.close(complaint, HANDLER, informed_via="phone", satisfaction=4, note="已电话告知")
    saved = Complaint.objects.get(id=complaint.id)
    assert saved.state == m.CLOSED and saved.upheld is True and saved.satisfaction == 4
    assert [e.action for e in saved.timeline] == ["log", "investigate", "resolve", "close"]
    assert saved.version == 3
    # The second complaint of the centre on that day, and the case numbers count on their own.
    assert log(world).number == "LY-TS-20261123-0002"
    assert CaseCounter.objects(key="LY-20261123").first() is None


def test_a_case_as_subject_counts_for_its_window(world):
    case = delivered_case(world)
    complaint = log(world, subject=case, category="delay")
    assert complaint.subject_kind == m.CASE and complaint.window == world["w1"]


@pytest.mark.parametrize("actor,action,message", [
    (CLERK, lambda c: cl.investigate(c, CLERK), "role"),  # a clerk resolving / investigating
    (SUPERVISOR, lambda c: cl.investigate(c, SUPERVISOR), "role"),
    (MJ_HANDLER, lambda c: cl.investigate(c, MJ_HANDLER), "another service centre"),
    (HANDLER, lambda c: cl.close(c, HANDLER, informed_via="phone", satisfaction=5), "Not possible"),
    (HANDLER, lambda c: cl.reject(c, HANDLER, ""), "reason"),
])
def test_refusals_on_a_received_complaint_write_nothing(world, actor, action, message):
    complaint = log(world)
    before = stored(complaint)
    with pytest.raises(life.TransitionError, match=message):
        action(complaint)
    assert stored(complaint) == before


def test_a_clerk_cannot_resolve_and_closing_needs_a_finding(world):
    complaint = log(world)
    cl.investigate(complaint, CENTRE_ADMIN)
    before = stored(complaint)
    with pytest.raises(life.AccessDenied):
        cl.resolve(complaint, CLERK, finding="属实", upheld=True, measures="x")
    with pytest.raises(life.TransitionError, match="finding"):
        cl.resolve(complaint, HANDLER, finding=" ", upheld=False)
    with pytest.raises(life.TransitionError, match="upheld"):
        cl.resolve(complaint, HANDLER, finding="属实", upheld=None)
    with pytest.raises(life.TransitionError, match="measures"):
        cl.resolve(complaint, HANDLER, finding="属实", upheld=True, measures="")
    with pytest.raises(life.TransitionError, match="Not possible"):  # closing without a finding
        cl.close(complaint, HANDLER, informed_via="phone", satisfaction=3)
    assert stored(complaint) == before
    cl.resolve(complaint, HANDLER, finding="不属实", upheld=False)
    with pytest.raises(life.TransitionError, match="how the complainant"):
        cl.close(complaint, HANDLER, informed_via="", satisfaction=3)
    assert Complaint.objects.get(id=complaint.id).state == m.RESOLVED


@pytest.mark.parametrize("subject", ["mj_window", "mj_staff"])
def test_a_subject_of_another_centre_is_refused_and_takes_no_number(world, subject):
    with pytest.raises(life.AccessDenied, match="same centre"):
        log(world, subject=world[subject])
    assert Complaint.objects.count() == 0 and CaseCounter.objects.count() == 0


def test_a_case_of_another_centre_as_subject_is_refused(world):
    mj_clerk = life.Actor("mj_clerk", frozenset({"Clerk"}), centre="MJ")
    mj_window = world["mj_window"]
    item = make_item("MJ-EO-REG", agency=make_agency("MJ-AMR", centre="MJ"), centre="MJ",
                     materials=[])
    mj_window.update(push__items=item)
    case = life.open_case(mj_clerk, window=mj_window.reload(), items=[item],
                          applicant={"company_name": "孟津甲公司", "legal_rep_name": "李四",
                                     "legal_rep_id": "11010519491231002X",
                                     "phone": "13803791234", "address": "孟津区"})
    with pytest.raises(life.AccessDenied, match="same centre"):
        log(world, subject=case)
    with pytest.raises(life.AccessDenied, match="own centre"):  # nor for the other centre
        log(world, centre="MJ", subject=case)
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("overrides,message", [
    ({"complainant_name": "", "anonymous": False}, "anonymous"),
    ({"complainant_phone": "1380379"}, "complainant_phone"),
    ({"category": "noise"}, "category"),
    ({"description": ""}, "description"),
    ({"received_at": china(2026, 11, 24, 9, 0)}, "future"),
])
def test_bad_input_is_refused_with_a_message(world, overrides, message):
    with pytest.raises(life.TransitionError, match=message):
        log(world, **overrides)
    assert Complaint.objects.count() == 0


def test_an_anonymous_complaint_keeps_no_personal_data_and_closes_without_a_method(world):
    complaint = log(world, anonymous=True, complainant_name="张三")
    assert complaint.complainant_name is None and complaint.complainant_phone is None
    cl.investigate(complaint, HANDLER)
    cl.resolve(complaint, HANDLER, finding="未能核实", upheld=False)
    cl.close(complaint, HANDLER, informed_via="", satisfaction=None)
    assert Complaint.objects.get(id=complaint.id).state == m.CLOSED


def test_reject_with_a_reason(world):
    complaint = log(world)
    cl.reject(complaint, HANDLER, "不属于本中心受理范围，已转12345")
    saved = Complaint.objects.get(id=complaint.id)
    assert saved.state == m.REJECTED and "12345" in saved.reject_reason
    assert cl.allowed_actions(saved, HANDLER) == []


def test_a_stale_copy_is_refused(world):
    complaint = log(world)
    other = Complaint.objects.get(id=complaint.id)
    cl.investigate(complaint, HANDLER)
    before = stored(complaint)
    with pytest.raises(cl.StaleRecordError, match="ly_complaints"):
        cl.reject(other, CENTRE_ADMIN, "重复投诉")
    assert stored(complaint) == before


def test_allowed_actions_follow_the_table(world):
    complaint = log(world)
    assert cl.allowed_actions(complaint, HANDLER) == ["assign", "investigate", "reject"]
    assert cl.allowed_actions(complaint, CLERK) == []
    assert cl.allowed_actions(complaint, SUPERVISOR) == []
    assert cl.allowed_actions(complaint, MJ_HANDLER) == []


# --- deadlines on the official calendar: National Day 2026 is 1–7 October, with make-up
# working days on Sunday 20 September and Saturday 10 October (chinesecalendar 1.11). --------

@pytest.mark.parametrize("received,days,due", [
    # Wednesday 30 Sep 10:15 + 5 working days: 8, 9, 10 (Sat, make-up), 12, 13 October.
    ((2026, 9, 30, 10, 15), 5, (2026, 10, 13, 10, 15)),
    # Tuesday 29 Sep 16:40 + 3: 30 Sep, 8 Oct, 9 Oct.
    ((2026, 9, 29, 16, 40), 3, (2026, 10, 9, 16, 40)),
    # Received during the holiday (Saturday 3 Oct, a letter): counted from the next opening,
    # Thursday 8 Oct 09:00; + 1 working day is Friday 9 Oct 09:00.
    ((2026, 10, 3, 11, 0), 1, (2026, 10, 9, 9, 0)),
    # Friday 18 Sep 09:30 + 1: Sunday 20 Sep is a make-up working day.
    ((2026, 9, 18, 9, 30), 1, (2026, 9, 20, 9, 30)),
])
def test_deadline_across_national_day(world, received, days, due):
    ServiceCentre.objects(code="LY").update_one(set__complaint_days=days)
    complaint = log(world, received_at=china(*received), now=china(2026, 10, 20, 8, 0))
    assert complaint.due_at == china(*due)
    assert Complaint.objects.get(id=complaint.id).due_at == china(*due)


def test_default_limit_is_five_working_days(world):
    assert ServiceCentre.objects.get(code="LY").complaint_days == 5
    assert cl.due_after("LY", china(2026, 11, 23, 9, 0)) == china(2026, 11, 30, 9, 0)
    assert cl.due_after("LY", dt.datetime(2026, 11, 23, 1, 0)) == dt.datetime(2026, 11, 30, 1, 0)


# --- the date received: not in the future, at most 90 days back, both on China's clock ------

@pytest.mark.parametrize("now,received,accepted", [
    # Five past midnight on Tuesday 24 November in China (still the 23rd in UTC).
    ((2026, 11, 24, 0, 5), (2026, 11, 24, 0, 5), True),
    ((2026, 11, 24, 0, 5), (2026, 11, 24, 0, 6), False),  # a minute ahead: the future
    ((2026, 11, 24, 0, 5), (2026, 8, 26, 0, 0), True),  # 90 days back, from midnight
    ((2026, 11, 24, 0, 5), (2026, 8, 25, 23, 59), False),  # a minute earlier
    # A minute before midnight it is still the 23rd in China: the 25th of August is in.
    ((2026, 11, 23, 23, 59), (2026, 8, 25, 23, 59), True),
    ((2026, 11, 23, 23, 59), (2026, 11, 24, 0, 0), False),  # tomorrow in China
    ((2026, 11, 23, 23, 59), (2020, 11, 23, 9, 0), False),  # six years ago
])
def test_the_date_received_is_within_90_days_and_not_ahead(world, now, received, accepted):
    if accepted:
        complaint = log(world, received_at=china(*received), now=china(*now))
        assert Complaint.objects.get(id=complaint.id).received_at == china(*received)
        return
    with pytest.raises(life.TransitionError, match="future|may not be before") as refused:
        log(world, received_at=china(*received), now=china(*now))
    if china(*received) < china(*now):
        first = "2026-08-26" if now[2] == 24 else "2026-08-25"
        assert f"may not be before {first}" in str(refused.value)
    assert Complaint.objects.count() == 0
