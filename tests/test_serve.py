"""The README's run path for real: `onewindow init`, `load-demo`, then `serve` (gunicorn, two
workers, threads) and `run` (Flask's threaded server) on one embedded store, with concurrent
requests that log in and write."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from console.cli import DEMO_PASSWORD

BIN = os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def onewindow(*args: str, env: dict, **kwargs):
    return subprocess.run([os.path.join(BIN, "onewindow"), *args], env=env, text=True,
                          capture_output=True, timeout=300, **kwargs)


@pytest.fixture
def store_env(tmp_path):
    env = {**os.environ, "ONEWINDOW_MONGODB_URI": f"embedded://{tmp_path}/store",
           "ONEWINDOW_SECRET_KEY": "serve-test"}
    for step in (["init"], ["load-demo"]):
        result = onewindow(*step, env=env)
        assert result.returncode == 0, result.stderr
    return env


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not come up")


def session(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping client logged in through the real form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login/", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token}).encode()
    landing = opener.open(base + "/login/", data=body, timeout=10)
    assert "/login" not in landing.url
    return opener


def exercise(base: str) -> None:
    """Eight clients at once: read lists, and each adds a calendar day (a write)."""
    def one(index: int) -> int:
        opener = session(base, "ly_admin", DEMO_PASSWORD)
        page = opener.open(base + "/windowview/list/", timeout=20).read().decode()
        assert "/windowview/show/" in page
        form = opener.open(base + "/calendaroverrideview/add", timeout=20).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({
            "csrf_token": token, "centre": "LY", "date": f"2031-03-{index + 1:02d}",
            "is_working_day": "y", "note": f"t{index}"}).encode()
        response = opener.open(base + "/calendaroverrideview/add", data=body, timeout=20)
        page = response.read().decode()
        alerts = re.findall(r'class="alert alert-(\w+)"', page)
        return response.status, alerts, re.findall(r'alert-danger[^>]*>(.*?)</div', page, re.S)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(8)))
    assert all(status == 200 and "danger" not in alerts for status, alerts, _ in results), results


def count_overrides(env: dict) -> int:
    code = ("from console import create_app; from models import CalendarOverride; "
            "create_app(); print(CalendarOverride.objects(date__gte='2031-03-01', "
            "date__lte='2031-03-31').count())")
    result = subprocess.run([sys.executable, "-c", code], env=env, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("server", ["serve", "run"])
def test_server_on_the_embedded_store(store_env, server):
    port = free_port()
    if server == "serve":
        args = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
    else:
        args = ["run", "--port", str(port), "--with-threads"]
    process = subprocess.Popen([os.path.join(BIN, "onewindow"), *args], env=store_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        login_page = urllib.request.urlopen(base + "/login/", timeout=10).read().decode()
        assert 'name="username"' in login_page
        exercise(base)
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Every write from every worker and thread landed in the one store.
    assert count_overrides(store_env) == 8
