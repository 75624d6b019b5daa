"""Printables through the screens on the demo centres: for a case in each state every PDF its
page offers (text read back with poppler's pdftotext) holds the materials, results, dates and
masked identifiers with every font embedded (pdffonts); the print view says the same; other
centres get 404, roles without the printables 403; a rare character (𠮷) prints through the
fallback font, and one no font has is reported, never dropped."""

from __future__ import annotations

import datetime as dt
from html import unescape
import io
import os
import re
import subprocess
import tempfile

from conftest import client_for, module_demo_app
from pypdf import PdfReader
import pytest
from test_case_screens import ID_NUMBER, act, open_case

from models import case as c
from models.agency import Agency
from models.case import Case
from models.item import ServiceItem
from models.staff import StaffMember
from models.workcalendar import today_in_china
from reports import case_documents as docs
from reports.document import Printable, Table
from reports.pdf import fonts, missing_glyphs, render_pdf

MASKED_ID = "110105********002X"
MASKED_PHONE = "138****1234"


app = module_demo_app(BABEL_DEFAULT_LOCALE="zh_CN")


def pdf_of(client, url: str) -> tuple[str, PdfReader]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    return pdftotext(response.data), PdfReader(io.BytesIO(response.data))


def pdftotext(data: bytes, page: int | None = None) -> str:
    """The text poppler's pdftotext reads from the PDF (what a search or a screen reader gets)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, "-", "-"], input=data,
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def fonts_embedded(reader: PdfReader) -> list[str]:
    """The base names of the fonts used, asserting each carries its font program."""
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            descriptor = described["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), \
                font["/BaseFont"]
            names.append(str(font["/BaseFont"]))
    return names


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def reviewed(app, **overrides):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, **overrides)
    act(clerk, case, "start_review")
    return clerk, Case.objects.get(pk=case.pk)


def accepted(app, **overrides):
    clerk, case = reviewed(app, **overrides)
    data = {}
    for index, row in enumerate(case.materials):
        data[f"state-{index}"] = "tolerated" if row.requirement == "tolerated" else "received"
        if row.requirement == "tolerated":
            data[f"promised-{index}"] = today_in_china().isoformat()
    assert act(clerk, case, "materials", **data)[0][0] == "success"
    act(clerk, case, "accept")
    return clerk, Case.objects.get(pk=case.pk)


def ready(app, **overrides):
    clerk, case = accepted(app, **overrides)
    admin = client_for(app, "admin")
    for task in case.subtasks:
        if task.agency == "LY-AMR":
            act(admin, case, "complete_subtask", subtask=task.key, licence_number="LIC-410300-77",
                credit_code="91410300MA9F12345E")
    for task in Case.objects.get(pk=case.pk).subtasks:
        if task.agency == "LY-PSB":
            act(admin, case, "complete_subtask", subtask=task.key,
                seals="公章、法定代表人名章、财务专用章")
    case = Case.objects.get(pk=case.pk)
    assert case.state == c.READY
    return clerk, case


def test_one_time_notification_of_a_return(app):
    clerk, case = reviewed(app, company_name="告知书测试有限公司")
    form = next(i for i, row in enumerate(case.materials) if "申请书" in row.name)
    point = case.materials[form].review_points[0]
    act(clerk, case, "return", note="请法定代表人本人到场", **{f"reason-{form}": point})
    case = Case.objects.get(pk=case.pk)
    assert case.state == c.RETURNED
    base = f"/printables/cases/{case.pk}/notification/1"
    text, reader = pdf_of(clerk, f"{base}/pdf")
    flat = compact(text)
    assert "一次性告知书" in flat and case.number in flat
    assert compact(case.materials[form].name) in flat and compact(point) in flat
    assert "请法定代表人本人到场" in flat
    # The applicant reads the clerk's name, not the login (ly_clerk is 李娜).
    assert "李娜" in flat and "ly_clerk" not in flat
    assert MASKED_ID in flat and MASKED_PHONE in flat and ID_NUMBER not in flat
    assert "13803791234" not in flat
    assert "第1页" in flat and "共" in flat  # page x of y
    assert fonts_embedded(reader) and all("NotoSansSC" in name for name in fonts_embedded(reader))
    html = clerk.get(f"{base}/html").get_data(as_text=True)
    assert point in html and MASKED_ID in html and ID_NUMBER not in html
    assert "<nav" not in html and "<select" not in html and "alert" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and not re.search(r"\son[a-z]+=", html)
    assert clerk.get(f"/printables/cases/{case.pk}/notification/2/pdf").status_code == 404
    assert f'href="{base}/pdf"' in clerk.get(f"/cases/{case.pk}").get_data(as_text=True)


def test_acceptance_receipt_names_materials_time_window_and_lookup(app):
    clerk, case = accepted(app, company_name="受理回执测试有限公司")
    text, reader = pdf_of(clerk, f"/printables/cases/{case.pk}/receipt/pdf")
    flat = compact(text)
    assert "受理通知书" in flat and case.number in flat and MASKED_ID in flat
    received = [row.name for row in case.materials if row.state == c.RECEIVED]
    assert received and all(compact(name) in flat for name in received)
    assert compact(c.format_local(case.due_at)) in flat  # promised completion, China time
    assert case.window.counter in text and "李娜" in flat and "ly_clerk" not in flat
    tolerated = [row for row in case.materials if row.state == c.TOLERATED]
    for row in tolerated:
        assert compact(row.name) in flat and row.promised_on.isoformat() in flat
    assert "查询" in flat
    fonts_embedded(reader)
    # Not before acceptance.
    _clerk, early = reviewed(app)
    assert clerk.get(f"/printables/cases/{early.pk}/receipt/pdf").status_code == 404


def test_a_mailed_case_receipt_says_where_the_results_are_posted_not_a_pick_up_place(app):
    mail = "洛阳市西工区中州中路100号3单元"
    clerk, case = accepted(app, company_name="邮寄回执测试有限公司", delivery_method="mail",
                           mail_address=mail)
    assert case.delivery_method == "mail"
    flat = compact(pdf_of(clerk, f"/printables/cases/{case.pk}/receipt/pdf")[0])
    assert "结果邮寄至" in flat and compact(mail) in flat
    assert "领取地点" not in flat
    html = clerk.get(f"/printables/cases/{case.pk}/receipt/html").get_data(as_text=True)
    assert mail in html and "领取地点" not in html
    # A case collected at the window keeps its pick-up place.
    clerk, window = accepted(app, company_name="窗口领取测试有限公司")
    assert "领取地点" in compact(pdf_of(clerk, f"/printables/cases/{window.pk}/receipt/pdf")[0])


def test_delivery_checklist_from_the_results_with_signature_lines(app):
    clerk, case = ready(app, company_name="出件清单测试有限公司")
    text, reader = pdf_of(clerk, f"/printables/cases/{case.pk}/delivery/pdf")
    flat = compact(text)
    assert "出件清单" in flat and "LIC-410300-77" in flat and "91410300MA9F12345E" in flat
    for seal in ("公章", "法定代表人名章", "财务专用章"):
        assert seal in flat
    assert "领取人签字" in flat and "日期" in flat
    fonts_embedded(reader)
    act(clerk, case, "deliver", recipient="王强")
    assert Case.objects.get(pk=case.pk).state == c.DELIVERED
    text, _reader = pdf_of(clerk, f"/printables/cases/{case.pk}/delivery/pdf")
    # Collected at the window: who took it (领取人, not a parcel's 收件人), no parcel to name.
    assert "领取人王强" in compact(text) and "快递单号" not in text and "收件人" not in text
    # Nothing to hand over before the results are in.
    _clerk, running = accepted(app)
    assert clerk.get(f"/printables/cases/{running.pk}/delivery/html").status_code == 404


def test_a_mailed_delivery_checklist_names_the_address_and_the_parcel(app):
    mail = "洛阳市西工区中州中路100号3单元"
    clerk, case = ready(app, company_name="邮寄出件测试有限公司", delivery_method="mail",
                        mail_address=mail)
    act(clerk, case, "deliver", tracking_number="SF1234567890")
    assert Case.objects.get(pk=case.pk).state == c.DELIVERED
    flat = compact(pdf_of(clerk, f"/printables/cases/{case.pk}/delivery/pdf")[0])
    assert compact(mail) in flat and "SF1234567890" in flat
    assert "邮寄地址" in flat and "快递单号SF1234567890" in flat
    assert "领取人时间" not in flat and "收件人" not in flat  # nobody collected it here


def test_blank_notification_of_an_item(app):
    clerk = client_for(app, "ly_clerk")
    item = ServiceItem.objects(code="LY-EO-REG").first()
    text, reader = pdf_of(clerk, f"/printables/items/{item.pk}/notification/pdf")
    flat = compact(text)
    assert compact(item.name) in flat
    assert all(compact(material.name) in flat for material in item.materials)
    fonts_embedded(reader)


def test_long_tables_repeat_their_header_on_every_page(app):
    doc = Printable(centre="洛阳市民之家", title="测试", date=dt.date(2026, 11, 24),
                    blocks=[Table(["材料名称", "原因"],
                                  [[f"材料{i}", "缺签字"] for i in range(120)])])
    with app.test_request_context():
        data = render_pdf(doc)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 3
    for number in range(1, pages + 1):
        text = compact(pdftotext(data, number))
        assert "材料名称" in text and f"第{number}页，共{pages}页" in text


def test_other_centres_get_404_and_roles_without_printables_403(app):
    _clerk, case = accepted(app)
    item = ServiceItem.objects(code="LY-EO-REG", centre="LY").first()
    mj = client_for(app, "mj_clerk")
    for url in (f"/printables/cases/{case.pk}/receipt/pdf",
                f"/printables/cases/{case.pk}/receipt/html",
                f"/printables/cases/{case.pk}/materials/pdf"):
        assert mj.get(url).status_code == 404
    if item is not None:  # a centre's own item; a shared one is every centre's
        assert mj.get(f"/printables/items/{item.pk}/notification/pdf").status_code == 404
    for login in ("ly_approver", "ly_complaints"):
        for paper in ("receipt", "materials"):
            response = client_for(app, login).get(f"/printables/cases/{case.pk}/{paper}/pdf")
            assert response.status_code in (302, 403)
    assert client_for(app, "ly_supervisor").get(
        f"/printables/cases/{case.pk}/receipt/pdf").status_code == 200


def pdffonts(data: bytes) -> list[tuple[str, str]]:
    """poppler's pdffonts: each font's name and its "emb" column."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True,
                              text=True)
    rows = done.stdout.splitlines()[2:]
    # name, type (one or more words), encoding, emb, sub, uni, object number, generation
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def test_rare_characters_print_through_the_fallback_font_embedded(app):
    clerk, case = accepted(app, legal_rep_name="𠮷野䶮")
    response = clerk.get(f"/printables/cases/{case.pk}/receipt/pdf")
    assert response.status_code == 200
    # 𠮷 (CJK Extension B) through the Noto Sans CJK fallback, 䶮 (Extension A) in Noto Sans SC.
    assert "𠮷野䶮" in pdftotext(response.data)
    fonts = pdffonts(response.data)
    assert {name.split("+")[-1] for name, _emb in fonts} == {"NotoSansSC", "NotoSansCJKSC"}
    assert all(emb == "yes" for _name, emb in fonts)
    assert all("+" in name for name, _emb in fonts)  # subsets, not the 19 MB collection
    # An ordinary document embeds the body font alone.
    _clerk, plain = accepted(app, legal_rep_name="王䶮")
    data = clerk.get(f"/printables/cases/{plain.pk}/receipt/pdf").data
    assert "王䶮" in pdftotext(data)
    assert [name.split("+")[-1] for name, _emb in pdffonts(data)] == ["NotoSansSC"]


