"""Fixtures of the browser journeys: the installed console served once for the module on a
throwaway embedded store (demo data plus one approver login per agency the journeys need), and a
fresh Chromium per journey. Every test here carries the ``browser`` mark."""

from __future__ import annotations

import os

import pytest

from console.cli import DEMO_PASSWORD
from tests.browser.harness import Browser, available
from tests.installed import installation, serving

# The demo's approver logins for the agencies besides market regulation (ly_approver).
APPROVERS = {"LY-PSB": "ly_psb", "LY-TAX": "ly_tax", "LY-SI": "ly_si", "LY-MI": "ly_mi",
             "LY-HF": "ly_hf", "PBC-LY": "ly_bank"}
PASSWORD = APPROVER_PASSWORD = DEMO_PASSWORD  # the demo logins' (one approver per agency)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server():
    if not available():
        if os.environ.get("ONEWINDOW_REQUIRE_BROWSER"):
            pytest.fail("chromium and chromium-driver are not installed")
        pytest.skip("chromium and chromium-driver are not installed")
    with serving(installation()) as running:
        yield running


@pytest.fixture
def browser(server, request):
    opened = Browser(server.url, request.node.name)
    yield opened
    opened.quit()


@pytest.fixture(autouse=True)
def _no_connection_leaks():
    """The journeys talk to a server process, not to an in-process store."""
    yield
