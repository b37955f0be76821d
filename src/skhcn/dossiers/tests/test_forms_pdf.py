"""Printable forms 01–05 (``forms_pdf``): text read back with pypdf, the form set by date of receipt, refusals of
forms that do not apply, and who may print them (``dossiers_staff:form_pdf``)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.documents.forms_pdf import (
    FormMessages,
    FormUnavailable,
    available_forms,
    register_number,
    render_form,
)
from skhcn.dossiers.models import Dossier, HandOff
from skhcn.procedures.constants import DocumentForm
from skhcn.procedures.tests.factories import RequiredDocumentFactory

from .factories import DossierFactory, listed_file
from .workflow_support import PATHS, act, dossier_at, set_limits, submitted_dossier

pytestmark = pytest.mark.django_db

APPLICANT = "Đặng Thị Ngọc Ánh"
ADDRESS = "Tổ 7, phường Đề Thám, tỉnh Cao Bằng"


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks folded into spaces (long values wrap)."""
    assert content.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def text_of(dossier: Dossier, number: str) -> str:
    return pdf_text(render_form(Dossier.objects.get(pk=dossier.pk), number))


def with_files(dossier: Dossier) -> Dossier:
    """Two documents of the procedure with files (one of them with two files)."""
    application = RequiredDocumentFactory(
        procedure=dossier.procedure, name="Đơn đề nghị cấp Giấy chứng nhận", form=DocumentForm.ORIGINAL, sort_order=1
    )
    charter = RequiredDocumentFactory(
        procedure=dossier.procedure, name="Điều lệ tổ chức và hoạt động", form=DocumentForm.COPY, sort_order=2
    )
    for index, document in enumerate((application, charter, charter)):
        listed_file(dossier, document, index)
    return dossier


def received(world, **fields) -> Dossier:
    dossier = submitted_dossier(world, applicant_name=APPLICANT, applicant_address=ADDRESS, **fields)
    with_files(dossier)
    return act(dossier, Action.RECEIVE, world=world)


# --- 01 ---------------------------------------------------------------------------------------------------------------
def test_form_01_received_in_2026_prints_the_2025_set(world, clock, settings):
    settings.AGENCY_PLACE = "Cao Bằng"
    dossier = received(world, applicant_id_number="004123456789")
    text = text_of(dossier, "01")
    assert "Mẫu số 01 (ban hành kèm theo Thông tư số 03/2025/TT-VPCP)" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Cao Bằng, ngày 02 tháng 03 năm 2026" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    # Vietnamese diacritics round-trip (đ/Đ, stacked tones).
    assert APPLICANT in text and ADDRESS in text and "004123456789" in text
    assert world.procedure.name in text
    assert "Đơn đề nghị cấp Giấy chứng nhận Bản chính 1" in text
    assert "Điều lệ tổ chức và hoạt động Bản sao 2" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/03/2026" in text
    due = dossier.due_at.astimezone(TZ)
    assert f"Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày {due:%d/%m/%Y}" in text
    assert "15 ngày làm việc" in text
    assert "Nhận bản điện tử" in text  # where to collect the result
    assert "Vào Sổ theo dõi hồ sơ: Quyển số 2026, số thứ tự 1" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert world.one_stop.staff_profile.full_name in text
    assert f"tra-cuu/?ma={dossier.code}" in text


def test_form_01_received_in_2024_prints_the_2018_set(world, clock):
    clock.set(2024, 5, 6, 9, 30)
    dossier = received(world)
    assert dossier.form_set == "tt01-2018"
    text = text_of(dossier, "01")
    assert "Mẫu số 01 (ban hành kèm theo Thông tư số 01/2018/TT-VPCP)" in text
    assert "03/2025" not in text
    assert "Cao Bằng, ngày 06 tháng 05 năm 2024" in text
    assert "09 giờ 30 phút, ngày 06/05/2024" in text
    assert "Quyển số 2024, số thứ tự 1" in text
    # Printed later, the dossier keeps its set.
    clock.set(2026, 3, 2, 9, 0)
    assert "Thông tư số 01/2018/TT-VPCP" in text_of(dossier, "05")


