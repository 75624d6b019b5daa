"""Playing the demo history's centres in worker processes, one per centre: the centres share
nothing but the catalogue (numbers, counters and statistics rows are per centre), so each worker
plays its centres' cases and writes them while this process follows their progress.

A worker is ``python -m console.demo_workers``: it reads its job (settings, moments, seed) as
JSON on standard input and answers one JSON line per message on standard output: ``cases`` and
``write`` progress, ``done`` with what it wrote, or ``error``. What else it prints goes to a
temporary file, shown only when it fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
import datetime as dt
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from typing import IO, Any

from flask import current_app
from flask_babel import gettext

from console import demo_history
from console.demo_history import Played, Progress

# Progress is sent every so many cases (one message per case would cost more than it tells).
PROGRESS_EVERY = 20
# Settings a worker's app takes from this one: the store, the language, the clock.
PASSED_PREFIXES = ("ONEWINDOW_", "BABEL_")
PASSED_NAMES = ("SECRET_KEY", "TESTING", "LANGUAGES")


def processes(workers: int | None, moments: Mapping[str, list]) -> int:
    """How many processes play the centres: ``workers`` (default: the processors), at most one
    per centre with cases, and 1 when the store lives in this process only (mongomock)."""
    spec = current_app.extensions.get("onewindow.storage")
    if spec is None or spec.kind == "memory":
        return 1
    busy = sum(1 for found in moments.values() if found)
    return max(1, min(workers or os.cpu_count() or 1, busy))


def worker_config() -> dict[str, Any]:
    """What a worker needs to open the same store in the same language."""
    config = {}
    for name, value in current_app.config.items():
        if name.startswith(PASSED_PREFIXES) or name in PASSED_NAMES:
            try:
                config[name] = json.loads(json.dumps(value))
            except (TypeError, ValueError):
                continue  # not a plain setting (none of ours is needed by the history)
    spec = current_app.extensions["onewindow.storage"]
    config["ONEWINDOW_MONGODB_URI"] = (
        f"embedded://{os.path.abspath(spec.location)}" if spec.kind == "embedded"
        else spec.location)
    config["ONEWINDOW_MONGODB_DB"] = spec.database
    return config


def play(moments: Mapping[str, list[dt.datetime]], seed: int, end: dt.datetime,
         progress: Progress | None, workers: int | None) -> list[Played]:
    """Play every centre with cases in worker processes and wait for them; a worker's failure
    stops the others and is raised here (the caller removes what was written)."""
    centres = sorted((centre for centre, found in moments.items() if found),
                     key=lambda centre: -len(moments[centre]))  # the busiest starts first
    count = processes(workers, moments)
    shares = [centres[index::count] for index in range(count)]
    config = worker_config()
    messages: queue.Queue = queue.Queue()
    children: list[tuple[subprocess.Popen, IO[str]]] = []
    results: dict[str, Played] = {}
    try:
        for share in shares:
            job = {"config": config, "seed": seed, "end": end.isoformat(),
                   "moments": {centre: [m.isoformat() for m in moments[centre]]
                               for centre in share}}
            log = tempfile.TemporaryFile("w+", encoding="utf-8")
            child = subprocess.Popen(
                [sys.executable, "-m", "console.demo_workers"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8", env=_env())
            children.append((child, log))
            child.stdin.write(json.dumps(job))
            child.stdin.close()
            threading.Thread(target=_read, args=(child, messages), daemon=True).start()
        running = len(children)
        while running:
            child, message = messages.get()
            if message is None:  # the child's output ended
                running -= 1
                if child.wait() != 0 and not _reported(child, results, shares, children):
                    raise demo_history.HistoryError(gettext(
                        "A worker playing the history stopped (exit code %(code)s): %(log)s",
                        code=child.returncode, log=_tail(children, child)))
            elif "error" in message:
                raise demo_history.HistoryError(gettext(
                    "The history of centre %(centre)s could not be played: %(error)s",
                    centre=message["centre"], error=message["error"]))
            elif "done" in message:
                results[message["done"]] = Played(Counter(message["states"]),
                                                  message["written"])
            elif progress:
                kind, amount = next(iter(message.items()))
                progress(kind, amount)
    finally:
        for child, log in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            log.close()
    missing = [centre for centre in centres if centre not in results]
    if missing:
        raise demo_history.HistoryError(gettext(
            "A worker playing the history stopped (exit code %(code)s): %(log)s", code=0,
            log=", ".join(missing)))
    return [results[centre] for centre in moments if centre in results]


def _env() -> dict[str, str]:
    """This environment, with this package importable wherever it was loaded from."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


def _read(child: subprocess.Popen, messages: queue.Queue) -> None:
    for line in child.stdout:
        if line.strip():
            messages.put((child, json.loads(line)))
    messages.put((child, None))


def _reported(child, results, shares, children) -> bool:
    """Whether a child that exited with an error had finished its centres anyway."""
    index = [c for c, _log in children].index(child)
    return all(centre in results for centre in shares[index])


def _tail(children: list, child: subprocess.Popen, size: int = 2000) -> str:
    log = next(log for c, log in children if c is child)
    log.seek(0)
    return log.read()[-size:].strip()


# --- the worker -------------------------------------------------------------------------------

def main() -> None:
    """A worker: open the store, play its centres, write their statistics, report."""
    # Protocol lines go to the real standard output; anything a library prints goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    job = json.load(sys.stdin)
    moments = {centre: [dt.datetime.fromisoformat(m) for m in found]
               for centre, found in job["moments"].items()}
    end, seed = dt.datetime.fromisoformat(job["end"]), job["seed"]
    centre = next(iter(moments))

    def send(**message: Any) -> None:
        out.write(json.dumps(message) + "\n")

    try:
        from console import create_app
        from models import daily_figures

        app = create_app(job["config"])
        pending = 0

        def progress(kind: str, count: int) -> None:
            nonlocal pending
            if kind == "cases":
                pending += count
                if pending < PROGRESS_EVERY:
                    return
                count, pending = pending, 0
            send(**{kind: count})

        played = {}
        with app.app_context(), daily_figures.batched():
            for centre, found in moments.items():
                played[centre] = demo_history.play_centre(centre, found, seed, end, progress)
                if pending:  # the rest of this centre's cases
                    send(cases=pending)
                    pending = 0
        # A centre is done once its statistics are written too (when batched() ends).
        for centre, result in played.items():
            send(done=centre, states=dict(result.states), written=result.written)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises it
        send(error=str(error) or type(error).__name__, centre=centre)
        raise SystemExit(1) from error
    finally:
        out.flush()


if __name__ == "__main__":
    main()
