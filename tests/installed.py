"""The console as a user installs it: the wheel built from a copy of the source tree, installed
into a fresh virtual environment, and served by its own ``onewindow serve`` on a throwaway
embedded store. Shared by the package-completeness test and the browser journeys; the wheel is
built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import functools
import http.cookiejar
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SOURCE = pathlib.Path(__file__).resolve().parent.parent
# What a build must not see: local state that a clean checkout does not have.
_NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "instance", "test-output",
    ".pytest_cache", ".ruff_cache",
)


@dataclass(frozen=True)
class Installation:
    """A fresh environment with the wheel installed."""

    root: pathlib.Path
    python: pathlib.Path
    onewindow: pathlib.Path
    site_packages: pathlib.Path

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run ``onewindow ARGS`` from outside the source tree; returns its output."""
        done = subprocess.run(
            [str(self.onewindow), *args], cwd=self.root, env=env, capture_output=True,
            text=True, timeout=300,
        )
        assert done.returncode == 0, f"onewindow {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout


@functools.cache
def installation() -> Installation:
    """Build the wheel from a copy of the source and install it into a new environment.

    The environment gets the project environment's dependencies through a path entry (they are
    not what is under test, and installing them again would take minutes); the project's own
    editable install there is not seen, because ``.pth`` files of that directory are not run.
    """
    root = pathlib.Path(tempfile.mkdtemp(prefix="onewindow-installed-"))
    source = root / "source"
    shutil.copytree(SOURCE, source, ignore=_NOT_SOURCE)
    wheels = root / "wheels"
    _check([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
            str(source)])
    (wheel,) = wheels.glob("onewindow-*.whl")
    env_dir = root / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    python = env_dir / "bin" / "python"
    _check([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
            "--no-deps", str(wheel)])
    site = pathlib.Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            text=True,
        ).strip()
    )
    (site / "_onewindow_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    shutil.rmtree(source)
    return Installation(root, python, env_dir / "bin" / "onewindow", site)


def _check(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """An installed console serving on a local port."""

    url: str
    store: pathlib.Path
    env: dict[str, str]
    log: pathlib.Path


@contextlib.contextmanager
def serving(install: Installation, *, users: list[list[str]] = ()) -> Iterator[Server]:
    """``onewindow init`` + ``load-demo`` on a new embedded store, extra ``create-user`` calls,
    then ``onewindow serve`` until the block ends."""
    store = pathlib.Path(tempfile.mkdtemp(prefix="onewindow-store-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ONEWINDOW_", "FLASK_"))},
        "ONEWINDOW_MONGODB_URI": f"embedded://{store / 'db'}",
        "ONEWINDOW_SECRET_KEY": "installed-test",
    }
    install.run("init", env=env)
    install.run("load-demo", env=env)
    for args in users:
        install.run("create-user", *args, env=env)
    port = free_port()
    log = store / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(install.onewindow), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4"],
            cwd=install.root, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, store, env, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(store, ignore_errors=True)


def _wait_until_up(url: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server did not answer within 60 s:\n{log.read_text()}")


class Session:
    """A signed-in HTTP session (cookies kept) against a served console."""

    CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, bytes]:
        """``(status, final url, body)`` of a GET, following redirects."""
        try:
            with self.opener.open(urllib.parse.urljoin(self.base, path), timeout=30) as answer:
                return answer.status, answer.url, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read()

    def login(self, username: str, password: str) -> None:
        _, _, page = self.get("/login/")
        token = self.CSRF.search(page.decode()).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrf_token": token}
        ).encode()
        with self.opener.open(self.base + "/login/", data=data, timeout=30) as answer:
            assert "/login" not in answer.url, f"login of {username} failed"
