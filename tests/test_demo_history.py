"""The demo history (`onewindow load-demo --history`): every state, every case valid against the
transition table, deadlines as models.deadlines computes them, tenancy, valid and masked personal
data, reproducible, refusals that write nothing, and a memory run equal to the database path."""

from __future__ import annotations

from collections import Counter
import datetime as dt

from conftest import demo_app
import pytest
from stdnum.cn import ric, uscc

from console import demo_history, storage
from console.audit.models import AuditEntry
from models import case as c
from models import lifecycle as life
from models import transitions as tr
from models.case import Case
from models.complaint import Complaint
from models.deadlines import calendar_for, case_limit, late_tolerated_filter, subtask_deadline_state
from models.item import ServiceItem
from models.rating import Rating, Rectification
from models.staff import StaffMember
from models.workdays import MINUTES, to_china

END = dt.datetime(2026, 11, 20, 7, 30)  # a Friday, 15:30 in Luoyang
CASES = 300
# Seeds whose small histories hold every state the tests look for (the default 5,000 cases
# hold them all with any seed): the memory store's 300 cases, the embedded store's 200.
SEEDS = {"memory": 6, "embedded": 8}


def _load(app, cases, seed):
    with app.app_context():
        return demo_history.load_history(cases=cases, seed=seed, end=END)


@pytest.fixture(autouse=True)
def _no_connection_leaks():
    """The module's history stays connected from one test to the next."""
    yield


@pytest.fixture(scope="module", params=["memory", "embedded"])
def history(request, tmp_path_factory):
    """A demo with history on mongomock and on the embedded store (fewer cases there)."""
    if request.param == "memory":
        app, cases = demo_app(), CASES
    else:
        folder = tmp_path_factory.mktemp("store")
        app, cases = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{folder}"), 200
    report = _load(app, cases=cases, seed=SEEDS[request.param])
    with app.app_context():
        yield app, report
    storage.disconnect()


def _cases():
    return list(Case.objects.order_by("created_at"))


def test_every_state_is_present(history):
    _app, report = history
    cases = _cases()
    assert len(cases) == report.cases
    assert {case.state for case in cases} >= {
        c.COACHING, c.REVIEW, c.RETURNED, c.ACCEPTED, c.READY, c.DELIVERED, c.CLOSED}
    statuses = Counter(task.status for case in cases for task in case.subtasks)
    assert {c.WAITING, c.PENDING, c.IN_PROGRESS, c.DONE, c.DROPPED} <= set(statuses)
    # Returned with a one-time notification, then resubmitted and accepted.
    resubmitted = [case for case in cases if case.returns and case.accepted_at]
    assert resubmitted and all(case.returns[0].materials for case in resubmitted)
    assert any("resubmit" in [e.action for e in case.timeline] for case in resubmitted)
    # Supplements with their pauses, ended ones and the case clock stopped at least once.
    assert any(p.ended_at for case in cases for task in case.subtasks for p in task.pauses)
    assert any(case.clock_pauses for case in cases)
    # Overdue sub-tasks (open ones past their deadline, and done ones finished late).
    calendars = {centre: calendar_for(centre) for centre in ("LY", "MJ")}
    overdue = [task for case in cases for task in case.subtasks
               if subtask_deadline_state(calendars[case.centre], task, END) == c.OVERDUE]
    assert any(task.is_open for task in overdue) and any(not task.is_open for task in overdue)
    assert Case.objects(**late_tolerated_filter(END.date())).count() > 0
    # Follow-up ratings, a few dissatisfied ones with their rectification.
    assert Rating.objects.count() == sum(1 for case in cases if case.state == c.CLOSED)
    assert Rating.objects(score__lte=2).count() == Rectification.objects.count() > 0
    assert Complaint.objects.count() > 0


def test_every_state_including_rejections_on_the_larger_history(history):
    app, _report = history
    if Case.objects.count() < CASES:
        pytest.skip("the embedded store's smaller history")
    states = {case.state for case in _cases()}
    assert {s for s, _ in c.CASE_STATES} <= states
    assert {task.status for case in _cases() for task in case.subtasks} >= {
        c.SUPPLEMENT, c.TASK_REJECTED}
    assert {x.state for x in Complaint.objects} >= {"closed"}


