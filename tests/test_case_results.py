"""Results per item: each item declares what its agency records, 办结 checks it (and refuses
without it, writing nothing), the credit code lands on the case and the delivery checklist is
built from the sub-tasks' results."""

from __future__ import annotations

import datetime as dt

from mongoengine import ValidationError
import pytest
from test_case_clock import MONDAY_10, accepted, china, task_of
from test_lifecycle import (  # noqa: F401 - fixtures
    AMR,
    CLERK,
    CREDIT_CODE,
    LICENCE,
    PSB,
    SEALS,
    centre,
    db,
    stored,
)
from test_models_factories import make_item

from models import case as c
from models import lifecycle as life
from models.item import ServiceItem
from models.results import clean_results

BANK = life.Actor("bank1", frozenset({life.APPROVER}), centre="LY", agency="BANK")
FUND = life.Actor("hf1", frozenset({life.APPROVER}), centre="LY", agency="HF")


@pytest.fixture
def ly(centre):  # noqa: F811 - the LY centre of test_lifecycle
    return centre


def unchanged(case, attempt):
    before = stored(case).to_mongo().to_dict()
    with pytest.raises(life.TransitionError) as error:
        attempt()
    assert stored(case).to_mongo().to_dict() == before
    return str(error.value)


def test_done_without_the_declared_results_is_refused_and_writes_nothing(ly):
    case = accepted(ly)
    licence = task_of(case, "EO-REG")
    message = unchanged(case, lambda: life.complete_subtask(case, AMR, licence.key, {}))
    assert "Licence number is required" in message
    assert "Unified social credit code is required" in message
    message = unchanged(case, lambda: life.complete_subtask(
        case, AMR, licence.key, {"licence_number": "L-1", "credit_code": "91410300MA9F12345A"}))
    assert "check character" in message


def test_a_result_the_item_does_not_declare_is_refused(ly):
    items = ly["items"]
    case = accepted(ly, items=[items["licence"]], mode=c.PARTIAL_CHAIN)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE, now=MONDAY_10)
    life.add_items(case, CLERK, [items["bank"], items["fund"]], now=MONDAY_10)
    bank, fund = task_of(case, "EO-BANK"), task_of(case, "EO-HF")
    message = unchanged(case, lambda: life.complete_subtask(
        case, BANK, bank.key, {"bank_name": "中国银行", "account_number": "41001",
                               "invoice_count": 25}))
    assert "does not record Invoice count" in message
    message = unchanged(case, lambda: life.complete_subtask(case, FUND, fund.key, {}))
    assert "Registration number is required" in message
    life.complete_subtask(case, BANK, bank.key,
                          {"bank_name": "中国银行洛阳分行", "account_number": "2464 0001 8899"})
    assert task_of(case, "EO-BANK").account_number == "2464 0001 8899"


def test_credit_code_lands_on_the_case_and_the_checklist_comes_from_the_results(ly):
    case = accepted(ly)
    assert stored(case).credit_code is None
    licence = task_of(case, "EO-REG")
    life.complete_subtask(case, AMR, licence.key,
                          {"licence_number": "L-0001", "credit_code": CREDIT_CODE.lower()},
                          now=MONDAY_10 + dt.timedelta(minutes=30))
    assert stored(case).credit_code == CREDIT_CODE
    seal = task_of(case, "EO-SEAL")
    life.complete_subtask(case, PSB, seal.key, {"seals": "公章、财务专用章，发票专用章"},
                          now=MONDAY_10 + dt.timedelta(minutes=40))
    assert task_of(case, "EO-SEAL").seal_count == 3
    case = stored(case)
    lines = life.delivery_checklist(case)
    assert any("L-0001" in line and CREDIT_CODE in line for line in lines)
    assert any("公章、财务专用章、发票专用章" in line for line in lines)
    life.deliver(case, CLERK, recipient="王强", results=["政策服务包"],
                 now=china(2026, 11, 23, 14, 0))
    handed = stored(case).handover.results
    assert handed == [*lines, "政策服务包"]


