"""The case pages against the transition table and the model's rules, through real form posts on
the demo centres: buttons and data-action, local-only redirects, results forms per item, returns
with their history, late 容缺 (filter, badge, centre list), what an approver sees, the paged
queue, and templates without inline script."""

from __future__ import annotations

import datetime as dt
import pathlib
import re

from conftest import client_for, csrf_token, module_demo_app
import pytest
from test_case_screens import ID_NUMBER, act, open_case, receive_everything

from console.views import cases as case_views
from models import case as c
from models.case import Case

TEMPLATES = pathlib.Path(case_views.__file__).parent.parent / "templates" / "onewindow" / "cases"


app = module_demo_app()


def page(client, case) -> str:
    response = client.get(f"/cases/{case.pk}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def data_actions(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def accepted_case(app, **overrides):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, **overrides)
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    return clerk, Case.objects.get(pk=case.pk)


def test_buttons_come_from_the_transition_table(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    assert data_actions(page(clerk, case)) == {"start_review", "record_materials", "add_items",
                                               "withdraw"}
    act(clerk, case, "start_review")
    assert data_actions(page(clerk, case)) == {"record_materials", "accept", "return",
                                               "add_items", "withdraw"}
    assert data_actions(page(client_for(app, "ly_supervisor"), case)) == set()


def test_every_submit_button_names_its_action(app):
    clerk, case = accepted_case(app)
    for client in (clerk, client_for(app, "ly_approver"), client_for(app, "admin")):
        html = page(client, case)
        submits = [b for b in re.findall(r"<button[^>]*>", html) if 'type="submit"' in b]
        assert submits
        for button in submits:
            assert re.search(r'data-action(-confirm)?="[a-z_]+"', button), button
        # Each confirmation dialog submits an action the page offers.
        confirmed = set(re.findall(r'data-action-confirm="([a-z_]+)"', html))
        assert confirmed <= data_actions(html)


def test_consequential_actions_are_confirmed_in_a_dialog_with_a_summary(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, company_name="确认对话框测试有限公司")
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    html = page(clerk, case)
    dialog = html[html.index('id="confirm-accept"'):]
    dialog = dialog[:dialog.index('data-action-confirm="accept"')]
    assert "确认对话框测试有限公司" in dialog and "Promised completion" in dialog
    assert 'form="form-accept"' in html[html.index('id="confirm-accept"'):]
    # Withdrawal is not next to acceptance.
    assert html.index('data-action="withdraw"') - html.index('data-action="accept"') > 2000


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)", "cases"])
def test_next_accepts_only_a_local_path(app, target):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    token = csrf_token(clerk, f"/cases/{case.pk}")
    response = clerk.post(f"/cases/{case.pk}/act/start_review",
                          data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.pk}")
    response = clerk.post(f"/cases/{case.pk}/act/withdraw",
                          data={"csrf_token": token, "next": "/cases/?state=all", "note": "x"})
    assert response.location.endswith("/cases/?state=all")


def test_templates_have_no_inline_script_or_event_handlers():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), path.name


def test_results_form_shows_the_declared_fields_and_refuses_without_them(app):
    _clerk, case = accepted_case(app)
    approver = client_for(app, "ly_approver")
    html = page(approver, case)
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    assert f'id="licence_number-{licence.key}"' in html
    assert f'id="credit_code-{licence.key}"' in html
    assert f'id="account_number-{licence.key}"' not in html
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(approver, case, "complete_subtask", subtask=licence.key, licence_number="L1")
    assert messages[0][0] == "danger" and "credit code is required" in messages[0][1]
    messages = act(approver, case, "complete_subtask", subtask=licence.key, licence_number="L1",
                   credit_code="91410300MA9F12345A")
    assert messages[0][0] == "danger"
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before


