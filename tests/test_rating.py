"""Ratings as their own record (from the rating screen and from the case's follow-up), and the
rectification task a dissatisfied rating opens: its deadline, who may work it, and that it is
closed only with the measures taken and the applicant called back."""

from __future__ import annotations

import pytest
from test_complaint_factories import (
    CLERK,
    HANDLER,
    MJ_HANDLER,
    SUPERVISOR,
    china,
    delivered_case,
    world_fixture,  # noqa: F401 - the "world" fixture
)

from models import lifecycle as life
from models import rating as r
from models.rating import Rating, Rectification


def test_a_satisfied_rating_is_kept_and_opens_nothing(world):
    case = delivered_case(world)
    rating = r.rate_case(case, CLERK, score=5, comment="办事快")
    assert r.rating_of(case) == rating and rating.window == world["w1"]
    assert rating.staff == world["lina"]  # the clerk's login is linked to 李娜
    assert Rectification.objects.count() == 0


@pytest.mark.parametrize("actor,message", [
    (SUPERVISOR, "window clerk"),
    (life.Actor("mj_clerk", frozenset({"Clerk"}), centre="MJ"), "another service centre"),
])
def test_who_may_rate(world, actor, message):
    case = delivered_case(world)
    with pytest.raises(life.TransitionError, match=message):
        r.rate_case(case, actor, score=4)
    assert Rating.objects.count() == 0


def test_only_a_delivered_case_is_rated_and_only_once(world):
    case = life.open_case(CLERK, window=world["w1"], items=[world["item"]],
                          applicant={"company_name": "甲", "legal_rep_name": "王强",
                                     "legal_rep_id": "11010519491231002X",
                                     "phone": "13803791234", "address": "洛阳"})
    with pytest.raises(life.TransitionError, match="delivered or closed"):
        r.rate_case(case, CLERK, score=4)
    done = delivered_case(world)
    r.rate_case(done, CLERK, score=4)
    with pytest.raises(life.TransitionError, match="already"):
        r.rate_case(done, CLERK, score=1)
    with pytest.raises(life.TransitionError, match="Choose"):
        r.rate_case(delivered_case(world), CLERK, score=7)
    assert Rating.objects.count() == 1 and Rectification.objects.count() == 0


def test_the_rating_typed_at_closing_becomes_a_record(world):
    case = delivered_case(world)
    life.close(case, CLERK, method="call", note="等了很久", rating=1)
    rating = r.rating_of(case)
    assert rating.score == 1 and rating.source == "follow_up" and rating.comment == "等了很久"
    task = Rectification.objects.get(rating=rating)
    assert task.state == r.OPEN and task.case_number == case.number
    assert task.number.startswith("LY-ZG-")


def test_dissatisfied_rating_opens_a_rectification_due_in_working_days(world):
    case = delivered_case(world)
    # Wednesday 30 Sep 2026 15:00 + 5 working days across National Day: Tuesday 13 Oct 15:00.
    rating = r.rate_case(case, CLERK, score=2, comment="材料反复要求",
                         now=china(2026, 9, 30, 15, 0))
    task = Rectification.objects.get(rating=rating)
    assert task.due_at == china(2026, 10, 13, 15, 0)
    assert task.staff == world["lina"]


def test_rectification_is_closed_only_with_measures_and_a_call_back(world):
    rating = r.rate_case(delivered_case(world), CLERK, score=1)
    task = Rectification.objects.get(rating=rating)
    before = task.to_mongo().to_dict()
    with pytest.raises(life.AccessDenied):
        r.close_rectification(task, CLERK, measures="x", callback_note="y")
    with pytest.raises(life.AccessDenied):
        r.start_rectification(task, MJ_HANDLER)
    with pytest.raises(life.TransitionError, match="measures"):
        r.close_rectification(task, HANDLER, measures=" ", callback_note="满意")
    with pytest.raises(life.TransitionError, match="Call the applicant back"):
        r.close_rectification(task, HANDLER, measures="补充培训", callback_note="")
    assert Rectification.objects.get(id=task.id).to_mongo().to_dict() == before
    r.start_rectification(task, HANDLER)
    r.close_rectification(task, HANDLER, measures="补充培训", callback_note="申请人表示认可",
                          now=china(2026, 11, 24, 10, 0))
    saved = Rectification.objects.get(id=task.id)
    assert saved.state == r.DONE and saved.callback_at == china(2026, 11, 24, 10, 0)
    assert [e.action for e in saved.timeline] == ["open", "start", "close"]
    with pytest.raises(life.TransitionError, match="Not possible"):
        r.start_rectification(saved, HANDLER)
