"""Daily figures (每日统计): per China-time day, per centre, agency and window, the counters and
per-case durations the statistics and the dashboard read, kept up to date as cases change.

Design
------
Every figure is derived from ONE timeline event of a case and the case as it stands once that
event is written (:func:`event_figures`). The case's timeline is append-only and each event's
``at`` is the ``now`` the lifecycle was given, so the day of a figure is the China date of the
event, never the wall clock (the demo generator replays a year with historic ``now``s).

Incrementally, the receiver of :data:`models.signals.case_changed` takes the events the commit
appended (the signal's event and the ``subtask_ready`` events written with it) and applies one
``$inc``/``$push`` upsert per touched row (centre, window, agency): a handful of writes per
change. The lifecycle sends the signal once per committed, version-guarded write, so each event
is counted once; the receiver is NOT idempotent under a replay of the same signal (a re-sent
signal would count twice) and never raises into the lifecycle (a failure is logged): the repair
is :func:`rebuild_figures`, which walks every event of every case of the centres through the same
:func:`event_figures` and writes the rows afresh.

A rebuild equals the incremental rows by construction: what an event contributes depends only on
the timeline up to that event and on what no later event changes (the returns kept, a finished
sub-task's deadline and pauses, a received 容缺 material's promise, the case's pauses before the
event). The one value a later event changes, the case's deadline (items added after the case was
ready count it again), is read from the readiness event itself (``TimelineEvent.due_at``), so a
readiness is judged against the deadline then in force. The centre's calendar and a window's kind
are read as they are now: change either and rebuild. ``tests/test_daily_figures_differential.py``
proves the equality on random histories across the year end, on mongomock and the embedded store.

Definitions: a case counts as finished each time it becomes ready (a case reopened by an added
item and ready again counts twice, each against its own deadline, its back office timed from
acceptance or from the items added); a sub-task is counted on the day it is done, on time or late.
Open sub-tasks overdue now are not in these rows: they are a snapshot of the open cases
(:func:`reports.today.overdue_subtasks`, the ``(centre, task_due)`` index).

Working time is counted on the centre's official calendar (:mod:`models.workdays`): a stage's
minutes are the centre's opening minutes between its two events. An agency is charged from the
moment its sub-task could start (not while it waited for earlier items) to its completion, less
the 补正 pauses (the applicant's time); the back office is charged from acceptance to ready,
less the case clock's pauses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
import contextlib
import contextvars
import datetime as dt
import logging
import time
from typing import Any

from bson import ObjectId
from mongoengine import DateTimeField, DictField, Document, StringField

from models import case as c
from models.signals import case_changed
from models.workdays import WorkCalendar, to_china

log = logging.getLogger(__name__)

CENTRE, AGENCY, WINDOW = "centre", "agency", "window"
DIMENSIONS = (CENTRE, AGENCY, WINDOW)
# Stages whose per-case minutes are kept for averages and percentiles.
COACHING, REVIEW, BACK_OFFICE, PICKUP, AGENCY_WORK = (
    "coaching", "review", "back_office", "pickup", "agency")
STAGES = (COACHING, REVIEW, BACK_OFFICE, PICKUP, AGENCY_WORK)
# How long a centre's calendar is reused by the receiver before it is read again (seconds).
CALENDAR_TTL = 60


class DailyFigure(Document):
    """One day's figures of one centre (``dim`` centre, ``key`` ""), one of its windows (``key``
    the window's id) or one agency (``key`` the agency code). ``n`` holds counters, ``d`` the
    minutes of each case (or sub-task) that finished a stage that day."""

    centre = StringField(required=True)
    dim = StringField(required=True, choices=DIMENSIONS)
    key = StringField(default="")
    day = DateTimeField(required=True)  # midnight of the China date, naive
    week = DateTimeField()  # the Monday of that week
    month = DateTimeField()  # the first of that month
    n = DictField()
    d = DictField()

    meta = {
        "collection": "daily_figures",
        "indexes": [
            {"fields": ["centre", "dim", "day", "key"], "unique": True},
        ],
    }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def row_id(centre: str, dim: str, key: str, day: dt.date) -> dict:
    """The identity of a row, as stored."""
    return {"centre": centre, "dim": dim, "key": key, "day": _midnight(day)}


def safe_key(text: str) -> str:
    """``text`` usable as a field name inside ``n`` (no dots, no leading dollar)."""
    return (text or "?").replace(".", "．").replace("$", "＄")


class Accumulator:
    """Increments and pushes gathered per row before they are written."""

    def __init__(self) -> None:
        self.inc: dict[tuple, Counter] = defaultdict(Counter)
        self.push: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def add(self, row: tuple, name: str, amount: float = 1) -> None:
        self.inc[row][name] += amount

    def minutes(self, row: tuple, stage: str, value: float) -> None:
        self.push[row][stage].append(round(value, 2))

    def rows(self) -> list[tuple]:
        return sorted(set(self.inc) | set(self.push), key=repr)


def _window_key(case: c.Case) -> str | None:
    ref = case._data.get("window")
    ref = getattr(ref, "id", ref)
    return str(ref) if ref is not None else None


def _minutes(calendar: WorkCalendar, start: dt.datetime | None, end: dt.datetime | None) -> float:
    if not (start and end) or end <= start:
        return 0.0
    return calendar.open_minutes_between(start, end)


def _paused(calendar: WorkCalendar, pauses: Iterable[c.Pause], start: dt.datetime,
            end: dt.datetime) -> float:
    """Opening minutes of the ended pauses that lie between ``start`` and ``end``."""
    return sum(_minutes(calendar, max(p.started_at, start), min(p.ended_at, end))
               for p in pauses if p.ended_at and p.started_at < end and p.ended_at > start)


def _time_in_states(calendar: WorkCalendar, events: list[c.TimelineEvent]) -> Counter:
    """Opening minutes the case spent in each state up to the last of ``events``."""
    spent: Counter = Counter()
    for before, after in zip(events, events[1:], strict=False):
        spent[before.to_state] += _minutes(calendar, before.at, after.at)
    return spent


def event_figures(case: c.Case, index: int, calendar: WorkCalendar,
                  one_window: Callable[[str | None], bool], acc: Accumulator) -> None:
    """Add to ``acc`` what the ``index``-th event of ``case``'s timeline contributes."""
    event = case.timeline[index]
    day = to_china(event.at).date()
    window = _window_key(case)
    case_rows = [(case.centre, CENTRE, "", day)]
    if window:
        case_rows.append((case.centre, WINDOW, window, day))

    def count(name: str, amount: float = 1) -> None:
        for row in case_rows:
            acc.add(row, name, amount)

    def minutes(stage: str, value: float) -> None:
        for row in case_rows:
            acc.minutes(row, stage, value)

    action = event.action
    if action == "open":
        count("opened")
    elif action == "accept":
        count("accepted")
        if one_window(window):
            count("accepted_one_window")
        spent = _time_in_states(calendar, list(case.timeline[: index + 1]))
        minutes(COACHING, spent[c.COACHING])
        minutes(REVIEW, spent[c.REVIEW])
    elif action == "return":
        count("returned")
        record = next((r for r in case.returns if r.at == event.at), None)
        for material in record.materials if record else []:
            count(f"reason:{material.problem}|{safe_key(material.name)}")
    elif action == "resubmit":
        count("resubmitted")
    elif action == "deliver":
        count("delivered")
        ready = next((e for e in reversed(case.timeline[:index]) if e.to_state == c.READY
                      and e.from_state != c.READY), None)
        if ready is not None:
            minutes(PICKUP, _minutes(calendar, ready.at, event.at))
    elif action == "close":
        count("closed")
    elif action == "withdraw":
        count("withdrawn")
    elif action in ("complete_subtask", "reject_subtask", "return_subtask"):
        _subtask_figures(case, event, day, calendar, acc, count)
    elif action == "receive_tolerated":
        row = next((m for m in case.materials if m.name == event.note), None)
        count("tolerated_received")
        if row is not None and row.promised_on and day > row.promised_on:
            count("tolerated_late")
    if event.to_state == c.REJECTED and event.from_state != c.REJECTED:
        count("rejected")
    if event.to_state == c.READY and event.from_state != c.READY:
        count("finished")
        # The deadline in force at this moment, kept on the event (an item added after the
        # case was ready moves the case's deadline, not this readiness's); older events lack it.
        due = event.due_at or case.due_at
        if due and event.at <= due:
            count("finished_on_time")
        # The back office ran since the case last entered processing: acceptance, or the items
        # added that took it back from ready.
        start = next((e.at for e in reversed(case.timeline[:index])
                      if e.to_state == c.ACCEPTED and e.from_state != c.ACCEPTED),
                     case.accepted_at)
        if start:
            paused = _paused(calendar, case.clock_pauses, start, event.at)
            minutes(BACK_OFFICE, max(_minutes(calendar, start, event.at) - paused, 0.0))
            count("case_paused_minutes", round(paused, 2))


