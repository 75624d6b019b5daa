"""Journey 4: switching the language to English and back keeps the user on the same page."""

from __future__ import annotations

from console.cli import DEMO_PASSWORD


def test_language_switch_returns_to_the_same_page(browser):
    browser.login("ly_clerk", DEMO_PASSWORD)
    browser.open("/serviceitemview/list/")
    page = browser.driver.current_url
    assert "事项" in browser.text()
    browser.screenshot("items-in-chinese")

    browser.click(".ow-language .dropdown-toggle")
    with browser.navigation():
        browser.click(".ow-language [data-language=en]")
    assert browser.driver.current_url == page
    assert "Service items" in browser.text()
    browser.screenshot("items-in-english")

    browser.click(".ow-language .dropdown-toggle")
    with browser.navigation():
        browser.click(".ow-language [data-language=zh_CN]")
    assert browser.driver.current_url == page
    assert "事项" in browser.text() and "Service items" not in browser.text()
    browser.screenshot("items-in-chinese-again")
    browser.check_clean()
