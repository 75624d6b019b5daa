"""Factories and fixtures shared by the complaint, rating and review tests (imported, no tests)."""

from __future__ import annotations

import datetime as dt

import mongoengine
import mongomock
import pytest
from test_models_factories import make_agency, make_centre, make_item, make_staff, make_window

from models import lifecycle as life
from models.agency import Agency
from models.case import Case
from models.case_numbers import CaseCounter
from models.centre import ServiceCentre
from models.complaint import Complaint
from models.item import ServiceItem
from models.rating import Rating, Rectification
from models.review import Review
from models.staff import StaffMember
from models.window import Window
from models.workdays import to_utc

CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), centre="LY")
HANDLER = life.Actor("ly_complaints", frozenset({"ComplaintHandler"}), centre="LY")
MJ_HANDLER = life.Actor("mj_complaints", frozenset({"ComplaintHandler"}), centre="MJ")
CENTRE_ADMIN = life.Actor("ly_admin", frozenset({"CentreAdmin"}), centre="LY")
SUPERVISOR = life.Actor("ly_supervisor", frozenset({"Supervisor"}), centre="LY")
APPLICANT = {"company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
             "legal_rep_id": "11010519491231002X", "phone": "13803791234",
             "address": "洛阳市洛龙区开元大道218号"}


def china(*args: int) -> dt.datetime:
    """A China-time wall-clock moment as the naive UTC the store keeps."""
    return to_utc(dt.datetime(*args))


@pytest.fixture(name="world")
def world_fixture():
    """The world of :func:`build_world` on mongomock."""
    mongoengine.connect(db="t", mongo_client_class=mongomock.MongoClient)
    yield build_world()
    mongoengine.disconnect()


def build_world() -> dict:
    """Two centres, LY with two windows, two staff members (one linked to ly_clerk), an item."""
    for document in (ServiceCentre, Agency, ServiceItem, Window, StaffMember, Case, CaseCounter,
                     Complaint, Rating, Rectification, Review):
        document.ensure_indexes()
    make_centre("LY")
    make_centre("MJ", name="孟津区政务服务中心", level="county")
    amr = make_agency("AMR")
    item = make_item("EO-REG", agency=amr, materials=[])
    w1 = make_window("W01", name="企业开办综合窗口一")
    w1.update(push__items=item)
    w1.reload()
    w2 = make_window("W02", name="企业开办综合窗口二")
    lina = make_staff("李娜", username="ly_clerk")
    wangfang = make_staff("王芳", phone="13903790102", username="ly_clerk2")
    mj_window = make_window("W01", centre="MJ")
    mj_staff = make_staff("孙悦", centre="MJ", phone="13903790301")
    return {"w1": w1, "w2": w2, "lina": lina, "wangfang": wangfang, "item": item,
            "mj_window": mj_window, "mj_staff": mj_staff}


def delivered_case(world, actor: life.Actor = CLERK) -> Case:
    """A case taken the whole way to delivery through the lifecycle."""
    case = life.open_case(actor, window=world["w1"], items=[world["item"]], applicant=APPLICANT)
    life.start_review(case, actor)
    life.accept(case, actor)
    admin = life.Actor("admin", frozenset({"Admin"}))
    life.complete_subtask(case, admin, case.subtasks[0].key, {})
    life.deliver(case, actor, results=["营业执照"], recipient="王强")
    return case
