"""Every agency of the enterprise-opening chain works its own sub-task with its own login: a
full-chain case at LY driven to delivery on the screens with no super-administrator."""

from __future__ import annotations

from conftest import client_for, module_demo_app
import pytest
from test_case_screens import act, open_case, receive_everything

from console.demo_data import DEMO_LOGINS
from models import case as c
from models.case import Case
from models.window import Window

# The approver login of each agency of the chain, and what it records.
WORK = {
    "ly_approver": {"licence_number": "L-0002", "credit_code": "91410300MA9F12345E"},
    "ly_psb": {"seals": "公章、财务专用章、发票专用章"},
    "ly_tax": {"invoice_count": "25", "ukey_serial": "UK-1"},
    "ly_si": {"registration_number": "SI-2"},
    "ly_mi": {"registration_number": "MI-2"},
    "ly_hf": {"registration_number": "HF-2"},
    "ly_bank": {"bank_name": "中国工商银行洛阳分行", "account_number": "1705020109000099999"},
}


app = module_demo_app()


@pytest.mark.parametrize("centre", ["LY", "MJ"])
def test_the_demo_has_an_approver_for_every_agency_of_the_chain(app, centre):
    agencies = {login[4] for login in DEMO_LOGINS
                if login[1] == "Approver" and login[2] == centre}
    case_agencies = {f"{centre}-{agency}" for agency in ("AMR", "PSB", "TAX", "SI", "MI", "HF")}
    # and the tobacco bureau's, for the licences of the professional window
    assert agencies == case_agencies | {"PBC-LY", f"{centre}-TOBACCO"}


def test_mj_approver_logins_see_and_work_only_their_centres_sub_tasks(app):
    clerk = client_for(app, "mj_clerk")
    window = Window.objects.get(centre="MJ", code="W01")
    case = open_case(clerk, window=str(window.pk), mode="full_chain", items=[
        "MJ-EO-REG", "MJ-EO-SEAL", "MJ-EO-INVOICE", "MJ-EO-SI", "MJ-EO-MI", "MJ-EO-HF",
        "EO-BANK"])
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    on_the_case = {task.agency for task in Case.objects.get(pk=case.pk).subtasks}
    mj_approvers = [login[0] for login in DEMO_LOGINS
                    if login[1] == "Approver" and login[2] == "MJ" and login[4] in on_the_case]
    assert len(mj_approvers) == 7
    for username in mj_approvers:
        assert case.number in client_for(app, username).get("/cases/queue").get_data(
            as_text=True), username
    # The bank's LY approver works the same shared agency, but not MJ's cases.
    assert case.number not in client_for(app, "ly_bank").get("/cases/queue").get_data(
        as_text=True)
    approver = client_for(app, "mj_approver")
    task = next(t for t in Case.objects.get(pk=case.pk).subtasks if t.agency == "MJ-AMR")
    messages = act(approver, case, "complete_subtask", subtask=task.key,
                   licence_number="L-MJ-0001", credit_code="91410300MA9F12345E")
    assert messages[0][0] == "success", messages


def test_a_full_chain_to_delivery_with_each_agency_login(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, mode="full_chain", items=[
        "LY-EO-REG", "LY-EO-SEAL", "LY-EO-INVOICE", "LY-EO-SI", "LY-EO-MI", "LY-EO-HF",
        "EO-BANK"])
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    case.reload()
    assert case.state == c.ACCEPTED and len(case.subtasks) == len(WORK)
    for username, results in WORK.items():
        approver = client_for(app, username)
        agency = approver.application.appbuilder.sm.find_user(username=username).agency
        task = next(t for t in Case.objects.get(pk=case.pk).subtasks if t.agency == agency)
        assert case.number in approver.get("/cases/queue").get_data(as_text=True)
        messages = act(approver, case, "complete_subtask", subtask=task.key, **results)
        assert messages[0][0] == "success", (username, messages)
    case.reload()
    assert case.state == c.READY
    assert {e.actor for e in case.timeline if e.action == "complete_subtask"} == set(WORK)
    act(clerk, case, "deliver", recipient="王强")
    case.reload()
    assert case.state == c.DELIVERED and "admin" not in {e.actor for e in case.timeline}