def test_a_character_no_font_has_is_reported_with_the_print_view_not_dropped(app):
    # 𪚥 (U+2A6A5, Extension B) is in neither pip-installed font.
    clerk, case = accepted(app, legal_rep_name="王𪚥")
    response = clerk.get(f"/printables/cases/{case.pk}/receipt/pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "𪚥（U+2A6A5）" in page
    assert f'href="/printables/cases/{case.pk}/receipt/html"' in page
    # The print view, drawn with the browser's fonts, still carries the name whole.
    assert "王𪚥" in clerk.get(f"/printables/cases/{case.pk}/receipt/html").get_data(
        as_text=True)


HANAZONO_B = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"


@pytest.mark.skipif(not os.path.exists(HANAZONO_B),
                    reason="Debian's fonts-hanazono is an optional extra")
def test_an_extra_font_from_the_settings_prints_what_the_pip_fonts_lack(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_PDF_EXTRA_FONTS", ["/nonexistent.ttf",
                                                                  HANAZONO_B])
    clerk, case = accepted(app, legal_rep_name="王𪚥")
    response = clerk.get(f"/printables/cases/{case.pk}/receipt/pdf")
    assert response.status_code == 200 and "王𪚥" in pdftotext(response.data)
    fonts = pdffonts(response.data)
    assert any("HanaMinB" in name for name, _emb in fonts)
    assert all(emb == "yes" for _name, emb in fonts)


