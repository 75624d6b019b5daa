"""Daily figures and the statistics tables over a fixture computed by hand: three cases in the
first week of April 2025, with the 清明 holiday (Friday 4 April) and a 补正 pause inside the
range; the incremental rows equal a rebuild from scratch.

Opening hours are the default 09:00–12:00 and 13:30–17:30 (420 minutes a working day); the
weekend 5–6 April and the holiday 4 April have none. All times below are China time.
"""

from __future__ import annotations

import datetime as dt

from mongoengine.base import _document_registry
import pytest
from test_models_factories import db, make_agency, make_centre, make_item, make_window  # noqa: F401

from console import storage
from console.storage import planner
from models import case as c
from models import complaint_lifecycle as complaints
from models import lifecycle as life
from models.case import Case
from models.complaint import Complaint
from models.daily_figures import DailyFigure, rebuild_figures
from models.item import Material
from models.rating import Rating
from models.workdays import to_utc
from reports import statistics as st

CLERK = life.Actor("clerk1", frozenset({life.CLERK}), centre="LY")
AMR = life.Actor("amr1", frozenset({life.APPROVER}), centre="LY", agency="AMR")
PSB = life.Actor("psb1", frozenset({life.APPROVER}), centre="LY", agency="PSB")
APPLICANT = {"company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
             "legal_rep_id": "11010519491231002X", "phone": "13803791234",
             "address": "洛阳市洛龙区开元大道218号"}
