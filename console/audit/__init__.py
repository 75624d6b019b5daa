"""The audit log: an append-only record of every change, lifecycle action, login and view of a
full personal identifier (see :mod:`console.audit.log`), and its screen."""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_appbuilder.security import signals as security_signals
from flask_babel import lazy_gettext as _l

from console.audit import log
from console.datamodel import events
from models.signals import case_changed

_connected = False


def register(appbuilder: AppBuilder) -> None:
    """Add the audit screen (called from :func:`console.views.register_views`)."""
    from console.audit.views import AuditLogView

    appbuilder.add_view(AuditLogView, "Audit log", label=_l("Audit log"), icon="fa-history",
                        category="Audit", category_label=_l("Audit"),
                        category_icon="fa-shield")


def init_app(app: Flask) -> None:
    """Subscribe the log to every source of entries (once per process)."""
    global _connected
    if _connected:
        return
    events.record_written.connect(log.on_record_written)
    case_changed.connect(log.on_case_changed)
    security_signals.user_created.connect(log.on_user_changed)
    security_signals.user_updated.connect(log.on_user_changed)
    _connected = True
