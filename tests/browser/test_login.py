"""Journey: a mistyped password. The form comes back with the username kept and the cursor in
the password box, so the user types the password again straight away; a fresh form starts in
the username box."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from console.cli import DEMO_PASSWORD


def focused_id(browser) -> str:
    return browser.driver.execute_script(
        "return document.activeElement && document.activeElement.id")


def test_after_a_failed_login_the_cursor_is_in_the_password_box(browser):
    browser.open("/logout/")
    browser.open("/login/")
    assert focused_id(browser) == "username"  # a fresh form: the username first
    browser.fill("#username", "ly_clerk")
    field = browser.find("#password")
    field.send_keys("not-the-password")
    with browser.navigation():
        field.submit()
    assert "/login" in browser.driver.current_url
    assert browser.find("#username").get_attribute("value") == "ly_clerk"
    assert focused_id(browser) == "password"
    browser.screenshot("failed-login-cursor-in-password")
    # Typing goes straight into the password box and Enter signs in.
    active = browser.driver.switch_to.active_element
    active.send_keys(DEMO_PASSWORD)
    with browser.navigation():
        active.send_keys(Keys.ENTER)
    assert "/login" not in browser.driver.current_url
    browser.screenshot("signed-in")
    # Signed out again, the form is fresh: the username box has the cursor.
    browser.open("/logout/")
    browser.open("/login/")
    assert focused_id(browser) == "username"
    assert not browser.find("#username").get_attribute("value")
    browser.check_clean()
