"""Online intake (一表填报): the centre's online-intake account submits one form and gets a case
in window review with its number; a retried submission with the same client key makes no second
case (``POST /api/v1/intake/``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from mongoengine import DateTimeField, Document, NotUniqueError, StringField

from console import clock
from console.api.common import ApiError, TranslatedRefusals, answers, api_actor, json_body
from models import case as c
from models import lifecycle as life
from models.item import ServiceItem
from models.window import Window


class IntakeKey(Document):
    """A client's submission key, reserved before the case is opened (so two concurrent retries
    cannot both open one), with the case it produced and a fingerprint of the form."""

    centre = StringField(required=True)
    key = StringField(required=True, max_length=100)
    fingerprint = StringField(required=True)
    number = StringField()
    created_at = DateTimeField(required=True)

    meta = {"collection": "intake_keys",
            "indexes": [{"fields": ["centre", "key"], "unique": True}]}


class _Applicant(Schema):
    company_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_rep_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    legal_rep_id = fields.String(required=True, validate=validate.Length(min=15, max=18))
    phone = fields.String(required=True, validate=validate.Length(min=11, max=20))
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    mail_address = fields.String(validate=validate.Length(max=300))


class IntakeSchema(Schema):
    client_key = fields.String(required=True, validate=validate.Length(min=8, max=100))
    mode = fields.String(load_default=c.FULL_CHAIN,
                         validate=validate.OneOf([m for m, _l in c.CASE_MODES]))
    items = fields.List(fields.String(validate=validate.Length(max=64)), required=True,
                        validate=validate.Length(min=1, max=20))
    window = fields.String(validate=validate.Length(max=64))
    delivery_method = fields.String(load_default="window",
                                    validate=validate.OneOf([m for m, _l in c.DELIVERY_METHODS]))
    applicant = fields.Nested(_Applicant, required=True)
    # The materials the applicant says are uploaded; the window still checks every one.
    materials = fields.List(fields.String(validate=validate.Length(max=200)),
                            load_default=list, validate=validate.Length(max=100))


def _fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()) \
        .hexdigest()


def _window(centre: str, code: str | None, items: list[ServiceItem]) -> Window:
    if code:
        window = Window.objects(centre=centre, code=code).first()  # index (centre, code)
        if window is None or not window.is_open:
            raise ApiError(422, {"window": [gettext("There is no open window %(code)s.",
                                                    code=code)]})
        return window
    for window in Window.objects(centre=centre, is_open=True).order_by("code"):
        if all(window.accepts(item) for item in items):
            return window
    raise ApiError(422, {"items": [gettext("No open window takes all these items.")]})


def _items(centre: str, codes: list[str]) -> list[ServiceItem]:
    found = {item.code: item for item in ServiceItem.objects.visible_to(centre)
             .filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ApiError(422, {"items": [gettext("Unknown items: %(codes)s",
                                               codes=", ".join(unknown))]})
    return [found[code] for code in dict.fromkeys(codes)]


def intake_actor() -> life.Actor:
    """The intake account opens cases as the window would (it takes the clerk's first two
    steps: open, start review), under its own name in the timeline."""
    actor = api_actor()
    if not actor.centre:
        raise ApiError(403, gettext("This API serves accounts of one centre."))
    return life.Actor(actor.username, actor.roles | {life.CLERK}, actor.centre, None)


class IntakeApi(TranslatedRefusals, BaseApi):
    """``POST /api/v1/intake/``: one online form → one case in window review."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Online intake (API)")

    resource_name = "intake"
    openapi_spec_tag = "Online intake"
    class_permission_name = "IntakeApi"

    @expose("/", methods=["POST"])
    @protect()
    @permission_name("post")
    @answers
    def post(self) -> Response:
        """Submit one online form
        ---
        post:
          summary: Open a case from an online form; the same client_key returns the same case
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [client_key, items, applicant]
                  properties:
                    client_key: {type: string, minLength: 8, maxLength: 100}
                    mode: {type: string, enum: [full_chain, partial_chain, single_item]}
                    items: {type: array, items: {type: string}}
                    window: {type: string}
                    delivery_method: {type: string, enum: [window, mail]}
                    applicant: {type: object}
                    materials: {type: array, items: {type: string}}
          responses:
            201:
              description: the case was opened and is in window review
            200:
              description: this client_key made this case before
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            409:
              description: the client_key was used for a different form, or is in progress
            413:
              description: the body is too large
            422:
              $ref: '#/components/responses/422'
        """
        actor = intake_actor()
        body = json_body(IntakeSchema())
        centre, now = actor.centre, clock.utcnow()
        fingerprint = _fingerprint(body)
        try:
            reservation = IntakeKey(centre=centre, key=body["client_key"],
                                    fingerprint=fingerprint, created_at=now).save()
        except NotUniqueError:
            return self._again(centre, body["client_key"], fingerprint)
        try:
            items = _items(centre, body["items"])
            window = _window(centre, body.get("window"), items)
            case = life.open_case(
                actor, window=window, items=items, applicant=body["applicant"],
                mode=body["mode"], channel="online", delivery_method=body["delivery_method"],
                now=now)
        except BaseException:
            reservation.delete()  # nothing was opened: the key may be used again
            raise
        declared = "、".join(body["materials"])
        note = gettext("Submitted online; declared materials: %(names)s",
                       names=declared or "-")
        case = life.start_review(case, actor, note[:2000], now=now)
        IntakeKey.objects(id=reservation.id).update_one(set__number=case.number)
        return self.response(201, number=case.number, state=case.state,
                             state_label=c.label_of(c.CASE_STATES, case.state))

    def _again(self, centre: str, key: str, fingerprint: str) -> Response:
        earlier = IntakeKey.objects(centre=centre, key=key).first()
        if earlier is None or earlier.number is None:
            raise ApiError(409, gettext("This submission is still being processed."))
        if earlier.fingerprint != fingerprint:
            raise ApiError(409, gettext("This client key was used for a different form."))
        case = c.Case.objects(centre=centre, number=earlier.number).only("number", "state") \
            .first()
        return self.response(200, number=earlier.number, state=case.state if case else None,
                             state_label=c.label_of(c.CASE_STATES, case.state) if case else "")
