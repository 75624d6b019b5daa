"""The one transition table: every lifecycle action is in it, it alone decides the buttons a
role sees in each state, and its refusals name the reason."""

from __future__ import annotations

import inspect

import pytest
from test_case_clock import MONDAY_10, accepted, task_of
from test_lifecycle import (  # noqa: F401 - fixtures
    AMR,
    CLERK,
    PSB,
    SUPERVISOR,
    centre,
    db,
    open_full,
)

from models import case as c
from models import lifecycle as life
from models import transitions as tr


@pytest.fixture
def ly(centre):  # noqa: F811 - the LY centre of test_lifecycle
    return centre


def names(transitions) -> set[str]:
    return {t.name for t in transitions}


def test_every_timeline_action_but_opening_is_a_transition():
    recorded = {action for action, _label in c.TIMELINE_ACTIONS}
    assert recorded - set(tr.TABLE) == {"open", "subtask_ready"}
    assert set(tr.TABLE) - recorded == set()


def test_every_lifecycle_function_takes_now():
    for name in ("start_review", "record_materials", "accept", "return_case", "resubmit",
                 "add_items", "start_subtask", "request_supplement", "record_supplement",
                 "complete_subtask", "reject_subtask", "drop_item", "close_rejected", "deliver",
                 "close", "withdraw", "receive_tolerated", "open_case"):
        assert "now" in inspect.signature(getattr(life, name)).parameters, name


def test_no_action_leaves_a_final_state():
    for transition in tr.TABLE.values():
        assert not set(transition.states) & set(c.FINAL_STATES), transition.name


def test_buttons_follow_state_and_role(ly):
    case = open_full(ly)
    # A full-chain case takes no items later: no "add_items" button.
    assert names(tr.case_actions(case, CLERK)) == {"start_review", "record_materials",
                                                   "withdraw"}
    assert names(tr.case_actions(case, SUPERVISOR)) == set()
    assert names(tr.case_actions(case, AMR)) == set()
    life.start_review(case, CLERK, now=MONDAY_10)
    assert names(tr.case_actions(case, CLERK)) == {"record_materials", "accept", "return",
                                                   "withdraw"}


def test_subtask_buttons_for_its_own_agency_only(ly):
    case = accepted(ly)
    licence, seal = task_of(case, "EO-REG"), task_of(case, "EO-SEAL")
    assert names(tr.task_actions(case, licence, AMR)) == {
        "start_subtask", "request_supplement", "complete_subtask", "reject_subtask",
        "return_subtask"}
    assert names(tr.task_actions(case, licence, PSB)) == set()
    assert names(tr.task_actions(case, seal, PSB)) == set()  # waits for the licence
    assert names(tr.task_actions(case, licence, CLERK)) == set()
    assert names(tr.case_actions(case, CLERK)) == {"withdraw"}  # nothing tolerated


def test_refusals_name_the_reason(ly):
    case = open_full(ly)
    with pytest.raises(tr.TransitionError, match="Not possible while the case is"):
        tr.check("deliver", case, CLERK)
    with pytest.raises(tr.AccessDenied, match="window clerk"):
        tr.check("start_review", case, AMR)
    with pytest.raises(tr.TransitionError, match="partial-chain"):
        tr.check("add_items", case, CLERK)
    foreign = life.Actor("mj", frozenset({life.CLERK}), centre="MJ")
    with pytest.raises(tr.AccessDenied, match="another service centre"):
        tr.check("start_review", case, foreign)
