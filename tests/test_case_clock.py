"""The case's clock at exact minutes on named dates: sub-task precedence (a seal waits for the
licence and counts from it), the whole-case deadline pausing for 补正 and recomputed when items
are added, and the normal / warning / overdue table."""

from __future__ import annotations

import datetime as dt

import pytest
from test_lifecycle import (  # noqa: F401 - fixtures
    AMR,
    APPLICANT,
    CLERK,
    LICENCE,
    PSB,
    SEALS,
    centre,
    db,
    open_full,
    stored,
)
from test_models_factories import make_agency, make_item, make_window

from models import case as c
from models import lifecycle as life
from models.case import Case
from models.deadlines import (
    calendar_for,
    case_deadline_state,
    deadline_state,
    subtask_deadline_state,
)
from models.item import Material
from models.workdays import MINUTES, WORKING_DAYS, WorkCalendar, to_china, to_utc


@pytest.fixture
def ly(centre):  # noqa: F811 - the LY centre of test_lifecycle
    return centre


def china(*args) -> dt.datetime:
    """A China wall-clock time as the naive UTC the lifecycle takes."""
    return to_utc(dt.datetime(*args))


def local(moment: dt.datetime) -> dt.datetime:
    return to_china(moment)


MONDAY_10 = china(2026, 11, 23, 10, 0)  # an ordinary Monday


def accepted(ly, items=None, mode=c.FULL_CHAIN, at=MONDAY_10):
    items = items or [ly["items"]["licence"], ly["items"]["seal"]]
    case = life.open_case(CLERK, window=ly["window"], items=items, applicant=APPLICANT,
                          mode=mode, now=at - dt.timedelta(minutes=30))
    life.start_review(case, CLERK, now=at - dt.timedelta(minutes=20))
    states = {row.name: (c.RECEIVED, None) for row in case.materials}
    life.record_materials(case, CLERK, states, now=at - dt.timedelta(minutes=10))
    return life.accept(case, CLERK, now=at)


def task_of(case, item_code):
    return next(t for t in stored(case).subtasks if t.item == item_code)


def test_seal_waits_for_the_licence_and_counts_from_its_completion(ly):
    case = accepted(ly)
    licence, seal = task_of(case, "EO-REG"), task_of(case, "EO-SEAL")
    assert local(licence.deadline) == dt.datetime(2026, 11, 23, 12, 0)  # 2 working hours
    assert seal.status == c.WAITING and seal.deadline is None
    assert stored(case).open_agencies == ["AMR", "PSB"]
    # Nobody counts the seal late while it waits for market regulation.
    cal = calendar_for("LY")
    assert subtask_deadline_state(cal, seal, china(2026, 11, 25, 10, 0)) == c.NORMAL

    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError, match="waits for"):
        life.complete_subtask(case, PSB, seal.key, SEALS, now=china(2026, 11, 23, 10, 5))
    with pytest.raises(life.TransitionError, match="waits for"):
        life.start_subtask(case, PSB, seal.key, now=china(2026, 11, 23, 10, 5))
    assert stored(case).to_mongo().to_dict() == before

    # The licence is done ten minutes before lunch: 20 minutes of seal run to 13:40.
    life.complete_subtask(case, AMR, licence.key, LICENCE, now=china(2026, 11, 23, 11, 50))
    seal = task_of(case, "EO-SEAL")
    assert seal.status == c.PENDING
    assert local(seal.ready_at) == dt.datetime(2026, 11, 23, 11, 50)
    assert local(seal.deadline) == dt.datetime(2026, 11, 23, 13, 40)
    assert "subtask_ready" in [e.action for e in stored(case).timeline]
    life.complete_subtask(case, PSB, seal.key, SEALS, now=china(2026, 11, 23, 13, 35))
    assert stored(case).state == c.READY


def test_subtask_without_predecessor_on_the_case_starts_at_once(ly):
    items = ly["items"]
    case = accepted(ly, items=[items["licence"]], mode=c.PARTIAL_CHAIN)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE,
                          now=china(2026, 11, 23, 11, 0))
    # A week later the seal follows a licence already done: it starts when added.
    life.add_items(case, CLERK, [items["seal"]], now=china(2026, 11, 30, 9, 0))
    seal = task_of(case, "EO-SEAL")
    assert seal.status == c.PENDING and local(seal.deadline) == dt.datetime(2026, 11, 30, 9, 20)