def test_item_declares_only_known_result_fields(db):  # noqa: F811 - the fixture
    with pytest.raises(ValidationError) as error:
        ServiceItem(code="X", name="x", result_fields=["shoe_size"]).validate()
    assert "result_fields" in error.value.to_dict()


def test_clean_results_numbers_and_lists():
    assert clean_results(["invoice_count", "ukey_serial"],
                         {"invoice_count": "25", "ukey_serial": " UK-1 "}) == {
        "invoice_count": 25, "ukey_serial": "UK-1"}
    with pytest.raises(ValueError, match="whole number"):
        clean_results(["invoice_count"], {"invoice_count": "many"})
    with pytest.raises(ValueError, match="negative"):
        clean_results(["invoice_count"], {"invoice_count": -1})


def test_an_item_cannot_wait_for_itself(ly):
    with pytest.raises(Exception, match="wait for itself"):
        make_item("EO-X", after_items=["EO-X"])


@pytest.mark.parametrize("results", [
    {"licence_number": ["L-1"], "credit_code": "91410300MA9F12345E"},
    {"licence_number": 12345, "credit_code": "91410300MA9F12345E"},
    {"licence_number": {"n": "L-1"}, "credit_code": "91410300MA9F12345E"},
    {"licence_number": "L-1", "credit_code": ["91410300MA9F12345E"]},
    {"licence_number": "L-1", "credit_code": "91410300MA9F12345E", "remarks": {"a": 1}},
])
def test_a_result_of_the_wrong_type_is_refused_not_stored_as_its_python_spelling(results):
    """An agency system posting a list or a number for a text result got "['L-1']" stored."""
    with pytest.raises(ValueError, match="must be text"):
        clean_results(["licence_number", "credit_code"], results)


@pytest.mark.parametrize("value", [True, 2.5, ["25"], {"n": 25}])
def test_a_count_must_be_a_whole_number_not_true_or_a_list(value):
    with pytest.raises(ValueError, match="whole number"):
        clean_results(["invoice_count"], {"invoice_count": value})


@pytest.mark.parametrize("value", [{"公章": 1}, 7, ["公章", 7]])
def test_seals_are_a_list_of_names(value):
    with pytest.raises(ValueError, match="list of names|must be text"):
        clean_results(["seals"], {"seals": value})


@pytest.mark.parametrize("typed", [
    "abc", "41001", "6217 0000 1234 567X", "６２１７０００１２３４５６７８", "1" * 33])
def test_an_account_number_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError, match="Account number must be 8 to 32 digits"):
        clean_results(["bank_name", "account_number"],
                      {"bank_name": "中国银行", "account_number": typed})


def test_an_account_number_keeps_the_groups_it_was_typed_in():
    assert clean_results(["bank_name", "account_number"],
                         {"bank_name": "中国银行", "account_number": " 6217 0000 1234 5678 "}) == {
        "bank_name": "中国银行", "account_number": "6217 0000 1234 5678"}


def test_a_bank_sub_task_done_with_letters_for_its_account_writes_nothing(ly):
    items = ly["items"]
    case = accepted(ly, items=[items["licence"]], mode=c.PARTIAL_CHAIN)
    life.complete_subtask(case, AMR, case.subtasks[0].key, LICENCE, now=MONDAY_10)
    life.add_items(case, CLERK, [items["bank"]], now=MONDAY_10)
    bank = task_of(case, "EO-BANK")
    message = unchanged(case, lambda: life.complete_subtask(
        case, BANK, bank.key, {"bank_name": "中国银行", "account_number": "abc"}))
    assert "Account number must be" in message


def test_a_seal_named_twice_is_refused():
    with pytest.raises(ValueError, match="Seals names “公章” more than once"):
        clean_results(["seals"], {"seals": "公章、法定代表人名章、公章，财务专用章"})
    assert clean_results(["seals"], {"seals": "公章、、财务专用章、"}) == {
        "seals": ["公章", "财务专用章"]}
