"""How fast the console's screens answer on the embedded store as cases pile up, against the
floor (the same query through the raw driver and a bare template) and the peer (stock FAB 5 on
SQLAlchemy + SQLite with the same cases as a flat table).

    .venv/bin/python bench/screens.py [--sizes 1000 10000] [--repeat 15] [--json out.json]

Stores are built once per size under ``bench/.stores/`` or ``$ONEWINDOW_BENCH_STORES`` (realistic
cases: 6–8 sub-tasks, 10–15 materials, 5–20 timeline events, 2 centres, 12 months, 15% open), given
their daily figures once (``onewindow init``, then ``stats rebuild``) and reused by later runs.
Each run times every page through the WSGI app (Flask test client, logged in), contenders
interleaved, wall and CPU time, then a cold first request in a fresh process and that process's
peak memory. The floors are in ``bench/floors.py``.
"""

from __future__ import annotations

import argparse
from collections import Counter
import datetime as dt
import json
import os
import pathlib
import random
import re
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

# Where the generated stores are kept (and reused): ONEWINDOW_BENCH_STORES, else bench/.stores.
STORES = pathlib.Path(os.environ.get("ONEWINDOW_BENCH_STORES") or ROOT / ".stores")
END = dt.datetime(2026, 11, 20, 8, 0)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
from floors import FLOOR_TEMPLATE, TEMPLATES, floor, floor_queries, month_days, sample_case  # noqa: E402

from console.cli import DEMO_PASSWORD  # noqa: E402  (after the path is set)

PASSWORD = DEMO_PASSWORD


def progress(done: int, total: int, label: str) -> None:
    width = 40
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


# --- building -------------------------------------------------------------------------------


def our_app(folder: pathlib.Path, **config):
    from console import create_app

    # TESTING for the test client's logins; the garbage collector settled as when serving.
    return create_app({"ONEWINDOW_MONGODB_URI": f"embedded://{folder}", "SECRET_KEY": "bench",
                       "TESTING": True, "ONEWINDOW_GC_FREEZE": True,
                       "BABEL_DEFAULT_LOCALE": "zh_CN", **config})


def id_number(rng: random.Random) -> str:
    """A well-formed resident ID number (GB 11643 check digit), so each person is distinct."""
    body = f"110105{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}" \
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    return body + "10X98765432"[total % 11]


def timeline_of(rng: random.Random, created: dt.datetime, clerk: str, subtasks: list[dict],
                state: str, approvers: dict) -> list[dict]:
    """A case's timeline as the lifecycle writes it: opened, reviewed and accepted by its clerk,
    each agency's sub-task started (half of them) and done by the agency's approver, then
    delivered and closed; each event carries the case's state before and after it."""
    from models import case as c

    events: list[dict] = []
    now = {"state": None, "at": created}

    def event(actor: str, action: str, to_state: str | None = None, **extra) -> None:
        before = now["state"]
        now["state"] = to_state or before
        events.append({"at": now["at"], "actor": actor, "action": action,
                       **({"from_state": before} if before else {}),
                       "to_state": now["state"], **extra})
        now["at"] += dt.timedelta(minutes=rng.randint(3, 12))

    event(clerk, "open", c.COACHING)
    if state == c.COACHING:
        return events
    event(clerk, "start_review", c.REVIEW)
    event(clerk, "record_materials", note="材料已核对" if rng.random() < 0.5 else None)
    if state == c.REVIEW:
        return events
    event(clerk, "accept", c.ACCEPTED)
    finished = [task for task in subtasks if task["status"] == "done"]
    for task in subtasks:
        # As the demo history signs: an agency without a demo login, as its back office.
        approver = approvers.get(task["agency"]) or task["agency"].lower().replace("-", "_")
        if rng.random() < 0.5:
            event(approver, "start_subtask", subtask=task["key"])
        if task in finished:
            last = task is finished[-1] and len(finished) == len(subtasks)
            event(approver, "complete_subtask", c.READY if last else None, subtask=task["key"],
                  note=task.get("remarks") or None)
    if state == c.CLOSED:
        event(clerk, "deliver", c.DELIVERED, note="营业执照、印章、发票及税控设备已领取")
        event(clerk, "close", c.CLOSED, note="电话回访：满意")
    return [{k: v for k, v in e.items() if v is not None} for e in events]


