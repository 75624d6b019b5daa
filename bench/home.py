"""How fast each role's home page (``/``) answers on the embedded store as cases pile up.

    .venv/bin/python bench/home.py [--sizes 1000 10000] [--repeat 11]

Reuses the stores of ``bench/screens.py`` (built once under ``bench/.stores/``), fixes the clock
at the end of their twelve months (``ONEWINDOW_NOW``) so the figures are those of a working
morning, and times ``/`` through the WSGI app (Flask test client, logged in) per login: wall
time and this process's CPU time (``time.process_time``), which a loaded machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import screens

from console.cli import DEMO_PASSWORD

LOGINS = ("ly_clerk", "ly_approver", "ly_complaints", "ly_admin", "ly_supervisor", "admin")


def run_size(n: int, repeat: int) -> list[tuple[str, float, float, float]]:
    from console import storage

    folder = screens.build(n)
    app = screens.our_app(folder / "store", ONEWINDOW_NOW=screens.END)
    with app.app_context():
        # What an upgrade runs: `onewindow init` (indexes declared since the store was built),
        # then the derived task_due the lifecycle keeps, filled on these raw inserts as
        # `onewindow stats rebuild` fills it on cases written before the field existed.
        from models.daily_figures import refresh_task_due

        storage.ensure_indexes()
        for centre in ("LY", "MJ"):
            refresh_task_due(centre)
    rows = []
    for username in LOGINS:
        client = app.test_client()
        screens.login(client, "/login/", username,
                      DEMO_PASSWORD)
        client.get("/")  # the first request builds the key tables of new indexes
        times, cpu = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get("/")
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200
        times.sort()
        rows.append((username, statistics.median(times), times[int(0.9 * (len(times) - 1))],
                     statistics.median(cpu)))
    storage.disconnect()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| cases | login | median ms | p90 ms | CPU median ms |")
    print("|---|---|---|---|---|")
    for n in args.sizes:
        for username, median, p90, cpu in run_size(n, args.repeat):
            print(f"| {n:,} | {username} | {median:.0f} | {p90:.0f} | {cpu:.0f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
