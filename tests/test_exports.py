"""Exports through the screens on the demo centres: the rows equal the screen's for the same
filters, CSV with a BOM and streamed, xlsx readable, personal data masked, formulas
neutralised, other centres' rows absent and roles without the list refused."""

from __future__ import annotations

import csv
import io
import re

from conftest import client_for, demo_app
from openpyxl import load_workbook
import pytest
from test_case_screens import ID_NUMBER, open_case

from console import storage
from models.staff import StaffMember
from reports.exports import BOM, Column, csv_stream, neutralise


@pytest.fixture(scope="module")
def app():
    app = demo_app()
    yield app
    storage.disconnect()


@pytest.fixture(autouse=True)
def _no_connection_leaks():
    """This module shares one app (and its store) across its tests."""
    yield


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
    text = "\n".join(",".join(row) for row in rows)
    assert ID_NUMBER not in text and "110105********002X" in text and "138****1234" in text
    injected = csv_rows(clerk, "/exports/cases.csv?state=all&q=HYPERLINK")[1]
    assert injected[1].startswith("'=")
    # A bad filter is named and nothing is exported.
    response = clerk.get("/exports/cases.csv?state=nonsense")
    assert response.status_code == 400 and "nonsense" in response.get_data(as_text=True)


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
