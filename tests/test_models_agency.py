"""Agencies: liaisons' phones, the sharing rule, codes unique per centre."""

from __future__ import annotations

from mongoengine import NotUniqueError, ValidationError
import pytest
from test_models_factories import db, make_agency, make_centre  # noqa: F401

from models.agency import Agency, Liaison


def test_liaison_phone_normalised_once(db):  # noqa: F811
    make_centre()
    agency = make_agency(liaisons=[Liaison(name="陈明", phone="+86 139-0379-0001")])
    assert agency.liaisons[0].phone == "13903790001"
    raw = Agency._get_collection().find_one({"_id": agency.pk})
    assert raw["liaisons"][0]["phone"] == "13903790001"


def test_liaison_bad_phone_refused_nothing_written(db):  # noqa: F811
    make_centre()
    with pytest.raises(ValidationError, match="mobile"):
        make_agency(liaisons=[Liaison(name="陈明", phone="6391723")])
    assert Agency.objects.count() == 0


def test_unknown_centre_refused(db):  # noqa: F811
    with pytest.raises(ValidationError, match="no service centre"):
        make_agency(centre="XX")


def test_code_unique_per_centre_and_shared_codes_reserved(db):  # noqa: F811
    make_centre("LY")
    make_centre("MJ", level="county")
    make_agency("AMR", centre="LY")
    make_agency("AMR", centre="MJ")
    with pytest.raises(NotUniqueError):
        make_agency("AMR", centre="LY")
    make_agency("PBC", centre=None, kind="peoples_bank", name="中国人民银行洛阳市分行")
    with pytest.raises(ValidationError, match="shared record"):
        make_agency("PBC", centre="LY")
    with pytest.raises(ValidationError, match="centre's own"):
        make_agency("AMR", centre=None)


def test_visible_to_includes_shared(db):  # noqa: F811
    make_centre("LY")
    make_centre("MJ", level="county")
    make_agency("AMR", centre="LY")
    make_agency("AMR-MJ", centre="MJ")
    make_agency("PBC", centre=None, kind="peoples_bank")
    assert sorted(a.code for a in Agency.objects.visible_to("LY")) == ["AMR", "PBC"]
    assert [a.code for a in Agency.objects.for_centre("MJ")] == ["AMR-MJ"]
    assert Agency.objects.visible_to(None).count() == 3