def _subtask_figures(case, event, day, calendar, acc, count) -> None:
    task = case.subtask(event.subtask) if event.subtask else None
    if task is None:
        return
    row = (case.centre, AGENCY, task.agency, day)
    if event.action != "complete_subtask":
        acc.add(row, "subtasks_rejected")
        return
    finished = task.finished_at or event.at
    start = task.clock_start
    paused = _paused(calendar, task.pauses, start, finished) if start else 0.0
    acc.add(row, "subtasks_done")
    count("subtasks_done")
    if task.deadline and finished > task.deadline:
        acc.add(row, "subtasks_overdue")
        acc.add(row, f"overdue:{safe_key(task.item)}")
        count("subtasks_overdue")
    else:
        acc.add(row, "subtasks_on_time")
        count("subtasks_on_time")
    acc.add(row, "paused_minutes", round(paused, 2))
    acc.minutes(row, AGENCY_WORK, max(_minutes(calendar, start, finished) - paused, 0.0))


# --- writing ----------------------------------------------------------------------------------

def _row_fields(row: tuple) -> dict:
    centre, dim, key, day = row
    monday = day - dt.timedelta(days=day.weekday())
    return {**row_id(centre, dim, key, day), "week": _midnight(monday),
            "month": dt.datetime(day.year, day.month, 1)}