def test_register_number_counts_the_year_in_vietnam_time(world, clock):
    clock.set(2025, 12, 31, 16, 0)  # the last day of 2025 in Vietnam
    last_year = received(world)
    clock.set(2026, 1, 2, 8, 0)
    first = received(world)
    clock.advance(minutes=5)
    second = received(world)
    assert register_number(last_year) == "Quyển số 2025, số thứ tự 1"
    assert register_number(first) == "Quyển số 2026, số thứ tự 1"
    assert register_number(second) == "Quyển số 2026, số thứ tự 2"


def test_form_01_waiting_for_the_fee_has_no_date_yet(world, clock):
    dossier = dossier_at(Status.AWAITING_FEE, world)
    text = text_of(dossier, "01")
    assert "được tính từ ngày nộp đủ phí, lệ phí" in text
    assert "Số tiền: 500.000 đồng" in text


# --- 02 ---------------------------------------------------------------------------------------------------------------
COMPLETION = (
    "Bổ sung bản sao chứng thực Quyết định thành lập tổ chức\n"
    "Đơn đề nghị phải có chữ ký của người đứng đầu và đóng dấu\n"
    "Lý do: hồ sơ chưa đủ thành phần theo Điều 5 Nghị định số 08/2014/NĐ-CP"
)


def test_form_02_completion_request_at_intake(world, clock):
    dossier = submitted_dossier(world, applicant_name=APPLICANT, applicant_address=ADDRESS)
    clock.advance(hours=2)
    dossier = act(dossier, Action.REQUEST_COMPLETION, world=world, comment=COMPLETION)
    text = text_of(dossier, "02")
    assert "Mẫu số 02 (ban hành kèm theo Thông tư số 03/2025/TT-VPCP)" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Số: 1/PYCBS-SKHCN" in text
    assert "Cao Bằng, ngày 02 tháng 03 năm 2026" in text
    assert APPLICANT in text and ADDRESS in text and world.procedure.name in text
    assert "1 Bổ sung bản sao chứng thực Quyết định thành lập tổ chức" in text
    assert "2 Đơn đề nghị phải có chữ ký của người đứng đầu và đóng dấu" in text
    assert "Lý do: hồ sơ chưa đủ thành phần theo Điều 5 Nghị định số 08/2014/NĐ-CP" in text
    assert "BỘ PHẬN MỘT CỬA" in text
    assert world.one_stop.staff_profile.full_name in text and world.one_stop.email in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_form_02_supplement_request_during_processing_is_issued_by_the_receiving_unit(world, clock, settings):
    settings.RECEIVING_UNIT_PHONE = "0206 3852 123"
    dossier = dossier_at(Status.ASSIGNED, world)
    clock.advance(days=1)
    comment = "Bổ sung báo cáo tài chính năm 2025"
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world, comment=comment)
    text = text_of(dossier, "02")
    assert "UBND TỈNH CAO BẰNG SỞ KHOA HỌC VÀ CÔNG NGHỆ BỘ PHẬN MỘT CỬA" in text
    assert "PHÒNG QUẢN LÝ KHOA HỌC" not in text
    assert "điện thoại: 0206 3852 123" in text
    assert "1 Bổ sung báo cáo tài chính năm 2025" in text
    assert "Cao Bằng, ngày 03 tháng 03 năm 2026" in text
    assert world.specialist.staff_profile.full_name in text


def test_form_02_picks_the_requested_event(world, clock, monkeypatch):
    set_limits(monkeypatch, completion_requests_max=2)  # a rule set allowing two requests
    dossier = submitted_dossier(world)
    dossier = act(dossier, Action.REQUEST_COMPLETION, world=world, comment="Lần một: thiếu đơn")
    dossier = act(dossier, Action.RESUBMIT, world=world)
    clock.advance(days=1)
    dossier = act(dossier, Action.REQUEST_COMPLETION, world=world, comment="Lần hai: thiếu điều lệ")
    first, second = dossier.events.filter(action=Action.REQUEST_COMPLETION).order_by("at", "id")
    assert "Lần hai: thiếu điều lệ" in text_of(dossier, "02")
    chosen = pdf_text(render_form(dossier, "02", event_id=first.pk))
    assert "Lần một: thiếu đơn" in chosen and "Số: 1/PYCBS-SKHCN" in chosen
    assert "Số: 2/PYCBS-SKHCN" in text_of(dossier, "02")
    with pytest.raises(FormUnavailable):
        render_form(dossier, "02", event_id=second.pk + 1000)


