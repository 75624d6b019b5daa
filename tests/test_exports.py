"""Exports through the screens on the demo centres: the rows equal the screen's for the same
filters, CSV with a BOM and streamed, xlsx readable, personal data masked, formulas
neutralised, other centres' rows absent and roles without the list refused."""

from __future__ import annotations

import csv
import io
import re

from conftest import client_for, demo_app, module_demo_app
from openpyxl import load_workbook
from test_case_screens import ID_NUMBER, open_case

from console import roles, storage
from console.storage import planner
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.staff import StaffMember
from models.window import Window
from reports.exports import BOM, Column, csv_stream, neutralise

app = module_demo_app()


def csv_rows(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.is_streamed
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_case_export_rows_equal_the_screen_rows_for_the_same_filters(app):
    clerk = client_for(app, "ly_clerk")
    for name in ("导出甲有限公司", "导出乙有限公司", "=HYPERLINK(\"x\")有限公司"):
        open_case(clerk, company_name=name)
    for query in ("state=all", "state=all&q=导出", "state=coaching&mode=partial_chain",
                  "state=closed"):
        screen = re.findall(r">(LY-\d{8}-\d{4})<", clerk.get(f"/cases/?{query}").get_data(
            as_text=True))
        rows = csv_rows(clerk, f"/exports/cases.csv?{query}")
        assert [row[0] for row in rows[1:]] == screen, query
        sheet = xlsx_rows(clerk, f"/exports/cases.xlsx?{query}")
        assert [row[0] for row in sheet[1:]] == screen
    rows = csv_rows(clerk, "/exports/cases.csv?state=all&q=导出")
    assert rows[0][0] == "Case number" and len(rows) == 3
    clerk_column = rows[0].index("Accepting clerk")
    assert {row[clerk_column] for row in rows[1:]} == {"李娜"}  # the name, not the login
    sheet = xlsx_rows(clerk, "/exports/cases.xlsx?state=all&q=导出")
    assert {row[clerk_column] for row in sheet[1:]} == {"李娜"}
    text = "\n".join(",".join(row) for row in rows)
    assert ID_NUMBER not in text and "110105********002X" in text and "138****1234" in text
    injected = csv_rows(clerk, "/exports/cases.csv?state=all&q=HYPERLINK")[1]
    assert injected[1].startswith("'=")
    # A bad filter is named and nothing is exported: said so on a console page, not "ignored"
    # as if the file had been made without it.
    response = clerk.get("/exports/cases.csv?state=nonsense<b>")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Nothing was exported" in page and "nonsense&lt;b&gt;" in page
    assert "<b>" not in page.split("Nothing was exported")[1]
    assert 'class="navbar' in page  # in the console's layout, menu and all


def test_other_centres_rows_are_absent_and_roles_without_the_list_refused(app):
    ly = client_for(app, "ly_clerk")
    case = open_case(ly, company_name="洛阳独有有限公司")
    mj_rows = csv_rows(client_for(app, "mj_clerk"), "/exports/cases.csv?state=all")
    assert case.number not in {row[0] for row in mj_rows}
    assert all(row[0].startswith("MJ-") for row in mj_rows[1:])
    for login, url in (("ly_complaints", "/exports/cases.csv"), ("ly_clerk", "/exports/staff.csv"),
                       ("ly_approver", "/exports/rosters.xlsx")):
        assert client_for(app, login).get(url).status_code in (302, 403), (login, url)
    assert client_for(app, "ly_complaints").get("/exports/staff.csv").status_code == 200


def test_configuration_exports_follow_their_screens(app):
    admin = client_for(app, "ly_admin")
    staff = csv_rows(admin, "/exports/staff.csv")
    names = sorted(s.name for s in StaffMember.objects(centre="LY"))
    assert sorted(row[0] for row in staff[1:]) == names
    phones = [row[5] for row in staff[1:]]
    assert phones and all(re.fullmatch(r"\d{3}\*{4}\d{4}", phone) for phone in phones)
    windows = csv_rows(admin, "/exports/windows.csv")
    codes = [row[0] for row in windows[1:]]
    for query in ("psize_WindowView=100", "psize_WindowView=100&_flt_0_code=W01",
                  "psize_WindowView=100&_oc_WindowView=name&_od_WindowView=desc"):
        html = admin.get(f"/windowview/list/?{query}").get_data(as_text=True)
        shown = [code for code in re.findall(r"<td>\s*([A-Z]\d\d)\s*</td>", html)
                 if code in codes]
        exported = [row[0] for row in csv_rows(admin, f"/exports/windows.csv?{query}")[1:]]
        assert exported == shown and exported, query
    assert [row[0] for row in csv_rows(admin, "/exports/windows.csv?_flt_0_code=W01")[1:]] == [
        "W01"]
    items = xlsx_rows(admin, "/exports/items.xlsx")
    assert items[0][6] == "Material" and any(row[0] == "LY-EO-REG" for row in items[1:])
    rosters = csv_rows(admin, "/exports/rosters.csv")
    assert len(rosters) > 1
    index = admin.get("/exports/").get_data(as_text=True)
    assert "/exports/staff.csv" in index and "/exports/cases.xlsx" in index


def test_neutralise_and_stream_in_batches():
    assert [neutralise(v) for v in ("=1+1", "+86", "-5", "@SUM", "\tx", "ok", 7, None)] == [
        "'=1+1", "'+86", "'-5", "'@SUM", "'\tx", "ok", 7, ""]
    chunks = list(csv_stream([Column("n", lambda n: n)], range(1200), batch=500))
    assert len(chunks) == 4 and chunks[0] == BOM + "n\r\n"
    assert sum(chunk.count("\n") for chunk in chunks) == 1201


LY_HANDLER = life.Actor("ly_complaints", frozenset({"ComplaintHandler"}), centre="LY")
LY_CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), centre="LY")
MJ_CLERK = life.Actor("mj_clerk", frozenset({"Clerk"}), centre="MJ")