def write_increments(acc: Accumulator) -> None:
    """One upsert per row: ``$inc`` the counters, ``$push`` the minutes."""
    collection = DailyFigure._get_collection()
    for row in acc.rows():
        fields = _row_fields(row)
        update: dict[str, Any] = {"$setOnInsert": {"week": fields["week"],
                                                   "month": fields["month"]}}
        counters = {f"n.{name}": value for name, value in acc.inc.get(row, {}).items() if value}
        if counters:
            update["$inc"] = counters
        pushes = {f"d.{stage}": {"$each": values}
                  for stage, values in acc.push.get(row, {}).items() if values}
        if pushes:
            update["$push"] = pushes
        collection.update_one(row_id(*row), update, upsert=True)


def _documents(acc: Accumulator) -> list[dict]:
    docs = []
    for row in acc.rows():
        counters = {name: value for name, value in acc.inc.get(row, {}).items() if value}
        durations = {stage: list(values) for stage, values in acc.push.get(row, {}).items()}
        docs.append({**_row_fields(row), "n": counters, "d": durations})
    return docs


# --- the receiver -----------------------------------------------------------------------------

_calendars: dict[str, tuple[float, WorkCalendar]] = {}
# Window id → (when read, whether comprehensive): read again after CALENDAR_TTL, so a window
# whose kind an administrator changes is counted by its new kind within a minute.
_window_kinds: dict[str, tuple[float, bool]] = {}


def _calendar(centre: str) -> WorkCalendar:
    from models.deadlines import calendar_for

    cached = _calendars.get(centre)
    if cached and time.monotonic() - cached[0] < CALENDAR_TTL:
        return cached[1]
    calendar = calendar_for(centre)
    _calendars[centre] = (time.monotonic(), calendar)
    return calendar


def is_one_window(window_id: str | None) -> bool:
    """Whether the window is a comprehensive window (综合受理窗口): what 一窗受理 counts."""
    from models.choices import COMPREHENSIVE_CODES
    from models.window import Window

    if not window_id:
        return False
    cached = _window_kinds.get(window_id)
    if cached and time.monotonic() - cached[0] < CALENDAR_TTL:
        return cached[1]
    window = Window.objects(id=ObjectId(window_id)).only("kind").first()
    known = bool(window and window.kind in COMPREHENSIVE_CODES)
    _window_kinds[window_id] = (time.monotonic(), known)
    return known


