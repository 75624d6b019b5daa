"""Centre configuration screens through real form posts (CSRF on): tenancy between centres, the
refusals of bad input, and what each role may do. Runs on the demo centres LY and MJ."""

from __future__ import annotations

from html.parser import HTMLParser
import re

from conftest import client_for, csrf_token, flashes, module_demo_app, post_form
from tests_support import open_case_for

from models import Agency, RosterEntry, ServiceItem, StaffMember, Window
from models.item import Material

app = module_demo_app()


post = post_form


def html(response) -> str:
    return response.get_data(as_text=True)


def option_values(page: str, field: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {field}"
    return set(re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))) - {""}


def window_form(**fields) -> dict:
    data = {"centre": "MJ", "code": "MJ-T1", "counter": "T1", "name": "测试窗口",
            "kind": "enterprise_opening", "is_open": "y"}
    data.update(fields)
    return data


def test_centre_admin_sees_only_own_centre(app):
    client = client_for(app, "mj_admin")
    page = html(client.get("/windowview/list/?psize_WindowView=100"))
    assert all(str(w.pk) in page for w in Window.objects(centre="MJ"))
    assert not any(str(w.pk) in page for w in Window.objects(centre="LY"))
    # An LY window whose code and name MJ does not use too (both have a 烟草 P01).
    ly_window = next(w for w in Window.objects(centre="LY")
                     if not Window.objects(centre="MJ", code=w.code).count()
                     and not Window.objects(centre="MJ", name=w.name).count())
    assert client.get(f"/windowview/show/{ly_window.pk}").status_code == 404
    assert client.get(f"/windowview/edit/{ly_window.pk}").status_code == 404
    token = csrf_token(client, "/windowview/add")
    assert client.post(f"/windowview/delete/{ly_window.pk}",
                       data={"csrf_token": token}).status_code == 404
    assert Window.objects(pk=ly_window.pk).count() == 1
    # A filter on another centre's code finds nothing.
    found = html(client.get("/windowview/list/", query_string={"_flt_0_code": ly_window.code}))
    assert str(ly_window.pk) not in found and ly_window.name not in found


def test_select_boxes_offer_only_own_centre(app):
    client = client_for(app, "mj_admin")
    page = html(client.get("/rosterentryview/add"))
    windows = option_values(page, "window")
    staff = option_values(page, "staff")
    assert windows == {str(w.pk) for w in Window.objects(centre="MJ")}
    assert staff == {str(s.pk) for s in StaffMember.objects(centre="MJ")}
    assert option_values(page, "centre") == {"MJ"}


def test_posted_id_of_another_centres_window_is_refused(app):
    client = client_for(app, "mj_admin")
    ly_window = Window.objects(centre="LY").first()
    mj_staff = StaffMember.objects(centre="MJ", active=True).first()
    before = RosterEntry.objects.count()
    response = post(client, "/rosterentryview/add", {
        "centre": "MJ", "date": "2030-01-07", "shift": "morning",
        "window": str(ly_window.pk), "staff": str(mj_staff.pk),
    })
    assert response.status_code == 200  # the form again, with its error
    assert re.search(r"Not a valid choice|This field is required", html(response))
    assert RosterEntry.objects.count() == before


def test_posted_centre_is_ignored_on_add_and_edit(app):
    client = client_for(app, "mj_admin")
    response = post(client, "/windowview/add", window_form(centre="LY", code="MJ-T2"))
    assert response.status_code == 302, html(response)
    window = Window.objects.get(code="MJ-T2")
    assert window.centre == "MJ"
    response = post(client, f"/windowview/edit/{window.pk}",
                    window_form(centre="LY", code="MJ-T2", name="改名"))
    assert response.status_code == 302
    window.reload()
    assert (window.centre, window.name) == ("MJ", "改名")
    token = csrf_token(client, "/windowview/add")
    assert client.post(f"/windowview/delete/{window.pk}",
                       data={"csrf_token": token}).status_code == 302
    assert Window.objects(code="MJ-T2").count() == 0


