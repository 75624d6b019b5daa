"""The centre's statistics (统计): tables over a date range, per day, week or month, computed by
aggregation pipelines over the daily figures (:mod:`models.daily_figures`), complaints and ratings
— each pipeline starts with a ``$match`` on the centre and a date range that a declared index
serves, so a month reads tens of rows on MongoDB, mongomock and the embedded store alike.

Every table is a list of row dicts with its columns; the screen, the dashboard and the exports
read the same rows, so an export holds the numbers the screen shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
import datetime as dt
import math
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models import daily_figures as f
from models.complaint import CATEGORIES, Complaint
from models.people import person, remember_people
from models.rating import DISSATISFIED, Rating
from models.window import Window
from models.workdays import to_china, to_utc

DAY, WEEK, MONTH = "day", "week", "month"
GRANULARITIES = [(DAY, _l("Day")), (WEEK, _l("Week")), (MONTH, _l("Month"))]
MAX_DAYS = 366

STAGE_LABELS = {
    f.COACHING: _l("Coaching"),
    f.REVIEW: _l("Window review"),
    f.BACK_OFFICE: _l("Back office"),
    f.PICKUP: _l("Waiting for pick-up"),
    f.AGENCY_WORK: _l("Agency sub-tasks"),
}
PROBLEM_LABELS = {"missing": _l("Missing"), "defective": _l("Needs correction")}
ONE_WINDOW_DEFINITION = _l(
    "One-window acceptance rate (一窗受理率): of the cases accepted in the period, the share "
    "accepted at a comprehensive window (综合受理窗口) rather than at a professional or other "
    "window. Target: 100%."
)
ON_TIME_DEFINITION = _l(
    "On time: a case is on time when it was ready for delivery by its deadline (moved by the "
    "补正 pauses); a sub-task when it was done by its own deadline. Times are working minutes on "
    "the official calendar; waiting for earlier items and 补正 pauses are not charged to the "
    "agency."
)
OVERDUE_DEFINITION = _l(
    "Overdue: the figures of the period count sub-tasks when they are done, on that day: on "
    "time or late (past their deadline). Sub-tasks still open whose deadline has passed while "
    "their clock runs (not waiting for earlier items, not paused for 补正) are a snapshot of "
    "now, whatever the period: the table “Open sub-tasks overdue now” names the agency, the "
    "step and the cases."
)


class StatisticsError(ValueError):
    """The request cannot be answered (a translated message)."""


@dataclass(frozen=True)
class Query:
    """What the statistics are asked for: centres, an inclusive date range, a granularity."""

    centres: tuple[str, ...]
    start: dt.date
    end: dt.date
    granularity: str = DAY
    # The moment of the "overdue now" snapshot (naive UTC); None: the wall clock.
    now: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.granularity not in dict(GRANULARITIES):
            raise StatisticsError(gettext("Choose day, week or month."))
        if self.end < self.start:
            raise StatisticsError(gettext("The end date is before the start date."))
        if (self.end - self.start).days >= MAX_DAYS:
            raise StatisticsError(gettext("Choose a period of at most %(days)d days.",
                                          days=MAX_DAYS))
        if not self.centres:
            raise StatisticsError(gettext("No service centre to report on."))

    def day_match(self, dim: str) -> dict:
        return {"centre": {"$in": list(self.centres)}, "dim": dim,
                "day": {"$gte": _midnight(self.start),
                        "$lt": _midnight(self.end + dt.timedelta(days=1))}}

    def moment_range(self) -> dict:
        """The period as naive-UTC moments (China midnight to China midnight)."""
        return {"$gte": to_utc(_midnight(self.start)),
                "$lt": to_utc(_midnight(self.end + dt.timedelta(days=1)))}


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


@dataclass
class Table:
    """One statistics table: its name (the export's), title, columns (key, header) and rows."""

    name: str
    title: Any
    columns: list[tuple[str, Any]]
    rows: list[dict] = field(default_factory=list)


# --- the pipelines ----------------------------------------------------------------------------

def _daily_rows(query: Query, dim: str, part: str, by_period: bool):
    """(period or None, centre, key, that row's ``part``) for each daily row of ``dim`` in the
    query's range, read on the ``(centre, dim, day, key)`` index.

    Summed here rather than by an aggregation: the embedded store runs a pipeline's grouping in
    Python over deep copies, and a month's rows are a few hundred small documents."""
    period = {DAY: "day", WEEK: "week", MONTH: "month"}[query.granularity] if by_period else None
    fields = {"centre": 1, "key": 1, part: 1, **({period: 1} if period else {})}
    for row in f.DailyFigure._get_collection().find(query.day_match(dim), fields):
        yield (row.get(period) if period else None), row["centre"], row.get("key"), row.get(part)


def counters(query: Query, dim: str, by_period: bool = True) -> dict[tuple, Counter]:
    """(period or None, centre, key) → the summed counters of the rows of ``dim``."""
    found: dict[tuple, Counter] = defaultdict(Counter)
    for period, centre, key, counted in _daily_rows(query, dim, "n", by_period):
        if counted:
            found[(period, centre, key)].update(counted)
    return found


def durations(query: Query, dim: str, by_period: bool = True) -> dict[tuple, dict[str, list]]:
    """(period or None, centre, key) → stage → every case's (or sub-task's) minutes."""
    found: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for period, centre, key, stages in _daily_rows(query, dim, "d", by_period):
        for stage, values in (stages or {}).items():
            found[(period, centre, key)][stage].extend(values)
    return found


def _merge(found: dict[tuple, Any], key: Callable[[tuple], Any], empty: Callable[[], Any],
           add: Callable[[Any, Any], None]) -> dict:
    merged: dict = {}
    for group, value in found.items():
        target = merged.setdefault(key(group), empty())
        add(target, value)
    return merged


def _add_counter(target: Counter, value: Counter) -> None:
    target.update(value)


def _add_lists(target: dict, value: dict) -> None:
    for stage, values in value.items():
        target[stage].extend(values)


# --- figures ----------------------------------------------------------------------------------

def percentile(values: Iterable[float], share: float = 0.9) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at
    or below it (p90 of 10 values is the 9th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def average(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def share(part: float, whole: float) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def period_label(moment: dt.datetime | None, granularity: str) -> str:
    if moment is None:
        return gettext("Whole period")
    if granularity == MONTH:
        return moment.strftime("%Y-%m")
    if granularity == WEEK:
        return gettext("Week of %(day)s", day=moment.date().isoformat())
    return moment.date().isoformat()


CASE_COLUMNS = [
    ("opened", _l("Cases opened")),
    ("accepted", _l("Accepted")),
    ("accepted_one_window", _l("Accepted at a comprehensive window")),
    ("one_window_rate", _l("One-window acceptance rate (%)")),
    ("returned", _l("Returned for correction")),
    ("resubmitted", _l("Corrections handed in")),
    ("finished", _l("Ready for delivery")),
    ("on_time_rate", _l("Cases on time (%)")),
    ("delivered", _l("Delivered")),
    ("closed", _l("Closed")),
    ("withdrawn", _l("Withdrawn")),
    ("rejected", _l("Closed as rejected")),
    ("subtasks_done", _l("Sub-tasks done")),
    ("subtask_on_time_rate", _l("Sub-tasks on time (%)")),
    ("subtasks_overdue", _l("Sub-tasks done late")),
    ("tolerated_late", _l("容缺 materials handed in late")),
]


def case_figures(counts: Counter) -> dict:
    """The case columns of one row from its summed counters."""
    row = {name: int(counts.get(name, 0)) for name, _label in CASE_COLUMNS}
    row["one_window_rate"] = share(counts["accepted_one_window"], counts["accepted"])
    row["on_time_rate"] = share(counts["finished_on_time"], counts["finished"])
    row["subtask_on_time_rate"] = share(counts["subtasks_on_time"], counts["subtasks_done"])
    return row


def cases_table(query: Query) -> Table:
    """Per period: cases opened, accepted, one-window rate, returned, delivered, on time…"""
    merged = _merge(counters(query, f.CENTRE), lambda g: g[0], Counter, _add_counter)
    rows = [{"period": period_label(period, query.granularity), **case_figures(merged[period])}
            for period in sorted(merged)]
    if len(rows) > 1:
        total = Counter()
        for counts in merged.values():
            total.update(counts)
        rows.append({"period": gettext("Total"), **case_figures(total)})
    return Table("cases", _l("Cases"), [("period", _l("Period")), *CASE_COLUMNS], rows)


def stages_table(query: Query) -> Table:
    """Per period and stage: cases, average and 90th percentile working minutes."""
    found = durations(query, f.CENTRE)
    merged = _merge(found, lambda g: g[0], lambda: defaultdict(list), _add_lists)
    paused = _merge(counters(query, f.CENTRE), lambda g: g[0], Counter, _add_counter)
    rows = []
    for period in sorted(merged):
        for stage in (f.COACHING, f.REVIEW, f.BACK_OFFICE, f.PICKUP):
            values = merged[period].get(stage) or []
            if not values:
                continue
            rows.append({
                "period": period_label(period, query.granularity),
                "stage": str(STAGE_LABELS[stage]), "count": len(values),
                "average": average(values), "p90": percentile(values),
                "paused": (round(paused[period]["case_paused_minutes"], 1)
                           if stage == f.BACK_OFFICE else None),
            })
    return Table("stages", _l("Time per stage"), [
        ("period", _l("Period")), ("stage", _l("Stage")), ("count", _l("Cases")),
        ("average", _l("Average (working minutes)")),
        ("p90", _l("90th percentile (working minutes)")),
        ("paused", _l("Paused for the applicant (补正, working minutes)")),
    ], rows)


def stage_summary(query: Query) -> list[dict]:
    """Each case stage over the whole period: cases, average and 90th percentile minutes."""
    merged = _merge(durations(query, f.CENTRE, by_period=False), lambda g: None,
                    lambda: defaultdict(list), _add_lists).get(None, {})
    return [{"stage": str(STAGE_LABELS[stage]), "count": len(merged[stage]),
             "average": average(merged[stage]), "p90": percentile(merged[stage])}
            for stage in (f.COACHING, f.REVIEW, f.BACK_OFFICE, f.PICKUP) if merged.get(stage)]


def agency_names(query: Query, codes: Iterable[str]) -> dict[str, str]:
    """Agency code → name, among the centres' own and the shared agencies."""
    from models.agency import Agency

    codes = sorted(set(codes))
    return {agency.code: agency.name for agency in Agency.objects(
        centre__in=[*query.centres, None], code__in=codes).only("code", "name")} if codes else {}


def _agency_row(period: str, name: str, n: Counter, values: list[float]) -> dict:
    return {
        "period": period, "agency": name, "done": int(n["subtasks_done"]),
        "on_time": int(n["subtasks_on_time"]), "overdue": int(n["subtasks_overdue"]),
        "on_time_rate": share(n["subtasks_on_time"], n["subtasks_done"]),
        "average": average(values), "p90": percentile(values),
        "paused": round(n["paused_minutes"], 1), "rejected": int(n["subtasks_rejected"]),
    }


def agencies_table(query: Query) -> Table:
    """Per period and agency, then per agency over the whole range (when there is more than one
    period): sub-tasks done, on time, done late, working minutes (average, 90th percentile),
    paused for the applicant, rejected or sent back."""
    counts = _merge(counters(query, f.AGENCY), lambda g: (g[0], g[2]), Counter, _add_counter)
    times = _merge(durations(query, f.AGENCY), lambda g: (g[0], g[2]),
                   lambda: defaultdict(list), _add_lists)
    names = agency_names(query, {code for _period, code in counts})
    rows = [_agency_row(period_label(period, query.granularity), names.get(code, code),
                        counts[(period, code)],
                        times.get((period, code), {}).get(f.AGENCY_WORK, []))
            for period, code in sorted(counts, key=lambda k: (k[0], names.get(k[1], k[1])))]
    if len({period for period, _code in counts}) > 1:
        rows += [{**row, "period": gettext("Total")} for row in agency_summary(query, names)]
    return Table("agencies", _l("Agencies"), [
        ("period", _l("Period")),
        ("agency", _l("Agency")), ("done", _l("Sub-tasks done")), ("on_time", _l("On time")),
        ("overdue", _l("Done late")), ("on_time_rate", _l("On time (%)")),
        ("average", _l("Average (working minutes)")),
        ("p90", _l("90th percentile (working minutes)")),
        ("paused", _l("Paused for the applicant (补正, working minutes)")),
        ("rejected", _l("Rejected or sent back")),
    ], rows)


def agency_summary(query: Query, names: dict[str, str] | None = None) -> list[dict]:
    """Per agency over the whole range: the figures of :func:`agencies_table`."""
    counts = _merge(counters(query, f.AGENCY, by_period=False), lambda g: g[2], Counter,
                    _add_counter)
    times = _merge(durations(query, f.AGENCY, by_period=False), lambda g: g[2],
                   lambda: defaultdict(list), _add_lists)
    names = names if names is not None else agency_names(query, counts)
    return [_agency_row("", names.get(code, code), counts[code],
                        times.get(code, {}).get(f.AGENCY_WORK, []))
            for code in sorted(counts, key=lambda code: names.get(code, code))]


def overdue_table(query: Query) -> Table:
    """Sub-tasks done late in the period, traced to the agency and the step (item) that overran
    (超时溯源); the ones overdue and still open are :func:`open_overdue_table`."""
    from models.item import ServiceItem

    counts = _merge(counters(query, f.AGENCY, by_period=False), lambda g: g[2], Counter,
                    _add_counter)
    names = agency_names(query, counts)
    pairs = [(code, name.removeprefix("overdue:"), int(value))
             for code, n in counts.items() for name, value in n.items()
             if name.startswith("overdue:") and value]
    codes = sorted({item for _code, item, _n in pairs})
    items = {item.code: item.name for item in ServiceItem.objects(
        centre__in=[*query.centres, None], code__in=codes).only("code", "name")} if codes else {}
    rows = [{"agency": names.get(code, code), "item": items.get(item, item), "count": count}
            for code, item, count in sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))]
    return Table("overdue", _l("Sub-tasks done late, by agency and step"), [
        ("agency", _l("Agency")), ("item", _l("Step (service item)")),
        ("count", _l("Sub-tasks done late")),
    ], rows)


def snapshot_moment(query: Query) -> dt.datetime:
    """The moment of the "overdue now" snapshot (naive UTC)."""
    return query.now or dt.datetime.now(dt.UTC).replace(tzinfo=None)


def open_overdue_table(query: Query) -> Table:
    """Open sub-tasks overdue at the snapshot moment (clock running, deadline passed), traced
    to the agency and the step (item) that is overrunning and to the cases: a snapshot of now,
    whatever the period, read from the cases that hold one through the ``(centre, task_due)``
    index (:func:`reports.today.overdue_subtasks`)."""
    from models.case import Case
    from models.deadlines import calendar_for
    from reports.today import overdue_subtasks

    now = snapshot_moment(query)
    windows = window_names(query.centres)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for centre in query.centres:
        for row in overdue_subtasks(Case.objects(centre=centre), now):
            groups[(row.get("agency_name") or row.get("agency") or "",
                    row.get("item_name") or row.get("item") or "")].append(row)
    remember_people(row.get("assignee") for found in groups.values() for row in found)
    rows = []
    for (agency, item), found in groups.items():
        oldest = min(found, key=lambda row: row["deadline"])
        rows.append({
            "agency": agency, "item": item, "count": len(found),
            "oldest": to_china(oldest["deadline"]).strftime("%Y-%m-%d %H:%M"),
            "minutes": round(calendar_for(oldest["centre"]).open_minutes_between(
                oldest["deadline"], now)),
            "cases": "、".join(row["number"] for row in found[:10])
                     + ("…" if len(found) > 10 else ""),
            # 超时间、超环节溯源 down to the window that took the case and who works the step.
            "windows": "、".join(sorted({windows.get(str(row.get("window")), "")
                                        for row in found} - {""})),
            "assignees": "、".join(sorted({person(row.get("assignee")) for row in found} - {""}))
                         or gettext("(not started)"),
        })
    rows.sort(key=lambda row: (-row["count"], row["oldest"], row["agency"], row["item"]))
    return Table("open_overdue", _l("Open sub-tasks overdue now, by agency and step"), [
        ("agency", _l("Agency")), ("item", _l("Step (service item)")),
        ("count", _l("Open sub-tasks overdue")), ("oldest", _l("Oldest deadline")),
        ("minutes", _l("Longest overrun (working minutes)")), ("cases", _l("Cases")),
        ("windows", _l("Accepted at window")), ("assignees", _l("Worked by")),
    ], rows)



def returns_table(query: Query) -> Table:
    """Returns for correction by reason: the material and what was wrong with it."""
    counts = _merge(counters(query, f.CENTRE, by_period=False), lambda g: None, Counter,
                    _add_counter).get(None, Counter())
    rows = []
    for name, value in counts.items():
        if not name.startswith("reason:") or not value:
            continue
        problem, _bar, material = name.removeprefix("reason:").partition("|")
        rows.append({"material": material, "problem": str(PROBLEM_LABELS.get(problem, problem)),
                     "count": int(value)})
    rows.sort(key=lambda row: (-row["count"], row["material"], row["problem"]))
    return Table("returns", _l("Returns by reason"), [
        ("material", _l("Material")), ("problem", _l("Problem")), ("count", _l("Times named")),
    ], rows)


def window_names(centres: Iterable[str]) -> dict[str, str]:
    """Each window as the centre's staff know it: its counter number (A01, as on the case
    pages, lists and papers) and name; the record code when it has no counter number."""
    names = {}
    for centre in centres:
        for window in Window.objects(centre=centre).only("id", "code", "counter", "name"):
            names[str(window.id)] = f"{window.counter or window.code} {window.name}"
    return names


def windows_table(query: Query) -> Table:
    """For the whole range, per window: the case figures and the back-office time."""
    counts = _merge(counters(query, f.WINDOW, by_period=False), lambda g: g[2], Counter,
                    _add_counter)
    times = _merge(durations(query, f.WINDOW, by_period=False), lambda g: g[2],
                   lambda: defaultdict(list), _add_lists)
    names = window_names(query.centres)
    rows = []
    for key in sorted(counts, key=lambda k: names.get(k, k)):
        n = case_figures(counts[key])
        values = times.get(key, {}).get(f.BACK_OFFICE, [])
        rows.append({"window": names.get(key, key), "opened": n["opened"],
                     "accepted": n["accepted"], "returned": n["returned"],
                     "delivered": n["delivered"], "on_time_rate": n["on_time_rate"],
                     "average": average(values)})
    return Table("windows", _l("Windows"), [
        ("window", _l("Window")), ("opened", _l("Cases opened")), ("accepted", _l("Accepted")),
        ("returned", _l("Returned for correction")), ("delivered", _l("Delivered")),
        ("on_time_rate", _l("Cases on time (%)")),
        ("average", _l("Back office, average (working minutes)")),
    ], rows)


def complaints_table(query: Query) -> Table:
    """Complaints received in the period by window and category (few: read from complaints)."""
    pipeline = [
        {"$match": {"centre": {"$in": list(query.centres)},
                    "received_at": query.moment_range()}},
        {"$group": {"_id": {"w": "$window", "k": "$category"}, "count": {"$sum": 1},
                    "upheld": {"$sum": {"$cond": [{"$eq": ["$upheld", True]}, 1, 0]}}}},
    ]
    names = window_names(query.centres)
    labels = dict(CATEGORIES)
    rows = []
    for row in Complaint._get_collection().aggregate(pipeline):
        window = row["_id"].get("w")
        rows.append({"window": names.get(str(window), "") if window else gettext("(none)"),
                     "category": str(labels.get(row["_id"].get("k"), row["_id"].get("k"))),
                     "count": int(row["count"]), "upheld": int(row["upheld"])})
    rows.sort(key=lambda row: (row["window"], row["category"]))
    return Table("complaints", _l("Complaints by window and category"), [
        ("window", _l("Window")), ("category", _l("Category")),
        ("count", _l("Complaints")), ("upheld", _l("Upheld")),
    ], rows)


def ratings_table(query: Query) -> Table:
    """Ratings given in the period, per period: count, average, dissatisfied (差评)."""
    pipeline = [
        {"$match": {"centre": {"$in": list(query.centres)}, "rated_at": query.moment_range()}},
        {"$project": {"rated_at": 1, "score": 1}},
    ]
    per: dict[str, list[int]] = defaultdict(list)
    for row in Rating._get_collection().aggregate(pipeline):
        local = row["rated_at"] + dt.timedelta(hours=8)  # China Standard Time, no DST
        day = local.date()
        if query.granularity == WEEK:
            day -= dt.timedelta(days=day.weekday())
        elif query.granularity == MONTH:
            day = day.replace(day=1)
        per[period_label(_midnight(day), query.granularity)].append(int(row["score"]))
    rows = [{"period": period, "count": len(scores),
             "average": round(sum(scores) / len(scores), 2),
             "dissatisfied": sum(1 for s in scores if s <= DISSATISFIED)}
            for period, scores in sorted(per.items())]
    return Table("ratings", _l("Ratings"), [
        ("period", _l("Period")), ("count", _l("Ratings")), ("average", _l("Average rating")),
        ("dissatisfied", _l("Dissatisfied ratings")),
    ], rows)


def centres_table(query: Query) -> Table:
    """The cross-centre view: the case figures of each centre over the whole range."""
    from models.centre import ServiceCentre

    merged = _merge(counters(query, f.CENTRE, by_period=False), lambda g: g[1], Counter,
                    _add_counter)
    names = {centre.code: centre.name for centre in ServiceCentre.objects(
        code__in=list(query.centres)).only("code", "name")}
    rows = [{"centre": names.get(code, code), **case_figures(merged.get(code, Counter()))}
            for code in query.centres]
    return Table("centres", _l("Centres"), [("centre", _l("Centre")), *CASE_COLUMNS], rows)


TABLES: dict[str, Callable[[Query], Table]] = {
    "cases": cases_table, "stages": stages_table, "agencies": agencies_table,
    "overdue": overdue_table, "open_overdue": open_overdue_table, "returns": returns_table,
    "windows": windows_table,
    "complaints": complaints_table, "ratings": ratings_table, "centres": centres_table,
}
