"""Buttons only where the action is allowed: no edit or delete button on shared records for a
centre user (the server refuses those changes too), and "Open a case" only for who may open."""

from __future__ import annotations

import re

from conftest import client_for, module_demo_app, post_form
import pytest

from models import Agency, ServiceItem

app = module_demo_app()


def row_links(page: str, view: str, verb: str) -> set[str]:
    return set(re.findall(rf"/{view}/{verb}/([0-9a-f]{{24}})", page))


@pytest.mark.parametrize(("view", "model"), [("agencyview", Agency),
                                             ("serviceitemview", ServiceItem)])
def test_centre_users_get_no_edit_or_delete_on_shared_rows(app, view, model):
    client = client_for(app, "ly_admin")
    page = client.get(f"/{view}/list/?psize_{model.__name__}View=100").get_data(as_text=True)
    shown = row_links(page, view, "show")
    with app.app_context():
        shared = {str(row.id) for row in model.objects(centre=None)}
        own = {str(row.id) for row in model.objects(centre="LY")}
    assert shared & shown and own & shown  # both kinds are listed
    for verb in ("edit", "delete"):
        assert not row_links(page, view, verb) & shared
        assert own & shown <= row_links(page, view, verb)


def test_the_server_refuses_what_the_button_hides(app):
    client = client_for(app, "ly_admin")
    with app.app_context():
        shared = Agency.objects(centre=None).first()
        name = shared.name
    url = f"/agencyview/edit/{shared.id}"
    response = post_form(client, url, {"code": shared.code, "name": "改名", "kind": shared.kind},
                         form_url="/agencyview/add")
    assert response.status_code == 403
    with app.app_context():
        assert Agency.objects.get(id=shared.id).name == name


def test_the_super_administrator_edits_shared_rows(app):
    page = client_for(app, "admin").get("/agencyview/list/").get_data(as_text=True)
    with app.app_context():
        shared = {str(row.id) for row in Agency.objects(centre=None)}
    assert shared & row_links(page, "agencyview", "edit")


@pytest.mark.parametrize(("username", "may_open"), [
    ("ly_clerk", True), ("admin", True), ("ly_admin", False), ("ly_supervisor", False),
    ("ly_approver", False),
])
def test_open_a_case_is_offered_only_to_who_may_open_one(app, username, may_open):
    client = client_for(app, username)
    for path in ("/", "/cases/"):
        page = client.get(path).get_data(as_text=True)
        assert ('href="/cases/new"' in page) is may_open, (username, path)
    assert (client.get("/cases/new").status_code == 200) is may_open


@pytest.mark.parametrize(("view", "model"), [("agencyview", Agency),
                                             ("serviceitemview", ServiceItem)])
def test_a_shared_records_form_is_refused_when_opened(app, view, model):
    with app.app_context():
        shared = model.objects(centre=None).first()
        own = model.objects(centre="LY").first()
    client = client_for(app, "ly_admin")
    client.get("/lang/zh_CN")
    refused = client.get(f"/{view}/edit/{shared.id}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "共享" in page and 'class="navbar' in page  # the reason, in the console's layout
    assert f"/{view}/edit/{shared.id}" not in client.get(
        f"/{view}/show/{shared.id}").get_data(as_text=True)
    assert client.get(f"/{view}/edit/{own.id}").status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(
        f"/{view}/edit/{own.id}").get_data(as_text=True)).group(1)
    assert client.post(f"/{view}/delete/{shared.id}",
                       data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert model.objects(id=shared.id).count() == 1
    assert client_for(app, "admin").get(f"/{view}/edit/{shared.id}").status_code == 200