def test_case_clock_pauses_while_every_open_subtask_waits_for_the_applicant(ly):
    case = accepted(ly, items=[ly["items"]["licence"]], mode=c.PARTIAL_CHAIN)
    assert local(case.due_at) == dt.datetime(2026, 11, 24, 10, 0)  # one working day
    key = case.subtasks[0].key
    life.request_supplement(case, AMR, key, "请补充股东会决议", now=china(2026, 11, 23, 11, 0))
    assert stored(case).clock_paused
    assert local(stored(case).clock_stopped_at) == dt.datetime(2026, 11, 23, 11, 0)
    # The list's "overdue only" query leaves a case whose clock the applicant holds.
    late_query = {"state": c.ACCEPTED, "due_at__lt": china(2026, 11, 24, 10, 30)}
    assert not Case.objects(**late_query, clock_stopped_at=None)
    cal = calendar_for("LY")
    # Past the original due time, the case is not overdue: the applicant holds the clock.
    assert case_deadline_state(cal, stored(case), china(2026, 11, 24, 10, 30)) == c.NORMAL
    life.record_supplement(case, AMR, key, now=china(2026, 11, 24, 11, 0))
    final = stored(case)
    assert not final.clock_paused and final.clock_pauses[0].ended_at
    assert final.clock_stopped_at is None
    # Paused Mon 11:00 → Tue 11:00 = 60 + 240 + 120 = 420 opening minutes, moved exactly.
    assert local(final.due_at) == dt.datetime(2026, 11, 25, 10, 0)
    assert local(final.subtasks[0].deadline) == dt.datetime(2026, 11, 24, 12, 0)
    assert case_deadline_state(cal, final, china(2026, 11, 25, 9, 59)) == c.WARNING
    assert case_deadline_state(cal, final, china(2026, 11, 25, 10, 1)) == c.OVERDUE


def test_withdrawing_a_paused_case_stops_the_pause_and_is_not_overdue(ly):
    case = accepted(ly, items=[ly["items"]["licence"]], mode=c.PARTIAL_CHAIN)
    life.request_supplement(case, AMR, case.subtasks[0].key, "请补充股东会决议",
                            now=china(2026, 11, 23, 11, 0))
    life.withdraw(case, CLERK, "申请人撤回", now=china(2026, 11, 25, 11, 0))
    final = stored(case)
    assert not final.clock_paused and final.clock_stopped_at is None
    assert case_deadline_state(calendar_for("LY"), final, china(2026, 11, 30, 9, 0)) == c.NORMAL


def test_case_clock_runs_while_another_subtask_is_worked(ly):
    case = accepted(ly)
    licence = task_of(case, "EO-REG")
    life.complete_subtask(case, AMR, licence.key, LICENCE, now=china(2026, 11, 23, 10, 30))
    seal = task_of(case, "EO-SEAL")
    life.request_supplement(case, PSB, seal.key, "印模不清", now=china(2026, 11, 23, 10, 40))
    assert stored(case).clock_paused  # the only open sub-task waits for the applicant
    life.record_supplement(case, PSB, seal.key, now=china(2026, 11, 23, 10, 50))
    assert local(stored(case).due_at) == dt.datetime(2026, 11, 24, 10, 10)


def test_adding_items_recomputes_the_case_deadline(ly):
    items = ly["items"]
    case = accepted(ly, items=[items["licence"]], mode=c.PARTIAL_CHAIN)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE,
                          now=china(2026, 11, 23, 11, 0))
    assert stored(case).state == c.READY
    added_at = china(2026, 11, 25, 9, 30)
    life.add_items(case, CLERK, [items["bank"]], now=added_at)
    final = stored(case)
    assert final.state == c.ACCEPTED
    assert local(final.due_at) == dt.datetime(2026, 11, 26, 9, 30)
    cal = calendar_for("LY")
    assert case_deadline_state(cal, final, added_at + dt.timedelta(minutes=1)) == c.NORMAL
    bank = task_of(case, "EO-BANK")
    assert local(bank.deadline) == dt.datetime(2026, 11, 25, 11, 30)