LICENCE = {"licence_number": "L-0001", "credit_code": "91410300MA9F12345E"}
SEALS = {"seals": ["公章", "法定代表人名章"]}
FORM, ARTICLES, PREMISES = "公司登记（备案）申请书", "公司章程", "住所使用证明"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A China-time moment in April 2025, as stored (naive UTC)."""
    return to_utc(dt.datetime(2025, 4, day, hour, minute))


@pytest.fixture(params=["mongomock", "embedded"])
def store(request, tmp_path):
    """The fixture on mongomock, and on the embedded store where every statistics query must
    be served by a declared index (strict mode: a scan raises)."""
    if request.param == "mongomock":
        request.getfixturevalue("db")
        for document in (Case, DailyFigure, Complaint, Rating):
            document.ensure_indexes()
        yield
        return
    storage.connect(storage.StorageSpec("embedded", str(tmp_path / "store"), "t"))
    for document in _document_registry.values():
        if not document._meta.get("abstract") and hasattr(document, "ensure_indexes"):
            document.ensure_indexes()
    yield
    storage.disconnect()


@pytest.fixture
def fixture(store):
    make_centre("LY")
    amr = make_agency("AMR")
    psb = make_agency("PSB", name="公安局", kind="public_security")
    reg = make_item("EO-REG", agency=amr, result_fields=["licence_number", "credit_code"],
                    materials=[Material(name=FORM), Material(name=ARTICLES),
                               Material(name=PREMISES, requirement="tolerated",
                                        follow_up_days=3,
                                        review_points=["3个工作日内补交产权证明"])])
    seal = make_item("EO-SEAL", agency=psb, name="公章刻制", promised_limit=20,
                     promised_unit="minutes", result_fields=["seals"], after_items=["EO-REG"],
                     materials=[Material(name=FORM)])
    single = make_item("PRO-REG", agency=amr, name="专业窗口登记", window_category="professional",
                       result_fields=["licence_number", "credit_code"],
                       materials=[Material(name=FORM)])
    w01 = make_window("W01", items=[reg, seal])
    w02 = make_window("W02", name="市场监管专业窗口", kind="professional", agency=amr,
                      items=[single])

    # Case A at W01 (comprehensive): full path with a 补正 pause, an overdue seal, late 容缺.
    a = life.open_case(CLERK, window=w01, items=[reg, seal], applicant=APPLICANT, now=at(1, 9))
    life.start_review(a, CLERK, now=at(1, 9, 30))
    life.record_materials(a, CLERK, {FORM: (c.RECEIVED, None), ARTICLES: (c.RECEIVED, None),
                                     PREMISES: (c.TOLERATED, dt.date(2025, 4, 3))},
                          now=at(1, 9, 40))
    life.accept(a, CLERK, now=at(1, 10))  # due 2 April 10:00; licence due 1 April 12:00
    licence, seal_task = a.subtasks
    life.start_subtask(a, AMR, licence.key, now=at(1, 10, 10))
    life.request_supplement(a, AMR, licence.key, "请补充股东会决议", now=at(1, 10, 30))
    life.record_supplement(a, AMR, licence.key, now=at(1, 13, 30))
    life.complete_subtask(a, AMR, licence.key, LICENCE, now=at(1, 14))
    life.complete_subtask(a, PSB, seal_task.key, SEALS, now=at(1, 14, 50))
    life.receive_tolerated(a, CLERK, PREMISES, now=at(7, 9, 10))
    life.deliver(a, CLERK, recipient="王强", now=at(7, 9, 30))
    life.close(a, CLERK, method="call", note="满意", rating=5, now=at(7, 10))

    # Case B at W01: returned (one missing, one defective), corrected, accepted after the holiday.
    b = life.open_case(CLERK, window=w01, items=[reg, seal], applicant=APPLICANT, now=at(2, 9))
    life.start_review(b, CLERK, now=at(2, 9, 20))
    life.record_materials(b, CLERK, {ARTICLES: (c.DEFECTIVE, None, "缺少全体股东签字"),
                                     PREMISES: (c.RECEIVED, None)}, now=at(2, 9, 30))
    life.return_case(b, CLERK, now=at(2, 9, 40))
    life.resubmit(b, CLERK, now=at(3, 16))
    life.record_materials(b, CLERK, {FORM: (c.RECEIVED, None), ARTICLES: (c.RECEIVED, None)},
                          now=at(7, 9, 20))
    life.accept(b, CLERK, now=at(7, 9, 30))

    # Case C at W02 (a professional window): accepted, its sub-task still open.
    cc = life.open_case(CLERK, window=w02, items=[single], mode=c.SINGLE_ITEM,
                        applicant=APPLICANT, now=at(3, 9))
    life.start_review(cc, CLERK, now=at(3, 9))
    life.record_materials(cc, CLERK, {FORM: (c.RECEIVED, None)}, now=at(3, 9, 5))
    life.accept(cc, CLERK, now=at(3, 9, 10))

    complaints.log_complaint(CLERK, centre="LY", channel="window", category="attitude",
                             description="态度生硬", subject=w01, complainant_name="李四",
                             now=at(2, 10))
    with planner.strict():
        yield {"w01": w01, "w02": w02}


def week_of_april(granularity: str = st.DAY) -> st.Query:
    return st.Query(("LY",), dt.date(2025, 4, 1), dt.date(2025, 4, 7), granularity)


def rows_by(table: st.Table, column: str) -> dict:
    return {row[column]: row for row in table.rows}


def test_case_figures_per_day_and_in_total(fixture):
    table = st.cases_table(week_of_april())
    days = rows_by(table, "period")
    assert list(days) == ["2025-04-01", "2025-04-02", "2025-04-03", "2025-04-07", "Total"]
    # 1 April: A opened, accepted at W01, ready (14:50 ≤ due 2 April 10:00 + 90 paused minutes),
    # both its sub-tasks done: the licence on time (14:00 ≤ 15:00), the seal late (14:50 > 14:20).
    assert days["2025-04-01"] | {} == {
        **days["2025-04-01"], "opened": 1, "accepted": 1, "accepted_one_window": 1,
        "one_window_rate": 100.0, "finished": 1, "on_time_rate": 100.0, "subtasks_done": 2,
        "subtask_on_time_rate": 50.0, "subtasks_overdue": 1, "returned": 0}
    # 2 April: B opened and returned. 3 April: B corrected, C opened and accepted at W02.
    assert (days["2025-04-02"]["opened"], days["2025-04-02"]["returned"]) == (1, 1)
    assert days["2025-04-03"]["resubmitted"] == 1
    assert days["2025-04-03"]["one_window_rate"] == 0.0  # C: accepted at a professional window
    # 7 April: A's 容缺 material handed in late (promised 3 April), delivered, closed; B accepted.
    assert days["2025-04-07"]["tolerated_late"] == 1
    assert (days["2025-04-07"]["delivered"], days["2025-04-07"]["closed"]) == (1, 1)
    total = days["Total"]
    # Accepted: A, C, B = 3, of which A and B at the comprehensive window: 2 / 3 = 66.7 %.
    assert (total["opened"], total["accepted"], total["accepted_one_window"]) == (3, 3, 2)
    assert total["one_window_rate"] == 66.7
    assert (total["subtasks_done"], total["subtask_on_time_rate"]) == (2, 50.0)


def test_week_and_month_granularity(fixture):
    weeks = rows_by(st.cases_table(week_of_april(st.WEEK)), "period")
    # Monday 31 March starts the week of 1–6 April; 7 April is the next Monday.
    assert weeks["Week of 2025-03-31"]["opened"] == 3
    assert weeks["Week of 2025-04-07"]["accepted"] == 1
    months = st.cases_table(week_of_april(st.MONTH)).rows
    assert [row["period"] for row in months] == ["2025-04"] and months[0]["accepted"] == 3


def test_time_per_stage_on_the_working_calendar(fixture):
    stages = {row["stage"]: row for row in st.stages_table(week_of_april(st.MONTH)).rows}
    # Coaching, open → review: A 09:00→09:30 = 30, B 09:00→09:20 = 20, C 0.
    # Average (30 + 20 + 0) / 3 = 16.7; p90 of 3 values is the ceil(2.7) = 3rd smallest: 30.
    assert stages["Coaching"] | {} == {**stages["Coaching"], "count": 3, "average": 16.7,
                                       "p90": 30}
    # Review, minus the time the applicant had the case back (returned, not charged):
    # A 09:30→10:00 = 30; C 09:00→09:10 = 10; B 09:20→09:40 = 20, then 3 April 16:00→17:30 = 90
    # and 7 April 09:00→09:30 = 30 (4 April holiday, 5–6 April weekend: nothing) = 140.
    assert (stages["Window review"]["average"], stages["Window review"]["p90"]) == (60.0, 140)
    # Back office, A: accepted 10:00 → ready 14:50 = 120 + 80 = 200 open minutes, less the case
    # clock's pause 10:30→13:30 = 90 (the lunch break is closed time) = 110.
    assert (stages["Back office"]["average"], stages["Back office"]["paused"]) == (110.0, 90.0)
    # Waiting for pick-up, A: ready 1 April 14:50 → delivered 7 April 09:30:
    # 160 (1 April) + 420 (2 April) + 420 (3 April) + 0 (holiday, weekend) + 30 (7 April) = 1030.
    assert stages["Waiting for pick-up"]["average"] == 1030.0


def test_agencies_overdue_and_returns(fixture):
    query = week_of_april()
    agencies = rows_by(st.agencies_table(query), "agency")
    # AMR, A's licence: ready 10:00 → done 14:00 = 150 open minutes, less its 补正 pause 90 = 60.
    amr = agencies["市场监督管理局"]
    assert (amr["done"], amr["on_time"], amr["average"], amr["paused"]) == (1, 1, 60.0, 90.0)
    # PSB, A's seals: could start at 14:00 (the licence done), done 14:50 = 50, past 14:20.
    psb = agencies["公安局"]
    assert (psb["done"], psb["overdue"], psb["on_time_rate"], psb["average"]) == (1, 1, 0.0, 50.0)
    assert st.overdue_table(query).rows == [{"agency": "公安局", "item": "公章刻制", "count": 1}]
    returns = {(row["material"], row["problem"]): row["count"]
               for row in st.returns_table(query).rows}
    assert returns == {(FORM, "Missing"): 1, (ARTICLES, "Needs correction"): 1}


def test_windows_complaints_and_ratings(fixture):
    query = week_of_april()
    windows = st.windows_table(query).rows
    by_code = {row["window"].split()[0]: row for row in windows}
    assert (by_code["W01"]["opened"], by_code["W01"]["accepted"], by_code["W01"]["returned"],
            by_code["W01"]["delivered"]) == (2, 2, 1, 1)
    assert (by_code["W02"]["opened"], by_code["W02"]["accepted"]) == (1, 1)
    assert [(row["category"], row["count"]) for row in st.complaints_table(query).rows] == [
        ("Attitude", 1)]
    # A was rated 5 at closing on 7 April.
    assert [(row["period"], row["count"], row["average"])
            for row in st.ratings_table(query).rows] == [("2025-04-07", 1, 5.0)]


def test_a_period_outside_the_events_is_empty_and_bad_ranges_are_refused(fixture):
    assert st.cases_table(st.Query(("LY",), dt.date(2025, 3, 1), dt.date(2025, 3, 31))).rows == []
    with pytest.raises(st.StatisticsError):
        st.Query(("LY",), dt.date(2025, 4, 7), dt.date(2025, 4, 1))
    with pytest.raises(st.StatisticsError):
        st.Query(("LY",), dt.date(2024, 1, 1), dt.date(2025, 4, 1))


def _rows() -> list[dict]:
    found = []
    for row in DailyFigure._get_collection().find({"centre": "LY"}, {"_id": 0}):
        row["d"] = {stage: sorted(values) for stage, values in row.get("d", {}).items()}
        found.append(row)
    return sorted(found, key=lambda row: (row["dim"], row["key"], row["day"]))


def test_incremental_figures_equal_a_rebuild(fixture):
    incremental = _rows()
    assert len(incremental) > 5
    assert rebuild_figures(["LY"]) == 3
    assert _rows() == incremental


def test_a_month_reads_tens_of_rows(fixture):
    # One centre row a day, plus a row per window and agency on the days they moved.
    assert DailyFigure.objects(centre="LY", dim="centre").count() == 4
    # and every statistics table of the month is answered (on the embedded store: by indexes).
    assert planner.is_strict()
    for name, table in st.TABLES.items():
        assert isinstance(table(week_of_april(st.MONTH)), st.Table), name


def test_batched_figures_are_written_once_at_the_end_and_equal_a_rebuild(fixture):
    from models.daily_figures import batched
    from models.item import ServiceItem

    items = list(ServiceItem.objects(centre="LY", code__in=["EO-REG", "EO-SEAL"]))
    with batched():
        case = life.open_case(CLERK, window=fixture["w01"], items=items, applicant=APPLICANT,
                              now=at(8, 9))
        life.start_review(case, CLERK, now=at(8, 9, 15))
        # Nothing written while the block runs (the demo loader's year of history)...
        assert not DailyFigure.objects(centre="LY", day=dt.datetime(2025, 4, 8)).count()
    # ...then one row per centre, window and day, as a rebuild counts them.
    row = DailyFigure.objects.get(centre="LY", dim="centre", day=dt.datetime(2025, 4, 8))
    assert row.n == {"opened": 1}
    written = _rows()
    rebuild_figures(["LY"])
    assert _rows() == written
