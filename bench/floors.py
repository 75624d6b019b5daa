"""The floors of ``bench/screens.py``: each page's reads through the raw driver (the pymongo API
on the same store) and a bare Jinja template showing the same figures and rows, without the app
around them (no layout, menu, forms, security or MongoEngine documents)."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
import datetime as dt
import math
import re

FLOOR_TEMPLATE = """<table>{% for c in rows %}<tr><td>{{ c.number }}</td><td>{{ c.company_name }}
</td><td>{{ c.state }}</td><td>{{ c.created_at }}</td></tr>{% endfor %}</table>{{ total }}"""
# The case page's floor shows what the page shows: the case's particulars, every material, every
# sub-task and every timeline event with the person's name (no layout, no menu, no forms).
CASE_FLOOR_TEMPLATE = """<h2>{{ c.number }} {{ c.company_name }} {{ c.state }} {{ c.due_at }}</h2>
<table>{% for name, value in header %}<tr><th>{{ name }}</th><td>{{ value }}</td></tr>{% endfor %}
</table><table>{% for m in c.materials %}<tr><td>{{ m.name }}</td><td>{{ m['items']|join('、') }}
</td><td>{{ m.review_points|join('；') }}</td><td>{{ m.state }}</td><td>{{ m.promised_on }}</td>
</tr>{% endfor %}</table><table>{% for t in c.subtasks %}<tr><td>{{ t.agency_name }}</td><td>
{{ t.item_name }}</td><td>{{ t.status }}</td><td>{{ t.deadline }}</td><td>{{ t.remarks }}</td>
</tr>{% endfor %}</table><table>{% for e in c.timeline %}<tr><td>{{ e.at }}</td><td>
{{ names.get(e.actor, e.actor) }}</td><td>{{ e.action }}</td><td>{{ e.from_state }}</td><td>
{{ e.to_state }}</td><td>{{ e.note }}</td></tr>{% endfor %}</table>{{ rating }}"""
# The dashboard's floor shows its key figures, its open overdue table and each chart's numbers
# as plain tables (no ECharts options, no filters form).
DASHBOARD_FLOOR_TEMPLATE = """<h2>{{ centre }}</h2><ul>{% for name, value in kpis %}<li>{{ name }}
{{ value }}</li>{% endfor %}</ul><table>{% for row in overdue %}<tr><td>{{ row.agency }}</td><td>
{{ row.item }}</td><td>{{ row.count }}</td><td>{{ row.oldest }}</td><td>{{ row.cases }}</td><td>
{{ row.windows }}</td><td>{{ row.assignees }}</td></tr>{% endfor %}</table><table>
{% for day, n in days %}<tr><td>{{ day }}</td><td>{{ n.opened }}</td><td>{{ n.accepted }}</td><td>
{{ n.delivered }}</td><td>{{ n.one_window_rate }}</td><td>{{ n.on_time_rate }}</td><td>
{{ n.subtask_on_time_rate }}</td></tr>{% endfor %}</table>{% for title, rows in tables %}
<table><caption>{{ title }}</caption>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}
</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}"""
TEMPLATES = {"case page": CASE_FLOOR_TEMPLATE, "dashboard: a month": DASHBOARD_FLOOR_TEMPLATE}
"""Each page's floor template; the others show rows and a total with ``FLOOR_TEMPLATE``."""


def sample_case(centre: str = "LY"):
    from models import case as c
    from models.case import Case

    return Case.objects(centre=centre, state=c.ACCEPTED).order_by("-created_at").first()


