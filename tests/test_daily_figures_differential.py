"""The daily figures kept incrementally by the ``case_changed`` receiver equal a full rebuild from
the case timelines, for any sequence of lifecycle actions: seeded random runs (drawn by
hypothesis) of several cases across the 2026/2027 year end and its 元旦 holiday — opening,
review, returns with a one-time notification, acceptance with 容缺, items added before and after
the case is ready, 补正 pauses, sub-tasks done, rejected or sent back, dropped items, delivery,
closing with a rating, withdrawal, complaints — on mongomock and on the embedded store.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
import pytest
from test_daily_figures import store  # noqa: F401  (mongomock and the strict embedded store)
from test_models_factories import db, make_agency, make_centre, make_item, make_window  # noqa: F401

from models import case as c
from models import complaint_lifecycle as complaints
from models import lifecycle as life
from models.case import Case
from models.complaint import Complaint
from models.daily_figures import DailyFigure, rebuild_figures
from models.item import Material
from models.rating import Rating
from models.workdays import to_utc

CLERK = life.Actor("clerk1", frozenset({life.CLERK}), centre="LY")
APPROVERS = {code: life.Actor(f"{code.lower()}1", frozenset({life.APPROVER}), centre="LY",
                              agency=code) for code in ("AMR", "PSB", "TAX")}
APPLICANT = {"company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
             "legal_rep_id": "11010519491231002X", "phone": "13803791234",
             "address": "洛阳市洛龙区开元大道218号"}
RESULTS = {"EO-REG": {"licence_number": "L-0001", "credit_code": "91410300MA9F12345E"},
           "EO-SEAL": {"seals": ["公章", "法定代表人名章"]}, "EO-TAX": {}}
FORM, ARTICLES, PREMISES = "公司登记（备案）申请书", "公司章程", "住所使用证明"
# Monday 28 December 2026, 09:00 China time: the runs cross the year end and 1 January 2027.
START = to_utc(dt.datetime(2026, 12, 28, 9, 0))
STEPS = (5, 10, 20, 45, 90, 240, 60 * 20, 60 * 26, 60 * 24 * 3)


@pytest.fixture
def catalogue(store):  # noqa: F811  (the imported fixture)
    make_centre("LY")
    amr = make_agency("AMR")
    psb = make_agency("PSB", name="公安局", kind="public_security")
    tax = make_agency("TAX", name="税务局", kind="tax")
    reg = make_item("EO-REG", agency=amr, result_fields=["licence_number", "credit_code"],
                    materials=[Material(name=FORM), Material(name=ARTICLES),
                               Material(name=PREMISES, requirement="tolerated",
                                        follow_up_days=3, review_points=["补交产权证明"])])
    seal = make_item("EO-SEAL", agency=psb, name="公章刻制", promised_limit=20,
                     promised_unit="minutes", result_fields=["seals"], after_items=["EO-REG"],
                     materials=[Material(name=FORM)])
    invoices = make_item("EO-TAX", agency=tax, name="发票申领", promised_limit=1,
                         promised_unit="working_days", materials=[Material(name=FORM)])
    window = make_window("W01", items=[reg, seal, invoices])
    return {"window": window, "reg": reg, "seal": seal, "tax": invoices}


def _attempt(action, *args, **kwargs) -> None:
    """Try one action; a refusal (not legal now) is part of the game and writes nothing."""
    try:
        action(*args, **kwargs)
    except (life.TransitionError, complaints.TransitionError):
        pass


def _review(case: Case, rng: random.Random, now: dt.datetime) -> None:
    choice = rng.random()
    states = {FORM: (c.RECEIVED, None), ARTICLES: (c.RECEIVED, None),
              PREMISES: (c.RECEIVED, None)}
    if choice < 0.25:
        states[ARTICLES] = (c.DEFECTIVE, None, "缺少全体股东签字")
    elif choice < 0.5:
        row = next(row for row in case.materials if row.name == PREMISES)
        latest = life.latest_promise(case, row, life.local_day(now))
        states[PREMISES] = (c.TOLERATED, rng.choice([life.local_day(now), latest]))
    elif choice < 0.6:
        states[FORM] = (c.MISSING, None)
    states = {name: value for name, value in states.items()
              if any(row.name == name for row in case.materials)}
    _attempt(life.record_materials, case, CLERK, states, now=now)
    if life.missing_materials(case):
        _attempt(life.return_case, case, CLERK, now=now)
    else:
        _attempt(life.accept, case, CLERK, now=now)


def _work(case: Case, rng: random.Random, items: dict, now: dt.datetime) -> None:
    """One move on an accepted case: an agency acts, the window decides, or items are added."""
    roll = rng.random()
    if roll < 0.1:
        _attempt(life.add_items, case, CLERK, [items["tax"]], now=now)
        return
    if roll < 0.15:
        tolerated = [row.name for row in case.materials if row.state == c.TOLERATED]
        if tolerated:
            _attempt(life.receive_tolerated, case, CLERK, tolerated[0], now=now)
        return
    if roll < 0.17:
        _attempt(life.withdraw, case, CLERK, "申请人撤回", now=now)
        return
    task = rng.choice(list(case.subtasks))
    approver = APPROVERS[task.agency]
    if task.status in (c.TASK_REJECTED, c.TASK_RETURNED):
        if rng.random() < 0.7:
            _attempt(life.drop_item, case, CLERK, task.key, "放弃该事项", now=now)
        else:
            _attempt(life.close_rejected, case, CLERK, "不予办理", now=now)
    elif task.status == c.SUPPLEMENT:
        _attempt(life.record_supplement, case, approver, task.key, now=now)
    elif task.status in (c.PENDING, c.IN_PROGRESS):
        move = rng.random()
        if move < 0.2 and task.status == c.PENDING:
            _attempt(life.start_subtask, case, approver, task.key, now=now)
        elif move < 0.35:
            _attempt(life.request_supplement, case, approver, task.key, "请补充材料", now=now)
        elif move < 0.42:
            _attempt(life.reject_subtask, case, approver, task.key, "材料不符",
                     returned=rng.random() < 0.5, now=now)
        else:
            _attempt(life.complete_subtask, case, approver, task.key, RESULTS[task.item],
                     now=now)


def play(seed: int, items: dict, steps: int = 70) -> list[Case]:
    """A seeded random history of a few cases, moving on by minutes to days at a time."""
    rng = random.Random(seed)
    now, cases = START, []
    for _ in range(steps):
        now += dt.timedelta(minutes=rng.choice(STEPS))
        if not cases or rng.random() < 0.08:
            mode = rng.choice([c.PARTIAL_CHAIN, c.SINGLE_ITEM])
            chosen = [items["reg"]] if mode == c.SINGLE_ITEM else [items["reg"], items["seal"]]
            cases.append(life.open_case(CLERK, window=items["window"], items=chosen, mode=mode,
                                        applicant=APPLICANT, now=now))
            continue
        if rng.random() < 0.05:
            complaints.log_complaint(CLERK, centre="LY", channel="window", category="attitude",
                                     description="态度生硬", subject=items["window"],
                                     complainant_name="李四", now=now)
            continue
        case = rng.choice(cases)
        if case.state == c.COACHING:
            _attempt(life.start_review, case, CLERK, now=now)
        elif case.state == c.REVIEW:
            _review(case, rng, now)
        elif case.state == c.RETURNED:
            _attempt(life.resubmit, case, CLERK, now=now)
        elif case.state == c.ACCEPTED:
            _work(case, rng, items, now)
        elif case.state == c.READY:
            roll = rng.random()
            if roll < 0.3:
                _attempt(life.add_items, case, CLERK, [items["tax"]], now=now)
            elif roll < 0.4:
                tolerated = [row.name for row in case.materials if row.state == c.TOLERATED]
                if tolerated:
                    _attempt(life.receive_tolerated, case, CLERK, tolerated[0], now=now)
            else:
                _attempt(life.deliver, case, CLERK, recipient="王强", now=now)
        elif case.state == c.DELIVERED:
            _attempt(life.close, case, CLERK, method="call", note="满意",
                     rating=rng.randint(1, 5), now=now)
    return cases


def rows() -> list[dict]:
    found = []
    for row in DailyFigure._get_collection().find({"centre": "LY"}, {"_id": 0}):
        row["n"] = {name: value for name, value in row.get("n", {}).items() if value}
        row["d"] = {stage: sorted(values) for stage, values in row.get("d", {}).items()
                    if values}
        found.append(row)
    return sorted(found, key=lambda row: (row["dim"], row["key"], row["day"]))


def _clear() -> None:
    for document in (Case, DailyFigure, Complaint, Rating):
        document._get_collection().delete_many({})


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(seed=hs.integers(min_value=0, max_value=2**31))
def test_incremental_rows_equal_a_rebuild_after_any_history(catalogue, seed):
    _clear()
    play(seed, catalogue)
    incremental = rows()
    assert incremental, "the history counted nothing"
    rebuild_figures(["LY"])
    assert rows() == incremental


def test_an_item_added_after_the_case_was_ready_keeps_its_first_readiness_late(catalogue):
    """Ready late against the deadline then in force, then reopened by an added item whose new
    deadline lies after that first readiness: the first readiness stays late in both counts."""
    _clear()
    window, reg = catalogue["window"], catalogue["reg"]
    case = life.open_case(CLERK, window=window, items=[reg], mode=c.PARTIAL_CHAIN,
                          applicant=APPLICANT, now=START)
    life.start_review(case, CLERK, now=START)
    life.record_materials(case, CLERK, {name: (c.RECEIVED, None) for name in
                                        (FORM, ARTICLES, PREMISES)}, now=START)
    life.accept(case, CLERK, now=START)  # due Tuesday 29 December 09:00 (one working day)
    # Done Wednesday 30 December 10:00: a day late.
    life.complete_subtask(case, APPROVERS["AMR"], case.subtasks[0].key, RESULTS["EO-REG"],
                          now=to_utc(dt.datetime(2026, 12, 30, 10, 0)))
    assert case.state == c.READY
    # Invoices added Thursday 31 December 09:00: the case's deadline counts again from now.
    life.add_items(case, CLERK, [catalogue["tax"]], now=to_utc(dt.datetime(2026, 12, 31, 9)))
    assert case.due_at > to_utc(dt.datetime(2026, 12, 30, 10, 0))
    incremental = rows()
    day = next(row for row in incremental
               if row["dim"] == "centre" and row["day"] == dt.datetime(2026, 12, 30))
    assert day["n"]["finished"] == 1 and "finished_on_time" not in day["n"]
    rebuild_figures(["LY"])
    assert rows() == incremental


def test_a_window_whose_kind_changes_is_counted_by_its_new_kind(catalogue, monkeypatch):
    from models import daily_figures
    from models.window import Window

    window = str(catalogue["window"].pk)
    assert daily_figures.is_one_window(window)
    Window.objects(pk=catalogue["window"].pk).update(set__kind="professional")
    assert daily_figures.is_one_window(window)  # read again only after a minute
    monkeypatch.setattr(daily_figures, "CALENDAR_TTL", 0)
    assert not daily_figures.is_one_window(window)
