"""Journey 1: a centre administrator sets up a window with its items, a service item whose
material list is edited with the mouse (three rows added, one removed), a staff member and a
roster entry."""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from console.cli import DEMO_PASSWORD
from tests.browser.harness import Browser


def add_window(browser: Browser) -> None:
    browser.open("/windowview/add")
    browser.fill("#code", "A09")
    browser.fill("#counter", "9")
    browser.fill("#name", "企业开办综合窗口九")
    browser.choose("#kind", "企业开办")
    browser.choose("#items", "企业设立登记", "印章刻制")
    if not browser.find("#is_open").is_selected():
        browser.click("#is_open")
    browser.screenshot("window-form")
    browser.save()
    browser.screenshot("window-saved")
    browser.open("/windowview/list/?_flt_0_code=A09")
    assert "企业开办综合窗口九" in browser.text()


def add_item_with_materials(browser: Browser) -> None:
    browser.open("/serviceitemview/add")
    browser.fill("#code", "LY-EO-TEST")
    browser.fill("#name", "企业名称自主申报")
    browser.choose("#agency", "洛阳市市场监督管理局")
    browser.choose("#window_category", "企业开办")
    browser.fill("#legal_basis", "《中华人民共和国市场主体登记管理条例》第十七条")
    browser.fill("#statutory_limit", "1")
    browser.choose("#statutory_unit", "工作日")
    browser.fill("#promised_limit", "2")
    browser.choose("#promised_unit", "工作小时")
    browser.fill("#fee", "0")
    table = browser.find("[data-ow-inline]#materials")
    # One blank row is there; add three more with the mouse, then remove the second.
    for _ in range(3):
        browser.click("[data-ow-add]", table)
    rows = browser.all("[data-ow-rows] > [data-ow-row]", table)
    assert len(rows) == 4
    names = ["名称自主申报承诺书", "多余的一行", "投资人身份证件复印件", "住所申报承诺书"]
    for row, name in zip(rows, names, strict=True):
        browser.fill("input[name$='-name']", name, row)
        browser.fill("input[name$='-copies']", "1", row)
        select_in_row(browser, row, "form", "copy")
        select_in_row(browser, row, "requirement", "required")
    select_in_row(browser, rows[3], "requirement", "tolerated")
    browser.fill("input[name$='-follow_up_days']", "5", rows[3])
    browser.fill("textarea[name$='-review_points']", "受理后5个工作日内补交住所使用证明", rows[3])
    browser.screenshot("item-four-rows")
    browser.click("[data-ow-remove]", rows[1])
    assert len(browser.all("[data-ow-rows] > [data-ow-row]", table)) == 3
    browser.screenshot("item-row-removed")
    # The last material goes up one place: the list is saved (and printed) in this order.
    browser.click("[data-ow-up]", browser.all("[data-ow-rows] > [data-ow-row]", table)[2])
    browser.click("[data-ow-down]", browser.all("[data-ow-rows] > [data-ow-row]", table)[0])
    browser.click("[data-ow-up]", browser.all("[data-ow-rows] > [data-ow-row]", table)[1])
    browser.screenshot("item-rows-moved")
    browser.save()
    browser.screenshot("item-saved")
    browser.open("/serviceitemview/list/?_flt_0_code=LY-EO-TEST")
    with browser.navigation():
        browser.click("a[href*='/serviceitemview/show/']")
    page = browser.text()
    order = ("名称自主申报承诺书", "住所申报承诺书", "投资人身份证件复印件")
    shown = [page.index(name) for name in order]
    assert shown == sorted(shown), "the materials are not in the order they were moved to"
    assert "多余的一行" not in page
    browser.screenshot("item-shown")


def select_in_row(browser: Browser, row, column: str, value: str) -> None:
    select = browser.find(f"select[name$='-{column}']", row)
    browser.driver.execute_script("arguments[0].value = arguments[1];", select, value)


def add_staff_and_roster(browser: Browser) -> None:
    browser.open("/staffmemberview/add")
    browser.fill("#name", "赵晓雪")
    browser.choose("#agency", "洛阳市政务服务中心")
    browser.choose("#role", "综合窗口受理人员")
    browser.choose("#items", "企业设立登记")
    browser.fill("#phone", "13903790299")
    browser.screenshot("staff-form")
    browser.save()
    browser.screenshot("staff-saved")
    browser.open("/staffmemberview/list/?_flt_0_name=赵晓雪")
    assert "赵晓雪" in browser.text()

    browser.open("/rosterentryview/add")
    # The date picker speaks Chinese (month and weekday names from our locale file).
    browser.click("#date")
    picker = browser.find(".datepicker-days")
    assert re.search(r"\d{4}年\d{1,2}月", picker.text), picker.text
    weekdays = browser.find("thead tr:last-child", picker).text.split()
    assert weekdays == ["一", "二", "三", "四", "五", "六", "日"], weekdays
    browser.screenshot("roster-date-picker")
    browser.find("#date").send_keys(Keys.ESCAPE)
    browser.set_value("#date", "2026-12-01")
    browser.choose("#shift", "上午")
    browser.choose("#window", "企业开办综合窗口九")
    browser.choose("#staff", "赵晓雪")
    browser.screenshot("roster-form")
    browser.save()
    browser.screenshot("roster-saved")
    browser.open("/rosterentryview/list/?_flt_0_date=2026-12-01")
    page = browser.text()
    assert "赵晓雪" in page and "企业开办综合窗口九" in page


def test_centre_administrator_sets_up_the_centre(browser):
    browser.login("ly_admin", DEMO_PASSWORD)
    add_window(browser)
    add_item_with_materials(browser)
    add_staff_and_roster(browser)
    assert not [text for text in browser.flashes() if "错误" in text]
    browser.check_clean()