def test_duplicate_window_code_in_a_centre_is_refused(app):
    client = client_for(app, "mj_admin")
    existing = Window.objects(centre="MJ").first()
    before = Window.objects.count()
    response = post(client, "/windowview/add", window_form(code=existing.code))
    assert response.status_code in (200, 302)
    shown = " ".join(text for _, text in flashes(client)) + html(response)
    assert re.search(r"(?i)already exists", shown)
    assert Window.objects.count() == before
    assert Window.objects(centre="MJ", code=existing.code).count() == 1


def test_bad_phone_is_refused_and_nothing_written(app):
    client = client_for(app, "mj_admin")
    before = StaffMember.objects.count()
    response = post(client, "/staffmemberview/add", {
        "centre": "MJ", "name": "赵六", "role": "helper", "phone": "12345", "active": "y",
    })
    assert response.status_code == 200
    assert "phone" in html(response).lower() or "手机" in html(response)
    assert StaffMember.objects.count() == before


def test_staff_phones_are_masked_in_lists(app):
    client = client_for(app, "mj_admin")
    staff = StaffMember.objects(centre="MJ").first()
    page = html(client.get("/staffmemberview/list/?psize_StaffMemberView=100"))
    assert staff.phone not in page
    assert f"{staff.phone[:3]}****{staff.phone[-4:]}" in page


def test_roster_double_booking_is_refused(app):
    client = client_for(app, "mj_admin")
    entry = RosterEntry.objects(centre="MJ").first()
    other_window = Window.objects(centre="MJ", id__ne=entry.window.id).first()
    before = RosterEntry.objects.count()
    response = post(client, "/rosterentryview/add", {
        "centre": "MJ", "date": entry.date.strftime("%Y-%m-%d"), "shift": entry.shift,
        "window": str(other_window.pk), "staff": str(entry.staff.pk),
    })
    assert response.status_code == 200
    assert "already on" in html(response)
    assert RosterEntry.objects.count() == before


def test_shared_agency_is_read_only_for_a_centre(app):
    client = client_for(app, "ly_admin")
    shared = Agency.objects(centre=None).first()
    assert client.get(f"/agencyview/show/{shared.pk}").status_code == 200
    assert client.get(f"/agencyview/edit/{shared.pk}").status_code == 403
    response = post(client, f"/agencyview/edit/{shared.pk}", {
        "centre": "LY", "code": shared.code, "name": "改掉", "kind": shared.kind,
    }, form_url="/agencyview/add")
    shared.reload()
    assert shared.centre is None and shared.name != "改掉"
    assert response.status_code == 403


def test_clerk_cannot_change_windows_or_see_staff(app):
    client = client_for(app, "ly_clerk")
    assert client.get("/windowview/list/").status_code == 200
    window = Window.objects(centre="LY").first()
    assert client.get(f"/windowview/edit/{window.pk}").status_code in (302, 403)
    before = Window.objects.count()
    # A valid CSRF token (from the user's own profile form): the refusal is the permission's.
    response = post(client, "/windowview/add", window_form(centre="LY", code="LY-X"),
                    form_url="/userinfoeditview/form")
    assert response.status_code in (302, 403)
    assert Window.objects.count() == before
    assert client.get("/staffmemberview/list/").status_code in (302, 403)


def test_supervisor_reads_only(app):
    client = client_for(app, "ly_supervisor")
    assert client.get("/staffmemberview/list/").status_code == 200
    assert client.get("/windowview/add").status_code in (302, 403)
    staff = StaffMember.objects(centre="LY").first()
    response = post(client, f"/staffmemberview/delete/{staff.pk}", {},
                    form_url="/userinfoeditview/form")
    assert response.status_code in (302, 403)
    assert StaffMember.objects(pk=staff.pk).count() == 1


