"""MongoSecurityManager's storage primitives, called the way FAB and its CLI call them, on
mongomock and (where persistence matters) on the embedded store."""

from __future__ import annotations

import datetime
import json
import types
import uuid

from flask import Flask
from flask_appbuilder.security.signals import role_created, user_created
import mongomock
import pytest
from werkzeug.security import check_password_hash

from console import storage
from console.cli import DEMO_PASSWORD
from console.security import cache
from console.security.manager import MongoSecurityManager
from console.security.models import (
    ApiKey,
    Group,
    Permission,
    PermissionView,
    RegisterUser,
    Role,
    User,
    ViewMenu,
)

NEW_PASSWORD = "new-" + DEMO_PASSWORD


def start_manager(
    spec: storage.StorageSpec, monkeypatch, **config
) -> tuple[Flask, MongoSecurityManager]:
    """A bare Flask app with only the security manager: no screens, so no datamodel needed."""
    storage.connect(spec)
    storage.ensure_indexes()  # as `onewindow init` would
    monkeypatch.setattr(MongoSecurityManager, "_bind_view_datamodels", lambda self: None)
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", RATELIMIT_ENABLED=False, **config)
    with app.app_context():
        manager = MongoSecurityManager(types.SimpleNamespace())
    return app, manager


@pytest.fixture
def app_sm(monkeypatch):
    app, manager = start_manager(
        storage.StorageSpec("memory", uuid.uuid4().hex, "t"), monkeypatch
    )
    with app.app_context():
        yield app, manager
    storage.disconnect()


@pytest.fixture
def sm(app_sm):
    return app_sm[1]


def test_create_db_makes_admin_and_public_roles(sm):
    assert [role.name for role in sm.get_all_roles()] == ["Admin", "Public"]
    assert sm.get_public_role().name == "Public"
    assert sm.count_users() == 0


def test_permission_view_menu_crud(sm):
    pv = sm.add_permission_view_menu("can_list", "CaseView")
    assert pv.permission.name == "can_list" and pv.view_menu.name == "CaseView"
    assert sm.find_permission("can_list") == pv.permission
    assert sm.find_view_menu("CaseView") == pv.view_menu
    assert sm.find_permission_view_menu("can_list", "CaseView") == pv
    assert sm.add_permission_view_menu("can_list", "CaseView") == pv
    assert PermissionView.objects.count() == 1
    assert sm.find_permissions_view_menu(pv.view_menu) == [pv]
    assert sm.exist_permission_on_views([pv], "can_list")
    assert sm.exist_permission_on_view([pv], "can_list", "CaseView")
    assert not sm.exist_permission_on_view([pv], "can_add", "CaseView")
    assert [vm.name for vm in sm.get_all_view_menu()] == ["CaseView"]

    # Neither half can go while the pair exists.
    assert sm.del_permission("can_list") is False
    assert sm.del_view_menu("CaseView") is False
    # A role holding the pair protects it.
    role = sm.add_role("Clerk", [pv])
    sm.del_permission_view_menu("can_list", "CaseView")
    assert sm.find_permission_view_menu("can_list", "CaseView") is not None
    sm.del_permission_role(role, pv)
    assert Role.objects.get(name="Clerk").permissions == []
    # Cascade: the permission goes with its last pair, the view-menu stays.
    sm.del_permission_view_menu("can_list", "CaseView")
    assert PermissionView.objects.count() == 0
    assert sm.find_permission("can_list") is None
    assert sm.del_view_menu("CaseView") is True
    assert sm.del_view_menu("CaseView") is False


def test_add_and_delete_permission_and_view_menu(sm):
    assert sm.add_permission("can_show") == sm.add_permission("can_show")
    assert sm.add_view_menu("V") == sm.add_view_menu("V")
    assert Permission.objects.count() == 1 and ViewMenu.objects.count() == 1
    assert sm.add_permission("") is None
    assert sm.del_permission("can_show") is True
    assert sm.del_permission("can_show") is False


