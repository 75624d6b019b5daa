"""Open sub-tasks overdue right now (超时间、超环节溯源), at exact minutes on Tuesday 5 January
2027, the first days after the 元旦 break: the snapshot counts sub-tasks whose clock runs and whose
deadline has passed (not those waiting for earlier items, not those paused for 补正, not those
done late, which the daily figures count on the day they are done), traced to agency, step and
case; one range on the ``(centre, task_due)`` index finds them, on mongomock and on the embedded
store in strict mode. Opening hours 09:00–12:00 and 13:30–17:30, China time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_daily_figures_differential import (  # noqa: F401  (fixtures)
    APPLICANT,
    APPROVERS,
    ARTICLES,
    CLERK,
    FORM,
    PREMISES,
    RESULTS,
    catalogue,
    store,
)
from test_models_factories import db  # noqa: F401

from console.storage import planner
from models import case as c
from models import lifecycle as life
from models.case import Case
from models.daily_figures import DailyFigure, rebuild_figures
from models.workdays import to_utc
from reports import statistics as st
from reports import today as t


def at(hour: int, minute: int = 0) -> dt.datetime:
    """Tuesday 5 January 2027, China time, as stored (naive UTC)."""
    return to_utc(dt.datetime(2027, 1, 5, hour, minute))


def accepted(known: dict, items: list[str], when: dt.datetime, mode=c.PARTIAL_CHAIN) -> Case:
    case = life.open_case(CLERK, window=known["window"],
                          items=[known[name] for name in items], mode=mode,
                          applicant=APPLICANT, now=when)
    life.start_review(case, CLERK, now=when)
    life.record_materials(case, CLERK, {name: (c.RECEIVED, None)
                                        for name in (FORM, ARTICLES, PREMISES)}, now=when)
    return life.accept(case, CLERK, now=when)


def task_of(case: Case, item: str) -> c.SubTask:
    return next(task for task in case.subtasks if task.item == item)


@pytest.fixture
def cases(catalogue):  # noqa: F811  (the imported fixture)
    # A: licence due 11:00 (two working hours), started by amr1 at 09:10; seals waiting for it
    # (no clock, no deadline).
    a = accepted(catalogue, ["reg", "seal"], at(9))
    life.start_subtask(a, APPROVERS["AMR"], task_of(a, "EO-REG").key, now=at(9, 10))
    # B: licence due 11:30, paused for 补正 10:00–10:30, so due 12:00.
    b = accepted(catalogue, ["reg"], at(9, 30), mode=c.SINGLE_ITEM)
    life.request_supplement(b, APPROVERS["AMR"], b.subtasks[0].key, "请补充股东会决议",
                            now=at(10))
    # C: licence done 10:00 on time; its seals may start then, due 10:20.
    cc = accepted(catalogue, ["reg", "seal"], at(9))
    life.complete_subtask(cc, APPROVERS["AMR"], task_of(cc, "EO-REG").key, RESULTS["EO-REG"],
                          now=at(10))
    return {"a": a, "b": b, "c": cc}


def stored(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def snapshot(now: dt.datetime) -> list[tuple]:
    with planner.strict():
        rows = t.overdue_subtasks(Case.objects(centre="LY"), now)
    return [(row["number"], row["item"]) for row in rows]


def test_task_due_is_the_earliest_running_deadline(cases):
    a, b, cc = cases["a"], cases["b"], cases["c"]
    assert stored(a).task_due == at(11)  # the seals wait: no clock yet
    assert stored(b).task_due is None  # paused for 补正: the applicant's time
    assert stored(cc).task_due == at(10, 20)
    life.record_supplement(b, APPROVERS["AMR"], b.subtasks[0].key, now=at(10, 30))
    assert stored(b).task_due == at(12)  # 11:30 moved by the 30 paused minutes
    life.complete_subtask(cc, APPROVERS["PSB"], task_of(cc, "EO-SEAL").key, RESULTS["EO-SEAL"],
                          now=at(10, 15))
    assert stored(cc).state == c.READY and stored(cc).task_due is None


def test_overdue_from_the_minute_after_the_deadline(cases):
    a, cc = cases["a"], cases["c"]
    assert snapshot(at(10, 20)) == []
    assert snapshot(at(10, 21)) == [(cc.number, "EO-SEAL")]
    assert snapshot(at(11)) == [(cc.number, "EO-SEAL")]
    # 11:01: A's licence too, oldest deadline first; B, paused for 补正, never.
    assert snapshot(at(11, 1)) == [(cc.number, "EO-SEAL"), (a.number, "EO-REG")]


def test_done_late_leaves_the_snapshot_for_the_days_figures(cases):
    a = cases["a"]
    # A's licence done at 13:40, 70 working minutes late (11:00→12:00, 13:30→13:40); its
    # seals may start then, due 14:00.
    life.complete_subtask(a, APPROVERS["AMR"], task_of(a, "EO-REG").key, RESULTS["EO-REG"],
                          now=at(13, 40))
    assert stored(a).task_due == at(14)
    assert (a.number, "EO-REG") not in snapshot(at(13, 41))
    day = DailyFigure.objects.get(centre="LY", dim="centre", day=dt.datetime(2027, 1, 5))
    assert day.n["subtasks_overdue"] == 1  # done late, counted on the day it was done
    assert day.n["subtasks_on_time"] == 1  # C's licence


def test_the_statistics_trace_overdue_now_to_agency_step_and_case(cases):
    a, cc = cases["a"], cases["c"]
    query = st.Query(("LY",), dt.date(2027, 1, 1), dt.date(2027, 1, 5), now=at(13, 40))
    with planner.strict():
        table = st.open_overdue_table(query)
    # The seals of C: due 10:20, overrun 10:20→12:00 and 13:30→13:40 = 110 working minutes.
    assert table.rows == [
        {"agency": "公安局", "item": "公章刻制", "count": 1, "oldest": "2027-01-05 10:20",
         "minutes": 110, "cases": cc.number, "windows": "W01 企业开办综合窗口",
         "assignees": "(not started)"},
        {"agency": "市场监督管理局", "item": "企业设立登记", "count": 1,
         "oldest": "2027-01-05 11:00", "minutes": 70, "cases": a.number,
         "windows": "W01 企业开办综合窗口", "assignees": "amr1"},
    ]
    # The centre's home page shows the same sub-tasks, most overdue first, and the two cases.
    with planner.strict():
        count, most = t.most_overdue(Case.objects(centre="LY"), at(13, 40))
    assert count == 2
    assert [(row["agency"], row["number"]) for row in most] == [("PSB", cc.number),
                                                                ("AMR", a.number)]
    # The snapshot is of now: a period long past shows the same open overdue sub-tasks.
    old = st.Query(("LY",), dt.date(2026, 12, 1), dt.date(2026, 12, 31), now=at(13, 40))
    assert st.open_overdue_table(old).rows == table.rows


def test_a_rebuild_fills_task_due_on_cases_written_before_it_existed(cases):
    a = cases["a"]
    Case._get_collection().update_one({"_id": a.pk}, {"$unset": {"task_due": ""}})
    assert snapshot(at(11, 1)) == [(cases["c"].number, "EO-SEAL")]
    version = stored(a).version
    rebuild_figures(["LY"])
    assert stored(a).task_due == at(11) and stored(a).version == version
    assert (a.number, "EO-REG") in snapshot(at(11, 1))


def test_init_fills_task_due_on_cases_written_before_it_existed(cases):
    from console.provision import refresh_derived

    a = cases["a"]
    Case._get_collection().update_one({"_id": a.pk}, {"$unset": {"task_due": ""}})
    version = stored(a).version
    assert refresh_derived() == 1
    assert stored(a).task_due == at(11) and stored(a).version == version
    assert (a.number, "EO-REG") in snapshot(at(11, 1))
    assert refresh_derived() == 0  # running init again changes nothing


def test_the_snapshot_index_is_declared_on_the_case():
    from test_indexes import declared_prefixes

    assert ("centre", "task_due") in declared_prefixes(Case)


def test_the_most_overdue_few_their_count_and_pages_of_all_on_the_index(catalogue):  # noqa: F811
    """The dashboard and the home page show the most overdue few and how many cases hold one;
    the full list comes a page at a time, most overdue first, each read on the (centre,
    task_due) index (strict mode): never every overdue case for a few rows."""
    from reports import overdue_now

    made = [accepted(catalogue, ["reg"], at(9, minute), mode=c.SINGLE_ITEM)
            for minute in range(12)]  # licences due 11:00 .. 11:11
    now = at(16)
    with planner.strict():
        count, rows = overdue_now.most_overdue(["LY"], now, limit=5)
        pages = [overdue_now.page(["LY"], now, number, 5) for number in range(4)]
    assert count == 12
    assert [row["number"] for row in rows] == [case.number for case in made[:5]]
    # 11:00 → 16:00 in opening time: 11:00–12:00 and 13:30–16:00.
    assert rows[0]["deadline"] == "2027-01-05 11:00" and rows[0]["minutes"] == 210
    assert rows[0]["item"] and rows[0]["agency"] == "AMR" and rows[0]["window"]
    assert [(len(found), more) for _, found, more in pages] == [
        (5, True), (5, True), (2, False), (0, False)]
    assert [row["number"] for _, found, _ in pages for row in found] == [
        case.number for case in made]
    # Before the first deadline nothing is overdue, and nothing is read.
    assert overdue_now.most_overdue(["LY"], at(10, 59)) == (0, [])


def test_the_overdue_tables_name_the_colleague_working_the_step(cases):
    # A's licence is worked by login amr1, the staff record of 何静怡: supervisors read names.
    from test_models_factories import make_staff

    from models.agency import Agency

    make_staff(name="何静怡", role="approver", phone="13903790221", username="amr1",
               agency=Agency.objects.get(code="AMR"))
    query = st.Query(("LY",), dt.date(2027, 1, 1), dt.date(2027, 1, 5), now=at(13, 40))
    with planner.strict():
        table = st.open_overdue_table(query)
        _count, most = t.most_overdue(Case.objects(centre="LY"), at(13, 40))
    assert [row["assignees"] for row in table.rows] == ["(not started)", "何静怡"]
    assert [row.get("assignee") or "" for row in most] == ["", "amr1"]  # raw rows: logins
    from reports.overdue_now import traced

    lines = traced(most, at(13, 40), {})
    assert [line["assignee"] for line in lines] == ["", "何静怡"]