def test_super_admin_sees_every_centre(app):
    client = client_for(app, "admin")
    page = html(client.get("/windowview/list/?psize_WindowView=100"))
    assert all(str(w.pk) in page for w in Window.objects)
    assert option_values(html(client.get("/windowview/add")), "centre") == {"LY", "MJ"}


def test_week_roster_view_is_scoped(app):
    client = client_for(app, "mj_admin")
    window = Window.objects(centre="MJ").first()
    assert client.get(f"/roster/week/?window={window.pk}").status_code == 200
    ly_window = Window.objects(centre="LY").first()
    assert client.get(f"/roster/week/?window={ly_window.pk}").status_code == 404
    assert client.get("/roster/week/?window=notanid").status_code == 404


def test_delete_by_get_is_refused(app):
    client = client_for(app, "mj_admin")
    window = Window.objects(centre="MJ").first()
    client.get(f"/windowview/delete/{window.pk}")
    assert Window.objects(pk=window.pk).count() == 1


def test_a_window_with_cases_is_kept_and_may_be_closed_instead(app):
    with app.app_context():
        case = open_case_for("MJ")
    window = Window.objects(pk=case.window.pk).get()
    client = client_for(app, "mj_admin")
    token = csrf_token(client, "/windowview/add")
    response = client.post(f"/windowview/delete/{window.pk}", data={"csrf_token": token},
                           follow_redirects=True)
    assert f"Window {window.code} has cases or complaints on record" in response.get_data(
        as_text=True)
    assert Window.objects(pk=window.pk).count() == 1
    assert client.get(f"/cases/{case.pk}").status_code == 200


class _FormFields(HTMLParser):
    """The values a browser would post for a page's form (text inputs, text areas, selects)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "submit"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            # As browsers do, one newline right after <textarea> is not part of the value.
            text = self.data[self._textarea]
            self.data[self._textarea] = text[2:] if text.startswith("\r\n") else (
                text[1:] if text.startswith("\n") else text
            )
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def form_fields(page: str) -> dict[str, str]:
    """The posted values of the edit form in ``page``, without the add-row template."""
    page = re.sub(r"<template.*?</template>", "", page, flags=re.S)
    parser = _FormFields()
    parser.feed(page)
    return {k: v for k, v in parser.data.items() if k != "csrf_token"}


def test_tolerated_material_without_review_point_is_refused(app):
    client = client_for(app, "ly_admin")
    item = ServiceItem.objects.get(code="LY-EO-REG")
    before = item.to_mongo().to_dict()
    url = f"/serviceitemview/edit/{item.pk}"
    data = form_fields(html(client.get(url)))
    rows = [m.requirement for m in item.materials]
    row = rows.index("tolerated")
    other = rows.index("required")
    assert data[f"materials-{row}-review_points"]  # the review points are in the form
    data[f"materials-{row}-review_points"] = " \n \n"
    response = post(client, url, data)
    assert response.status_code == 200
    page = html(response)
    assert "may be missing at acceptance (容缺) only with a review point" in page
    # The other rows' review points are shown as posted.
    first_point = item.materials[other].review_points[0]
    assert re.search(
        rf'name="materials-{other}-review_points"[^>]*>\s*{re.escape(first_point)}', page
    )
    assert ServiceItem.objects.get(pk=item.pk).to_mongo().to_dict() == before


def test_lists_show_labels_not_stored_codes(app):
    page = html(client_for(app, "ly_admin").get("/windowview/list/?psize_WindowView=100"))
    assert ">enterprise_opening<" not in re.sub(r"\s+", "", page)
    assert "Enterprise opening" in page
    assert ">True<" not in re.sub(r"\s+", "", page) and "Yes" in page


def test_a_staff_member_links_only_a_login_of_the_same_centre(app):
    """Any text was taken: the super-administrator's login, a shared agency system's, another
    centre's, one that does not exist; pages then named that staff member for their actions."""
    client = client_for(app, "ly_admin")
    before = StaffMember.objects.count()
    base = {"name": "赵六", "role": "helper", "phone": "13803790001", "active": "y"}
    for login in ("admin", "pbc_system", "mj_clerk", "no_such_login"):
        response = post(client, "/staffmemberview/add", {**base, "username": login})
        assert response.status_code == 200, login
        assert f"There is no login “{login}” at this centre." in html(response)
    assert StaffMember.objects.count() == before
    linked = StaffMember.objects(username="ly_intake").first()
    assert linked is None  # a login of the centre no staff member holds yet
    response = post(client, "/staffmemberview/add", {**base, "username": "ly_intake"})
    assert response.status_code == 302
    assert StaffMember.objects.get(username="ly_intake").centre == "LY"


