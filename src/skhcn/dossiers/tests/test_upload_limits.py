"""Issue 12, parts 9 and 10 on the dossier screens: PDFs with active content on every upload path (refused, or
cleaned with a note for staff), the headers of served files, the staff PDF viewer, and the quotas (open drafts per
account, bytes per file, per dossier, per account's drafts) with messages that name the limit hit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.core import pdf_safety
from skhcn.core.tests.pdf_samples import active_pdf_bytes, clean_pdf_bytes
from skhcn.core.uploads import UploadRejected, format_size
from skhcn.dossiers.constants import Action, Messages, Status
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import Dossier, DossierEvent, DossierEventFile, DossierFile
from skhcn.dossiers.workflow import WorkflowError

from .conftest import private_files
from .factories import MINIMAL_PDF, pdf_upload
from .workflow_support import act, dossier_at

pytestmark = pytest.mark.django_db

NOTE_JS = "Đã gỡ bỏ mã JavaScript khỏi tệp này khi tiếp nhận."
LAUNCH_REFUSED = "Tệp PDF “to-khai.pdf” có lệnh mở chương trình hoặc tệp khác (Launch) nên không được chấp nhận"


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(procedure, applicant):
    return services.start_draft(applicant, procedure)


@pytest.fixture
def strip(settings):
    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"


def pdf_file(content: bytes, name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(client, dossier, document, file):
    return client.post(reverse("dossiers:upload", kwargs={"pk": dossier.pk}), {"document": document.pk, "tep": file})


def sized_pdf(size: int, name: str = "to-khai.pdf") -> SimpleUploadedFile:
    """A valid PDF of exactly ``size`` bytes."""
    return pdf_upload(name, extra=b"x" * (size - len(MINIMAL_PDF)))


# --- part 9: every upload path ----------------------------------------------------------------------------------------
def test_citizen_upload_of_active_pdf_is_refused_and_nothing_stored(logged_in, draft, documents, private_root):
    response = upload(logged_in, draft, documents[0], pdf_file(active_pdf_bytes("launch")))
    assert response.status_code == 400
    assert LAUNCH_REFUSED in response.content.decode()
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_citizen_upload_is_cleaned_in_strip_mode_and_staff_see_the_note(
    client, logged_in, draft, documents, private_root, strip, world
):

    response = upload(logged_in, draft, documents[0], pdf_file(active_pdf_bytes("names_javascript")))
    assert response.status_code == 302
    record = DossierFile.objects.get()
    assert record.removed_content == ["javascript"] and record.removed_content_note == NOTE_JS
    with open(private_root / record.stored_name, "rb") as stored:
        assert pdf_safety.scan_pdf(stored).found == frozenset()
    # The staff page of the filed dossier shows the note next to the file, and the viewer repeats it.
    dossier = dossier_at(Status.RECEIVED, world)
    DossierFile.objects.filter(pk=record.pk).update(dossier=dossier)
    client.force_login(world.one_stop)
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert NOTE_JS in page
    viewer = client.get(reverse("dossiers_staff:file_viewer", kwargs={"pk": dossier.pk, "file_id": record.pk}))
    assert NOTE_JS in viewer.content.decode()


def test_clean_file_has_no_note(client, world, private_root):
    dossier = dossier_at(Status.RECEIVED, world)
    services_record = DossierFile.objects.create(
        dossier=dossier, stored_name="x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, sha256=""
    )
    assert services_record.removed_content == [] and services_record.removed_content_note == ""
    client.force_login(world.one_stop)
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Đã gỡ bỏ" not in page


def test_staff_attachment_refused_then_cleaned(world, private_root, settings):
    dossier = dossier_at(Status.RECEIVED, world)
    with pytest.raises(WorkflowError) as caught:
        act(dossier, Action.COMMENT, world=world, comment="Kèm tệp.", files=[pdf_file(active_pdf_bytes("launch"))])
    assert caught.value.code == "upload" and caught.value.message.startswith(LAUNCH_REFUSED)
    assert not DossierEventFile.objects.exists() and private_files(private_root) == []

    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"
    act(dossier, Action.COMMENT, world=world, comment="Kèm tệp.", files=[pdf_file(active_pdf_bytes("launch"))])
    attachment = DossierEvent.objects.get(dossier=dossier, action=Action.COMMENT).files.get()
    assert attachment.removed_content == ["launch"]


def test_result_file_cleaned_is_noted(world, private_root, strip, client):
    dossier = dossier_at(Status.APPROVED, world)
    act(dossier, Action.ISSUE_RESULT, world=world, files=[pdf_file(active_pdf_bytes("open_action_javascript"))])
    dossier.refresh_from_db()
    assert dossier.result_removed_content == ["javascript", "auto_action"]
    client.force_login(world.clerk)
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert dossier.result_removed_content_note in page
    assert reverse("dossiers_staff:result_viewer", kwargs={"pk": dossier.pk}) in page


# --- headers of served files and the staff viewer ---------------------------------------------------------------------
def assert_safe_headers(response):
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_served_upload_is_sandboxed_and_never_sniffed(client, world, private_root):
    dossier = dossier_at(Status.APPROVED, world)
    act(dossier, Action.COMMENT, world=world, comment="Kèm.", files=[pdf_file(clean_pdf_bytes(), "to-trinh.pdf")])
    act(dossier, Action.ISSUE_RESULT, world=world)
    attachment = DossierEventFile.objects.get()
    item = DossierFile.objects.create(
        dossier=dossier,
        stored_name=services.private_storage().save("dossiers/x/don.pdf", pdf_upload()),
        original_name="don.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        sha256="",
    )
    client.force_login(world.clerk)
    staff_urls = [
        reverse("dossiers_staff:file", kwargs={"pk": dossier.pk, "file_id": item.pk}),
        reverse("dossiers_staff:event_file", kwargs={"pk": dossier.pk, "file_id": attachment.pk}),
        reverse("dossiers_staff:result_file", kwargs={"pk": dossier.pk}),
    ]
    for url in staff_urls:
        inline = client.get(url)
        assert_safe_headers(inline)
        assert inline["Content-Disposition"].startswith("inline")
        download = client.get(url, {"tai-ve": "1"})
        assert_safe_headers(download)
        assert download["Content-Disposition"].startswith("attachment")
    # The applicant's download of their own file.
    client.force_login(dossier.applicant)
    response = client.get(reverse("dossiers:file", kwargs={"pk": dossier.pk, "file_id": item.pk}))
    assert_safe_headers(response)


def test_staff_pdf_viewer_page_and_preview_use_pdfjs(client, world, private_root):
    dossier = dossier_at(Status.RECEIVED, world)
    stored = services.private_storage().save("dossiers/x/don.pdf", pdf_upload())
    item = DossierFile.objects.create(
        dossier=dossier, stored_name=stored, original_name="Đơn đề nghị.pdf", content_type="application/pdf", size=1
    )
    image = DossierFile.objects.create(
        dossier=dossier, stored_name=stored + ".png", original_name="anh.png", content_type="image/png", size=1
    )
    client.force_login(world.one_stop)
    file_url = reverse("dossiers_staff:file", kwargs={"pk": dossier.pk, "file_id": item.pk})
    viewer_url = reverse("dossiers_staff:file_viewer", kwargs={"pk": dossier.pk, "file_id": item.pk})
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert f'data-pdf-preview data-src="{file_url}"' in page and "<iframe" not in page
    assert f'href="{viewer_url}"' in page and 'id="pdf-preview-script"' in page
    viewer = client.get(viewer_url)
    assert viewer.status_code == 200
    text = viewer.content.decode()
    assert f'data-src="{file_url}"' in text and "core/pdfjs/pdf.min.mjs" in text and "Đơn đề nghị.pdf" in text
    # Not a PDF: the viewer sends to the file itself; another dossier's file is 404.
    image_viewer = reverse("dossiers_staff:file_viewer", kwargs={"pk": dossier.pk, "file_id": image.pk})
    assert client.get(image_viewer)["Location"].endswith(f"/tep/{image.pk}/")
    other = dossier_at(Status.RECEIVED, world)
    assert (
        client.get(reverse("dossiers_staff:file_viewer", kwargs={"pk": other.pk, "file_id": item.pk})).status_code
        == 404
    )


# --- part 10: quotas --------------------------------------------------------------------------------------------------
def test_open_draft_limit(procedure, applicant, settings):
    settings.DOSSIER_MAX_OPEN_DRAFTS = 2
    services.start_draft(applicant, procedure)
    services.start_draft(applicant, procedure)
    with pytest.raises(services.DossierError) as caught:
        services.start_draft(applicant, procedure)
    assert caught.value.message == (
        "Tài khoản đã có 2 hồ sơ nháp chưa nộp (tối đa 2 hồ sơ nháp cho mỗi tài khoản). "
        "Vui lòng nộp hoặc xóa bớt hồ sơ nháp trước khi tạo hồ sơ mới."
    )
    assert Dossier.objects.filter(applicant=applicant).count() == 2
    assert DossierEvent.objects.filter(dossier__applicant=applicant).count() == 2
    # Another account is not affected; a filed (non-draft) dossier does not count.
    services.start_draft(ApplicantFactory(), procedure)
    filed = Dossier.objects.filter(applicant=applicant).first()
    Dossier.objects.filter(pk=filed.pk).update(status=Status.SUBMITTED, code="X-0")
    services.start_draft(applicant, procedure)


def test_open_draft_limit_on_the_start_page(logged_in, procedure, applicant, settings):
    settings.DOSSIER_MAX_OPEN_DRAFTS = 1
    services.start_draft(applicant, procedure)
    response = logged_in.post(reverse("dossiers:start", kwargs={"code": procedure.code}), {"moi": "1"})
    assert response.status_code == 400
    assert "Tài khoản đã có 1 hồ sơ nháp chưa nộp (tối đa 1 hồ sơ nháp cho mỗi tài khoản)." in response.content.decode()
    assert Dossier.objects.filter(applicant=applicant).count() == 1


def test_deleting_a_draft_frees_its_slot_and_its_files(
    logged_in, procedure, applicant, documents, settings, private_root, django_capture_on_commit_callbacks
):
    settings.DOSSIER_MAX_OPEN_DRAFTS = 1
    draft = services.start_draft(applicant, procedure)
    services.attach_file(draft, documents[0], pdf_upload())
    assert len(private_files(private_root)) == 1
    delete_url = reverse("dossiers:delete_draft", kwargs={"pk": draft.pk})
    assert logged_in.get(delete_url).status_code == 302 and Dossier.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(delete_url)
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:mine")
    assert not Dossier.objects.filter(pk=draft.pk).exists() and not DossierFile.objects.exists()
    assert private_files(private_root) == []
    services.start_draft(applicant, procedure)  # the slot is free again


def test_only_own_drafts_can_be_deleted(client, logged_in, procedure, applicant, documents, world):
    other = services.start_draft(ApplicantFactory(), procedure)
    assert logged_in.post(reverse("dossiers:delete_draft", kwargs={"pk": other.pk})).status_code == 404
    filed = services.start_draft(applicant, procedure)
    Dossier.objects.filter(pk=filed.pk).update(status=Status.SUBMITTED, code="X-1")
    response = logged_in.post(reverse("dossiers:delete_draft", kwargs={"pk": filed.pk}), follow=True)
    assert Messages.NOT_EDITABLE in response.content.decode()
    assert Dossier.objects.filter(pk__in=[other.pk, filed.pk]).count() == 2


def test_per_file_limit_message(draft, documents, settings, private_root):
    settings.UPLOAD_MAX_FILE_BYTES = 2048
    with pytest.raises(UploadRejected) as caught:
        services.attach_file(draft, documents[0], sized_pdf(2500))
    assert caught.value.message == "Tệp “to-khai.pdf” vượt quá dung lượng tối đa 2 KB cho mỗi tệp."
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_per_dossier_limit_message(draft, documents, settings, private_root):
    settings.UPLOAD_MAX_DOSSIER_BYTES = 3000
    services.attach_file(draft, documents[0], sized_pdf(2000))
    with pytest.raises(services.DossierError) as caught:
        services.attach_file(draft, documents[1], sized_pdf(1500))
    assert caught.value.message == Messages.DOSSIER_TOO_LARGE.format(limit="2,9 KB")
    assert caught.value.message.startswith("Tổng dung lượng các tệp của hồ sơ vượt quá giới hạn 2,9 KB cho mỗi hồ sơ.")
    assert DossierFile.objects.count() == 1 and len(private_files(private_root)) == 1


def test_account_drafts_limit_message(procedure, applicant, documents, settings, private_root):
    settings.DOSSIER_MAX_DRAFT_BYTES = 5000
    first = services.start_draft(applicant, procedure)
    second = services.start_draft(applicant, procedure)
    services.attach_file(first, documents[0], sized_pdf(3000))
    services.attach_file(second, documents[0], sized_pdf(1500))
    with pytest.raises(services.DossierError) as caught:
        services.attach_file(second, documents[1], sized_pdf(1000))
    assert caught.value.message == (
        f"Tổng dung lượng các tệp trong các hồ sơ nháp chưa nộp của tài khoản vượt quá giới hạn {format_size(5000)} "
        "cho mỗi tài khoản. Vui lòng nộp hoặc xóa bớt hồ sơ nháp, tệp không cần thiết rồi tải lên lại."
    )
    assert DossierFile.objects.count() == 2 and len(private_files(private_root)) == 2
    # Another account has its own allowance; a filed dossier's files no longer count.
    services.attach_file(services.start_draft(ApplicantFactory(), procedure), documents[0], sized_pdf(3000))
    Dossier.objects.filter(pk=first.pk).update(status=Status.SUBMITTED, code="X-2")
    services.attach_file(second, documents[1], sized_pdf(1000))


def test_edit_page_shows_the_account_allowance(logged_in, draft, documents, settings):
    settings.DOSSIER_MAX_DRAFT_BYTES = 200 * 1024 * 1024
    services.attach_file(draft, documents[0], sized_pdf(3000))
    page = logged_in.get(reverse("dossiers:edit", kwargs={"pk": draft.pk})).content.decode()
    assert "tổng dung lượng các hồ sơ nháp chưa nộp của tài khoản tối đa 200 MB (đã dùng 2,9 KB)" in page


def test_handler_names_the_per_file_limit(logged_in, draft, documents, settings, private_root):
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    response = upload(logged_in, draft, documents[0], sized_pdf(5000, "lon.pdf"))
    assert response.status_code == 400
    assert "Tệp “lon.pdf” vượt quá dung lượng tối đa 1 KB cho mỗi tệp." in response.content.decode()
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_handler_names_the_per_dossier_limit(logged_in, draft, documents, settings, private_root):
    """A file under the per-file limit that alone passes the per-dossier limit while it arrives."""
    settings.UPLOAD_MAX_DOSSIER_BYTES = 2048
    response = upload(logged_in, draft, documents[0], sized_pdf(5000, "lon.pdf"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tổng dung lượng các tệp tải lên vượt quá giới hạn 2 KB cho mỗi hồ sơ." in text
    assert "cho mỗi tệp" not in text.split("Tổng dung lượng các tệp tải lên")[1][:80]
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_supplement_names_the_limit_hit(client, world, settings, private_root):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    client.force_login(dossier.applicant)
    settings.UPLOAD_MAX_DOSSIER_BYTES = 2048
    response = client.post(
        reverse("dossiers:supplement", kwargs={"pk": dossier.pk}),
        {
            "noi_dung": "Bổ sung.",
            "phien_ban": dossier.version,
            "tep": [sized_pdf(1500, "a.pdf"), sized_pdf(1500, "b.pdf")],
        },
    )
    assert response.status_code == 400
    assert "Tổng dung lượng các tệp tải lên vượt quá giới hạn 2 KB cho mỗi hồ sơ." in response.content.decode()
    assert not DossierEventFile.objects.exists() and private_files(private_root) == []