def test_role_crud_and_signals(sm):
    created = []
    role_created.connect(lambda sender, event: created.append(event.model.name), weak=False)
    try:
        pv = sm.add_permission_view_menu("can_list", "CaseView")
        role = sm.add_role("Clerk", [pv])
        assert sm.add_role("Clerk") == role
        assert created == ["Clerk"]
    finally:
        role_created.receivers.clear()
    assert sm.find_role("Clerk").permissions == [pv]

    other = sm.add_permission_view_menu("can_add", "CaseView")
    sm.add_permission_role(role, other)
    sm.add_permission_role(role, other)  # granted once only
    assert Role.objects.get(pk=role.pk).permissions == [pv, other]
    assert role.permissions == [pv, other]
    assert sm.get_db_role_permissions(role.pk) == [pv, other]

    renamed = sm.update_role(str(role.pk), "Senior clerk")
    assert renamed.name == "Senior clerk" and sm.find_role("Clerk") is None
    assert sm.update_role("not-an-id", "x") is None

    user = sm.add_user("li", "Li", "Na", "li@example.cn", role, DEMO_PASSWORD)
    assert role.user == [user]
    assert sm.delete_role(str(role.pk)) is True
    assert User.objects.get(pk=user.pk).roles == []  # pulled from the user
    assert sm.delete_role(role.pk) is False


def test_user_crud(sm):
    admin_role = sm.find_role("Admin")
    seen = []
    user_created.connect(lambda sender, event: seen.append(event.model.username), weak=False)
    try:
        user = sm.add_user(
            "wang", "Wang", "Fang", "wang@example.cn", admin_role, DEMO_PASSWORD, centre="3101"
        )
    finally:
        user_created.receivers.clear()
    assert seen == ["wang"]
    assert user.roles == [admin_role]
    assert user.centre == "3101" and user.agency is None
    assert user.password != DEMO_PASSWORD and check_password_hash(user.password, DEMO_PASSWORD)
    assert user.created_on is not None and user.is_active

    assert sm.find_user(username="wang") == user
    assert sm.find_user(username="WANG") == user  # AUTH_USERNAME_CI defaults to True
    assert sm.find_user(email="wang@example.cn") == user
    assert sm.find_user(username="nobody") is None
    assert sm.get_user_by_id(str(user.pk)) == user
    assert sm.get_user_by_id(user.pk) == user
    assert sm.get_user_by_id("42") is None and sm.get_user_by_id(None) is None
    assert sm.load_user(str(user.pk)) == user
    assert sm.get_all_users() == [user] and sm.count_users() == 1
    assert sm.get_first_user() == user

    # The same name or e-mail is refused, and nothing is written.
    assert sm.add_user("wang", "W", "F", "other@example.cn", admin_role, DEMO_PASSWORD) is False
    assert sm.add_user("wang2", "W", "F", "wang@example.cn", admin_role, DEMO_PASSWORD) is False
    assert sm.count_users() == 1

    user.first_name = "Wáng"
    assert sm.update_user(user) is None
    assert User.objects.get(pk=user.pk).first_name == "Wáng"

    user.active = False
    sm.update_user(user)
    assert sm.load_user(str(user.pk)) is None

    # A user without a password gets a random one: it cannot sign in with "".
    ldap_user = sm.add_user("zhao", "Zhao", "Lei", "zhao@example.cn", None)
    assert ldap_user.roles == [] and ldap_user.password

    assert sm.delete_user(str(user.pk)) is True
    assert sm.delete_user(user.pk) is False
    assert sm.count_users() == 1


def test_users_created_by_the_signed_in_user(app_sm):
    app, sm = app_sm
    boss = sm.add_user("boss", "B", "S", "boss@example.cn", sm.find_role("Admin"), DEMO_PASSWORD)
    with app.test_request_context():
        from flask import g

        g.user = boss
        clerk = sm.add_user("clerk", "C", "K", "clerk@example.cn", None, DEMO_PASSWORD)
    assert User.objects.get(pk=clerk.pk).created_by == boss
    sm.delete_user(boss)
    assert User.objects.get(pk=clerk.pk).created_by is None


def test_groups_membership_is_stored_on_the_user(sm):
    pv = sm.add_permission_view_menu("can_list", "CaseView")
    role = sm.add_role("Reader", [pv])
    user = sm.add_user("chen", "Chen", "Jie", "chen@example.cn", None, DEMO_PASSWORD)
    other = sm.add_user("liu", "Liu", "Yang", "liu@example.cn", None, DEMO_PASSWORD)
    group = sm.add_group("window", "Window clerks", "Front desk", roles=[role], users=[user])
    assert sm.add_group("window", "x", "y") == group
    assert sm.find_group("window") == group
    assert group.users == [user]
    assert User.objects.get(pk=user.pk).groups == [group]
    assert "groups" not in Group._fields and "users" not in Group._fields  # one truth only

    # The group screen's "users" box writes through to the users.
    group.users = [other]
    group.save()
    assert Group.objects.get(pk=group.pk).users == [other]
    assert User.objects.get(pk=user.pk).groups == []

    # Roles come through the group.
    assert sm.get_user_roles(User.objects.get(pk=other.pk)) == [role]
    assert sm.get_user_roles_permissions(User.objects.get(pk=other.pk)) == {
        "Reader": [("can_list", "CaseView")]
    }
    assert sm.get_user_permissions(User.objects.get(pk=other.pk)) == {("can_list", "CaseView")}

    assert sm.delete_group(str(group.pk)) is True
    assert User.objects.get(pk=other.pk).groups == []
    assert sm.delete_group(group.pk) is False


