"""The one transition table of a case: for each action, the case states it is allowed in, the
roles that may take it, the state it leads to and its guard. :mod:`models.lifecycle` checks every
action against it, the screens derive their buttons from it, and the agency API does too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import datetime as dt
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models import case as c

if TYPE_CHECKING:  # pragma: no cover
    from models.lifecycle import Actor

ADMIN, CLERK, APPROVER = "Admin", "Clerk", "Approver"
WINDOW = frozenset({ADMIN, CLERK})
AGENCY = frozenset({ADMIN, APPROVER})

# A guard looks at the case (and the sub-task, for sub-task actions) and returns None, or what
# makes the reason for refusing (translated only when a refusal is shown: the case page asks
# every action of the table whether it is allowed, and most are not). Guards read only what the
# case already holds: no clock, no database.
Reason = Callable[[], str]
Guard = Callable[[c.Case, "c.SubTask | None"], "Reason | None"]


class TransitionError(ValueError):
    """A refused action; the message is translated and meant for the user."""


class AccessDenied(TransitionError):
    """The actor's centre, role or agency does not allow the action."""


@dataclass(frozen=True)
class Transition:
    """One action: where it may happen, who may take it, where it leads."""

    name: str
    label: Any
    states: tuple[str, ...]
    roles: frozenset[str]
    target: str | None = None  # the case's next state; None: unchanged or decided by the action
    task_states: tuple[str, ...] = ()  # sub-task actions only: the sub-task's allowed states
    task_target: str | None = None
    guard: Guard | None = None
    needs_reason: bool = False
    style: str = "btn-default"
    # Consequential actions are confirmed in a dialog with a summary before they are posted.
    confirm: bool = False

    @property
    def on_subtask(self) -> bool:
        return bool(self.task_states)


def _partial_chain(case: c.Case, _task) -> Reason | None:
    if case.mode != c.PARTIAL_CHAIN:
        return lambda: gettext("Only a partial-chain case takes more items later.")
    return None


def _something_rejected(case: c.Case, _task) -> Reason | None:
    if not any(t.status in (c.TASK_REJECTED, c.TASK_RETURNED) for t in case.subtasks):
        return lambda: gettext("No sub-task was rejected: the case cannot be closed so.")
    return None


def _tolerated_outstanding(case: c.Case, _task) -> Reason | None:
    if not any(row.state == c.TOLERATED for row in case.materials):
        return lambda: gettext("No tolerated material is outstanding on this case.")
    return None


def _not_waiting(case: c.Case, task) -> Reason | None:
    if task is not None and task.status == c.WAITING:
        return lambda: gettext("This sub-task waits for %(items)s to be done first.",
                               items="、".join(waiting_for(case, task)))
    return None


def waiting_for(case: c.Case, task: c.SubTask) -> list[str]:
    """The names of the items ``task`` still waits for."""
    return [t.item_name or t.item for t in case.subtasks
            if t.item in (task.after or []) and t.key != task.key and t.status != c.DONE]


OPEN_WORK = (c.PENDING, c.IN_PROGRESS)
_TABLE = (
    Transition("start_review", _l("Start window review"), (c.COACHING,), WINDOW, c.REVIEW,
               style="btn-primary"),
    Transition("record_materials", _l("Record materials"), (c.COACHING, c.REVIEW, c.RETURNED),
               WINDOW),
    Transition("accept", _l("Accept"), (c.REVIEW,), WINDOW, c.ACCEPTED, style="btn-success",
               confirm=True),
    Transition("return", _l("Return with one-time notification"), (c.REVIEW,), WINDOW,
               c.RETURNED, style="btn-warning", confirm=True),
    Transition("resubmit", _l("Corrections handed in: review again"), (c.RETURNED,), WINDOW,
               c.REVIEW, style="btn-primary"),
    Transition("add_items", _l("Add items (partial chain)"),
               (c.COACHING, c.REVIEW, c.RETURNED, c.ACCEPTED, c.READY), WINDOW,
               guard=_partial_chain),
    Transition("receive_tolerated", _l("Tolerated material handed in"),
               (c.ACCEPTED, c.READY, c.DELIVERED), WINDOW, guard=_tolerated_outstanding),
    Transition("deliver", _l("Deliver"), (c.READY,), WINDOW, c.DELIVERED, style="btn-success",
               confirm=True),
    Transition("close", _l("Follow-up done: close"), (c.DELIVERED,), WINDOW, c.CLOSED,
               style="btn-success"),
    Transition("close_rejected", _l("Close as rejected"), (c.ACCEPTED,), WINDOW, c.REJECTED,
               guard=_something_rejected, needs_reason=True, style="btn-danger"),
    Transition("withdraw", _l("Withdraw"), c.OPEN_STATES, WINDOW, c.WITHDRAWN,
               needs_reason=True, style="btn-danger"),
    # Sub-task actions: the case stays accepted until every sub-task is done.
    Transition("start_subtask", _l("Start"), (c.ACCEPTED,), AGENCY, task_states=(c.PENDING,),
               task_target=c.IN_PROGRESS, guard=_not_waiting),
    Transition("request_supplement", _l("Ask for a supplement"), (c.ACCEPTED,), AGENCY,
               task_states=OPEN_WORK, task_target=c.SUPPLEMENT, needs_reason=True,
               style="btn-warning"),
    Transition("record_supplement", _l("Supplement received"), (c.ACCEPTED,), AGENCY,
               task_states=(c.SUPPLEMENT,), task_target=c.IN_PROGRESS, style="btn-primary"),
    Transition("complete_subtask", _l("Done"), (c.ACCEPTED,), AGENCY, task_states=OPEN_WORK,
               task_target=c.DONE, style="btn-success", guard=_not_waiting, confirm=True),
    Transition("reject_subtask", _l("Reject"), (c.ACCEPTED,), AGENCY,
               task_states=(*OPEN_WORK, c.SUPPLEMENT), task_target=c.TASK_REJECTED,
               needs_reason=True, style="btn-danger"),
    Transition("return_subtask", _l("Send back to the window"), (c.ACCEPTED,), AGENCY,
               task_states=(*OPEN_WORK, c.SUPPLEMENT), task_target=c.TASK_RETURNED,
               needs_reason=True, style="btn-warning"),
    Transition("drop_item", _l("Drop this item, go on"), (c.ACCEPTED,), WINDOW,
               task_states=(c.TASK_REJECTED, c.TASK_RETURNED), task_target=c.DROPPED,
               style="btn-warning"),
)
TABLE: dict[str, Transition] = {t.name: t for t in _TABLE}


