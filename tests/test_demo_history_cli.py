"""The demo history's command and its guarantees across runs: the same seed gives the same
history, a memory run writes exactly what the lifecycle writes action by action, bad arguments
and a second load are refused without writing, and no full ID number reaches the output or log."""

from __future__ import annotations

import datetime as dt
import logging
import random

from conftest import demo_app, make_app
import pytest

from console import demo_history, storage
from console.demo_simulation import Simulation
from models import case as c
from models import lifecycle as life
from models.case import Case
from models.complaint import Complaint
from models.rating import Rating, Rectification

END = dt.datetime(2026, 11, 20, 7, 30)  # a Friday, 15:30 in Luoyang
SEED = 7


def _load(app, cases, seed=SEED):
    with app.app_context():
        return demo_history.load_history(cases=cases, seed=seed, end=END)


def test_same_seed_same_history():
    def fingerprint():
        app = demo_app()
        _load(app, cases=40)
        with app.app_context():
            rows = [(case.number, case.company_name, case.legal_rep_id, case.state,
                     [(e.at, e.action, e.subtask) for e in case.timeline],
                     [t.key for t in case.subtasks], str(case.pk))
                    for case in Case.objects.order_by("created_at")]
        storage.disconnect()
        return rows

    assert fingerprint() == fingerprint()


def _documents(document, drop=("_id",)):
    return [{k: v for k, v in doc.to_mongo().to_dict().items() if k not in drop}
            for doc in document.objects.order_by("_id")]


def test_memory_run_writes_what_the_lifecycle_writes_action_by_action(monkeypatch):
    """The differential test: the same seed acted out in a memory run and flushed in bulk, then
    action by action through the database (each action one guarded update, signals sent)."""
    app = demo_app()
    cases = 30
    with app.app_context():
        demo_history.load_history(cases=cases, seed=SEED, end=END)
        bulk = {name: _documents(doc, drop) for name, doc, drop in _COMPARED}
        assert len(bulk["cases"]) == cases
        demo_history.remove_history()
        keys = random.Random(SEED)
        monkeypatch.setattr(life, "_new_key", lambda: f"{keys.getrandbits(48):012x}")
        rng = random.Random(SEED)
        simulation = Simulation(rng, END)
        start, end = demo_history.span(demo_history.DEFAULT_MONTHS, END)
        for moment, centre in demo_history.opening_moments(rng, cases, start, end):
            simulation.case(centre, moment)
        driven = {name: _documents(doc, drop) for name, doc, drop in _COMPARED}
    for name, _doc, _drop in _COMPARED:
        assert len(bulk[name]) == len(driven[name]), name
        for one, other in zip(sorted(bulk[name], key=repr), sorted(driven[name], key=repr),
                              strict=True):
            assert one == other, (name, _difference(one, other))
    storage.disconnect()


def _difference(one: dict, other: dict) -> dict:
    """The fields where two stored documents differ (for the failure message)."""
    return {key: (one.get(key), other.get(key)) for key in set(one) | set(other)
            if one.get(key) != other.get(key)}


_COMPARED = (
    ("cases", Case, ("_id",)),
    ("ratings", Rating, ("_id", "case")),
    ("rectifications", Rectification, ("_id", "case", "rating")),
    ("complaints", Complaint, ("_id", "case")),
)


# --- the command ------------------------------------------------------------------------------

@pytest.fixture
def demo():
    app = demo_app()
    yield app
    storage.disconnect()


@pytest.mark.parametrize("arguments", [
    ["--history", "--cases", "0"],
    ["--history", "--cases", "many"],
    ["--history", "--cases", "100001"],
    ["--history", "--months", "0"],
    ["--history", "--months", "37"],
    ["--history", "--seed", "x"],
    ["--cases", "10"],
    ["--replace"],
])
def test_bad_arguments_are_refused_and_write_nothing(demo, arguments):
    result = demo.test_cli_runner().invoke(args=["load-demo", *arguments])
    assert result.exit_code == 2
    assert "Error" in result.output and "Traceback" not in result.output
    with demo.app_context():
        assert Case.objects.count() == 0 and Rating.objects.count() == 0


def test_history_is_added_once_then_replaced_on_request(demo, caplog):
    runner = demo.test_cli_runner()
    caplog.set_level(logging.DEBUG)
    first = runner.invoke(args=["load-demo", "--history", "--cases", "30", "--seed", "3"])
    assert first.exit_code == 0, first.output
    assert "history: 30 cases" in first.stdout
    assert "history" in first.stderr  # the progress bar goes to stderr
    with demo.app_context():
        numbers = sorted(case.number for case in Case.objects)
        ids = [case.legal_rep_id for case in Case.objects]
    # No full ID number in the output or the log.
    logged = caplog.text + first.output
    assert not any(number in logged for number in ids)

    again = runner.invoke(args=["load-demo", "--history", "--cases", "50"])
    assert again.exit_code == 0
    assert "already hold 30 cases" in again.stdout
    with demo.app_context():
        assert sorted(case.number for case in Case.objects) == numbers

    replaced = runner.invoke(args=["load-demo", "--history", "--cases", "20", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    with demo.app_context():
        assert Case.objects.count() == 20
        assert Rating.objects.count() == Case.objects(state=c.CLOSED).count()


def test_refusal_is_in_chinese_by_default():
    app = make_app(BABEL_DEFAULT_LOCALE="zh_CN")
    runner = app.test_cli_runner()
    for step in (["init"], ["load-demo", "--history", "--cases", "5"]):
        assert runner.invoke(args=step).exit_code == 0
    result = runner.invoke(args=["load-demo", "--history", "--cases", "0"])
    assert "案件" in result.output or "办件" in result.output, result.output
    again = runner.invoke(args=["load-demo", "--history"])
    assert "--replace" in again.output and "已" in again.output
    storage.disconnect()
