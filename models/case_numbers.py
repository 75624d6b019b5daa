"""Readable case numbers, ``LY-20261123-0007``: centre code, China-time date, daily sequence.

The sequence is one atomic increment of a counter document per centre and day, so two clerks
accepting at the same moment never get the same number, and numbers are only taken for cases
that passed validation, so the day's sequence has no gaps.
"""

from __future__ import annotations

import datetime as dt

from mongoengine import Document, IntField, StringField

from models.workdays import to_china


class CaseCounter(Document):
    """The last sequence number handed out for one centre on one day."""

    key = StringField(primary_key=True)  # "LY-20261123"
    seq = IntField(default=0)
    meta = {"collection": "case_counters"}


def next_case_number(centre: str, now: dt.datetime) -> str:
    """Take the next number of ``centre`` for the China-time day of ``now`` (naive UTC)."""
    return next_number(centre, now)


def next_number(centre: str, now: dt.datetime, series: str = "") -> str:
    """The next number of a ``series`` of ``centre`` ("" for cases, "TS" for complaints…):
    ``LY-TS-20261123-0001``; each series counts on its own."""
    prefix = f"{centre}-{series + '-' if series else ''}{to_china(now):%Y%m%d}"
    from models import memory

    memory_run = memory.current()
    if memory_run is not None:
        return memory_run.number(prefix)
    counter = CaseCounter.objects(key=prefix).modify(upsert=True, new=True, inc__seq=1)
    return f"{prefix}-{counter.seq:04d}"
