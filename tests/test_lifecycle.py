"""The case lifecycle: the full path, every refusal (and that it writes nothing), the partial
chain, supplements pausing the clock, 容缺 materials, stale versions and case numbers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from test_models_factories import (  # noqa: F401
    db,
    make_agency,
    make_centre,
    make_item,
    make_staff,
    make_window,
)

from models import case as c
from models import lifecycle as life
from models.case import Case
from models.case_numbers import CaseCounter
from models.deadlines import calendar_for, subtask_deadline_state
from models.item import Material
from models.workdays import to_china, to_utc

ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91410300MA9F12345E"
CLERK = life.Actor("clerk1", frozenset({life.CLERK}), centre="LY")
OTHER_CLERK = life.Actor("clerk2", frozenset({life.CLERK}), centre="LY")
FOREIGN_CLERK = life.Actor("mj-clerk", frozenset({life.CLERK}), centre="MJ")
AMR = life.Actor("amr1", frozenset({life.APPROVER}), centre="LY", agency="AMR")
PSB = life.Actor("psb1", frozenset({life.APPROVER}), centre="LY", agency="PSB")
SUPERVISOR = life.Actor("boss", frozenset({"Supervisor"}), centre="LY")
LICENCE_RESULTS = ["licence_number", "credit_code"]
LICENCE = {"licence_number": "L-0001", "credit_code": CREDIT_CODE}
SEALS = {"seals": ["公章", "法定代表人名章", "财务专用章", "发票专用章", "合同专用章"]}

APPLICANT = {
    "company_name": "洛阳云帆科技有限公司",
    "legal_rep_name": "王强",
    "legal_rep_id": ID_NUMBER,
    "phone": "138 0379 1234",
    "address": "洛阳市洛龙区开元大道 218 号",
}


@pytest.fixture
def centre(db):  # noqa: F811 - the fixture imported above
    make_centre("LY")
    make_centre("MJ", name="孟津区政务服务中心", level="county")
    amr = make_agency("AMR")
    psb = make_agency("PSB", name="公安局", kind="public_security")
    bank = make_agency("BANK", name="中国银行洛阳分行", kind="commercial_bank")
    fund = make_agency("HF", name="住房公积金管理中心", kind="housing_fund")
    items = {
        "licence": make_item("EO-REG", agency=amr, result_fields=LICENCE_RESULTS, materials=[
            Material(name="公司登记（备案）申请书", review_points=["法定代表人签字"]),
            Material(name="公司章程", review_points=["全体股东签字"]),
            Material(name="住所使用证明", requirement="tolerated", follow_up_days=3,
                     blocks_delivery=True,
                     review_points=["3个工作日内补交产权证明复印件，逾期未补交的不发放营业执照"]),
        ]),
        "seal": make_item("EO-SEAL", agency=psb, name="公章刻制", promised_limit=20,
                          promised_unit="minutes", statutory_limit=1, result_fields=["seals"],
                          after_items=["EO-REG"], materials=[
            Material(name="公司登记（备案）申请书", review_points=["法定代表人签字"]),
        ]),
        "bank": make_item("EO-BANK", agency=bank, name="银行开户", after_items=["EO-REG"],
                          result_fields=["bank_name", "account_number"], materials=[
            Material(name="法定代表人身份证", review_points=["原件核验"]),
        ]),
        "fund": make_item("EO-HF", agency=fund, name="住房公积金缴存登记", materials=[],
                          after_items=["EO-REG"], result_fields=["registration_number"]),
    }
    window = make_window("W01")
    # The chain this window takes in: the licence and the seals (the full chain holds both).
    for item in (items["licence"], items["seal"]):
        window.update(push__items=item)
    window.reload()
    return {"window": window, "items": items, "foreign_window": make_window("W01", centre="MJ")}


def open_full(centre, actor=CLERK, **overrides):
    items = list({item.code: item for item in (centre["items"]["licence"],
                                                centre["items"]["seal"])}.values())
    return life.open_case(actor, window=centre["window"], items=items,
                          applicant={**APPLICANT, **overrides})


def receive_all(case, tolerate=True):
    states = {}
    for row in case.materials:
        if row.requirement == "tolerated" and tolerate:
            states[row.name] = (c.TOLERATED, dt.date.today() + dt.timedelta(days=3))
        else:
            states[row.name] = (c.RECEIVED, None)
    return life.record_materials(case, CLERK, states)


def stored(case) -> Case:
    return Case.objects.get(id=case.id)


def test_full_path_from_coaching_to_closed(centre):
    case = open_full(centre)
    assert case.number.startswith("LY-") and case.state == c.COACHING
    # The shared material appears once, needed by both items.
    names = [row.name for row in case.materials]
    assert names.count("公司登记（备案）申请书") == 1
    assert set(case.materials[0].items) == {"EO-REG", "EO-SEAL"}
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    assert case.state == c.ACCEPTED and case.due_at and len(case.subtasks) == 2
    assert stored(case).open_agencies == ["AMR", "PSB"]
    licence, seal = case.subtasks
    life.start_subtask(case, AMR, licence.key)
    life.complete_subtask(case, AMR, licence.key, LICENCE)
    assert case.state == c.ACCEPTED  # the seals are not done yet
    life.complete_subtask(case, PSB, seal.key, SEALS)
    assert case.state == c.READY and stored(case).subtasks[1].seal_count == 5
    assert stored(case).open_agencies == []
    life.deliver(case, CLERK, recipient="王强")
    life.close(case, CLERK, method="call", note="申请人满意", rating=5)
    final = stored(case)
    assert final.state == c.CLOSED and final.follow_up.rating == 5
    actions = [event.action for event in final.timeline]
    assert actions[:4] == ["open", "start_review", "record_materials", "accept"]
    assert actions[-2:] == ["deliver", "close"]
    # The tolerated material was never handed in: closing says so.
    assert "住所使用证明" in final.timeline[-1].note


def test_return_lists_everything_missing_at_once_then_resubmit(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    with pytest.raises(life.TransitionError, match="公司章程"):
        life.accept(case, CLERK)
    life.return_case(case, CLERK, note="请携带原件")
    notice = stored(case).notification
    assert any("公司章程" in line for line in notice)
    assert any("公司登记（备案）申请书" in line for line in notice)
    assert notice[-1] == "请携带原件"
    life.resubmit(case, CLERK)
    receive_all(case, tolerate=False)
    life.accept(case, CLERK)
    assert stored(case).state == c.ACCEPTED and stored(case).notification == []


@pytest.mark.parametrize("attempt", [
    lambda case: life.accept(case, CLERK),  # still coaching
    lambda case: life.deliver(case, CLERK, results=["营业执照"], recipient="王强"),
    lambda case: life.close(case, CLERK, method="call", note="x", rating=5),
    lambda case: life.resubmit(case, CLERK),
])
def test_illegal_transition_is_refused_and_writes_nothing(centre, attempt):
    case = open_full(centre)
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError, match="Not possible"):
        attempt(case)
    assert stored(case).to_mongo().to_dict() == before


def test_approver_of_another_agency_is_refused(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    licence = case.subtasks[0]
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.AccessDenied, match="another agency"):
        life.complete_subtask(case, PSB, licence.key, LICENCE)
    with pytest.raises(life.AccessDenied):
        life.start_subtask(case, SUPERVISOR, licence.key)
    with pytest.raises(life.AccessDenied):
        life.accept(case, AMR)  # an approver is no window clerk
    assert stored(case).to_mongo().to_dict() == before


def test_another_centre_is_refused(centre):
    case = open_full(centre)
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.AccessDenied, match="another service centre"):
        life.start_review(case, FOREIGN_CLERK)
    assert stored(case).to_mongo().to_dict() == before
    with pytest.raises(life.AccessDenied):
        open_full({**centre, "window": centre["foreign_window"]})  # LY clerk, MJ window
    assert Case.objects.count() == 1


@pytest.mark.parametrize("field,value", [
    ("legal_rep_id", "410302199001011234"),  # wrong check digit
    ("credit_code", "91410300MA9F12345A"),
    ("phone", "12345"),
])
def test_invalid_identifiers_are_refused_and_take_no_number(centre, field, value):
    with pytest.raises(life.TransitionError):
        open_full(centre, **{field: value})
    assert Case.objects.count() == 0
    assert CaseCounter.objects.count() == 0  # no number taken: no gap in the sequence


def test_identifiers_are_stored_normalised(centre):
    case = open_full(centre, credit_code=CREDIT_CODE.lower())
    assert stored(case).phone == "13803791234"
    assert stored(case).credit_code == CREDIT_CODE


def test_stale_version_is_refused_with_who_and_when(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    mine = stored(case)
    theirs = stored(case)
    life.accept(theirs, OTHER_CLERK)
    with pytest.raises(life.StaleCaseError, match="clerk2"):  # no staff record: the login
        life.return_case(mine, CLERK, note="x")
    # With a staff record the colleague is named as the timeline names them.
    make_staff("王芳", username="clerk2")
    with pytest.raises(life.StaleCaseError, match="王芳"):
        life.return_case(mine, CLERK, note="x")
    assert stored(case).state == c.ACCEPTED
    assert [e.action for e in stored(case).timeline].count("accept") == 1


def test_partial_chain_adds_items_a_week_later(centre):
    items = centre["items"]
    case = life.open_case(CLERK, window=centre["window"], items=[items["licence"]],
                          applicant=APPLICANT, mode=c.PARTIAL_CHAIN)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE)
    assert case.state == c.READY
    life.add_items(case, CLERK, [items["bank"], items["fund"]])
    final = stored(case)
    assert final.state == c.ACCEPTED and final.number == case.number
    assert [t.item for t in final.subtasks] == ["EO-REG", "EO-BANK", "EO-HF"]
    assert "法定代表人身份证" in [row.name for row in final.materials]
    assert final.open_agencies == ["BANK", "HF"]
    with pytest.raises(life.TransitionError):
        life.add_items(case, CLERK, [items["bank"]])  # already there


def test_full_chain_case_takes_no_items_later(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    with pytest.raises(life.TransitionError, match="partial-chain"):
        life.add_items(case, CLERK, [centre["items"]["bank"]])


def test_supplement_pauses_the_subtask_clock(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    key = case.subtasks[0].key
    deadline = case.subtasks[0].deadline
    life.request_supplement(case, AMR, key, "请补充股东会决议")
    task = stored(case).subtasks[0]
    assert task.status == c.SUPPLEMENT and task.pauses[0].ended_at is None
    assert "AMR" not in stored(case).open_agencies or task.status == c.SUPPLEMENT
    # Back-date the pause by two hours of opening time so the shift is measurable.
    calendar = calendar_for("LY")
    start = to_utc(dt.datetime(2026, 11, 23, 9, 0))
    Case.objects(id=case.id).update_one(set__subtasks__0__pauses__0__started_at=start)
    case = stored(case)
    life.record_supplement(case, AMR, key)
    task = stored(case).subtasks[0]
    assert task.status == c.IN_PROGRESS and task.pauses[0].ended_at
    assert task.deadline > deadline
    assert [e.action for e in stored(case).timeline][-2:] == ["request_supplement",
                                                             "record_supplement"]
    assert subtask_deadline_state(calendar, task, task.deadline - dt.timedelta(minutes=1)) in (
        c.WARNING, c.NORMAL)


def test_rejected_subtask_needs_the_clerks_decision(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    licence, seal = case.subtasks
    life.complete_subtask(case, AMR, licence.key, LICENCE)
    life.reject_subtask(case, PSB, seal.key, "印章样式不符合规定")
    assert case.state == c.ACCEPTED  # not ready: the window must decide
    life.drop_item(case, CLERK, seal.key, note="申请人另行办理")
    assert stored(case).state == c.READY


def test_close_as_rejected(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    with pytest.raises(life.TransitionError):
        life.close_rejected(case, CLERK, "x")  # nothing rejected yet
    life.reject_subtask(case, AMR, case.subtasks[0].key, "名称与已登记企业重名")
    life.close_rejected(case, CLERK, "名称不予登记")
    final = stored(case)
    assert final.state == c.REJECTED and all(not t.is_open for t in final.subtasks)


def test_withdraw_before_delivery_only(centre):
    case = open_full(centre)
    life.withdraw(case, CLERK, "申请人撤回")
    assert stored(case).state == c.WITHDRAWN
    with pytest.raises(life.TransitionError):
        life.withdraw(case, CLERK, "again")


def test_tolerated_material_needs_promised_date_and_may_follow(centre):
    case = open_full(centre)
    with pytest.raises(life.TransitionError, match="date"):
        life.record_materials(case, CLERK, {"住所使用证明": (c.TOLERATED, None)})
    with pytest.raises(life.TransitionError, match="may not be missing"):
        life.record_materials(case, CLERK, {"公司章程": (c.TOLERATED, dt.date.today())})
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    life.receive_tolerated(case, CLERK, "住所使用证明")
    assert all(row.state == c.RECEIVED for row in stored(case).materials)


@pytest.fixture
def embedded_centre(tmp_path):
    """The same centre on the embedded store, where threads really run side by side."""
    from console import storage

    storage.connect(storage.StorageSpec("embedded", str(tmp_path / "store"), "t"))
    for document in (Case, CaseCounter):
        document.ensure_indexes()
    make_centre("LY")
    item = make_item("EO-SEAL", agency=make_agency("PSB", kind="public_security"))
    window = make_window("W01")
    yield {"window": window, "items": {"licence": item, "seal": item}}
    storage.disconnect()


def test_case_numbers_are_unique_and_gapless_under_concurrency(embedded_centre):
    centre = embedded_centre
    numbers: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(5):
                numbers.append(open_full(centre).number)
        except BaseException as error:  # pragma: no cover
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    day = f"{to_china(dt.datetime.now(dt.UTC).replace(tzinfo=None)):%Y%m%d}"
    assert sorted(numbers) == [f"LY-{day}-{n:04d}" for n in range(1, 21)]


def test_whole_case_limit_is_configurable_per_centre(centre):
    from models.centre import ServiceCentre

    ServiceCentre.objects(code="LY").update_one(set__case_limit=4,
                                                set__case_limit_unit="working_hours")
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    accepted_at = to_utc(dt.datetime(2026, 11, 23, 9, 0))  # a Monday morning, China time
    life.accept(case, CLERK, now=accepted_at)
    assert to_china(stored(case).due_at) == dt.datetime(2026, 11, 23, 14, 30)  # lunch skipped


def test_centre_calendar_override_moves_the_deadline(centre):
    from models.workcalendar import CalendarOverride

    CalendarOverride(centre="LY", date=dt.date(2026, 11, 24), is_working_day=False,
                     note="local holiday").save()
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK, now=to_utc(dt.datetime(2026, 11, 23, 10, 0)))
    assert to_china(stored(case).due_at) == dt.datetime(2026, 11, 25, 10, 0)


BLANK = " \t\u3000\n"  # what a reason box holds when someone typed only spaces


@pytest.mark.parametrize("attempt", [
    lambda case: life.reject_subtask(case, AMR, case.subtasks[0].key, BLANK),
    lambda case: life.reject_subtask(case, AMR, case.subtasks[0].key, BLANK, returned=True),
    lambda case: life.request_supplement(case, AMR, case.subtasks[0].key, BLANK),
    lambda case: life.withdraw(case, CLERK, BLANK),
])
def test_a_reason_of_only_blanks_is_refused_and_writes_nothing(centre, attempt):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case)
    life.accept(case, CLERK)
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError):
        attempt(case)
    assert stored(case).to_mongo().to_dict() == before


def test_a_hand_over_or_follow_up_of_only_blanks_is_refused(centre):
    case = open_full(centre)
    life.start_review(case, CLERK)
    receive_all(case, tolerate=False)
    life.accept(case, CLERK)
    licence, seal = case.subtasks
    life.complete_subtask(case, AMR, licence.key, LICENCE)
    life.complete_subtask(case, PSB, seal.key, SEALS)
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError):
        life.deliver(case, CLERK, recipient=BLANK)
    assert stored(case).to_mongo().to_dict() == before
    life.deliver(case, CLERK, recipient=" 王强 ")
    assert stored(case).handover.recipient == "王强"
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError):
        life.close(case, CLERK, method="call", note=BLANK, rating=5)
    assert stored(case).to_mongo().to_dict() == before


def test_the_applicants_names_are_kept_without_surrounding_blanks(centre):
    case = open_full(centre, company_name="  洛阳云帆科技有限公司\u3000", legal_rep_name=" 王强 ",
                     address=" 洛阳市洛龙区开元大道 218 号 ")
    kept = stored(case)
    assert kept.company_name == "洛阳云帆科技有限公司" and kept.legal_rep_name == "王强"
    assert kept.address == "洛阳市洛龙区开元大道 218 号"
    with pytest.raises(life.TransitionError):
        open_full(centre, company_name="   ")
    assert Case.objects.count() == 1
