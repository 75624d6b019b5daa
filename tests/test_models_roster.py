"""Roster entries: double booking, inactive staff and other centres refused, nothing written."""

from __future__ import annotations

import datetime
import threading

from mongoengine import ValidationError
import pytest
from test_models_factories import (  # noqa: F401
    db,
    make_centre,
    make_roster,
    make_staff,
    make_window,
)

from models.roster import RosterEntry, overlapping_shifts, week_entries

MONDAY = datetime.date(2024, 5, 6)


@pytest.fixture
def floor(db):  # noqa: F811
    make_centre("LY")
    make_centre("MJ", level="county")
    return {
        "w1": make_window("W01"),
        "w2": make_window("W02"),
        "li": make_staff("李娜"),
        "mj_window": make_window("W01", centre="MJ"),
        "mj_staff": make_staff("孙悦", centre="MJ", phone="13903790201"),
    }


def test_overlapping_shifts():
    assert set(overlapping_shifts("full_day")) == {"morning", "afternoon", "full_day"}
    assert set(overlapping_shifts("morning")) == {"morning", "full_day"}


@pytest.mark.parametrize(("first", "second"), [
    ("full_day", "morning"), ("morning", "full_day"), ("afternoon", "afternoon"),
    ("full_day", "full_day"), ("afternoon", "full_day"),
])
def test_double_booking_refused_nothing_written(floor, first, second):
    make_roster(floor["w1"], floor["li"], first)
    with pytest.raises(ValidationError, match="already on W01 企业开办综合窗口"):
        make_roster(floor["w2"], floor["li"], second)
    assert RosterEntry.objects.count() == 1


def test_morning_and_afternoon_on_two_windows_allowed(floor):
    make_roster(floor["w1"], floor["li"], "morning")
    make_roster(floor["w2"], floor["li"], "afternoon")
    make_roster(floor["w2"], floor["li"], "full_day", date=MONDAY + datetime.timedelta(days=1))
    assert RosterEntry.objects.count() == 3


def test_changing_own_shift_is_not_a_clash(floor):
    entry = make_roster(floor["w1"], floor["li"], "morning")
    entry.shift = "full_day"
    entry.save()
    assert RosterEntry.objects.get().afternoon_slot


def test_unique_slot_index_refuses_what_clean_missed(floor):
    """Two writers that both passed clean() before either saved: the index refuses the second."""
    make_roster(floor["w1"], floor["li"], "full_day")
    racer = RosterEntry(centre="LY", window=floor["w2"], staff=floor["li"], shift="morning",
                        date=MONDAY)
    racer.conflicting_entry = lambda: None  # as if the first save had not landed yet
    with pytest.raises(ValidationError, match="already on duty"):
        racer.save()
    assert RosterEntry.objects.count() == 1


def test_concurrent_bookings_leave_one_entry(floor):
    errors, barrier = [], threading.Barrier(4)

    def book(window):
        barrier.wait()
        try:
            make_roster(window, floor["li"], "full_day")
        except ValidationError as error:
            errors.append(error)

    threads = [threading.Thread(target=book, args=(floor[w],)) for w in ("w1", "w2") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RosterEntry.objects.count() == 1 and len(errors) == 3


def test_inactive_person_refused(floor):
    floor["li"].update(active=False)
    floor["li"].reload()
    with pytest.raises(ValidationError, match="not active"):
        make_roster(floor["w1"], floor["li"])
    assert RosterEntry.objects.count() == 0


def test_window_or_staff_of_another_centre_refused(floor):
    with pytest.raises(ValidationError, match="another centre"):
        RosterEntry(centre="LY", window=floor["mj_window"], staff=floor["li"], shift="morning",
                    date=MONDAY).save()
    with pytest.raises(ValidationError, match="another centre"):
        RosterEntry(centre="LY", window=floor["w1"], staff=floor["mj_staff"], shift="morning",
                    date=MONDAY).save()
    assert RosterEntry.objects.count() == 0


def test_week_view(floor):
    make_roster(floor["w1"], floor["li"], "morning")
    make_roster(floor["w1"], floor["li"], "full_day", date=MONDAY + datetime.timedelta(days=2))
    grid = week_entries("LY", floor["w1"], MONDAY + datetime.timedelta(days=4))
    assert list(grid)[0] == MONDAY and len(grid) == 7
    assert [len(grid[day]) for day in grid] == [1, 0, 1, 0, 0, 0, 0]


def test_slot_index_holds_on_the_embedded_store(tmp_path):
    from console import storage

    storage.connect(storage.StorageSpec("embedded", str(tmp_path / "store"), "t"))
    RosterEntry.ensure_indexes()  # as `onewindow init` would
    try:
        make_centre("LY")
        window, staff = make_window("W01"), make_staff()
        make_roster(window, staff, "afternoon")
        racer = RosterEntry(centre="LY", window=make_window("W02"), staff=staff,
                            shift="full_day", date=MONDAY)
        racer.conflicting_entry = lambda: None
        with pytest.raises(ValidationError, match="already on duty"):
            racer.save()
        assert RosterEntry.objects.count() == 1
    finally:
        storage.disconnect()


def test_rostered_window_and_staff_cannot_be_deleted(floor):
    from mongoengine import OperationError

    make_roster(floor["w1"], floor["li"])
    with pytest.raises(OperationError):
        floor["w1"].delete()
    with pytest.raises(OperationError):
        floor["li"].delete()
