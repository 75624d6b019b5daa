"""一人多户 / 一址多照 on the dashboard (``models/risk_keys.py``): the open cases the case page
warns about, counted per key as the lifecycle changes cases, each count linking to its list;
exactly at the threshold, only the centre's own cases."""

from __future__ import annotations

import re

from conftest import client_for, module_demo_app

from models import RiskKey, Window
from models import lifecycle as life
from models import risk_keys as rk
from models.case import Case
from models.item import ServiceItem

app = module_demo_app()

LY_CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
MJ_CLERK = life.Actor("mj_clerk", frozenset({"Clerk"}), "MJ")
# Valid check digits (GB 11643-1999), used by no demo case.
PERSON_ID, OTHER_ID = "410302198505051236", "410302198505051244"


def _open(app, centre: str, name: str, legal_rep_id: str, address: str) -> Case:
    clerk = LY_CLERK if centre == "LY" else MJ_CLERK
    with app.app_context():
        window = Window.objects.get(centre=centre, code="W01")
        licence = ServiceItem.objects.get(code=f"{centre}-EO-REG")
        return life.open_case(clerk, window=window, items=[licence], mode="single_item",
                              applicant={"company_name": name, "legal_rep_name": "王强",
                                         "legal_rep_id": legal_rep_id, "phone": "13803791234",
                                         "address": address})


def _dashboard(client) -> dict[str, int]:
    page = client.get("/dashboard/").get_data(as_text=True)
    return {kind: int(value) for kind, value in re.findall(
        r'data-risk="(\w+)">\s*<div class="panel-body"><div class="ow-kpi-value"><a href="[^"]*">'
        r"(\d+)</a>", page)}


def test_one_person_is_flagged_at_exactly_the_threshold(app):
    supervisor = client_for(app, "ly_supervisor")
    before = _dashboard(supervisor)
    assert set(before) == {rk.PERSON, rk.ADDRESS}
    # Threshold 2 (the default): two cases of one person have one other each, not flagged.
    first = [_open(app, "LY", f"一人{n}科技有限公司", PERSON_ID, f"洛阳市涧西区一人路{n}号")
             for n in range(2)]
    assert _dashboard(supervisor)[rk.PERSON] == before[rk.PERSON]
    third = _open(app, "LY", "一人2科技有限公司", PERSON_ID, "洛阳市涧西区一人路2号")
    assert _dashboard(supervisor)[rk.PERSON] == before[rk.PERSON] + 3
    listed = supervisor.get("/cases/?risk=person").get_data(as_text=True)
    assert all(case.number in listed for case in [*first, third])
    # The case page agrees: it warns of 一人多户 on each of them.
    page = client_for(app, "ly_clerk").get(f"/cases/{third.pk}").get_data(as_text=True)
    assert "One person, many companies" in page
    # One withdrawn: two open cases are left, not flagged any more.
    with app.app_context():
        life.withdraw(third, LY_CLERK, "申请人撤回")
    assert _dashboard(supervisor)[rk.PERSON] == before[rk.PERSON]
    listed = supervisor.get("/cases/?risk=person").get_data(as_text=True)
    assert not any(case.number in listed for case in [*first, third])


def test_one_address_is_flagged_at_exactly_the_threshold(app):
    supervisor = client_for(app, "ly_supervisor")
    before = _dashboard(supervisor)[rk.ADDRESS]
    # Threshold 3: three cases at one address (written differently) have two others each.
    spelt = ["洛阳市洛龙区同址路8号", "洛阳市 洛龙区 同址路8号", "洛阳市洛龙区同址路8号。"]
    cases = [_open(app, "LY", f"同址{n}科技有限公司", OTHER_ID, address)
             for n, address in enumerate(spelt)]
    assert _dashboard(supervisor)[rk.ADDRESS] == before
    cases.append(_open(app, "LY", "同址3科技有限公司", OTHER_ID, "洛阳市洛龙区同址路8号"))
    assert _dashboard(supervisor)[rk.ADDRESS] == before + 4
    listed = supervisor.get("/cases/?risk=address").get_data(as_text=True)
    assert all(case.number in listed for case in cases)


def test_another_centre_neither_counts_nor_lists_them(app):
    supervisor = client_for(app, "ly_supervisor")
    flagged = [_open(app, "LY", f"跨中心{n}科技有限公司", PERSON_ID, f"洛阳市西工区跨中心路{n}号")
               for n in range(3)]
    elsewhere = _open(app, "MJ", "孟津同人科技有限公司", PERSON_ID, "洛阳市孟津区同人路1号")
    assert elsewhere.number not in supervisor.get("/cases/?risk=person").get_data(as_text=True)
    admin = client_for(app, "admin").get("/cases/?risk=person").get_data(as_text=True)
    # The person is over the threshold at LY only: their one case at MJ is not listed.
    assert all(case.number in admin for case in flagged) and elsewhere.number not in admin
    mj_clerk = client_for(app, "mj_clerk").get("/cases/?risk=person").get_data(as_text=True)
    assert not any(case.number in mj_clerk for case in flagged)
    assert _dashboard(client_for(app, "mj_admin"))[rk.PERSON] == 0


