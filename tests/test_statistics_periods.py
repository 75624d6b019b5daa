"""Every statistics figure by week and by month across the 2026/2027 year end and the 元旦
holiday (Friday 1 January 2027; the weekend 2–3 January), computed by hand at exact minutes, on
mongomock and on the embedded store in strict mode. Opening hours 09:00–12:00 and 13:30–17:30
(420 minutes a working day), China time; a case is due one working day after acceptance, a
licence two working hours after, seals 20 minutes after the licence is done.

Case Q: opened Tuesday 29 December 09:00, review 09:10, returned 09:20 (the application form
missing), corrected Wednesday 30 December 10:00, accepted 10:30 (licence due 14:00), licence
paused for 补正 11:00 → Thursday 31 December 09:00 (300 working minutes: the case's clock too),
licence done 31 December 11:00 (due 10:30 after the pause: 30 minutes late), ready (case due
17:00 after the pause: on time).

Case P: opened Thursday 31 December 15:30, review 15:40, accepted 16:00 (licence due Monday
4 January 09:30 across the holiday, case due 4 January 16:00), licence done 4 January 10:00 (late),
seals done 10:15 (due 10:20: on time), ready 10:15, delivered Tuesday 5 January 09:30, closed
09:45 with a rating of 4.
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
from models.workdays import to_utc
from reports import statistics as st

RECEIVED = {name: (c.RECEIVED, None) for name in (FORM, ARTICLES, PREMISES)}


def cst(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    year = 2026 if month == 12 else 2027
    return to_utc(dt.datetime(year, month, day, hour, minute))


@pytest.fixture
def history(catalogue):  # noqa: F811  (the imported fixture)
    window, reg, seal = catalogue["window"], catalogue["reg"], catalogue["seal"]
    q = life.open_case(CLERK, window=window, items=[reg], mode=c.SINGLE_ITEM,
                       applicant=APPLICANT, now=cst(12, 29, 9))
    life.start_review(q, CLERK, now=cst(12, 29, 9, 10))
    life.record_materials(q, CLERK, {**RECEIVED, FORM: (c.MISSING, None)},
                          now=cst(12, 29, 9, 15))
    life.return_case(q, CLERK, now=cst(12, 29, 9, 20))
    life.resubmit(q, CLERK, now=cst(12, 30, 10))
    life.record_materials(q, CLERK, RECEIVED, now=cst(12, 30, 10, 20))
    life.accept(q, CLERK, now=cst(12, 30, 10, 30))
    key = q.subtasks[0].key
    assert q.subtasks[0].deadline == cst(12, 30, 14)
    life.request_supplement(q, APPROVERS["AMR"], key, "请补充股东会决议", now=cst(12, 30, 11))
    life.record_supplement(q, APPROVERS["AMR"], key, now=cst(12, 31, 9))
    assert q.subtasks[0].deadline == cst(12, 31, 10, 30)
    life.complete_subtask(q, APPROVERS["AMR"], key, RESULTS["EO-REG"], now=cst(12, 31, 11))
    assert q.state == c.READY and q.due_at == cst(12, 31, 17)

    p = life.open_case(CLERK, window=window, items=[reg, seal], mode=c.PARTIAL_CHAIN,
                       applicant=APPLICANT, now=cst(12, 31, 15, 30))
    life.start_review(p, CLERK, now=cst(12, 31, 15, 40))
    life.record_materials(p, CLERK, RECEIVED, now=cst(12, 31, 15, 50))
    life.accept(p, CLERK, now=cst(12, 31, 16))
    licence, seals = p.subtasks
    assert (licence.deadline, p.due_at) == (cst(1, 4, 9, 30), cst(1, 4, 16))
    life.complete_subtask(p, APPROVERS["AMR"], licence.key, RESULTS["EO-REG"],
                          now=cst(1, 4, 10))
    assert p.subtask(seals.key).deadline == cst(1, 4, 10, 20)
    life.complete_subtask(p, APPROVERS["PSB"], seals.key, RESULTS["EO-SEAL"],
                          now=cst(1, 4, 10, 15))
    life.deliver(p, CLERK, recipient="王强", now=cst(1, 5, 9, 30))
    life.close(p, CLERK, method="call", note="满意", rating=4, now=cst(1, 5, 9, 45))
    with planner.strict():
        yield


def query(granularity: str) -> st.Query:
    return st.Query(("LY",), dt.date(2026, 12, 28), dt.date(2027, 1, 10), granularity,
                    now=cst(1, 8, 12))


def by(table: st.Table, *columns: str) -> dict:
    return {tuple(row[name] for name in columns) if len(columns) > 1 else row[columns[0]]: row
            for row in table.rows}


def pick(row: dict, *names: str) -> tuple:
    return tuple(row[name] for name in names)


CASE_COLUMNS = ("opened", "accepted", "one_window_rate", "returned", "resubmitted", "finished",
                "on_time_rate", "delivered", "closed", "subtasks_done", "subtask_on_time_rate",
                "subtasks_overdue")


def test_cases_by_week_across_the_holiday_and_the_year_end(history):
    weeks = by(st.cases_table(query(st.WEEK)), "period")
    assert list(weeks) == ["Week of 2026-12-28", "Week of 2027-01-04", "Total"]
    # Monday 28 December – Sunday 3 January: both opened and accepted, Q returned, corrected,
    # ready on time; Q's licence done late.
    assert pick(weeks["Week of 2026-12-28"], *CASE_COLUMNS) == (
        2, 2, 100.0, 1, 1, 1, 100.0, 0, 0, 1, 0.0, 1)
    # 4–10 January: P ready on time (10:15 ≤ 16:00), delivered, closed; its licence late, its
    # seals on time.
    assert pick(weeks["Week of 2027-01-04"], *CASE_COLUMNS) == (
        0, 0, None, 0, 0, 1, 100.0, 1, 1, 2, 50.0, 1)
    assert pick(weeks["Total"], *CASE_COLUMNS) == (2, 2, 100.0, 1, 1, 2, 100.0, 1, 1, 3, 33.3, 2)


def test_cases_by_month_split_at_the_year_end(history):
    months = by(st.cases_table(query(st.MONTH)), "period")
    assert list(months) == ["2026-12", "2027-01", "Total"]
    assert pick(months["2026-12"], *CASE_COLUMNS) == (2, 2, 100.0, 1, 1, 1, 100.0, 0, 0, 1, 0.0, 1)
    assert pick(months["2027-01"], *CASE_COLUMNS) == (0, 0, None, 0, 0, 1, 100.0, 1, 1, 2, 50.0, 1)


def test_time_per_stage_by_month_on_the_working_calendar(history):
    stages = by(st.stages_table(query(st.MONTH)), "period", "stage")
    # Coaching: Q 09:00→09:10, P 15:30→15:40. Review: Q 10 + 30 (the days returned to the
    # applicant are not charged), P 20.
    assert pick(stages[("2026-12", "Coaching")], "count", "average", "p90") == (2, 10.0, 10)
    assert pick(stages[("2026-12", "Window review")], "count", "average", "p90") == (2, 30.0, 40)
    # Back office, Q: 30 December 10:30 → 31 December 11:00 = 90 + 240 + 120 = 450 opening
    # minutes, less the case clock's 300 paused minutes = 150.
    assert pick(stages[("2026-12", "Back office")], "count", "average", "paused") == (
        1, 150.0, 300.0)
    # P: 31 December 16:00→17:30 = 90, then nothing on 1–3 January, 4 January 09:00→10:15 = 75.
    assert pick(stages[("2027-01", "Back office")], "average", "paused") == (165.0, 0.0)
    # Waiting for pick-up, P: 4 January 10:15→12:00 = 105, 13:30→17:30 = 240, 5 January
    # 09:00→09:30 = 30: 375.
    assert pick(stages[("2027-01", "Waiting for pick-up")], "count", "average", "p90") == (
        1, 375.0, 375)


def test_agencies_by_week_and_in_total(history):
    agencies = by(st.agencies_table(query(st.WEEK)), "period", "agency")
    names = ("done", "on_time", "overdue", "on_time_rate", "average", "p90", "paused")
    # Market regulation: Q's licence 450 − 300 paused = 150 (week 1); P's licence 31 December
    # 16:00→17:30 = 90 + 4 January 09:00→10:00 = 60 = 150 (week 2); both late.
    assert pick(agencies[("Week of 2026-12-28", "市场监督管理局")], *names) == (
        1, 0, 1, 0.0, 150.0, 150, 300.0)
    assert pick(agencies[("Week of 2027-01-04", "市场监督管理局")], *names) == (
        1, 0, 1, 0.0, 150.0, 150, 0.0)
    # Police seals: could start at 10:00 when the licence was done, done 10:15: 15 minutes.
    assert pick(agencies[("Week of 2027-01-04", "公安局")], *names) == (
        1, 1, 0, 100.0, 15.0, 15, 0.0)
    assert pick(agencies[("Total", "市场监督管理局")], *names) == (2, 0, 2, 0.0, 150.0, 150, 300.0)
    assert ("Week of 2026-12-28", "公安局") not in agencies


def test_late_returns_overdue_now_and_ratings(history):
    q = query(st.WEEK)
    assert st.overdue_table(q).rows == [
        {"agency": "市场监督管理局", "item": "企业设立登记", "count": 2}]
    assert st.open_overdue_table(q).rows == []  # nothing open on 8 January
    assert [pick(row, "material", "problem", "count") for row in st.returns_table(q).rows] == [
        (FORM, "Missing", 1)]
    assert [pick(row, "period", "count", "average", "dissatisfied")
            for row in st.ratings_table(q).rows] == [("Week of 2027-01-04", 1, 4.0, 0)]
    assert [pick(row, "period", "count") for row in st.ratings_table(query(st.MONTH)).rows] == [
        ("2027-01", 1)]
    windows = st.windows_table(q).rows
    assert [pick(row, "opened", "accepted", "returned", "delivered", "on_time_rate", "average")
            for row in windows] == [(2, 2, 1, 1, 100.0, 157.5)]