def test_user_without_roles_or_groups_has_no_permissions(sm):
    user = sm.add_user("nobody", "N", "B", "n@example.cn", None, DEMO_PASSWORD)
    with pytest.raises(AttributeError):
        sm.get_user_roles_permissions(user)
    assert sm.get_user_roles(user) == []


def test_password_login_counters_and_reset(sm):
    user = sm.add_user("sun", "Sun", "Li", "sun@example.cn", sm.find_role("Admin"), DEMO_PASSWORD)
    assert sm.auth_user_db("sun", "wrong") is None
    assert sm.auth_user_db("sun", "wrong") is None
    assert User.objects.get(pk=user.pk).fail_login_count == 2
    assert sm.auth_user_db("sun", DEMO_PASSWORD) == user
    stored = User.objects.get(pk=user.pk)
    assert (stored.login_count, stored.fail_login_count) == (1, 0)
    assert stored.last_login is not None
    assert sm.auth_user_db("sun@example.cn", DEMO_PASSWORD) == user  # by e-mail too
    assert sm.auth_user_db("ghost", DEMO_PASSWORD) is None
    assert sm.auth_user_db("sun", "") is None

    assert sm.reset_password(str(user.pk), NEW_PASSWORD) is True
    assert sm.auth_user_db("sun", DEMO_PASSWORD) is None
    assert sm.auth_user_db("sun", NEW_PASSWORD) == user
    assert sm.reset_password("not-an-id", "x") is False


def test_register_user(sm):
    registration = sm.add_register_user("zhou", "Zhou", "Min", "zhou@example.cn", "pw")
    assert registration.registration_hash
    assert check_password_hash(registration.password, "pw")
    assert sm.find_register_user(registration.registration_hash) == registration
    assert sm.find_register_user("nope") is None
    assert sm.add_register_user("zhou", "Z", "M", "zhou2@example.cn", "pw") is None
    assert sm.del_register_user(registration) is True
    assert RegisterUser.objects.count() == 0


def test_api_keys(app_sm):
    app, sm = app_sm
    user = sm.add_user("bot", "Bot", "One", "bot@example.cn", sm.find_role("Admin"), DEMO_PASSWORD)
    created = sm.create_api_key(user, "nightly import", scopes="cases:read")
    assert created["key"].startswith("sst_")
    stored = ApiKey.objects.get(uuid=created["uuid"])
    assert created["key"] not in (stored.key_hash, stored.lookup_hash)
    assert sm.find_api_keys_for_user(str(user.pk)) == [stored]
    assert sm.get_api_key_by_uuid(created["uuid"]) == stored

    with app.test_request_context():
        assert sm.validate_api_key(created["key"]) == user
        assert sm.validate_api_key("sst_forged") is None
    assert ApiKey.objects.get(pk=stored.pk).last_used_on is not None

    assert sm.revoke_api_key(created["uuid"]) is True
    assert sm.revoke_api_key("missing") is False
    with app.test_request_context():
        assert sm.validate_api_key(created["key"]) is None

    expired = sm.create_api_key(
        user, "old", expires_on=datetime.datetime.now() - datetime.timedelta(days=1)
    )
    with app.test_request_context():
        assert sm.validate_api_key(expired["key"]) is None
    sm.delete_user(user)
    assert ApiKey.objects.count() == 0  # keys go with their user


