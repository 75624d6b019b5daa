"""Windows: code unique within a centre, accepted items match the window's category."""

from __future__ import annotations

from mongoengine import NotUniqueError, ValidationError
import pytest
from test_models_factories import (  # noqa: F401
    db,
    make_agency,
    make_centre,
    make_item,
    make_window,
)

from models.window import Window


@pytest.fixture
def centres(db):  # noqa: F811
    make_centre("LY")
    make_centre("MJ", level="county")


def test_duplicate_code_in_one_centre_refused_other_centre_allowed(centres):
    make_window("W01", centre="LY")
    with pytest.raises(NotUniqueError):
        make_window("W01", centre="LY", name="另一个窗口")
    make_window("W01", centre="MJ")
    assert Window.objects(centre="LY").count() == 1
    assert Window.objects.count() == 2


def test_window_needs_existing_centre(db):  # noqa: F811
    with pytest.raises(ValidationError, match="no service centre"):
        make_window(centre="ZZ")


def test_item_of_another_category_refused(centres):
    tax_item = make_item("TAX-01", window_category="tax", name="发票代开")
    with pytest.raises(ValidationError, match="window takes"):
        make_window(kind="enterprise_opening", items=[tax_item])
    assert Window.objects.count() == 0
    make_window(kind="tax", items=[tax_item])


def test_all_items_comprehensive_window_takes_any_item(centres):
    tax_item = make_item("TAX-01", window_category="tax", name="发票代开")
    window = make_window(kind="enterprise_opening", accepts_all_items=True, items=[tax_item])
    assert window.accepts(tax_item)
    with pytest.raises(ValidationError, match="comprehensive"):
        make_window("W02", kind="other_affairs", accepts_all_items=True)


def test_item_of_another_centre_refused(centres):
    mj_item = make_item("MJ-REG", centre="MJ", agency=make_agency("MJ-AMR", centre="MJ"))
    with pytest.raises(ValidationError, match="another centre"):
        make_window(items=[mj_item])


def test_professional_window_needs_agency_and_takes_only_its_items(centres):
    power = make_agency("POWER", kind="other", name="国网洛阳供电公司")
    tobacco = make_agency("TOBACCO", kind="other", name="洛阳市烟草专卖局")
    power_item = make_item("POWER-01", agency=power, window_category="professional",
                           name="低压用电报装")
    with pytest.raises(ValidationError, match="agency"):
        make_window("P01", kind="professional", name="供电报装窗口")
    with pytest.raises(ValidationError, match="window takes"):
        make_window("P01", kind="professional", agency=tobacco, items=[power_item])
    make_window("P01", kind="professional", agency=power, items=[power_item])


def test_deleting_an_item_pulls_it_from_windows(centres):
    item = make_item()
    window = make_window(items=[item])
    item.delete()
    window.reload()
    assert window.items == []
