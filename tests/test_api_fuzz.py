"""Fuzzing every operation of the served OpenAPI document (hypothesis): whatever the path
parameters, query and body, with or without a token of any kind, the answer is never a 500."""

from __future__ import annotations

import json
import re

from conftest import module_demo_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from console.api import public
from console.cli import DEMO_PASSWORD

ACCOUNTS = ("admin", "ly_amr_system", "ly_intake", "ly_approver", None)
PASSWORDS = {"admin": DEMO_PASSWORD}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
# Bodies shaped like the real ones, so the checks past the parser are reached too.
SHAPED = st.fixed_dictionaries({}, optional={
    "version": st.integers() | st.text(), "reason": st.text(), "note": st.text(),
    "results": st.dictionaries(st.sampled_from(["licence_number", "credit_code", "seals",
                                                "invoice_count", "x"]), JSON, max_size=3),
    "client_key": st.text(), "items": st.lists(st.text(), max_size=3), "mode": st.text(),
    "applicant": st.dictionaries(st.sampled_from(["company_name", "phone", "legal_rep_id",
                                                  "address", "legal_rep_name"]), st.text()),
    "materials": JSON, "window": JSON, "delivery_method": JSON,
})
SEGMENT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
                  min_size=1, max_size=30) | st.sampled_from(["LY", "MJ", "LY-20260506-0001",
                                                              "start", "complete", "_info"])


app = module_demo_app()


@pytest.fixture(scope="module")
def tokens(app):
    client, found = app.test_client(), {None: {}}
    for name in ACCOUNTS[:-1]:
        response = client.post("/api/v1/security/login", json={
            "username": name, "password": PASSWORDS.get(name, DEMO_PASSWORD), "provider": "db"})
        found[name] = {"Authorization": f"Bearer {response.json['access_token']}"}
    return found


@pytest.fixture(scope="module")
def known(app) -> list[str]:
    """A real accepted case, so drawn paths also reach real sub-tasks."""
    from test_api_agency import accepted_case

    with app.app_context():
        case = accepted_case()
    return [case.number, *(task.key for task in case.subtasks)]


@pytest.fixture(scope="module")
def operations(app, tokens):
    document = app.test_client().get("/api/v1/_openapi", headers=tokens["admin"])
    assert document.status_code == 200
    paths = document.json["paths"]
    assert "/api/v1/subtask/{number}/{key}/{action}" in paths and "/api/v1/intake/" in paths
    return [(path, method) for path, item in paths.items() for method in item
            if method in ("get", "post", "put", "delete")]


def test_no_operation_answers_500(app, tokens, operations, known):
    client = app.test_client()

    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(operations), st.sampled_from(ACCOUNTS), st.data())
    def check(operation, account, data):
        public.reset_limits(app)
        path, method = operation
        url = re.sub(r"\{[^}]+\}", lambda _m: data.draw(SEGMENT | st.sampled_from(known)), path)
        query = data.draw(st.one_of(st.just({}), st.fixed_dictionaries(
            {"q": st.text(max_size=40) | st.sampled_from(
                ["(page:0)", "(page:-1)", "(state:done,overdue:!t)", "(changed_since:'x')",
                 "(page:", "!(", "(page_size:0)"])}),
            st.fixed_dictionaries({"code": st.text(max_size=6)})))
        kwargs = {"headers": tokens[account], "query_string": query}
        if method in ("post", "put"):
            body = data.draw(st.one_of(SHAPED, JSON))
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = client.open(url, method=method.upper(), **kwargs)
        assert response.status_code < 500, (method, url, query, response.get_data(as_text=True))

    check()


def test_the_docs_page_loads_its_assets_from_the_package(app):
    from conftest import client_for

    admin = client_for(app, "admin")
    page = admin.get("/swagger/v1").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]*swagger[^"]*)"', page)
    assert assets and all(asset.startswith("/") for asset in assets)  # nothing from a CDN
    for asset in assets:
        if asset.startswith("/lang/"):  # the language menu's links, not assets
            continue
        assert admin.get(asset).status_code == 200, asset
    assert "/api/v1/_openapi" in page
