"""What every API module shares: the acting account, body parsing with size and field checks,
and one mapping from refusals to HTTP answers (never a 500 for input a client sends)."""

from __future__ import annotations

from collections.abc import Callable
import functools
import re
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_appbuilder import AppBuilder
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
import jsonschema
from marshmallow import Schema, ValidationError
import prison
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from console import roles
from models import lifecycle as life

# A request body larger than this is refused (413) before it is parsed.
MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    """A refusal with its HTTP status and a message (or field messages) for the client."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def install_token_errors(appbuilder: AppBuilder) -> None:
    """A forged or malformed token is refused as unauthenticated (401), like a missing or expired
    one; flask-jwt-extended answers 422 by default, which tells a client nothing useful."""
    manager = appbuilder.sm.jwt_manager

    def unauthorised(*_args: Any) -> Response:
        response = jsonify(message=gettext("Sign in: the token is missing, invalid or expired."))
        response.status_code = 401
        return response

    manager.invalid_token_loader(unauthorised)
    manager.unauthorized_loader(unauthorised)
    manager.expired_token_loader(unauthorised)
    manager.user_lookup_error_loader(unauthorised)
    manager.revoked_token_loader(unauthorised)


def api_actor() -> life.Actor:
    """The signed-in account as a lifecycle actor. An agency system takes the same sub-task
    actions as its agency's approvers, so it acts with the approver's role in the table."""
    user = current_app.appbuilder.sm.current_user  # the token's user (flask-login knows none)
    names = {role.name for role in user.roles}
    if roles.AGENCY_SYSTEM in names:
        names.add(roles.APPROVER)
    return life.Actor(username=user.username, roles=frozenset(names),
                      centre=getattr(user, "centre", None) or None,
                      agency=getattr(user, "agency", None) or None)


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object loaded by ``schema``: 413 when too large, 400 when not a JSON
    object, 422 with a message per field when a field is wrong."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, gettext("The request body is larger than %(size)d bytes.",
                                    size=MAX_BODY_BYTES))
    request.max_content_length = MAX_BODY_BYTES  # also bounds a body without a length
    try:
        data = request.get_json(silent=False)
    except RequestEntityTooLarge as error:
        raise ApiError(413, gettext("The request body is larger than %(size)d bytes.",
                                    size=MAX_BODY_BYTES)) from error
    except BadRequest as error:
        raise ApiError(400, gettext("The request body must be a JSON object.")) from error
    except UnsupportedMediaType as error:
        # Werkzeug's own answer is an HTML page.
        raise ApiError(400, gettext(
            "The request body must be a JSON object sent with Content-Type: application/json."
        )) from error
    if not isinstance(data, dict):
        raise ApiError(400, gettext("The request body must be a JSON object."))
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ApiError(422, translated(error.messages)) from error


# Marshmallow's field messages (English only) → ours: (its message as a pattern, our msgid).
_FIELD_MESSAGES = [
    (re.compile(pattern), msgid) for pattern, msgid in (
        (r"Missing data for required field\.", _l("Missing data for required field.")),
        (r"Unknown field\.", _l("Unknown field.")),
        (r"Field may not be null\.", _l("Field may not be null.")),
        (r"Not a valid integer\.", _l("Not a valid integer.")),
        (r"Not a valid string\.", _l("Not a valid string.")),
        (r"Not a valid list\.", _l("Not a valid list.")),
        (r"Not a valid mapping type\.", _l("Not a valid mapping type.")),
        (r"Invalid input type\.", _l("Invalid input type.")),
        (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
         _l("Length must be between %(min)s and %(max)s.")),
        (r"Longer than maximum length (?P<max>\d+)\.", _l("Longer than maximum length %(max)s.")),
        (r"Shorter than minimum length (?P<min>\d+)\.",
         _l("Shorter than minimum length %(min)s.")),
        (r"Must be one of: (?P<choices>.*)\.", _l("Must be one of: %(choices)s.")),
    )
]


def translated(messages: Any) -> Any:
    """Marshmallow's ``{field: [message]}`` (nested for nested fields) in the request's
    language; a message it has no pattern for stays as it is."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translated(value) for value in messages]
    if isinstance(messages, str):
        for pattern, msgid in _FIELD_MESSAGES:
            found = pattern.fullmatch(messages)
            if found:
                return str(msgid) % found.groupdict() if found.groupdict() else str(msgid)
    return messages


class TranslatedRefusals:
    """FAB's API answers a role without the permission with an English "Forbidden"."""

    def response_403(self) -> Response:
        return self.response(403, message=gettext("This account may not use this part of the API."))


def answers(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn refusals into their answers: :class:`ApiError` as itself, a stale case 409, access
    refused by the transition table 403, any other refused action 422 (nothing was written)."""

    @functools.wraps(view)
    def wrapper(self, *args: Any, **kwargs: Any) -> Response:
        try:
            return view(self, *args, **kwargs)
        except ApiError as error:
            return self.response(error.status, message=error.message)
        except life.StaleCaseError as error:
            return self.response(409, message=str(error))
        except life.AccessDenied as error:
            return self.response(403, message=str(error))
        except life.TransitionError as error:
            return self.response(422, message=str(error))

    return wrapper


def rison_args(schema: dict[str, Any]) -> Callable:
    """FAB's ``rison`` decorator, but a malformed ``q`` is always a 400: prison raises more than
    its ParserException on some truncated input (``(page:``), which FAB's would let out as 500."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(self, *args: Any, **kwargs: Any) -> Response:
            text = request.args.get("q")
            try:
                value = prison.loads(text) if text else {}
                jsonschema.validate(instance=value, schema=schema)
            except jsonschema.ValidationError as error:
                return self.response(400, message=gettext(
                    "Not a valid q argument: %(error)s", error=error.message))
            except Exception:  # noqa: BLE001 - any parse failure is the client's input
                return self.response(400, message=gettext("Not a valid rison argument."))
            kwargs["rison"] = value
            return view(self, *args, **kwargs)

        return wrapper

    return decorate
