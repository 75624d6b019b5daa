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
# How long to wait for a MongoDB server before a request fails with "database down".
ONEWINDOW_MONGODB_TIMEOUT_MS = 5000

# Risk prompts on the case page: other open cases of the same person / at the same address.
ONEWINDOW_RISK_THRESHOLDS = {"person": 2, "address": 3}

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

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
