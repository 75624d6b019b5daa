"""The case list's company-name search: two-character pieces of the name decide it through an
index (no scan of the centre's names), longer texts seek their rarest piece and are checked
exactly, and the result is always "the name contains the text, ignoring letter case"."""

from __future__ import annotations

import re
import tempfile

from conftest import client_for, module_demo_app
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
from tests_support import open_case_for

from console.provision import refresh_derived
from console.storage import planner
from models import name_search
from models.case import Case
from models.name_search import SEEK_AT_MOST, folded, name_filter, name_grams, searchable

NAMES = ["洛阳龙门科技有限公司", "龙门ABC贸易有限公司", "洛阳门龙商贸有限公司", "abc龙门文化传媒",
         "伊川龙门石窟文旅", "嵩岳科技有限公司", "洛阳Xyz信息技术有限公司"]


def with_named_cases(app):
    for name in NAMES:
        open_case_for("LY", name)
    open_case_for("MJ", "洛阳龙门科技有限公司")  # another centre's case of the same name


app = module_demo_app(with_named_cases,
                      ONEWINDOW_MONGODB_URI=f"embedded://{tempfile.mkdtemp(prefix='names-')}")
ROW = re.compile(r'<td><a href="/cases/([0-9a-f]{24})">')


def found(clerk, text: str) -> set[str]:
    response = clerk.get("/cases/", query_string={"state": "all", "q": text})
    assert response.status_code == 200
    with clerk.application.app_context():
        return {Case.objects.get(pk=pk).company_name
                for pk in ROW.findall(response.get_data(as_text=True))}


def test_pieces_of_a_name():
    assert name_grams("龙门ABC贸易") == sorted(["龙门", "门a", "ab", "bc", "c贸", "贸易"])
    assert name_grams("龙") == [] and name_grams(None) == []
    assert folded("İſK") == "isk"  # what a case-blind regex takes for i, s and k
    assert searchable("龙门") and searchable("Ab") and not searchable("龙")
    assert not searchable("Ää")  # letters beyond ASCII: the plain "contains"


@pytest.mark.parametrize("text", ["龙门", "门龙", "ABC", "aBc龙", "龙门科技", "门科技有", "xyz信息",
                                  "科技有限", "龙", "C", "龙门X", "石窟文"])
def test_the_search_finds_the_names_containing_the_text_ignoring_case(app, text):
    clerk = client_for(app, "ly_clerk")
    expected = {name for name in NAMES if text.lower() in name.lower()}
    with planner.strict(), planner.watch() as fallbacks:
        assert found(clerk, text) == expected
    assert not fallbacks


def test_another_centres_names_are_never_found(app):
    mj = client_for(app, "mj_clerk")
    assert found(mj, "龙门") == {"洛阳龙门科技有限公司"}
    assert found(mj, "嵩岳") == set()


def test_the_super_administrator_searches_every_centre_or_the_one_named(app):
    admin = client_for(app, "admin")
    everywhere = {name for name in NAMES if "龙门" in name}
    with planner.strict(), planner.watch() as fallbacks:
        assert found(admin, "龙门") == everywhere
        for centre, rows in (("", len(everywhere) + 1), ("MJ", 1), ("LY", len(everywhere))):
            response = admin.get("/cases/", query_string={"state": "all", "q": "龙门",
                                                          "centre": centre})
            assert len(ROW.findall(response.get_data(as_text=True))) == rows, centre
        assert found(admin, "嵩岳科") == {"嵩岳科技有限公司"}
    assert not fallbacks


def test_a_two_character_search_reads_its_pieces_not_every_name(app):
    """Served by the (centre, name_grams, -created_at) key table in the list's order: no SQL
    that tests every key of the centre (instr or a regex), and no sort."""
    with app.app_context():
        spec = Case.objects(centre="LY", **name_filter("龙门", lambda piece: 0)) \
            .order_by("-created_at")._query
        store = Case._get_collection()._store
        chosen = planner.plan(store, spec, [("created_at", -1)])
        assert chosen.table.paths == ("centre", "name_grams", "created_at")
        assert chosen.exact and chosen.sorter is None
        assert not any(term in clause for clause in chosen.where
                       for term in planner.SCANNING_SQL)


