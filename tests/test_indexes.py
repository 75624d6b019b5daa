"""Every screen's queries are served by a declared index: the demo app on the embedded store,
crawled as each demo login (every menu entry, list, filter, search, page and record the screens
link to), with the planner in strict mode. A query that would scan a collection fails the test
with the page and the query's shape; a new screen joins the crawl by being registered."""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

from conftest import client_for, csrf_token, demo_app, shared_store
from crawler import crawl
from flask import Flask
import pytest

from console.demo_data import DEMO_LOGINS
from console.roles import SERVICE_ROLES
from console.storage import bsonparts, planner
from models import Window
from models.case import Case

# Negations ($ne, $not, $nin) select "everything but": no index serves them, on MongoDB either.
NEGATIONS = ("$ne", "$not", "$nin")
# The system administrator (no centre) searches reference data across centres: collections
# bounded by the number of centres, their agencies, windows and staff, and the security
# catalogue. Case work grows without bound and stays strict for everyone.
GROWING = ("cases",)


def excused(username: str, shape: str) -> bool:
    """A scan the test accepts, with the reason above."""
    collection, _, rest = shape.partition(" find ")
    clauses = rest[rest.index("{") + 1:rest.index("}")].split(", ") if "{" in rest else []
    if clauses and all(any(op in clause for op in NEGATIONS) for clause in clauses):
        return True
    return username == "admin" and collection not in GROWING


def declared_prefixes(document) -> list[tuple[str, ...]]:
    """The field paths of each index ``document`` declares, in order."""
    specs = document._meta.get("index_specs") or []
    return [tuple(field for field, _ in spec["fields"]) for spec in specs]


@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("screens")
    app = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{folder}")
    with shared_store(request):
        yield _cases(app)


def _cases(app: Flask) -> Flask:
    """Three cases at each centre, opened through the screen."""
    for username, centre in (("ly_clerk", "LY"), ("mj_clerk", "MJ")):
        client = client_for(app, username)
        window = Window.objects.get(centre=centre, code="W01")
        items = [f"{centre}-EO-REG", f"{centre}-EO-SEAL"]
        for n in range(3):
            token = csrf_token(client, "/cases/new")
            response = client.post("/cases/new", data={
                "window": str(window.pk), "items": items, "mode": "partial_chain",
                "channel": "window", "delivery_method": "window",
                "company_name": f"洛阳测试{n}科技有限公司", "legal_rep_name": "王强",
                "legal_rep_id": "11010519491231002X", "phone": "13803791234",
                "address": f"洛阳市洛龙区开元大道{n}号", "csrf_token": token})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert Case.objects.count() == 6
    return app


def start_urls(app) -> list[str]:
    """The default page of every registered view, and each search filter of every list."""
    urls = ["/"]
    with app.test_request_context():
        for view in app.appbuilder.baseviews:
            default = getattr(view, "default_view", None)
            if not default:
                continue
            try:
                page = app.url_for(f"{view.endpoint}.{default}")
            except Exception:  # a view whose default needs arguments
                continue
            urls.append(page)
            urls.extend(search_urls(view, page))
    return urls


def search_urls(view, page: str) -> list[str]:
    """FAB's search (``_flt_<filter>_<column>=value``) for each filter of each search column,
    with a value taken from a stored record."""
    filters = getattr(getattr(view, "_filters", None), "get_search_filters", lambda: {})()
    sample = view.datamodel.obj.objects.first() if filters else None
    urls = []
    for column, column_filters in filters.items():
        value = getattr(sample, column, None) if sample is not None else None
        if isinstance(value, list):
            value = value[0] if value else None
        value = getattr(value, "pk", value)
        if isinstance(value, dt.datetime | dt.date):
            value = value.strftime("%Y-%m-%d")
        text = "y" if value is True else "" if value in (None, False) else str(value)
        for index, _ in enumerate(column_filters):
            urls.append(f"{page}?{urlencode({f'_flt_{index}_{column}': text or '1'})}")
    return urls


ROLES = {login[0]: login[1] for login in DEMO_LOGINS}


@pytest.mark.parametrize("username", [login[0] for login in DEMO_LOGINS])
def test_every_screen_query_is_served_by_an_index(app, username):
    client = client_for(app, username)
    start = start_urls(app)
    excuse = functools.partial(excused, username)
    with planner.strict(allow=excuse), planner.watch() as fallbacks:
        failures = []

        def check(url: str) -> None:
            while fallbacks:
                failures.append(f"{url}: {fallbacks.pop()}")

        visits = crawl(app, client, start, check=check)
    errors = [f"{visit.url} → {visit.status} {visit.error}" for visit in visits
              if visit.status >= 500 and "ScanError" not in visit.error]
    assert not failures and not errors, "\n".join(failures + errors)
    endpoints = {visit.endpoint for visit in visits if visit.status == 200}
    # the crawl really reached the screens (and the strict mode really was on); the agency and
    # intake systems' accounts have no screens (their API queries are checked in test_api_*)
    if ROLES[username] not in SERVICE_ROLES:
        assert len(endpoints) >= 3, endpoints
    if username in ("ly_clerk", "mj_clerk"):
        assert {"CaseView.list", "CaseView.show"} <= endpoints
        assert sum(1 for v in visits if v.endpoint == "CaseView.list" and "?" in v.url) >= 5


