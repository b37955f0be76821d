import re
from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.core.uploads import UploadRejected
from skhcn.deadlines.services import expected_return
from skhcn.dossiers.constants import Action, Messages, ReceiveMethod, Status
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import Dossier, DossierEvent, DossierFile
from skhcn.procedures.constants import OnlineLevel
from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

from .conftest import private_files
from .factories import MINIMAL_PDF, DossierFactory, pdf_upload, png_bytes, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(procedure):
    return services.start_draft(ApplicantFactory(), procedure)


def complete(dossier, documents):
    for document in documents[:2]:
        services.attach_file(dossier, document, pdf_upload())
    services.update_details(dossier, receive_method=ReceiveMethod.ONLINE, postal_address="", note="")


# --- drafts -----------------------------------------------------------------------------------------------------------
def test_start_draft_records_creation(procedure):
    user = ApplicantFactory()
    dossier = services.start_draft(user, procedure)
    assert dossier.status == Status.DRAFT and dossier.code is None
    event = dossier.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (Action.CREATE, "", Status.DRAFT, user)


@pytest.mark.parametrize(
    "changes", [{"online_level": OnlineLevel.PARTIAL}, {"online_level": OnlineLevel.NONE}, {"is_active": False}]
)
def test_no_draft_for_a_procedure_not_offered_online(changes):
    procedure = ProcedureFactory(**changes)
    with pytest.raises(services.DossierError) as error:
        services.start_draft(ApplicantFactory(), procedure)
    assert error.value.message == Messages.NOT_ONLINE
    assert not Dossier.objects.exists()


# --- files ------------------------------------------------------------------------------------------------------------
def test_attach_file_stores_privately_and_records(draft, documents, private_root):
    record = services.attach_file(draft, documents[0], pdf_upload("Đơn đề nghị.pdf"))
    assert record.original_name == "Đơn đề nghị.pdf"
    assert record.document_name == documents[0].name
    assert record.content_type == "application/pdf" and record.size == len(MINIMAL_PDF)
    assert len(record.sha256) == 64
    assert record.stored_name.startswith(f"dossiers/{draft.pk}/") and "Đơn" not in record.stored_name
    assert [p.relative_to(private_root).as_posix() for p in private_files(private_root)] == [record.stored_name]
    draft.refresh_from_db()
    assert draft.version == 2


def test_other_documents_have_no_required_document(draft):
    record = services.attach_file(draft, None, png_upload())
    assert record.required_document is None and record.content_type == "image/png"


def test_document_of_another_procedure_is_refused(draft, private_root):
    foreign = RequiredDocumentFactory()
    with pytest.raises(services.DossierError):
        services.attach_file(draft, foreign, pdf_upload())
    assert not DossierFile.objects.exists() and private_files(private_root) == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("anh.pdf", None, "unknown_type"),  # PNG bytes behind a .pdf extension
        ("trang.html.pdf", b"<html><script>alert(1)</script></html>", "unknown_type"),
        ("rong.pdf", b"", "empty"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "unknown_type"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(draft, documents, private_root, name, content, code):
    content = png_bytes() if content is None else content
    with pytest.raises(UploadRejected) as error:
        services.attach_file(draft, documents[0], SimpleUploadedFile(name, content))
    if code != "unknown_type":
        assert error.value.code == code
    assert error.value.message  # Vietnamese sentence for the user
    assert not DossierFile.objects.exists() and private_files(private_root) == []
    draft.refresh_from_db()
    assert draft.version == 1


def test_wrong_type_behind_good_extension_message(draft, documents):
    with pytest.raises(UploadRejected) as error:
        services.attach_file(draft, documents[0], SimpleUploadedFile("don.pdf", png_bytes()))
    assert "PNG" in error.value.message or "PDF" in error.value.message


def test_type_not_allowed_by_the_procedure(documents, private_root):
    procedure = documents[0].procedure
    procedure.allowed_file_types = "pdf"
    procedure.save()
    dossier = services.start_draft(ApplicantFactory(), procedure)
    with pytest.raises(UploadRejected) as error:
        services.attach_file(dossier, documents[0], png_upload())
    assert error.value.code == "not_allowed"
    assert private_files(private_root) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "C:\\Windows\\system32\\don.pdf",
        "don\x00\x1b[31m.pdf",
        "\u202egpj.pdf",
        "a" * 300 + ".pdf",
    ],
)
def test_hostile_file_names_are_sanitised(draft, documents, private_root, name):
    record = services.attach_file(draft, documents[0], pdf_upload(name))
    assert "/" not in record.original_name and "\\" not in record.original_name
    assert all(ch.isprintable() for ch in record.original_name)
    assert record.original_name.endswith(".pdf") and len(record.original_name) <= 150
    # The name on disk never comes from the user.
    assert (private_root / record.stored_name).is_file()
    # (dossiers/<id>/yyyy/mm/<uuid>.pdf: looking for "aaaa" in it failed whenever the random uuid contained it)
    assert re.fullmatch(r"dossiers/\d+/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", record.stored_name), record.stored_name