def test_timelines_replay_through_the_transition_table(history):
    for case in _cases():
        events = list(case.timeline)
        assert events[0].action == "open" and events[0].to_state == c.COACHING
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False)), case.number
        state, tasks = c.COACHING, {}
        for event in events[1:]:
            assert event.from_state == state, (case.number, event.action)
            transition = tr.TABLE.get(event.action)
            if transition is not None:
                assert state in transition.states, (case.number, event.action, state)
                if transition.target and not transition.on_subtask:
                    assert event.to_state == transition.target
                if transition.on_subtask:
                    status = tasks.get(event.subtask, c.PENDING)
                    assert status in transition.task_states, (case.number, event.action, status)
                    tasks[event.subtask] = transition.task_target
            else:
                assert event.action == "subtask_ready" and event.to_state == state
            state = event.to_state
        assert state == case.state, case.number
        for task in case.subtasks:
            if task.key in tasks and task.status != c.DROPPED:
                assert tasks[task.key] == task.status, (case.number, task.item)


def test_deadlines_are_those_of_the_working_calendar(history):
    checked = 0
    for case in Case.objects(accepted_at__ne=None):
        calendar = calendar_for(case.centre)
        for task in case.subtasks:
            if not task.ready_at:
                continue
            due = calendar.add(task.ready_at, task.limit, task.limit_unit)
            for pause in task.pauses:
                if pause.ended_at:
                    due = calendar.add(due, calendar.open_minutes_between(
                        pause.started_at, pause.ended_at), MINUTES)
            assert task.deadline == due, (case.number, task.item)
            checked += 1
        if "add_items" not in {e.action for e in case.timeline}:
            # The centre's whole-case limit, or an item's longer promise (a professional item).
            due = max([calendar.add(case.accepted_at, *case_limit(case.centre))] + [
                calendar.add(case.accepted_at, item.promised_limit, item.promised_unit)
                for item in life.items_by_code(case.items)])
            for pause in case.clock_pauses:
                if pause.ended_at:
                    due = calendar.add(due, calendar.open_minutes_between(
                        pause.started_at, pause.ended_at), MINUTES)
            assert case.due_at == due, case.number
    assert checked > 500


def test_cases_open_in_service_hours_on_working_days(history):
    for case in _cases():
        calendar = calendar_for(case.centre)
        local = life._to_china(case.created_at)
        assert calendar.is_working_day(local.date()), case.number
        assert any(opens <= local.time() < closes
                   for opens, closes in calendar.hours_on(local.date())), case.number


def test_each_centre_references_only_its_own_records(history):
    items = {item.code: item.centre for item in ServiceItem.objects}
    logins = {"ly_", "mj_"}
    for case in _cases():
        other = ({"LY", "MJ"} - {case.centre}).pop()
        assert case.window.centre == case.centre and case.number.startswith(case.centre)
        assert all(items[code] in (case.centre, None) for code in case.items)
        assert all(not task.agency.startswith(other + "-") for task in case.subtasks)
        actors = {event.actor for event in case.timeline}
        assert not any(actor.startswith(other.lower() + "_") for actor in actors), case.number
        assert any(actor[:3] in logins for actor in actors)
    for complaint in Complaint.objects:
        subject = complaint.subject()
        assert subject.centre == complaint.centre
        if complaint.window:
            assert complaint.window.centre == complaint.centre
    for rating in Rating.objects:
        assert rating.case.centre == rating.centre == rating.window.centre
        if rating.staff:
            assert rating.staff.centre == rating.centre
    for staff in StaffMember.objects(username__ne=None):
        assert staff.username.startswith(staff.centre.lower() + "_")


def test_personal_data_is_valid_and_stored_as_the_screens_store_it(history):
    cases = _cases()
    for case in cases:
        assert ric.validate(case.legal_rep_id) == case.legal_rep_id
        assert len(case.phone) == 11 and case.phone.isdigit() and case.phone[0] == "1"
        if case.credit_code:
            assert uscc.validate(case.credit_code) == case.credit_code
    assert len({case.legal_rep_id for case in cases}) > 0.95 * len(cases)
    assert sum(1 for case in cases if case.credit_code) > len(cases) // 2


def test_the_load_is_audited_once_as_generated(history):
    entries = list(AuditEntry.objects(document="Case"))
    assert len(entries) == 1 and entries[0].actor == "onewindow load-demo"
    assert "seed" in entries[0].summary