# --- 03 ---------------------------------------------------------------------------------------------------------------
def test_form_03_refusal_at_intake(world, clock):
    dossier = submitted_dossier(world, applicant_name=APPLICANT)
    clock.advance(hours=1)
    reasons = "Thủ tục không thuộc thẩm quyền giải quyết của Sở\nĐề nghị nộp hồ sơ tại Ủy ban nhân dân cấp xã"
    dossier = act(dossier, Action.REFUSE_INTAKE, world=world, comment=reasons)
    text = text_of(dossier, "03")
    assert "Mẫu số 03" in text and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 1/PTCTN-SKHCN" in text
    assert "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau" in text
    assert "– Thủ tục không thuộc thẩm quyền giải quyết của Sở" in text
    assert "– Đề nghị nộp hồ sơ tại Ủy ban nhân dân cấp xã" in text
    assert APPLICANT in text and "Thời gian nộp hồ sơ: 09 giờ 00 phút, ngày 02/03/2026" in text


# --- 04 ---------------------------------------------------------------------------------------------------------------
def test_form_04_apology_with_the_new_date_signed_by_the_head(world, clock):
    dossier = received(world)
    original_due = dossier.due_at.astimezone(TZ)
    clock.advance(days=3)
    dossier = act(
        dossier,
        Action.APOLOGIZE,
        world=world,
        actor=world.leader,
        comment="Hồ sơ cần lấy ý kiến thẩm định của Sở Tài chính.",
    )
    new_due = dossier.due_at.astimezone(TZ)
    assert new_due.date() > original_due.date()
    text = text_of(dossier, "04")
    assert "Mẫu số 04" in text and "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "UBND TỈNH CAO BẰNG SỞ KHOA HỌC VÀ CÔNG NGHỆ Số: 1/PXL-SKHCN" in text
    assert "Cao Bằng, ngày 05 tháng 03 năm 2026" in text
    assert f"Kính gửi: {APPLICANT}" in text
    assert f"mã hồ sơ {dossier.code}" in text
    assert f"Ngày hẹn trả kết quả giải quyết hồ sơ: {original_due:%d/%m/%Y}" in text
    assert "Lý do: Hồ sơ cần lấy ý kiến thẩm định của Sở Tài chính." in text
    assert "thành thật xin lỗi" in text
    assert f"vào ngày {new_due:%d} tháng {new_due:%m} năm {new_due:%Y}." in text
    assert "GIÁM ĐỐC" in text and "(Ký tên, đóng dấu)" in text
    assert world.leader.staff_profile.full_name in text


# --- 05 ---------------------------------------------------------------------------------------------------------------
def test_form_05_control_slip_one_row_per_hand_off(world, clock):
    dossier = received(world)
    for action in PATHS[Status.RETURNED][1:]:
        clock.advance(hours=3)
        dossier = act(dossier, action, world=world)
    handoffs = list(HandOff.objects.filter(dossier=dossier).order_by("given_at", "id"))
    assert len(handoffs) >= 4
    text = text_of(dossier, "05")
    assert "Mẫu số 05" in text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Kèm theo hồ sơ của: {APPLICANT}" in text
    assert "Kết quả giải quyết (trước hạn / đúng hạn / trễ hạn)" in text
    assert "Người giao (ký, ghi rõ họ tên)" in text and "Người nhận (ký, ghi rõ họ tên)" in text
    for handoff in handoffs:
        assert f"Giao: {handoff.from_unit} Nhận: {handoff.to_unit}" in text
        assert handoff.given_at.astimezone(TZ).strftime("%d/%m/%Y %H:%M") in text
        if handoff.outcome:
            assert f"{handoff.get_outcome_display()} ({handoff.finished_at.astimezone(TZ):%d/%m/%Y})" in text
    assert "Phòng Quản lý khoa học" in text
    assert "Trước hạn" in text
    # A late step shows as late.
    last = handoffs[-1]
    HandOff.objects.filter(pk=last.pk).update(outcome="after")
    assert "Trễ hạn" in text_of(dossier, "05")