def test_per_file_limit(draft, documents, settings, private_root):
    settings.UPLOAD_MAX_FILE_BYTES = 100
    with pytest.raises(UploadRejected) as error:
        services.attach_file(draft, documents[0], pdf_upload(extra=b"x" * 200))
    assert error.value.code == "too_large"
    assert private_files(private_root) == []


def test_per_dossier_limit(draft, documents, settings, private_root):
    settings.UPLOAD_MAX_DOSSIER_BYTES = len(MINIMAL_PDF) * 2 + 10
    services.attach_file(draft, documents[0], pdf_upload())
    services.attach_file(draft, documents[1], pdf_upload())
    with pytest.raises(services.DossierError) as error:
        services.attach_file(draft, documents[2], pdf_upload())
    assert "Tổng dung lượng" in error.value.message
    assert DossierFile.objects.count() == 2 and len(private_files(private_root)) == 2


def test_failed_database_write_leaves_no_orphan_file(draft, documents, private_root):
    with (
        mock.patch.object(DossierFile.objects, "create", side_effect=IntegrityError("boom")),
        pytest.raises(IntegrityError),
    ):
        services.attach_file(draft, documents[0], pdf_upload())
    assert private_files(private_root) == []
    assert not DossierFile.objects.exists()


def test_storage_failure_is_a_clean_refusal(draft, documents, private_root):
    with (
        mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=OSError("disk full")),
        pytest.raises(UploadRejected) as error,
    ):
        services.attach_file(draft, documents[0], pdf_upload())
    assert error.value.code == "storage_failed"
    assert private_files(private_root) == [] and not DossierFile.objects.exists()