def complaint_numbers(html: str) -> list[str]:
    return re.findall(r'href="/complaints/[0-9a-f]{24}">([^<]+)</a>', html)


def test_complaint_export_rows_equal_the_screen_rows_for_the_same_filters(app):
    w01 = Window.objects.get(centre="LY", code="W01")
    w04 = Window.objects.get(centre="LY", code="W04")
    logged = [
        cl.log_complaint(LY_HANDLER, centre="LY", channel="hotline", category="attitude",
                         description="=cmd|' /C calc'!A0", subject=w01, complainant_name="张三",
                         complainant_phone="13803791234", handler="ly_complaints"),
        cl.log_complaint(LY_HANDLER, centre="LY", channel="letter", category="fees",
                         description="多收费", subject=w04, anonymous=True),
        cl.log_complaint(LY_CLERK, centre="LY", channel="window", category="attitude",
                         description="窗口人员态度", subject=w04, complainant_name="李四"),
    ]
    cl.log_complaint(MJ_CLERK, centre="MJ", channel="hotline", category="attitude",
                     description="孟津的投诉", subject=Window.objects(centre="MJ").first(),
                     anonymous=True)
    handler = client_for(app, "ly_complaints")
    for query in ("", "state=open", "category=attitude", f"window={w04.pk}",
                  "channel=letter&category=fees", f"q={logged[0].number}", "state=closed"):
        screen = complaint_numbers(handler.get(f"/complaints/?{query}").get_data(as_text=True))
        rows = csv_rows(handler, f"/exports/complaints.csv?{query}")
        assert [row[0] for row in rows[1:]] == screen, query
        assert [row[0] for row in xlsx_rows(handler, f"/exports/complaints.xlsx?{query}")[1:]] \
            == screen, query
    header, *listed = csv_rows(handler, "/exports/complaints.csv")
    rows = {row[0]: row for row in listed}
    assert set(rows) >= {complaint.number for complaint in logged}
    assert rows[logged[0].number][header.index("Handler")] == "马红梅"  # the name, not the login
    assert all(not number.startswith("MJ") for number in rows)  # the centre's own only
    first = rows[logged[0].number]
    assert "13803791234" not in first and "138****1234" in first  # masked
    assert first[11].startswith("'=")  # the description would have been a formula
    assert rows[logged[1].number][9] == "Anonymous"
    # A clerk's screen and export hold the complaints they logged, nothing else.
    clerk = client_for(app, "ly_clerk")
    mine = complaint_numbers(clerk.get("/complaints/").get_data(as_text=True))
    assert mine and logged[2].number in mine and logged[0].number not in mine
    assert [row[0] for row in csv_rows(clerk, "/exports/complaints.csv")[1:]] == mine
    # A bad filter is named and nothing is exported.
    response = handler.get("/exports/complaints.csv?category=noise")
    assert response.status_code == 400 and "noise" in response.get_data(as_text=True)