def _item_in_a_case(app, code: str):
    """A centre item of LY, taken in at a window, and a case opened for it."""
    from models import lifecycle as life

    with app.app_context():
        agency = Agency.objects(centre=None, code="LY-AMR").first() or Agency.objects(
            centre__in=["LY", None]).first()
        item = ServiceItem(
            code=code, centre="LY", agency=agency, name="名称自主申报",
            window_category="enterprise_opening", legal_basis="《条例》第十七条",
            statutory_limit=3, statutory_unit="working_days", promised_limit=2,
            promised_unit="working_hours",
            materials=[Material(name="名称自主申报承诺书", review_points=["签字齐全"])]).save()
        window = Window.objects.get(centre="LY", code="W01")
        clerk = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
        case = life.open_case(clerk, window=window, items=[item], mode="single_item", applicant={
            "company_name": "洛阳走查科技有限公司", "legal_rep_name": "王强",
            "legal_rep_id": "11010519491231002X", "phone": "13803791234",
            "address": "洛阳市洛龙区开元大道218号"})
    return item, case


def test_an_item_that_cases_name_is_neither_deleted_nor_recoded(app):
    """It was deleted without a word, and its open case could never be accepted again."""
    item, case = _item_in_a_case(app, "LY-EO-NAME")
    client = client_for(app, "ly_admin")
    token = csrf_token(client, "/serviceitemview/add")
    response = client.post(f"/serviceitemview/delete/{item.pk}", data={"csrf_token": token},
                           follow_redirects=True)
    assert (f"Item LY-EO-NAME is named by case {case.number} and cannot be deleted"
            in response.get_data(as_text=True))
    assert ServiceItem.objects(pk=item.pk).count() == 1
    before = ServiceItem.objects.get(pk=item.pk).to_mongo().to_dict()
    url = f"/serviceitemview/edit/{item.pk}"
    data = form_fields(html(client.get(url)))
    data["code"] = "LY-EO-RENAMED"
    response = post(client, url, data)
    assert f"Case {case.number} names this item by its code LY-EO-NAME" in html(response)
    assert ServiceItem.objects.get(pk=item.pk).to_mongo().to_dict() == before
    # Other changes are still saved.
    data["code"], data["name"] = "LY-EO-NAME", "企业名称自主申报"
    assert post(client, url, data).status_code == 302
    assert ServiceItem.objects.get(pk=item.pk).name == "企业名称自主申报"


def test_an_item_no_case_names_may_be_deleted(app):
    with app.app_context():
        agency = Agency.objects(centre__in=["LY", None]).first()
        item = ServiceItem(
            code="LY-EO-UNUSED", centre="LY", agency=agency, name="未使用事项",
            window_category="enterprise_opening", legal_basis="《条例》第十七条",
            statutory_limit=3, statutory_unit="working_days", promised_limit=2,
            promised_unit="working_hours").save()
    client = client_for(app, "ly_admin")
    token = csrf_token(client, "/serviceitemview/add")
    client.post(f"/serviceitemview/delete/{item.pk}", data={"csrf_token": token})
    assert ServiceItem.objects(pk=item.pk).count() == 0


