"""Journey 5: the supervisor's centre dashboard draws its charts with the ECharts build served
from the package, with nothing requested from outside the server and no script error."""

from __future__ import annotations

from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD


def test_the_dashboard_draws_its_charts_from_the_package(browser):
    browser.login("ly_supervisor", PASSWORD)
    browser.open("/dashboard/")
    assert "一窗受理率" in browser.text()
    charts = browser.all(".ow-chart")
    assert len(charts) >= 2
    # ECharts (SVG renderer) draws an <svg> into every chart's box.
    WebDriverWait(browser.driver, 20).until(
        lambda driver: all(chart.find_elements("css selector", "svg") for chart in charts))
    browser.screenshot("dashboard")
    browser.open("/statistics/")
    assert "统计报表" in browser.text() or "统计" in browser.text()
    browser.screenshot("statistics")
    browser.check_clean()
