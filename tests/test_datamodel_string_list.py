"""Lists of strings (``ListField(StringField())``) in the datamodel: a kind, a one-entry-per-line
text area (top-level and in inline rows, with the element rules per line), the "contains
element" filters, display joined with "；", and a list of strings over REST. Forms are posted
through the test client with CSRF on."""

from __future__ import annotations

import re

from conftest import login, post_form
from datamodel_app import (
    SampleCase,
    SampleCaseApi,
    SampleCaseView,
    SampleItem,
    SampleStep,
    sample_app,
)
from flask.testing import FlaskClient
import prison
import pytest

from console import storage
from console.cli import DEMO_PASSWORD
from console.datamodel import MongoEngineInterface
from console.datamodel.forms import MongoModelConverter

ADD = "/samplecaseview/add"
API = "/api/v1/sample-case/"


@pytest.fixture
def app():
    # Messages are asserted in English, the catalog's source language.
    app = sample_app(views=[(SampleCaseView, "Sample cases")], apis=[SampleCaseApi])
    yield app
    storage.disconnect()


@pytest.fixture
def client(app) -> FlaskClient:
    client = app.test_client()
    assert login(client, "admin", DEMO_PASSWORD).status_code == 302
    return client


post = post_form


def page(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    html = page(response)
    found = re.findall(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)
    found += re.findall(r'<div class="text-danger small">(.*?)</div>', html, re.S)
    found += re.findall(r'<span class="help-block">(.*?)</span>', html, re.S)
    return [" ".join(e.split()) for e in found]


def steps(*rows) -> dict:
    data = {}
    for index, row in rows:
        for key, value in row.items():
            data[f"steps-{index}-{key}"] = value
    return data


def q(**args) -> dict:
    return {"q": prison.dumps(args)}


# ---------------------------------------------------------------- kind


def test_a_list_of_strings_has_a_kind_and_a_form_field():
    datamodel = MongoEngineInterface(SampleCase)
    assert datamodel.kind("tags") == "string_list"
    assert datamodel.is_string_list("notes")
    assert not datamodel.is_string("tags") and not datamodel.is_choice("tags")
    assert MongoEngineInterface(SampleItem).kind("partners") == "reference_list"
    assert "tags" in datamodel.get_search_columns_list()
    assert "tags" not in datamodel.get_order_columns_list()
    form = MongoModelConverter(datamodel).create_form({}, ["title", "tags", "notes"])
    assert {"title", "tags", "notes"} <= set(vars(form))
    rows = MongoModelConverter(MongoEngineInterface(SampleStep), row_form=True).create_form(
        {}, ["name", "points"]
    )
    assert "points" in vars(rows)


# ---------------------------------------------------------------- forms


def test_add_and_edit_store_exactly_the_non_blank_lines(client):
    data = {"title": "开办", "tags": "  a \r\n\r\n   \r\nb\r\n  c  \r\n", "notes": "\n \n"}
    response = post(client, ADD, data)
    assert response.status_code == 302, errors(response)
    case = SampleCase.objects.get()
    assert case.tags == ["a", "b", "c"]
    assert case.notes == []
    edit = f"/samplecaseview/edit/{case.pk}"
    form = page(client.get(edit))
    assert re.search(r"<textarea[^>]*name=\"tags\"[^>]*>\s*a\nb\nc</textarea>", form), form
    response = post(client, edit, {"title": "开办", "tags": "b\n d\n", "notes": "第一条\n第二条"})
    assert response.status_code == 302, errors(response)
    case.reload()
    assert case.tags == ["b", "d"] and case.notes == ["第一条", "第二条"]
    listing = page(client.get("/samplecaseview/list/"))
    assert "b；d" in listing
    show = page(client.get(f"/samplecaseview/show/{case.pk}"))
    assert "b；d" in show and "第一条；第二条" in show


def test_too_long_or_badly_formed_line_is_refused_and_nothing_stored(client):
    response = post(client, ADD, {"title": "开办", "tags": "ok\n" + "x" * 11 + "\nbad#"})
    assert response.status_code == 200
    messages = errors(response)
    assert any("Line 2 is longer than 10 characters." in m for m in messages), messages
    assert any("Line 3: invalid format." in m for m in messages), messages
    assert "x" * 11 in page(response)  # the user's input is kept
    assert SampleCase.objects.count() == 0
    case = SampleCase(title="开办", tags=["a"]).save()
    before = case.to_mongo().to_dict()
    response = post(client, f"/samplecaseview/edit/{case.pk}", {"title": "改", "tags": "y" * 11})
    assert response.status_code == 200
    assert any("Line 1 is longer than 10 characters." in m for m in errors(response))
    assert SampleCase.objects.get().to_mongo().to_dict() == before


def test_required_list_needs_at_least_one_line(client):
    response = post(client, ADD, {"title": "开办", "tags": " \n\n "})
    assert response.status_code == 200
    assert any("Enter at least one line." in m for m in errors(response)), errors(response)
    assert SampleCase.objects.count() == 0


def test_inline_rows_with_a_string_list_column(client):
    data = {"title": "开办", "tags": "a"} | steps(
        (0, {"name": "受理", "points": "核对原件\n\n 查验印章 "}),
        (1, {"name": "", "points": "  \n  "}),  # blank row: ignored
        (4, {"name": "审核", "points": "", "urgent": "y"}),
    )
    response = post(client, ADD, data)
    assert response.status_code == 302, errors(response)
    case = SampleCase.objects.get()
    assert [(s.name, s.points, s.urgent) for s in case.steps] == [
        ("受理", ["核对原件", "查验印章"], False),
        ("审核", [], True),
    ]
    edit = f"/samplecaseview/edit/{case.pk}"
    form = page(client.get(edit))
    assert 'name="steps-0-points"' in form and "核对原件\n查验印章</textarea>" in form
    assert "steps-__index__-points" in form  # the add-row template
    show = page(client.get(f"/samplecaseview/show/{case.pk}"))
    assert "<td>核对原件；查验印章</td>" in show
    # A row with only review points is not blank: its missing name is an error in its cell.
    bad = {"title": "开办", "tags": "a"} | steps(
        (0, {"name": "受理"}),
        (1, {"points": "只有要点"}),
        (2, {"name": "复核", "points": "z" * 21}),
    )
    before = SampleCase.objects.get().to_mongo().to_dict()
    response = post(client, edit, bad)
    assert response.status_code == 200
    messages = errors(response)
    assert any("required" in m.lower() for m in messages), messages
    assert any("Line 1 is longer than 20 characters." in m for m in messages), messages
    assert SampleCase.objects.get().to_mongo().to_dict() == before


# ---------------------------------------------------------------- filters


def test_filter_contains_element(client):
    SampleCase(title="one", tags=["a", "b"]).save()
    SampleCase(title="two", tags=["b", "c"]).save()
    SampleCase(title="three", tags=[".*"]).save()

    def api(opr: str, value) -> list[str]:
        flt = [{"col": "tags", "opr": opr, "value": value}]
        response = client.get(API, query_string=q(filters=flt, order_column="title"))
        assert response.status_code == 200, response.json
        return sorted(r["title"] for r in response.json["result"])

    assert api("has", "b") == ["one", "two"]
    assert api("has", " a ") == ["one"]
    assert api("has", "") == ["one", "three", "two"]  # blank: no filter
    assert api("has", ".") == []  # literal, not a regular expression
    assert api("has", ".*") == ["three"]
    assert api("nhas", "b") == ["three"]
    assert api("has", ["a", "b"]) == ["one"]  # a list: every one of its elements
    # Substring operators are not offered on a list.
    response = client.get(API, query_string=q(filters=[{"col": "tags", "opr": "ct", "value": "b"}]))
    assert response.status_code == 400
    # The screen offers the same filters by their FAB names.
    html = page(client.get("/samplecaseview/list/", query_string={"_flt_0_tags": "c"}))
    assert "two" in html and "three" not in html
    html = page(client.get("/samplecaseview/list/", query_string={"_flt_1_tags": "c"}))
    assert "one" in html and "three" in html and ">two<" not in html


# ---------------------------------------------------------------- REST


def test_rest_round_trip_of_a_list_of_strings(client):
    payload = {
        "title": "开办",
        "tags": ["a", "b"],
        "notes": ["第一条"],
        "steps": [{"name": "受理", "points": ["核对原件", "查验印章"]}],
    }
    response = client.post(API, json=payload)
    assert response.status_code == 201, response.json
    pk = response.json["id"]
    case = SampleCase.objects.get()
    assert case.tags == ["a", "b"] and case.steps[0].points == ["核对原件", "查验印章"]
    shown = client.get(f"{API}{pk}").json["result"]
    assert shown["tags"] == ["a", "b"] and shown["notes"] == ["第一条"]
    assert shown["steps"][0]["points"] == ["核对原件", "查验印章"]
    assert client.put(f"{API}{pk}", json={"tags": ["c"]}).status_code == 200
    assert SampleCase.objects.get().tags == ["c"]
    for bad in ["a", ["x" * 11], [1], [None], ["ok#"], [], {"$gt": ""}]:
        response = client.put(f"{API}{pk}", json={"tags": bad})
        assert response.status_code == 422, (bad, response.json)
        assert "tags" in response.json["message"], response.json
    assert SampleCase.objects.get().tags == ["c"]
