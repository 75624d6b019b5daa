"""Sessions that end: a per-user session stamp, checked on every request and in every token.

Each user carries a random ``session_stamp``. A login writes it into the session, a JSON web
token carries it as a claim. It changes when the user logs out, when their password changes
(their own reset or an administrator's), and when they are deactivated; from the next request
on, every session cookie and token issued before is refused, on every worker, with no
server-side session store.
"""

from __future__ import annotations

import secrets
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from flask import Flask, g, has_request_context, session
from flask_login import current_user, logout_user, user_logged_in, user_logged_out
from mongoengine import signals

from .models import User

SESSION_KEY = "_stamp"
CLAIM = "stamp"
# A change of any of these fields ends the user's sessions and tokens.
ENDING_FIELDS = {"password", "active"}


def new_stamp() -> str:
    return secrets.token_urlsafe(16)


def stamp_of(user: Any) -> str:
    """The user's stamp, created (atomically, first writer wins) when they have none yet."""
    if user.session_stamp:
        return user.session_stamp
    User.objects(pk=user.pk, session_stamp=None).update_one(set__session_stamp=new_stamp())
    stored = User.objects(pk=user.pk).only("session_stamp").first()
    # Set without marking the field changed: it is stored already.
    user._data["session_stamp"] = stored.session_stamp if stored else None
    return user.session_stamp or ""


def end_sessions(user: Any) -> None:
    """Invalidate every session and token of ``user`` (an atomic write of a new stamp)."""
    stamp = new_stamp()
    User.objects(pk=user.pk).update_one(set__session_stamp=stamp)
    user.session_stamp = stamp


def keep_own_session(user: Any) -> None:
    """After the signed-in user changed their own password, keep this session valid."""
    if not has_request_context():
        return
    current = current_user._get_current_object() if current_user else None
    if getattr(current, "pk", None) == user.pk and user.session_stamp:
        session[SESSION_KEY] = user.session_stamp


def _before_save(sender: type, document: User, **kwargs: Any) -> None:
    """A password change or a deactivation gets a new stamp in the same write."""
    if document.pk is None:
        document.session_stamp = document.session_stamp or new_stamp()
        return
    changed = {name.split(".")[0] for name in getattr(document, "_changed_fields", [])}
    if changed & ENDING_FIELDS:
        document.session_stamp = new_stamp()


def _remember_stamp(sender: Any, user: Any, **kwargs: Any) -> None:
    session[SESSION_KEY] = stamp_of(user)


def _forget_stamp(sender: Any, user: Any, **kwargs: Any) -> None:
    # A stale cookie being thrown out must not end the user's current sessions as well.
    if g.pop("_onewindow_stale_session", False):
        return
    if user is not None and getattr(user, "pk", None) is not None:
        end_sessions(user)
    session.pop(SESSION_KEY, None)


def check_session() -> None:
    """Log out a browser session whose stamp is not the user's current one (``before_request``)."""
    if "_user_id" not in session:
        return
    user = current_user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return
    if session.get(SESSION_KEY) != (user.session_stamp or None) or not user.session_stamp:
        g._onewindow_stale_session = True
        logout_user()
        session.clear()


def as_object_id_or_none(value: Any) -> ObjectId | None:
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        return None


def _token_claims(identity: Any) -> dict[str, str]:
    object_id = as_object_id_or_none(identity)
    user = User.objects(pk=object_id).first() if object_id else None
    return {CLAIM: stamp_of(user)} if user is not None else {}


def _token_revoked(header: dict, payload: dict) -> bool:
    object_id = as_object_id_or_none(payload.get("sub"))
    user = User.objects(pk=object_id).only("session_stamp", "active").first() if object_id else None
    if user is None or not user.active:
        return True
    return not user.session_stamp or payload.get(CLAIM) != user.session_stamp


_connected = False


def init_app(app: Flask) -> None:
    """Check the stamp of every request and token; keep stamps current on login, logout and
    every save of a user."""
    global _connected
    app.before_request(check_session)
    jwt_manager = app.appbuilder.sm.jwt_manager
    jwt_manager.additional_claims_loader(_token_claims)
    jwt_manager.token_in_blocklist_loader(_token_revoked)
    # Flask-Login sends these with the app as the sender: each console app listens to its own
    # logins only, never to another app's in the same process (whose users have no stamp).
    user_logged_in.connect(_remember_stamp, sender=app)
    user_logged_out.connect(_forget_stamp, sender=app)
    if not _connected:
        # A document signal: connected once, whatever the number of apps (tests build many).
        signals.pre_save.connect(_before_save, sender=User)
        _connected = True
