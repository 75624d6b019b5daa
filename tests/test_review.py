"""The window effectiveness review (效能评价): its figures equal a fixture computed by hand, on
mongomock and on the embedded store, and a concluded review is kept with them."""

from __future__ import annotations

import datetime as dt

import pytest
from test_complaint_factories import CLERK, HANDLER, SUPERVISOR, build_world, china

from console import storage
from console.storage import planner
from models import case as c
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models import rating as r
from models import review as rv
from models.case import Case, Handover, ReturnRecord, TimelineEvent

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 6)  # Monday to Friday, China time


@pytest.fixture(params=["memory", "embedded"])
def world(request, tmp_path):
    location = str(tmp_path / "store") if request.param == "embedded" else "review"
    storage.connect(storage.StorageSpec(request.param, location, "t"))
    yield build_world()
    storage.disconnect()


def hand_case(world, number, window, clerk, accepted, due=None, finished=None, handed=None,
              returns=()) -> Case:
    """A case as the lifecycle leaves it, with exact China-time moments: each return is a
    timeline event and a kept one-time notification."""
    timeline = [TimelineEvent(at=china(*at), actor=clerk, action="return") for at in returns]
    kept = [ReturnRecord(at=china(*at), clerk=clerk) for at in returns]
    state = c.DELIVERED if handed else c.ACCEPTED
    return Case(
        number=number, centre="LY", window=world[window], clerk=clerk, state=state,
        company_name=f"公司{number}", legal_rep_name="王强", legal_rep_id="11010519491231002X",
        phone="13803791234", address="洛阳市", created_at=china(*accepted),
        accepted_at=china(*accepted), due_at=due and china(*due),
        finished_at=finished and china(*finished), timeline=timeline, returns=kept,
        handover=Handover(method="window", results=["营业执照"], recipient="王强",
                          at=china(*handed)) if handed else None,
    ).save()


@pytest.fixture
def period(world):
    """Cases, complaints and ratings in and around 2–6 November 2026."""
    a = hand_case(world, "A", "w1", "ly_clerk", (2026, 11, 2, 9), due=(2026, 11, 3, 9),
                  finished=(2026, 11, 2, 15), handed=(2026, 11, 2, 16),
                  returns=[(2026, 10, 30, 10), (2026, 11, 2, 8, 30)])  # 6 h, on time
    b = hand_case(world, "B", "w1", "ly_clerk", (2026, 11, 3, 10), due=(2026, 11, 4, 10),
                  finished=(2026, 11, 4, 12), handed=(2026, 11, 4, 14))  # 26 h, late
    hand_case(world, "C", "w2", "ly_clerk2", (2026, 11, 5, 9),
              returns=[(2026, 11, 5, 8), (2026, 11, 5, 8, 40)])  # open, returned twice
    d = hand_case(world, "D", "w1", "ly_clerk", (2026, 10, 30, 9), due=(2026, 10, 31, 9),
                  finished=(2026, 11, 2, 9), handed=(2026, 11, 2, 10))  # accepted before: 72 h
    hand_case(world, "E", "w2", "ly_clerk2", (2026, 11, 9, 9))  # after the period
    # Complaints: about 李娜 (upheld), about window 1 (not upheld), about case A (upheld),
    # and one about window 2 after the period.
    moments = iter([(2026, 11, 3, 9), (2026, 11, 4, 9), (2026, 11, 5, 9), (2026, 11, 10, 9)])
    for subject, category, upheld in ((world["lina"], "attitude", True),
                                      (world["w1"], "facilities", False),
                                      (a, "delay", True), (world["w2"], "fees", True)):
        moment = china(*next(moments))
        complaint = cl.log_complaint(CLERK, centre="LY", channel="hotline", category=category,
                                     description="x", subject=subject, anonymous=True,
                                     received_at=moment, now=moment)
        cl.investigate(complaint, HANDLER)
        cl.resolve(complaint, HANDLER, finding="查明", upheld=upheld, measures="整改")
    for case, score, at in ((a, 5, (2026, 11, 2, 17)), (b, 1, (2026, 11, 4, 15)),
                            (d, 4, (2026, 11, 2, 11))):
        r.rate_case(case, CLERK, score=score, now=china(*at))
    return world


