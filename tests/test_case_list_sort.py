"""The case list sorts by its column headers (case number, company, state, due), both ways, with
any filter, served by an index on the embedded store; the export follows the screen's order; an
unknown column or direction is named and the newest-first order kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import tempfile

from conftest import client_for, module_demo_app
import pytest

from console.storage import planner
from models import case as c
from models.case import Case


def with_history(app):
    result = app.test_cli_runner().invoke(
        args=["load-demo", "--history", "--cases", "80", "--months", "2", "--workers", "1"])
    assert result.exit_code == 0, result.output


app = module_demo_app(with_history,
                      ONEWINDOW_MONGODB_URI=f"embedded://{tempfile.mkdtemp(prefix='sort-')}")
ROW = re.compile(r'<td><a href="/cases/([0-9a-f]{24})">')
FIELDS = {"number": "number", "company": "company_name", "state": "state", "due": "due_at"}


@pytest.fixture(scope="module")
def clerk(app):
    return client_for(app, "ly_clerk")


def shown(clerk, query: str) -> list[str]:
    response = clerk.get(f"/cases/?{query}")
    assert response.status_code == 200
    return ROW.findall(response.get_data(as_text=True))


def expected(app, spec: dict, field: str, descending: bool) -> list[str]:
    """The query's cases as (sort key, id) in ``field`` order, missing keys first as MongoDB
    sorts them (ties in any order: callers compare keys)."""
    with app.app_context():
        cases = list(Case.objects(centre="LY", **spec).only(field, "created_at"))
    cases.sort(key=lambda case: (getattr(case, field) is not None, getattr(case, field)),
               reverse=descending)
    return [(getattr(case, field), str(case.pk)) for case in cases]


def same_order(app, ids: list[str], spec: dict, field: str, descending: bool) -> None:
    """``ids`` are a first page of the query in ``field`` order (ties in any order)."""
    keyed = expected(app, spec, field, descending)
    key_of = dict((pk, key) for key, pk in keyed)
    assert len(ids) == min(25, len(keyed))
    assert [key_of[pk] for pk in ids] == [key for key, _ in keyed[:len(ids)]]


@pytest.mark.parametrize("column", list(FIELDS))
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_each_column_sorts_both_ways(app, clerk, column, direction):
    ids = shown(clerk, f"state=all&sort={column}&dir={direction}")
    same_order(app, ids, {}, FIELDS[column], direction == "desc")


def test_the_filtered_list_sorts_within_its_filter(app, clerk):
    ids = shown(clerk, "state=closed&from=2026-09-01&to=2026-12-31&sort=due&dir=desc")
    spec = {"state": c.CLOSED, "created_at__gte": dt.datetime(2026, 8, 31, 16, 0),
            "created_at__lt": dt.datetime(2026, 12, 31, 16, 0)}
    same_order(app, ids, spec, "due_at", True)


def test_a_header_sorts_by_its_column_then_the_other_way(clerk):
    html = clerk.get("/cases/?state=all&q=公司").get_data(as_text=True)
    link = re.search(r'href="\?([^"]*)" data-sort="due"', html).group(1).replace("&amp;", "&")
    assert "sort=due" in link and "dir=asc" in link and "q=" in link  # the filters are kept
    html = clerk.get(f"/cases/?{link}").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html
    again = re.search(r'href="\?([^"]*)" data-sort="due"', html).group(1)
    assert "dir=desc" in again


@pytest.mark.parametrize("column,direction", [("zip", "asc"), ("due", "sideways")])
def test_an_unknown_sort_is_named_and_the_default_order_kept(app, clerk, column, direction):
    response = clerk.get(f"/cases/?state=all&sort={column}&dir={direction}",
                         headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert column in html or direction in html
    if column == "zip":
        same_order(app, ROW.findall(html), {}, "created_at", True)
    else:  # a known column with a bad direction: ascending
        same_order(app, ROW.findall(html), {}, "due_at", False)


FILTERS = ["state=open", "state=all", "state=closed", "state=accepted&overdue=1",
           "state=all&from=2026-10-01&to=2026-11-30", "state=all&q=科技", "state=open&q=有限公司",
           "state=all&q=洛", "state=all&late=1",
           "state=all&agency=LY-AMR", "state=all&mode=full_chain", "state=open&risk=person",
           "state=open&risk=address"]


def test_every_sort_with_every_filter_is_served_by_an_index(app, clerk):
    with app.app_context():
        window = str(Case.objects(centre="LY").first().window.pk)
    combos = [*FILTERS, f"state=all&window={window}"]
    with planner.strict(), planner.watch() as fallbacks:
        for query, column, direction in itertools.product(combos, FIELDS, ["asc", "desc"]):
            response = clerk.get(f"/cases/?{query}&sort={column}&dir={direction}")
            assert response.status_code == 200, (query, column, direction)
    assert not fallbacks


def test_the_export_follows_the_screens_order(app, clerk):
    query = "state=all&sort=number&dir=desc"
    response = clerk.get(f"/exports/cases.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8")[1:])))[1:]
    numbers = [row[0] for row in rows]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 25
    with app.app_context():
        first_page = [Case.objects.get(pk=pk).number for pk in shown(clerk, query)]
    assert numbers[:len(first_page)] == first_page
