"""The memory run: numbers continue the database's counters, a run changes only what it made,
an invalid document stops the flush before anything is written, and outside a run nothing
changes (the lifecycle writes and announces every action)."""

from __future__ import annotations

import datetime as dt

from conftest import demo_app
import pytest
from tests_support import open_case_for

from console import storage
from models import lifecycle as life
from models import memory
from models.case import Case
from models.case_numbers import CaseCounter, next_case_number
from models.signals import case_changed

NOW = dt.datetime(2026, 3, 16, 2, 0)  # a Monday, 10:00 in Luoyang


@pytest.fixture
def app():
    app = demo_app()
    with app.app_context():
        yield app
    storage.disconnect()


def _open(now=NOW) -> Case:
    from models import ServiceItem, Window

    window = Window.objects.get(centre="LY", code="W01")
    item = ServiceItem.objects.get(code="LY-EO-REG")
    actor = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
    return life.open_case(actor, window=window, items=[item], mode="single_item", now=now,
                          applicant={"company_name": "洛阳测试有限公司", "legal_rep_name": "王强",
                                     "legal_rep_id": "11010519491231002X",
                                     "phone": "13803791234",
                                     "address": "洛阳市洛龙区开元大道218号"})


def test_numbers_continue_the_database_counter_and_move_it_on(app):
    assert next_case_number("LY", NOW) == "LY-20260316-0001"
    with memory.run(seed=1) as run:
        case = _open()
        assert case.number == "LY-20260316-0002"
        assert Case.objects.count() == 0  # nothing written yet
        run.flush()
    assert Case.objects.get(number="LY-20260316-0002").version == 0
    assert CaseCounter.objects.get(key="LY-20260316").seq == 2
    assert next_case_number("LY", NOW) == "LY-20260316-0003"


def test_a_run_changes_only_what_it_made(app):
    outside = open_case_for("LY")
    actor = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
    with memory.run(seed=1), pytest.raises(RuntimeError, match="not part of this memory run"):
        life.start_review(outside, actor, now=NOW)
    assert Case.objects.get(pk=outside.pk).state == "coaching"


def test_an_invalid_document_stops_the_flush_before_any_write(app):
    with memory.run(seed=1) as run:
        _open()
        broken = _open()
        broken.phone = "12345"
        with pytest.raises(Exception, match="phone"):
            run.flush()
    assert Case.objects.count() == 0
    assert not CaseCounter.objects(key="LY-20260316")


def test_a_run_sends_no_signal_but_calls_its_receivers(app):
    heard, called = [], []

    def listener(sender, **kwargs):
        heard.append(kwargs["action"])

    actor = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
    later = NOW + dt.timedelta(minutes=5)
    with case_changed.connected_to(listener):
        with memory.run(seed=1, receivers=(lambda sender, **kw: called.append(kw["action"]),)):
            life.start_review(_open(), actor, now=later)
        assert heard == [] and called == ["open", "start_review"]
        life.start_review(_open(), actor, now=later)
        assert heard == ["open", "start_review"]


def test_keys_and_ids_are_drawn_from_the_seed(app):
    def draw():
        with memory.run(seed=5) as run:
            case = _open()
            return run.key(), str(case.pk)
    assert draw() == draw()
    assert draw()[1][:8] == f"{int(NOW.replace(tzinfo=dt.UTC).timestamp()):08x}"
