"""Every query the complaint, rating, rectification and review screens issue leads with fields a
declared index covers (the embedded store narrows only on a declared index prefix)."""

from __future__ import annotations

import pytest
from test_indexes import declared_prefixes

from models.case import Case
from models.complaint import Complaint
from models.rating import Rating, Rectification
from models.review import Review
from models.staff import StaffMember

SCREEN_QUERIES = [
    (Complaint, ("centre", "state")),  # the handler's queue, ordered by deadline
    (Complaint, ("centre", "state", "due_at")),
    (Complaint, ("centre", "received_at")),  # the list, the review's period
    (Complaint, ("centre", "number")),  # look-up by number
    (Complaint, ("centre", "category")),  # list filtered by category
    (Complaint, ("centre", "window")),  # list filtered by window, review per window
    (Complaint, ("centre", "staff")),  # review per staff member
    (StaffMember, ("username",)),  # whose complaints a login may not read
    (Case, ("centre", "number")),  # a case named as the subject
    (Rating, ("centre", "case")),  # the case's rating
    (Rating, ("centre", "rated_at")),  # the ratings list, the review
    (Rectification, ("centre", "state")),  # the rectification queue
    (Rectification, ("rating",)),
    (Review, ("centre",)),
]


@pytest.mark.parametrize("document,fields", SCREEN_QUERIES,
                         ids=[f"{d.__name__}:{'+'.join(f)}" for d, f in SCREEN_QUERIES])
def test_screen_query_is_served_by_a_declared_index(document, fields):
    assert any(index[: len(fields)] == fields for index in declared_prefixes(document)), (
        f"no index of {document.__name__} starts with {fields}: "
        f"{declared_prefixes(document)}")
