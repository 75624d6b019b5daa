"""Helpers shared by a few test modules (cases opened through the lifecycle)."""

from __future__ import annotations

from models import Case, ServiceItem, Window
from models import lifecycle as life


def open_case_for(centre: str, company_name: str = "洛阳测试有限公司") -> Case:
    """Open a case at the first window of ``centre`` that takes one of its items."""
    actor = life.Actor(username=f"{centre.lower()}_clerk", roles=frozenset({"Clerk"}),
                       centre=centre)
    for window in Window.objects(centre=centre):
        items = [item for item in ServiceItem.objects(centre__in=[centre, None])
                 if window.accepts(item)]
        if items:
            return life.open_case(
                actor, window=window, items=items[:1], mode="single_item",
                applicant={"company_name": company_name, "legal_rep_name": "王强",
                           "legal_rep_id": "11010519491231002X", "phone": "13803791234",
                           "address": "洛阳市洛龙区开元大道218号"})
    raise AssertionError(f"no window of {centre} takes an item")