def test_the_fallback_is_the_simplified_chinese_face():
    from fontTools.ttLib import TTFont

    fallback = fonts()[1]
    with TTFont(fallback.path, fontNumber=fallback.face, lazy=True) as font:
        assert font["name"].getDebugName(4) == "Noto Sans CJK SC"
    assert missing_glyphs(["𠮷野䶮 王强"]) == [] and missing_glyphs(["𪚥𠮷"]) == ["𪚥"]


def test_the_centres_lists_as_annexes(app):
    admin = client_for(app, "ly_admin")
    text, reader = pdf_of(admin, "/printables/lists/window-items/pdf")
    flat = compact(text)
    assert "洛阳市民之家" in flat and "企业设立登记" in flat
    fonts_embedded(reader)
    staff = compact(pdf_of(admin, "/printables/lists/staff/pdf")[0])
    member = StaffMember.objects(centre="LY", active=True).first()
    assert compact(member.name) in staff and member.phone not in staff
    assert re.search(r"\d{3}\*{4}\d{4}", staff)
    liaisons = compact(pdf_of(admin, "/printables/lists/liaisons/pdf")[0])
    assert "联络员" in liaisons
    # The one list that prints phones in full: it exists so the window can call the agencies'
    # liaisons, whose work numbers are published for that use (staff phones above stay masked).
    phones = [person.phone for agency in Agency.objects(centre="LY")
              for person in agency.liaisons if person.phone]
    assert phones and all(compact(phone) in liaisons for phone in phones)
    assert not re.search(r"\d{3}\*{4}\d{4}", liaisons)
    day = today_in_china()
    roster = compact(pdf_of(admin, f"/printables/lists/roster/pdf?day={day}")[0])
    assert day.isoformat() in roster and "上午" in roster
    assert admin.get("/printables/lists/roster/pdf?day=tomorrow").status_code == 400
    html = admin.get("/printables/lists/liaisons/html").get_data(as_text=True)
    assert "联络员" in html
    index = admin.get("/exports/").get_data(as_text=True)
    assert "/printables/lists/roster/pdf" in index
    # The MJ lists hold none of LY's staff; a clerk does not print the centre's lists.
    mj = compact(pdf_of(client_for(app, "mj_admin"), "/printables/lists/staff/pdf")[0])
    assert compact(member.name) not in mj or StaffMember.objects(
        centre="MJ", name=member.name).first()
    assert client_for(app, "ly_clerk").get(
        "/printables/lists/staff/pdf").status_code in (302, 403)
    # The super-administrator names the centre.
    assert client_for(app, "admin").get("/printables/lists/staff/html").status_code == 400
    assert client_for(app, "admin").get(
        "/printables/lists/staff/html?centre=MJ").status_code == 200


