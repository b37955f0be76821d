import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import Messages, ReceiveMethod, Status
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import Dossier, DossierFile
from skhcn.procedures.constants import OnlineLevel
from skhcn.procedures.tests.factories import ProcedureFactory

from .conftest import private_files
from .factories import MINIMAL_PDF, pdf_upload, png_bytes, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return ApplicantFactory(
        profile__full_name="Trần Thị Ánh Tuyết",
        profile__phone="0912 345 678",
        profile__id_number="001203004567",
        profile__address="Số 5 đường Nguyễn Huệ, phường Bến Nghé",
    )


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(procedure, applicant):
    return services.start_draft(applicant, procedure)


def upload_url(dossier):
    return reverse("dossiers:upload", kwargs={"pk": dossier.pk})


def edit_url(dossier):
    return reverse("dossiers:edit", kwargs={"pk": dossier.pk})


def review_url(dossier):
    return reverse("dossiers:review", kwargs={"pk": dossier.pk})


def submitted(dossier, documents):
    for document in documents[:2]:
        services.attach_file(dossier, document, pdf_upload())
    services.update_details(dossier, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    return services.submit_dossier(dossier, dossier.applicant)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the whole citizen flow -------------------------------------------------------------------------------------------
def test_full_flow(logged_in, procedure, documents, applicant, django_capture_on_commit_callbacks):
    start_url = reverse("dossiers:start", kwargs={"code": procedure.code})
    page = logged_in.get(start_url)
    assert page.status_code == 200 and "Bắt đầu" in page.text and procedure.name in page.text
    assert '<meta name="robots" content="noindex">' in page.text and "private" in page["Cache-Control"]

    response = logged_in.post(start_url)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == edit_url(dossier)

    page = logged_in.get(edit_url(dossier))
    assert page.status_code == 200
    assert page.text.count('enctype="multipart/form-data"') == len(documents) + 1
    for document in documents:
        assert document.name in page.text
    assert "Lưu nháp" in page.text and "Xem lại và nộp" in page.text and "PDF, JPEG" in page.text

    for document, upload in ((documents[0], pdf_upload("Đơn đề nghị.pdf")), (documents[1], png_upload("Điều lệ.png"))):
        response = logged_in.post(upload_url(dossier), {"document": document.pk, "tep": upload})
        assert response.status_code == 302 and response.url.endswith(f"#tp-{document.pk}")
    assert DossierFile.objects.filter(dossier=dossier).count() == 2

    response = logged_in.post(edit_url(dossier), {"receive_method": "online", "note": "Xin cảm ơn", "xem_lai": "1"})
    assert response.status_code == 302 and response.url == review_url(dossier)
    page = logged_in.get(review_url(dossier))
    assert page.status_code == 200 and "Nộp hồ sơ" in page.text and "Đơn đề nghị.pdf" in page.text
    version = re.search(r'name="phien_ban" value="(\d+)"', page.text).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(review_url(dossier), {"phien_ban": version}, follow=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and re.fullmatch(r"000\.26\.H11-\d{6}-00001", dossier.code)
    assert response.status_code == 200 and dossier.code in response.text
    assert Messages.SUBMITTED.format(code=dossier.code) in messages_of(response)

    receipt = logged_in.get(reverse("dossiers:receipt", kwargs={"pk": dossier.pk}))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt["Cache-Control"] == "private, no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
    for expected in (
        "THÔNG BÁO TIẾP NHẬN HỒ SƠ TRỰC TUYẾN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        dossier.code,
        "Trần Thị Ánh Tuyết",
        "001203004567",
        applicant.email,
        "Điều lệ tổ chức và hoạt động",
        procedure.code,
        "1.500.000 đồng",
        "Nhận bản điện tử",
        "đang chờ cán bộ tiếp nhận kiểm tra",
    ):
        assert expected in text, expected

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [applicant.email] and dossier.code in message.subject
    assert dossier.code in message.body and procedure.name in message.body
    assert f"/dich-vu-cong/tra-cuu/?ma={dossier.code}" in message.body
    assert "0912" not in message.body  # no phone in links
    assert message.alternatives[0][1] == "text/html" and dossier.code in message.alternatives[0][0]
    (name, content, mimetype) = message.attachments[0]
    assert name == f"thong-bao-tiep-nhan-{dossier.code}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")

    anonymous = Client()
    track = reverse("dossiers:track")
    by_phone = anonymous.post(track, {"ma": dossier.code, "sdt": "+84 912.345.678"})
    assert by_phone.status_code == 200 and "Đã nộp trực tuyến, chờ tiếp nhận" in by_phone.text
    assert procedure.name in by_phone.text and "Nộp hồ sơ trực tuyến" in by_phone.text
    by_id = anonymous.post(track, {"ma": dossier.code.lower(), "giay_to": "001.203.004.567"})
    assert by_id.status_code == 200 and "Đã nộp trực tuyến, chờ tiếp nhận" in by_id.text
    assert "Trần Thị Ánh Tuyết" not in by_id.text  # nothing personal on the public page

    mine = logged_in.get(reverse("dossiers:mine"))
    assert dossier.code in mine.text and dossier.submitted_at.astimezone().strftime("%d/%m/%Y") in mine.text


# --- start ------------------------------------------------------------------------------------------------------------
def test_start_requires_login(client, procedure):
    url = reverse("dossiers:start", kwargs={"code": procedure.code})
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.post(url).status_code == 302 and not Dossier.objects.exists()


def test_start_refuses_procedure_not_offered_online(logged_in):
    procedure = ProcedureFactory(online_level=OnlineLevel.PARTIAL)
    url = reverse("dossiers:start", kwargs={"code": procedure.code})
    page = logged_in.get(url)
    assert Messages.NOT_ONLINE in page.text and "Bắt đầu" not in page.text
    response = logged_in.post(url)
    assert response.status_code == 200 and Messages.NOT_ONLINE in response.text
    assert not Dossier.objects.exists()


def test_start_unknown_procedure_is_404(logged_in):
    assert logged_in.get(reverse("dossiers:start", kwargs={"code": "9.999999.H99"})).status_code == 404


def test_existing_draft_is_offered(logged_in, draft, procedure):
    url = reverse("dossiers:start", kwargs={"code": procedure.code})
    page = logged_in.get(url)
    assert "Tiếp tục hồ sơ nháp" in page.text
    response = logged_in.post(url, {"tiep_tuc": "1"})
    assert response.url == edit_url(draft) and Dossier.objects.count() == 1
    logged_in.post(url, {"moi": "1"})
    assert Dossier.objects.count() == 2


# --- uploads ----------------------------------------------------------------------------------------------------------
def test_upload_rejection_is_shown_and_nothing_stored(logged_in, draft, documents, private_root):
    response = logged_in.post(
        upload_url(draft), {"document": documents[0].pk, "tep": SimpleUploadedFile("don.pdf", png_bytes())}
    )
    assert response.status_code == 400
    assert "don.pdf" in response.text and 'role="alert"' in response.text
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_zero_byte_upload(logged_in, draft, documents, private_root):
    response = logged_in.post(upload_url(draft), {"document": documents[0].pk, "tep": SimpleUploadedFile("a.pdf", b"")})
    assert response.status_code == 400 and "rỗng" in response.text
    assert private_files(private_root) == []


def test_upload_without_file(logged_in, draft, documents):
    response = logged_in.post(upload_url(draft), {"document": documents[0].pk})
    assert response.status_code == 400 and Messages.NO_FILE in response.text


def test_oversized_upload_is_stopped_by_the_handler(logged_in, draft, documents, settings, private_root):
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    big = SimpleUploadedFile("lon.pdf", MINIMAL_PDF + b"x" * 5000)
    response = logged_in.post(upload_url(draft), {"document": documents[0].pk, "tep": big})
    assert response.status_code == 400
    assert "Tệp “lon.pdf” vượt quá dung lượng tối đa 1 KB cho mỗi tệp." in response.text
    assert not DossierFile.objects.exists() and private_files(private_root) == []


@pytest.mark.parametrize("value", ["", "abc", "-1", "999999"])
def test_upload_to_unknown_document_is_404(logged_in, draft, value, private_root):
    response = logged_in.post(upload_url(draft), {"document": value, "tep": pdf_upload()})
    assert response.status_code == 404 and private_files(private_root) == []


def test_other_documents_upload(logged_in, draft):
    response = logged_in.post(upload_url(draft), {"document": "khac", "tep": pdf_upload("phu-luc.pdf")})
    assert response.status_code == 302
    assert DossierFile.objects.get().required_document is None


def test_expired_session_mid_upload(client, draft, documents, private_root):
    response = client.post(upload_url(draft), {"document": documents[0].pk, "tep": pdf_upload()})
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={edit_url(draft)}"
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_csrf_failure_shows_the_vietnamese_page(applicant, draft, documents, private_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post(upload_url(draft), {"document": documents[0].pk, "tep": pdf_upload()})
    assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.text
    assert private_files(private_root) == []
    response = client.post(review_url(draft), {"phien_ban": "1"})
    assert response.status_code == 403


def test_get_on_post_only_urls_redirects_to_the_dossier(logged_in, draft):
    assert logged_in.get(upload_url(draft)).url == edit_url(draft)
    assert logged_in.get(reverse("dossiers:remove_file", kwargs={"pk": draft.pk, "file_id": 1})).url == edit_url(draft)


def test_remove_file(logged_in, draft, documents, private_root, django_capture_on_commit_callbacks):
    record = services.attach_file(draft, documents[0], pdf_upload("bo.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("dossiers:remove_file", kwargs={"pk": draft.pk, "file_id": record.pk}))
    assert response.status_code == 302 and not DossierFile.objects.exists()
    assert private_files(private_root) == []


def test_download_own_file(logged_in, draft, documents):
    record = services.attach_file(draft, documents[0], pdf_upload("Đơn đề nghị.pdf"))
    response = logged_in.get(reverse("dossiers:file", kwargs={"pk": draft.pk, "file_id": record.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == MINIMAL_PDF
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"


# --- details form -----------------------------------------------------------------------------------------------------
def test_save_draft(logged_in, draft):
    response = logged_in.post(
        edit_url(draft), {"receive_method": "post", "postal_address": "Số 9 Hùng Vương", "note": "a\x00b", "luu": "1"}
    )
    assert response.status_code == 302 and response.url == edit_url(draft)
    draft.refresh_from_db()
    assert (draft.receive_method, draft.postal_address, draft.note) == ("post", "Số 9 Hùng Vương", "a b")


def test_post_without_address_in_the_form(logged_in, draft):
    response = logged_in.post(edit_url(draft), {"receive_method": "post", "postal_address": " ", "luu": "1"})
    assert response.status_code == 400 and Messages.POSTAL_ADDRESS_MISSING in response.text
    assert "aria-describedby" in response.text
    draft.refresh_from_db()
    assert draft.receive_method == "" and draft.version == 1


def test_unknown_receive_method(logged_in, draft):
    response = logged_in.post(edit_url(draft), {"receive_method": "drone", "luu": "1"})
    assert response.status_code == 400 and Messages.RECEIVE_METHOD_INVALID in response.text


def test_post_option_hidden_when_procedure_has_no_postal_return(logged_in, applicant):
    procedure = ProcedureFactory(post_return=False)
    dossier = services.start_draft(applicant, procedure)
    page = logged_in.get(edit_url(dossier))
    assert 'value="post"' not in page.text and 'value="online"' in page.text
    response = logged_in.post(edit_url(dossier), {"receive_method": "post", "postal_address": "Số 1", "luu": "1"})
    assert response.status_code == 400


# --- review and submit ------------------------------------------------------------------------------------------------
def test_missing_documents_listed_on_submit(logged_in, draft, documents):
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    draft.refresh_from_db()
    response = logged_in.post(review_url(draft), {"phien_ban": draft.version})
    assert response.status_code == 400
    assert "Thiếu thành phần hồ sơ bắt buộc: Đơn đề nghị cấp Giấy chứng nhận." in response.text
    assert "Thiếu thành phần hồ sơ bắt buộc: Điều lệ tổ chức và hoạt động." in response.text
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None


def test_unverified_email_on_review(client, procedure, documents):
    user = ApplicantFactory(unverified=True)
    client.force_login(user)
    dossier = services.start_draft(user, procedure)
    for document in documents[:2]:
        services.attach_file(dossier, document, pdf_upload())
    services.update_details(dossier, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    dossier.refresh_from_db()
    assert Messages.EMAIL_UNVERIFIED in client.get(review_url(dossier)).text
    response = client.post(review_url(dossier), {"phien_ban": dossier.version})
    assert response.status_code == 400 and Messages.EMAIL_UNVERIFIED in response.text
    assert Dossier.objects.get().status == Status.DRAFT


def test_double_clicked_submit(logged_in, draft, documents, django_capture_on_commit_callbacks):
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        first = logged_in.post(review_url(draft), {"phien_ban": draft.version})
        second = logged_in.post(review_url(draft), {"phien_ban": draft.version}, follow=True)
    draft.refresh_from_db()
    assert first.status_code == 302 and second.status_code == 200
    assert Messages.ALREADY_SUBMITTED.format(code=draft.code) in messages_of(second)
    assert second.redirect_chain[-1][0] == edit_url(draft)
    assert Dossier.objects.exclude(code=None).count() == 1 and draft.events.count() == 2
    assert len(mail.outbox) == 1


def test_stale_review_is_refused(logged_in, draft, documents):
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    response = logged_in.post(review_url(draft), {"phien_ban": "1"}, follow=True)
    assert Messages.STALE in messages_of(response)
    assert Dossier.objects.get().status == Status.DRAFT


def test_receipt_of_a_draft_redirects(logged_in, draft):
    response = logged_in.get(reverse("dossiers:receipt", kwargs={"pk": draft.pk}))
    assert response.status_code == 302 and response.url == edit_url(draft)


def test_submitted_dossier_page_is_read_only(logged_in, draft, documents):
    dossier = submitted(draft, documents)
    page = logged_in.get(edit_url(dossier))
    assert page.status_code == 200 and dossier.code in page.text and "Tải lên" not in page.text
    response = logged_in.post(upload_url(dossier), {"document": documents[2].pk, "tep": pdf_upload()})
    assert response.status_code == 302 and DossierFile.objects.count() == 2


# --- somebody else's dossier ------------------------------------------------------------------------------------------
def test_other_users_dossier_is_404_everywhere(client, draft, documents, private_root):
    record = services.attach_file(draft, documents[0], pdf_upload())
    stranger = ApplicantFactory()
    client.force_login(stranger)
    pk = draft.pk
    for url in (
        edit_url(draft),
        review_url(draft),
        reverse("dossiers:receipt", kwargs={"pk": pk}),
        reverse("dossiers:file", kwargs={"pk": pk, "file_id": record.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(upload_url(draft), {"document": documents[1].pk, "tep": pdf_upload()}).status_code == 404
    assert client.post(reverse("dossiers:remove_file", kwargs={"pk": pk, "file_id": record.pk})).status_code == 404
    assert client.post(edit_url(draft), {"receive_method": "desk"}).status_code == 404
    assert client.post(review_url(draft), {"phien_ban": "2"}).status_code == 404
    assert DossierFile.objects.count() == 1 and len(private_files(private_root)) == 1
    assert draft.pk and Dossier.objects.get(pk=pk).status == Status.DRAFT
    assert edit_url(draft) not in client.get(reverse("dossiers:mine")).text


def test_other_users_submitted_receipt_is_404(client, draft, documents):
    dossier = submitted(draft, documents)
    client.force_login(ApplicantFactory())
    assert client.get(reverse("dossiers:receipt", kwargs={"pk": dossier.pk})).status_code == 404


def test_file_of_another_dossier_is_404(logged_in, draft, documents, applicant, procedure):
    mine = services.start_draft(applicant, procedure)
    theirs = services.attach_file(draft, documents[0], pdf_upload())  # draft also belongs to applicant
    other = services.start_draft(ApplicantFactory(), procedure)
    foreign = services.attach_file(other, documents[0], pdf_upload())
    assert logged_in.get(reverse("dossiers:file", kwargs={"pk": mine.pk, "file_id": theirs.pk})).status_code == 404
    assert logged_in.get(reverse("dossiers:file", kwargs={"pk": mine.pk, "file_id": foreign.pk})).status_code == 404
    remove = reverse("dossiers:remove_file", kwargs={"pk": mine.pk, "file_id": theirs.pk})
    assert logged_in.post(remove).status_code == 404 and DossierFile.objects.count() == 2


@pytest.mark.parametrize("name", ["dossiers:edit", "dossiers:review", "dossiers:receipt"])
def test_anonymous_is_sent_to_login(client, draft, name):
    response = client.get(reverse(name, kwargs={"pk": draft.pk}))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_anonymous_mine_and_file(client, draft, documents):
    record = services.attach_file(draft, documents[0], pdf_upload())
    assert client.get(reverse("dossiers:mine")).url.startswith(reverse("accounts:login"))
    assert client.get(reverse("dossiers:file", kwargs={"pk": draft.pk, "file_id": record.pk})).status_code == 302


# --- my dossiers ------------------------------------------------------------------------------------------------------
def test_mine_lists_newest_first_and_paginates(logged_in, applicant, procedure, documents, settings):
    settings.DOSSIER_MAX_OPEN_DRAFTS = 30
    older = submitted(services.start_draft(applicant, procedure), documents)
    newer = services.start_draft(applicant, procedure)
    page = logged_in.get(reverse("dossiers:mine"))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert page.text.index(edit_url(newer)) < page.text.index(older.code)
    assert reverse("dossiers:receipt", kwargs={"pk": older.pk}) in page.text
    for _ in range(20):
        services.start_draft(applicant, procedure)
    second = logged_in.get(reverse("dossiers:mine"), {"trang": "2"})
    assert "Trang 2 / 2" in second.text and older.code in second.text
    assert logged_in.get(reverse("dossiers:mine"), {"trang": "abc"}).status_code == 200
