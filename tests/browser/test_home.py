"""Journey 5: each role signs in and lands on its home page — the clerk's window today, the
approver's agency queue, the complaint handler's deadlines, the centre's figures, every centre
for the super-administrator — with a screenshot of each; a visitor gets the public page."""

from __future__ import annotations

from console.cli import DEMO_PASSWORD

# Each demo login and the section its home page opens with.
HOMES = [
    ("ly_clerk", "#home-clerk"),
    ("ly_approver", "#home-approver"),
    ("ly_complaints", "#home-complaints"),
    ("ly_admin", "#home-centre"),
    ("ly_supervisor", "#home-centre"),
    ("admin", "#home-admin"),
]


def test_every_role_lands_on_its_home_page(browser):
    browser.open("/logout/")
    browser.open("/")
    assert browser.find(".ow-home-public a[href='/status/']")
    browser.screenshot("visitor")
    for username, section in HOMES:
        browser.login(username, DEMO_PASSWORD)
        browser.open("/")
        assert browser.find(section)
        assert "今日工作" in browser.text()
        browser.screenshot(f"home-{username}")
    browser.check_clean()