def test_row_and_choice_messages_are_in_the_pages_language(app):
    """The rows of inline tables are plain forms: their messages were English on Chinese
    pages, and so was FAB's "Not a valid choice" for a forged agency id."""
    client = client_for(app, "ly_admin")
    client.get("/lang/zh_CN")
    try:
        agencies, items, windows = (Agency.objects.count(), ServiceItem.objects.count(),
                                    Window.objects.count())
        page = html(post(client, "/agencyview/add", {
            "code": "LY-ZH-1", "name": "测试部门", "kind": "other",
            "liaisons-0-name": "", "liaisons-0-post": "科" * 120,
            "liaisons-0-phone": "13803790003"}))
        assert ("此项为必填项。" in page or "该字段是必填字段。" in page)
        assert "字段长度不能超过 100 个字符。" in page
        assert "This field is required." not in page and "Field cannot be" not in page
        item = ServiceItem.objects.get(code="LY-EO-REG")
        data = form_fields(html(client.get(f"/serviceitemview/edit/{item.pk}")))
        data["code"], data["materials-0-copies"] = "LY-ZH-2", "0"
        page = html(post(client, "/serviceitemview/add", data))
        assert "数值不能小于 1。" in page and "Number must be" not in page
        page = html(post(client, "/windowview/add", window_form(
            code="ZH1", kind="professional", agency="0" * 24)))
        assert "不是有效的选项。" in page and "Not a valid choice" not in page
        assert (agencies, items, windows) == (Agency.objects.count(),
                                              ServiceItem.objects.count(), Window.objects.count())
    finally:
        client.get("/lang/en")


def test_an_unknown_item_among_a_windows_items_is_refused(app):
    """FAB's multiple select dropped an id it did not know and saved the rest."""
    client = client_for(app, "mj_admin")
    before = Window.objects.count()
    known = ServiceItem.objects(centre__in=["MJ", None], window_category="enterprise_opening")
    data = window_form(code="MJ-T9")
    response = client.post("/windowview/add", data={
        **data, "items": [str(known.first().pk), "0" * 24],
        "csrf_token": csrf_token(client, "/windowview/add")})
    assert response.status_code == 200
    assert "Not a valid choice" in html(response)
    assert Window.objects.count() == before
    # A blank value chooses nothing (it is not an unknown id).
    response = client.post("/windowview/add", data={
        **data, "items": [str(known.first().pk), ""],
        "csrf_token": csrf_token(client, "/windowview/add")})
    assert response.status_code == 302
    assert Window.objects.count() == before + 1


