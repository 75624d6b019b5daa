"""Every query a working screen issues leads with fields a declared index covers, so the screens
stay fast as the store grows (the embedded store narrows only on indexed equality and $in)."""

from __future__ import annotations

import pytest

from models import Agency, RosterEntry, ServiceItem, StaffMember, Window
from models.case import Case

# (document, the equality / $in fields the screen filters on, in the order the query gives them)
SCREEN_QUERIES = [
    (Case, ("centre", "state")),  # the clerk's default list: open cases of the centre
    (Case, ("centre", "open_agencies")),  # the approver's queue
    (Case, ("centre", "legal_rep_id", "state")),  # 一人多户 prompt
    (Case, ("centre", "address_key", "state")),  # 一址多照 prompt
    (Case, ("centre", "window", "state")),  # list filtered by window
    (Case, ("centre", "subtasks.agency")),  # list filtered by agency, approver's scope
    (Case, ("centre", "number")),  # look-up by number
    (Window, ("centre", "code")),
    (Window, ("centre", "is_open")),  # the open-case form's window choices
    (StaffMember, ("centre", "name")),
    (RosterEntry, ("centre", "window", "date")),  # the week view
    (Agency, ("centre", "code")),
    (ServiceItem, ("centre", "code")),
]


def declared_prefixes(document) -> list[tuple[str, ...]]:
    specs = document._meta.get("index_specs") or []
    return [tuple(field for field, _ in spec["fields"]) for spec in specs]


@pytest.mark.parametrize("document,fields", SCREEN_QUERIES,
                         ids=[f"{d.__name__}:{'+'.join(f)}" for d, f in SCREEN_QUERIES])
def test_screen_query_is_served_by_a_declared_index(document, fields):
    assert any(index[: len(fields)] == fields for index in declared_prefixes(document)), (
        f"no index of {document.__name__} starts with {fields}: "
        f"{declared_prefixes(document)}")
