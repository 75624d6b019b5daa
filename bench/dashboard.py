"""How fast the centre dashboard and the statistics screen answer for a month on the embedded
store as cases pile up, and what a rebuild of the daily figures costs.

    .venv/bin/python bench/dashboard.py [--sizes 1000 10000] [--repeat 11]

Uses the stores of ``bench/screens.py`` (built once under ``bench/.stores/``: 2 centres, 12
months of cases). Their cases are inserted raw, so the daily figures are first rebuilt from the
timelines (timed: ``onewindow stats rebuild``); then the supervisor's dashboard and statistics
screen for one month are timed through the WSGI app, logged in, with the number of daily rows
that month holds (what each page reads).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from screens import PASSWORD, build, login, our_app, progress

MONTH = ("2026-05-01", "2026-05-31")


def run_size(n: int, repeat: int) -> dict:
    from console import storage
    from models.daily_figures import DailyFigure, rebuild_figures

    folder = build(n)
    app = our_app(folder / "store")
    with app.app_context():
        start = time.perf_counter()
        cases = rebuild_figures()
        rebuild_s = time.perf_counter() - start
        rows = DailyFigure.objects(
            centre="LY", day__gte=dt.datetime.fromisoformat(MONTH[0]),
            day__lte=dt.datetime.fromisoformat(MONTH[1])).count()
    client = app.test_client()
    login(client, "/login/", "ly_supervisor", PASSWORD)
    urls = {"dashboard, a month": f"/dashboard/?start={MONTH[0]}&end={MONTH[1]}",
            "statistics, a month by week":
                f"/statistics/?start={MONTH[0]}&end={MONTH[1]}&granularity=week"}
    times: dict[str, list[float]] = {name: [] for name in urls}
    for url in urls.values():  # warm-up, and each page answers
        assert client.get(url).status_code == 200, url
    for round_ in range(repeat):
        for name, url in urls.items():
            begin = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - begin) * 1000)
        progress(round_ + 1, repeat, f"timing {n}")
    storage.disconnect()
    result = {"n": n, "cases_rebuilt": cases, "rebuild_s": round(rebuild_s, 1),
              "ly_rows_in_month": rows}
    for name, sample in times.items():
        sample.sort()
        result[f"{name} median_ms"] = round(statistics.median(sample), 1)
        result[f"{name} p90_ms"] = round(sample[int(0.9 * (len(sample) - 1))], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    for n in args.sizes:
        result = run_size(n, args.repeat)
        sys.stdout.write(" ".join(f"{key}={value}" for key, value in result.items()) + "\n")


if __name__ == "__main__":
    main()
