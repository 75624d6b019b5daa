"""The official schedule screen: the super-administrator uploads (a bad file writes nothing),
every other role reads and cannot load; the case list and the approver queue say deadlines are
provisional until the year is loaded."""

from __future__ import annotations

import io

from conftest import client_for, csrf_token, module_demo_app
from test_official_schedule import GOOD_2027, lines

from models.official_schedule import OfficialSchedule

app = module_demo_app()


def upload(client, text: str, year: int = 2027):
    token = csrf_token(client, "/calendar/official/load")
    return client.post("/calendar/official/load", data={
        "csrf_token": token, "year": str(year),
        "file": (io.BytesIO(text.encode()), "2027.csv")}, content_type="multipart/form-data")


def test_screen_upload_by_the_super_administrator(app, monkeypatch):
    # 1 December 2026 in Luoyang: 2027 is within the 60 days ahead, still provisional.
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", "2026-12-01T02:00:00")
    clerk, approver = client_for(app, "ly_clerk"), client_for(app, "ly_approver")
    assert "provisional" in clerk.get("/cases/").get_data(as_text=True)
    assert "provisional" in approver.get("/cases/queue").get_data(as_text=True)

    admin = client_for(app, "admin")
    page = upload(admin, lines("2027-01-01,holiday,元旦", "2027-02-15,workday,调休"))
    assert page.status_code == 200
    assert "not a Saturday or Sunday" in page.get_data(as_text=True)
    assert OfficialSchedule.objects.count() == 0

    response = upload(admin, GOOD_2027)
    assert response.status_code == 302 and response.location.endswith("/calendar/official/2027")
    page = admin.get("/calendar/official/2027").get_data(as_text=True)
    assert "春节调休上班" in page and "State Council schedule loaded" in page
    assert "provisional" not in clerk.get("/cases/").get_data(as_text=True)
    assert "provisional" not in approver.get("/cases/queue").get_data(as_text=True)
    OfficialSchedule.objects.delete()


def test_screen_others_read_but_cannot_load(app):
    for username in ("ly_clerk", "ly_admin", "ly_approver", "ly_supervisor", "ly_complaints"):
        client = client_for(app, username)
        assert client.get("/calendar/official/").status_code == 200
        assert client.get("/calendar/official/2027").status_code == 200
        assert client.get("/calendar/official/load").status_code in (302, 403)
        token = csrf_token(client, "/userinfoeditview/form")
        response = client.post("/calendar/official/load", data={
            "csrf_token": token, "year": "2027",
            "file": (io.BytesIO(GOOD_2027.encode()), "2027.csv")},
            content_type="multipart/form-data")
        assert response.status_code in (302, 403)
        assert "Load a State Council schedule" not in client.get(
            "/calendar/official/").get_data(as_text=True)
    assert OfficialSchedule.objects.count() == 0
