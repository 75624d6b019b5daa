"""The approver's work queue row by row, with the clock fixed at exact minutes
(``ONEWINDOW_NOW``): which sub-tasks it lists and in what order, each row's deadline, badge,
item and status, a 补正 pause measured where it stopped, and the tenancy (an approver sees
only their own agency's open sub-tasks of their own centre)."""

from __future__ import annotations

import datetime as dt
import re

from conftest import client_for, module_demo_app, page_at
import pytest
from test_home import accepted_case, cst

from models import ServiceItem
from models import case as c
from models import lifecycle as life

LY_CLERK = life.Actor("ly_clerk", frozenset({life.CLERK}), centre="LY")
MJ_CLERK = life.Actor("mj_clerk", frozenset({life.CLERK}), centre="MJ")
LY_AMR = life.Actor("ly_approver", frozenset({life.APPROVER}), centre="LY", agency="LY-AMR")


def licence(case: c.Case) -> c.SubTask:
    return next(task for task in case.subtasks if task.agency == "LY-AMR")


def setup(app) -> None:
    # Tue 17 Nov 2026 09:00 and Wed 18 Nov 10:00: two licences running, the earlier first.
    accepted_case(LY_CLERK, "洛阳队列甲科技有限公司", cst(2026, 11, 17, 9, 0))
    accepted_case(LY_CLERK, "洛阳队列乙商贸有限公司", cst(2026, 11, 18, 10, 0))
    # Asked for a 补正 at 10:15 the same morning: its clock stopped there.
    paused = accepted_case(LY_CLERK, "洛阳队列丙餐饮有限公司", cst(2026, 11, 18, 9, 0))
    life.request_supplement(paused, LY_AMR, licence(paused).key, "请补交股东会决议",
                            now=cst(2026, 11, 18, 10, 15))
    # Licence done: the case leaves the licence queue, its seals wait no more.
    done = accepted_case(LY_CLERK, "洛阳队列丁物流有限公司", cst(2026, 11, 16, 9, 0))
    life.complete_subtask(done, LY_AMR, licence(done).key,
                          {"licence_number": "L-1", "credit_code": "91410300MA9F12345E"},
                          now=cst(2026, 11, 16, 11, 0))
    accepted_case(MJ_CLERK, "孟津队列科技有限公司", cst(2026, 11, 17, 9, 0))


app = module_demo_app(setup)


def queue(app, username: str, now: dt.datetime) -> list[dict[str, str]]:
    """The queue's rows (deadline, badge, case, company, item, status) at ``now``."""
    return queue_rows_of(page_at(app, username, "/cases/queue", now))


def queue_rows_of(html: str) -> list[dict[str, str]]:
    """The rows of a queue page (not the "nothing waiting" line)."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 6:
            rows.append(dict(zip(("deadline", "badge", "number", "company", "item", "status"),
                                 cells, strict=True)))
    return rows


def ours(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows of this module's cases (the demo data has open cases of its own)."""
    return [row for row in rows if "队列" in row["company"]]


def test_the_licence_queue_at_exact_minutes(app):
    with app.app_context():
        first = c.Case.objects.get(company_name="洛阳队列甲科技有限公司")
        due = licence(first).deadline
    # Accepted Tue 17 Nov 09:00 with a licence promised in two hours.
    assert due == cst(2026, 11, 17, 11, 0)
    rows = ours(queue(app, "ly_approver", cst(2026, 11, 17, 10, 0)))
    assert [row["company"] for row in rows] == [
        "洛阳队列甲科技有限公司", "洛阳队列丙餐饮有限公司", "洛阳队列乙商贸有限公司"]
    assert rows[0] == {"deadline": "2026-11-17 11:00", "badge": "Normal",
                       "number": first.number, "company": "洛阳队列甲科技有限公司",
                       "item": licence(first).item_name, "status": "Pending"}
    # The warning from 75% of the two hours (the item's setting: 10:30), overdue from the
    # minute after 11:00.
    badges = {moment: ours(queue(app, "ly_approver", moment))[0]["badge"]
              for moment in (cst(2026, 11, 17, 10, 29), cst(2026, 11, 17, 10, 30),
                             cst(2026, 11, 17, 11, 0), cst(2026, 11, 17, 11, 1))}
    assert list(badges.values()) == ["Normal", "Warning", "Warning", "Overdue"]


def test_a_paused_licence_is_measured_where_it_stopped(app):
    # A week later the 补正 case is still as it was at 10:15 on the 18th (75 of its 120
    # minutes: normal), while the running ones are overdue.
    rows = ours(queue(app, "ly_approver", cst(2026, 11, 25, 10, 0)))
    by_company = {row["company"]: row for row in rows}
    assert by_company["洛阳队列丙餐饮有限公司"]["badge"] == "Normal"
    assert by_company["洛阳队列丙餐饮有限公司"]["status"] == "Waiting for a supplement (补正)"
    assert by_company["洛阳队列甲科技有限公司"]["badge"] == "Overdue"
    assert "洛阳队列丁物流有限公司" not in by_company


