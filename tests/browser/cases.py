"""Steps of the case journeys, one helper per step, so a new case screen changes one helper."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By

from tests.browser.harness import Browser

APPLICANT = {
    "company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
    "legal_rep_id": "11010519491231002X", "phone": "13803791234",
    "address": "洛阳市洛龙区开元大道218号",
}
# A 容缺 promise must fall between today and the material's allowance: today always does.
PROMISED = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def open_case(browser: Browser, items: list[str], company: str, mode: str = "全链式") -> str:
    """Open a case of ``mode`` for ``items`` at window A01; returns the case page's path."""
    browser.open("/cases/new")
    browser.choose("[name=window]", "企业开办综合窗口一")
    browser.choose("[name=mode]", mode)
    browser.choose("[name=items]", *items)
    for name, value in {**APPLICANT, "company_name": company}.items():
        browser.fill(f"[name={name}]", value)
    browser.screenshot("new-case-form")
    browser.submit("form button[type=submit]")
    assert "/cases/" in browser.driver.current_url and "/new" not in browser.driver.current_url
    browser.screenshot("case-opened")
    return browser.driver.current_url


def record_materials(browser: Browser, missing: int = 0) -> None:
    """Every material received, 容缺 ones promised for later; the first ``missing`` required
    ones left missing."""
    left = missing
    for row in browser.all("tr[data-material]"):
        select = row.find_element(By.CSS_SELECTOR, "select[name^=state-]")
        if row.get_attribute("data-requirement") == "tolerated":
            state = "tolerated"
            date = row.find_element(By.CSS_SELECTOR, "input[name^=promised-]")
            browser.driver.execute_script("arguments[0].value = arguments[1];", date, PROMISED)
        elif row.get_attribute("data-requirement") == "required" and left:
            state, left = "missing", left - 1
        else:
            state = "received"
        browser.driver.execute_script("arguments[0].value = arguments[1];", select, state)
    browser.screenshot("materials-checked")
    browser.act("record_materials")
    browser.screenshot("materials-recorded")


def work_subtask(browser: Browser, case: str, agency: str, **results: str) -> None:
    """An approver starts and completes their agency's sub-task with its results."""
    browser.open(case)
    assert browser.subtask_row(agency).get_attribute("data-status") != "waiting"
    if browser.subtask_row(agency).get_attribute("data-status") == "pending":
        browser.act("start_subtask", browser.subtask_row(agency))
    browser.act("complete_subtask", browser.subtask_row(agency), **results)
    assert browser.subtask_row(agency).get_attribute("data-status") == "done"
    browser.screenshot(f"subtask-{agency}-done")


def return_with_reasons(browser: Browser, reason: str) -> None:
    """Return the case with a one-time notification, typing ``reason`` for every named material."""
    for field in browser.all("input[name^=reason_text-]"):
        field.clear()
        field.send_keys(reason)
    browser.screenshot("return-form")
    browser.act("return", note="请补齐后再次提交")