def test_strict_mode_really_fails_a_scan(app):
    client = client_for(app, "ly_clerk")
    with planner.strict(), planner.watch() as fallbacks:
        with pytest.raises(planner.ScanError):
            Case.objects(phone="13800000000").count()
    assert fallbacks and "phone:eq" in fallbacks[0]
    assert client.get("/cases/").status_code == 200


@pytest.mark.parametrize("username", ["ly_supervisor", "admin"])
def test_the_risk_counts_and_their_lists_are_served_by_indexes(app, username):
    """Three open cases of one person at each centre: 一人多户 at both (for the administrator,
    one centre's keys must not select the other's cases), counted and listed on key tables."""
    client = client_for(app, username)
    with planner.strict(), planner.watch() as fallbacks:
        dashboard = client.get("/dashboard/")
        person = client.get("/cases/?risk=person").get_data(as_text=True)
        address = client.get("/cases/?risk=address")
    assert dashboard.status_code == address.status_code == 200 and not fallbacks
    assert 'data-risk="person"' in dashboard.get_data(as_text=True)
    assert person.count("洛阳测试") == (6 if username == "admin" else 3)


# --- what a screen reads --------------------------------------------------------------------


@pytest.fixture
def finds(monkeypatch):
    """The planner's page queries: (collection, skip, limit, sort, projection) of each."""
    from console.storage import embedded

    calls: list[tuple] = []
    original = embedded.PlannedCursor._compute_results

    def spy(self, with_limit_and_skip=False):
        if self._results is None:
            calls.append((self.collection.name, self._skip, self._limit, self._sort,
                          dict(self._projection or {})))
        return original(self, with_limit_and_skip)

    monkeypatch.setattr(embedded.PlannedCursor, "_compute_results", spy)
    return calls


def test_the_approvers_queue_is_paged_in_the_query(app, finds, monkeypatch):
    from console.views import cases as case_views

    monkeypatch.setattr(case_views, "PAGE_SIZE", 2)
    approver = client_for(app, "ly_approver")
    for page in (0, 1):
        finds.clear()
        assert approver.get(f"/cases/queue?page={page}").status_code == 200
        queries = [call for call in finds if call[0] == "cases"]
        assert len(queries) == 1
        _, skip, limit, sort, projection = queries[0]
        # one page of cases chosen by the store, earliest due first, with only the row fields
        assert (skip, limit) == (2 * page, 2) and list(sort)[0][0] == "due_at"
        assert "timeline" not in projection and "materials" not in projection


def test_list_pages_read_only_what_they_show(app, finds):
    clerk = client_for(app, "ly_clerk")
    assert clerk.get("/cases/").status_code == 200
    (_, _, limit, _, projection), = [call for call in finds if call[0] == "cases"]
    assert limit == 25 and {"number", "company_name", "due_at"} <= set(projection)
    assert not {"timeline", "materials", "subtasks"} & set(projection)
    finds.clear()
    assert clerk.get("/windowview/list/").status_code == 200
    view = next(v for v in app.appbuilder.baseviews if v.endpoint == "WindowView")
    (_, _, _, _, projection), = [call for call in finds if call[0] == "windows"][:1]
    assert set(projection) <= {*view.list_columns, "_id"}


def test_a_company_name_search_decodes_only_the_rows_shown(app, monkeypatch):
    clerk = client_for(app, "ly_clerk")
    documents = Case._get_collection()._store._documents
    decoded = []
    original = documents._decode_doc
    monkeypatch.setattr(documents, "_decode_doc", lambda blob: decoded.append(1) or original(blob))
    parts = []
    whole_part = bsonparts.decode_fields
    monkeypatch.setattr(bsonparts, "decode_fields", lambda blob, wanted, options: parts.append(
        wanted) or whole_part(blob, wanted, options))
    with planner.strict():
        html = clerk.get("/cases/?state=all&q=测试1").get_data(as_text=True)
    assert "洛阳测试1科技有限公司" in html and "洛阳测试2科技有限公司" not in html
    # the count and the match come from the key tables; of the one row, only what it shows
    rows = [wanted for wanted in parts if b"company_name" in wanted]  # (windows are read too)
    assert decoded == [] and len(rows) == 1
    assert not {b"timeline", b"materials"} & rows[0]


def test_permissions_are_read_once_per_request(app, monkeypatch):
    """The menu, the buttons and the access checks of a page ask dozens of questions; the
    security collections are read a fixed few times per request, not once per question."""
    from console.storage import embedded

    reads: list[str] = []
    original = embedded.SerializedCollection.find

    def find(self, *args, **kwargs):
        reads.append(self.name)
        return original(self, *args, **kwargs)

    clerk = client_for(app, "ly_clerk")
    case = Case.objects(centre="LY").first()
    monkeypatch.setattr(embedded.SerializedCollection, "find", find)
    counts = []
    for url in (f"/cases/{case.pk}", "/cases/", f"/cases/{case.pk}"):
        reads.clear()
        assert clerk.get(url).status_code == 200
        counts.append(sum(1 for name in reads if name.startswith("ab_")))
    assert max(counts) <= 8 and counts[0] == counts[2], counts