def test_a_case_is_due_no_sooner_than_its_longest_promised_item(ly):
    # A tobacco retail licence promised in 10 working days, taken alone at a professional
    # window: the centre's one working day would make it late on its second day.
    bureau = make_agency("TOBACCO", name="烟草专卖局")
    tobacco = make_item("LY-P-TOBACCO", agency=bureau, name="烟草专卖零售许可",
                        window_category="professional", statutory_limit=20, promised_limit=10,
                        promised_unit=WORKING_DAYS,
                        materials=[Material(name="烟草专卖零售许可证申请表")])
    window = make_window("P01", name="烟草专卖许可专业窗口", kind="professional", agency=bureau,
                         items=[tobacco])
    case = accepted({**ly, "window": window}, items=[tobacco], mode=c.SINGLE_ITEM)
    final = stored(case)
    # 24, 25, 26, 27, 30 Nov, 1, 2, 3, 4, 7 Dec: the tenth working day, Monday 7 December.
    assert local(final.due_at) == dt.datetime(2026, 12, 7, 10, 0)
    cal = calendar_for("LY")
    assert case_deadline_state(cal, final, china(2026, 11, 24, 10, 1)) == c.NORMAL
    assert case_deadline_state(cal, final, china(2026, 12, 7, 10, 0)) == c.WARNING
    assert case_deadline_state(cal, final, china(2026, 12, 7, 10, 1)) == c.OVERDUE


def test_the_centre_limit_stands_when_every_item_is_quicker(ly):
    case = accepted(ly)  # licence (2 hours) and seals (20 minutes after it): one working day
    assert local(stored(case).due_at) == dt.datetime(2026, 11, 24, 10, 0)


# --- the state table -------------------------------------------------------------------------
# Default hours 09:00-12:00 and 13:30-17:30. Start Mon 23 Nov 2026 09:00, 100 opening minutes:
# due 10:40, warning from 80 % (80 minutes) = 10:20.
CAL = WorkCalendar()
START = china(2026, 11, 23, 9, 0)
DUE = CAL.add(START, 100, MINUTES)


@pytest.mark.parametrize("at,expected", [
    ((9, 0), c.NORMAL),
    ((10, 19), c.NORMAL),
    ((10, 20), c.WARNING),
    ((10, 39), c.WARNING),
    ((10, 40), c.WARNING),  # the due minute itself is still on time
    ((10, 41), c.OVERDUE),
    ((13, 0), c.OVERDUE),
])
def test_deadline_state_at_exact_minutes(at, expected):
    assert local(DUE) == dt.datetime(2026, 11, 23, 10, 40)
    assert deadline_state(CAL, START, DUE, china(2026, 11, 23, *at), 80) == expected


def test_finished_on_time_stays_normal_and_late_stays_overdue():
    assert deadline_state(CAL, START, DUE, china(2026, 11, 24, 9, 0), 80,
                          finished=china(2026, 11, 23, 10, 0)) == c.NORMAL
    assert deadline_state(CAL, START, DUE, china(2026, 11, 23, 10, 0), 80,
                          finished=china(2026, 11, 23, 10, 45)) == c.OVERDUE


@pytest.mark.parametrize("start,amount,unit,expected", [
    # 90 minutes from 16:00 end exactly at closing, the same day (not the next morning).
    ((2026, 11, 23, 16, 0), 90, MINUTES, (2026, 11, 23, 17, 30)),
    ((2026, 11, 23, 16, 0), 91, MINUTES, (2026, 11, 24, 9, 1)),
    ((2026, 11, 23, 11, 50), 20, MINUTES, (2026, 11, 23, 13, 40)),
    ((2026, 11, 23, 10, 0), 1, WORKING_DAYS, (2026, 11, 24, 10, 0)),
    ((2026, 11, 27, 10, 0), 1, WORKING_DAYS, (2026, 11, 30, 10, 0)),  # Friday → Monday
    # The 2026 National Day holiday (1-7 Oct): Wednesday 30 Sep + 1 working day is 8 Oct.
    ((2026, 9, 30, 10, 0), 1, WORKING_DAYS, (2026, 10, 8, 10, 0)),
])
def test_deadline_arithmetic(start, amount, unit, expected):
    assert local(CAL.add(china(*start), amount, unit)) == dt.datetime(*expected)


def test_working_day_deadline_clips_to_a_shorter_day():
    """Thursday 17:00 + 1 working day at a ly closing at 16:00 on Fridays: Friday 16:00."""
    hours = {day: [(dt.time(9), dt.time(17, 30))] for day in (1, 2, 3, 4)}
    hours[5] = [(dt.time(9), dt.time(16))]
    cal = WorkCalendar(opening_hours=hours)
    due = cal.add(china(2026, 11, 26, 17, 0), 1, WORKING_DAYS)
    assert local(due) == dt.datetime(2026, 11, 27, 16, 0)
