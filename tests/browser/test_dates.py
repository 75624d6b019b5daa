"""Journey 6: dates typed and read as YYYY-MM-DD in Chinese and in English, on the case list's
filter and the statistics period, with the calendar in the page's language. (Chromium draws its
native date box in its own locale: mm/dd/yyyy on a Chinese page, where a typed 2026-11-24 is
lost; the console uses Flask-AppBuilder's date picker instead.)"""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import PASSWORD

MONTH_TITLE = {"zh_CN": r"\d{4}年\d{1,2}月", "en": r"(January|February|March|April|May|June|July|"
               r"August|September|October|November|December) \d{4}"}
WEEKDAYS = {"zh_CN": ["一", "二", "三", "四", "五", "六", "日"]}


def type_date(browser, css: str, text: str) -> None:
    """Type ``text`` into a date box as a user does, then close its calendar."""
    field = browser.find(css)
    field.clear()
    field.send_keys(text)
    field.send_keys(Keys.ESCAPE)


def test_dates_are_typed_and_read_as_iso_in_both_languages(browser):
    browser.login("ly_admin", PASSWORD)
    for language in ("zh_CN", "en"):
        if language == "en":
            browser.click(".ow-language .dropdown-toggle")
            with browser.navigation():
                browser.click(".ow-language [data-language=en]")
        browser.open("/cases/?state=all")
        assert browser.all("input[type=date]") == []
        browser.click("input[name=from]")
        picker = browser.find(".datepicker-days")
        assert re.search(MONTH_TITLE[language], picker.text), picker.text
        if language in WEEKDAYS:
            weekdays = browser.find("thead tr:last-child", picker).text.split()
            assert weekdays == WEEKDAYS[language], weekdays
        browser.screenshot(f"case-list-calendar-{language}")
        type_date(browser, "input[name=from]", "2026-11-01")
        type_date(browser, "input[name=to]", "2026-11-24")
        browser.submit("form.onewindow-filters button[type=submit]")
        assert "from=2026-11-01" in browser.driver.current_url
        assert "to=2026-11-24" in browser.driver.current_url
        assert browser.find("input[name=from]").get_attribute("value") == "2026-11-01"
        assert browser.find("input[name=to]").get_attribute("value") == "2026-11-24"
        assert not [text for text in browser.flashes() if "YYYY-MM-DD" in text]
        browser.screenshot(f"case-list-filtered-{language}")

        browser.open("/statistics/")
        type_date(browser, "#start", "2026-10-01")
        type_date(browser, "#end", "2026-10-31")
        browser.submit(".ow-stats-form button[type=submit]")
        assert "start=2026-10-01" in browser.driver.current_url
        assert browser.find("#start").get_attribute("value") == "2026-10-01"
        assert browser.find("#end").get_attribute("value") == "2026-10-31"
        browser.screenshot(f"statistics-period-{language}")
    browser.check_clean()
