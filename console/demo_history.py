"""``load_history``: a year of cases, complaints and ratings at the demo centres, acted out through
the lifecycle functions in a memory run (:mod:`models.memory`) and written in bulk, one worker
process per centre when the store is shared between processes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import random
import time

from flask_babel import gettext
from mongoengine.context_managers import no_dereference

from console import clock
from console.demo_simulation import CLERKS, Simulation
from models import daily_figures, memory
from models import rating as ratings
from models.case import Case
from models.case_numbers import CaseCounter
from models.complaint import Complaint
from models.daily_figures import DailyFigure
from models.deadlines import calendar_for
from models.rating import Rating, Rectification
from models.risk_keys import rebuild_risk_keys
from models.workdays import to_china, to_utc

DEFAULT_CASES = 5_000
MAX_CASES = 100_000
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
DEFAULT_SEED = 2026
MAX_WORKERS = 16
BATCH = 500  # cases played before their documents are written
# LY is the city's centre, MJ a county's: most cases are opened at LY.
CENTRE_SHARE = (("LY", 7), ("MJ", 3))
CENTRES = tuple(CLERKS)

Progress = Callable[[str, int], None]


class HistoryError(ValueError):
    """The history cannot be loaded as asked; the message is translated."""


class HistoryExists(HistoryError):
    """The demo centres hold cases already."""


@dataclass
class HistoryReport:
    """What a load wrote and how long it took."""

    cases: int = 0
    written: dict[str, int] = field(default_factory=dict)
    states: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    workers: int = 1  # processes that played the centres


def check_arguments(cases: int, months: int, workers: int | None = None) -> None:
    """Refuse numbers outside what the loader supports, with a translated message."""
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise HistoryError(gettext("The number of worker processes must be between 1 and "
                                   "%(max)d.", max=MAX_WORKERS))
    if not 1 <= cases <= MAX_CASES:
        raise HistoryError(gettext("The number of cases must be between 1 and %(max)d.",
                                   max=MAX_CASES))
    if not 1 <= months <= MAX_MONTHS:
        raise HistoryError(gettext("The number of months must be between 1 and %(max)d.",
                                   max=MAX_MONTHS))


def existing_cases() -> int:
    return Case.objects(centre__in=CENTRES).count()


def opening_moments(rng: random.Random, cases: int, start: dt.datetime,
                    end: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """``cases`` moments (naive UTC) within service hours of working days between ``start`` and
    ``end``, each with its centre, in time order; later months a little busier."""
    centres, weights = zip(*CENTRE_SHARE, strict=True)
    days: dict[str, list[tuple[dt.date, list]]] = {}
    for centre in centres:
        calendar = calendar_for(centre)
        day, last, found = to_china(start).date(), to_china(end).date(), []
        while day <= last:
            hours = [(opens, closes) for opens, closes in calendar.working_hours_on(day)
                     if dt.datetime.combine(day, opens) < to_china(end)]
            if hours:
                found.append((day, hours))
            day += dt.timedelta(days=1)
        days[centre] = found
    moments = []
    # The last cases came in during the last working days, many in the last session just before
    # ``end``: they are caught in coaching, review, a return, the back office or waiting for
    # pick-up.
    recent = min(cases, max(24, cases // 100))
    while len(moments) < cases:
        centre = rng.choices(centres, weights=weights)[0]
        found = days[centre]
        if not found:
            raise HistoryError(gettext("There is no working day in the chosen months."))
        if len(moments) < recent and rng.random() < 0.6:
            # The session open at ``end`` (or the last one before it), minutes before it.
            day, hours = found[-1]
            opens, closes = hours[-1]
            latest = min(dt.datetime.combine(day, closes), to_china(end))
            moment = latest - dt.timedelta(minutes=1 + int(rng.expovariate(1 / 45)))
            moment = to_utc(max(moment, dt.datetime.combine(day, opens)))
        else:
            if len(moments) < recent:  # one of the last three working days
                index = len(found) - rng.randint(1, min(3, len(found)))
            else:  # growth over the year: later days are a little more likely
                index = min(int(len(found) * (rng.random() ** 0.8)), len(found) - 1)
            day, hours = found[index]
            opens, closes = rng.choice(list(hours))
            first = dt.datetime.combine(day, opens)
            length = (dt.datetime.combine(day, closes) - first).total_seconds() / 60
            moment = to_utc(first + dt.timedelta(minutes=int(rng.uniform(0, max(length - 20, 1)))))
        if start <= moment <= end:
            moments.append((moment, centre))
    moments.sort()
    return moments


def span(months: int, end: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The history's first and last moment (naive UTC): ``months`` months up to ``end`` (now, at
    the console's clock: ``ONEWINDOW_NOW`` ends the history at the demonstration's moment)."""
    end = (end or clock.utcnow()).replace(second=0, microsecond=0)
    return end - dt.timedelta(days=round(months * 365.25 / 12)), end