def test_remove_file_deletes_row_and_file_after_commit(
    draft, documents, private_root, django_capture_on_commit_callbacks
):
    record = services.attach_file(draft, documents[0], pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_file(draft, record.pk)
    assert not DossierFile.objects.exists() and private_files(private_root) == []


def test_remove_unknown_file(draft):
    with pytest.raises(services.DossierError):
        services.remove_file(draft, 999999)


# --- details ----------------------------------------------------------------------------------------------------------
def test_update_details(draft):
    services.update_details(draft, receive_method=ReceiveMethod.POST, postal_address=" Số 2 Lê Lợi ", note="Ghi chú")
    draft.refresh_from_db()
    assert (draft.receive_method, draft.postal_address, draft.note) == ("post", "Số 2 Lê Lợi", "Ghi chú")


def test_post_without_address_is_refused(draft):
    with pytest.raises(services.DossierError) as error:
        services.update_details(draft, receive_method=ReceiveMethod.POST, postal_address="  ", note="")
    assert error.value.message == Messages.POSTAL_ADDRESS_MISSING
    draft.refresh_from_db()
    assert draft.receive_method == "" and draft.version == 1


def test_post_not_offered_when_procedure_does_not_return_by_post(documents):
    procedure = documents[0].procedure
    procedure.post_return = False
    procedure.save()
    assert ReceiveMethod.POST not in dict(services.receive_methods(procedure))
    dossier = services.start_draft(ApplicantFactory(), procedure)
    with pytest.raises(services.DossierError):
        services.update_details(dossier, receive_method=ReceiveMethod.POST, postal_address="Số 1", note="")


# --- submit -----------------------------------------------------------------------------------------------------------
def test_submit_allocates_code_snapshots_profile_and_records(
    draft, documents, settings, django_capture_on_commit_callbacks
):
    settings.AGENCY_CODE = "000.26.H11"
    complete(draft, documents)
    profile = draft.applicant.applicant_profile
    profile.phone = "+84 912.345.678"
    profile.save()
    moment = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 in Vietnam
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        dossier = services.submit_dossier(draft, draft.applicant)
    assert dossier.code == "000.26.H11-261130-00001"
    assert dossier.status == Status.SUBMITTED and dossier.submitted_at == moment
    assert dossier.applicant_name == profile.full_name and dossier.applicant_email == draft.applicant.email
    assert dossier.lookup_phone == "0912345678" and dossier.lookup_id_number == profile.id_number

    assert dossier.expected_return_at == expected_return(moment, 15, "working")
    assert timezone.localtime(dossier.expected_return_at).date() > timezone.localtime(moment).date()
    event = dossier.events.get(action=Action.SUBMIT)
    assert (event.from_status, event.to_status, event.actor) == (Status.DRAFT, Status.SUBMITTED, draft.applicant)
    assert len(callbacks) == 1  # the e-mail, only after commit


def test_profile_change_after_submission_does_not_change_the_dossier(draft, documents):
    complete(draft, documents)
    dossier = services.submit_dossier(draft, draft.applicant)
    profile = draft.applicant.applicant_profile
    old_name = profile.full_name
    profile.full_name = "Tên mới"
    profile.save()
    dossier.refresh_from_db()
    assert dossier.applicant_name == old_name


def test_missing_mandatory_documents_are_listed(draft, documents):
    services.attach_file(draft, documents[0], pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.ONLINE, postal_address="", note="")
    with pytest.raises(services.SubmitRefused) as error:
        services.submit_dossier(draft, draft.applicant)
    assert error.value.problems == [Messages.MISSING_DOCUMENT.format(name="Điều lệ tổ chức và hoạt động")]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None
    assert not DossierEvent.objects.filter(action=Action.SUBMIT).exists()


def test_other_documents_do_not_count_as_mandatory(draft, documents):
    services.attach_file(draft, None, pdf_upload())
    problems = services.submission_problems(draft)
    assert len([p for p in problems if p.startswith("Thiếu")]) == 2


def test_unverified_email_cannot_submit(procedure, documents):
    dossier = services.start_draft(ApplicantFactory(unverified=True), procedure)
    complete(dossier, documents)
    with pytest.raises(services.SubmitRefused) as error:
        services.submit_dossier(dossier, dossier.applicant)
    assert error.value.problems == [Messages.EMAIL_UNVERIFIED]


def test_post_without_address_cannot_submit(draft, documents):
    complete(draft, documents)
    Dossier.objects.filter(pk=draft.pk).update(receive_method=ReceiveMethod.POST, postal_address="")
    with pytest.raises(services.SubmitRefused) as error:
        services.submit_dossier(draft, draft.applicant)
    assert error.value.problems == [Messages.POSTAL_ADDRESS_MISSING]


def test_receive_method_required(draft, documents):
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    with pytest.raises(services.SubmitRefused) as error:
        services.submit_dossier(draft, draft.applicant)
    assert error.value.problems == [Messages.RECEIVE_METHOD_MISSING]


def test_second_submit_changes_nothing(draft, documents):
    complete(draft, documents)
    first = services.submit_dossier(draft, draft.applicant)
    with pytest.raises(services.AlreadySubmitted) as error:
        services.submit_dossier(draft, draft.applicant)
    assert error.value.dossier.code == first.code
    assert Dossier.objects.exclude(code=None).count() == 1
    assert DossierEvent.objects.filter(action=Action.SUBMIT).count() == 1


def test_stale_version_is_refused(draft, documents):
    complete(draft, documents)
    draft.refresh_from_db()
    reviewed = draft.version
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="đổi ở tab khác")
    with pytest.raises(services.StaleDossier):
        services.submit_dossier(draft, draft.applicant, expected_version=reviewed)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submitted_dossier_is_frozen(draft, documents, private_root):
    complete(draft, documents)
    services.submit_dossier(draft, draft.applicant)
    before = private_files(private_root)
    with pytest.raises(services.DossierError):
        services.attach_file(draft, documents[2], pdf_upload())
    with pytest.raises(services.DossierError):
        services.remove_file(draft, draft.files.first().pk)
    with pytest.raises(services.DossierError):
        services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    assert private_files(private_root) == before


def test_failed_submission_keeps_no_code(draft, documents):
    complete(draft, documents)
    with (
        mock.patch("skhcn.deadlines.services.expected_return", side_effect=RuntimeError("calendar down")),
        pytest.raises(RuntimeError),
    ):
        services.submit_dossier(draft, draft.applicant)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None
    other = DossierFactory(procedure=draft.procedure)
    complete(other, documents)
    assert services.submit_dossier(other, other.applicant).code.endswith("-00001")