def test_the_statistics_count_the_history_once_it_is_loaded(history):
    # The memory run sends no case_changed: without the rebuild at the end of the load the
    # dashboard of a fresh install would show nothing for the year of cases it holds.
    from models.daily_figures import CENTRE, DailyFigure

    for centre in ("LY", "MJ"):
        rows = DailyFigure.objects(centre=centre, dim=CENTRE)
        opened = sum(row.n.get("opened", 0) for row in rows)
        accepted = sum(row.n.get("accepted", 0) for row in rows)
        assert opened == Case.objects(centre=centre).count() > 0
        assert accepted == sum(
            1 for case in Case.objects(centre=centre).only("timeline")
            for event in case.timeline if event.action == "accept")


def test_some_cases_are_accepted_at_a_professional_window(history):
    # Every history case opened at an enterprise-opening window would pin the dashboard's
    # one-window acceptance rate (一窗受理率) at 100 %: a few single items (a tobacco licence)
    # are taken in at the centre's professional window, as in a real centre.
    from models.choices import COMPREHENSIVE_CODES
    from reports import statistics as st

    start, end = to_china(END - dt.timedelta(days=365)).date(), to_china(END).date()
    for centre in ("LY", "MJ"):
        cases = list(Case.objects(centre=centre))
        professional = [case for case in cases if case.window.kind == "professional"]
        assert 0 < len(professional) < 0.15 * len(cases)
        for case in professional:
            item = ServiceItem.objects.get(code=case.items[0])
            assert case.mode == c.SINGLE_ITEM and len(case.items) == 1
            assert item.window_category == "professional" and case.window.accepts(item)
            assert {task.agency for task in case.subtasks} <= {f"{centre}-TOBACCO"}
        accepted = [case for case in cases if case.accepted_at]
        at_professional = [case for case in accepted if case.window.kind == "professional"]
        assert at_professional  # accepted there, with their sub-task at the tobacco bureau
        one_window = sum(1 for case in accepted if case.window.kind in COMPREHENSIVE_CODES)
        table = st.cases_table(st.Query(centres=(centre,), start=start, end=end,
                                        granularity=st.MONTH))
        total = table.rows[-1]
        assert (total["accepted"], total["accepted_one_window"]) == (len(accepted), one_window)
        assert 0 < total["one_window_rate"] < 100


def test_each_case_is_worked_by_the_clerk_rostered_at_its_window(history):
    # The history's clerks: whoever the demo roster puts on the case's window for that half-day
    # (the roster is the same every working day), each a demo login with a staff record.
    from console.demo_data import DEMO_LOGINS, ROSTER
    from models.choices import SHIFT_HALVES

    logins = {(centre, staff): username for username, role, centre, staff, _agency in DEMO_LOGINS
              if role == "Clerk"}
    rostered = {}
    for centre, pattern in ROSTER.items():
        for window, staff, shift in pattern:
            for half in SHIFT_HALVES[shift]:
                rostered[centre, window, half] = logins.get((centre, staff))
    clerks = set(logins.values())
    openers: Counter = Counter()
    for case in _cases():
        openers[case.centre, case.clerk] += 1
        for event in case.timeline:
            if event.actor in clerks:
                half = "morning" if to_china(event.at).hour < 12 else "afternoon"
                assert event.actor == rostered[case.centre, case.window.code, half], (
                    case.number, event.action, event.actor)
    for centre in ("LY", "MJ"):
        opened_by = {username for (at, username) in openers if at == centre}
        assert len(opened_by) >= 3, (centre, opened_by)  # spread over the centre's clerks
        assert max(openers[centre, u] for u in opened_by) < 0.6 * sum(
            openers[centre, u] for u in opened_by)
        for username in opened_by:
            assert StaffMember.objects(centre=centre, username=username).count() == 1


def test_mj_agencies_work_their_sub_tasks_under_their_own_approver_logins(history):
    from console.demo_data import DEMO_LOGINS

    approvers = {(centre, agency): username for username, role, centre, _staff, agency
                 in DEMO_LOGINS if role == "Approver"}
    for centre in ("LY", "MJ"):
        done = Counter()
        for case in Case.objects(centre=centre):
            keys = {task.key: task.agency for task in case.subtasks}
            for event in case.timeline:
                if event.action == "complete_subtask" and event.subtask in keys:
                    done[keys[event.subtask], event.actor] += 1
        for (agency, actor), _count in done.items():
            if (centre, agency) in approvers:
                assert actor == approvers[centre, agency], (centre, agency, actor)
        assert {agency for agency, _actor in done if (centre, agency) in approvers} >= {
            f"{centre}-AMR", f"{centre}-PSB"}
