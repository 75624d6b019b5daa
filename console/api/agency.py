"""The agency API: an agency's back-office system (or approver, with a token) lists its sub-tasks,
reads one and works it through the same lifecycle functions, transition table and version check
as the screens (``/api/v1/subtask/``)."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
from typing import Any

from flask import Response
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from console import clock, roles
from console.api.common import (
    ApiError,
    TranslatedRefusals,
    answers,
    api_actor,
    json_body,
    rison_args,
)
from models import case as c
from models import lifecycle as life
from models import results as r
from models import transitions as tr
from models.agency import Agency
from models.case import Case, SubTask
from models.centre import ServiceCentre
from models.deadlines import calendar_for, subtask_deadline_state

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
SUBTASK_STATUSES = [value for value, _label in c.SUBTASK_STATES]

LIST_SCHEMA = {
    "type": "object",
    "properties": {
        "state": {"type": "string", "enum": SUBTASK_STATUSES},
        "open": {"type": "boolean"},
        "overdue": {"type": "boolean"},
        "changed_since": {"type": "string", "format": "date-time"},
        "page": {"type": "integer", "minimum": 0},
        "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    },
    "additionalProperties": False,
}
# Only what a row shows is read from the case.
ROW_FIELDS = ("number", "centre", "state", "company_name", "registered_name", "credit_code",
              "subtasks", "version", "changed_at", "accepted_at", "due_at")


class _Action(Schema):
    version = fields.Integer(required=True, strict=True)
    note = fields.String(validate=validate.Length(max=2000), load_default="")


class _Reasoned(_Action):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class _Complete(_Action):
    results = fields.Dict(keys=fields.String(), load_default=dict)


def _start(case: Case, actor: life.Actor, key: str, body: dict, now: dt.datetime) -> Case:
    return life.start_subtask(case, actor, key, now=now)


def _supplement(case: Case, actor: life.Actor, key: str, body: dict, now: dt.datetime) -> Case:
    return life.request_supplement(case, actor, key, body["reason"].strip(), now=now)


def _received(case: Case, actor: life.Actor, key: str, body: dict, now: dt.datetime) -> Case:
    return life.record_supplement(case, actor, key, body["note"], now=now)


def _complete(case: Case, actor: life.Actor, key: str, body: dict, now: dt.datetime) -> Case:
    return life.complete_subtask(case, actor, key, body["results"], body["note"], now=now)


def _reject(case: Case, actor: life.Actor, key: str, body: dict, now: dt.datetime) -> Case:
    return life.reject_subtask(case, actor, key, body["reason"].strip(), now=now)


Do = Callable[[Case, life.Actor, str, dict, dt.datetime], Case]
# API action → (transition-table name, body schema, lifecycle call)
ACTIONS: dict[str, tuple[str, Schema, Do]] = {
    "start": ("start_subtask", _Action(), _start),
    "request-supplement": ("request_supplement", _Reasoned(), _supplement),
    "receive-supplement": ("record_supplement", _Action(), _received),
    "complete": ("complete_subtask", _Complete(), _complete),
    "reject": ("reject_subtask", _Reasoned(), _reject),
}
TABLE_TO_API = {table: name for name, (table, _s, _d) in ACTIONS.items()}


def iso(moment: dt.datetime | None) -> str | None:
    """A stored naive-UTC moment as ISO 8601 in UTC."""
    return moment.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 moment as naive UTC (a moment without offset is taken as UTC)."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ApiError(400, {"changed_since": [gettext("Not a date and time (ISO 8601).")]}) \
            from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _require_agency(actor: life.Actor) -> tuple[list[str], str]:
    """The centres the account serves and its agency: one centre, or every centre for a shared
    agency's system (a bank's; the account check allows no other without a centre)."""
    if not actor.agency or not (actor.centre or roles.AGENCY_SYSTEM in actor.roles):
        raise ApiError(403, gettext("This API serves accounts of one agency at one centre."))
    if actor.centre:
        return [actor.centre], actor.agency
    if not Agency.objects(code=actor.agency, centre=None).only("id").first():
        raise ApiError(403, gettext("This API serves accounts of one agency at one centre."))
    return [centre.code for centre in ServiceCentre.objects.only("code")], actor.agency


def subtask_row(case: Case, task: SubTask, actor: life.Actor, now: dt.datetime) -> dict:
    """One sub-task as the API shows it: no personal data of the applicant."""
    state = subtask_deadline_state(calendar_for(case.centre), task, now)
    results = {name: getattr(task, name) for name in [*(task.result_fields or []), "remarks"]
               if getattr(task, name, None) not in (None, "", [])}
    return {
        "case": case.number, "key": task.key, "version": case.version,
        "case_state": case.state, "company_name": case.registered_name or case.company_name,
        "credit_code": case.credit_code, "item": task.item, "item_name": task.item_name,
        "agency": task.agency, "status": task.status,
        "status_label": c.label_of(c.SUBTASK_STATES, task.status),
        "deadline": iso(task.deadline), "deadline_state": state,
        "overdue": state == c.OVERDUE, "started_at": iso(task.started_at),
        "finished_at": iso(task.finished_at), "assignee": task.assignee,
        "waits_for": tr.waiting_for(case, task) if task.status == c.WAITING else [],
        "result_fields": list(task.result_fields or []), "results": results,
        "reason": task.reason, "changed_at": iso(case.changed_at),
        "actions": [TABLE_TO_API[t.name] for t in tr.task_actions(case, task, actor)
                    if t.name in TABLE_TO_API],
    }


class SubTaskApi(TranslatedRefusals, BaseApi):
    """``/api/v1/subtask/``: the signed-in agency's sub-tasks at its centre. A token is always
    required (the browser session alone is not enough): the routes are protected for JWT."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Agency sub-tasks (API)")

    resource_name = "subtask"
    openapi_spec_tag = "Agency sub-tasks"
    class_permission_name = "SubTaskApi"
    allow_browser_login = False

    def _find(self, number: str, key: str) -> tuple[Case, SubTask, life.Actor]:
        actor = api_actor()
        centres, agency = _require_agency(actor)
        centre = number.split("-", 1)[0]  # case numbers start with their centre's code
        case = (Case.objects(centre=centre, number=number).first()  # index (centre, number)
                if centre in centres else None)
        task = case.subtask(key) if case else None
        # Another agency's sub-task is as unknown as a missing one.
        if task is None or task.agency != agency:
            raise ApiError(404, gettext("There is no such sub-task of your agency."))
        return case, task, actor

    @staticmethod
    def _cases(centres: list[str], agency: str, since: dt.datetime | None):
        """The cases with a sub-task of ``agency``, one indexed query per centre served."""
        for centre in centres:
            query = Case.objects(centre=centre, subtasks__agency=agency)  # index (centre, …)
            if since is not None:
                query = query.filter(changed_at__gte=since)
            yield from query.only(*ROW_FIELDS)

    @expose("/", methods=["GET"])
    @protect()
    @permission_name("list")
    @rison_args(LIST_SCHEMA)
    @answers
    def list(self, **kwargs: Any) -> Response:
        """List the agency's sub-tasks
        ---
        get:
          summary: The signed-in agency's sub-tasks at its centre, by deadline
          parameters:
          - in: query
            name: q
            description: "rison: (state:pending, open:!t, overdue:!t,
              changed_since:'2026-05-06T01:00:00Z', page:0, page_size:20)"
            schema:
              type: string
          responses:
            200:
              description: "count and one page of sub-tasks"
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/401'
        """
        args = kwargs["rison"]
        actor = api_actor()
        centres, agency = _require_agency(actor)
        since = parse_moment(args["changed_since"]) if "changed_since" in args else None
        now = clock.utcnow()
        rows = []
        for case in self._cases(centres, agency, since):
            for task in case.subtasks:
                if task.agency != agency:
                    continue
                if args.get("state") and task.status != args["state"]:
                    continue
                if args.get("open") is not None and task.is_open != args["open"]:
                    continue
                row = subtask_row(case, task, actor, now)
                if args.get("overdue") is not None and row["overdue"] != args["overdue"]:
                    continue
                rows.append(row)
        rows.sort(key=lambda row: (row["deadline"] or "9999", row["case"], row["key"]))
        page, size = args.get("page", 0), args.get("page_size", DEFAULT_PAGE_SIZE)
        return self.response(200, count=len(rows), page=page, page_size=size,
                             result=rows[page * size:(page + 1) * size])

    @expose("/_info", methods=["GET"])
    @protect()
    @permission_name("info")
    @answers
    def info(self) -> Response:
        """What the list filters on and which actions exist
        ---
        get:
          summary: Sub-task states, actions with their body fields, paging limits
          responses:
            200:
              description: the states, actions and page sizes
            401:
              $ref: '#/components/responses/401'
        """
        states = [{"value": v, "label": str(label)} for v, label in c.SUBTASK_STATES]
        actions = [{"name": name, "label": str(tr.TABLE[table].label),
                    "fields": sorted(schema.fields)} for name, (table, schema, _d) in
                   ACTIONS.items()]
        return self.response(200, states=states, actions=actions,
                             filters=sorted(LIST_SCHEMA["properties"]),
                             page_size={"default": DEFAULT_PAGE_SIZE, "max": MAX_PAGE_SIZE})

    @expose("/<number>/<key>", methods=["GET"])
    @protect()
    @permission_name("get")
    @answers
    def get(self, number: str, key: str) -> Response:
        """Read one sub-task
        ---
        get:
          summary: One sub-task of the agency, with the case's version to send back on a change
          parameters:
          - {in: path, name: number, required: true, schema: {type: string}}
          - {in: path, name: key, required: true, schema: {type: string}}
          responses:
            200:
              description: the sub-task
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        case, task, actor = self._find(number, key)
        return self.response(200, result=subtask_row(case, task, actor, clock.utcnow()))

    @expose("/<number>/<key>/<action>", methods=["POST"])
    @protect()
    @permission_name("act")
    @answers
    def act(self, number: str, key: str, action: str) -> Response:
        """Work a sub-task
        ---
        post:
          summary: "start, request-supplement, receive-supplement, complete or reject"
          parameters:
          - {in: path, name: number, required: true, schema: {type: string}}
          - {in: path, name: key, required: true, schema: {type: string}}
          - {in: path, name: action, required: true, schema: {type: string,
             enum: [start, request-supplement, receive-supplement, complete, reject]}}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [version]
                  properties:
                    version: {type: integer}
                    reason: {type: string, maxLength: 1000}
                    note: {type: string, maxLength: 2000}
                    results: {type: object}
          responses:
            200:
              description: the sub-task after the change
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
            409:
              description: the case changed since it was read; nothing was written
            413:
              description: the body is too large
            422:
              $ref: '#/components/responses/422'
        """
        if action not in ACTIONS:
            raise ApiError(404, gettext("There is no action %(action)s.", action=action))
        table, schema, do = ACTIONS[action]
        case, task, actor = self._find(number, key)
        body = json_body(schema)
        if body["version"] != case.version:
            raise ApiError(409, gettext("The case changed since you read it (version %(now)d, "
                                        "not %(sent)d). Read it again and retry.",
                                        now=case.version, sent=body["version"]))
        tr.check(table, case, actor, task)
        if "results" in body:
            try:  # checked here too, so the refusal names its field
                r.clean_results(task.result_fields or [], body["results"])
            except ValueError as error:
                raise ApiError(422, {"results": [str(error)]}) from error
        now = clock.utcnow()
        case = do(case, actor, key, body, now)
        return self.response(200, result=subtask_row(case, case.subtask(key), actor, now))
