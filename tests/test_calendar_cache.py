"""A centre's working calendar is built once per process and never stale: every write to what it
is made of (overrides, the centre's opening hours, the State Council schedules) changes the
deadlines on the very next read, in this process and when another process wrote it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

from conftest import demo_app
import pytest

from console import storage
from models import CalendarOverride, ServiceCentre
from models.deadlines import calendar_for
from models.official_schedule import load_schedule
from models.workdays import MINUTES, WORKING_DAYS

CST = dt.timezone(dt.timedelta(hours=8))
FRIDAY_4_DEC_1600 = dt.datetime(2026, 12, 4, 16, 0, tzinfo=CST)
MONDAY_7_DEC = dt.date(2026, 12, 7)
MONDAY_7_DEC_1130 = dt.datetime(2026, 12, 7, 11, 30, tzinfo=CST)


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def cst(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC).astimezone(CST)


@pytest.fixture
def app():
    app = demo_app()
    with app.app_context():
        yield app
    storage.disconnect()


def one_working_day_after_friday() -> dt.datetime:
    return cst(calendar_for("LY").add(utc(FRIDAY_4_DEC_1600), 1, WORKING_DAYS))


def test_the_calendar_is_built_once_while_nothing_changes(app):
    first = calendar_for("LY")
    assert calendar_for("LY") is first
    assert calendar_for("MJ") is not first


def test_an_override_saved_or_deleted_moves_the_next_deadline(app):
    assert one_working_day_after_friday() == dt.datetime(2026, 12, 7, 16, 0, tzinfo=CST)
    closed = CalendarOverride(centre="LY", date=MONDAY_7_DEC, is_working_day=False,
                              note="停电检修").save()
    assert one_working_day_after_friday() == dt.datetime(2026, 12, 8, 16, 0, tzinfo=CST)
    closed.delete()
    assert one_working_day_after_friday() == dt.datetime(2026, 12, 7, 16, 0, tzinfo=CST)


def test_new_opening_hours_move_the_next_deadline(app):
    def an_hour_from_monday_1130() -> dt.datetime:
        return cst(calendar_for("LY").add(utc(MONDAY_7_DEC_1130), 60, MINUTES))

    # 30 minutes before lunch (12:00), lunch until 13:30, then 30 more.
    assert an_hour_from_monday_1130() == dt.datetime(2026, 12, 7, 14, 0, tzinfo=CST)
    centre = ServiceCentre.objects(code="LY").first()
    monday = next(row for row in centre.opening_hours if row.weekday == 0)
    monday.lunch_end = "14:00"
    centre.save()
    assert an_hour_from_monday_1130() == dt.datetime(2026, 12, 7, 14, 30, tzinfo=CST)


def test_a_loaded_state_council_schedule_is_official_at_once(app):
    new_year = dt.date(2027, 1, 4)
    assert not calendar_for("LY").is_official(new_year)
    load_schedule("date,status,name\n2027-01-01,holiday,元旦\n", 2027, source="2027.csv",
                  loaded_by="admin", now=dt.datetime(2026, 12, 1, 2, 0))
    assert calendar_for("LY").is_official(new_year)


CLOSE_MONDAY = textwrap.dedent("""
    import datetime as dt, sys
    from console import create_app
    from models import CalendarOverride
    app = create_app({"ONEWINDOW_MONGODB_URI": sys.argv[1], "SECRET_KEY": "other-worker"})
    with app.app_context():
        CalendarOverride(centre="LY", date=dt.date(2026, 12, 7), is_working_day=False).save()
""")


def test_an_override_written_by_another_process_is_seen_on_the_next_read(tmp_path):
    uri = f"embedded://{tmp_path}"
    app = demo_app(ONEWINDOW_MONGODB_URI=uri)
    try:
        with app.app_context():
            assert one_working_day_after_friday() == dt.datetime(2026, 12, 7, 16, 0, tzinfo=CST)
            subprocess.run([sys.executable, "-c", CLOSE_MONDAY, uri], check=True,
                           capture_output=True, timeout=120)
            assert not calendar_for("LY").is_working_day(MONDAY_7_DEC)
            assert one_working_day_after_friday() == dt.datetime(2026, 12, 8, 16, 0, tzinfo=CST)
    finally:
        storage.disconnect()
