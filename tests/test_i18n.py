"""The zh catalog: complete, compiled, in step with the code, and actually used by the app.

The Simplified Chinese catalog lives in ``translations/zh`` (not ``zh_CN``): Babel turns the
configured locale ``zh_CN`` into ``zh_Hans_CN``, and gettext then looks for ``zh_Hans_CN`` and
``zh`` only, so a ``zh_CN`` directory is never found. ``zh`` is also where Flask-AppBuilder keeps
its own Simplified Chinese catalog.
"""

from __future__ import annotations

import io
import pathlib
import re

from babel import Locale
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from conftest import login, make_app
import pytest

from console import storage
from console.cli import DEMO_PASSWORD

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo"

# The extract step of scripts/i18n.sh, option for option.
EXTRACT_ARGS = [
    "-F", str(TRANSLATIONS / "babel.cfg"),
    "-k", "_l", "-k", "lazy_gettext", "-k", "gettext", "-k", "ngettext:1,2",
    "--no-location", "--sort-output",
]
EXTRACT_DIRS = ["console", "models", "forms", "reports"]

NAMED_PLACEHOLDER = re.compile(
    r"%\((\w+)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrs]"
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _read_po(path: pathlib.Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _entries(catalog):
    """The catalog's messages without the header."""
    return [message for message in catalog if message.id]


def _forms(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@pytest.fixture(scope="module")
def zh_catalog():
    return _read_po(PO, locale="zh_CN")


@pytest.fixture(scope="module")
def template():
    return _read_po(POT)


# --- the catalog itself ---------------------------------------------------------------------

def test_catalog_is_found_for_the_default_locale():
    # Flask-Babel loads catalogs for Locale.parse(BABEL_DEFAULT_LOCALE), i.e. zh_Hans_CN.
    translations = Translations.load(str(TRANSLATIONS), [Locale.parse("zh_CN")])
    assert translations.gettext("Windows") == "窗口"
    assert not (TRANSLATIONS / "zh_CN").exists(), "a zh_CN catalog directory is never loaded"


def test_every_entry_is_translated_and_not_fuzzy(zh_catalog):
    entries = _entries(zh_catalog)
    assert len(entries) > 400
    untranslated = [m.id for m in entries if not all(s.strip() for s in _forms(m.string))]
    fuzzy = [m.id for m in entries if "fuzzy" in m.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not zh_catalog.fuzzy, "the catalog header is marked fuzzy"


def test_translations_are_chinese(zh_catalog):
    # A msgstr copied from the msgid would pass "non-empty" and still show English.
    not_chinese = [m.id for m in _entries(zh_catalog)
                   if not all(HAN.search(s) for s in _forms(m.string))]
    assert not not_chinese, f"not translated into Chinese: {not_chinese}"


def test_plural_entries_have_the_one_zh_form(zh_catalog):
    assert zh_catalog.num_plurals == 1
    plurals = [m for m in _entries(zh_catalog) if m.pluralizable]
    assert plurals
    for message in plurals:
        assert len(_forms(message.string)) == 1 and message.string[0], message.id


def test_named_placeholders_are_kept(zh_catalog):
    for message in _entries(zh_catalog):
        wanted = set()
        for msgid in _forms(message.id):
            wanted |= set(NAMED_PLACEHOLDER.findall(msgid))
        for msgstr in _forms(message.string):
            assert set(NAMED_PLACEHOLDER.findall(msgstr)) == wanted, (message.id, msgstr)


def test_babel_checks_pass(zh_catalog):
    # What `pybabel compile` checks (placeholder kinds and counts); an error there fails i18n.sh.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in zh_catalog.check()]
    assert not problems


# --- in step with the template and the code -------------------------------------------------

def test_catalog_has_exactly_the_template_messages(zh_catalog, template):
    assert {m.id for m in _entries(zh_catalog)} == {m.id for m in _entries(template)}, (
        "run `bash scripts/i18n.sh`"
    )


def test_every_marked_string_is_in_the_template(tmp_path, monkeypatch, template):
    out = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", *EXTRACT_ARGS, "-o", str(out), *EXTRACT_DIRS]
    )
    extracted = {m.id for m in _entries(_read_po(out))}
    committed = {m.id for m in _entries(template)}
    assert extracted, "extraction found nothing"
    hint = "run `bash scripts/i18n.sh`"
    assert sorted(map(str, extracted - committed)) == [], f"new strings, {hint}"
    assert sorted(map(str, committed - extracted)) == [], f"stale strings, {hint}"


def test_compiled_catalog_is_current(zh_catalog):
    fresh = io.BytesIO()
    write_mo(fresh, zh_catalog)
    committed = MO.read_bytes()
    if committed != fresh.getvalue():
        with MO.open("rb") as handle:
            old = {_forms(m.id): _forms(m.string) for m in read_mo(handle) if m.id}
        new = {_forms(m.id): _forms(m.string) for m in zh_catalog if m.id}
        stale = sorted(str(key) for key in set(old) ^ set(new)) + sorted(
            str(key) for key in set(old) & set(new) if old[key] != new[key]
        )
        pytest.fail(f"messages.mo is stale, run `bash scripts/i18n.sh compile`: {stale[:20]}")


# --- through the app ------------------------------------------------------------------------

@pytest.fixture
def demo_app():
    app = make_app()
    runner = app.test_cli_runner()
    for command in (["init"], ["load-demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    yield app
    storage.disconnect()


def test_login_page_is_chinese_by_default_and_english_on_request(demo_app):
    client = demo_app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    assert "登录" in page
    assert client.get("/lang/en").status_code == 302
    page = client.get("/login/").get_data(as_text=True)
    assert "Login" in page and "登录" not in page


def test_admin_window_list_in_chinese_then_english(demo_app):
    client = demo_app.test_client()
    assert login(client, "admin", DEMO_PASSWORD).status_code == 302
    page = client.get("/windowview/list/").get_data(as_text=True)
    for label in ("窗口", "窗口号", "受理事项", "中心配置", "政务服务中心", "办件"):
        assert label in page, label
    assert "Counter number" not in page and "Centre configuration" not in page

    client.get("/lang/en")
    page = client.get("/windowview/list/").get_data(as_text=True)
    for label in ("Windows", "Counter number", "Accepted items", "Centre configuration"):
        assert label in page, label
    assert "窗口号" not in page and "中心配置" not in page

    client.get("/lang/zh_CN")
    assert "窗口号" in client.get("/windowview/list/").get_data(as_text=True)


def test_clerk_case_screens_in_chinese(demo_app):
    client = demo_app.test_client()
    assert login(client, "ly_clerk", DEMO_PASSWORD).status_code == 302
    page = client.get("/cases/").get_data(as_text=True)
    for label in ("在办办件", "办件编号", "全链式通办", "仅看逾期", "共 0 件"):
        assert label in page, label
    page = client.get("/cases/new").get_data(as_text=True)
    for label in ("新建办件", "法定代表人", "居民身份证号码", "统一社会信用代码", "登记办件"):
        assert label in page, label
    assert "Legal representative" not in page
