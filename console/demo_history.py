"""``load_history``: a year of cases, complaints and ratings at the demo centres, acted out through
the lifecycle functions in a memory run (:mod:`models.memory`) and written in bulk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import random
import time

from flask_babel import gettext
from mongoengine.context_managers import no_dereference

from console.demo_simulation import CLERKS, Simulation
from models import daily_figures, memory
from models import rating as ratings
from models.case import Case
from models.case_numbers import CaseCounter
from models.complaint import Complaint
from models.daily_figures import DailyFigure
from models.deadlines import calendar_for
from models.rating import Rating, Rectification
from models.workdays import to_china, to_utc

DEFAULT_CASES = 5_000
MAX_CASES = 100_000
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
DEFAULT_SEED = 2026
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


def check_arguments(cases: int, months: int) -> None:
    """Refuse numbers outside what the loader supports, with a translated message."""
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
    # The last cases came in during the last two working days, most just before ``end``: they
    # are caught in coaching, review, a return or the back office.
    recent = min(cases, max(16, cases // 100))
    while len(moments) < cases:
        centre = rng.choices(centres, weights=weights)[0]
        if not days[centre]:
            raise HistoryError(gettext("There is no working day in the chosen months."))
        if len(moments) < recent:
            day, hours = days[centre][-rng.randint(1, min(2, len(days[centre])))]
            opens, closes = rng.choice(list(hours))
            latest = min(dt.datetime.combine(day, closes), to_china(end))
            moment = latest - dt.timedelta(minutes=int(rng.expovariate(1 / 60)))
            moment = to_utc(max(moment, dt.datetime.combine(day, opens)))
        else:
            # Growth over the year: later days are a little more likely.
            index = int(len(days[centre]) * (rng.random() ** 0.8))
            day, hours = days[centre][min(index, len(days[centre]) - 1)]
            opens, closes = rng.choice(list(hours))
            first = dt.datetime.combine(day, opens)
            length = (dt.datetime.combine(day, closes) - first).total_seconds() / 60
            moment = to_utc(first + dt.timedelta(minutes=int(rng.uniform(0, max(length - 20, 1)))))
        if start <= moment <= end:
            moments.append((moment, centre))
    moments.sort()
    return moments


def span(months: int, end: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The history's first and last moment (naive UTC): ``months`` months up to ``end`` (now)."""
    end = (end or dt.datetime.now(dt.UTC).replace(tzinfo=None)).replace(second=0, microsecond=0)
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


def load_history(*, cases: int = DEFAULT_CASES, months: int = DEFAULT_MONTHS,
                 seed: int = DEFAULT_SEED, end: dt.datetime | None = None,
                 replace: bool = False, progress: Progress | None = None) -> HistoryReport:
    """Act out ``cases`` cases over the last ``months`` months up to ``end`` (naive UTC, default
    now) and write them with their complaints, ratings and rectifications. Refuses (writing
    nothing) when the demo centres hold cases already, unless ``replace``."""
    check_arguments(cases, months)
    found = existing_cases()
    if found and not replace:
        raise HistoryExists(gettext(
            "The demo centres already hold %(count)d cases: history not added. Use --replace to "
            "delete them and load the history again.", count=found))
    started = time.perf_counter()
    start, end = span(months, end)
    rng = random.Random(seed)
    report = HistoryReport(cases=cases)
    if replace:
        remove_history()
    try:
        # The memory run sends no case_changed: it hands each change to the statistics'
        # receiver itself, whose daily rows are gathered in memory and written once at the end.
        with daily_figures.batched():
            _act_out(report, rng, seed, cases, start, end, progress)
    except BaseException:
        remove_history()  # a failed load leaves no partial history behind
        raise
    report.seconds = time.perf_counter() - started
    _audit(report, seed, months)
    return report


def _act_out(report: HistoryReport, rng: random.Random, seed: int, cases: int,
             start: dt.datetime, end: dt.datetime, progress: Progress | None) -> None:
    """Play every case in a memory run, writing each batch of finished cases at once."""
    def written(count: int) -> None:
        if progress:
            progress("write", count)

    receivers = (ratings.rating_from_follow_up, daily_figures.on_case_changed)
    with memory.run(seed, receivers=receivers) as run:
        simulation = Simulation(rng, end)  # reads the configuration, references resolved
        # Nothing a case holds in its lists is a reference: skipping MongoEngine's walk over
        # every list at every read changes nothing but the time.
        with no_dereference(Case):
            for index, (moment, centre) in enumerate(opening_moments(rng, cases, start, end), 1):
                case = simulation.case(centre, moment)
                report.states[case.state] += 1
                if progress:
                    progress("cases", 1)
                if index % BATCH == 0:  # a finished case changes no more: memory stays flat
                    _add(report.written, run.flush(written))
            _add(report.written, run.flush(written))


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

