"""How fast `onewindow load-demo --history` fills a fresh embedded store: one child process per
size (a fresh store, `init` and the demo first, not timed), then the history alone is timed.

    .venv/bin/python bench/demo_history.py [--sizes 1000 10000] [--seed 2026] [--profile]

Prints a table: cases, seconds (wall), CPU seconds (the child and its worker processes), cases
per second, the largest peak RSS among them. ``--workers 1`` plays both centres in the child.
``--profile`` prints the child's cProfile top functions (by own time) instead of timing alone.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

CHILD = """
import cProfile, datetime as dt, io, json, pstats, resource, sys, time
sys.path.insert(0, {root!r})
from console import create_app
app = create_app({{"ONEWINDOW_MONGODB_URI": "embedded://{folder}", "SECRET_KEY": "bench",
                  "TESTING": True}})
runner = app.test_cli_runner()
for step in (["init"], ["load-demo"]):
    assert runner.invoke(args=step).exit_code == 0
from console.demo_history import load_history
profile = cProfile.Profile() if {profile} else None
with app.app_context():
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    report = load_history(cases={cases}, seed={seed}, end=dt.datetime(2026, 11, 20, 7, 30),
                          workers={workers})
    if profile:
        profile.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes
cpu += children.ru_utime + children.ru_stime
text = ""
if profile:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
    text = out.getvalue()
print(json.dumps({{"cases": report.cases, "wall": wall, "cpu": cpu,
                  "rss": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                             children.ru_maxrss) / 1024, "workers": report.workers,
                  "written": report.written, "profile": text}}))
"""


def run(cases: int, seed: int, profile: bool, workers: int | None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        code = CHILD.format(root=str(ROOT), folder=folder, cases=cases, seed=seed,
                            profile=profile, workers=workers)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true",
                        help="profile the loading process (use with --workers 1)")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    rows = [run(size, args.seed, args.profile, args.workers) for size in args.sizes]
    print("| cases | workers | seconds | CPU seconds | cases/s | peak RSS | written |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        written = ", ".join(f"{k} {v}" for k, v in sorted(row["written"].items()))
        print(f"| {row['cases']:,} | {row['workers']} | {row['wall']:.1f} | {row['cpu']:.1f} | "
              f"{row['cases'] / row['wall']:.0f} | {row['rss']:.0f} MB | {written} |")
    for row in rows:
        if row["profile"]:
            print(row["profile"])


if __name__ == "__main__":
    main()