def test_an_unknown_risk_is_named_and_ignored(app):
    response = client_for(app, "ly_clerk").get("/cases/?risk=rich")
    assert response.status_code == 200
    assert "Unknown value “rich” ignored." in response.get_data(as_text=True)


def test_the_counts_kept_equal_a_recount_and_init_declares_the_index(app):
    with app.app_context():
        kept = {(row.kind, row.key): row.open for row in RiskKey.objects(centre="LY")
                if row.open}
        rk.rebuild_risk_keys("LY")
        recounted = {(row.kind, row.key): row.open for row in RiskKey.objects(centre="LY")}
        assert kept == recounted and kept[rk.PERSON, PERSON_ID] == 5
        declared = [[name for name, _order in index["key"]]
                    for index in RiskKey._get_collection().index_information().values()]
    assert ["centre", "kind", "open"] in declared


def test_the_super_administrator_narrows_the_list_to_the_dashboards_centre(app):
    here = _open(app, "LY", "本中心科技有限公司", OTHER_ID, "洛阳市老城区本中心路1号")
    there = _open(app, "MJ", "外中心科技有限公司", OTHER_ID, "洛阳市孟津区外中心路1号")
    admin = client_for(app, "admin")
    everywhere = admin.get("/cases/").get_data(as_text=True)
    assert here.number in everywhere and there.number in everywhere
    narrowed = admin.get("/cases/?centre=LY").get_data(as_text=True)
    assert here.number in narrowed and there.number not in narrowed
    # The dashboard of one centre links to that centre's flagged cases.
    page = admin.get("/dashboard/?centre=LY").get_data(as_text=True)
    links = re.findall(r'data-risk="\w+">\s*<div class="panel-body"><div class="ow-kpi-value">'
                       r'<a href="([^"]*)"', page)
    assert len(links) == 2 and all("centre=LY" in link for link in links)
    # A centre user naming another centre, or anyone naming no centre at all: as for another
    # centre's record, a 404.
    assert client_for(app, "ly_clerk").get("/cases/?centre=MJ").status_code == 404
    assert admin.get("/cases/?centre=XX").status_code == 404
    own = client_for(app, "ly_clerk").get("/cases/?centre=LY").get_data(as_text=True)
    assert here.number in own


DRIFT_ID, RACE_ID = "410302199001011235", "410302199002024564"


def _kept(app, key: str) -> int:
    with app.app_context():
        return RiskKey.objects.get(centre="LY", kind=rk.PERSON, key=key).open


def test_a_count_that_went_wrong_is_put_right_by_the_keys_next_change(app):
    """A count is set from the open cases, not incremented: a change whose count was lost (a
    crash between the case's write and its count) is repaired by the key's next change."""
    for n in range(2):
        _open(app, "LY", f"漂移{n}科技有限公司", DRIFT_ID, f"洛阳市涧西区漂移路{n}号")
    assert _kept(app, DRIFT_ID) == 2
    with app.app_context():
        RiskKey.objects(centre="LY", kind=rk.PERSON, key=DRIFT_ID).update_one(set__open=7)
    third = _open(app, "LY", "漂移2科技有限公司", DRIFT_ID, "洛阳市涧西区漂移路2号")
    assert _kept(app, DRIFT_ID) == 3
    with app.app_context():
        life.withdraw(third, LY_CLERK, "申请人撤回")
    assert _kept(app, DRIFT_ID) == 2


def test_a_key_created_meanwhile_by_another_process_is_counted_not_lost(app, monkeypatch):
    """Two first cases of one key at the same moment: the second upsert meets the unique key
    the first one created, and still stores the count."""
    real = RiskKey._get_collection()

    class RacedKeys:
        def update_one(self, spec, change, upsert=False):
            if upsert:  # the other process inserts the key first
                real.insert_one({**spec, "open": 1})
                return real.insert_one({**spec, "open": 1})  # DuplicateKeyError
            return real.update_one(spec, change)

    monkeypatch.setattr(RiskKey, "_get_collection", classmethod(lambda cls: RacedKeys()))
    _open(app, "LY", "并发科技有限公司", RACE_ID, "洛阳市涧西区并发路1号")
    monkeypatch.undo()
    assert _kept(app, RACE_ID) == 1
    with app.app_context():
        assert RiskKey.objects(centre="LY", kind=rk.PERSON, key=RACE_ID).count() == 1