def check(name: str, case: c.Case, actor: Actor, task: c.SubTask | None = None) -> Transition:
    """The transition ``name`` if ``actor`` may take it on ``case`` (and ``task``) now; else
    :class:`AccessDenied` or :class:`TransitionError` with the reason. Writes nothing."""
    transition = TABLE[name]
    refused = _refusal(transition, case, actor, task)
    if refused is not None:
        error, reason = refused
        raise error(reason())
    return transition


def _refusal(transition: Transition, case: c.Case, actor: Actor,
             task: c.SubTask | None) -> tuple[type[TransitionError], Reason] | None:
    """Why ``actor`` may not take ``transition`` now (the error and its reason), or None."""
    if actor.centre is not None and actor.centre != case.centre:
        return AccessDenied, lambda: gettext("This case belongs to another service centre.")
    if transition.on_subtask and transition.roles == AGENCY:
        refused = _agency_refusal(actor, task)
        if refused is not None:
            return refused
    elif not transition.roles & actor.roles:
        return AccessDenied, lambda: gettext("Only a window clerk may do this.")
    if case.state not in transition.states:
        return TransitionError, lambda: gettext(
            "Not possible while the case is “%(state)s”.",
            state=c.label_of(c.CASE_STATES, case.state))
    if transition.on_subtask and task is None:
        return TransitionError, _no_such_subtask
    reason = transition.guard(case, task) if transition.guard else None
    if reason is not None:
        return TransitionError, reason
    if transition.on_subtask and task.status not in transition.task_states:
        return TransitionError, lambda: gettext(
            "Not possible while the sub-task is “%(state)s”.",
            state=c.label_of(c.SUBTASK_STATES, task.status))
    return None


def _no_such_subtask() -> str:
    return gettext("This case has no such sub-task.")


def _agency_refusal(actor: Actor,
                    task: c.SubTask | None) -> tuple[type[TransitionError], Reason] | None:
    if task is None:
        return TransitionError, _no_such_subtask
    if ADMIN in actor.roles:
        return None
    if APPROVER not in actor.roles:
        return AccessDenied, lambda: gettext("Only a back-office approver may work a sub-task.")
    if actor.agency != task.agency:
        return AccessDenied, lambda: gettext("This sub-task belongs to another agency.")
    return None


def allowed(name: str, case: c.Case, actor: Actor, task: c.SubTask | None = None) -> bool:
    """Whether :func:`check` would let the action through (no message is made)."""
    return _refusal(TABLE[name], case, actor, task) is None


def case_actions(case: c.Case, actor: Actor) -> list[Transition]:
    """The case-level actions to offer ``actor`` on ``case`` (the buttons of the case page)."""
    return [t for t in _TABLE if not t.on_subtask and allowed(t.name, case, actor)]


def task_actions(case: c.Case, task: c.SubTask, actor: Actor) -> list[Transition]:
    """The actions to offer ``actor`` on one sub-task."""
    return [t for t in _TABLE if t.on_subtask and allowed(t.name, case, actor, task)]


def today_of(now: dt.datetime) -> dt.date:
    """The date in China at the naive-UTC moment ``now``."""
    from models.workdays import to_china

    return to_china(now).date()
