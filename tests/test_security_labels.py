"""The super-administrator's role and permission screens name grants in the reader's language
("添加 · 办件"), while what is stored stays Flask-AppBuilder's names ("can_add", "CaseView")."""

from __future__ import annotations

import re

from conftest import client_for, csrf_token, make_app, module_demo_app
from flask import Flask
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
import pytest

from console.security import labels
from console.security.models import Permission, Role, ViewMenu

app = module_demo_app(BABEL_DEFAULT_LOCALE="zh_CN")

CJK = re.compile(r"[\u4e00-\u9fff]")


def unlabelled(app: Flask) -> list[str]:
    """Every stored permission and view-menu whose zh_CN label is not Chinese."""
    with app.test_request_context("/"):
        missing = [f"permission {row.name}" for row in Permission.objects
                   if not CJK.search(labels.permission_label(row.name))]
        missing += [f"view-menu {row.name}" for row in ViewMenu.objects
                    if not CJK.search(labels.view_menu_label(row.name))]
    return missing


def test_every_permission_and_view_menu_has_a_chinese_label(app):
    assert Permission.objects.count() > 20 and ViewMenu.objects.count() > 50
    assert unlabelled(app) == []


def test_role_screens_name_grants_in_chinese(app):
    admin = client_for(app, "admin")
    page = admin.get("/roles/list/").get_data(as_text=True)
    assert "添加 · 办件" in page and "查看 · 办件" in page
    assert "can add on CaseView" not in page and "can_add" not in page
    clerk = Role.objects.get(name="Clerk")
    shown = admin.get(f"/roles/show/{clerk.pk}").get_data(as_text=True)
    assert "添加 · 办件" in shown and "CaseView" not in shown
    form = admin.get(f"/roles/edit/{clerk.pk}").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]*)</option>', form)
    assert options and all(" · " in label for _pk, label in options)
    assert "添加 · 办件" in {label for _pk, label in options}
    assert not any("CaseView" in label or "can " in label for _pk, label in options)


def test_saving_a_role_from_the_translated_form_keeps_fab_names(app):
    admin = client_for(app, "admin")
    clerk = Role.objects.get(name="Clerk")
    before = sorted(str(pv.pk) for pv in clerk.permissions)
    token = csrf_token(admin, f"/roles/edit/{clerk.pk}")
    response = admin.post(f"/roles/edit/{clerk.pk}", data={
        "csrf_token": token, "name": "Clerk", "permissions": before})
    assert response.status_code == 302
    stored = Role.objects.get(name="Clerk")
    assert sorted(str(pv.pk) for pv in stored.permissions) == before
    pairs = {(pv.permission.name, pv.view_menu.name) for pv in stored.permissions}
    assert ("can_add", "CaseView") in pairs


def test_permission_screens_name_permissions_and_views_in_chinese(app):
    admin = client_for(app, "admin")
    rows = admin.get("/permissions/list/?psize_PermissionModelView=100").get_data(as_text=True)
    body = rows[rows.index("<tbody") if "<tbody" in rows else 0:]
    assert "<td>添加</td>" in body.replace("\n", "").replace(" ", "") or ">添加<" in body
    assert ">can_add<" not in body
    menus = admin.get("/viewmenus/list/?psize_ViewMenuModelView=100").get_data(as_text=True)
    assert "办件" in menus and ">CaseView<" not in re.sub(r"\s+", "", menus)
    pairs = admin.get("/permissionviews/list/").get_data(as_text=True)
    assert "can_this_form_get" not in pairs and "UserInfoEditView" not in pairs


def test_the_same_screens_in_english(app):
    admin = client_for(app, "admin")
    admin.get("/lang/en")
    page = admin.get("/roles/list/").get_data(as_text=True)
    assert "Add · Cases" in page and "can add on CaseView" not in page
    menus = admin.get("/viewmenus/list/?psize_ViewMenuModelView=100").get_data(as_text=True)
    assert "Case status look-up" in menus and ">StatusPageView<" not in re.sub(r"\s+", "", menus)


@pytest.mark.parametrize("name", sorted(labels.PERMISSION_LABELS))
def test_permission_labels_are_translated(app, name):
    with app.test_request_context("/"):
        assert CJK.search(labels.permission_label(name)), name


class UnnamedView(BaseView):
    """A screen that declares no label of its own."""

    route_base = "/unnamed"

    @expose("/")
    @has_access
    def index(self):
        return "x"


def test_a_new_view_without_a_label_is_caught():
    # Last in this file: a second app takes over the connection, which the module's fixture
    # closes when the file is done.
    made = make_app(BABEL_DEFAULT_LOCALE="zh_CN")
    with made.app_context():
        made.appbuilder.add_view_no_menu(UnnamedView)
    assert made.test_cli_runner().invoke(args=["init"]).exit_code == 0
    assert unlabelled(made) == ["view-menu UnnamedView"]
