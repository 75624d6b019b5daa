"""Journeys 2 and 3: a full-chain case with a 容缺 material from opening to closing, each
agency's approver working their sub-task; and a return with a one-time notification, then the
corrections handed in and the case accepted."""

from __future__ import annotations

from tests.browser.cases import open_case, record_materials, work_subtask
from tests.browser.conftest import APPROVERS, PASSWORD

ITEMS = ["企业设立登记", "印章刻制", "发票申领"]


def test_full_chain_case_from_opening_to_closing(browser):
    browser.login("ly_clerk", PASSWORD)
    case = open_case(browser, ITEMS, "洛阳云帆科技有限公司")
    assert browser.case_state() == "coaching"
    browser.act("start_review")
    record_materials(browser)
    assert "容缺" in browser.text()
    browser.act("accept")
    assert browser.case_state() == "accepted"
    browser.screenshot("accepted")

    browser.login("ly_approver", PASSWORD)
    work_subtask(browser, case, "LY-AMR", licence_number="91410300MA9F12345E")
    browser.login(APPROVERS["LY-PSB"], PASSWORD)
    work_subtask(browser, case, "LY-PSB", seals="公章、法定代表人名章、财务专用章")
    browser.login(APPROVERS["LY-TAX"], PASSWORD)
    work_subtask(browser, case, "LY-TAX", invoice_count="25", ukey_serial="UK-4103-0001")

    browser.login("ly_clerk", PASSWORD)
    browser.open(case)
    assert browser.case_state() == "ready"
    browser.screenshot("ready")
    browser.act("deliver", results="营业执照、印章、发票、税务UKey", recipient="王强")
    assert browser.case_state() == "delivered"
    browser.screenshot("delivered")
    browser.act("close", note="申请人对办理速度满意", method="call", rating="5")
    assert browser.case_state() == "closed"
    browser.screenshot("closed")
    browser.check_clean()


def test_return_with_one_time_notification_and_resubmission(browser):
    browser.login("ly_clerk", PASSWORD)
    open_case(browser, ITEMS[:1], "洛阳青禾商贸有限公司")
    browser.act("start_review")
    record_materials(browser, missing=1)
    browser.act("return")
    assert browser.case_state() == "returned"
    notification = browser.find(".panel-warning").text
    assert "公司登记（备案）申请书" in notification or "申请书" in notification
    browser.screenshot("returned-with-notification")

    browser.act("resubmit")
    assert browser.case_state() == "review"
    record_materials(browser)
    browser.act("accept")
    assert browser.case_state() == "accepted"
    browser.screenshot("accepted-after-correction")
    browser.check_clean()
