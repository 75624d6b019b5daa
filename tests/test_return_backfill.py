"""`onewindow init` restores the return records of cases returned before records were kept
(only the timeline event was), so the effectiveness review counts them; a second run writes
nothing."""

from __future__ import annotations

import datetime as dt

from conftest import make_app
from test_complaint_factories import build_world, china

from console import storage
from models import case as c
from models import review as rv
from models.case import Case, ReturnRecord, TimelineEvent
from models.return_backfill import backfill_returns


def old_case(world, number: str, returns, kept=()) -> Case:
    """A case whose timeline shows ``returns``; only the ``kept`` ones have a record."""
    timeline = [TimelineEvent(at=china(*at), actor="ly_clerk", action="return",
                              note="缺少章程" if i == 0 else None)
                for i, at in enumerate(returns)]
    timeline.append(TimelineEvent(at=china(2026, 11, 5, 9), actor="ly_clerk", action="accept"))
    return Case(
        number=number, centre="LY", window=world["w1"], clerk="ly_clerk", state=c.ACCEPTED,
        company_name=f"公司{number}", legal_rep_name="王强", legal_rep_id="11010519491231002X",
        phone="13803791234", address="洛阳市", created_at=china(*returns[0]),
        accepted_at=china(2026, 11, 5, 9), timeline=timeline, version=3,
        returns=[ReturnRecord(at=china(*at), clerk="ly_clerk") for at in kept],
    ).save()


def returned(world) -> int:
    """The review's returns at window 1 over Monday 2 to Friday 6 November 2026."""
    by_window, _ = rv.compute("LY", dt.date(2026, 11, 2), dt.date(2026, 11, 6))
    return sum(f.returned for f in by_window if f.window == world["w1"])


def stored_cases() -> list[dict]:
    return list(Case._get_collection().find({}, sort=[("_id", 1)]))


def test_init_restores_returns_the_review_counts_and_a_second_run_writes_nothing():
    app = make_app()
    runner = app.test_cli_runner()
    try:
        with app.app_context():
            world = build_world()
            old_case(world, "A", [(2026, 11, 3, 10), (2026, 11, 4, 15, 30)])  # no record
            old_case(world, "B", [(2026, 11, 2, 9), (2026, 11, 4, 9)],
                     kept=[(2026, 11, 4, 9)])  # the second return kept, the first not
            old_case(world, "C", [(2026, 11, 3, 11)], kept=[(2026, 11, 3, 11)])  # complete
            before = {row["number"]: row for row in stored_cases()}
            assert returned(world) == 2  # only the kept ones: B's second, C's
        first = runner.invoke(args=["init"])
        assert first.exit_code == 0, first.output
        assert "return records restored from timelines: 3" in first.output
        with app.app_context():
            a = Case.objects.get(number="A")
            assert [r.at for r in a.returns] == [china(2026, 11, 3, 10), china(2026, 11, 4, 15, 30)]
            assert a.returns[0].clerk == "ly_clerk" and a.returns[0].note == "缺少章程"
            b = Case.objects.get(number="B")
            assert [r.at for r in b.returns] == [china(2026, 11, 2, 9), china(2026, 11, 4, 9)]
            after = {row["number"]: row for row in stored_cases()}
            # Only `returns` changed: state, version and timeline are as they were.
            for number, row in after.items():
                assert {k: v for k, v in row.items() if k != "returns"} == {
                    k: v for k, v in before[number].items() if k != "returns"}
            assert after["C"] == before["C"]
            assert returned(world) == 5  # A twice, B twice, C once
        second = runner.invoke(args=["init"])
        assert second.exit_code == 0, second.output
        assert "return records restored from timelines: 0" in second.output
        with app.app_context():
            assert {row["number"]: row for row in stored_cases()} == after
    finally:
        storage.disconnect()


def test_batches_cover_every_case(tmp_path):
    """Small batches on the embedded store, paged by case number on the (centre, number) index
    (strict mode: no scan), reach every case, once."""
    from console.storage import planner

    storage.connect(storage.StorageSpec("embedded", str(tmp_path / "store"), "t"))
    try:
        world = build_world()
        for n in range(7):
            old_case(world, f"N{n}", [(2026, 11, 3, 10, n)])
        with planner.strict():
            assert backfill_returns("LY", batch=2) == 7
            assert backfill_returns("LY", batch=2) == 0
        assert all(len(case.returns) == 1 for case in Case.objects(centre="LY"))
    finally:
        storage.disconnect()
