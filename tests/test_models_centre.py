"""Service centres: unique codes, opening hours."""

from __future__ import annotations

from mongoengine import NotUniqueError, ValidationError
import pytest
from test_models_factories import db, make_centre  # noqa: F401

from models.centre import OpeningHours, ServiceCentre


def test_centre_code_is_unique(db):  # noqa: F811
    make_centre("LY")
    with pytest.raises(NotUniqueError):
        make_centre("LY", name="另一个中心")
    assert ServiceCentre.objects.count() == 1


def test_centre_code_format(db):  # noqa: F811
    with pytest.raises(ValidationError):
        make_centre("ly")


def test_opening_hours_rules(db):  # noqa: F811
    centre = make_centre(opening_hours=[
        OpeningHours(weekday=0, opens="09:00", closes="17:30",
                     lunch_start="12:00", lunch_end="13:30"),
    ])
    assert centre.hours_on(0).closes == "17:30" and centre.hours_on(6) is None
    assert str(centre) == "LY 政务服务中心（LY）"
    for bad in (
        OpeningHours(weekday=1, opens="18:00", closes="09:00"),
        OpeningHours(weekday=1, opens="09:00", closes="17:00", lunch_start="12:00"),
        OpeningHours(weekday=1, opens="09:00", closes="17:00", lunch_start="08:00",
                     lunch_end="10:00"),
        OpeningHours(weekday=1, opens="9:00", closes="17:00"),
    ):
        centre.opening_hours = [bad]
        with pytest.raises(ValidationError):
            centre.save()
    centre.opening_hours = [OpeningHours(weekday=1, opens="09:00", closes="17:00")] * 2
    with pytest.raises(ValidationError, match="only one row"):
        centre.save()
