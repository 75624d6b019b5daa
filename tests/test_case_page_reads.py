"""What a case page reads: the case once, its two risk counts, and each thing it names in one
query, however many sub-tasks, agencies and people the case has (no look-up per row)."""

from __future__ import annotations

from collections import Counter

from conftest import client_for, demo_app
import pytest
from test_case_screens import act, open_case, receive_everything

from console import storage
from console.demo_data import DEMO_LOGINS
from console.storage import embedded
from models import ServiceItem
from models import lifecycle as life
from models.case import Case


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(ONEWINDOW_MONGODB_URI=f"embedded://{tmp_path_factory.mktemp('reads')}")
    yield app
    storage.disconnect()


@pytest.fixture(autouse=True)
def _no_connection_leaks():
    """This module shares one app (and its store) across its tests."""
    yield


@pytest.fixture
def reads(monkeypatch):
    """The collections each query the app runs reads: a cursor's first page and each count
    (a cursor created but never read, as MongoEngine's ``count()`` makes one, reads nothing)."""
    seen: Counter[str] = Counter()
    compute = embedded.PlannedCursor._compute_results
    count = embedded.SerializedCollection.count_documents

    def compute_spy(self, with_limit_and_skip=False):
        if self._results is None:
            seen[self.collection.name] += 1
        return compute(self, with_limit_and_skip)

    def count_spy(self, *args, **kwargs):
        seen[self.name] += 1
        return count(self, *args, **kwargs)

    monkeypatch.setattr(embedded.PlannedCursor, "_compute_results", compute_spy)
    monkeypatch.setattr(embedded.SerializedCollection, "count_documents", count_spy)
    return seen


def full_chain_case(app) -> Case:
    """A case with a sub-task at every agency of the chain, those not waiting for another
    started by their agency's approver: the timeline names the clerk and the approvers."""
    clerk = client_for(app, "ly_clerk")
    with app.app_context():
        chain = [item.code for item in
                 ServiceItem.objects(centre__in=["LY", None],
                                     window_category="enterprise_opening")]
    case = open_case(clerk, items=chain, mode="full_chain")
    act(clerk, case, "start_review")
    receive_everything(clerk, Case.objects.get(pk=case.pk))
    act(clerk, case, "accept")
    approvers = {agency: username for username, role, centre, _, agency in DEMO_LOGINS
                 if role == "Approver" and centre == "LY"}
    case = Case.objects.get(pk=case.pk)
    for task in case.subtasks:
        if task.agency in approvers and task.status == "pending":
            actor = life.Actor(username=approvers[task.agency], roles=frozenset({"Approver"}),
                               centre="LY", agency=task.agency)
            case = life.start_subtask(case, actor, task.key)
    return Case.objects.get(pk=case.pk)


def test_a_case_page_reads_each_thing_once(app, reads):
    case = full_chain_case(app)
    named = {event.actor for event in case.timeline}
    assert len(case.subtasks) >= 6 and len({t.agency for t in case.subtasks}) >= 5
    assert len(named) >= 2
    for username in ("ly_clerk", "ly_approver"):
        client = client_for(app, username)
        assert client.get(f"/cases/{case.pk}").status_code == 200
        reads.clear()
        html = client.get(f"/cases/{case.pk}").get_data(as_text=True)
        assert "何静怡" in html  # an approver named in the timeline, by name
        # The case, then its two risk counts (一人多户, 一址多照).
        assert reads["cases"] == 3, reads
        # Every person the page names, in one query; the window once; agencies and
        # sub-task items come with the case.
        assert reads["staff_members"] == 1, reads
        assert reads["windows"] <= 1 and reads["agencies"] == 0, reads
        # The service items only when the "add items" form is offered.
        assert reads["service_items"] <= 1, reads
        # The signed-in user and the security stamp: no role or permission document.
        assert sum(n for name, n in reads.items() if name.startswith("ab_")) == 2, reads
        assert sum(reads.values()) <= 12, reads