# --- refusals ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("01", FormMessages.NOT_RECEIVED),
        ("02", FormMessages.NO_REQUEST),
        ("03", FormMessages.NO_REFUSAL),
        ("04", FormMessages.NO_APOLOGY),
        ("05", FormMessages.NOT_RECEIVED),
    ],
)
def test_forms_that_do_not_apply_are_refused(world, clock, number, message):
    dossier = submitted_dossier(world)
    with pytest.raises(FormUnavailable) as refusal:
        render_form(dossier, number)
    start = message.split("{")[0]
    assert refusal.value.message.startswith(start)
    assert f"(mẫu số {number})" in refusal.value.message


@pytest.mark.parametrize("number", ["06", "00", "1", "abc", "../01"])
def test_unknown_numbers_are_refused(world, clock, number):
    dossier = received(world)
    with pytest.raises(FormUnavailable) as refusal:
        render_form(dossier, number)
    assert refusal.value.message == FormMessages.UNKNOWN.format(number=number)


def test_available_forms_follow_the_history(world, clock):
    dossier = submitted_dossier(world)
    assert available_forms(dossier) == []
    dossier = act(dossier, Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn")
    assert [f.number for f in available_forms(dossier)] == ["02"]
    dossier = act(dossier, Action.RESUBMIT, world=world)
    dossier = act(dossier, Action.RECEIVE, world=world)
    assert [f.number for f in available_forms(dossier)] == ["01", "02", "05"]
    dossier = act(dossier, Action.APOLOGIZE, world=world, comment="Chậm do lấy ý kiến")
    assert [f.number for f in available_forms(dossier)] == ["01", "02", "04", "05"]
    refused = act(submitted_dossier(world), Action.REFUSE_INTAKE, world=world, comment="Không thuộc thẩm quyền")
    assert [f.number for f in available_forms(refused)] == ["03"]


# --- the view and who may print ---------------------------------------------------------------------------------------
def form_url(dossier, number):
    return reverse("dossiers_staff:form_pdf", kwargs={"pk": dossier.pk, "number": number})


def test_url_shape(world, clock):
    assert form_url(Dossier(pk=7), "01") == "/admin/ho-so/7/mau/01.pdf"


def test_one_stop_officer_prints_a_form(client, world, clock):
    dossier = received(world)
    client.force_login(world.one_stop)
    response = client.get(form_url(dossier, "01"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="mau-01-{dossier.code}.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert dossier.code in pdf_text(response.content)


def test_inapplicable_form_is_a_vietnamese_404_page(client, world, clock):
    dossier = received(world)
    client.force_login(world.one_stop)
    response = client.get(form_url(dossier, "04"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Hồ sơ chưa có thao tác xin lỗi và hẹn lại ngày trả kết quả" in page
    assert dossier.code in page
    response = client.get(form_url(dossier, "09"))
    assert response.status_code == 404
    assert "Không có mẫu số 09 trong bộ biểu mẫu của hồ sơ." in response.content.decode()


def test_who_may_print(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)  # division: world.division, assignee: world.specialist
    allowed = [world.one_stop, world.head, world.specialist, world.leader, world.clerk, world.admin]
    for user in allowed:
        client.force_login(user)
        assert client.get(form_url(dossier, "05")).status_code == 200, user
    for user in (world.other_head, world.other_specialist, world.foreign_specialist):
        client.force_login(user)
        assert client.get(form_url(dossier, "05")).status_code == 404, user
    client.force_login(dossier.applicant)  # a citizen, even the dossier's own applicant
    response = client.get(form_url(dossier, "05"))
    assert response.status_code in (302, 403)
    assert not response.content.startswith(b"%PDF")
    client.logout()
    response = client.get(form_url(dossier, "05"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_missing_dossier_and_drafts_are_404(client, world, clock):

    draft = DossierFactory(procedure=world.procedure, applicant=world.applicant)
    client.force_login(world.admin)
    assert client.get(form_url(draft, "01")).status_code == 404
    assert client.get(reverse("dossiers_staff:form_pdf", kwargs={"pk": 999999, "number": "01"})).status_code == 404


def test_dates_in_vietnam_time_near_midnight(world, clock):
    clock.set(datetime(2026, 3, 2, 23, 50, tzinfo=TZ))  # 16:50 UTC
    dossier = received(world)
    text = text_of(dossier, "01")
    assert "Cao Bằng, ngày 02 tháng 03 năm 2026" in text
    assert "23 giờ 50 phút, ngày 02/03/2026" in text
