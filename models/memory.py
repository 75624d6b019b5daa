"""An in-memory run of the lifecycle: the same lifecycle functions build many cases, complaints
and ratings without a database write per action, and :meth:`MemoryRun.flush` writes them at once.

Why: driving a year of history (10,000 cases, about 20 actions each) through one guarded update
per action costs a write, a deep copy and a whole-document validation per action — hours on the
embedded store. Inside :func:`run` the lifecycle keeps every rule (the transition table, the
guards, the deadline arithmetic on the working calendar, the refusals) but, because no other
reader can see a case that exists only in this run, it changes the case in place, validates each
document once when it is flushed, reads the centre's calendar, limits and items once per run, takes
numbers from counters it keeps itself (continuing the database's) and does not send
``case_changed`` (nothing is committed yet): it calls the receivers it was given instead. A
refused action aborts the run; :meth:`MemoryRun.flush` writes nothing when any document is invalid.
``tests/test_demo_history.py`` proves a case built so equals one driven action by action through the
database with the same seed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
import contextlib
from contextvars import ContextVar
import datetime as dt
import random
import struct
from typing import Any

from bson import ObjectId
from mongoengine import Document

from models.case_numbers import CaseCounter

_current: ContextVar[MemoryRun | None] = ContextVar("onewindow_memory_run", default=None)


class MemoryRun:
    """The documents, counters and look-ups of one in-memory run."""

    def __init__(self, seed: int | str | None = None,
                 receivers: tuple[Callable[..., Any], ...] = ()) -> None:
        # Sub-task keys and document ids each from their own stream of the seed, so a key does
        # not depend on how many ids were drawn before it.
        self.keys = random.Random(seed)
        self.ids = random.Random(f"ids-{seed}")
        self.receivers = receivers
        self.documents: dict[type[Document], list[Document]] = defaultdict(list)
        self.keyed: dict[Hashable, Document] = {}
        self.counters: dict[str, int] = {}
        self._cache: dict[Hashable, Any] = {}
        self._ids: set[ObjectId] = set()

    # --- what the lifecycle asks of it -------------------------------------------------------

    def number(self, prefix: str) -> str:
        """The next number after ``prefix``, continuing the database's counter of that prefix."""
        if prefix not in self.counters:
            stored = CaseCounter.objects(key=prefix).only("seq").first()
            self.counters[prefix] = stored.seq if stored else 0
        self.counters[prefix] += 1
        return f"{prefix}-{self.counters[prefix]:04d}"

    def key(self) -> str:
        """A sub-task key: 12 hex digits like the lifecycle's, drawn from the run's seed."""
        return f"{self.keys.getrandbits(48):012x}"

    def add(self, document: Document, key: Hashable | None = None,
            at: dt.datetime | None = None) -> Document:
        """Keep a new document; its id sorts by ``at`` (its creation time) like a server's."""
        if document.pk is None:
            seconds = int((at or dt.datetime(2000, 1, 1)).replace(tzinfo=dt.UTC).timestamp())
            document.pk = ObjectId(struct.pack(">I", seconds) + self.ids.randbytes(8))
        self._ids.add(document.pk)
        self.documents[type(document)].append(document)
        if key is not None:
            self.keyed[key] = document
        return document

    def holds(self, document: Document | None) -> bool:
        """Whether ``document`` was created in this run (so only this run knows about it)."""
        return document is not None and document.pk in self._ids

    def require(self, document: Document) -> None:
        """Refuse to change, in memory, a document this run did not create: the change would
        never reach the database."""
        if not self.holds(document):
            raise RuntimeError(f"{type(document).__name__} {document.pk} is not part of this "
                               "memory run")

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A look-up of configuration, made once per run (it does not change meanwhile)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def changed(self, sender: Any, **kwargs: Any) -> None:
        """What ``case_changed.send`` would do, for the receivers this run was given."""
        for receiver in self.receivers:
            receiver(sender, **kwargs)

    # --- writing ----------------------------------------------------------------------------

    def flush(self, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """Validate every kept document, then insert them collection by collection and move the
        counters on; nothing is written when a document is invalid."""
        encoded: dict[type[Document], list[dict]] = {}
        for document_type, documents in self.documents.items():
            rows = []
            for document in documents:
                document.validate()
                rows.append(document.to_mongo().to_dict())
            encoded[document_type] = rows
        written = {}
        for document_type, rows in encoded.items():
            for start in range(0, len(rows), 1000):
                chunk = rows[start:start + 1000]
                document_type._get_collection().insert_many(chunk, ordered=True)
                if progress:
                    progress(len(chunk))
            written[document_type._meta["collection"]] = len(rows)
        for prefix, seq in self.counters.items():
            CaseCounter.objects(key=prefix).update_one(upsert=True, max__seq=seq)
        # What is written is final: the run keeps only the ids of what it made.
        self.documents.clear()
        self.keyed.clear()
        return written


def current() -> MemoryRun | None:
    """The run in progress in this context, if any."""
    return _current.get()


@contextlib.contextmanager
def run(seed: int | str | None = None,
        receivers: tuple[Callable[..., Any], ...] = ()) -> Iterator[MemoryRun]:
    """Run the lifecycle in memory inside the block (see the module's docstring)."""
    memory_run = MemoryRun(seed, receivers)
    token = _current.set(memory_run)
    try:
        yield memory_run
    finally:
        _current.reset(token)


def working_copy(value: Any) -> Any:
    """A private copy to change before a guarded write; in a run the value itself (nobody else
    reads it, and a refused action aborts the run)."""
    import copy

    return value if _current.get() is not None else copy.deepcopy(value)


def save(document: Document, *, validate: bool = True, key: Hashable | None = None,
         at: dt.datetime | None = None) -> Document:
    """Save a new document, or keep it in the run."""
    memory_run = _current.get()
    if memory_run is not None:
        return memory_run.add(document, key=key, at=at)
    return document.save(validate=validate)


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, made once per run inside a run, every time outside."""
    memory_run = _current.get()
    return memory_run.cached(key, compute) if memory_run is not None else compute()
