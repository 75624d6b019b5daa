"""The benchmark's generated cases (``bench/screens.py``) are cases the console could have
written: valid documents whose sub-tasks, states and timelines agree as the lifecycle keeps them,
acted on by the demo's staff, so a timed page shows what it shows for a real case."""

from __future__ import annotations

import datetime as dt
import itertools
import pathlib
import re
import sys

from conftest import module_demo_app

from console.demo_data import DEMO_LOGINS
from models import case as c
from models.case import Case

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import screens  # noqa: E402  (bench/ is not a package)

app = module_demo_app()
ACTIONS = dict(c.TIMELINE_ACTIONS)
LOGINS = {username for username, *_ in DEMO_LOGINS}


def _generated(app, n: int = 300) -> list[dict]:
    with app.app_context():
        return list(screens.case_documents(n, *screens.catalogue()))


def test_every_generated_case_is_a_valid_case(app):
    with app.app_context():
        for document in _generated(app):
            Case._from_son(document).validate()


def test_sub_tasks_and_timelines_agree_with_the_case_state(app):
    documents = _generated(app)
    assert {doc["state"] for doc in documents} == {c.COACHING, c.REVIEW, c.ACCEPTED, c.READY,
                                                   c.CLOSED}
    for doc in documents:
        tasks, events = doc["subtasks"], doc["timeline"]
        done = [task for task in tasks if task["status"] == "done"]
        if doc["state"] in (c.COACHING, c.REVIEW):
            assert not tasks  # made at acceptance
        elif doc["state"] == c.ACCEPTED:
            assert 6 <= len(tasks) <= 8 and len(done) < len(tasks)
        else:
            assert 6 <= len(tasks) <= 8 and len(done) == len(tasks)
        # Each event hands the case on in the state it found it; the last leaves it as stored.
        assert events[0]["action"] == "open" and "from_state" not in events[0]
        for before, after in itertools.pairwise(events):
            assert after["from_state"] == before["to_state"]
            assert after["at"] > before["at"]
        assert events[-1]["to_state"] == doc["state"]
        assert all(event["action"] in ACTIONS for event in events)
        keys = {task["key"] for task in tasks}
        finished = {event["subtask"] for event in events if event["action"] == "complete_subtask"}
        assert finished == {task["key"] for task in done} and finished <= keys


def test_the_people_acting_are_the_demo_staff_or_an_agencys_back_office(app):
    for doc in _generated(app):
        assert doc["clerk"] in LOGINS
        for event in doc["timeline"]:
            if event["action"] in ("start_subtask", "complete_subtask"):
                agency = next(task["agency"] for task in doc["subtasks"]
                              if task["key"] == event["subtask"])
                assert event["actor"] in LOGINS or event["actor"] == agency.lower().replace(
                    "-", "_")
            else:
                assert event["actor"] == doc["clerk"]


def test_cases_are_numbered_as_the_lifecycle_numbers_them(app):
    documents = _generated(app, 600)
    numbers = [doc["number"] for doc in documents]
    assert len(set(numbers)) == len(numbers)
    for doc in documents:
        # centre, the China-time day the case was opened, that day's sequence (the lifecycle's
        # models.case_numbers): a number search reads what it reads for a real case
        day = (doc["created_at"] + dt.timedelta(hours=8)).strftime("%Y%m%d")
        assert re.fullmatch(rf"{doc['centre']}-{day}-\d{{4}}", doc["number"]), doc["number"]
    # each centre's day counts from 0001 with no gaps
    by_day: dict[str, list[int]] = {}
    for number in numbers:
        prefix, seq = number.rsplit("-", 1)
        by_day.setdefault(prefix, []).append(int(seq))
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_day.values())
