"""Service items: 容缺 rules, vague clauses, time limits, the sharing rule."""

from __future__ import annotations

from mongoengine import ValidationError
import pytest
from test_models_factories import db, make_agency, make_centre, make_item  # noqa: F401

from models.item import Material, ServiceItem


@pytest.fixture
def centre(db):  # noqa: F811
    return make_centre()


def test_tolerated_material_without_review_point_refused(centre):
    material = Material(name="住所使用证明", form="copy", requirement="tolerated",
                        follow_up_days=5, review_points=["  "])
    with pytest.raises(ValidationError, match="容缺"):
        make_item(materials=[material])
    assert ServiceItem.objects.count() == 0


def test_tolerated_material_needs_a_deadline(centre):
    material = Material(name="住所使用证明", requirement="tolerated",
                        review_points=["领取执照前补交租赁合同复印件"])
    with pytest.raises(ValidationError, match="working days"):
        make_item(materials=[material])
    material.follow_up_days = 5
    item = make_item(materials=[material])
    assert item.tolerated_materials == [material]


def test_vague_clause_refused(centre):
    with pytest.raises(ValidationError, match="vague"):
        make_item(materials=[Material(name="其他相关材料")])
    with pytest.raises(ValidationError, match="vague"):
        make_item(materials=[Material(name="公司章程", review_points=["核对有关材料"])])


@pytest.mark.parametrize(("statutory", "promised", "ok"), [
    ((3, "working_days"), (2, "working_hours"), True),
    ((3, "working_days"), (3, "working_days"), True),
    ((3, "working_days"), (3, "natural_days"), True),
    ((2, "working_hours"), (20, "minutes"), True),
    ((2, "working_hours"), (3, "working_hours"), False),
    ((5, "natural_days"), (5, "working_days"), False),
    ((1, "working_days"), (600, "minutes"), False),
])
def test_promised_not_longer_than_statutory(centre, statutory, promised, ok):
    fields = dict(statutory_limit=statutory[0], statutory_unit=statutory[1],
                  promised_limit=promised[0], promised_unit=promised[1])
    if ok:
        make_item(**fields)
    else:
        with pytest.raises(ValidationError, match="promised limit"):
            make_item(**fields)


def test_shared_item_needs_shared_agency(centre):
    local = make_agency("AMR", centre="LY")
    with pytest.raises(ValidationError, match="shared agency"):
        make_item("SHARED-REG", agency=local, centre=None)
    shared = make_agency("PBC", centre=None, kind="peoples_bank")
    make_item("BANK", agency=shared, centre=None)
    make_item("LY-BANK", agency=shared, centre="LY")


def test_local_item_cannot_use_other_centres_agency(centre):
    make_centre("MJ", level="county")
    other = make_agency("MJ-AMR", centre="MJ")
    with pytest.raises(ValidationError, match="shared agency"):
        make_item(agency=other, centre="LY")


def test_fee_cannot_be_negative(centre):
    with pytest.raises(ValidationError):
        make_item(fee=-1)
