"""One demo case's life, acted out through the lifecycle functions at historic moments: the clerk's
review and returns, the agencies' sub-tasks in parallel (supplements, rejections, late ones),
容缺 materials handed in on time, late or not at all, delivery, follow-up, rating, complaints.

Every action happens at a moment on the centre's working calendar, in time order within the
case; an action planned after ``end`` does not happen, so recent cases are left in every open state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import heapq
import itertools
import random

from console import demo_people as people
from console.demo_data import DEMO_LOGINS, ROSTER
from models import case as c
from models import complaint as cm
from models import complaint_lifecycle as complaints
from models import lifecycle as life
from models import memory
from models import rating as ratings
from models.choices import SHIFT_HALVES
from models.deadlines import calendar_for
from models.item import ServiceItem
from models.staff import StaffMember
from models.window import Window
from models.workdays import MINUTES, WORKING_DAYS, WorkCalendar, to_china, to_utc

# Who acts at each centre. Each centre's first clerk, also who takes a case at a window nobody
# with a demo login staffs. Agencies without a demo login at a centre sign as their back office.
CLERKS = {"LY": "ly_clerk", "MJ": "mj_clerk"}
HANDLERS = {"LY": ("ly_complaints", "ComplaintHandler"), "MJ": ("mj_admin", "CentreAdmin")}
APPROVERS = {(centre, agency): username
             for username, role, centre, _staff, agency in DEMO_LOGINS if role == "Approver"}
SHARED_SYSTEMS = {"PBC-LY": "pbc_system"}


def window_clerks() -> dict[tuple[str, str], dict[str, str]]:
    """(centre, window code) → half-day → the clerk login the demo roster puts there (the
    roster is the same on every working day, so it stands for the history's days too)."""
    clerks = {(centre, staff): username for username, role, centre, staff, _agency
              in DEMO_LOGINS if role == "Clerk" and staff}
    found: dict[tuple[str, str], dict[str, str]] = {}
    for centre, pattern in ROSTER.items():
        for window, staff, shift in pattern:
            username = clerks.get((centre, staff))
            if username:
                for half in SHIFT_HALVES[shift]:
                    found.setdefault((centre, window), {})[half] = username
    return found


WINDOW_CLERKS = window_clerks()

MODES = ((c.FULL_CHAIN, 60), (c.PARTIAL_CHAIN, 30), (c.SINGLE_ITEM, 10))
# Share of cases that are one item taken in at a professional window (专业窗口), e.g. a tobacco
# licence: what keeps the one-window acceptance rate (一窗受理率) of the demo below 100 %.
PROFESSIONAL_SHARE = 0.065
CHANNELS = (("window", 80), ("online", 15), ("bank", 5))
RATING_WEIGHTS = ((5, 70), (4, 19), (3, 6), (2, 3), (1, 2))
COMPLAINT_CATEGORIES = (("delay", 35), ("attitude", 20), ("extra_materials", 15),
                        ("inconsistent", 15), ("facilities", 10), ("other", 5))
BANKS = ("中国工商银行洛阳分行营业部", "中国建设银行洛阳涧西支行", "中国银行洛阳分行",
         "中国农业银行洛阳洛龙支行", "洛阳农商银行孟津支行")
SUPPLEMENT_REASONS = (
    "经营范围表述需按规范目录调整，请补正后重新签字",
    "股东签字与身份证件姓名不一致，请本人补签",
    "印章印文需与营业执照名称一致，请确认名称后补交备案表",
    "办税人员实名采集未通过，请本人到场采集",
    "缴存比例超出5%至12%范围，请补正缴存登记表",
    "开户意愿核实未接通，请法定代表人回电确认",
)
REJECT_REASONS = ("名称与已登记企业名称近似，依法不予登记", "住所为禁止登记区域，不予登记",
                  "经营范围涉及前置许可，未取得批准文件")
FOLLOW_UP_NOTES = {
    5: "申请人对一窗办理非常满意，已送达政策服务包",
    4: "申请人满意，建议延长午间服务时间",
    3: "申请人认为排队时间较长",
    2: "申请人反映补正要求未一次说清，多跑了一趟",
    1: "申请人对窗口服务态度不满意",
}
COMPLAINT_TEXTS = {
    "delay": "营业执照已领取，但刻章和发票超过承诺时限仍未办结",
    "attitude": "窗口工作人员解答问题时态度生硬，没有耐心",
    "extra_materials": "窗口要求提供清单以外的房屋租赁备案证明",
    "inconsistent": "电话咨询与窗口告知的材料要求不一致，白跑一趟",
    "facilities": "自助服务区打印机故障，无法打印申请表",
    "other": "希望增加周末服务时间",
}
WITHDRAW_REASONS = ("申请人决定暂缓开办企业", "申请人改为网上全程电子化办理",
                    "股东之间未达成一致，申请撤回")
RETURN_NOTE = "请按一次性告知书补齐补正后再来窗口"
REJECT_COMPLAINT = "经核实不属于本中心受理范围，已告知投诉人向主管部门反映"
MEASURES = "对当事窗口人员批评教育并纳入效能考核"


def weighted(rng: random.Random, choices: tuple[tuple, ...]):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Cast:
    """The actors of one centre, as the lifecycle sees them."""

    centre: str
    handler: life.Actor
    approvers: dict[str, life.Actor] = field(default_factory=dict)
    clerks: dict[str, life.Actor] = field(default_factory=dict)

    def clerk(self, window: str, moment: dt.datetime) -> life.Actor:
        """The clerk the roster puts on ``window`` at ``moment`` (morning before noon, China
        time): a clerk acts only at the window they staff; the centre's first clerk at a window
        no demo login staffs."""
        half = "morning" if to_china(moment).hour < 12 else "afternoon"
        username = WINDOW_CLERKS.get((self.centre, window), {}).get(half) or CLERKS[self.centre]
        actor = self.clerks.get(username)
        if actor is None:
            actor = self.clerks[username] = life.Actor(username, frozenset({"Clerk"}),
                                                       self.centre)
        return actor

    def approver(self, agency: str, centre: str) -> life.Actor:
        """The agency's demo approver at the centre; the shared bank's system login where the
        bank has none; else a back-office name of the agency."""
        if agency not in self.approvers:
            username, actor_centre = APPROVERS.get((centre, agency)), centre
            if username is None and agency in SHARED_SYSTEMS:
                username, actor_centre = SHARED_SYSTEMS[agency], None
            username = username or agency.lower().replace("-", "_")
            self.approvers[agency] = life.Actor(username, frozenset({"Approver"}), actor_centre,
                                                agency)
        return self.approvers[agency]


def professional_items(window: Window) -> list[ServiceItem]:
    """The items a professional window takes in, read once in a memory run, with their
    agencies resolved now (cases are later played without dereferencing)."""
    items = life.items_by_code([item.code for item in window.items or []
                                if isinstance(item, ServiceItem)])
    for item in items:
        item.agency.code  # noqa: B018 - resolves the reference now
    return items


def cast_for(centre: str) -> Cast:
    handler, role = HANDLERS[centre]
    return Cast(centre=centre, handler=life.Actor(handler, frozenset({role}), centre))


class Simulation:
    """Acts out cases at the demo centres up to ``end`` (naive UTC)."""

    def __init__(self, rng: random.Random, end: dt.datetime,
                 centres: tuple[str, ...] = tuple(CLERKS)) -> None:
        self.rng, self.end = rng, end
        self.casts = {centre: cast_for(centre) for centre in centres}
        self.windows = {centre: [w for w in Window.objects(centre=centre, kind="enterprise_opening")
                                 .order_by("code") if life.chain_items(w)]
                        for centre in centres}
        # Professional windows with the items they take in: their single-item cases.
        self.professional = {centre: [(window, items) for window in Window.objects(
            centre=centre, kind="professional").order_by("code")
            if (items := professional_items(window))] for centre in centres}
        self.staff = {centre: list(StaffMember.objects(centre=centre, role="clerk", active=True)
                                   .order_by("name")) for centre in centres}
        self._seq = itertools.count()
        # Each window's chain, its items and their agencies read once (from the run's cache).
        self.chains: dict[tuple[str, str], list] = {}
        for centre, windows in self.windows.items():
            for window in windows:
                items = life.items_by_code([item.code for item in life.chain_items(window)])
                for item in items:
                    item.agency.code  # noqa: B018 - resolves the reference now
                self.chains[centre, window.code] = items

    def calendar(self, centre: str) -> WorkCalendar:
        return calendar_for(centre)

    # --- moments on the calendar ------------------------------------------------------------

    def later(self, centre: str, moment: dt.datetime, minutes: float) -> dt.datetime:
        """``minutes`` of opening time after ``moment``, to the minute."""
        result = self.calendar(centre).add(moment, minutes, MINUTES)
        return result.replace(second=0, microsecond=0)

    def days_later(self, centre: str, moment: dt.datetime, days: int,
                   minutes: float = 0) -> dt.datetime:
        result = self.calendar(centre).add(moment, days, WORKING_DAYS)
        return self.later(centre, result, minutes) if minutes else result

    # --- one case ---------------------------------------------------------------------------

    def case(self, centre: str, opened: dt.datetime) -> c.Case:
        rng, cast = self.rng, self.casts[centre]
        later_items = []
        if self.professional[centre] and rng.random() < PROFESSIONAL_SHARE:
            window, chain = rng.choice(self.professional[centre])
            mode, items = c.SINGLE_ITEM, [rng.choice(chain)]
        else:
            window, mode, items, later_items = self.enterprise_opening(centre)
        applicant = people.applicant(rng, centre, to_china(opened).date())
        method = "mail" if rng.random() < 0.15 else "window"
        if method == "mail":
            applicant["mail_address"] = applicant["address"]
        case = life.open_case(cast.clerk(window.code, opened), window=window, items=items,
                              applicant=applicant, mode=mode, channel=weighted(rng, CHANNELS),
                              delivery_method=method, now=opened)
        Story(self, case, cast, later_items).play(opened)
        return case

    def enterprise_opening(self, centre: str) -> tuple[Window, str, list, list]:
        """An enterprise-opening window, a mode, the items opened with and those added later."""
        rng = self.rng
        window = rng.choice(self.windows[centre])
        chain = self.chains[centre, window.code]
        mode = weighted(rng, MODES)
        licence = [item for item in chain if item.issues_licence]
        others = [item for item in chain if not item.issues_licence]
        later_items = []
        if mode == c.FULL_CHAIN:
            items = chain
        elif mode == c.PARTIAL_CHAIN:
            rng.shuffle(others)
            cut = rng.randint(0, len(others))
            items, later_items = licence + others[:cut], others[cut:]
        else:
            items = [rng.choice(chain)]
        return window, mode, items, later_items


class Story:
    """The events of one case, in time order; stops at the simulation's end."""

    def __init__(self, sim: Simulation, case: c.Case, cast: Cast, later_items: list) -> None:
        self.sim, self.case, self.cast, self.later_items = sim, case, cast, later_items
        self.rng, self.centre = sim.rng, case.centre
        self.window = case.window.code if isinstance(case.window, Window) else None
        self.queue: list[tuple[dt.datetime, int, Callable[[dt.datetime], None]]] = []
        self.tolerated_plan: dict[str, dt.datetime | None] = {}

    def clerk(self, now: dt.datetime) -> life.Actor:
        """Whoever staffs the case's window at ``now``."""
        return self.cast.clerk(self.window, now)

    def at(self, moment: dt.datetime, action: Callable[[dt.datetime], None]) -> None:
        heapq.heappush(self.queue, (moment, next(self.sim._seq), action))

    def minutes(self, moment: dt.datetime, low: float, high: float) -> dt.datetime:
        return self.sim.later(self.centre, moment, self.rng.uniform(low, high))

    def days(self, moment: dt.datetime, low: int, high: int, minutes: float = 30) -> dt.datetime:
        return self.sim.days_later(self.centre, moment, self.rng.randint(low, high),
                                   self.rng.uniform(0, minutes))

    def play(self, opened: dt.datetime) -> None:
        self.at(self.minutes(opened, 5, 40), self.start_review)
        while self.queue:
            moment, _seq, action = heapq.heappop(self.queue)
            if moment > self.sim.end:
                break
            action(moment)

    # --- the window ---------------------------------------------------------------------------

    def start_review(self, now: dt.datetime) -> None:
        life.start_review(self.case, self.clerk(now), now=now)
        following = self.return_case if self.rng.random() < 0.16 else self.accept
        self.at(self.minutes(now, 5, 30), following)

    def return_case(self, now: dt.datetime) -> None:
        rng, case = self.rng, self.case
        required = [row for row in case.materials if row.requirement == "required"]
        wrong = rng.sample(required, k=min(len(required), rng.choice((1, 1, 1, 2))))
        states, reasons = {}, {}
        for row in case.materials:
            states[row.name] = (c.RECEIVED, None)
        for row in wrong:
            point = rng.choice(row.review_points) if row.review_points else "请按清单提交"
            if rng.random() < 0.5:
                states[row.name] = (c.DEFECTIVE, None, f"不符合：{point}")
            else:
                states[row.name] = (c.MISSING, None)
                reasons[row.name] = f"未提交（{point}）"
        life.record_materials(case, self.clerk(now), states, now=now)
        life.return_case(case, self.clerk(now), RETURN_NOTE, reasons=reasons, now=now)
        if rng.random() < 0.07:  # the applicant gives up
            self.at(self.days(now, 5, 15), self.withdraw)
        else:
            self.at(self.days(now, 1, 6, 240), self.resubmit)

    def resubmit(self, now: dt.datetime) -> None:
        life.resubmit(self.case, self.clerk(now), "申请人已按一次性告知补齐材料", now=now)
        second = len(self.case.returns) < 2 and self.rng.random() < 0.08
        self.at(self.minutes(now, 5, 20), self.return_case if second else self.accept)

    def accept(self, now: dt.datetime) -> None:
        rng, case = self.rng, self.case
        today = to_china(now).date()
        states = {}
        for row in case.materials:
            if row.requirement == "tolerated" and rng.random() < 0.45:
                latest = life.latest_promise(case, row, today)
                ahead = rng.randint(1, max(1, min((latest - today).days, 5)))
                promised = min(latest, today + dt.timedelta(days=ahead))
                states[row.name] = (c.TOLERATED, promised)
                self.plan_tolerated(row.name, promised, now)
            else:
                states[row.name] = (c.RECEIVED, None)
        life.record_materials(case, self.clerk(now), states, now=now)
        life.accept(case, self.clerk(now), now=now)
        self.schedule_released(now)
        if self.later_items:
            self.at(self.days(now, 0, 2, 300), self.add_items)
        if rng.random() < 0.012:
            self.at(self.days(now, 0, 3, 200), self.withdraw)

    def plan_tolerated(self, name: str, promised: dt.date, now: dt.datetime) -> None:
        roll = self.rng.random()
        if roll < 0.03:
            return  # never handed in: late 容缺 once the promise passes
        promise_open = to_utc(dt.datetime.combine(promised, dt.time(9, 0)))
        if roll < 0.13:  # late: some days after the promise
            moment = self.days(promise_open, 1, 3, 300)
        else:
            span = max(0, (promised - to_china(now).date()).days)
            moment = self.days(now, 0, span, 200) if span else self.minutes(now, 20, 200)
            moment = min(moment, self.sim.later(self.centre, promise_open, 420))
        self.at(moment, lambda when, name=name: self.receive_tolerated(name, when))

    def receive_tolerated(self, name: str, now: dt.datetime) -> None:
        case = self.case
        if case.state in (c.ACCEPTED, c.READY, c.DELIVERED) and any(
                row.name == name and row.state == c.TOLERATED for row in case.materials):
            life.receive_tolerated(case, self.clerk(now), name, now=now)
            if case.state == c.READY:  # a delivery may have waited for it
                self.at(self.minutes(now, 10, 400), self.deliver)

    def add_items(self, now: dt.datetime) -> None:
        if self.case.state not in (c.ACCEPTED, c.READY):
            return
        items = self.later_items[: self.rng.randint(1, len(self.later_items))]
        life.add_items(self.case, self.clerk(now), items, now=now)
        self.schedule_released(now)

    def withdraw(self, now: dt.datetime) -> None:
        if self.case.state in (c.COACHING, c.REVIEW, c.RETURNED, c.ACCEPTED):
            life.withdraw(self.case, self.clerk(now), self.rng.choice(WITHDRAW_REASONS), now=now)

    # --- the agencies -----------------------------------------------------------------------

    def schedule_released(self, now: dt.datetime) -> None:
        """Plan the work of every sub-task that may start now and has no plan yet."""
        for task in self.case.subtasks:
            if task.status == c.PENDING and task.ready_at == now:
                # Picked up after a small share of its time limit (a 20-minute seal at once).
                total = self.sim.calendar(self.centre).open_minutes_between(now, task.deadline)
                pickup = self.sim.later(self.centre, now,
                                        max(1.0, total * self.rng.uniform(0.02, 0.25)))
                self.at(pickup, lambda when, key=task.key: self.start_task(key, when))

    def task(self, key: str) -> c.SubTask:
        return self.case.subtask(key)

    def actor(self, task: c.SubTask) -> life.Actor:
        return self.cast.approver(task.agency, self.centre)

    def start_task(self, key: str, now: dt.datetime) -> None:
        task = self.task(key)
        if self.case.state != c.ACCEPTED or task.status != c.PENDING:
            return
        life.start_subtask(self.case, self.actor(task), key, now=now)
        task = self.task(key)  # the lifecycle writes a new copy of the sub-tasks
        budget = self.sim.calendar(self.centre).open_minutes_between(now, task.deadline)
        budget = max(budget, 10.0)
        roll = self.rng.random()
        if roll < 0.01:
            self.at(self.minutes(now, 10, 200), lambda when: self.reject_task(key, when))
            return
        if roll < 0.09:
            share = self.rng.uniform(1.1, 3.0)  # late
        elif roll < 0.12:
            share = self.rng.uniform(4.0, 12.0)  # stalled: overdue for days
        else:
            share = self.rng.uniform(0.15, 0.9)
        if self.rng.random() < 0.08:
            asked = self.sim.later(self.centre, now, budget * self.rng.uniform(0.1, 0.4))
            self.at(asked, lambda when: self.ask_supplement(key, when, share))
        else:
            self.at(self.sim.later(self.centre, now, budget * share),
                    lambda when: self.complete_task(key, when))

    def ask_supplement(self, key: str, now: dt.datetime, share: float) -> None:
        task = self.task(key)
        if self.case.state != c.ACCEPTED or task.status != c.IN_PROGRESS:
            return
        life.request_supplement(self.case, self.actor(task), key,
                                self.rng.choice(SUPPLEMENT_REASONS), now=now)
        self.at(self.days(now, 1, 4, 300), lambda when: self.supplement_in(key, when, share))

    def supplement_in(self, key: str, now: dt.datetime, share: float) -> None:
        task = self.task(key)
        if self.case.state != c.ACCEPTED or task.status != c.SUPPLEMENT:
            return
        life.record_supplement(self.case, self.actor(task), key, "补正材料已收到", now=now)
        task = self.task(key)  # with its deadline moved by the pause
        left = self.sim.calendar(self.centre).open_minutes_between(now, task.deadline)
        self.at(self.sim.later(self.centre, now, max(left, 10.0) * min(share, 0.9)),
                lambda when: self.complete_task(key, when))

    def complete_task(self, key: str, now: dt.datetime) -> None:
        task = self.task(key)
        if self.case.state != c.ACCEPTED or task.status != c.IN_PROGRESS:
            return
        life.complete_subtask(self.case, self.actor(task), key, self.results(task), now=now)
        self.after_task(now)

    def reject_task(self, key: str, now: dt.datetime) -> None:
        task = self.task(key)
        if self.case.state != c.ACCEPTED or task.status != c.IN_PROGRESS:
            return
        returned = self.rng.random() < 0.4
        life.reject_subtask(self.case, self.actor(task), key, self.rng.choice(REJECT_REASONS),
                            returned=returned, now=now)
        self.at(self.days(now, 0, 1, 200), lambda when: self.decide(key, when))

    def decide(self, key: str, now: dt.datetime) -> None:
        """The clerk's decision on a refused sub-task: drop the item, or close the case."""
        task = self.task(key)
        if self.case.state != c.ACCEPTED:
            return
        if task.after or self.rng.random() < 0.3:
            life.drop_item(self.case, self.clerk(now), key, "申请人同意先办理其他事项", now=now)
            self.after_task(now)
        else:
            life.close_rejected(self.case, self.clerk(now), task.reason or "不予登记", now=now)

    def after_task(self, now: dt.datetime) -> None:
        self.schedule_released(now)
        if self.case.state == c.READY:
            self.at(self.minutes(now, 10, 900), self.deliver)

    def results(self, task: c.SubTask) -> dict:
        rng, centre = self.rng, self.centre
        values = {
            "licence_number": f"{people.REGION[centre]}{rng.randint(10**8, 10**9 - 1)}",
            "credit_code": people.credit_code(rng, centre),
            "seals": ["公章", "法定代表人名章", "财务专用章", "发票专用章"]
            + (["合同专用章"] if rng.random() < 0.4 else []),
            "invoice_count": rng.choice((25, 50, 100)),
            "ukey_serial": f"{rng.randint(10**11, 10**12 - 1)}",
            "bank_name": rng.choice(BANKS),
            "account_number": f"41{rng.randint(10**15, 10**16 - 1)}",
            "registration_number": f"{people.REGION[centre]}{rng.randint(10**7, 10**8 - 1)}",
        }
        return {name: values[name] for name in task.result_fields or []}

    # --- delivery and after -------------------------------------------------------------------

    def deliver(self, now: dt.datetime) -> None:
        case = self.case
        if case.state != c.READY:
            return
        if life.withheld_by(case, to_china(now).date()):
            return  # the result waits for an overdue 容缺 material: the case stays ready
        if case.delivery_method == "mail":
            tracking = f"SF{self.rng.randint(10**11, 10**12 - 1)}"
            life.deliver(case, self.clerk(now), tracking_number=tracking, now=now)
        else:
            life.deliver(case, self.clerk(now), recipient=case.legal_rep_name,
                         results=["政策服务包"], now=now)
        self.at(self.days(now, 1, 5, 300), self.close)
        if self.rng.random() < 0.012:
            self.at(self.days(now, 0, 10, 400), self.complaint)

    def close(self, now: dt.datetime) -> None:
        score = weighted(self.rng, RATING_WEIGHTS)
        life.close(self.case, self.clerk(now), method=self.rng.choice(("call", "call", "visit")),
                   note=FOLLOW_UP_NOTES[score], rating=score, now=now)
        run = memory.current()
        rating = run.keyed.get(("rating", self.case.pk)) if run else ratings.rating_of(self.case)
        if rating is not None and rating.dissatisfied:
            task = ratings.Rectification.objects(rating=rating).first() if run is None else next(
                t for t in reversed(run.documents[ratings.Rectification])
                if t.rating.pk == rating.pk)
            self.at(self.days(now, 0, 1, 200), lambda when: self.rectify(task, when))

    def rectify(self, task: ratings.Rectification, now: dt.datetime) -> None:
        ratings.start_rectification(task, self.cast.handler, now=now)
        closed = self.days(now, 1, 4, 300)
        if closed <= self.sim.end:
            ratings.close_rectification(task, self.cast.handler,
                                        measures="已约谈窗口人员并组织服务规范再培训",
                                        callback_note="已回访申请人，申请人表示认可", now=closed)

    def complaint(self, now: dt.datetime) -> None:
        rng, case, cast = self.rng, self.case, self.cast
        category = weighted(rng, COMPLAINT_CATEGORIES)
        roll = rng.random()
        subject = case
        if roll < 0.2 and isinstance(case.window, Window):
            subject = case.window
        elif roll < 0.3 and self.sim.staff[self.centre]:
            subject = rng.choice(self.sim.staff[self.centre])
        anonymous = rng.random() < 0.15
        complaint = complaints.log_complaint(
            cast.handler, centre=self.centre, channel=rng.choice([v for v, _ in cm.CHANNELS]),
            category=category, description=COMPLAINT_TEXTS[category], subject=subject,
            complainant_name=None if anonymous else case.legal_rep_name,
            complainant_phone=None if anonymous else case.phone, anonymous=anonymous,
            received_at=now, now=now)
        steps = [self.days(now, 0, 1, 200)]
        steps.append(self.days(steps[-1], 1, 4, 300))
        steps.append(self.minutes(steps[-1], 30, 400))
        if steps[0] > self.sim.end:
            return
        if rng.random() < 0.1:
            complaints.reject(complaint, cast.handler, REJECT_COMPLAINT, now=steps[0])
            return
        complaints.investigate(complaint, cast.handler, now=steps[0])
        if steps[1] > self.sim.end:
            return
        upheld = rng.random() < 0.45
        complaints.resolve(complaint, cast.handler, finding="已调取窗口录像并与当事人核实",
                           upheld=upheld, measures=MEASURES if upheld else "",
                           now=steps[1])
        if steps[2] <= self.sim.end:
            complaints.close(complaint, cast.handler,
                             informed_via=None if anonymous else rng.choice(("phone", "sms")),
                             satisfaction=None if anonymous else rng.choice((3, 4, 4, 5)),
                             now=steps[2])