def test_the_police_queue_lists_seals_waiting_then_running(app):
    rows = ours(queue(app, "ly_psb", cst(2026, 11, 17, 10, 0)))
    by_company = {row["company"]: row for row in rows}
    # The seals of the case whose licence is done run (with a deadline, first); the others
    # wait for the licence: no deadline, no badge, last.
    assert rows[0]["company"] == "洛阳队列丁物流有限公司" and rows[0]["deadline"]
    assert rows[0]["badge"] in {"Normal", "Warning", "Overdue"}
    waiting = by_company["洛阳队列甲科技有限公司"]
    assert waiting["deadline"] == "" and waiting["badge"] == ""
    assert waiting["status"] == "Waiting for earlier items"
    # Never another agency's item.
    with app.app_context():
        seal = ServiceItem.objects.get(code="LY-EO-SEAL").name
    assert {row["item"] for row in rows} == {seal}


@pytest.mark.parametrize("username", ["ly_approver", "ly_psb", "ly_tax"])
def test_each_approver_sees_only_their_own_centre_and_agency(app, username):
    rows = queue(app, username, cst(2026, 11, 17, 10, 0))
    assert "孟津队列科技有限公司" not in {row["company"] for row in rows}
    with app.app_context():
        agency = {"ly_approver": "LY-AMR", "ly_psb": "LY-PSB", "ly_tax": "LY-TAX"}[username]
        names = {item.name for item in ServiceItem.objects(centre="LY")
                 if item.agency and item.agency.code == agency}
    assert names
    assert {row["item"] for row in rows} <= names
    if username == "ly_tax":  # no tax item in these cases
        assert not ours(rows)


def test_the_supervisor_has_no_queue(app):
    assert client_for(app, "ly_supervisor").get("/cases/queue").status_code in (302, 403)


def found(html: str) -> int:
    """The queue's "N found" count."""
    return int(re.search(r"<small>(\d+) found</small>", html).group(1))


@pytest.mark.parametrize(("username", "agency"), [("ly_approver", "LY-AMR"), ("ly_psb", "LY-PSB")])
def test_the_pages_list_every_case_counted_once(app, monkeypatch, username, agency):
    """The count and the pages are the approver's scope (a case of their centre with a sub-task
    of their agency) narrowed to the cases where that sub-task is open, read from the sub-tasks
    themselves: the queue asks only for the open agencies, which imply the scope."""
    from console.views import cases as case_views

    monkeypatch.setattr(case_views, "PAGE_SIZE", 2)
    now = cst(2026, 11, 17, 10, 0)
    with app.app_context():
        expected = {case.number for case in c.Case.objects(centre="LY", subtasks__agency=agency)
                    if any(task.agency == agency and task.is_open for task in case.subtasks)}
        other_centre = {case.number for case in c.Case.objects(centre="MJ")}
    total = found(page_at(app, username, "/cases/queue", now))
    assert total == len(expected) > 2
    listed: list[str] = []
    for page in range((total - 1) // 2 + 1):
        html = page_at(app, username, f"/cases/queue?page={page}", now)
        assert found(html) == total
        numbers = list(dict.fromkeys(row["number"] for row in queue_rows_of(html)))
        assert len(numbers) == (2 if page < total // 2 else total % 2)
        listed += numbers
    assert len(listed) == len(set(listed)) and set(listed) == expected
    assert not set(listed) & other_centre


def test_a_row_links_to_its_case_under_a_path_prefix(app):
    """A row's link is the case page's address, behind a reverse proxy's prefix as well (the
    address is built once per page, not once per row)."""
    from bson import ObjectId
    from flask import url_for

    from console.views.queue_rows import case_link

    pk = ObjectId()
    for prefix in ("", "/onewindow"):
        with app.test_request_context("/cases/queue", base_url=f"http://localhost{prefix}/"):
            assert case_link()(pk) == url_for("CaseView.show", pk=str(pk))
            assert case_link()(pk) == f"{prefix}/cases/{pk}"


def test_every_other_scope_still_narrows_the_queue(app):
    """Only the approver's own-agency clause is left to the open agencies: a further scope on
    cases (here one company) still narrows the rows and the count."""
    from console.datamodel.scope import scoped

    now = cst(2026, 11, 17, 10, 0)
    assert found(page_at(app, "ly_approver", "/cases/queue", now)) > 1
    with scoped(c.Case, lambda document: {"company_name": "洛阳队列乙商贸有限公司"}):
        html = page_at(app, "ly_approver", "/cases/queue", now)
    assert found(html) == 1
    assert [row["company"] for row in queue_rows_of(html)] == ["洛阳队列乙商贸有限公司"]
