"""Case screens through real form posts (CSRF on), on the demo centres: the full path from
opening to closing, the approver's queue, and each refusal leaving the case as it was."""

from __future__ import annotations

import re

from conftest import client_for, csrf_token, flashes, module_demo_app
from flask.testing import FlaskClient

from models import Window
from models import case as c
from models.case import Case
from models.workcalendar import today_in_china

ID_NUMBER = "11010519491231002X"


app = module_demo_app()


def act(client: FlaskClient, case: Case, action: str, **data) -> list[tuple[str, str]]:
    token = csrf_token(client, f"/cases/{case.pk}")
    response = client.post(f"/cases/{case.pk}/act/{action}", data={**data, "csrf_token": token})
    assert response.status_code == 302
    return flashes(client)


def open_case(client: FlaskClient, **overrides) -> Case:
    window = Window.objects.get(centre="LY", code="W01")
    data = {
        "window": str(window.pk), "items": ["LY-EO-REG", "LY-EO-SEAL"], "mode": "partial_chain",
        "channel": "window", "delivery_method": "window", "company_name": "洛阳云帆科技有限公司",
        "legal_rep_name": "王强", "legal_rep_id": ID_NUMBER, "phone": "13803791234",
        "address": "洛阳市洛龙区开元大道218号",
    }
    data.update(overrides)
    token = csrf_token(client, "/cases/new")
    before = Case.objects.count()
    response = client.post("/cases/new", data={**data, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert Case.objects.count() == before + 1
    return Case.objects.order_by("-created_at").first()


def receive_everything(client: FlaskClient, case: Case) -> None:
    data = {}
    for index, row in enumerate(case.materials):
        if row.requirement == "tolerated":
            data[f"state-{index}"] = "tolerated"
            data[f"promised-{index}"] = today_in_china().isoformat()
        else:
            data[f"state-{index}"] = "received"
    messages = act(client, case, "materials", **data)
    assert ("success", "Materials recorded.") in messages, messages


def test_full_path_through_the_screens(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    assert case.state == c.COACHING and case.centre == "LY"
    page = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert ID_NUMBER not in page and "110105********002X" in page  # masked 6+4
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    messages = act(clerk, case, "accept")
    assert messages[0][0] == "success" and "promised completion by" in messages[0][1]
    case.reload()
    assert case.state == c.ACCEPTED and {t.agency for t in case.subtasks} == {"LY-AMR", "LY-PSB"}

    approver = client_for(app, "ly_approver")  # agency LY-AMR
    queue = approver.get("/cases/queue").get_data(as_text=True)
    assert case.number in queue
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    seal = next(t for t in case.subtasks if t.agency == "LY-PSB")
    # Not this approver's agency: refused, nothing changes.
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(approver, case, "complete_subtask", subtask=seal.key, seals="公章")
    assert messages[0][0] == "danger" and "another agency" in messages[0][1]
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before
    act(approver, case, "complete_subtask", subtask=licence.key,
        licence_number="L-0001", credit_code="91410300MA9F12345E")
    # The administrator works the seal sub-task for the police here.
    admin = client_for(app, "admin")
    act(admin, case, "complete_subtask", subtask=seal.key, seals="公章、财务专用章、发票专用章")
    case.reload()
    assert case.state == c.READY
    assert next(t for t in case.subtasks if t.key == seal.key).seal_count == 3

    act(clerk, case, "deliver", extra="政策服务包", recipient="王强")
    act(clerk, case, "close", method="call", rating="5", note="满意")
    case.reload()
    assert case.state == c.CLOSED and case.follow_up.rating == 5
    page = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Delivered" in page and "Closed after follow-up" in page  # the timeline


def test_bad_identifiers_in_the_open_form_write_nothing(app):
    clerk = client_for(app, "ly_clerk")
    before = Case.objects.count()
    token = csrf_token(clerk, "/cases/new")
    window = Window.objects.get(centre="LY", code="W01")
    response = clerk.post("/cases/new", data={
        "csrf_token": token, "window": str(window.pk), "items": ["LY-EO-REG"],
        "mode": "full_chain", "channel": "window", "delivery_method": "window",
        "company_name": "甲公司", "legal_rep_name": "王强", "legal_rep_id": "410302199001011234",
        "phone": "1380379", "address": "洛阳市",
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("help-block") >= 2  # the ID number and the phone, both named
    assert Case.objects.count() == before


def test_other_centre_and_other_agency_get_404(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    assert client_for(app, "mj_clerk").get(f"/cases/{case.pk}").status_code == 404
    assert clerk.get("/cases/notanid").status_code == 404
    mj = client_for(app, "mj_clerk")
    token = csrf_token(mj, "/cases/new")
    response = mj.post(f"/cases/{case.pk}/act/withdraw", data={"csrf_token": token,
                                                                "note": "x"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == c.COACHING
    # An approver sees only cases with a sub-task of their agency.
    assert client_for(app, "ly_approver").get(f"/cases/{case.pk}").status_code == 404


def test_supervisor_reads_but_cannot_act(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    supervisor = client_for(app, "ly_supervisor")
    assert supervisor.get(f"/cases/{case.pk}").status_code == 200
    token = csrf_token(supervisor, "/userinfoeditview/form")
    response = supervisor.post(f"/cases/{case.pk}/act/start_review", data={"csrf_token": token})
    assert response.status_code in (302, 403)
    assert Case.objects.get(pk=case.pk).state == c.COACHING
    assert supervisor.get("/cases/new").status_code in (302, 403)


def test_illegal_action_is_refused_with_a_message(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    messages = act(clerk, case, "deliver", recipient="王强")
    assert messages[0][0] == "danger" and "Not possible" in messages[0][1]
    assert Case.objects.get(pk=case.pk).state == c.COACHING
    assert act(clerk, case, "withdraw")[0][0] == "danger"  # a reason is required
    assert Case.objects.get(pk=case.pk).state == c.COACHING


def test_list_filters_and_bad_filter_input(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, company_name="筛选测试有限公司")
    page = clerk.get("/cases/?q=筛选测试").get_data(as_text=True)
    assert case.number in page
    page = clerk.get("/cases/?q=.*").get_data(as_text=True)
    assert case.number not in page  # the text is searched literally
    response = clerk.get("/cases/?from=yesterday&state=bogus&window=notanid")
    assert response.status_code == 200  # named and ignored, never a 500
    assert response.get_data(as_text=True).count("ignored") == 3
    page = clerk.get("/cases/?overdue=1").get_data(as_text=True)
    assert case.number not in page
    mj_page = client_for(app, "mj_clerk").get("/cases/?state=all").get_data(as_text=True)
    assert case.number not in mj_page


def test_risk_prompt_for_one_person_behind_many_companies(app):
    clerk = client_for(app, "ly_clerk")
    cases = [open_case(clerk, legal_rep_id="11010519491231002X", company_name=f"一人{n}公司",
                       address=f"洛阳市某路{n}号") for n in range(3)]
    page = clerk.get(f"/cases/{cases[-1].pk}").get_data(as_text=True)
    assert re.search(r"One person, many companies", page)


def test_action_from_a_stale_page_is_refused(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    seen = Case.objects.get(pk=case.pk).version
    other = client_for(app, "ly_admin")  # reads only; the admin of all centres acts below
    assert other.get(f"/cases/{case.pk}").status_code == 200
    act(client_for(app, "admin"), case, "start_review")
    messages = act(clerk, case, "withdraw", note="申请人撤回", version=str(seen))
    assert messages[0][0] == "danger" and "changed by admin" in messages[0][1]
    assert Case.objects.get(pk=case.pk).state == c.REVIEW


def licence_started(app, company_name: str):
    """An accepted case whose licence sub-task (LY-AMR) the approver has started: the case,
    that sub-task and the approver's client."""
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, company_name=company_name)
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    case.reload()
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    approver = client_for(app, "ly_approver")
    act(approver, case, "start_subtask", subtask=licence.key)
    return case, licence, approver


def test_a_refused_result_names_its_field_once(app):
    case, licence, approver = licence_started(app, "洛阳一次科技有限公司")
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(approver, case, "complete_subtask", subtask=licence.key,
                   licence_number="L-0002", credit_code="91410300MA9F12345")  # 17 characters
    assert len(messages) == 1 and messages[0][0] == "danger", messages
    label = "Unified social credit code"
    assert messages[0][1].startswith(f"{label} 91410300MA9F12345"), messages
    assert messages[0][1].count(label) == 1
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before


def test_a_refused_result_keeps_what_the_approver_typed(app):
    """The approver corrects the refused field, not retypes the sub-task's results: they come
    back in that sub-task's form (once), never in another's."""
    case, licence, approver = licence_started(app, "洛阳留存科技有限公司")
    act(approver, case, "complete_subtask", subtask=licence.key, licence_number="L-0003",
        credit_code="91410300MA9F12345", remarks="已核对原件")
    page = approver.get(f"/cases/{case.pk}").get_data(as_text=True)
    kept = re.search(rf'<form[^>]*id="form-complete-{licence.key}".*?</form>', page, re.S).group(0)
    assert 'value="L-0003"' in kept and 'value="91410300MA9F12345"' in kept
    assert "已核对原件</textarea>" in kept
    assert page.count('value="L-0003"') == 1  # in that sub-task's form only
    again = approver.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'value="L-0003"' not in again  # shown once, then forgotten


def _seen_on(page: str, key: str) -> dict:
    """What a page's form for sub-task ``key`` posts besides the action's own fields."""
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    seen = re.search(rf'name="subtask" value="{key}"><input type="hidden" name="task_seen" '
                     r'value="(\w+)"', page)
    return {"version": version, "subtask": key, "task_seen": seen.group(1)}


def test_agencies_act_in_parallel_from_pages_loaded_before_each_others_work(app):
    # 并联审批: once the licence is issued, police seals and social insurance work at once, each
    # from a page loaded before the other's action; each acts on its own sub-task.
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, company_name="洛阳并联科技有限公司",
                     items=["LY-EO-REG", "LY-EO-SEAL", "LY-EO-SI"])
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    case.reload()
    task = {t.agency: t for t in case.subtasks}
    approver = client_for(app, "ly_approver")
    act(approver, case, "start_subtask", subtask=task["LY-AMR"].key)
    act(approver, case, "complete_subtask", subtask=task["LY-AMR"].key,
        licence_number="L-0101", credit_code="91410300MA9F12345E")
    police, social = client_for(app, "ly_psb"), client_for(app, "ly_si")
    police_page = police.get(f"/cases/{case.pk}").get_data(as_text=True)
    social_page = social.get(f"/cases/{case.pk}").get_data(as_text=True)
    seal, insured = task["LY-PSB"].key, task["LY-SI"].key
    assert act(police, case, "start_subtask", **_seen_on(police_page, seal))[0][0] == "success"
    # social insurance's page is now older than the case, but its sub-task is as it showed
    messages = act(social, case, "start_subtask", **_seen_on(social_page, insured))
    assert messages[0][0] == "success", messages
    stored = {t.key: t for t in Case.objects.get(pk=case.pk).subtasks}
    assert stored[seal].status == stored[insured].status == c.IN_PROGRESS
    assert (stored[seal].assignee, stored[insured].assignee) == ("ly_psb", "ly_si")
    # ...and a page showing the police sub-task before it started is refused: it changed.
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(police, case, "request_supplement", note="印模不清",
                   **_seen_on(police_page, seal))
    assert messages[0][0] == "danger" and "was changed by" in messages[0][1], messages
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before
    # A forged fingerprint counts for nothing: the page's version decides.
    messages = act(social, case, "request_supplement", note="缺少参保人员名单",
                   **{**_seen_on(social_page, insured), "task_seen": "0" * 20})
    assert messages[0][0] == "danger" and "was changed by" in messages[0][1], messages
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before