def test_a_longer_search_seeks_its_rarest_piece_unless_every_piece_is_common():
    counts = {"龙门": 2498, "门科": 12, "科技": 9000, "有限": 25000, "限公": 25000, "公司": 25000}
    asked = []

    def postings(piece, at_most):
        asked.append(at_most)
        return min(counts[piece], at_most)

    assert name_filter("龙门科技", postings) == {
        "name_grams": "门科", "company_name__icontains": "龙门科技"}
    assert set(asked) == {SEEK_AT_MOST}  # never counted further
    # every case of the centre holds these: read the names instead
    assert name_filter("有限公司", postings) == {"company_name__icontains": "有限公司"}
    assert name_filter("龙门", postings) == {"name_grams": "龙门"}
    assert name_filter("龙", postings) == {"company_name__icontains": "龙"}


def test_counting_pieces_stops_where_asked(app):
    with app.app_context():
        holding = Case.objects(centre="LY", name_grams="有限")
        assert holding.count() == sum("有限" in name for name in NAMES) == 5
        assert holding.limit(3).count(with_limit_and_skip=True) == 3


def test_init_gives_older_cases_their_pieces(app, monkeypatch):
    """Cases written before the pieces existed are found once ``onewindow init`` has run; it
    fills them a batch at a time."""
    monkeypatch.setattr(name_search, "REFRESH_BATCH", 2)
    with app.app_context():
        template = Case.objects(centre="LY").first().to_mongo().to_dict()
        template.pop("_id")
        template.pop("name_grams")
        for n in range(5):
            Case._get_collection().insert_one(
                {**template, "number": f"LY-OLD-{n}", "company_name": f"旧版升级测试{n}有限公司"})
    clerk = client_for(app, "ly_clerk")
    assert found(clerk, "升级") == set()
    with app.app_context():
        assert refresh_derived() == 5
        assert refresh_derived() == 0  # nothing left to fill
    expected = {f"旧版升级测试{n}有限公司" for n in range(5)}
    assert found(clerk, "升级") == expected
    assert found(clerk, "版升级") == expected
    assert found(clerk, "试3有") == {"旧版升级测试3有限公司"}


ALPHABET = "龙门科技洛阳aAbBkKsSiI.*İıſK 1"


@settings(max_examples=400, deadline=None)
@given(name=st.text(ALPHABET, max_size=12), text=st.text(ALPHABET, min_size=1, max_size=5))
def test_pieces_never_lose_a_name_the_plain_search_finds(name, text):
    """For a searchable text: a name a case-blind "contains" finds holds every piece of the
    text; for two characters, holding the piece is finding it."""
    if not searchable(text):
        return
    contains = re.search(re.escape(text), name, re.IGNORECASE) is not None
    holds = set(name_grams(text)) <= set(name_grams(name))
    assert holds or not contains
    if len(text) == 2:
        assert holds == contains


def numbers_found(client, text: str) -> list[str]:
    response = client.get("/cases/", query_string={"state": "all", "q": text})
    assert response.status_code == 200
    with client.application.app_context():
        return sorted(Case.objects.get(pk=pk).number
                      for pk in ROW.findall(response.get_data(as_text=True)))


def test_the_search_box_finds_a_case_by_its_number_or_the_numbers_start(app):
    """A clerk reading a number off a receipt types it (any case, in full or its start):
    the (centre, number) index finds it; another centre's case of that number never."""
    with app.app_context():
        ly = sorted(Case.objects(centre="LY").scalar("number"))
        mj = Case.objects(centre="MJ").first().number
    clerk, admin = client_for(app, "ly_clerk"), client_for(app, "admin")
    day = ly[0][:len("LY-20261123")]
    with planner.strict(), planner.watch() as fallbacks:
        assert numbers_found(clerk, ly[0]) == [ly[0]]
        assert numbers_found(clerk, ly[0].lower()) == [ly[0]]
        assert numbers_found(clerk, day) == [n for n in ly if n.startswith(day)]
        assert numbers_found(clerk, mj) == []  # MJ's: not the clerk's centre
        # The super-administrator across every centre: the number names its centre.
        assert numbers_found(admin, mj) == [mj]
        assert numbers_found(admin, day + "-") == [n for n in ly if n.startswith(day + "-")]
    assert not fallbacks
    # Not a number: still a company name ("LY" alone, or a name with a dash).
    assert numbers_found(clerk, "LY") == []