def test_another_centre_is_a_404_and_a_role_without_the_list_a_403(app):
    mj = client_for(app, "mj_clerk")
    for url in ("/exports/cases.csv?centre=LY", "/exports/complaints.xlsx?centre=LY",
                "/exports/windows.csv?centre=LY", "/exports/items.csv?centre=LY",
                "/exports/cases.csv?centre=NOWHERE"):
        assert mj.get(url).status_code == 404, url
    assert mj.get("/exports/cases.csv?centre=MJ").status_code == 200
    assert client_for(app, "mj_admin").get(
        "/printables/lists/staff/pdf?centre=LY").status_code == 404
    # The super-administrator narrows an export to one centre.
    admin = client_for(app, "admin")
    rows = csv_rows(admin, "/exports/cases.csv?state=all&centre=MJ")[1:]
    assert all(row[0].startswith("MJ-") for row in rows)
    windows = csv_rows(admin, "/exports/windows.csv?centre=MJ")[1:]
    assert sorted(row[0] for row in windows) == sorted(
        w.code for w in Window.objects(centre__in=["MJ", None]))
    # An approver reads no complaint list, so exports none.
    for login, url in (("ly_approver", "/exports/complaints.csv"),
                       ("ly_approver", "/exports/cases.xlsx"),
                       ("ly_complaints", "/exports/rosters.csv")):
        assert client_for(app, login).get(url).status_code in (302, 403), (login, url)


SCREENS = {"cases": "CaseView", "windows": "WindowView", "staff": "StaffMemberView",
           "rosters": "RosterEntryView", "items": "ServiceItemView",
           "complaints": "ComplaintView"}


def test_each_role_exports_exactly_the_lists_it_reads():
    for role in roles.CENTRE_ROLES:
        for name, screen in SCREENS.items():
            reads = roles.matches(role, screen, "can_list")
            if (role, name) == (roles.APPROVER, "cases"):
                reads = False  # an agency's queue of other agencies' cases, not a list to file
            assert roles.matches(role, "ExportView", f"can_{name}") == reads, (role, name)


def test_list_screens_carry_export_buttons_with_their_filters(app):
    handler = client_for(app, "ly_complaints")
    page = handler.get("/complaints/?category=fees&page=0").get_data(as_text=True)
    assert 'href="/exports/complaints.xlsx?category=fees"' in page
    assert 'href="/exports/complaints.csv?category=fees"' in page
    clerk = client_for(app, "ly_clerk")
    page = clerk.get("/cases/?state=all&q=%E5%AF%BC%E5%87%BA").get_data(as_text=True)
    assert 'href="/exports/cases.csv?state=all&amp;q=%E5%AF%BC%E5%87%BA"' in page
    admin = client_for(app, "ly_admin")
    for screen, export, column in (("windowview", "windows", "name"),
                                   ("staffmemberview", "staff", "name"),
                                   ("rosterentryview", "rosters", "shift"),
                                   ("serviceitemview", "items", "name")):
        page = admin.get(f"/{screen}/list/?_flt_0_{column}=x&page_X=2").get_data(as_text=True)
        assert f'href="/exports/{export}.xlsx?_flt_0_{column}=x"' in page, screen
    # No button where the user may not export (a clerk reads windows but not staff; an
    # approver reads cases but exports none), nor on a screen without an export.
    assert "/exports/cases." not in client_for(app, "ly_approver").get(
        "/cases/").get_data(as_text=True)
    assert "onewindow-export" not in admin.get("/agencyview/list/").get_data(as_text=True)


def test_export_queries_are_served_by_declared_indexes(tmp_path):
    """The exports skip the screen crawl of tests/test_indexes.py (they are files): their
    queries, with the screens' filters, run here on the embedded store in strict mode."""
    strict_app = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{tmp_path}")
    try:
        clerk = client_for(strict_app, "ly_clerk")
        open_case(clerk, company_name="索引导出有限公司")
        window = Window.objects.get(centre="LY", code="W01")
        cl.log_complaint(LY_HANDLER, centre="LY", channel="hotline", category="attitude",
                         description="索引", subject=window, anonymous=True)
        urls = {
            "ly_clerk": ["/exports/cases.csv", "/exports/cases.xlsx?state=all&q=索引",
                         f"/exports/cases.csv?state=accepted&window={window.pk}&overdue=1",
                         "/exports/cases.csv?late=1&from=2026-01-01&to=2026-12-31",
                         "/exports/complaints.csv", "/exports/items.csv",
                         "/exports/windows.csv", "/exports/rosters.csv"],
            "ly_complaints": ["/exports/complaints.csv?state=open",
                              "/exports/complaints.csv?category=attitude&from=2026-01-01",
                              f"/exports/complaints.xlsx?window={window.pk}",
                              "/exports/complaints.csv?overdue=1", "/exports/staff.csv"],
            "ly_admin": ["/exports/staff.csv?_flt_0_name=李", "/exports/items.xlsx"],
        }
        for login, addresses in urls.items():
            client = client_for(strict_app, login)
            for url in addresses:
                with planner.strict(), planner.watch() as scans:
                    response = client.get(url)
                    assert response.status_code == 200, (login, url)
                    response.get_data()  # the streamed rows are read here
                assert not scans, (login, url, scans)
    finally:
        storage.disconnect()
