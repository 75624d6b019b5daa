"""Default settings. Every one can be overridden by ``ONEWINDOW_*`` environment variables
(``ONEWINDOW_SECRET_KEY``…, read with Flask's ``from_prefixed_env``), by ``onewindow.cfg`` in the
instance folder, and by the ``config`` mapping given to :func:`console.create_app`."""

from __future__ import annotations

import pathlib

from flask_appbuilder.const import AUTH_DB

ROOT = pathlib.Path(__file__).resolve().parent.parent

APP_NAME = "一窗通办 onewindow"
# Unset: the embedded store in the instance folder. See console/storage.
ONEWINDOW_MONGODB_URI = None
ONEWINDOW_MONGODB_DB = "onewindow"
# True: a query no declared index serves raises instead of scanning the embedded store (tests).
ONEWINDOW_STORAGE_STRICT = False
# How long to wait for a MongoDB server before a request fails with "database down".
ONEWINDOW_MONGODB_TIMEOUT_MS = 5000

# Risk prompts on the case page: other open cases of the same person / at the same address.
ONEWINDOW_RISK_THRESHOLDS = {"person": 2, "address": 3}

# The screens' clock (console.clock): unset, the real time; an ISO datetime in UTC (or a
# datetime) fixes "now" for the home pages, so tests and screenshots show a known moment.
ONEWINDOW_NOW = None

# Chinese first: zh_CN is the default language, English is one click away.
BABEL_DEFAULT_LOCALE = "zh_CN"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
# Our catalogs; FAB adds its own in front, and ours win where both translate a message.
BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
LANGUAGES = {
    "zh_CN": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "gb", "name": "English"},
}
ONEWINDOW_TIMEZONE = "Asia/Shanghai"
# Font files (TTF/OTF/TTC) the PDFs fall back to after the pip-installed Noto fonts, for a rare
# character neither covers, e.g. Debian's fonts-hanazono: ["/usr/share/fonts/truetype/hanazono/
# HanaMinB.ttf"]. Optional: without them such a character is reported, never dropped.
ONEWINDOW_PDF_EXTRA_FONTS: list[str] = []

AUTH_TYPE = AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
FAB_SECURITY_MANAGER_CLASS = "console.security.manager.MongoSecurityManager"
# FAB's security REST APIs are bound to SQLAlchemy.
FAB_ADD_SECURITY_API = False
# Permissions are written by `onewindow init`, not on every start of every worker.
FAB_UPDATE_PERMS = False
# The OpenAPI document (/api/v1/_openapi) and its docs page (/swagger/v1, assets from the package).
FAB_API_SWAGGER_UI = True
# Our page frame (favicon, styles, the widgets' language) around Flask-AppBuilder's layout.
FAB_BASE_TEMPLATE = "onewindow/layout.html"

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day

# --- Production hardening (see README "Production behind HTTPS") ---
# HTTPS deployments: send the session cookie over HTTPS only and ask browsers to remember it.
SESSION_COOKIE_SECURE = False
ONEWINDOW_HSTS_SECONDS = 0
# Host names the console answers to (None: any); a spoofed Host header is then a 400.
TRUSTED_HOSTS = None
# Reverse proxies in front of the console whose X-Forwarded-For/-Proto/-Host are trusted.
ONEWINDOW_PROXIES = 0
# Requests larger than this are refused with a translated 413 before anything reads them.
MAX_CONTENT_LENGTH = 8 * 1024 * 1024
MAX_FORM_MEMORY_SIZE = 256 * 1024
# Failed logins (web form and API) allowed per client address, counted in the console's own
# database so every worker and process shares the count (console.limits); empty: no limit.
ONEWINDOW_LOGIN_RATE_LIMIT = "10 per 15 minutes"
# FAB's own limit counts successful logins too: ours above counts only failures.
AUTH_RATE_LIMITED = False
RATELIMIT_ENABLED = True  # FAB turns Flask-Limiter off unless told
RATELIMIT_STORAGE_URI = "onewindow://"
RATELIMIT_HEADERS_ENABLED = True
# A database that is down must give the "database unreachable" answer, not a limiter error.
RATELIMIT_SWALLOW_ERRORS = True
# JSON web tokens of the REST API: short access tokens, refresh tokens for one working day.
JWT_ACCESS_TOKEN_EXPIRES = 15 * 60
JWT_REFRESH_TOKEN_EXPIRES = 8 * 3600
# Password policy: minimum length (plus: not the username, not a common password).
ONEWINDOW_PASSWORD_MIN_LENGTH = 10
FAB_PASSWORD_COMPLEXITY_ENABLED = True


def _password_policy(password: str) -> None:
    # Imported when a form is validated, so loading the settings stays light.
    from console.passwords import validate

    validate(password)


FAB_PASSWORD_COMPLEXITY_VALIDATOR = _password_policy
