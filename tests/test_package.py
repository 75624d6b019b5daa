"""The installed package is complete: every template, static file and compiled catalog of the
source tree is in the wheel, and the installed console serves every asset its pages load."""

from __future__ import annotations

import pathlib

import pytest

from console.cli import DEMO_PASSWORD
from tests.crawl import assets, crawl
from tests.installed import SOURCE, installation, serving
from tests.installed import Session as HttpSession

PACKAGES = ("console", "models", "forms", "reports", "translations")
# Files of the packages that are not installed on purpose.
NOT_SHIPPED = {"translations/babel.cfg"}


def data_files() -> list[str]:
    """Every non-Python file of the packages in the source tree (templates, static files,
    catalogs), as paths relative to the tree."""
    found = []
    for package in PACKAGES:
        for path in (SOURCE / package).rglob("*"):
            relative = path.relative_to(SOURCE).as_posix()
            if (
                path.is_file() and path.suffix not in (".py", ".pyc")
                and "__pycache__" not in path.parts and relative not in NOT_SHIPPED
            ):
                found.append(relative)
    return sorted(found)


@pytest.fixture(scope="module")
def installed():
    return installation()


def test_the_source_tree_has_the_files_the_app_serves():
    files = data_files()
    assert "console/datamodel/static/onewindow/inline.js" in files
    assert "translations/zh/LC_MESSAGES/messages.mo" in files
    # The dashboard's charting library is vendored with its licence (no CDN).
    for name in ("echarts.esm.min.js", "LICENSE", "NOTICE", "LICENSE-d3"):
        assert f"console/static/onewindow/vendor/echarts/{name}" in files
    assert any(name.startswith("console/templates/") for name in files)


def test_every_template_static_file_and_catalog_is_installed(installed):
    missing = [
        name for name in data_files()
        if not (installed.site_packages / name).is_file()
        or (installed.site_packages / name).read_bytes() != (SOURCE / name).read_bytes()
    ]
    assert not missing, f"not in the wheel (or different): {missing}"


def test_the_installed_console_runs_from_the_installed_package(installed):
    where = installed.python.parent.parent
    out = installed.run("--help")
    assert "serve" in out and "load-demo" in out
    located = pathlib.Path(
        __import__("subprocess").check_output(
            [str(installed.python), "-c", "import console; print(console.__file__)"],
            cwd=installed.root, text=True,
        ).strip()
    )
    assert where in located.parents, located


def test_every_asset_the_pages_load_answers_200_from_the_installed_package(installed):
    with serving(installed) as server:
        session = HttpSession(server.url)
        session.login("admin", DEMO_PASSWORD)

        def get(path: str) -> tuple[int, str]:
            status, _, body = session.get(path)
            return status, body.decode("utf-8", "replace")

        pages = list(crawl(get, "/", limit=60, per_shape=1))
        broken_pages = [(page.path, page.status) for page in pages if page.status != 200]
        assert not broken_pages
        loaded = set().union(*(assets(page.text) for page in pages))
        # The inline-table script of embedded lists, FAB's own assets and ours.
        assert any("/_datamodel/static/onewindow/inline.js" in url for url in loaded), loaded
        assert any(url.startswith("/static/appbuilder/") for url in loaded)
        failing = {url: session.get(url)[0] for url in sorted(loaded)}
        failing = {url: status for url, status in failing.items() if status != 200}
        assert not failing, failing
        assert session.get("/favicon.ico")[0] == 200