def test_export_and_import_roles(sm, tmp_path):
    pv = sm.add_permission_view_menu("can_list", "CaseView")
    sm.add_role("Clerk", [pv, sm.add_permission_view_menu("can_show", "CaseView")])
    path = tmp_path / "roles.json"
    sm.export_roles(str(path), indent=2)
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert {"name": "Clerk", "permissions": [
        {"permission": {"name": "can_list"}, "view_menu": {"name": "CaseView"}},
        {"permission": {"name": "can_show"}, "view_menu": {"name": "CaseView"}},
    ]} in exported

    sm.delete_role(sm.find_role("Clerk"))
    sm.del_permission_view_menu("can_show", "CaseView")
    sm.import_roles(str(path))
    sm.import_roles(str(path))  # twice: nothing doubles
    role = sm.find_role("Clerk")
    assert [str(pv) for pv in role.permissions] == ["can list on CaseView", "can show on CaseView"]
    assert PermissionView.objects.count() == 2


def test_fab_permission_sync_is_idempotent(sm):
    sm.add_permissions_view(["can_list", "can_add"], "CaseView")
    sm.add_permissions_menu("Cases")
    sm.add_permissions_view(["can_list", "can_add"], "CaseView")
    sm.add_permissions_menu("Cases")
    admin = sm.find_role("Admin")
    assert sorted(str(pv) for pv in admin.permissions) == [
        "can add on CaseView", "can list on CaseView", "menu access on Cases"
    ]
    # A permission the view no longer has is withdrawn and deleted.
    sm.add_permissions_view(["can_list"], "CaseView")
    assert sm.find_permission_view_menu("can_add", "CaseView") is None
    assert sorted(str(pv) for pv in sm.find_role("Admin").permissions) == [
        "can list on CaseView", "menu access on Cases"
    ]


# ---------------------------------------------------------------- persistence


def test_idempotent_across_restart_on_the_embedded_store(tmp_path, monkeypatch):
    spec = storage.StorageSpec("embedded", str(tmp_path), "t")
    app, sm = start_manager(spec, monkeypatch)
    with app.app_context():
        pv = sm.add_permission_view_menu("can_list", "CaseView")
        role = sm.add_role("Clerk", [pv])
        group = sm.add_group("window", "Window", "", roles=[role])
        user = sm.add_user("he", "He", "Ping", "he@example.cn", role, DEMO_PASSWORD, groups=[group])
        ids = (pv.pk, role.pk, group.pk, user.pk, pv.permission.pk, pv.view_menu.pk)
    storage.disconnect()

    app, sm = start_manager(spec, monkeypatch)  # a "restart" on the same folder
    try:
        with app.app_context():
            assert [r.name for r in sm.get_all_roles()] == ["Admin", "Clerk", "Public"]
            again_pv = sm.add_permission_view_menu("can_list", "CaseView")
            again = (
                again_pv.pk,
                sm.add_role("Clerk").pk,
                sm.add_group("window", "Window", "").pk,
                sm.find_user("he").pk,
                sm.add_permission("can_list").pk,
                sm.add_view_menu("CaseView").pk,
            )
            assert again == ids
            assert (Permission.objects.count(), ViewMenu.objects.count()) == (1, 1)
            assert (PermissionView.objects.count(), Role.objects.count()) == (1, 3)
            assert Group.objects.count() == 1
            assert sm.add_user("he", "He", "Ping", "he@example.cn", None, DEMO_PASSWORD) is False
            assert sm.auth_user_db("he", DEMO_PASSWORD).groups == [Group.objects.get()]
            # Grants survive the restart too.
            sm.add_permission_role(sm.find_role("Clerk"), again_pv)
            assert Role.objects.get(name="Clerk").permissions == [again_pv]
    finally:
        storage.disconnect()


# ---------------------------------------------------------------- per-request cache


@pytest.fixture
def count_finds(monkeypatch):
    """Counts the queries mongomock serves (every read MongoEngine makes is a find)."""
    calls = []
    original = mongomock.collection.Collection.find

    def find(self, *args, **kwargs):
        calls.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mongomock.collection.Collection, "find", find)
    return calls