def floor_queries(month: str):
    """The same reads through the raw driver (pymongo API on the same store)."""
    from models import case as c
    from models.case import Case

    start = dt.datetime.fromisoformat(f"{month}-01") - dt.timedelta(hours=8)
    end = dt.datetime.fromisoformat(f"{month}-28") - dt.timedelta(hours=8) + dt.timedelta(days=1)
    sample = sample_case()
    cases = Case._get_collection()

    def listing(spec, sort=(("created_at", -1),)):
        def run():
            rows = list(cases.find(spec, sort=list(sort), limit=25))
            return rows, cases.count_documents(spec)
        return run

    from models import Window
    windows = Window._get_collection()
    return {
        "clerk's default list": listing({"centre": "LY", "state": {"$in": list(c.OPEN_STATES)}}),
        "filtered: state + date range": listing(
            {"centre": "LY", "state": "closed", "created_at": {"$gte": start, "$lt": end}},
            sort=(("due_at", -1),)),
        "company-name search": listing(
            {"centre": "LY", "company_name": re.compile("龙门", re.IGNORECASE)}),
        "case page": lambda: case_page_reads(sample.pk),
        "approver's queue": listing({"centre": "LY", "open_agencies": "LY-AMR"},
                                    sort=(("due_at", 1),)),
        "PDF: acceptance receipt": lambda: receipt_pdf(cases.find_one({"_id": sample.pk})),
        "windows list": lambda: (list(windows.find({"centre": "LY"}, limit=25)),
                                 windows.count_documents({"centre": "LY"})),
        "dashboard: a month": lambda: dashboard_reads("LY", *month_days(month)),
    }


def case_page_reads(pk) -> dict:
    """The floor of a case page: the reads the page makes (the case, its risk counts, the
    centre's calendar and official schedules, the window, the people it names and the rating)
    through the raw driver, for a bare template showing the same particulars and rows."""
    from models import CalendarOverride, ServiceCentre, StaffMember, Window
    from models import case as c
    from models.case import Case
    from models.official_schedule import OfficialSchedule
    from models.rating import Rating

    cases = Case._get_collection()
    raw = cases.find_one({"_id": pk})
    others = {"centre": raw["centre"], "state": {"$in": list(c.OPEN_STATES)}, "_id": {"$ne": pk}}
    cases.count_documents({**others, "legal_rep_id": raw["legal_rep_id"]})
    cases.count_documents({**others, "address_key": raw["address_key"]})
    ServiceCentre._get_collection().find_one({"code": raw["centre"]})
    list(CalendarOverride._get_collection().find({"centre": {"$in": [None, raw["centre"]]}}))
    list(OfficialSchedule._get_collection().find({}))
    window = Window._get_collection().find_one({"_id": raw["window"]}) or {}
    people = {raw.get("clerk"), *(event.get("actor") for event in raw.get("timeline", []))}
    names = {row["username"]: row.get("name") for row in StaffMember._get_collection().find(
        {"username": {"$in": sorted(filter(None, people))}}, {"username": 1, "name": 1})}
    rating = list(Rating._get_collection().find({"centre": raw["centre"], "case": pk}))
    header = [(field, raw.get(field)) for field in (
        "mode", "clerk", "channel", "delivery_method", "accepted_at", "due_at", "company_name",
        "credit_code", "legal_rep_name", "legal_rep_id", "phone", "address")]
    header.append(("window", window.get("name")))
    return {"c": raw, "header": header, "names": names, "rating": rating}


def receipt_pdf(raw: dict) -> tuple[list, int]:
    """The floor of a PDF: the same receipt drawn from the raw document, no app around it."""
    from models.case import Case
    from reports import case_documents as docs
    from reports.pdf import render_pdf

    render_pdf(docs.acceptance_receipt(Case._from_son(raw), dt.date.today()))
    return [], 1


