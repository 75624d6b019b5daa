"""容缺 that binds: a promise within the item's allowance in working days, late 容缺 found by an
indexed query, delivery withheld while a blocking material is overdue, and nothing at all done
on a closed or withdrawn case."""

from __future__ import annotations

import datetime as dt

import pytest
from test_case_clock import MONDAY_10, china, task_of
from test_lifecycle import (  # noqa: F401 - fixtures
    AMR,
    CLERK,
    LICENCE,
    PSB,
    SEALS,
    centre,
    db,
    open_full,
    stored,
)

from models import case as c
from models import lifecycle as life
from models.case import Case
from models.deadlines import late_tolerated_filter

HOUSE = "住所使用证明"


@pytest.fixture
def ly(centre):  # noqa: F811 - the LY centre of test_lifecycle
    return centre


def unchanged(case, attempt, match=None):
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError, match=match):
        attempt()
    assert stored(case).to_mongo().to_dict() == before


def reviewed(ly, promised, at=MONDAY_10):
    case = open_full(ly)
    life.start_review(case, CLERK, now=at)
    states = {row.name: (c.RECEIVED, None) for row in case.materials}
    states[HOUSE] = (c.TOLERATED, promised)
    return life.record_materials(case, CLERK, states, now=at)


@pytest.mark.parametrize("promised", [
    dt.date(2027, 12, 31),  # far beyond the 3 working days the item allows
    dt.date(2026, 11, 27),  # Mon 23 + 3 working days is Thu 26: one day too late
    dt.date(2026, 11, 22),  # in the past
])
def test_promise_outside_the_allowance_is_refused_and_writes_nothing(ly, promised):
    case = open_full(ly)
    life.start_review(case, CLERK, now=MONDAY_10)
    unchanged(case, lambda: life.record_materials(
        case, CLERK, {HOUSE: (c.TOLERATED, promised)}, now=MONDAY_10),
        match="between 2026-11-23 and 2026-11-26")


def test_promise_counts_working_days_over_a_weekend(ly):
    friday = china(2026, 11, 27, 10, 0)
    case = reviewed(ly, dt.date(2026, 12, 2), at=friday)  # Fri + 3 working days = Wed 2 Dec
    assert stored(case).tolerated_due == dt.date(2026, 12, 2)
    case = open_full(ly)
    life.start_review(case, CLERK, now=friday)
    with pytest.raises(life.TransitionError):
        life.record_materials(case, CLERK, {HOUSE: (c.TOLERATED, dt.date(2026, 12, 3))},
                              now=friday)


def ready(ly, promised=dt.date(2026, 11, 26)):
    case = reviewed(ly, promised)
    life.accept(case, CLERK, now=MONDAY_10)
    life.complete_subtask(case, AMR, task_of(case, "EO-REG").key, LICENCE,
                          now=MONDAY_10 + dt.timedelta(minutes=30))
    life.complete_subtask(case, PSB, task_of(case, "EO-SEAL").key, SEALS,
                          now=MONDAY_10 + dt.timedelta(minutes=40))
    assert stored(case).state == c.READY
    return stored(case)


def test_delivery_is_refused_while_a_blocking_tolerated_material_is_overdue(ly):
    case = ready(ly)
    friday = china(2026, 11, 27, 10, 0)
    unchanged(case, lambda: life.deliver(case, CLERK, recipient="王强", now=friday),
              match=HOUSE)
    # On the promised day itself it is not overdue yet.
    life.receive_tolerated(case, CLERK, HOUSE, now=friday)
    life.deliver(case, CLERK, recipient="王强", now=friday)
    assert stored(case).state == c.DELIVERED


def test_delivery_on_the_promised_day_is_allowed(ly):
    case = ready(ly)
    life.deliver(case, CLERK, recipient="王强", now=china(2026, 11, 26, 16, 0))
    assert stored(case).state == c.DELIVERED


def test_late_tolerated_cases_are_found_by_the_indexed_field(ly):
    late = ready(ly, promised=dt.date(2026, 11, 24))
    on_time = ready(ly, promised=dt.date(2026, 11, 26))
    found = Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 11, 25)))
    assert [case.number for case in found] == [late.number]
    life.receive_tolerated(late, CLERK, HOUSE, now=china(2026, 11, 25, 9, 0))
    assert stored(late).tolerated_due is None
    assert not Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 11, 25)))
    assert on_time.tolerated_due == dt.date(2026, 11, 26)
    assert ("centre", "tolerated_due") in [tuple(i) if isinstance(i, tuple) else None
                                           for i in Case._meta["indexes"]]


@pytest.mark.parametrize("attempt", [
    lambda case: life.receive_tolerated(case, CLERK, HOUSE),
    lambda case: life.withdraw(case, CLERK, "again"),
    lambda case: life.deliver(case, CLERK, recipient="王强"),
    lambda case: life.record_materials(case, CLERK, {HOUSE: (c.RECEIVED, None)}),
    lambda case: life.add_items(case, CLERK, []),
    lambda case: life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE),
    lambda case: life.close(case, CLERK, method="call", note="x", rating=5),
])
@pytest.mark.parametrize("end", ["withdraw", "close"])
def test_any_action_on_a_withdrawn_or_closed_case_is_refused(ly, attempt, end):
    case = ready(ly)
    if end == "withdraw":
        life.withdraw(case, CLERK, "申请人撤回", now=china(2026, 11, 23, 15, 0))
    else:
        life.deliver(case, CLERK, recipient="王强", now=china(2026, 11, 23, 15, 0))
        life.close(case, CLERK, method="call", note="满意", rating=5,
                   now=china(2026, 11, 23, 16, 0))
    unchanged(case, lambda: attempt(case), match="Not possible")


def accepted_then_refused(ly):
    """An accepted case with a 容缺 promise for Tue 24 Nov whose licence the agency refused."""
    case = reviewed(ly, dt.date(2026, 11, 24))
    life.accept(case, CLERK, now=MONDAY_10)
    return life.reject_subtask(case, AMR, task_of(case, "EO-REG").key, "名称不予登记",
                               now=MONDAY_10 + dt.timedelta(minutes=30))


@pytest.mark.parametrize("end", ["withdraw", "close_rejected"])
def test_a_rejected_or_withdrawn_case_owes_no_tolerated_material(ly, end):
    # The applicant of an ended case will never hand the material in: it leaves the late list.
    case = accepted_then_refused(ly)
    getattr(life, end)(case, CLERK, "不予办理", now=china(2026, 11, 23, 15, 0))
    assert stored(case).tolerated_due is None
    assert not Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 12, 25)))


def test_a_delivered_case_still_owes_its_tolerated_material(ly):
    case = ready(ly, promised=dt.date(2026, 11, 26))
    life.deliver(case, CLERK, recipient="王强", now=china(2026, 11, 26, 16, 0))
    found = Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 11, 27)))
    assert [row.number for row in found] == [case.number]


def test_init_clears_tolerated_due_on_ended_cases_already_stored(ly):
    from console.provision import refresh_derived

    case = accepted_then_refused(ly)
    life.close_rejected(case, CLERK, "不予办理", now=china(2026, 11, 23, 15, 0))
    # As an older release stored it: the promise still on the rejected case.
    Case._get_collection().update_one({"_id": case.pk},
                                      {"$set": {"tolerated_due": dt.datetime(2026, 11, 24)}})
    version = stored(case).version
    assert Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 11, 25))).count() == 1
    assert refresh_derived() >= 1
    assert stored(case).tolerated_due is None and stored(case).version == version
    assert not Case.objects(centre="LY", **late_tolerated_filter(dt.date(2026, 11, 25)))