def test_receipt_carries_a_qr_code_of_the_status_lookup_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_STATUS_LOOKUP_URL",
                        "https://zwfw.example/status?no={number}")
    clerk, case = accepted(app)
    address = f"https://zwfw.example/status?no={case.number}"
    text, reader = pdf_of(clerk, f"/printables/cases/{case.pk}/receipt/pdf")
    assert address in compact(text)
    images = [name for page in reader.pages
              for name, obj in page["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images
    html = clerk.get(f"/printables/cases/{case.pk}/receipt/html").get_data(as_text=True)
    assert "<svg" in html and address.replace("&", "&amp;") in html
    assert docs.status_address("", "LY-1") == "LY-1"
    assert docs.status_address("https://x.example/q/", "LY-1") == "https://x.example/q/LY-1"


PRINTABLE_PDF = re.compile(r'href="(/printables/cases/[0-9a-f]{24}/([a-z]+)(?:/\d+)?/pdf)"')


def printed(client, case: Case) -> dict[str, str]:
    """Each document the case page offers, by kind, as the text of its PDF; every font of every
    PDF embedded (poppler's pdffonts)."""
    page = client.get(f"/cases/{case.pk}").get_data(as_text=True)
    found = {}
    for url, kind in PRINTABLE_PDF.findall(page):
        response = client.get(url)
        assert response.status_code == 200, url
        fonts = pdffonts(response.data)
        assert fonts and all(emb == "yes" for _name, emb in fonts), (url, fonts)
        found[kind] = compact(pdftotext(response.data))
    return found


def assert_documents(client, case: Case, kinds: set[str]) -> dict[str, str]:
    case = Case.objects.get(pk=case.pk)
    texts = printed(client, case)
    assert set(texts) == kinds, (case.state, set(texts))
    for kind, text in texts.items():
        assert case.number in text and MASKED_ID in text and MASKED_PHONE in text, kind
        assert ID_NUMBER not in text and "13803791234" not in text, kind
        assert re.search(r"\d{4}-\d{2}-\d{2}", text), kind  # the document's date
    for kind, url in (("receipt", "receipt"), ("delivery", "delivery")):
        if kind not in kinds:  # not offered, and not served either
            assert client.get(f"/printables/cases/{case.pk}/{url}/pdf").status_code == 404
    return texts


def test_a_case_in_each_state_prints_its_materials_results_dates_and_masked_ids(app):
    clerk = client_for(app, "ly_clerk")
    case = open_case(clerk, company_name="全状态打印有限公司")
    # coaching: the visitor takes the case's material list, every material once with what
    # the clerk checks on it (导办)
    texts = assert_documents(clerk, case, {"materials"})
    case = Case.objects.get(pk=case.pk)
    view = compact(unescape(clerk.get(f"/printables/cases/{case.pk}/materials/html")
                            .get_data(as_text=True)))
    assert all(compact(row.name) in view for row in case.materials)
    assert all(compact(point) in view for row in case.materials for point in row.review_points)
    # the PDF says it too (a long name wraps in its cell: its first characters are on a line)
    assert "材料清单" in texts["materials"] and "企业设立登记" in texts["materials"]
    assert all(compact(row.name)[:6] in texts["materials"] for row in case.materials)
    act(clerk, case, "start_review")
    assert_documents(clerk, case, {"materials"})  # review
    case = Case.objects.get(pk=case.pk)
    form = next(i for i, row in enumerate(case.materials) if "申请书" in row.name)
    point = case.materials[form].review_points[0]
    act(clerk, case, "return", note="补正后再来", **{f"reason-{form}": point})
    texts = assert_documents(clerk, case, {"notification", "materials"})  # returned
    returned = Case.objects.get(pk=case.pk)
    assert compact(returned.materials[form].name) in texts["notification"]
    assert compact(point) in texts["notification"]
    assert compact(c.format_local(returned.returns[0].at)) in texts["notification"]
    act(clerk, case, "resubmit")
    assert_documents(clerk, case, {"notification", "materials"})  # review again
    case = Case.objects.get(pk=case.pk)
    act(clerk, case, "materials", **{f"state-{index}": "received"
                                     for index in range(len(case.materials))})
    act(clerk, case, "accept")
    texts = assert_documents(clerk, case, {"notification", "receipt"})  # accepted
    case = Case.objects.get(pk=case.pk)
    assert all(compact(row.name) in texts["receipt"] for row in case.materials)
    assert compact(c.format_local(case.due_at)) in texts["receipt"]
    assert compact(c.format_local(case.accepted_at)) in texts["receipt"]
    admin = client_for(app, "admin")
    for task in case.subtasks:
        values = ({"licence_number": "LIC-410300-88", "credit_code": "91410300MA9F12345E"}
                  if task.agency == "LY-AMR" else {"seals": "公章、财务专用章"})
        act(admin, case, "complete_subtask", subtask=task.key, **values)
    texts = assert_documents(clerk, case, {"notification", "receipt", "delivery"})  # ready
    for result in ("LIC-410300-88", "91410300MA9F12345E", "公章", "财务专用章"):
        assert result in texts["delivery"]
    act(clerk, case, "deliver", recipient="赵敏")
    texts = assert_documents(clerk, case, {"notification", "receipt", "delivery"})  # delivered
    case = Case.objects.get(pk=case.pk)
    assert "赵敏" in texts["delivery"]
    assert compact(c.format_local(case.handover.at)) in texts["delivery"]
    act(clerk, case, "close", method="call", rating="5", note="回访满意")
    assert Case.objects.get(pk=case.pk).state == c.CLOSED
    assert_documents(clerk, case, {"notification", "receipt", "delivery"})  # closed


def test_withdrawn_and_rejected_cases_keep_the_paper_they_had(app):
    clerk, case = accepted(app, company_name="撤回打印有限公司")
    act(clerk, case, "withdraw", note="申请人撤回")
    assert Case.objects.get(pk=case.pk).state == c.WITHDRAWN
    assert_documents(clerk, case, {"receipt"})
    clerk, case = accepted(app, company_name="驳回打印有限公司")
    task = next(task for task in case.subtasks if task.agency == "LY-AMR")
    act(client_for(app, "admin"), case, "reject_subtask", subtask=task.key,
        note="名称与已登记企业重名")
    act(clerk, case, "close_rejected", note="名称不予登记")
    assert Case.objects.get(pk=case.pk).state == c.REJECTED
    assert_documents(clerk, case, {"receipt"})
    # neither ended case was done, on time or late: no deadline badge says so, page or list
    for ended in Case.objects(company_name__in=["撤回打印有限公司", "驳回打印有限公司"]):
        assert 'data-deadline="finished"' not in clerk.get(f"/cases/{ended.pk}").get_data(
            as_text=True)
        listed = clerk.get(f"/cases/?state=all&q={ended.number}").get_data(as_text=True)
        assert ended.number in listed and 'data-deadline="finished"' not in listed


def test_the_print_view_and_the_pdf_say_the_same(app):
    clerk, case = ready(app, company_name="同一内容测试有限公司")
    act(clerk, case, "deliver", recipient="钱七")
    case = Case.objects.get(pk=case.pk)
    with app.test_request_context():
        documents = {"receipt": docs.acceptance_receipt(case, today_in_china()),
                     "delivery": docs.delivery_checklist(case, today_in_china())}
        expected = {kind: [text for text in doc.texts() if text and text.strip()]
                    for kind, doc in documents.items()}
    for kind, texts in expected.items():
        pdf = compact(pdftotext(clerk.get(f"/printables/cases/{case.pk}/{kind}/pdf").data))
        html = clerk.get(f"/printables/cases/{case.pk}/{kind}/html").get_data(as_text=True)
        html = compact(unescape(re.sub(r"<[^>]+>", " ", html)))
        for text in texts:
            assert compact(text) in html, (kind, text)
            # pdftotext reads a label beside a value of several lines in between its lines:
            # each phrase of the value is compared.
            for phrase in re.split(r"[\s，；]+", text):
                assert phrase in pdf, (kind, phrase)


def test_what_an_english_screen_writes_into_a_case_is_in_the_centres_language(app):
    clerk, case = ready(app, company_name="英文界面出件测试有限公司")
    assert clerk.get("/lang/en").status_code == 302
    messages = act(clerk, case, "deliver", recipient="王强")
    assert messages[0] == ("success", "Delivered: 2 results handed over."), messages
    handed = Case.objects.get(pk=case.pk).handover.results
    assert any("证照编号 LIC-410300-77" in line for line in handed), handed
    assert not any("Licence number" in line for line in handed)
    assert "Licence number" not in Case.objects.get(pk=case.pk).timeline[-1].note
    # A return's default reason, printed on the applicant's one-time notification.
    other, returned = reviewed(app, company_name="英文界面退回测试有限公司")
    assert other.get("/lang/en").status_code == 302
    act(other, returned, "return", note="")
    reasons = [m.reason for m in Case.objects.get(pk=returned.pk).returns[0].materials]
    assert reasons and set(reasons) == {"未提交"}, reasons
    assert "未提交" in pdf_of(other, f"/printables/cases/{returned.pk}/notification/1/pdf")[0]