def remove_history() -> dict[str, int]:
    """Delete the demo centres' cases, complaints, ratings, rectifications, daily figures and
    their number counters (``--replace``)."""
    removed = {}
    for document in (Case, Complaint, Rating, Rectification, DailyFigure):
        removed[document._meta["collection"]] = document.objects(centre__in=CENTRES).delete()
    for centre in CENTRES:
        CaseCounter.objects(key__startswith=f"{centre}-").delete()
    return removed


def plan(cases: int, seed: int, start: dt.datetime,
         end: dt.datetime) -> dict[str, list[dt.datetime]]:
    """Each centre's opening moments, in time order: the whole history's plan, drawn from
    ``seed`` before any case is played."""
    moments: dict[str, list[dt.datetime]] = {centre: [] for centre in CENTRES}
    for moment, centre in opening_moments(random.Random(seed), cases, start, end):
        moments[centre].append(moment)
    return moments


def run_seed(seed: int, centre: str) -> str:
    """The seed of ``centre``'s memory run (its sub-task keys and document ids)."""
    return f"{seed}-{centre}"


def simulation_for(seed: int, centre: str, end: dt.datetime) -> Simulation:
    """``centre``'s simulation with its own random stream: what a centre's cases become does
    not depend on the other centre's, so the centres can be played in any order or process."""
    return Simulation(random.Random(f"cases-{seed}-{centre}"), end, centres=(centre,))


@dataclass
class Played:
    """What playing one centre's cases gave: the cases' states and the documents written."""

    states: Counter = field(default_factory=Counter)
    written: dict[str, int] = field(default_factory=dict)


def play_centre(centre: str, moments: list[dt.datetime], seed: int, end: dt.datetime,
                progress: Progress | None = None) -> Played:
    """Play ``centre``'s cases in a memory run, writing each batch of finished cases at once.
    The caller holds :func:`models.daily_figures.batched` (the statistics' rows are written
    when it ends)."""
    played = Played()

    def written(count: int) -> None:
        if progress:
            progress("write", count)

    receivers = (ratings.rating_from_follow_up, daily_figures.on_case_changed)
    with memory.run(run_seed(seed, centre), receivers=receivers) as run:
        simulation = simulation_for(seed, centre, end)  # reads the configuration once
        # Nothing a case holds in its lists is a reference: skipping MongoEngine's walk over
        # every list at every read changes nothing but the time.
        with no_dereference(Case):
            for index, moment in enumerate(moments, 1):
                case = simulation.case(centre, moment)
                played.states[case.state] += 1
                if progress:
                    progress("cases", 1)
                if index % BATCH == 0:  # a finished case changes no more: memory stays flat
                    _add(played.written, run.flush(written))
            _add(played.written, run.flush(written))
    return played


def load_history(*, cases: int = DEFAULT_CASES, months: int = DEFAULT_MONTHS,
                 seed: int = DEFAULT_SEED, end: dt.datetime | None = None,
                 replace: bool = False, progress: Progress | None = None,
                 workers: int | None = None) -> HistoryReport:
    """Act out ``cases`` cases over the last ``months`` months up to ``end`` (naive UTC, default
    now) and write them with their complaints, ratings and rectifications. Refuses (writing
    nothing) when the demo centres hold cases already, unless ``replace``. ``workers``: how
    many processes play the centres (default one per centre, up to the processors; 1, or a
    store only this process sees, plays them here); the history is the same either way."""
    from console import demo_workers

    check_arguments(cases, months, workers)
    found = existing_cases()
    if found and not replace:
        raise HistoryExists(gettext(
            "The demo centres already hold %(count)d cases: history not added. Use --replace to "
            "delete them and load the history again.", count=found))
    started = time.perf_counter()
    start, end = span(months, end)
    moments = plan(cases, seed, start, end)
    report = HistoryReport(cases=cases)
    if replace:
        remove_history()
    try:
        report.workers = demo_workers.processes(workers, moments)
        if report.workers > 1:
            results = demo_workers.play(moments, seed, end, progress, workers)
        else:
            # The memory run sends no case_changed: it hands each change to the statistics'
            # receiver itself, whose rows are gathered in memory and written once at the end.
            with daily_figures.batched():
                results = [play_centre(centre, found, seed, end, progress)
                           for centre, found in moments.items() if found]
    except BaseException:
        remove_history()  # a failed load leaves no partial history behind
        raise
    finally:
        # The memory runs send no case_changed: the open cases are counted per key once here.
        for centre in CENTRES:
            rebuild_risk_keys(centre)
    for played in results:
        report.states.update(played.states)
        _add(report.written, played.written)
    report.seconds = time.perf_counter() - started
    _audit(report, seed, months)
    return report


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for name, count in more.items():
        total[name] = total.get(name, 0) + count


def _audit(report: HistoryReport, seed: int, months: int) -> None:
    """One audit entry for the whole load: the history is generated, and says so."""
    from console.audit.log import record

    record("create", document="Case", actor="onewindow load-demo",
           summary=gettext("Demo history generated: %(cases)d cases over %(months)d months "
                           "(seed %(seed)d), with %(complaints)d complaints and %(ratings)d "
                           "ratings.", cases=report.cases, months=months, seed=seed,
                           complaints=report.written.get("complaints", 0),
                           ratings=report.written.get("ratings", 0)))

