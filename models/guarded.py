"""The one write path of the version-guarded records (cases, complaints, rectification tasks):
changes validated on a copy, then written with their timeline events as one update that matches
only the version the caller read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import datetime as dt
from typing import Any

from mongoengine import Document, EmbeddedDocument, ValidationError

from models import memory
from models.transitions import TransitionError


def validation_message(error: ValidationError) -> str:
    """A MongoEngine validation error as one line for the user."""
    if error.errors:
        return "; ".join(f"{name}: {err}" for name, err in sorted(error.to_dict().items()))
    return str(error.message)


def guarded_commit(
    record: Document,
    username: str,
    changes: Mapping[str, Any],
    events: Iterable[EmbeddedDocument],
    *,
    now: dt.datetime,
    stale: Callable[[Document], Exception],
    derive: Callable[[Document], None] | None = None,
    derived: Iterable[str] = (),
) -> None:
    """Write ``changes`` and append ``events`` to ``record.timeline`` in one update guarded by
    ``record.version``, then mirror them on ``record`` (version, ``changed_by``/``changed_at``).

    ``derive`` recomputes the fields kept beside the data for the indexes (written as well, by
    the names in ``derived``) on the copy before it is validated. An invalid result raises
    :class:`TransitionError` and writes nothing; when the version no longer matches, nothing is
    written and ``stale(record)`` is raised. In a memory run (:mod:`models.memory`) the record is
    changed in place and validated once, when the run is flushed."""
    memory_run = memory.current()
    if memory_run is not None:
        memory_run.require(record)
    trial = memory.working_copy(record)
    for name, value in changes.items():
        setattr(trial, name, value)
    if derive is not None:
        derive(trial)
    if memory_run is None:  # a run validates each document once, when it is flushed
        try:
            trial.validate()
        except ValidationError as error:
            raise TransitionError(validation_message(error)) from error
    events = list(events)
    written = {name: getattr(trial, name) for name in (*changes, *derived)}
    if memory_run is None:
        updates = {f"set__{name}": value for name, value in written.items()}
        matched = type(record).objects(id=record.id, version=record.version).update_one(
            push_all__timeline=events, inc__version=1, set__changed_by=username,
            set__changed_at=now, **updates,
        )
        if not matched:
            raise stale(record)
    if trial is not record:
        for name, value in written.items():
            setattr(record, name, value)
    record.timeline.extend(events)
    record.version += 1
    record.changed_by, record.changed_at = username, now
