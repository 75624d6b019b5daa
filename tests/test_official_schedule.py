"""A year's State Council schedule: the file format, every refusal writing nothing, loading again
replacing the year, the loaded year made official, the CLI verbs, the screen and its roles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from test_models_factories import db, make_centre  # noqa: F401

from models.centre import OpeningHours
from models.official_schedule import (
    OfficialSchedule,
    ScheduleError,
    load_schedule,
    parse_schedule,
)
from models.workcalendar import CalendarOverride, provisional_years, work_calendar
from models.workdays import LOADED, WORKING_DAYS, to_china, to_utc

NOW = dt.datetime(2026, 11, 24, 2, 0)

# A schedule as the State Council might publish it for 2027 (an example, not the real notice).
GOOD_2027 = """\ufeffdate,status,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-05,休,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节

2027-02-12,holiday,春节
2027-02-20,班,春节调休上班
"""


def lines(*rows: str) -> str:
    return "\n".join(["date,status,name", *rows]) + "\n"


def load(text: str, year: int = 2027) -> None:
    load_schedule(text.encode(), year, source="2027.csv", loaded_by="admin", now=NOW)


def stored() -> list[tuple]:
    return [(record.year, [(d.date, d.working, d.name) for d in record.days], record.source)
            for record in OfficialSchedule.objects]


@pytest.fixture
def schedules(db):  # noqa: F811
    OfficialSchedule.ensure_indexes()
    make_centre("LY", opening_hours=[
        *(OpeningHours(weekday=day, opens="09:00", closes="17:30", lunch_start="12:00",
                       lunch_end="13:30") for day in range(5)),
        OpeningHours(weekday=5, opens="09:00", closes="12:00"),
    ])


def test_the_documented_format_is_read(schedules):
    days = parse_schedule(GOOD_2027.encode(), 2027)
    assert [(d.date, d.working, d.name) for d in days][:2] == [
        (dt.date(2027, 1, 1), False, "元旦"), (dt.date(2027, 1, 2), False, "元旦")]
    assert days[-1].date == dt.date(2027, 2, 20) and days[-1].working
    assert len(days) == 12  # the blank line is skipped
    assert parse_schedule(lines("2027-10-01,HOLIDAY"), 2027)[0].name is None


BAD_FILES = {
    "wrong year": (lines("2027-01-01,holiday,元旦", "2028-01-01,holiday,元旦"), "Line 3",
                   "not in 2027"),
    "duplicate": (lines("2027-01-01,holiday,元旦", "2027-01-01,holiday,元旦"), "Line 3",
                  "listed twice"),
    "make-up on a weekday": (lines("2027-01-01,holiday,元旦", "2027-02-15,workday,调休"),
                             "Line 3", "not a Saturday or Sunday"),
    "bad date": (lines("2027-02-30,holiday,春节"), "Line 2", "is not a date"),
    "bad status": (lines("2027-01-01,off,元旦"), "Line 2", "holiday or workday"),
    "columns": (lines("2027-01-01"), "Line 2", "expected date,status,name"),
    "header": ("2027-01-01,holiday,元旦\n", "header", "date,status,name"),
    "no holiday": (lines("2027-02-20,workday,调休"), "lists no holiday", "2027"),
    "long name": (lines("2027-01-01,holiday," + "元" * 51), "Line 2", "longer than 50"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_and_writes_nothing(schedules, name):
    load(GOOD_2027)
    before = stored()
    text, *expected = BAD_FILES[name]
    with pytest.raises(ScheduleError) as refused:
        load(text)
    for part in expected:
        assert part in str(refused.value)
    assert stored() == before


def test_other_refusals_write_nothing(schedules):
    with pytest.raises(ScheduleError, match="not UTF-8"):
        load_schedule("date,status,name\n2027-01-01,holiday,元旦\n".encode("gbk"), 2027, now=NOW)
    with pytest.raises(ScheduleError, match="between 2000 and 2100"):
        load_schedule(GOOD_2027, 1999, now=NOW)
    with pytest.raises(ScheduleError, match="larger than 64 KB"):
        load_schedule(b"date,status,name\n" + b"#" * 70000, 2027, now=NOW)
    assert OfficialSchedule.objects.count() == 0


def test_every_problem_is_named_at_once(schedules):
    with pytest.raises(ScheduleError) as refused:
        load(lines("2027-01-01,holiday,元旦", "2026-12-31,holiday,x", "2027-01-04,workday,y"))
    assert [str(m)[:6] for m in refused.value.messages] == ["Line 3", "Line 4"]


def test_loading_again_replaces_the_year(schedules):
    load(GOOD_2027)
    report = load_schedule(lines("2027-10-01,holiday,国庆节", "2027-09-26,workday,调休").encode(),
                           2027, source="v2.csv", loaded_by="admin", now=NOW)
    assert report.replaced and report.holidays == 1 and report.make_up_days == 1
    [(year, days, source)] = stored()
    assert (year, source) == (2027, "v2.csv")
    assert [d[0] for d in days] == [dt.date(2027, 9, 26), dt.date(2027, 10, 1)]


def cst(*args) -> dt.datetime:
    return to_utc(dt.datetime(*args))


def test_a_loaded_year_becomes_official_and_overrides_the_computed_one(schedules):
    calendar = work_calendar("LY")
    assert not calendar.is_official(dt.date(2027, 2, 11))
    assert to_china(calendar.add(cst(2027, 2, 4, 16), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 11, 16)  # computed: 春节 5–10 February
    load(GOOD_2027)
    calendar = work_calendar("LY")
    assert calendar.source_of(2027) == LOADED
    assert calendar.is_official(dt.date(2027, 2, 11)) and calendar.is_official(dt.date(2027, 8, 2))
    assert to_china(calendar.add(cst(2027, 2, 4, 16), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 15, 16)
    # The make-up Saturday is worked with weekday hours at a centre open Saturday mornings.
    assert to_china(calendar.add(cst(2027, 2, 19, 16), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 20, 16)
    assert calendar.hours_on(dt.date(2027, 1, 2)) == ()  # a Saturday in the break: closed
    # The centre's own override still wins.
    CalendarOverride(centre="LY", date=dt.date(2027, 2, 15), is_working_day=False).save()
    assert to_china(work_calendar("LY").add(cst(2027, 2, 4, 16), 1, WORKING_DAYS)) == (
        dt.datetime(2027, 2, 16, 16))


def test_provisional_years_until_the_schedule_is_loaded(schedules):
    assert provisional_years("LY", dt.date(2026, 12, 1)) == [2027]
    assert provisional_years("LY", dt.date(2026, 6, 1)) == []
    assert provisional_years(None, dt.date(2026, 12, 1), days=10) == []
    load(GOOD_2027)
    assert provisional_years("LY", dt.date(2026, 12, 1)) == []
    assert provisional_years("LY", dt.date(2027, 12, 1)) == [2028]


# --- the command line ------------------------------------------------------------------------

def test_cli_load_and_show(app, runner, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_2027, encoding="utf-8")
    shown = runner.invoke(args=["calendar", "show", "2027"])
    assert shown.exit_code == 0, shown.output
    assert "Provisional" in shown.output or "暂定" in shown.output
    assert "2027-01-01" in shown.output and "2027-02-20" not in shown.output
    result = runner.invoke(args=["calendar", "load", "2027", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"2027\D+11\D+1\D", result.output), result.output
    shown = runner.invoke(args=["calendar", "show", "2027"])
    assert "2027-02-20" in shown.output and "春节调休上班" in shown.output


def test_cli_refuses_a_bad_file_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(lines("2027-01-01,holiday,元旦", "2027-02-15,workday,调休"), encoding="utf-8")
    result = runner.invoke(args=["calendar", "load", "2027", str(path)])
    assert result.exit_code != 0
    assert "2027-02-15" in result.output
    with app.app_context():
        assert OfficialSchedule.objects.count() == 0


def test_loaded_schedule_persists_and_is_replaced_on_the_embedded_store(tmp_path):
    from conftest import make_app

    from console import storage

    uri = f"embedded://{tmp_path}/store"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(GOOD_2027, encoding="utf-8")
    second.write_text(lines("2027-10-01,holiday,国庆节"), encoding="utf-8")
    runner = make_app(uri).test_cli_runner()
    assert runner.invoke(args=["calendar", "load", "2027", str(first)]).exit_code == 0
    assert runner.invoke(args=["calendar", "load", "2027", str(second)]).exit_code == 0
    storage.disconnect()
    app = make_app(uri)  # a restart: new app, same files
    shown = app.test_cli_runner().invoke(args=["calendar", "show", "2027"])
    assert "2027-10-01" in shown.output and "2027-02-20" not in shown.output
    with app.app_context():
        assert OfficialSchedule.objects.count() == 1
    storage.disconnect()
