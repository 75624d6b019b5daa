"""Password policy: long enough, not the username, not one of the commonest passwords.

Used as Flask-AppBuilder's ``FAB_PASSWORD_COMPLEXITY_VALIDATOR`` (the add-user, reset-password
and reset-my-password forms), and enforced again by the security manager's ``add_user`` and
``reset_password`` (:func:`enforce`), so every other path — ``onewindow create-user``, the logins
screen, the demo loader, ``flask fab create-admin`` / ``reset-password`` — meets it too. The
common-password list is the 30,000 most frequent passwords shipped with ``zxcvbn``.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
from flask import current_app, has_app_context, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext
from flask_login import current_user
from zxcvbn.matching import RANKED_DICTIONARIES

DEFAULT_MIN_LENGTH = 10
COMMON = RANKED_DICTIONARIES["passwords"]


def problems(password: str, usernames: Iterable[str] = ()) -> list[str]:
    """Translated reasons why ``password`` is refused; empty when it is acceptable."""
    found = []
    minimum = DEFAULT_MIN_LENGTH
    if has_app_context():
        minimum = int(current_app.config.get("ONEWINDOW_PASSWORD_MIN_LENGTH") or minimum)
    password = password or ""
    if len(password) < minimum:
        found.append(gettext("The password needs at least %(n)d characters.", n=minimum))
    folded = password.casefold()
    names = {name.casefold() for name in usernames if name}
    if any(name in folded or folded in name for name in names):
        found.append(gettext("The password must not contain the username."))
    if folded in COMMON or folded.rstrip("0123456789!.") in COMMON:
        found.append(gettext("This password is too common; choose another one."))
    return found


class PasswordRefused(click.ClickException):
    """A password the policy refuses. A ``ClickException``, so that any command (ours or
    Flask-AppBuilder's ``fab create-admin``) stops with the translated reasons, not a traceback."""

    exit_code = 2


def enforce(password: str, usernames: Iterable[str] = ()) -> None:
    """Raise :class:`PasswordRefused` with every reason ``password`` is refused."""
    reasons = problems(password, usernames)
    if reasons:
        raise PasswordRefused(" ".join(reasons))


def _usernames_of_request() -> list[str]:
    """The usernames a form's password belongs to: the posted username (add user), the user
    whose password an administrator resets (``?pk=``), or else the signed-in user."""
    if not has_request_context():
        return []
    names = [request.form.get("username", "")]
    pk = request.args.get("pk")
    user = current_app.appbuilder.sm.get_user_by_id(pk) if pk else None
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    if user is not None:
        names.append(user.username)
    return names


def validate(password: str) -> None:
    """FAB's complexity hook: raise with every reason the password is refused."""
    reasons = problems(password, _usernames_of_request())
    if reasons:
        raise PasswordComplexityValidationError(" ".join(reasons))
