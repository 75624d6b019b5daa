"""How fast deadline arithmetic answers on a centre open Saturday mornings, across the 2026/2027
year end (2027 computed by the ``holidays`` package) and within a loaded official year.

    .venv/bin/python bench/deadlines.py [--repeat 2000]

Prints microseconds per call (median of five runs) for a fresh calendar (first call, nothing
cached) and a warm one (as within one request).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import timeit

from models.workdays import MINUTES, WORKING_DAYS, WorkCalendar, to_utc

WEEKDAY = [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]
HOURS = {**{day: WEEKDAY for day in range(1, 6)}, 6: [(dt.time(9), dt.time(12))]}
LOADED_2027 = {dt.date(2027, 1, day): False for day in (1, 2, 3)}
START = to_utc(dt.datetime(2026, 12, 31, 16))
END = to_utc(dt.datetime(2027, 2, 28, 12))

CASES = {
    "3 working days over the year end": lambda cal: cal.add(START, 3, WORKING_DAYS),
    "20 minutes over the year end": lambda cal: cal.add(START, 20, MINUTES),
    "open minutes over two months": lambda cal: cal.open_minutes_between(START, END),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    for schedules in ({}, {2027: LOADED_2027}):
        label = "loaded 2027" if schedules else "computed 2027"
        for name, call in CASES.items():
            def fresh(call=call, schedules=schedules):
                return call(WorkCalendar(opening_hours=HOURS, schedules=schedules))

            warm_calendar = WorkCalendar(opening_hours=HOURS, schedules=schedules)
            cold = _median(fresh, max(args.repeat // 10, 1))
            warm = _median(lambda call=call, cal=warm_calendar: call(cal), args.repeat)
            print(f"{label:14} {name:34} cold {cold:8.1f} µs   warm {warm:8.1f} µs")


def _median(function, number: int) -> float:
    runs = timeit.repeat(function, number=number, repeat=5)
    return statistics.median(runs) / number * 1e6


if __name__ == "__main__":
    main()