def test_permission_checks_read_the_database_once_per_request(app_sm, count_finds):
    app, sm = app_sm
    views = [f"View{index}" for index in range(30)]
    role = sm.add_role("Clerk", [sm.add_permission_view_menu("can_list", v) for v in views])
    group = sm.add_group("g", "g", "", roles=[sm.add_role("Other")])
    user = sm.add_user("ma", "Ma", "Li", "ma@example.cn", role, DEMO_PASSWORD, groups=[group])
    user = User.objects.get(pk=user.pk)

    with app.test_request_context():
        count_finds.clear()
        assert sm._has_view_access(user, "can_list", "View0")
        first = len(count_finds)
        for view in views:
            assert sm._has_view_access(user, "can_list", view)
            assert not sm._has_view_access(user, "can_edit", view)
        assert sm._get_user_permission_view_menus(user, "can_list", views) == set(views)
        assert len(count_finds) == first  # 61 more checks, not one more query
        assert first <= 8

    with app.test_request_context():  # the next request reads only the stamp…
        count_finds.clear()
        assert sm._has_view_access(user, "can_list", "View0")
        assert count_finds == ["ab_security_stamp"]

    sm.del_permission_role(role, sm.find_permission_view_menu("can_list", "View0"))
    with app.test_request_context():  # …until the security data changes
        count_finds.clear()
        assert not sm._has_view_access(user, "can_list", "View0")
        assert sm._has_view_access(user, "can_list", "View1")
        assert len(count_finds) == first


def test_public_checks_are_cached_and_writes_invalidate(app_sm, count_finds):
    app, sm = app_sm
    public = sm.get_public_role()
    with app.test_request_context():
        assert not sm.is_item_public("can_list", "Open")
        count_finds.clear()
        for _ in range(20):
            assert not sm.is_item_public("can_list", "Open")
        assert count_finds == []
        # A grant made during the request is seen at once.
        sm.add_permission_role(public, sm.add_permission_view_menu("can_list", "Open"))
        assert sm.is_item_public("can_list", "Open")
        assert [str(pv) for pv in sm.get_public_permissions()] == ["can list on Open"]


def test_nothing_is_cached_outside_a_request(sm):
    calls = []
    assert cache.remember("k", lambda: calls.append(1)) is None
    cache.remember("k", lambda: calls.append(1))
    assert calls == [1, 1]


def test_changes_made_before_counting_a_sign_in_are_saved(sm):
    """LDAP/OAuth sign-in syncs ``user.roles`` and then only counts the sign-in."""
    user = sm.add_user("tang", "Tang", "Yu", "tang@example.cn", None, DEMO_PASSWORD)
    user = User.objects.get(pk=user.pk)
    user.roles = [sm.find_role("Public")]
    sm.update_user_auth_stat(user, True)
    stored = User.objects.get(pk=user.pk)
    assert stored.roles == [sm.find_role("Public")] and stored.login_count == 1
    # Counters are not written back by a later save of a stale object.
    User.objects(pk=user.pk).update_one(inc__login_count=5)
    user.first_name = "T"
    sm.update_user(user)
    assert User.objects.get(pk=user.pk).login_count == 6


def test_the_security_rest_api_is_refused(monkeypatch):
    with pytest.raises(RuntimeError, match="FAB_ADD_SECURITY_API"):
        start_manager(
            storage.StorageSpec("memory", uuid.uuid4().hex, "t"), monkeypatch,
            FAB_ADD_SECURITY_API=True,
        )
    storage.disconnect()


def test_a_database_down_at_start_is_logged_not_fatal(monkeypatch, caplog):
    from flask_appbuilder.security.manager import BaseSecurityManager
    import pymongo.errors

    def down(self):
        raise pymongo.errors.ServerSelectionTimeoutError("no server")

    monkeypatch.setattr(BaseSecurityManager, "create_db", down)
    app, sm = start_manager(storage.StorageSpec("memory", uuid.uuid4().hex, "t"), monkeypatch)
    assert "no server" in caplog.text
    storage.disconnect()


def test_builtin_roles_are_checked_without_the_database(monkeypatch, count_finds):
    app, sm = start_manager(
        storage.StorageSpec("memory", uuid.uuid4().hex, "t"), monkeypatch,
        FAB_ROLES={"Auditor": [[".*View", "can_list"], ["CaseView", "can_show"]]},
    )
    try:
        with app.app_context():
            auditor = sm.find_role("Auditor")
            assert auditor is not None
            user = sm.add_user("qian", "Qian", "Bo", "qian@example.cn", auditor, DEMO_PASSWORD)
            with app.test_request_context():
                assert sm._has_view_access(user, "can_list", "CaseView")
                count_finds.clear()
                assert sm._has_view_access(user, "can_list", "ItemView")
                assert sm._has_view_access(user, "can_show", "CaseView")
                assert not sm._has_view_access(user, "can_delete", "CaseView")
                assert count_finds == []
            assert sm.get_user_roles_permissions(user) == {
                "Auditor": [("can_list", ".*View"), ("can_show", "CaseView")]
            }
    finally:
        storage.disconnect()
