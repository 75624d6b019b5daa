"""How fast the working day's two screens answer when the store holds years of closed cases.

    .venv/bin/python bench/case_screens.py [--closed 2000 20000] [--open 200] [--repeat 20]

For each size, fills a fresh embedded store (and mongomock, for comparison) with closed cases
and a day's open ones, then times the clerk's default list (open cases of the centre, newest
first, one page) and the approver's queue (cases with the agency's open sub-tasks), as the
screens issue them. Prints one table row per store and size: median and 95th percentile in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time

from bson import ObjectId

from console import storage
from models import case as c
from models.case import Case

CENTRES = ("LY", "MJ")
AGENCIES = ("LY-AMR", "LY-PSB", "LY-TAX", "LY-HF", "PBC-LY")


def case_document(index: int, state: str, now: dt.datetime) -> dict:
    """A raw case as MongoEngine stores it (bulk inserts keep the set-up short)."""
    centre = CENTRES[index % len(CENTRES)]
    is_open = state in c.OPEN_STATES
    agencies = [AGENCIES[index % len(AGENCIES)], AGENCIES[(index + 1) % len(AGENCIES)]]
    created = now - dt.timedelta(minutes=index)
    subtasks = [
        {"key": f"{index}-{n}", "agency": agency, "item": f"EO-{n}", "item_name": "事项",
         "status": "pending" if is_open else "done", "created_at": created,
         "deadline": created + dt.timedelta(hours=4 + n), "warning_percent": 80}
        for n, agency in enumerate(agencies)
    ]
    return {
        "_id": ObjectId(), "number": f"{centre}-{index:08d}", "centre": centre,
        "mode": "full_chain", "channel": "window", "delivery_method": "window", "state": state,
        "items": ["EO-0", "EO-1"], "company_name": f"测试{index}有限公司", "legal_rep_name": "王强",
        "legal_rep_id": "11010519491231002X", "phone": "13803791234",
        "address": f"洛阳市某路{index}号", "address_key": f"洛阳市某路{index}", "materials": [],
        "subtasks": subtasks, "timeline": [], "created_at": created,
        "open_agencies": sorted(set(agencies)) if is_open and state == c.ACCEPTED else [],
        "version": 3,
    }


def fill(closed: int, open_cases: int) -> None:
    Case.drop_collection()
    Case.ensure_indexes()
    now = dt.datetime(2026, 11, 23, 2, 0)
    batch: list[dict] = []
    open_states = (c.ACCEPTED, c.REVIEW, c.COACHING)
    for index in range(closed + open_cases):
        state = c.CLOSED if index >= open_cases else open_states[index % len(open_states)]
        batch.append(case_document(index, state, now))
        if len(batch) == 1000:
            Case._get_collection().insert_many(batch)
            batch = []
    if batch:
        Case._get_collection().insert_many(batch)


def clerk_list() -> int:
    return len(list(Case.objects(centre="LY", state__in=list(c.OPEN_STATES))
                    .order_by("-created_at").limit(25)))


def approver_queue() -> int:
    return sum(1 for _ in Case.objects(centre="LY", open_agencies="LY-AMR"))


def measure(query, repeat: int) -> tuple[float, float]:
    query()  # warm-up: the first read loads the code paths and the SQLite pages
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        query()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closed", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--open", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{'store':<10}{'closed':>8}{'open':>6}  {'screen':<16}{'median ms':>10}{'p95 ms':>9}")
    for closed in args.closed:
        for kind in ("embedded", "memory"):
            folder = tempfile.mkdtemp(prefix="ow-bench-")
            storage.connect(storage.StorageSpec(kind, folder, "bench"))
            fill(closed, args.open)
            for name, query in (("clerk list", clerk_list), ("approver queue", approver_queue)):
                median, p95 = measure(query, args.repeat)
                print(f"{kind:<10}{closed:>8}{args.open:>6}  {name:<16}{median:>10.1f}{p95:>9.1f}")
            storage.disconnect()


if __name__ == "__main__":
    main()
