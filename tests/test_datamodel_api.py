"""MongoModelRestApi through Flask's test client: rison list queries, ObjectId item routes,
201/422/404 answers, partial PUT, delete, /_info, and the scope."""

from __future__ import annotations

from decimal import Decimal

from conftest import login
from datamodel_app import SampleAgency, SampleItem, SampleItemApi, SampleMaterial, sample_app
from flask.testing import FlaskClient
import prison
import pytest

from console import storage
from console.cli import DEMO_PASSWORD
from console.datamodel import scoped

BASE = "/api/v1/sample-item/"


@pytest.fixture
def app():
    # Messages are asserted in English, the catalog's source language.
    app = sample_app(apis=[SampleItemApi])
    yield app
    storage.disconnect()


@pytest.fixture
def client(app) -> FlaskClient:
    client = app.test_client()
    assert login(client, "admin", DEMO_PASSWORD).status_code == 302
    return client


@pytest.fixture
def agencies(app):
    return [
        SampleAgency(name=n, centre=c).save() for n, c in [("市场监管局", "e"), ("税务局", "w")]
    ]


@pytest.fixture
def items(agencies):
    return [
        SampleItem(
            name=name,
            agency=agencies[i % 2],
            days=i,
            fee=Decimal("1.5"),
            materials=[SampleMaterial(name="营业执照", copies=2)],
        ).save()
        for i, name in enumerate(["x.*y", "plain", "other", "x$ney"])
    ]


def q(**args) -> dict:
    return {"q": prison.dumps(args)}


def test_list_with_rison_filter_order_and_page(client, items):
    response = client.get(
        BASE, query_string=q(filters=[{"col": "name", "opr": "ct", "value": ".*"}])
    )
    assert response.status_code == 200, response.json
    assert [r["name"] for r in response.json["result"]] == ["x.*y"]
    assert response.json["count"] == 1
    assert response.json["ids"] == [str(items[0].pk)]
    row = response.json["result"][0]
    assert row["agency"] == str(items[0].agency.pk)
    assert row["materials"] == [{"name": "营业执照", "copies": 2, "original": False, "kind": None}]

    response = client.get(
        BASE, query_string=q(order_column="days", order_direction="desc", page=0, page_size=3)
    )
    assert [r["name"] for r in response.json["result"]] == ["x$ney", "other", "plain"]
    assert response.json["count"] == 4
    response = client.get(
        BASE, query_string=q(order_column="days", order_direction="asc", page=1, page_size=3)
    )
    assert [r["name"] for r in response.json["result"]] == ["x$ney"]


def test_list_filters_are_literal_and_typed(client, items):
    for value in ['{"$gt": ""}', "$ne"]:
        found = client.get(
            BASE, query_string=q(filters=[{"col": "name", "opr": "eq", "value": value}])
        )
        assert found.json["count"] == 0
    injected = client.get(
        BASE, query_string=q(filters=[{"col": "name", "opr": "eq", "value": {"$ne": ""}}])
    )
    assert injected.status_code in (200, 400) and injected.json.get("count", 0) == 0
    numbers = client.get(BASE, query_string=q(filters=[{"col": "days", "opr": "gt", "value": 1}]))
    assert sorted(r["name"] for r in numbers.json["result"]) == ["other", "x$ney"]
    related = client.get(
        BASE,
        query_string=q(
            filters=[{"col": "agency", "opr": "rel_o_m", "value": str(items[1].agency.pk)}]
        ),
    )
    assert sorted(r["name"] for r in related.json["result"]) == ["plain", "x$ney"]
    bad_op = client.get(BASE, query_string=q(filters=[{"col": "days", "opr": "ct", "value": "1"}]))
    assert bad_op.status_code == 400


def test_get_by_object_id_string(client, items):
    response = client.get(f"{BASE}{items[0].pk}")
    assert response.status_code == 200, response.json
    assert response.json["id"] == str(items[0].pk)
    result = response.json["result"]
    assert result["name"] == "x.*y" and result["fee"] == "1.50"
    # A dotted show column ("agency.name") nests the referenced record.
    assert result["agency"] == {"name": "市场监管局"}
    assert result["partners"] == []
    assert client.get(f"{BASE}notanid").status_code == 404
    assert client.get(f"{BASE}0123456789abcdef01234567").status_code == 404
    assert client.put(f"{BASE}notanid", json={"name": "x"}).status_code == 404
    assert client.delete(f"{BASE}notanid").status_code == 404


