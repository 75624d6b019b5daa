"""Posting an action on a case, complaint or rectification page: one path for every screen that
acts on a version-guarded record through its lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import abort, current_app, flash, redirect, request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from models import lifecycle as life


def current_actor() -> life.Actor:
    """The signed-in user as the lifecycles see them."""
    return life.Actor(
        username=current_user.username,
        # The roles held directly, from the security catalogue (no role documents read).
        roles=current_app.appbuilder.sm.role_names(current_user, groups=False),
        centre=getattr(current_user, "centre", None) or None,
        agency=getattr(current_user, "agency", None) or None,
    )


class FormError(Exception):
    """A posted action form failed validation."""

    def __init__(self, form) -> None:
        self.messages = [_named(getattr(form, name).label.text, "; ".join(errors))
                         for name, errors in form.errors.items()]
        super().__init__("; ".join(self.messages))


def _named(label: Any, message: str) -> str:
    """A field's message with the field's name in front, unless the message starts with it
    already (an identifier's check names its kind: 统一社会信用代码 … 应为 18 位)."""
    label = str(label)
    return message if message.startswith(label) else f"{label}: {message}"


def valid(form):
    """The form, validated, or :class:`FormError` naming every problem."""
    if not form.validate_on_submit():
        raise FormError(form)
    return form


Handler = Callable[[Any, life.Actor], Any]


def post_action(
    record: Any,
    action: str,
    handlers: Mapping[str, Handler],
    back: str,
    *,
    on_done: Callable[[Any], None] | None = None,
    on_refused: Callable[[], None] | None = None,
    unchanged: Callable[[Any], bool] | None = None,
) -> Response:
    """Run ``handlers[action](record, actor)`` (404 for an unknown action) and go ``back``.

    The write is guarded on the version the user was looking at (the form's ``version``): if
    anybody changed the record since the page was shown, the lifecycle refuses and names who
    and when. A refusal or an invalid form is flashed, message by message, and ``on_refused``
    runs (to keep what the user typed); success calls ``on_done`` with the handler's result, or
    says "Done.".

    ``unchanged(record)`` says whether the part of the record the action concerns is still as
    the page showed it; if so, a page older than the record still acts, on the record as it is
    now (an agency completing its sub-task while another agency completed theirs)."""
    handler = handlers.get(action)
    if handler is None:
        abort(404)
    seen = request.form.get("version", type=int)
    if seen is not None and not (seen != record.version and unchanged is not None
                                 and unchanged(record)):
        record.version = seen
    try:
        result = handler(record, current_actor())
    except life.TransitionError as error:
        refusals = [str(error)]
    except FormError as error:
        refusals = error.messages
    else:
        if on_done is None:
            flash(gettext("Done."), "success")
        else:
            on_done(result)
        return redirect(back)
    for text in refusals:
        flash(text, "danger")
    if on_refused is not None:
        on_refused()
    return redirect(back)