def floor(app, template, query) -> str:
    # In its own app context (a PDF speaks the app's language), never one the pages share.
    with app.app_context():
        found = query()
        if isinstance(found, dict):
            return template.render(found)
        return template.render(zip(("rows", "total"), found, strict=True))


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``month`` (YYYY-MM)."""
    first = dt.date.fromisoformat(f"{month}-01")
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _share(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _p90(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)] if ordered else None


def _avg(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def dashboard_reads(centre: str, start: dt.date, end: dt.date) -> dict:
    """The floor of the dashboard for ``start``–``end`` at ``centre``: the rows it reads (the
    period's daily figures of the centre and its agencies, the agencies' names, the period's
    complaints and ratings, how many cases hold an open sub-task overdue now and the ten most
    overdue of those sub-tasks through ``(centre, task_due)``, the windows naming them, the
    count of late 容缺) through the raw driver, summed in plain Python for a bare template."""
    from models import Agency, ServiceCentre, Window
    from models.case import Case
    from models.complaint import Complaint
    from models.daily_figures import DailyFigure
    from models.rating import Rating

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = (now + dt.timedelta(hours=8)).date()
    first = dt.datetime.combine(start, dt.time())
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    moments = {"$gte": first - dt.timedelta(hours=8), "$lt": after - dt.timedelta(hours=8)}
    name = (ServiceCentre._get_collection().find_one({"code": centre}) or {}).get("name")
    per_day: dict = defaultdict(Counter)
    total, agencies = Counter(), defaultdict(Counter)
    stages, agency_minutes = defaultdict(list), defaultdict(list)
    for row in DailyFigure._get_collection().find(
            {"centre": centre, "dim": {"$in": ["centre", "agency"]},
             "day": {"$gte": first, "$lt": after}}):
        if row["dim"] == "centre":
            per_day[row["day"].date()].update(row.get("n") or {})
            total.update(row.get("n") or {})
            for stage, values in (row.get("d") or {}).items():
                stages[stage] += values
        else:
            agencies[row["key"]].update(row.get("n") or {})
            agency_minutes[row["key"]] += (row.get("d") or {}).get("agency", [])
    names = {row["code"]: row["name"] for row in Agency._get_collection().find(
        {"centre": {"$in": [centre, None]}, "code": {"$in": sorted(agencies)}},
        {"code": 1, "name": 1})}
    complaints = Counter(row.get("category") for row in Complaint._get_collection().find(
        {"centre": centre, "received_at": moments}, {"category": 1, "window": 1, "upheld": 1}))
    scores = [row["score"] for row in Rating._get_collection().find(
        {"centre": centre, "rated_at": moments}, {"score": 1, "rated_at": 1})]
    windows = {row["_id"]: f"{row['code']} {row['name']}" for row in Window._get_collection().find(
        {"centre": centre}, {"code": 1, "name": 1})}
    cases = Case._get_collection()
    # As the page: the cases holding an overdue sub-task counted on (centre, task_due), and the
    # first ten of them in that order, which hold the ten most overdue sub-tasks (whole sub-task
    # lists: the store decodes those fields alone, where dotted paths decode each case whole).
    overdue_spec = {"centre": centre, "task_due": {"$lt": now}}
    overdue_count = cases.count_documents(overdue_spec)
    overdue = []
    for case in cases.find(overdue_spec, {"number": 1, "window": 1, "subtasks": 1},
                           sort=[("task_due", 1), ("_id", 1)], limit=10):
        for task in case.get("subtasks") or ():
            if task.get("status") in ("pending", "in_progress") and task.get(
                    "deadline") and task["deadline"] < now:
                overdue.append((case, task))
    overdue = sorted(overdue, key=lambda pair: pair[1]["deadline"])[:10]
    late = cases.count_documents(
        {"centre": centre, "tolerated_due": {"$lt": dt.datetime.combine(today, dt.time())}})

    def figures(n: Counter) -> dict:
        return {**n, "one_window_rate": _share(n["accepted_one_window"], n["accepted"]),
                "on_time_rate": _share(n["finished_on_time"], n["finished"]),
                "subtask_on_time_rate": _share(n["subtasks_on_time"], n["subtasks_done"])}

    kpis = figures(total)
    return {
        "centre": name,
        "kpis": [(key, kpis.get(key, 0)) for key in (
            "opened", "accepted", "one_window_rate", "on_time_rate", "subtask_on_time_rate",
            "delivered", "subtasks_overdue")] + [
            ("overdue_now", overdue_count),
            ("late_tolerated", late), ("complaints", sum(complaints.values())),
            ("rating", round(sum(scores) / len(scores), 2) if scores else None)],
        "overdue": [{"agency": task.get("agency_name"), "item": task.get("item_name"),
                     "count": 1, "oldest": task["deadline"], "cases": case["number"],
                     "windows": windows.get(case.get("window"), ""),
                     "assignees": task.get("assignee") or ""} for case, task in overdue],
        "days": [(day, figures(n)) for day, n in sorted(per_day.items())],
        "tables": [
            ("agencies", [(names.get(code, code), _avg(agency_minutes[code]),
                           _p90(agency_minutes[code])) for code in sorted(agencies)]),
            ("stages", [(stage, _avg(values), _p90(values)) for stage, values in stages.items()
                        if stage != "agency"]),
            ("returns", sorted(((key, value) for key, value in total.items()
                                if key.startswith("reason:")), key=lambda kv: -kv[1])[:10]),
            ("complaints", sorted(complaints.items(), key=str)),
        ],
    }