def by_name(rows):
    return {row.name: row for row in rows}


def test_figures_equal_the_fixture_computed_by_hand(period):
    windows, staff = rv.compute("LY", START, END)
    w1, w2 = by_name(windows)["W01 企业开办综合窗口一"], by_name(windows)["W02 企业开办综合窗口二"]
    # Window 1: A and B accepted (D before the period); A's second return; A, B, D delivered,
    # only A ready by its deadline; (6 + 26 + 72) / 3 hours; complaints about window 1 and case A.
    assert (w1.accepted, w1.returned, w1.delivered, w1.on_time) == (2, 1, 3, 1)
    assert w1.average_hours == 34.67
    assert w1.complaints == {"facilities": 1, "delay": 1} and w1.complaints_total == 2
    assert w1.upheld == 1
    assert (w1.ratings, w1.rating_average, w1.dissatisfied) == (3, 3.33, 1)
    # Window 2: C accepted and returned twice in the period; nothing delivered; the fees
    # complaint came after the period.
    assert (w2.accepted, w2.returned, w2.delivered, w2.on_time) == (1, 2, 0, 0)
    assert w2.average_hours is None and w2.complaints_total == 0 and w2.ratings == 0
    people = by_name(staff)
    lina, wangfang = people["李娜"], people["王芳"]
    assert (lina.accepted, lina.returned, lina.delivered, lina.on_time) == (2, 1, 3, 1)
    assert lina.complaints == {"attitude": 1} and lina.upheld == 1
    assert (lina.ratings, lina.rating_average, lina.dissatisfied) == (3, 3.33, 1)
    assert (wangfang.accepted, wangfang.returned, wangfang.complaints_total) == (1, 2, 0)
    assert set(people) == {"李娜", "王芳"}


def test_a_concluded_review_is_kept_with_its_figures(period):
    review = rv.conclude(HANDLER, centre="LY", start=START, end=END,
                         conclusion="窗口一办结超时", measures="增设帮办人员")
    # Later changes do not alter the kept review.
    Case.objects(number="C").update_one(set__state=c.WITHDRAWN)
    kept = rv.Review.objects.get(id=review.id)
    assert kept.reviewer == "ly_complaints" and len(kept.windows) == 2
    assert by_name(kept.windows)["W01 企业开办综合窗口一"].accepted == 2


@pytest.mark.parametrize("actor,kwargs,message", [
    (SUPERVISOR, {}, "role"),
    (life.Actor("mj", frozenset({"CentreAdmin"}), centre="MJ"), {}, "own centre"),
    (HANDLER, {"conclusion": ""}, "conclusion"),
    (HANDLER, {"end": dt.date(2026, 11, 1)}, "ends before"),
    (HANDLER, {"end": dt.date(2027, 12, 1)}, "one year"),
])
def test_refused_reviews_keep_nothing(period, actor, kwargs, message):
    args = {"centre": "LY", "start": START, "end": END, "conclusion": "结论",
            "measures": "措施", **kwargs}
    with pytest.raises(life.TransitionError, match=message):
        rv.conclude(actor, **args)
    assert rv.Review.objects.count() == 0


def test_the_case_figures_read_their_periods_on_declared_indexes(world, period, monkeypatch):
    """Accepted, returned and delivered are each one read of the period on its own index (a
    quarter of a busy centre had taken 20 s through an aggregation reading every case); on the
    embedded store none of them scans the centre's cases."""
    store = Case._get_collection()._store
    if not hasattr(store, "key_tables"):
        pytest.skip("the planner is the embedded store's")
    asked = []
    real_plan = planner.plan

    def plan(store, spec, sort=None):
        chosen = real_plan(store, spec, sort)
        if store.name == "cases":
            asked.append((tuple(sorted(spec)), chosen.table.paths if chosen.table else None))
        return chosen

    monkeypatch.setattr(planner, "plan", plan)
    lo, hi = rv.period_bounds(START, END)
    rv._case_figures("LY", lo, hi)
    assert sorted(asked) == [(("accepted_at", "centre"), ("centre", "accepted_at")),
                             (("centre", "handover.at"), ("centre", "handover.at")),
                             (("centre", "returns.at"), ("centre", "returns.at"))]
