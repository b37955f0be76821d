"""Papers as records (``documents.papers``): forms 01–04 numbered per kind and year in the act's transaction, what
they state frozen, reprints identical after the dossier changed, voiding, page breaks of long document lists."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.documents import papers
from skhcn.dossiers.documents.forms_pdf import render_form
from skhcn.dossiers.documents.receipt import render_receipt
from skhcn.dossiers.documents.register import RegisterFilters, register_rows
from skhcn.dossiers.models import Dossier, DossierEvent, IssuedPaper, PaperSerial
from skhcn.procedures.tests.factories import RequiredDocumentFactory

from .factories import listed_file
from .workflow_support import act, dossier_at, submitted_dossier

pytestmark = pytest.mark.django_db


def pages_of(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def text_of(dossier: Dossier, number: str, **kwargs) -> str:
    return " ".join(pages_of(render_form(Dossier.objects.get(pk=dossier.pk), number, **kwargs)))


def add_documents(dossier: Dossier, count: int) -> None:
    for index in range(count):
        document = RequiredDocumentFactory(
            procedure=dossier.procedure,
            name=f"Giấy tờ số {index + 1}: bản sao chứng thực văn bằng, chứng chỉ của cán bộ kỹ thuật",
            sort_order=index,
        )
        listed_file(dossier, document, index)


# --- the receipt is a record ----------------------------------------------------------------------------------------
def test_form_01_keeps_its_appointment_after_a_supplement_and_an_apology(world, clock):
    dossier = act(submitted_dossier(world), Action.RECEIVE, world=world)
    appointment = dossier.due_at
    before = text_of(dossier, "01")
    assert f"ngày {appointment.astimezone(papers.VIETNAM):%d/%m/%Y}" in before
    for action in (Action.TRANSFER, Action.ASSIGN):
        clock.advance(hours=2)
        dossier = act(dossier, action, world=world)
    clock.advance(days=1)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world, comment="Bổ sung báo cáo")
    clock.advance(days=5)
    dossier = act(dossier, Action.SUPPLY, world=world)
    assert dossier.due_at > appointment
    clock.advance(days=1)
    dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, comment="Cần lấy ý kiến Sở Tài chính")
    # The officer's name changed since: the receipt still says who received it then.
    profile = world.one_stop.staff_profile
    received_by = profile.full_name
    profile.full_name = "Tên mới sau khi đổi"
    profile.save()
    after = text_of(dossier, "01")
    assert after == before
    assert received_by in after and "Tên mới sau khi đổi" not in after
    # The later dates are stated by form 04 and the dossier itself, never by rewriting 01.
    assert dossier.due_at.astimezone(papers.VIETNAM).strftime("%d/%m/%Y") not in after


def test_form_01_has_a_number_line_and_the_superior_agency(world, clock, settings):
    settings.AGENCY_SUPERIOR = "UBND tỉnh Cao Bằng"
    dossier = act(submitted_dossier(world), Action.RECEIVE, world=world)
    text = text_of(dossier, "01")
    assert text.index("UBND TỈNH CAO BẰNG") < text.index("SỞ KHOA HỌC VÀ CÔNG NGHỆ") < text.index("BỘ PHẬN MỘT CỬA")
    assert "Số: 1/TNHS-SKHCN" in text
    assert "Vào Sổ theo dõi hồ sơ: Quyển số 2026, số thứ tự 1" in text


def test_receiving_unit_from_settings(world, clock, settings):
    # Since Decree 118/2025 the province's service centre may receive the dossiers of every department.
    settings.RECEIVING_UNIT_NAME = "Trung tâm Phục vụ hành chính công tỉnh Cao Bằng"
    settings.RECEIVING_UNIT_PARENT = ""
    dossier = act(submitted_dossier(world), Action.RECEIVE, world=world)
    text = text_of(dossier, "01")
    assert "UBND TỈNH CAO BẰNG TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CAO BẰNG" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh Cao Bằng tiếp nhận hồ sơ của" in text
    # The control slip (form 05) names the same unit as the holder of the received dossier.
    assert dossier.handoffs.get().to_unit == "Trung tâm Phục vụ hành chính công tỉnh Cao Bằng"
    assert "Nhận: Trung tâm Phục vụ hành chính công tỉnh Cao Bằng" in text_of(dossier, "05")


def test_papers_issued_before_the_records_print_the_first_appointment(world, clock):
    dossier = act(submitted_dossier(world), Action.RECEIVE, world=world)
    IssuedPaper.objects.filter(dossier=dossier).update(content={})
    original = dossier.original_due_at
    Dossier.objects.filter(pk=dossier.pk).update(due_at=original.replace(day=original.day + 1))
    assert f"ngày {original.astimezone(papers.VIETNAM):%d/%m/%Y}" in text_of(dossier, "01")


# --- numbers ---------------------------------------------------------------------------------------------------------
def test_numbers_per_kind_in_order_and_the_register_row(world, clock):
    first = act(submitted_dossier(world), Action.RECEIVE, world=world)
    asked = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    refused = act(submitted_dossier(world), Action.REFUSE_INTAKE, world=world, comment="Không thuộc thẩm quyền")
    second = act(submitted_dossier(world), Action.RECEIVE, world=world)
    numbers = dict(IssuedPaper.objects.values_list("dossier_id", "number"))
    assert numbers == {
        first.pk: "1/TNHS-SKHCN",
        asked.pk: "1/PYCBS-SKHCN",
        refused.pk: "1/PTCTN-SKHCN",
        second.pk: "2/TNHS-SKHCN",
    }
    assert "Số: 1/PYCBS-SKHCN" in text_of(asked, "02")
    assert "Số: 1/PTCTN-SKHCN" in text_of(refused, "03")
    # The number form 01 prints is the dossier's row in the register (form 06).
    today = clock().astimezone(papers.VIETNAM).date()
    rows = {row[1]: row[0] for row in register_rows(RegisterFilters(today, today))}
    assert rows == {first.code: 1, second.code: 2}
    assert "số thứ tự 2" in text_of(second, "01")


def test_numbers_restart_each_year_in_vietnam_time(world, clock):
    clock.set(2026, 12, 31, 16, 30)  # 31/12 in Vietnam
    last = act(submitted_dossier(world), Action.RECEIVE, world=world)
    clock.set(2027, 1, 4, 8, 0)
    first = act(submitted_dossier(world), Action.RECEIVE, world=world)
    assert last.register_serial == 1 and first.register_serial == 1
    assert PaperSerial.objects.get(kind="receipt", year=2026).last_value == 1
    assert PaperSerial.objects.get(kind="receipt", year=2027).last_value == 1
    assert "Quyển số 2027, số thứ tự 1" in text_of(first, "01")


def test_number_format_is_configuration(world, clock, settings):
    settings.DOSSIER_PAPER_NUMBER_FORMAT = "{serial:03d}/{year}/{suffix}-{agency}"
    settings.AGENCY_ABBREVIATION = "SKHCN-CB"
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    assert dossier.papers.get().number == "001/2026/PYCBS-SKHCN-CB"


def test_a_failed_act_gives_its_number_back(world, clock, monkeypatch):
    dossier = submitted_dossier(world)

    def broken(event):
        raise RuntimeError("mail queue down while recording")

    monkeypatch.setattr(workflow.notify_people, "staff_event", broken)
    with pytest.raises(RuntimeError):
        workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    assert not IssuedPaper.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).register_serial is None
    monkeypatch.undo()
    dossier = act(dossier, Action.RECEIVE, world=world)
    assert dossier.register_serial == 1 and dossier.papers.get().number == "1/TNHS-SKHCN"


def test_a_refused_act_takes_no_number(world, clock):
    dossier = submitted_dossier(world)
    with pytest.raises(workflow.WorkflowError):
        workflow.perform(dossier.pk, Action.REQUEST_COMPLETION, world.one_stop, expected_version=dossier.version)
    assert not PaperSerial.objects.filter(last_value__gt=0).exists()
    assert not IssuedPaper.objects.exists()


def test_every_apology_and_request_of_a_dossier_has_its_own_number(world, clock):
    dossier = dossier_at(Status.RECEIVED, world)
    clock.advance(days=1)
    dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, comment="Chậm do lấy ý kiến")
    kinds = sorted(dossier.papers.values_list("kind", "number"))
    assert ("apology", "1/PXL-SKHCN") in kinds
    assert "Số: 1/PXL-SKHCN" in text_of(dossier, "04")


# --- voiding ---------------------------------------------------------------------------------------------------------
def test_a_voided_paper_keeps_its_number_and_says_why(world, clock):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    paper = dossier.papers.get()
    events = DossierEvent.objects.count()
    papers.void(paper.pk, dossier, world.one_stop, "In nhầm hồ sơ của người khác")
    paper.refresh_from_db()
    assert paper.is_void and paper.number == "1/PYCBS-SKHCN" and paper.voided_by == world.one_stop
    text = text_of(dossier, "02")
    assert "Số: 1/PYCBS-SKHCN" in text and "ĐÃ HỦY" in text and "In nhầm hồ sơ của người khác" in text
    assert DossierEvent.objects.count() == events + 1
    # The next request takes the next number: a voided number is never reused.
    other = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu điều lệ")
    assert other.papers.get().number == "2/PYCBS-SKHCN"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", papers.PaperMessages.VOID_REASON_REQUIRED),
        ("   ", papers.PaperMessages.VOID_REASON_REQUIRED),
        ("x" * 1001, papers.PaperMessages.VOID_REASON_TOO_LONG.format(limit=1000)),
        ("lý do\x00", papers.PaperMessages.VOID_REASON_REQUIRED),
    ],
)
def test_void_refusals_change_nothing(world, clock, reason, message):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    paper = dossier.papers.get()
    events = DossierEvent.objects.count()
    with pytest.raises(papers.PaperError) as refused:
        papers.void(paper.pk, dossier, world.one_stop, reason)
    assert refused.value.message == message
    paper.refresh_from_db()
    assert not paper.is_void and DossierEvent.objects.count() == events


def test_void_twice_or_another_dossiers_paper_is_refused(world, clock):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    other = submitted_dossier(world)
    paper = dossier.papers.get()
    with pytest.raises(papers.PaperError, match="Không tìm thấy phiếu"):
        papers.void(paper.pk, other, world.one_stop, "Nhầm")
    papers.void(paper.pk, dossier, world.one_stop, "Nhầm")
    with pytest.raises(papers.PaperError, match="đã được hủy trước đó"):
        papers.void(paper.pk, dossier, world.one_stop, "Nhầm lần nữa")


# --- layout ----------------------------------------------------------------------------------------------------------
def test_form_01_with_three_documents_fits_one_page(world, clock):
    dossier = submitted_dossier(world)
    add_documents(dossier, 3)
    dossier = act(dossier, Action.RECEIVE, world=world)
    assert len(pages_of(render_form(dossier, "01"))) == 1


@pytest.mark.parametrize("count", [8, 12, 16, 20, 30])
def test_signatures_never_alone_on_a_page(world, clock, count):
    dossier = submitted_dossier(world)
    add_documents(dossier, count)
    dossier = act(dossier, Action.RECEIVE, world=world)
    pages = pages_of(render_form(dossier, "01"))
    last = pages[-1]
    signature_page = next(page for page in pages if "NGƯỜI TIẾP NHẬN HỒ SƠ" in page)
    assert "NGƯỜI NỘP HỒ SƠ" in signature_page
    # The closing items travel with the signatures.
    assert "8. Phí, lệ phí" in signature_page and "6. Thời gian trả kết quả" in signature_page
    assert signature_page is last or "Tra cứu tình trạng hồ sơ" in last


# --- the acknowledgement of an online submission ---------------------------------------------------------------------
def test_online_acknowledgement_is_not_form_01(world, clock):
    dossier = submitted_dossier(world)
    text = " ".join(pages_of(render_receipt(dossier)))
    assert "THÔNG BÁO TIẾP NHẬN HỒ SƠ TRỰC TUYẾN" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" not in text
    assert "Số:" not in text


# --- the staff screen ------------------------------------------------------------------------------------------------
def void_url(dossier, paper):
    return reverse("dossiers_staff:void_paper", kwargs={"pk": dossier.pk, "paper_id": paper.pk})


def test_dossier_page_lists_the_papers_and_the_officer_voids_one(client, world, clock):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    paper = dossier.papers.get()
    client.force_login(world.one_stop)
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Phiếu đã phát hành" in page and "1/PYCBS-SKHCN" in page and "Hủy phiếu này" in page
    assert f"?thao_tac={paper.event_id}" in page
    response = client.post(void_url(dossier, paper), {"ly_do": "In nhầm"}, follow=True)
    assert "Đã hủy phiếu số 1/PYCBS-SKHCN" in response.content.decode()
    paper.refresh_from_db()
    assert paper.is_void and paper.void_reason == "In nhầm"
    assert "Đã hủy ngày" in response.content.decode()


def test_void_screen_refusals(client, world, clock):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    paper = dossier.papers.get()
    client.force_login(world.one_stop)
    response = client.post(void_url(dossier, paper), {"ly_do": "  "}, follow=True)
    assert papers.PaperMessages.VOID_REASON_REQUIRED in response.content.decode()
    assert client.get(void_url(dossier, paper)).status_code == 405
    other = submitted_dossier(world)
    assert client.post(void_url(other, paper), {"ly_do": "Nhầm"}).status_code == 404
    paper.refresh_from_db()
    assert not paper.is_void
    # The specialist did not issue it and may not void it; a leader voids form 04 only.
    client.force_login(world.specialist)
    assert client.post(void_url(dossier, paper), {"ly_do": "Nhầm"}).status_code in (302, 403, 404)
    client.force_login(world.leader)
    client.post(void_url(dossier, paper), {"ly_do": "Nhầm"})
    paper.refresh_from_db()
    assert not paper.is_void
