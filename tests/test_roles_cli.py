"""`onewindow load-demo`, `create-user` and the roles `init` creates."""

from __future__ import annotations

from conftest import make_app
import pytest

from console import roles, storage
from console.cli import DEMO_PASSWORD


@pytest.fixture
def app():
    # Command output is in the default language; these tests read the English messages.
    app = make_app(BABEL_DEFAULT_LOCALE="en")
    yield app
    storage.disconnect()


@pytest.fixture
def ready(app, runner):
    assert runner.invoke(args=["init"]).exit_code == 0
    return app


def granted(app, role: str) -> set[tuple[str, str]]:
    role = app.appbuilder.sm.find_role(role)
    return {(pv.view_menu.name, pv.permission.name) for pv in role.permissions}


def test_init_creates_the_stable_roles_with_only_their_permissions(ready):
    names = {role.name for role in ready.appbuilder.sm.get_all_roles()}
    assert set(roles.ALL_ROLES) <= names
    assert ("WindowView", "can_add") in granted(ready, "CentreAdmin")
    assert ("WindowView", "can_list") in granted(ready, "Clerk")
    assert ("WindowView", "can_edit") not in granted(ready, "Clerk")
    assert ("StaffMemberView", "can_list") not in granted(ready, "Clerk")
    read_only = {"can_list", "can_show", "can_late", "can_export", "menu_access", "can_week",
                 "can_userinfo", "resetmypassword", "can_this_form_get", "can_this_form_post",
                 # printing and exporting what the supervisor reads
                 "can_case", "can_item", "can_lists", "can_index", "can_cases", "can_windows",
                 "can_staff", "can_rosters", "can_items", "can_complaints"}
    assert {perm for _, perm in granted(ready, "Supervisor")} <= read_only
    for role in roles.CENTRE_ROLES:  # user administration stays with the super-administrator
        assert not {("UserDBModelView", p) for p in ("can_add", "can_edit", "can_list")} & (
            granted(ready, role))


def test_load_demo_is_idempotent_and_prints_logins(ready, runner):
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    assert f"ly_clerk / {DEMO_PASSWORD} / Clerk / LY" in first.output
    assert f"admin / {DEMO_PASSWORD} / Admin" in first.output
    second = runner.invoke(args=["load-demo"])
    assert second.exit_code == 0, second.output
    security = ready.appbuilder.sm
    from console.demo_data import DEMO_LOGINS

    assert security.count_users() == len(DEMO_LOGINS) == 32
    clerk = security.find_user(username="ly_clerk")
    assert clerk.centre == "LY" and [r.name for r in clerk.roles] == ["Clerk"]
    assert security.find_user(username="ly_approver").agency == "LY-AMR"
    assert security.find_user(username="pbc_system").centre is None  # a bank's: every centre
    system = security.find_user(username="ly_amr_system")
    assert system.agency == "LY-AMR" and [r.name for r in system.roles] == ["AgencySystem"]


@pytest.mark.parametrize("args,message", [
    (["--centre", "XX", "--role", "Clerk"], "no service centre with code XX"),
    (["--centre", "LY", "--role", "Janitor"], "Unknown role Janitor"),
    (["--centre", "LY", "--role", "Approver"], "needs an agency"),
    (["--centre", "LY", "--role", "Approver", "--agency", "MJ-AMR"], "no agency with code"),
    (["--role", "Clerk"], "needs a centre"),
    (["--centre", "LY", "--role", "Admin"], "belongs to no centre"),
    (["--centre", "LY", "--role", "AgencySystem"], "needs an agency"),
    # Only a shared agency's system may go without a centre.
    (["--role", "AgencySystem", "--agency", "LY-AMR"], "needs a centre"),
])
def test_create_user_refuses_unknown_codes(ready, runner, args, message):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    before = ready.appbuilder.sm.count_users()
    result = runner.invoke(args=["create-user", *args, "--username", "new1",
                                 "--password", "secret123", "--email", "new1@example.cn"])
    assert result.exit_code != 0
    assert message in result.output
    assert ready.appbuilder.sm.count_users() == before


def test_create_user_for_a_centre_and_agency(ready, runner):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    result = runner.invoke(args=["create-user", "--centre", "MJ", "--role", "Approver",
                                 "--agency", "MJ-AMR", "--username", "mj_amr",
                                 "--password", "Mengjin-Window-7", "--email", "mj_amr@example.cn"])
    assert result.exit_code == 0, result.output
    user = ready.appbuilder.sm.find_user(username="mj_amr")
    assert (user.centre, user.agency, user.roles[0].name) == ("MJ", "MJ-AMR", "Approver")


def test_service_accounts_get_the_api_only(ready):
    api = {("SubTaskApi", f"can_{name}") for name in ("list", "get", "act", "info")}
    assert granted(ready, "AgencySystem") == api | {("OpenApi", "can_get")}
    assert api <= granted(ready, "Approver")  # an approver may use it with a token too
    assert not {view for view, _ in granted(ready, "IntakeSystem")} & {"SubTaskApi", "CaseView"}
