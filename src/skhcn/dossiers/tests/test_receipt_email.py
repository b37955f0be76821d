import io
import logging
from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.documents.receipt import document_rows, render_receipt, tracking_url
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import Dossier
from skhcn.notifications.models import Delivery

from .factories import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def submit(procedure, documents, method=ReceiveMethod.POST, moment=None, **profile):
    user = ApplicantFactory(**{f"profile__{k}": v for k, v in profile.items()})
    draft = services.start_draft(user, procedure)
    services.attach_file(draft, documents[0], pdf_upload())
    services.attach_file(draft, documents[0], png_upload())
    services.attach_file(draft, documents[1], pdf_upload())
    services.attach_file(draft, None, pdf_upload())
    services.update_details(draft, receive_method=method, postal_address="Số 12 Lý Thường Kiệt, Hà Nội", note="")
    if moment is None:
        return services.submit_dossier(draft, user)
    with time_machine.travel(moment, tick=False):
        return services.submit_dossier(draft, user)


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks folded into spaces (long values wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_receipt_text(procedure, documents):
    moment = datetime(2026, 11, 30, 16, 45, tzinfo=UTC)  # 23:45 on Monday 30/11 in Vietnam
    dossier = submit(
        procedure,
        documents,
        moment=moment,
        full_name="Công ty Cổ phần Đổi mới Sáng tạo Ưu Việt",
        id_number="0312345678",
        phone="0283 456 789",
        address="Tầng 3, tòa nhà Đông Á, phường Hòa Hải",
    )
    text = pdf_text(render_receipt(dossier))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÔNG BÁO TIẾP NHẬN HỒ SƠ TRỰC TUYẾN",
        f"Mã hồ sơ: {dossier.code}",
        "Công ty Cổ phần Đổi mới Sáng tạo Ưu Việt",
        "0312345678",
        "0283 456 789",
        "Tầng 3, tòa nhà Đông Á, phường Hòa Hải",
        "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "1.004500.000.00.00.H11",
        "Đơn đề nghị cấp Giấy chứng nhận",
        "Giấy tờ khác",
        "Thời gian nộp: 30/11/2026 23:45",
        "Nhận qua dịch vụ bưu chính công ích",
        "Số 12 Lý Thường Kiệt, Hà Nội",
        "Lệ phí cấp giấy chứng nhận",
        "1.500.000 đồng",
        "Hồ sơ nộp trực tuyến, đang chờ cán bộ tiếp nhận kiểm tra.",
        "sẽ được tính lại khi hồ sơ được tiếp nhận.",
    ):
        assert expected in text, expected
    expected_date = dossier.expected_return_at.astimezone().strftime("%d/%m/%Y")
    assert f"Ngày hẹn trả kết quả (dự kiến): {expected_date}" in text
    assert dossier.code.endswith("-00001") and "-261130-" in dossier.code


def test_document_rows_count_files(procedure, documents):
    dossier = submit(procedure, documents)
    assert document_rows(dossier) == [
        ("Đơn đề nghị cấp Giấy chứng nhận", "Bản chính", 2),
        ("Điều lệ tổ chức và hoạt động", "Bản chính", 1),
        ("Giấy tờ khác", "", 1),
    ]


def test_qr_link_carries_the_code_only(procedure, documents, settings):
    dossier = submit(procedure, documents)
    url = tracking_url(dossier.code)
    assert url == f"https://dichvucong.example.vn/dich-vu-cong/tra-cuu/?ma={dossier.code}"
    import segno

    assert segno.make(url, error="m").designator  # encodable
    content = render_receipt(dossier)
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content


def test_email_with_receipt(procedure, documents, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(procedure, documents)
    message = mail.outbox[0]
    assert message.subject == f"Đã nhận hồ sơ trực tuyến {dossier.code}"
    assert dossier.expected_return_at.astimezone().strftime("%d/%m/%Y") in message.body
    assert "Kính gửi" in message.body and "&" not in message.body.replace("&amp;", "")
    html = message.alternatives[0][0]
    assert f'href="https://dichvucong.example.vn/dich-vu-cong/tra-cuu/?ma={dossier.code}"' in html
    assert "Đơn đề nghị cấp Giấy chứng nhận" in pdf_text(message.attachments[0][1])


def test_mail_failure_does_not_undo_the_submission(procedure, documents, django_capture_on_commit_callbacks):

    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        dossier = submit(procedure, documents)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    delivery = Delivery.objects.get(notification__dossier=dossier, channel="email")
    assert delivery.status == "pending" and delivery.attempts == 1  # retried later by the scheduler
    assert "Không kết nối được máy chủ thư" in delivery.last_error
    assert mail.outbox == []


def test_queue_failure_is_logged(procedure, documents, django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch("skhcn.notifications.tasks.send_delivery", enqueue=mock.Mock(side_effect=RuntimeError("down"))),
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        dossier = submit(procedure, documents)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    assert "Could not queue notification delivery" in caplog.text