_batch: contextvars.ContextVar[Accumulator | None] = contextvars.ContextVar(
    "daily_figures_batch", default=None)


@contextlib.contextmanager
def batched() -> Iterator[Accumulator]:
    """Gather the figures of every case change inside the block in memory and write them once,
    one upsert per row, when it ends: for bulk loads such as the demo's year of history, where
    one write per change would cost more than the changes themselves."""
    acc = Accumulator()
    token = _batch.set(acc)
    try:
        yield acc
    finally:
        _batch.reset(token)
        write_increments(acc)


@case_changed.connect
def on_case_changed(case: c.Case, event: c.TimelineEvent | None = None, **_: Any) -> None:
    """Count the events this commit appended to ``case``'s timeline."""
    try:
        position = next((i for i in range(len(case.timeline) - 1, -1, -1)
                         if case.timeline[i] is event), None)
        if position is None:
            return
        batch = _batch.get()
        acc = batch if batch is not None else Accumulator()
        calendar = _calendar(case.centre)
        for index in range(position, len(case.timeline)):
            event_figures(case, index, calendar, is_one_window, acc)
        if batch is None:
            write_increments(acc)
    except Exception:  # statistics must never undo or block a committed case change
        log.exception("daily figures not updated for case %s (run `onewindow stats rebuild`)",
                      getattr(case, "number", "?"))


# --- rebuilding -------------------------------------------------------------------------------

# What event_figures reads of a case: decoding only these makes a rebuild several times faster.
READ_FIELDS = (
    "number", "centre", "window", "timeline", "returns", "accepted_at", "due_at", "clock_pauses",
    "materials.name", "materials.promised_on", "subtasks.key", "subtasks.agency",
    "subtasks.item", "subtasks.created_at", "subtasks.ready_at", "subtasks.finished_at",
    "subtasks.deadline", "subtasks.pauses",
)

def rebuild_figures(centres: Iterable[str] | None = None,
                    progress: Callable[[str, int], None] | None = None) -> int:
    """Recount the daily figures of ``centres`` (every centre when None) from their cases'
    timelines; returns the number of cases read. ``progress(centre, cases_so_far)`` is called
    every 500 cases and at the end of each centre."""
    from models.case import Case
    from models.centre import ServiceCentre
    from models.deadlines import calendar_for

    codes = list(centres) if centres is not None else [
        centre.code for centre in ServiceCentre.objects.only("code").order_by("code")]
    collection = DailyFigure._get_collection()
    total = 0
    _window_kinds.clear()
    for code in codes:
        calendar = calendar_for(code)
        acc = Accumulator()
        read = 0
        for case in Case.objects(centre=code).order_by("number").only(*READ_FIELDS).no_cache():
            for index in range(len(case.timeline)):
                event_figures(case, index, calendar, is_one_window, acc)
            read += 1
            if progress and read % 500 == 0:
                progress(code, read)
        refresh_task_due(code)
        collection.delete_many({"centre": code})
        documents = _documents(acc)
        if documents:
            collection.insert_many(documents)
        _calendars.pop(code, None)
        total += read
        if progress:
            progress(code, read)
    return total


def refresh_task_due(centre: str) -> int:
    """Set ``task_due`` (the earliest running sub-task deadline, kept by the lifecycle on every
    write) on the centre's accepted cases where it is missing or wrong: cases written before the
    field existed. Only that derived index field is written, never the case's state or version.
    Returns the number of cases corrected."""
    from models.case import Case

    collection = Case._get_collection()
    fixed = 0
    for row in Case.objects(centre=centre, state=c.ACCEPTED).only(
            "task_due", "subtasks.status", "subtasks.deadline").as_pymongo():
        running = [task["deadline"] for task in row.get("subtasks") or ()
                   if task.get("status") in c.RUNNING_SUBTASK_STATES and task.get("deadline")]
        due = min(running) if running else None
        if row.get("task_due") != due:
            collection.update_one({"_id": row["_id"]}, {"$set": {"task_due": due}})
            fixed += 1
    return fixed
