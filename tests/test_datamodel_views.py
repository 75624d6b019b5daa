"""MongoModelView end to end through Flask's test client, with CSRF on: list, search, show, add,
edit, delete, 404s, uniqueness and inline embedded rows."""

from __future__ import annotations

import re

from conftest import csrf_token, login, post_form
from datamodel_app import SampleAgency, SampleAgencyView, SampleItem, SampleItemView, sample_app
from flask.testing import FlaskClient
from mongoengine.errors import OperationError
import pytest

from console import storage
from console.cli import DEMO_PASSWORD
from console.datamodel import scoped

ADD = "/sampleitemview/add"


@pytest.fixture
def app():
    # Messages are asserted in English, the catalog's source language.
    app = sample_app(views=[(SampleItemView, "Sample items"),
                            (SampleAgencyView, "Sample agencies")])
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
        SampleAgency(name=name, centre=c).save()
        for name, c in [("市场监管局", "e"), ("税务局", "w")]
    ]


post = post_form


def page(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    html = page(response)
    found = re.findall(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)
    found += re.findall(r'<div class="text-danger small">(.*?)</div>', html, re.S)
    return [" ".join(e.split()) for e in found]


def item_form(agency, **extra) -> dict:
    return {"name": "企业开办", "agency": str(agency.pk), "level": "city", "days": "1", **extra}


def rows(*materials) -> dict:
    data = {}
    for index, material in materials:
        for key, value in material.items():
            data[f"materials-{index}-{key}"] = value
    return data


def stored_rows(item=None) -> list[tuple]:
    item = item or SampleItem.objects.get()
    return [(m.name, m.copies, m.original, m.kind) for m in item.materials]


# ---------------------------------------------------------------- list, search, show


def test_list_search_and_order(client, agencies):
    for name in ["x.*y", "x$ney", 'x{"$gt": ""}y', "ordinary"]:
        SampleItem(name=name, agency=agencies[0]).save()
    assert client.get("/sampleitemview/list/").status_code == 200
    for text, expected in [(".*", "x.*y"), ("$ne", "x$ney"), ('{"$gt": ""}', 'x{"$gt": ""}y')]:
        html = page(client.get("/sampleitemview/list/", query_string={"_flt_0_name": text}))
        listed = [
            n for n in ["x.*y", "x$ney", "x{&#34;$gt&#34;: &#34;&#34;}y", "ordinary"] if n in html
        ]
        assert len(listed) == 1, (text, listed)
        assert expected.replace('"', "&#34;") in html
    desc = page(client.get("/sampleitemview/list/?_oc_SampleItemView=name&_od_SampleItemView=desc"))
    asc = page(client.get("/sampleitemview/list/?_oc_SampleItemView=name&_od_SampleItemView=asc"))
    assert desc.index("x.*y") < desc.index("ordinary")
    assert asc.index("ordinary") < asc.index("x.*y")


def test_pagination(client, agencies):
    for i in range(30):
        SampleItem(name=f"item{i:02d}", agency=agencies[0]).save()
    first = page(client.get("/sampleitemview/list/"))
    second = page(client.get("/sampleitemview/list/?page_SampleItemView=1"))
    assert "item00" in first and "item24" in first and "item25" not in first
    assert "item25" in second and "item29" in second and "item00" not in second
    assert "30" in first  # the record count


def test_show_and_unknown_ids(client, agencies):
    item = SampleItem(name="开办", agency=agencies[0]).save()
    html = page(client.get(f"/sampleitemview/show/{item.pk}"))
    assert "开办" in html and "市场监管局" in html
    for bad in ["notanid", "0123456789abcdef01234567"]:
        assert client.get(f"/sampleitemview/show/{bad}").status_code == 404
        assert client.get(f"/sampleitemview/edit/{bad}").status_code == 404
        token = csrf_token(client, ADD)
        response = client.post(f"/sampleitemview/delete/{bad}", data={"csrf_token": token})
        assert response.status_code == 404


def test_related_view_lists_the_records_that_refer_to_this_one(client, agencies):
    SampleItem(name="企业开办", agency=agencies[0]).save()
    SampleItem(name="税务登记", agency=agencies[1]).save()
    html = page(client.get(f"/sampleagencyview/show/{agencies[0].pk}"))
    assert "企业开办" in html and "税务登记" not in html


def test_scope_applies_to_show_and_edit(client, agencies):
    with scoped(SampleAgency, lambda doc: {"centre": "w"}):
        assert client.get(f"/sampleagencyview/show/{agencies[0].pk}").status_code == 404
        assert client.get(f"/sampleagencyview/show/{agencies[1].pk}").status_code == 200
        html = page(client.get(ADD))
        assert "税务局" in html and "市场监管局" not in html


# ---------------------------------------------------------------- add, edit, delete


def test_add_with_rows_ignores_blank_rows(client, agencies):
    data = item_form(agencies[0]) | rows(
        (0, {"name": "营业执照", "copies": "2", "original": "y", "kind": "paper"}),
        (1, {"name": "", "copies": "", "kind": ""}),
        (5, {"name": "公司章程", "copies": ""}),
    )
    response = post(client, ADD, data)
    assert response.status_code == 302, errors(response)
    assert stored_rows() == [("营业执照", 2, True, "paper"), ("公司章程", 1, False, None)]
    item = SampleItem.objects.get()
    assert item.code is None  # blank text is no value, not ""
    listing = page(client.get("/sampleitemview/list/"))
    assert "2 items: 营业执照, 公司章程" in listing
    show = page(client.get(f"/sampleitemview/show/{item.pk}"))
    assert re.search(r"<td>营业执照</td><td>2</td><td>Yes</td><td>纸质</td>", show)


def test_edit_rows_saves_exactly_what_the_form_showed(client, agencies):
    item = SampleItem(name="a", agency=agencies[0]).save()
    url = f"/sampleitemview/edit/{item.pk}"
    first = item_form(agencies[0], name="a") | rows(
        (0, {"name": "营业执照"}), (1, {"name": "章程"}), (2, {"name": "住所证明"})
    )
    assert post(client, url, first).status_code == 302
    assert [r[0] for r in stored_rows()] == ["营业执照", "章程", "住所证明"]
    form = page(client.get(url))
    assert 'value="住所证明"' in form
    # Change the first row, remove the second (the browser no longer submits it).
    second = item_form(agencies[0], name="a") | rows(
        (0, {"name": "营业执照(副本)", "copies": "3"}), (2, {"name": "住所证明"})
    )
    assert post(client, url, second).status_code == 302
    assert stored_rows() == [("营业执照(副本)", 3, False, None), ("住所证明", 1, False, None)]


def test_bad_row_value_keeps_the_stored_document(client, agencies):
    item = SampleItem(name="a", agency=agencies[0]).save()
    url = f"/sampleitemview/edit/{item.pk}"
    assert (
        post(client, url, item_form(agencies[0]) | rows((0, {"name": "营业执照"}))).status_code
        == 302
    )
    before = stored_rows()
    bad = item_form(agencies[0], name="changed") | rows(
        (0, {"name": "营业执照"}), (1, {"name": "章程", "copies": "0"}), (2, {"name": "x" * 41})
    )
    response = post(client, url, bad)
    assert response.status_code == 200
    messages = errors(response)
    assert any("at least 1" in m for m in messages), messages
    assert any("40" in m for m in messages), messages
    assert 'value="章程"' in page(response)  # the user's input is kept
    assert stored_rows() == before
    assert SampleItem.objects.get().name == "企业开办"


def test_row_error_from_the_document_is_shown_in_its_cell(client, agencies):
    data = item_form(agencies[0]) | rows((0, {"name": "营业执照"}), (1, {"copies": "2"}))
    response = post(client, ADD, data)
    assert response.status_code == 200
    assert any("required" in m for m in errors(response))
    assert SampleItem.objects.count() == 0


def test_duplicate_unique_value_is_a_form_error(client, agencies):
    response = post(client, "/sampleagencyview/add", {"name": "税务局"})
    assert response.status_code == 200
    assert "Already exists." in errors(response)
    assert SampleAgency.objects(name="税务局").count() == 1
    edit = f"/sampleagencyview/edit/{agencies[0].pk}"
    response = post(client, edit, {"name": "税务局"})
    assert "Already exists." in errors(response)
    assert SampleAgency.objects.get(pk=agencies[0].pk).name == "市场监管局"
    # Saving a record with its own unique value is not a conflict.
    assert post(client, edit, {"name": "市场监管局", "code": "123456"}).status_code == 302


def test_document_rules_are_form_errors(client, agencies):
    response = post(client, "/sampleagencyview/add", {"name": "人社局", "code": "12"})
    assert response.status_code == 200
    assert "Invalid format." in errors(response)
    assert SampleAgency.objects(name="人社局").count() == 0


def test_references_and_choices(client, agencies):
    data = item_form(agencies[0], level="nope") | {"partners": [str(agencies[1].pk)]}
    response = post(client, ADD, data)
    assert response.status_code == 200 and SampleItem.objects.count() == 0
    data = item_form(agencies[0], level="district") | {"partners": [str(agencies[1].pk)]}
    assert post(client, ADD, data).status_code == 302
    item = SampleItem.objects.get()
    assert item.level == "district" and item.partners == [agencies[1]]
    assert item.agency == agencies[0]


def test_delete(client, agencies):
    item = SampleItem(name="a", agency=agencies[0]).save()
    token = csrf_token(client, ADD)
    assert (
        client.post(f"/sampleitemview/delete/{item.pk}", data={"csrf_token": token}).status_code
        == 302
    )
    assert SampleItem.objects.count() == 0


def test_delete_refused_while_referenced(client, agencies):
    SampleItem(name="a", agency=agencies[0]).save()
    token = csrf_token(client, ADD)
    client.post(f"/sampleagencyview/delete/{agencies[0].pk}", data={"csrf_token": token})
    assert SampleAgency.objects.count() == 2


def test_post_without_csrf_token_writes_nothing(client, agencies):
    response = client.post(ADD, data=item_form(agencies[0]))
    assert response.status_code in (200, 400)
    assert SampleItem.objects.count() == 0


def test_inline_script_is_served(client):
    html = page(client.get(ADD))
    src = re.search(r'<script src="([^"]*inline\.js)"', html).group(1)
    script = client.get(src)
    assert script.status_code == 200 and b"data-ow-template" in script.data
    assert "<template data-ow-template>" in html and "materials-__index__-name" in html


# ---------------------------------------------------------------- scope and unexpected errors


def test_mapping_scope_confines_form_writes(client, agencies):
    with scoped(SampleAgency, lambda doc: {"centre": "w"}):
        response = post(client, "/sampleagencyview/add", {"name": "人社局", "centre": "e"})
        assert response.status_code == 200
        assert "This value is outside your scope." in errors(response)
        assert post(client, "/sampleagencyview/add", {"name": "人社局"}).status_code == 302
    assert SampleAgency.objects.get(name="人社局").centre == "w"


def test_unexpected_hook_error_is_logged_once_and_translated(client, agencies, monkeypatch, caplog):
    def broken(item):
        raise KeyError("internal detail")

    view = next(
        v for v in client.application.appbuilder.baseviews if isinstance(v, SampleAgencyView)
    )
    monkeypatch.setattr(view, "pre_add", view._guarded(broken))
    with caplog.at_level("ERROR"):
        response = post(client, "/sampleagencyview/add", {"name": "人社局"})
    assert response.status_code == 302
    flashed = page(client.get("/sampleagencyview/list/"))
    assert "Something went wrong; the change was not saved." in flashed
    assert "internal detail" not in flashed
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1
    assert SampleAgency.objects(name="人社局").count() == 0


def test_database_failure_on_edit_is_logged_once_and_flashed(client, agencies, monkeypatch, caplog):
    def failing_save(self, *args, **kwargs):
        raise OperationError("connection reset")

    monkeypatch.setattr(SampleAgency, "save", failing_save)
    with caplog.at_level("ERROR"):
        response = post(client, f"/sampleagencyview/edit/{agencies[0].pk}", {"name": "新名称"})
    assert response.status_code == 302
    flashed = page(client.get("/sampleagencyview/list/"))
    assert "The record could not be saved." in flashed
    assert "connection reset" not in flashed
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1
    monkeypatch.undo()
    assert SampleAgency.objects.get(pk=agencies[0].pk).name == "市场监管局"