def test_seal_cannot_be_done_before_the_licence_on_screen(app):
    _clerk, case = accepted_case(app)
    seal = next(t for t in case.subtasks if t.agency == "LY-PSB")
    admin = client_for(app, "admin")
    assert "complete_subtask" not in re.findall(
        rf'name="subtask" value="{seal.key}">.*?data-action="([a-z_]+)"', page(admin, case))
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(admin, case, "complete_subtask", subtask=seal.key, seals="公章")
    assert messages[0][0] == "danger" and "waits for" in messages[0][1]
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before


def test_return_with_reasons_and_note_is_kept_in_the_history(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    act(clerk, case, "start_review")
    case = Case.objects.get(pk=case.pk)
    form = next(i for i, row in enumerate(case.materials) if "申请书" in row.name)
    point = case.materials[form].review_points[0]
    messages = act(clerk, case, "return", note="请法定代表人本人到场", **{f"reason-{form}": point})
    assert messages[0][0] == "success", messages
    act(clerk, case, "resubmit")
    act(clerk, case, "return", **{f"reason_text-{form}": "申请书第二页缺失"})
    stored = Case.objects.get(pk=case.pk)
    assert len(stored.returns) == 2
    assert point in [m.reason for m in stored.returns[0].materials]
    assert stored.returns[0].note == "请法定代表人本人到场"
    html = page(clerk, case)
    assert point in html and "申请书第二页缺失" in html and "请法定代表人本人到场" in html
    # Each return is headed by the clerk's name, as the timeline names them, not their login.
    assert "· 李娜</div>" in html and "· ly_clerk" not in html
    act(clerk, case, "resubmit")
    messages = act(clerk, case, "return", **{f"reason-{form}": "not a review point"})
    assert messages[0][0] == "danger"
    assert len(Case.objects.get(pk=case.pk).returns) == 2


def backdate_tolerated(case, days: int) -> dt.date:
    """The applicant promised ``days`` ago (the promise was valid then)."""
    promised = dt.date.today() - dt.timedelta(days=days)
    stored = Case.objects.get(pk=case.pk)
    for row in stored.materials:
        if row.state == c.TOLERATED:
            row.promised_on = promised
    Case.objects(pk=case.pk).update_one(set__materials=stored.materials,
                                        set__tolerated_due=promised)
    return promised


def test_late_tolerated_filter_badge_and_centre_list(app):
    clerk, late = accepted_case(app, company_name="容缺逾期测试有限公司")
    _clerk, on_time = accepted_case(app, company_name="容缺按时测试有限公司")
    backdate_tolerated(late, 3)
    listing = clerk.get("/cases/?late=1").get_data(as_text=True)
    assert late.number in listing and on_time.number not in listing
    assert "Tolerated material overdue" in listing
    centre_list = clerk.get("/cases/late-tolerated").get_data(as_text=True)
    assert late.number in centre_list and "住所（经营场所）使用证明" in centre_list
    assert on_time.number not in centre_list
    assert late.number not in client_for(app, "mj_clerk").get(
        "/cases/late-tolerated").get_data(as_text=True)
    assert client_for(app, "ly_supervisor").get("/cases/late-tolerated").status_code == 200
    assert client_for(app, "ly_approver").get("/cases/late-tolerated").status_code in (302, 403)


def test_a_withdrawn_case_leaves_the_late_tolerated_list(app):
    # Its applicant will never hand the material in: the case owes nothing any more.
    clerk, case = accepted_case(app, company_name="容缺撤回测试有限公司")
    backdate_tolerated(case, 5)
    assert case.number in clerk.get("/cases/late-tolerated").get_data(as_text=True)
    messages = act(clerk, case, "withdraw", note="申请人撤回")
    assert messages[0][0] == "success", messages
    assert case.number not in clerk.get("/cases/late-tolerated").get_data(as_text=True)
    assert case.number not in clerk.get("/cases/?late=1").get_data(as_text=True)


def test_delivery_refused_on_screen_while_a_blocking_material_is_overdue(app):
    clerk, case = accepted_case(app)
    admin = client_for(app, "admin")
    for task in case.subtasks:
        if task.agency == "LY-AMR":
            act(admin, case, "complete_subtask", subtask=task.key, licence_number="L-9",
                credit_code="91410300MA9F12345E")
    for task in Case.objects.get(pk=case.pk).subtasks:
        if task.agency == "LY-PSB":
            act(admin, case, "complete_subtask", subtask=task.key, seals="公章、财务专用章")
    assert Case.objects.get(pk=case.pk).state == c.READY
    backdate_tolerated(case, 1)
    html = page(clerk, case)
    assert "Delivery is withheld" in html and 'data-action="deliver"' not in html
    messages = act(clerk, case, "deliver", recipient="王强")
    assert messages[0][0] == "danger"
    assert Case.objects.get(pk=case.pk).state == c.READY


def test_an_approver_sees_other_agencies_without_results_or_reasons(app):
    _clerk, case = accepted_case(app)
    admin = client_for(app, "admin")
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    seal = next(t for t in case.subtasks if t.agency == "LY-PSB")
    act(admin, case, "complete_subtask", subtask=licence.key, licence_number="L-7",
        credit_code="91410300MA9F12345E")
    act(admin, case, "request_supplement", subtask=seal.key, note="印模不清，请重新提供印模样式")
    html = page(client_for(app, "ly_approver"), case)
    assert "L-7" in html  # their own result
    assert "印模不清" not in html  # another agency's reason
    assert "公安局" in html  # but its agency and status are shown
    assert "印模不清" in page(admin, case)


def test_approver_queue_is_paged(app, monkeypatch):
    monkeypatch.setattr(case_views, "PAGE_SIZE", 2)
    numbers = {accepted_case(app)[1].number for _ in range(3)}
    approver = client_for(app, "ly_approver")
    shown: list[str] = []
    for number in range(100):  # other tests of this module left open cases too
        html = approver.get(f"/cases/queue?page={number}").get_data(as_text=True)
        rows = re.findall(r">(LY-\d{8}-\d{4})<", html)
        assert len(rows) <= 2
        if not rows:
            break
        shown += rows
    assert numbers <= set(shown) and len(shown) == len(set(shown))
    first = approver.get("/cases/queue").get_data(as_text=True)
    assert 'class="pagination"' in first
    assert 'rel="next"' in first and 'rel="prev"' not in first


def test_page_links_show_both_ends_and_the_pages_around_this_one():
    assert case_views.page_links(0, 1) == [0]
    assert case_views.page_links(0, 5) == [0, 1, 2, 3, 4]  # one page left out: its number
    assert case_views.page_links(10, 850) == [0, None, 8, 9, 10, 11, 12, None, 849]
    assert case_views.page_links(849, 850) == [0, None, 847, 848, 849]


def test_mail_delivery_needs_an_address(app):
    clerk = client_for(app, "ly_clerk")
    token = csrf_token(clerk, "/cases/new")
    before = Case.objects.count()
    window = case_views.Window.objects.get(centre="LY", code="W01")
    response = clerk.post("/cases/new", data={
        "csrf_token": token, "window": str(window.pk), "items": ["LY-EO-REG"],
        "mode": "partial_chain", "channel": "window", "delivery_method": "mail",
        "company_name": "邮寄测试有限公司", "legal_rep_name": "王强", "legal_rep_id": ID_NUMBER,
        "phone": "13803791234", "address": "洛阳市洛龙区开元大道218号"})
    assert "Mail delivery needs a mailing address." in response.get_data(as_text=True)
    assert Case.objects.count() == before


def test_the_case_page_shows_where_mailed_results_go(app):
    clerk = client_for(app, "ly_clerk")
    address = "洛阳市西工区中州中路100号 王强收"
    html = page(clerk, open_case(clerk, delivery_method="mail", mail_address=address))
    row = re.search(r"<tr><th>Mailing address</th><td>([^<]*)</td></tr>", html)
    assert row and row.group(1) == address  # in full: not masked
    # Collected at the window: no mailing address to show.
    assert "Mailing address" not in page(clerk, open_case(clerk))



def test_material_choices_are_kept_when_refused(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    stored = Case.objects.get(pk=case.pk)
    tolerated = next(i for i, row in enumerate(stored.materials) if row.requirement == "tolerated")
    received = next(i for i, row in enumerate(stored.materials) if row.requirement == "required")
    messages = act(clerk, case, "record_materials", **{
        f"state-{received}": "received", f"state-{tolerated}": "tolerated",
        f"promised-{tolerated}": "2030-01-10"})
    assert messages[0][0] == "danger" and "must be promised between" in messages[0][1]
    html = page(clerk, case)
    assert 'value="2030-01-10"' in html  # the clerk corrects the date, not everything
    assert html.count('value="received" selected') == 1
    assert 'data-all-received' in html
    assert 'value="2030-01-10"' not in page(clerk, case)  # shown once


def test_new_case_form_defaults_and_script(app):
    from models.roster import RosterEntry
    from models.workcalendar import today_in_china

    clerk = client_for(app, "ly_clerk")
    html = clerk.get("/cases/new").get_data(as_text=True)
    entry = RosterEntry.objects(date=today_in_china(), staff__in=[
        s.id for s in case_views.StaffMember.objects(username="ly_clerk")]).first()
    if entry is not None:
        assert re.search(rf'<option selected value="{entry.window.pk}"|'
                         rf'<option value="{entry.window.pk}" selected', html)
    assert "data-chains=" in html and 'class="onewindow-required"' in html
    assert "/static/onewindow/cases.js" in html
    script = clerk.get("/static/onewindow/cases.js")
    assert script.status_code == 200 and b"data-confirm" in script.data


@pytest.mark.parametrize("document,fields", [
    (Case, ("centre", "tolerated_due")),  # late 容缺: list filter and centre list
    (Case, ("centre", "state")),  # overdue only: state, then due and a running clock
    (case_views.RosterEntry, ("centre", "staff", "date")),  # the clerk's rostered window
    (case_views.StaffMember, ("username",)),
])
def test_new_screen_queries_are_served_by_a_declared_index(document, fields):
    from test_indexes import declared_prefixes

    assert any(index[:len(fields)] == fields for index in declared_prefixes(document))


def test_results_and_precedence_are_edited_on_the_item_screen(app):
    from models.item import ServiceItem

    item = ServiceItem.objects(code="LY-EO-SEAL").first()
    assert item.after_items == ["LY-EO-REG"] and item.result_fields == ["seals"]
    html = client_for(app, "ly_admin").get(f"/serviceitemview/edit/{item.pk}").get_data(
        as_text=True)
    for name in ('name="result_fields"', 'name="after_items"', 'name="consolidates"',
                 'name="materials-0-blocks_delivery"'):
        assert name in html


def test_success_messages_name_the_action(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    assert ("success", "Start window review: done.") in act(clerk, case, "start_review")
    messages = act(clerk, case, "withdraw", note="申请人撤回")
    assert ("success", "Withdraw: done.") in messages


def ready_case(app):
    clerk, case = accepted_case(app)
    admin = client_for(app, "admin")
    for agency, results in (("LY-AMR", {"licence_number": "L-9",
                                        "credit_code": "91410300MA9F12345E"}),
                            ("LY-PSB", {"seals": "公章、财务专用章"})):
        for task in Case.objects.get(pk=case.pk).subtasks:
            if task.agency == agency:
                act(admin, case, "complete_subtask", subtask=task.key, **results)
    assert Case.objects.get(pk=case.pk).state == c.READY
    return clerk, case


def test_the_rating_names_who_recorded_it_not_their_login(app):
    clerk, case = ready_case(app)
    act(clerk, case, "deliver", recipient="王强")
    messages = act(clerk, case, "close", method="call", rating="5", note="申请人满意")
    assert messages[0][0] == "success", messages
    html = page(clerk, case)
    rating = html[html.index("Applicant's rating"):]
    assert "李娜" in rating[:600] and "ly_clerk" not in rating[:600]
    assert "ly_clerk" not in client_for(app, "ly_clerk").get(f"/ratings/case/{case.pk}").get_data(
        as_text=True).split("Recorded by")[1][:200]


def test_a_result_of_nought_is_shown_on_the_case_page(app):
    _clerk, case = accepted_case(app, items=["LY-EO-REG", "LY-EO-INVOICE"])
    admin = client_for(app, "admin")
    for task in Case.objects.get(pk=case.pk).subtasks:
        if task.agency == "LY-AMR":
            act(admin, case, "complete_subtask", subtask=task.key, licence_number="L-9",
                credit_code="91410300MA9F12345E")
    tax = next(t for t in Case.objects.get(pk=case.pk).subtasks if t.agency == "LY-TAX")
    messages = act(admin, case, "complete_subtask", subtask=tax.key, invoice_count="0",
                   ukey_serial="UK-0001")
    assert messages[0][0] == "success", messages
    # No invoices handed out is a result the window must see, as the delivery checklist says.
    assert re.search(r"<small>Invoice count</small> 0</div>", page(admin, case))


def test_a_one_day_allowance_reads_in_the_singular(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, items=["LY-EO-REG", "LY-EO-INVOICE"])
    html = page(clerk, case)
    assert "≤ 1 working day</span>" in html and "1 working days" not in html
    assert "≤ 5 working days</span>" in html  # the address proof keeps its plural
    act(clerk, case, "start_review")
    stored = Case.objects.get(pk=case.pk)
    one_day = next(i for i, row in enumerate(stored.materials) if row.follow_up_days == 1)
    late = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    messages = act(clerk, case, "record_materials", **{f"state-{one_day}": "tolerated",
                                                       f"promised-{one_day}": late})
    assert messages[0][0] == "danger" and messages[0][1].endswith("(1 working day)."), messages


def test_adding_an_unknown_item_names_it_and_writes_nothing(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(clerk, case, "add_items", items=["NO-SUCH-ITEM"])
    assert messages == [("danger", "Unknown service item: NO-SUCH-ITEM")], messages
    # Another centre's item is as unknown here.
    messages = act(clerk, case, "add_items", items=["MJ-EO-SEAL"])
    assert messages == [("danger", "Unknown service item: MJ-EO-SEAL")], messages
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before


def test_the_printables_list_reads_in_english_on_an_english_page(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    act(clerk, case, "start_review")
    act(clerk, case, "return", note="请补齐")
    html = page(clerk, case)
    printables = html[html.index('class="onewindow-printables"'):]
    printables = printables[:printables.index("</ul>")]
    assert "One-time notification 1 (" in printables
    # Chinese punctuation belongs to the Chinese page only.
    assert "：" not in printables and "（" not in printables


def test_closing_a_case_rated_on_the_rating_screen_keeps_that_rating(app):
    from models.rating import Rating

    clerk, case = ready_case(app)
    act(clerk, case, "deliver", recipient="王强")
    token = csrf_token(clerk, f"/ratings/case/{case.pk}")
    response = clerk.post(f"/ratings/case/{case.pk}",
                          data={"csrf_token": token, "score": "1", "comment": "等太久"})
    assert response.status_code == 302
    html = page(clerk, case)
    close_form = html[html.index("/act/close"):]
    close_form = close_form[:close_form.index("</form>")]
    assert 'name="rating" value="1"' in close_form and "<select" in close_form  # the method
    assert 'id="rating"' not in close_form  # no second rating to pick
    # A page shown before the rating was recorded posts another rating: refused.
    before = Case.objects.get(pk=case.pk).to_mongo().to_dict()
    messages = act(clerk, case, "close", method="call", rating="5", note="回访满意")
    assert messages[0][0] == "danger" and "already recorded (Very dissatisfied)" in messages[0][1]
    assert Case.objects.get(pk=case.pk).to_mongo().to_dict() == before
    messages = act(clerk, case, "close", method="call", rating="1", note="已致歉")
    assert messages[0][0] == "success", messages
    assert Case.objects.get(pk=case.pk).follow_up.rating == 1
    assert [r.score for r in Rating.objects(case=case.pk)] == [1]


def test_dropping_the_last_item_says_the_case_ended_and_why(app):
    clerk, case = accepted_case(app)
    admin = client_for(app, "admin")
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    act(admin, case, "reject_subtask", subtask=licence.key, note="名称与已登记企业重名")
    messages = act(clerk, case, "drop_item", subtask=licence.key, note="")
    # The seals waited for the licence: nothing is left, the case ends.
    assert messages == [("warning", "Every item of the case is dropped: it is closed as "
                                     "rejected.")], messages
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == c.REJECTED and stored.outcome == "名称与已登记企业重名"


def test_the_timeline_keeps_each_time_and_name_on_one_line(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk)
    html = page(clerk, case)
    timeline = html[html.index("<h3>Timeline</h3>"):]
    row = re.search(r"<tr><td[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d</td><td[^>]*>李娜</td>", timeline)
    assert row and row.group(0).count('class="text-nowrap"') == 2, timeline[:600]


def test_a_returned_sub_task_shows_its_reason_and_pauses_in_words(app):
    _clerk, case = accepted_case(app)
    admin = client_for(app, "admin")
    licence = next(t for t in case.subtasks if t.agency == "LY-AMR")
    act(admin, case, "request_supplement", subtask=licence.key, note="需补充章程")
    act(admin, case, "record_supplement", subtask=licence.key)
    act(admin, case, "return_subtask", subtask=licence.key, note="材料与系统不符")
    row = page(admin, case)
    row = row[row.index(f'data-subtask="{licence.key}"'):]
    row = row[:row.index("</tr>")]
    assert "Reason: 材料与系统不符" in row and ": 材料与系统不符" not in row.replace("Reason:", "")
    assert "Paused 1 time for supplements" in row


def test_opening_with_another_centres_item_names_it_and_opens_nothing(app):
    clerk = client_for(app, "ly_clerk")
    window = case_views.Window.objects.get(centre="LY", code="W01")
    before = Case.objects.count()
    response = clerk.post("/cases/new", data={
        "csrf_token": csrf_token(clerk, "/cases/new"), "window": str(window.pk),
        "items": ["LY-EO-REG", "MJ-EO-SEAL"], "mode": "partial_chain", "channel": "window",
        "delivery_method": "window", "company_name": "洛阳跨中心事项有限公司",
        "legal_rep_name": "王强", "legal_rep_id": ID_NUMBER, "phone": "13803791234",
        "address": "洛阳市洛龙区开元大道218号"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Unknown service item: MJ-EO-SEAL" in html and "not a valid choice" not in html
    assert Case.objects.count() == before


def late_row(html: str, number: str) -> str:
    row = html[html.rindex("<tr>", 0, html.index(number)):]
    return row[:row.index("</tr>")]


def test_the_late_list_says_a_result_is_withheld_only_while_it_is_to_be_handed_over(app):
    clerk, delivered = ready_case(app)
    act(clerk, delivered, "deliver", recipient="王强")
    backdate_tolerated(delivered, 3)
    _clerk, running = accepted_case(app, company_name="容缺扣件测试有限公司")
    backdate_tolerated(running, 3)
    html = clerk.get("/cases/late-tolerated").get_data(as_text=True)
    assert "住所（经营场所）使用证明" in late_row(html, running.number)
    assert "<td>Yes</td>" in late_row(html, running.number)
    assert "<td>Yes</td>" not in late_row(html, delivered.number)  # its results went out
    assert re.search(r"<small>\d+ cases?</small>", html)
