"""Journeys 2 and 3: a full-chain case with a 容缺 material from opening to closing, each
agency's approver working their sub-task; and a return with a one-time notification, then the
corrections handed in and the case accepted."""

from __future__ import annotations

from tests.browser.cases import open_case, record_materials, return_with_reasons, work_subtask
from tests.browser.conftest import APPROVER_PASSWORD, APPROVERS, PASSWORD

# The whole enterprise-opening chain the window takes (a full chain holds all of it).
ITEMS = ["企业设立登记", "印章刻制", "发票申领", "员工参保登记", "单位医疗保险登记",
         "住房公积金单位缴存登记", "企业基本存款账户开立"]
# What each agency records at 办结, after the licence (the others wait for it).
RESULTS = {
    "LY-PSB": {"seals": "公章、法定代表人名章、财务专用章"},
    "LY-TAX": {"invoice_count": "25", "ukey_serial": "UK-4103-0001"},
    "LY-SI": {"registration_number": "SI-4103-0001"},
    "LY-MI": {"registration_number": "MI-4103-0001"},
    "LY-HF": {"registration_number": "HF-4103-0001"},
    "PBC-LY": {"bank_name": "中国工商银行洛阳分行", "account_number": "1705020109024567890"},
}


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
    browser.open(case)
    assert browser.subtask_row("LY-PSB").get_attribute("data-status") == "waiting"
    work_subtask(browser, case, "LY-AMR", licence_number="豫洛市监登字2026第0001号",
                 credit_code="91410300MA9F12345E")
    for agency, results in RESULTS.items():
        browser.login(APPROVERS[agency], APPROVER_PASSWORD)
        work_subtask(browser, case, agency, **results)

    browser.login("ly_clerk", PASSWORD)
    browser.open(case)
    assert browser.case_state() == "ready"
    browser.screenshot("ready")
    assert "91410300MA9F12345E" in browser.text()
    browser.act("deliver", recipient="王强")
    assert browser.case_state() == "delivered"
    browser.screenshot("delivered")
    browser.act("close", note="申请人对办理速度满意", method="call", rating="5")
    assert browser.case_state() == "closed"
    browser.screenshot("closed")
    browser.check_clean()


def test_return_with_one_time_notification_and_resubmission(browser):
    browser.login("ly_clerk", PASSWORD)
    open_case(browser, ITEMS[:1], "洛阳青禾商贸有限公司", mode="单链式")
    browser.act("start_review")
    record_materials(browser, missing=1)
    return_with_reasons(browser, "申请书缺法定代表人签字")
    assert browser.case_state() == "returned"
    assert "申请书缺法定代表人签字" in browser.text()
    browser.screenshot("returned-with-notification")

    browser.act("resubmit")
    assert browser.case_state() == "review"
    record_materials(browser)
    browser.act("accept")
    assert browser.case_state() == "accepted"
    browser.screenshot("accepted-after-correction")
    browser.check_clean()


# The text of the selected option, measured in the select's own font, against the room the
# select gives it (its inner width less padding and the drop-down arrow).
MEASURE_SELECTED = """
const select = arguments[0];
const style = getComputedStyle(select);
const context = document.createElement('canvas').getContext('2d');
context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
const text = select.options[select.selectedIndex].text;
const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
return [text, context.measureText(text).width, room - 16];
"""


def test_every_material_state_is_readable_at_1366_pixels(browser):
    """At the counter's 1366 px screen, 缺件 and 缺件（容缺） must not look alike: the whole
    text of each state fits its select."""
    browser.login("ly_clerk", PASSWORD)
    open_case(browser, ITEMS[:1], "洛阳宽屏检查有限公司", mode="单链式")
    browser.act("start_review")
    assert browser.driver.execute_script("return window.innerWidth") <= 1366
    selects = browser.all("tr[data-material] select[name^=state-]")
    assert selects
    for select in selects:
        values = [option.get_attribute("value") for option in
                  select.find_elements("css selector", "option")]
        for value in values:
            browser.driver.execute_script("arguments[0].value = arguments[1];", select, value)
            text, needed, room = browser.driver.execute_script(MEASURE_SELECTED, select)
            assert needed <= room, f"{text!r} needs {needed:.0f}px, the select gives {room:.0f}px"
    browser.screenshot("material-states")