def case_documents(n: int, windows: dict, items: dict, agencies: dict, staff: dict,
                   seed: int = 15):
    """``n`` raw cases as MongoEngine stores them, newest last."""
    from bson import ObjectId

    from models import case as c
    from models.name_search import name_grams
    from models.workdays import to_china

    rng = random.Random(seed)
    # Numbered as the lifecycle numbers: centre, China-time day, that day's sequence.
    sequence: Counter = Counter()
    surnames = "王李张刘陈杨赵黄周吴"
    words = ["云帆", "洛河", "牡丹", "龙门", "嵩岳", "伊川", "河洛", "天心", "华夏", "启明"]
    kinds = ["科技", "商贸", "餐饮", "物流", "文化", "建筑", "医药", "农业"]
    open_states = [c.COACHING, c.REVIEW, c.ACCEPTED, c.ACCEPTED, c.READY]
    span = dt.timedelta(days=365).total_seconds()
    for index in range(n):
        centre = ("LY", "MJ")[index % 2]
        created = END - dt.timedelta(seconds=span * (n - index) / n)
        is_open = rng.random() < 0.15
        state = rng.choice(open_states) if is_open else c.CLOSED
        centre_items = items[centre]
        chosen = rng.sample(centre_items, k=min(len(centre_items), rng.randint(6, 8)))
        subtasks = []
        # Sub-tasks are made at acceptance; a case is ready when every one is done.
        working = state not in (c.COACHING, c.REVIEW)
        pending = rng.randrange(len(chosen)) if state == c.ACCEPTED else None
        for n_task, (code, agency, item_name) in enumerate(chosen if working else ()):
            done = (state != c.ACCEPTED or rng.random() < 0.5) and n_task != pending
            subtasks.append({
                "key": f"{index}-{n_task}", "agency": agency, "agency_name": agencies[agency],
                "item": code, "item_name": item_name,
                "status": "done" if done else "pending", "created_at": created,
                "started_at": created + dt.timedelta(minutes=30),
                "finished_at": created + dt.timedelta(hours=3) if done else None,
                "deadline": created + dt.timedelta(days=3), "warning_percent": 80,
                "pauses": [], "remarks": "按时办结" if done else "",
            })
        subtasks = [{k: v for k, v in s.items() if v is not None} for s in subtasks]
        materials = [{
            "name": f"材料{m:02d}：申请书及相关证明文件", "items": [chosen[m % len(chosen)][0]],
            "requirement": "required", "state": "received" if not is_open or m % 3 else "missing",
            "received_at": created, "review_points": ["签字盖章齐全", "内容与原件一致"],
        } for m in range(rng.randint(10, 15))]
        clerk = rng.choice(staff["clerks"][centre])
        timeline = timeline_of(rng, created, clerk, subtasks, state, staff["approvers"])
        company = f"洛阳{rng.choice(words)}{rng.choice(kinds)}{index}有限公司"
        open_agencies = sorted({s["agency"] for s in subtasks if s["status"] != "done"})
        day = f"{centre}-{to_china(created):%Y%m%d}"
        sequence[day] += 1
        yield {
            "_id": ObjectId(), "number": f"{day}-{sequence[day]:04d}", "centre": centre,
            "window": windows[centre][index % len(windows[centre])], "clerk": clerk,
            "mode": c.FULL_CHAIN, "channel": "window", "delivery_method": "window",
            "state": state, "items": [code for code, _agency, _name in chosen],
            "company_name": company,
            "legal_rep_name": rng.choice(surnames) + "强", "legal_rep_id": id_number(rng),
            "phone": f"138{rng.randint(0, 99999999):08d}",
            "address": f"洛阳市洛龙区开元大道{index % 500}号",
            "address_key": f"洛阳市洛龙区开元大道{index % 500}号",
            "name_grams": name_grams(company),
            "materials": materials, "notification": [], "subtasks": subtasks,
            "timeline": timeline, "created_at": created,
            "accepted_at": created + dt.timedelta(minutes=40),
            "due_at": created + dt.timedelta(days=3),
            "open_agencies": open_agencies if state == c.ACCEPTED else [],
            "version": len(timeline),
        }


