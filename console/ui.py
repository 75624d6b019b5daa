"""The console's page frame around Flask-AppBuilder: error pages in the layout and the user's
language, the favicon, and a language switch that returns to the page it was used on."""

from __future__ import annotations

from collections.abc import Callable
import functools
import logging
import os

from babel import Locale
from babel.support import Translations
from flask import (
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from console.datamodel import formatters
from forms.dates import date_input

log = logging.getLogger(__name__)

# Titles of the error pages; the body says what to do next.
ERRORS = {
    403: (_l("You may not open this page"),
          _l("Your role does not allow this. Ask your centre administrator if you need it.")),
    404: (_l("Page not found"),
          _l("The page or record does not exist, or it belongs to another centre.")),
    405: (_l("This action is not available here"),
          _l("Go back and use the buttons on the page.")),
    500: (_l("Something went wrong"),
          _l("The error was recorded. Please try again; if it happens again, tell your "
             "administrator.")),
}


def current_language() -> str:
    """The interface language of this request, as a code (``zh_CN``, ``en``)."""
    locale = get_locale()
    if locale is None:
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")
    code = str(locale)
    languages = current_app.config.get("LANGUAGES") or {}
    if code in languages:
        return code
    # Babel may resolve zh_CN to zh_Hans_CN: match the configured code by language.
    return next((name for name in languages if name.split("_")[0] == locale.language), code)


def keep_locales(app: Flask) -> None:
    """Hand Flask-Babel one ``Locale`` per language code instead of parsing the code on every
    request (babel's parse searches its list of all locales: a tenth of an empty page)."""
    babel = app.extensions["babel"]
    select = babel.locale_selector
    if select is None:
        return

    @functools.lru_cache(maxsize=32)
    def parsed(code: str) -> Locale:
        return Locale.parse(code)

    def locale_selector() -> Locale | str | None:
        code = select()
        return parsed(code) if isinstance(code, str) else code

    babel.locale_selector = locale_selector


def keep_translations(app: Flask) -> None:
    """Templates translate through the request's catalogue, looked up once per request and
    language (Flask-Babel finds it afresh for every string: nine context look-ups, some 14 µs,
    for each of the 50–100 strings of a page)."""

    def translations() -> Translations:
        state = g._get_current_object()
        held = getattr(state, "onewindow_translations", None)
        locale = getattr(getattr(state, "_flask_babel", None), "babel_locale", None)
        if held is not None and locale is not None and held[0] is locale:
            return held[1]
        found = get_translations()
        # The locale Flask-Babel chose (or force_locale set): a switch makes a new object.
        locale = getattr(getattr(state, "_flask_babel", None), "babel_locale", None)
        state.onewindow_translations = (locale, found)
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda text, plural, n: translations().ungettext(text, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, text, plural, n: translations().unpgettext(
            context, text, plural, n),
        newstyle=True,
    )


def drawn_once(name: str, draw: Callable[[], str]) -> Markup:
    """``draw()``'s markup, drawn once per app and site path (a page part that is the same on
    every page, such as the layout's stylesheet links)."""
    kept = current_app.extensions.setdefault("onewindow_drawn_once", {})
    key = (name, request.script_root)
    if key not in kept:
        kept[key] = Markup(draw())
    return kept[key]


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site; None for other sites and odd schemes."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(error: Exception):
    """An error as a page of the console (navbar, the user's language), or JSON for the API."""
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if code == 500:
        log.error("unhandled error serving %s", request.path, exc_info=error)
    title, hint = (str(text) for text in ERRORS.get(code, ERRORS[500]))
    description = getattr(error, "description", None)
    if code == 403 and description and description != getattr(type(error), "description", None):
        # A refusal that says why (abort(403, description=_l(...))): its reason is the hint.
        hint = str(description)
    if _wants_json():
        return jsonify(message=title), code
    appbuilder = current_app.appbuilder
    try:
        body = render_template(
            "onewindow/error.html", code=code, title=title, hint=hint,
            base_template=appbuilder.base_template, appbuilder=appbuilder,
        )
    except Exception:  # the layout itself failed (e.g. the database): a bare page still helps
        log.exception("the error page for %s could not be rendered", request.path)
        body = f"<h1>{title}</h1><p>{hint}</p>"
    return body, code


def favicon() -> Response:
    return send_from_directory(
        current_app.static_folder, "onewindow/favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


def back_to_the_page(response: Response) -> Response:
    """After a language switch, show the page the switch was used on (``?next=``) rather than
    Flask-AppBuilder's last list page."""
    if request.endpoint == "LocaleView.index" and response.status_code in (301, 302, 303):
        target = safe_next(request.args.get("next"))
        if target:
            return redirect(target)
    return response


def init_app(app: Flask) -> None:
    for code in ERRORS:
        app.register_error_handler(code, error_page)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.after_request(back_to_the_page)
    app.context_processor(lambda: {"current_language": current_language()})
    app.jinja_env.globals["date_input"] = date_input
    app.jinja_env.globals["onewindow_drawn_once"] = drawn_once
    app.jinja_env.bytecode_cache = template_cache(app)
    formatters.init_app(app)


class _TemplateCache(FileSystemBytecodeCache):
    """A full or read-only disk never fails a page: the template is compiled in memory then."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            log.warning("compiled template not kept: %s", error)


def template_cache(app: Flask) -> BytecodeCache | None:
    """Compiled templates kept on disk between restarts (``ONEWINDOW_TEMPLATE_CACHE``: a folder,
    empty to turn it off; default: Jinja's private per-user folder under the temp dir), so the
    first page after a restart does not pay ~40 ms compiling its templates. Jinja checks each
    entry against its template's source, so an upgrade never serves a stale page."""
    folder = app.config.get("ONEWINDOW_TEMPLATE_CACHE", "default")
    if not folder:
        return None
    try:
        if folder == "default":
            return _TemplateCache()
        os.makedirs(folder, exist_ok=True)
        return _TemplateCache(folder)
    except (OSError, RuntimeError) as error:  # RuntimeError: Jinja found no safe temp folder
        log.warning("compiled templates not kept: %s", error)
        return None
