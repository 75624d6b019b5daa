"""Returns kept as records (each material missing or defective with its own reason, the clerk's
note), the three modes, and what an approver sees of other agencies' sub-tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from test_case_clock import MONDAY_10, accepted, china, task_of
from test_lifecycle import (  # noqa: F401 - fixtures
    AMR,
    APPLICANT,
    CLERK,
    LICENCE,
    PSB,
    centre,
    db,
    open_full,
    stored,
)

from models import case as c
from models import lifecycle as life

CHARTER = "公司章程"
FORM = "公司登记（备案）申请书"


@pytest.fixture
def ly(centre):  # noqa: F811 - the LY centre of test_lifecycle
    return centre


def in_review(ly):
    case = open_full(ly)
    return life.start_review(case, CLERK, now=MONDAY_10)


def test_each_return_is_kept_with_its_own_reasons_and_note(ly):
    case = in_review(ly)
    life.record_materials(case, CLERK, {
        FORM: (c.DEFECTIVE, None, "法定代表人未签字"), CHARTER: (c.MISSING, None)},
        now=MONDAY_10)
    life.return_case(case, CLERK, "请法定代表人本人到场签字",
                     reasons={CHARTER: "全体股东签字"}, now=china(2026, 11, 23, 10, 5))
    life.resubmit(case, CLERK, now=china(2026, 11, 24, 9, 0))
    life.record_materials(case, CLERK, {FORM: (c.RECEIVED, None)}, now=china(2026, 11, 24, 9, 1))
    clerk2 = life.Actor("clerk2", frozenset({life.CLERK}), centre="LY")
    life.return_case(case, clerk2, "", reasons={CHARTER: "股东签字与身份证件姓名不一致"},
                     now=china(2026, 11, 24, 9, 5))
    returns = stored(case).returns
    assert len(returns) == 2  # the second return does not overwrite the first
    first, second = returns
    assert first.clerk == "clerk1" and first.note == "请法定代表人本人到场签字"
    assert {(m.name, m.problem, m.reason) for m in first.materials} == {
        (FORM, c.DEFECTIVE, "法定代表人未签字"), (CHARTER, c.MISSING, "全体股东签字"),
        ("住所使用证明", c.MISSING, "Not handed in")}  # no reason picked: the default
    assert second.clerk == "clerk2"
    assert (CHARTER, "股东签字与身份证件姓名不一致") in [(m.name, m.reason)
                                                   for m in second.materials]
    assert FORM not in [m.name for m in second.materials]  # received in between
    assert f"{CHARTER}：股东签字与身份证件姓名不一致" in stored(case).notification


def test_defective_material_needs_its_reason_and_blocks_acceptance(ly):
    case = in_review(ly)
    life.record_materials(case, CLERK, {row.name: (c.RECEIVED, None) for row in case.materials
                                        if row.requirement == "required"}, now=MONDAY_10)
    life.record_materials(case, CLERK, {FORM: (c.DEFECTIVE, None)}, now=MONDAY_10)
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError, match=FORM):
        life.accept(case, CLERK, now=MONDAY_10)
    with pytest.raises(life.TransitionError, match="must be corrected"):
        life.return_case(case, CLERK, now=MONDAY_10)
    assert stored(case).to_mongo().to_dict() == before
    life.return_case(case, CLERK, reasons={FORM: "法定代表人签字与身份证件姓名不一致"},
                     now=MONDAY_10)
    assert stored(case).returns[0].materials[0].problem == c.DEFECTIVE


def test_single_item_is_one_item(ly):
    items = ly["items"]
    with pytest.raises(life.TransitionError, match="exactly one"):
        life.open_case(CLERK, window=ly["window"], items=[items["licence"], items["seal"]],
                       applicant=APPLICANT, mode=c.SINGLE_ITEM)
    case = life.open_case(CLERK, window=ly["window"], items=[items["seal"]],
                          applicant=APPLICANT, mode=c.SINGLE_ITEM)
    with pytest.raises(life.TransitionError, match="partial-chain"):
        life.add_items(case, CLERK, [items["licence"]])


def test_partial_chain_starts_with_the_licence(ly):
    items = ly["items"]
    with pytest.raises(life.TransitionError, match="starts with the business licence"):
        life.open_case(CLERK, window=ly["window"], items=[items["seal"]],
                       applicant=APPLICANT, mode=c.PARTIAL_CHAIN)


def test_full_chain_holds_the_whole_chain(ly):
    items = ly["items"]
    with pytest.raises(life.TransitionError, match="公章刻制"):
        life.open_case(CLERK, window=ly["window"], items=[items["licence"]],
                       applicant=APPLICANT, mode=c.FULL_CHAIN)


def test_items_added_before_acceptance_join_the_checklist(ly):
    items = ly["items"]
    case = life.open_case(CLERK, window=ly["window"], items=[items["licence"]],
                          applicant=APPLICANT, mode=c.PARTIAL_CHAIN)
    life.add_items(case, CLERK, [items["bank"]])
    row = next(r for r in stored(case).materials if r.name == "法定代表人身份证")
    assert row.state == c.MISSING and row.items == ["EO-BANK"]
    assert stored(case).subtasks == []


def test_added_items_must_be_taken_at_the_case_window(ly):
    from test_models_factories import make_item

    tobacco = make_item("P-TOBACCO", name="烟草专卖零售许可证核发", window_category="professional")
    case = life.open_case(CLERK, window=ly["window"], items=[ly["items"]["licence"]],
                          applicant=APPLICANT, mode=c.PARTIAL_CHAIN)
    with pytest.raises(life.TransitionError, match="does not take"):
        life.add_items(case, CLERK, [tobacco])
    # The window is named as the screens name it (counter and name), not by its internal code.
    ly["window"].update(counter="A01")
    case = stored(case)
    with pytest.raises(life.TransitionError, match="Window A01 企业开办综合窗口 does not take"):
        life.add_items(case, CLERK, [tobacco])


def test_items_may_be_added_until_delivery_only(ly):
    items = ly["items"]
    case = accepted(ly, items=[items["licence"]], mode=c.PARTIAL_CHAIN)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE, now=MONDAY_10)
    life.deliver(case, CLERK, recipient="王强", now=MONDAY_10 + dt.timedelta(hours=1))
    with pytest.raises(life.TransitionError, match="Not possible"):
        life.add_items(case, CLERK, [items["bank"]])


def test_an_approver_sees_other_agencies_only_as_agency_status_and_deadline(ly):
    case = accepted(ly)
    licence, seal = task_of(case, "EO-REG"), task_of(case, "EO-SEAL")
    assert life.sees_in_full(case, licence, AMR)
    assert not life.sees_in_full(case, licence, PSB)
    assert life.sees_in_full(case, seal, PSB)
    assert life.sees_in_full(case, licence, CLERK)
    admin = life.Actor("admin", frozenset({life.ADMIN}))
    assert life.sees_in_full(case, seal, admin)


def test_a_consolidating_step_sees_what_it_consolidates(ly):
    from test_models_factories import make_agency, make_item

    from models.window import Window

    zwfw = make_agency("ZWFW", name="政务服务中心", kind="other")
    hub = make_item("EO-HUB", agency=zwfw, name="联办结果归总核验", consolidates=True,
                    after_items=["EO-REG", "EO-SEAL"], materials=[])
    Window.objects(id=ly["window"].id).update_one(push__items=hub)
    ly = {**ly, "window": Window.objects.get(id=ly["window"].id)}
    case = accepted(ly, items=[ly["items"]["licence"], ly["items"]["seal"], hub])
    hub_actor = life.Actor("hub", frozenset({life.APPROVER}), centre="LY", agency="ZWFW")
    assert task_of(case, "EO-HUB").status == c.WAITING
    assert life.sees_in_full(case, task_of(case, "EO-REG"), hub_actor)
