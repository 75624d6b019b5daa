"""Staff members: phone validated and stored normalised, approvers tied to an agency, centres."""

from __future__ import annotations

import datetime

from mongoengine import NotUniqueError, ValidationError
import pytest
from test_models_factories import (  # noqa: F401
    db,
    make_agency,
    make_centre,
    make_item,
    make_staff,
)

from models.staff import StaffMember


@pytest.fixture
def centres(db):  # noqa: F811
    make_centre("LY")
    make_centre("MJ", level="county")


def test_phone_stored_normalised_once(centres):
    staff = make_staff(phone="+86 139 0379 0101")
    assert staff.phone == "13903790101"
    raw = StaffMember._get_collection().find_one({"_id": staff.pk})
    assert raw["phone"] == "13903790101"
    assert StaffMember.objects(phone="13903790101").count() == 1


@pytest.mark.parametrize("phone", ["12903790101", "6391723", "1390379010a", ""])
def test_invalid_phone_refused_nothing_written(centres, phone):
    with pytest.raises(ValidationError):
        make_staff(phone=phone)
    assert StaffMember.objects.count() == 0


def test_invalid_phone_message_names_the_problem(centres):
    with pytest.raises(ValidationError) as caught:
        make_staff(phone="12903790101")
    assert "mobile" in str(caught.value.errors["phone"])


def test_approver_needs_agency(centres):
    with pytest.raises(ValidationError, match="agency"):
        make_staff(role="approver")
    make_staff(role="approver", agency=make_agency())


def test_agency_and_items_of_another_centre_refused(centres):
    mj_agency = make_agency("MJ-AMR", centre="MJ")
    with pytest.raises(ValidationError, match="another centre"):
        make_staff(agency=mj_agency)
    mj_item = make_item("MJ-REG", centre="MJ", agency=mj_agency)
    with pytest.raises(ValidationError, match="another centre"):
        make_staff(items=[mj_item])
    shared = make_agency("PBC", centre=None, kind="peoples_bank")
    make_staff(agency=shared, items=[make_item("LY-REG")])


def test_training_date_not_in_future(centres):
    with pytest.raises(ValidationError, match="future"):
        make_staff(trained_on=datetime.date.today() + datetime.timedelta(days=3))


def test_username_unique_but_optional(centres):
    make_staff("李娜", username="ly_clerk")
    make_staff("王芳", phone="13903790102")
    make_staff("赵磊", phone="13903790103", username="")
    with pytest.raises(NotUniqueError):
        make_staff("周强", phone="13903790104", username="ly_clerk")


def test_str_names_agency(centres):
    assert str(make_staff(agency=make_agency())) == "李娜（市场监督管理局）"