def test_a_refused_delete_names_the_records_that_still_refer_to_it(app):
    """It said "Associated data exists" without saying which."""
    client = client_for(app, "mj_admin")
    entry = RosterEntry.objects(centre="MJ").first()
    token = csrf_token(client, "/windowview/add")
    response = client.post(f"/staffmemberview/delete/{entry.staff.pk}",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "Records of “Rosters” still refer to it; change or delete them first." in html(
        response)
    assert StaffMember.objects(pk=entry.staff.pk).count() == 1


def test_nobody_is_rostered_on_a_day_the_centre_is_closed(app):
    """A roster on 国庆 (1 October) was taken: the centre is closed then."""
    client = client_for(app, "mj_admin")
    window = Window.objects(centre="MJ").first()
    staff = StaffMember.objects(centre="MJ", active=True).first()
    before = RosterEntry.objects.count()
    form = {"date": "2026-10-01", "shift": "morning", "window": str(window.pk),
            "staff": str(staff.pk)}
    page = html(post(client, "/rosterentryview/add", form))
    assert "The centre is closed on 2026-10-01" in page
    assert RosterEntry.objects.count() == before
    assert post(client, "/rosterentryview/add", {**form, "date": "2026-10-12"}).status_code == 302


def test_a_bad_code_is_told_what_a_code_may_hold(app):
    client = client_for(app, "mj_admin")
    before = Window.objects.count()
    page = html(post(client, "/windowview/add", window_form(code="A 1/2")))
    assert "A code holds letters, digits" in page and "Invalid format." not in page
    assert Window.objects.count() == before


def test_a_material_list_names_each_material_once_with_tolerated_terms_only_on_tolerated(app):
    client = client_for(app, "ly_admin")
    item = ServiceItem.objects.get(code="LY-EO-REG")
    url = f"/serviceitemview/edit/{item.pk}"
    before = ServiceItem.objects.get(pk=item.pk).to_mongo().to_dict()
    data = form_fields(html(client.get(url)))
    rows = sorted({key.split("-")[1] for key in data if key.startswith("materials-")})
    empty = {k: v for k, v in data.items() if not k.startswith("materials-")}
    assert "List at least one material." in html(post(client, url, empty))
    twice = {**data, f"materials-{rows[1]}-name": data[f"materials-{rows[0]}-name"]}
    assert "is listed twice." in html(post(client, url, twice))
    required = next(r for r in rows if data[f"materials-{r}-requirement"] == "required")
    days = {**data, f"materials-{required}-follow_up_days": "5"}
    assert "is not 容缺: a hand-in period" in html(post(client, url, days))
    assert ServiceItem.objects.get(pk=item.pk).to_mongo().to_dict() == before


def test_people_are_named_by_their_full_name_label(app):
    """Staff and liaisons were listed under 名称, the label of a thing's name."""
    client = client_for(app, "ly_admin")
    client.get("/lang/zh_CN")
    try:
        for url in ("/staffmemberview/list/", "/staffmemberview/add", "/agencyview/add",
                    "/exports/staff.csv"):
            page = client.get(url).get_data(as_text=True)
            assert "姓名" in page, url
    finally:
        client.get("/lang/en")


def test_a_roster_is_recorded_from_last_january_to_next_december_only(app):
    """A roster dated 1999 was taken. On 24 November 2026 (China) the range is 2025-01-01 to
    2027-12-31; outside it the form says so and nothing is written."""
    import datetime as dt

    client = client_for(app, "mj_admin")
    window = Window.objects(centre="MJ").first()
    staff = StaffMember.objects(centre="MJ", active=True).order_by("name")[1]
    form = {"shift": "morning", "window": str(window.pk), "staff": str(staff.pk)}
    # 2026-11-24 00:30 in China is still 23 November in UTC: the range follows China's date.
    app.config["ONEWINDOW_NOW"] = dt.datetime(2026, 11, 23, 16, 30)
    try:
        for day in ("1999-06-01", "2024-12-31", "2028-01-03", "2207-01-05"):
            before = RosterEntry.objects.count()
            page = html(post(client, "/rosterentryview/add", {**form, "date": day}))
            assert (f"A roster can be recorded from 2025-01-01 to 2027-12-31; {day} is outside."
                    in page), day
            assert "The centre is closed" not in page
            assert RosterEntry.objects.count() == before
        for day in ("2025-01-02", "2027-12-31"):
            response = post(client, "/rosterentryview/add", {**form, "date": day})
            assert response.status_code == 302, day
            assert RosterEntry.objects(staff=staff, date=dt.date.fromisoformat(day)).count() == 1
        # A minute before midnight in China on 31 December 2026, 2025 is still "last year".
        app.config["ONEWINDOW_NOW"] = dt.datetime(2026, 12, 31, 15, 59)
        assert post(client, "/rosterentryview/add", {
            **form, "date": "2025-01-03"}).status_code == 302
        # A minute later it is 2027 in China: 2025 is two years back.
        app.config["ONEWINDOW_NOW"] = dt.datetime(2026, 12, 31, 16, 0)
        page = html(post(client, "/rosterentryview/add", {**form, "date": "2025-01-06"}))
        assert "from 2026-01-01 to 2028-12-31; 2025-01-06 is outside." in page
    finally:
        app.config["ONEWINDOW_NOW"] = None