def test_post_creates_201(client, agencies):
    payload = {
        "name": "企业开办",
        "agency": str(agencies[0].pk),
        "partners": [str(agencies[1].pk)],
        "days": 1,
        "level": "city",
        "materials": [{"name": "营业执照", "copies": 2}, {"name": "章程"}],
    }
    response = client.post(BASE, json=payload)
    assert response.status_code == 201, response.json
    item = SampleItem.objects.get()
    assert response.json["id"] == str(item.pk)
    assert item.agency == agencies[0] and item.partners == [agencies[1]]
    assert [(m.name, m.copies) for m in item.materials] == [("营业执照", 2), ("章程", 1)]


def test_post_invalid_is_422_with_field_messages(client, agencies):
    response = client.post(
        BASE,
        json={"agency": "notanid", "days": -1, "level": "nope", "materials": [{"copies": 0}]},
    )
    assert response.status_code == 422
    message = response.json["message"]
    assert set(message) >= {"name", "agency", "days", "level", "materials"}
    assert "0" in message["materials"] or 0 in message["materials"]
    assert SampleItem.objects.count() == 0


def test_post_record_rules_and_uniqueness_are_422(client, agencies):
    payload = {"name": "a", "agency": str(agencies[0].pk), "code": "C1"}
    assert client.post(BASE, json=payload).status_code == 201
    response = client.post(BASE, json={**payload, "name": "b"})
    assert response.status_code == 422
    assert response.json["message"] == {"code": "Already exists."}
    long_row = {**payload, "code": "C2", "materials": [{"name": "x" * 41}]}
    response = client.post(BASE, json=long_row)
    assert response.status_code == 422 and "materials" in response.json["message"]
    assert SampleItem.objects.count() == 1


def test_put_is_partial(client, items):
    url = f"{BASE}{items[1].pk}"
    response = client.put(url, json={"days": 9})
    assert response.status_code == 200, response.json
    stored = SampleItem.objects.get(pk=items[1].pk)
    assert stored.days == 9 and stored.name == "plain" and stored.agency == items[1].agency
    assert [m.name for m in stored.materials] == ["营业执照"]
    response = client.put(url, json={"days": "many"})
    assert response.status_code == 422 and "days" in response.json["message"]
    assert SampleItem.objects.get(pk=items[1].pk).days == 9


def test_delete(client, items):
    assert client.delete(f"{BASE}{items[0].pk}").status_code == 200
    assert SampleItem.objects.count() == 3


def test_info_lists_reference_choices_in_scope(client, agencies):
    with scoped(SampleAgency, lambda doc: {"centre": "w"}):
        response = client.get(f"{BASE}_info")
    assert response.status_code == 200, response.json
    agency = next(f for f in response.json["add_columns"] if f["name"] == "agency")
    assert agency["values"] == [{"id": str(agencies[1].pk), "value": "税务局"}]
    assert "ct" in {f["operator"] for f in response.json["filters"]["name"]}


def test_scope_applies_to_the_api(client, items):
    with scoped(SampleItem, lambda doc: {"name": "plain"}):
        assert client.get(BASE).json["count"] == 1
        assert client.get(f"{BASE}{items[0].pk}").status_code == 404
        assert client.delete(f"{BASE}{items[0].pk}").status_code == 404
    assert SampleItem.objects.count() == 4


def test_jwt_login_then_bearer_token(app, items):
    """Agency systems sign in through FAB's JWT login and call the API with the token."""
    anonymous = app.test_client()
    assert anonymous.get(BASE).status_code == 401
    refused = anonymous.post("/api/v1/security/login",
                             json={"username": "admin", "password": "wrong", "provider": "db"})
    assert refused.status_code == 401
    response = anonymous.post("/api/v1/security/login",
                              json={"username": "admin", "password": DEMO_PASSWORD,
                                    "provider": "db"})
    assert response.status_code == 200, response.json
    token = response.json["access_token"]
    listed = anonymous.get(BASE, headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.json["count"] == len(items)