def build(n: int) -> pathlib.Path:
    """The store (and the peer's database) for ``n`` cases, built once, with its daily figures."""
    folder = STORES / f"n{n}"
    if not (folder / f"cases-{CASES_REVISION}").exists():
        build_cases(n, folder)
    if not (folder / "figures").exists():
        build_figures(n, folder)
    if not (folder / f"init-{STORE_REVISION}").exists():
        upgrade(folder)
    return folder


CASES_REVISION = 3
"""Raised when the generated cases change: a store built before is built again. 2: timelines
as the lifecycle writes them (real actions, states, sub-tasks and the staff's logins). 3: case
numbers as the lifecycle numbers them (``LY-20261120-0001``)."""
STORE_REVISION = 2
"""Raised when the cases gain a derived field or index: a store built before is upgraded by
``onewindow init`` (as a centre's would be), not rebuilt. 2: the name search's pieces."""


def upgrade(folder: pathlib.Path) -> None:
    from console import storage

    app = our_app(folder / "store")
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    storage.disconnect()
    (folder / f"init-{STORE_REVISION}").write_text(result.output)


def build_figures(n: int, folder: pathlib.Path) -> None:
    """The daily figures the dashboard reads, counted once from the cases' timelines as
    ``onewindow stats rebuild`` does (the cases are inserted raw: the statistics receiver never
    saw them), after ``onewindow init`` has created any index declared since the store was
    built (a store of an earlier benchmark lacks the ``(centre, task_due)`` one)."""
    from console import storage
    from models.daily_figures import rebuild_figures

    app = our_app(folder / "store")
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rebuild_figures(progress=lambda centre, read: progress(
            min(read, n // 2), n // 2, f"daily figures of {n} cases, {centre}"))
    storage.disconnect()
    (folder / "figures").write_text(dt.datetime.now().isoformat())


def build_cases(n: int, folder: pathlib.Path) -> None:
    """The cases (and the peer's rows) for ``n`` cases."""
    import shutil

    import peer

    from console import storage

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app = our_app(folder / "store")
    runner = app.test_cli_runner()
    for step in (["init"], ["load-demo"]):
        result = runner.invoke(args=step)
        assert result.exit_code == 0, result.output
    from models import Window
    from models.case import Case

    window_codes = {w.pk: w.code for w in Window.objects}
    peer_app = peer.create_peer(str(folder / "peer.sqlite"))
    peer.fill(peer_app, [], [{"centre": w.centre, "code": w.code, "counter": w.counter,
                              "name": w.name, "kind": w.kind, "is_open": int(bool(w.is_open))}
                             for w in Window.objects])
    collection = Case._get_collection()
    batch, rows = [], []
    for index, document in enumerate(case_documents(n, *catalogue()), 1):
        batch.append(document)
        rows.append(peer.row_of(document, window_codes))
        if len(batch) == 500 or index == n:
            collection.insert_many(batch)
            peer.fill(peer_app, rows, [])
            batch, rows = [], []
            progress(index, n, f"building {n} cases")
    storage.disconnect()
    (folder / f"cases-{CASES_REVISION}").write_text(dt.datetime.now().isoformat())


def catalogue() -> tuple[dict, dict, dict, dict]:
    """What generated cases name, from the demo's configuration: each centre's enterprise-opening
    windows and its items (code, agency, name), the agencies' names, and who acts."""
    from models import Agency, ServiceItem, Window

    windows = {centre: [w.pk for w in Window.objects(centre=centre, kind="enterprise_opening")]
               or [w.pk for w in Window.objects(centre=centre)] for centre in ("LY", "MJ")}
    items = {centre: [(i.code, i.agency.code if i.agency else "", i.name) for i in
                      ServiceItem.objects(centre=centre)] for centre in ("LY", "MJ")}
    agencies = {a.code: a.name for a in Agency.objects}
    agencies[""] = ""
    return windows, items, agencies, staff_logins()


def staff_logins() -> dict[str, dict]:
    """The demo's clerks per centre and an approver per agency, who act in the timelines."""
    from console.demo_data import DEMO_LOGINS

    clerks: dict[str, list[str]] = {}
    approvers: dict[str, str] = {}
    for username, role, centre, _name, agency in DEMO_LOGINS:
        if role == "Clerk":
            clerks.setdefault(centre, []).append(username)
        elif role == "Approver":
            approvers.setdefault(agency, username)
    return {"clerks": clerks, "approvers": approvers}


# --- contenders -----------------------------------------------------------------------------


def login(client, url: str, username: str, password: str | None = None) -> None:
    from console.cli import DEMO_PASSWORD

    password = password or DEMO_PASSWORD
    page = client.get(url).get_data(as_text=True)
    token = CSRF.search(page)
    data = {"username": username, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post(url, data=data)
    assert response.status_code == 302, f"login of {username} failed"


# Who asks for each page (the clerk unless named here).
LOGINS = {"approver's queue": "ly_approver", "dashboard: a month": "ly_supervisor"}
# A queue row links to its case: the rows a queue page shows.
LAYOUT_ONLY = "empty page in the layout"
# The status each of our pages answers with (200 unless named).
STATUS = {LAYOUT_ONLY: 404}
QUEUE_ROW = re.compile(r'<td><a href="/cases/[0-9a-f]{24}">')


def pages(month: str) -> dict[str, dict[str, str | None]]:
    """Per page: the URL for each contender (None: the peer has no such page)."""
    start, end = f"{month}-01", f"{month}-28"
    first, last = month_days(month)
    sample = sample_case()
    return {
        "clerk's default list": {"ours": "/cases/",
                                 "peer": "/caserowview/list/?_flt_0_centre=LY"},
        "filtered: state + date range": {
            "ours": f"/cases/?state=closed&from={start}&to={end}&sort=due&dir=desc",
            "peer": (f"/caserowview/list/?_flt_0_centre=LY&_flt_0_state=closed"
                     f"&_flt_1_created_at={start}%2000:00:00&_flt_2_created_at={end}%2000:00:00"
                     "&_oc_CaseRowView=due_at&_od_CaseRowView=desc")},
        "company-name search": {"ours": "/cases/?state=all&q=龙门",
                                "peer": "/caserowview/list/?_flt_0_centre=LY"
                                        "&_flt_2_company_name=龙门"},
        "case page": {"ours": f"/cases/{sample.pk}", "peer": "/caserowview/show/{peer_pk}"},
        "approver's queue": {"ours": "/cases/queue", "peer": None},
        "PDF: acceptance receipt": {"ours": f"/printables/cases/{sample.pk}/receipt/pdf",
                                    "peer": None},
        "windows list": {"ours": "/windowview/list/", "peer": "/windowrowview/list/"},
        # The supervisor's dashboard, day by day over the month (stock FAB has no dashboard).
        "dashboard: a month": {"ours": f"/dashboard/?start={first}&end={last}", "peer": None},
        # What any page costs before its content: the layout around a one-line message (a 404
        # in the console's layout), beside the peer's index page in Flask-AppBuilder's layout.
        LAYOUT_ONLY: {"ours": "/cases/" + "f" * 24, "peer": "/"},
    }


def timed(call) -> tuple[float, float]:
    """Wall and CPU (user + system) milliseconds of ``call()``."""
    start, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def run_size(n: int, repeat: int) -> list[dict]:
    import jinja2
    import peer

    from console import storage

    folder = build(n)
    app = our_app(folder / "store")
    clients = {}
    for username in {"ly_clerk", *LOGINS.values()}:
        clients[username] = app.test_client()
        login(clients[username], "/login/", username)
    peer_app = peer.create_peer(str(folder / "peer.sqlite"))
    peer_client = peer_app.test_client()
    login(peer_client, "/login/", "admin", peer.PASSWORD)
    with peer_app.app_context():
        first = peer_app.peer_db.session.query(peer.CaseRow).filter_by(
            centre="LY", state="accepted").order_by(peer.CaseRow.created_at.desc()).first()
        peer_pk = first.id
    month = "2026-05"
    urls = pages(month)
    floors = floor_queries(month)
    template = jinja2.Template(FLOOR_TEMPLATE)
    templates = {page: jinja2.Template(text) for page, text in TEMPLATES.items()}
    contenders = []
    for page, by in urls.items():
        client = clients[LOGINS.get(page, "ly_clerk")]
        contenders.append((page, "ours", lambda c=client, u=by["ours"], s=STATUS.get(page, 200):
                           _get(c, u, s)))
        if page in floors:
            contenders.append((page, "floor", lambda f=floors[page],
                               t=templates.get(page, template): floor(app, t, f)))
        if by["peer"]:
            url = by["peer"].replace("{peer_pk}", str(peer_pk))
            contenders.append((page, "peer", lambda u=url: _get(peer_client, u)))
    for _, _, call in contenders:  # warm-up, and every page answers
        call()
    queue_rows = len(QUEUE_ROW.findall(clients["ly_approver"].get(
        urls["approver's queue"]["ours"]).get_data(as_text=True)))
    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for round_ in range(repeat):
        order = contenders if round_ % 2 == 0 else list(reversed(contenders))
        for page, who, call in order:
            wall, used = timed(call)
            times.setdefault((page, who), []).append(wall)
            if who == "ours":
                cpu.setdefault(page, []).append(used)
        progress(round_ + 1, repeat, f"timing {n}")
    storage.disconnect()
    results = []
    for page in urls:
        row = {"n": n, "page": page}
        for who in ("ours", "floor", "peer"):
            sample = sorted(times.get((page, who), []))
            if sample:
                row[f"{who}_median_ms"] = round(statistics.median(sample), 1)
                row[f"{who}_p90_ms"] = round(sample[int(0.9 * (len(sample) - 1))], 1)
        row["ours_cpu_median_ms"] = round(statistics.median(cpu[page]), 1)
        if page == "approver's queue":
            row["rows"] = queue_rows
        results.append(row)
    return results


def _get(client, url: str, status: int = 200) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)


def cold(n: int, who: str) -> dict:
    """First and second request of a fresh process, and its peak memory."""
    out = subprocess.run([sys.executable, __file__, "--cold-child", str(n), who],
                         capture_output=True, text=True, check=True, env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited through the
    exec from a bigger parent)."""
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_child(n: int, who: str) -> None:
    folder = STORES / f"n{n}"
    started = time.perf_counter()
    if who == "ours":
        app = our_app(folder / "store")
        client = app.test_client()
        login(client, "/login/", "ly_clerk")
        url = "/cases/"
    else:
        import peer

        app = peer.create_peer(str(folder / "peer.sqlite"))
        client = app.test_client()
        login(client, "/login/", "admin", peer.PASSWORD)
        url = "/caserowview/list/?_flt_0_centre=LY"
    boot = (time.perf_counter() - started) * 1000
    first, _cpu = timed(lambda: _get(client, url))
    second, _cpu = timed(lambda: _get(client, url))
    for _ in range(20):
        _get(client, url)
    peak = peak_rss_mb()
    print(json.dumps({"boot_ms": round(boot), "first_ms": round(first, 1),
                      "second_ms": round(second, 1), "peak_rss_mb": round(peak)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", default=str(ROOT / "results.json"))
    parser.add_argument("--cold-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(int(args.cold_child[0]), args.cold_child[1])
        return
    import logging
    logging.disable(logging.WARNING)
    rows, colds = [], []
    for n in args.sizes:
        build(n)
    for n in args.sizes:
        rows += run_size(n, args.repeat)
        colds.append({"n": n, "ours": cold(n, "ours"), "peer": cold(n, "peer")})
    smallest = {row["page"]: row["ours_median_ms"] for row in rows if row["n"] == min(args.sizes)}
    print(f"\n{'N':>7}  {'page':<30}{'median':>9}{'p90':>9}{'cpu':>8}{'floor':>9}{'peer':>9}"
          f"{'×floor':>8}{'×peer':>8}{'×smallest':>10}")
    for row in rows:
        ours, floor, peer_ms = (row.get("ours_median_ms"), row.get("floor_median_ms"),
                                row.get("peer_median_ms"))
        row["x_floor"] = round(ours / floor, 2) if floor else None
        row["x_peer"] = round(ours / peer_ms, 2) if peer_ms else None
        row["x_smallest"] = round(ours / smallest[row["page"]], 2)
        x_peer = f"{row['x_peer']:.1f}" if peer_ms else "–"
        x_floor = f"{row['x_floor']:.1f}" if floor else "–"
        print(f"{row['n']:>7}  {row['page']:<30}{ours:>9.1f}{row['ours_p90_ms']:>9.1f}"
              f"{row['ours_cpu_median_ms']:>8.1f}{floor if floor else '–':>9}"
              f"{peer_ms if peer_ms else '–':>9}{x_floor:>8}{x_peer:>8}"
              f"{row['x_smallest']:>10.1f}")
    # Any page costs at least the layout: how that compares with the case page's floor.
    for n in args.sizes:
        by_page = {row["page"]: row for row in rows if row["n"] == n}
        layout, case = by_page[LAYOUT_ONLY], by_page["case page"]
        print(f"{n}: an {LAYOUT_ONLY} takes {layout['ours_median_ms']} ms "
              f"({layout['ours_cpu_median_ms']} ms CPU) = "
              f"{layout['ours_median_ms'] / case['floor_median_ms']:.1f}× the case page's floor")
    # The queue shows fewer rows at the smallest size: the CPU of each extra row shown (store
    # growth included) beside the page's time.
    queue = [row for row in rows if "rows" in row]
    base = queue[0]
    shown = [f"{row['rows']} rows at {row['n']} ({row['ours_cpu_median_ms']} ms CPU)"
             for row in queue]
    for row in queue[1:]:
        if row["rows"] != base["rows"]:
            extra = ((row["ours_cpu_median_ms"] - base["ours_cpu_median_ms"])
                     / (row["rows"] - base["rows"]))
            shown.append(f"{row['n']}: {extra:.2f} ms CPU per extra row")
    print("\napprover's queue: " + "; ".join(shown))
    print(f"\n{'N':>7}  {'cold: who':<10}{'boot ms':>9}{'first ms':>10}{'second ms':>11}"
          f"{'peak RSS MB':>13}")
    for entry in colds:
        for who in ("ours", "peer"):
            figures = entry[who]
            print(f"{entry['n']:>7}  {who:<10}{figures['boot_ms']:>9}{figures['first_ms']:>10}"
                  f"{figures['second_ms']:>11}{figures['peak_rss_mb']:>13}")
    pathlib.Path(args.json).write_text(json.dumps({"pages": rows, "cold": colds}, indent=2,
                                                  ensure_ascii=False))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
