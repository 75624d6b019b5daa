"""How fast the complaint handler's queue and a month's effectiveness review answer when the store
holds years of complaints and cases.

    .venv/bin/python bench/complaint_screens.py [--sizes 2000 20000] [--repeat 10]

For each size, fills a fresh embedded store (and mongomock, for comparison) with that many closed
complaints and delivered cases spread over two years plus 50 open complaints, then times the queue
(open complaints of the centre by deadline) and :func:`models.review.compute` for one month.
Prints one row per store and size: median and 95th percentile in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time

from bson import ObjectId

from console import storage
from models import complaint as m
from models.case import Case
from models.complaint import Complaint
from models.review import compute

OPEN = 50


def fill(size: int, now: dt.datetime) -> None:
    windows = [ObjectId() for _ in range(12)]
    complaints, cases = [], []
    for index in range(size + OPEN):
        received = now - dt.timedelta(hours=index * 730 * 24 / size)
        state = m.RECEIVED if index < OPEN else m.CLOSED
        complaints.append({
            "number": f"LY-TS-{index:08d}", "centre": "LY", "channel": "hotline",
            "received_at": received, "subject_kind": "window",
            "window": windows[index % len(windows)],
            "category": m.CATEGORIES[index % len(m.CATEGORIES)][0], "description": "x",
            "due_at": received + dt.timedelta(days=7), "state": state,
            "upheld": index % 3 == 0, "version": 0})
        if index < size:
            cases.append({
                "number": f"LY-{index:08d}", "centre": "LY", "window": windows[index % 12],
                "clerk": f"clerk{index % 20}", "state": "delivered", "company_name": "x",
                "legal_rep_name": "x", "legal_rep_id": "11010519491231002X",
                "phone": "13803791234", "address": "x", "created_at": received,
                "accepted_at": received, "due_at": received + dt.timedelta(days=1),
                "finished_at": received + dt.timedelta(hours=5),
                "handover": {"method": "window", "at": received + dt.timedelta(hours=6)},
                "timeline": [{"at": received, "actor": "x", "action": "return"}],
                "version": 0})
    Complaint._get_collection().insert_many(complaints)
    Case._get_collection().insert_many(cases)


def timed(action, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    now = dt.datetime(2026, 11, 23, 2, 0)
    print("store     size    queue median/p95 ms   review median/p95 ms")
    for size in args.sizes:
        for kind in ("embedded", "memory"):
            with tempfile.TemporaryDirectory() as folder:
                storage.connect(storage.StorageSpec(kind, folder, "bench"))
                for document in (Complaint, Case):
                    document.ensure_indexes()
                fill(size, now)
                queue = timed(lambda: list(Complaint.objects(
                    centre="LY", state__in=list(m.OPEN_STATES)).order_by("due_at")), args.repeat)
                review = timed(lambda: compute("LY", dt.date(2026, 10, 1),
                                               dt.date(2026, 10, 31)), args.repeat)
                print(f"{kind:9} {size:6}  {queue[0]:8.1f} / {queue[1]:8.1f}   "
                      f"{review[0]:8.1f} / {review[1]:8.1f}")
                storage.disconnect()


if __name__ == "__main__":
    main()
