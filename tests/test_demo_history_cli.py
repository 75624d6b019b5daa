"""The demo history's command and its guarantees across runs: the same seed gives the same
history, a memory run writes exactly what the lifecycle writes action by action, bad arguments
and a second load are refused without writing, and no full ID number reaches the output or log."""

from __future__ import annotations

from collections import Counter
import datetime as dt
import logging
import random
import re

from bson import ObjectId
from conftest import demo_app, make_app
import pytest

from console import demo_history, storage
from models import case as c
from models import lifecycle as life
from models.case import Case
from models.case_numbers import CaseCounter
from models.complaint import Complaint
from models.daily_figures import DailyFigure
from models.rating import Rating, Rectification
from models.staff import StaffMember
from models.window import Window

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
        start, end = demo_history.span(demo_history.DEFAULT_MONTHS, END)
        for centre, moments in demo_history.plan(cases, SEED, start, end).items():
            # Each centre draws its sub-task keys from its own stream, as its memory run does.
            keys = random.Random(demo_history.run_seed(SEED, centre))
            monkeypatch.setattr(life, "_new_key", lambda keys=keys: f"{keys.getrandbits(48):012x}")
            simulation = demo_history.simulation_for(SEED, centre, END)
            for moment in moments:
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


def test_worker_processes_write_the_same_history_as_one_process(tmp_path):
    """One process per centre on a shared store: the same documents, ids and statistics as the
    centres played one after the other in this process, again with the same seed, and a
    progress that counts every case once."""
    def load(workers, folder):
        app = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{tmp_path / folder}")
        counted = Counter()
        with app.app_context():
            report = demo_history.load_history(
                cases=60, seed=SEED, end=END, workers=workers,
                progress=lambda kind, count: counted.update({kind: count}))
            stored = {name: _documents(doc, ()) for name, doc, _drop in _COMPARED}
            stored["figures"] = _documents(DailyFigure)
            stored["counters"] = _documents(CaseCounter, ())
            # Each store has its own ids for the demo's windows and staff: name them instead.
            names = {str(w.pk): f"{w.centre}-{w.code}" for w in Window.objects}
            names.update({str(m.pk): m.name for m in StaffMember.objects})
            stored = _renamed(stored, names)
            stored["figures"].sort(key=lambda row: (row["centre"], row["dim"], row["key"],
                                                    row["day"]))
        storage.disconnect()
        return report, counted, stored

    one, two, again = load(1, "one"), load(2, "two"), load(2, "again")
    assert (one[0].workers, two[0].workers) == (1, 2)
    assert len(one[2]["cases"]) == 60 and one[2]["figures"] and one[2]["counters"]
    assert two[2] == one[2] and again[2] == one[2]
    assert two[0].states == one[0].states and two[0].written == one[0].written
    for _report, counted, _stored in (one, two, again):
        assert counted["cases"] == 60
        assert counted["write"] == sum(one[0].written.values())


def _renamed(value, names: dict[str, str]):
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if isinstance(value, (ObjectId, str)):
        return names.get(str(value), value)
    return value


def test_a_failing_worker_leaves_no_history(tmp_path, monkeypatch):
    """A worker that cannot play its centre (here: its store is gone) stops the load with a
    clear message, and nothing of the history stays behind."""
    from console import demo_workers

    app = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{tmp_path / 'store'}")
    config = demo_workers.worker_config
    with app.app_context():
        monkeypatch.setattr(demo_workers, "worker_config", lambda: {
            **config(), "ONEWINDOW_MONGODB_URI": "mongodb://127.0.0.1:9/none",
            "ONEWINDOW_MONGODB_TIMEOUT_MS": 200})
        with pytest.raises(demo_history.HistoryError, match="could not be played"):
            demo_history.load_history(cases=40, seed=SEED, end=END, workers=2)
        assert Case.objects.count() == 0 and DailyFigure.objects.count() == 0
    storage.disconnect()


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


def test_the_history_summary_names_the_states_in_the_interface_language():
    app = make_app(BABEL_DEFAULT_LOCALE="zh_CN")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["load-demo", "--history", "--cases", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    summary = next(line for line in result.stdout.splitlines() if "30 件办件" in line)
    assert "已办结" in summary, summary
    codes = "|".join(code for code, _name in c.CASE_STATES)
    assert not re.search(rf"\b({codes})\b", summary), summary
    storage.disconnect()
