from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skhcn.delivery import services
from skhcn.delivery.services import DeliveryError, PostalApplicant
from skhcn.dossiers.constants import Action, Channel, FileSource, ReceiveMethod, Status
from skhcn.dossiers.models import DailySerial, Dossier, DossierFile
from skhcn.dossiers.tests.factories import pdf_upload, png_upload
from skhcn.procedures.tests.factories import ProcedureFactory

from .conftest import private_files


def applicant(**overrides) -> PostalApplicant:
    values = {
        "kind": "citizen",
        "name": "Hoàng Thị Lan",
        "id_number": "004190012345",
        "phone": "0987 654 321",
        "email": "",
        "address_line": "Xóm Nà Cáp",
        "ward": "Xã Hòa An",
        "province": "Cao Bằng",
        **overrides,
    }
    return PostalApplicant(**values)


def receive(world, **overrides):
    kwargs = {
        "procedure": world.procedure,
        "applicant": applicant(),
        "postmark_date": (world_today() - timedelta(days=2)),
        "receive_method": ReceiveMethod.POST,
        "files": [pdf_upload("don.pdf"), png_upload("giay-to.png")],
        **overrides,
    }
    actor = kwargs.pop("actor", world.one_stop)
    return services.receive_postal_dossier(actor, **kwargs)


def world_today():
    from django.utils import timezone

    return timezone.localdate(timezone.now())


def test_postal_dossier_received_at_once(world, clock, private_root):
    dossier = receive(world)
    assert dossier.status == Status.RECEIVED
    assert dossier.channel == Channel.POST
    assert dossier.postmark_date == world_today() - timedelta(days=2)
    assert dossier.code.startswith("000.26.H11-260302-")
    # The clock starts at receipt by the department, not at the postmark.
    assert dossier.received_at == dossier.clock_started_at == clock.moment
    assert dossier.due_at is not None and dossier.received_by == world.one_stop
    assert dossier.postal_address == "Xóm Nà Cáp, Xã Hòa An, Cao Bằng"
    assert dossier.lookup_phone and dossier.lookup_id_number == "004190012345"
    assert dossier.files.count() == 2 and len(private_files(private_root)) == 2
    # The scans are components digitised at intake, by the officer, when received (digitisation markers).
    assert {(f.source, f.digitised_by, f.digitised_at) for f in dossier.files.all()} == {
        (FileSource.DIGITISED, world.one_stop, clock.moment)
    }
    receipt = dossier.events.get(action=Action.RECEIVE)
    assert receipt.details["postmark_date"] == dossier.postmark_date.isoformat()
    holder = dossier.applicant
    assert not holder.is_active and not holder.has_usable_password()
    # The applicant can follow it on the public tracking page.
    from skhcn.dossiers.citizen.tracking import find_dossier

    assert find_dossier(dossier.code, phone="0987654321") == dossier


def nothing_saved(private_root, dossiers_before=0):
    assert Dossier.objects.count() == dossiers_before
    assert DossierFile.objects.count() == 0
    assert private_files(private_root) == []
    assert not DailySerial.objects.filter(last_value__gt=0).exists()


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"postmark_date": None}, "date", "postmark_date"),
        ({"applicant": applicant(province="")}, "address", "province"),
        ({"applicant": applicant(name=" ")}, "applicant", "applicant_name"),
        ({"files": []}, "upload", "files"),
        ({"files": [pdf_upload(), SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf")]}, "upload", "files"),
        ({"receive_method": "pigeon"}, "method", "receive_method"),
    ],
)
def test_refusals_leave_nothing(world, clock, private_root, overrides, code, field):
    with pytest.raises(DeliveryError) as error:
        receive(world, **overrides)
    assert (error.value.code, error.value.field) == (code, field)
    nothing_saved(private_root)


def test_future_postmark_refused(world, clock, private_root):
    with pytest.raises(DeliveryError) as error:
        receive(world, postmark_date=world_today() + timedelta(days=1))
    assert error.value.message == "Ngày không được sau ngày hôm nay."
    with pytest.raises(DeliveryError) as error:
        receive(world, postmark_date=world_today() - timedelta(days=400))
    assert "quá xa" in error.value.message
    nothing_saved(private_root)


def test_procedure_without_post_submission_refused(world, clock, private_root):
    procedure = ProcedureFactory(post_submission=False)
    with pytest.raises(DeliveryError) as error:
        receive(world, procedure=procedure)
    assert error.value.code == "procedure"
    nothing_saved(private_root)


def test_post_return_method_only_where_offered(world, clock, private_root):
    procedure = ProcedureFactory(post_return=False)
    with pytest.raises(DeliveryError) as error:
        receive(world, procedure=procedure)
    assert error.value.code == "method"
    nothing_saved(private_root)
    assert receive(world, procedure=procedure, receive_method=ReceiveMethod.DESK).postal_address == ""


@pytest.mark.parametrize("who", ["specialist", "head", "leader", "clerk", "applicant"])
def test_only_one_stop_and_admin(world, clock, private_root, who):
    with pytest.raises(DeliveryError) as error:
        receive(world, actor=getattr(world, who))
    assert error.value.code == "role"
    nothing_saved(private_root)


def test_failure_inside_the_transaction_removes_stored_files(world, clock, private_root, monkeypatch):
    from skhcn.dossiers import workflow

    def broken(*args, **kwargs):
        raise workflow.WorkflowError("Không thể tiếp nhận.", "state")

    monkeypatch.setattr(workflow, "perform", broken)
    with pytest.raises(DeliveryError):
        receive(world)
    nothing_saved(private_root)


def test_admin_may_receive_and_codes_follow(world, clock):
    first = receive(world)
    second = receive(world, actor=world.admin)
    assert first.code != second.code and second.status == Status.RECEIVED


def test_postal_scan_with_active_content_is_refused_or_cleaned(world, clock, private_root, settings):
    from skhcn.core.tests.pdf_samples import active_pdf_bytes

    def scan():
        return SimpleUploadedFile("ban-quet.pdf", active_pdf_bytes("embedded_files"), "application/pdf")

    with pytest.raises(DeliveryError) as caught:
        receive(world, files=[pdf_upload("don.pdf"), scan()])
    assert caught.value.message.startswith("Tệp PDF “ban-quet.pdf” có tệp đính kèm nhúng nên không được chấp nhận")
    nothing_saved(private_root)

    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"
    dossier = receive(world, files=[pdf_upload("don.pdf"), scan()])
    cleaned = dossier.files.get(original_name="ban-quet.pdf")
    assert cleaned.removed_content == ["embedded_file"]
    assert cleaned.removed_content_note == "Đã gỡ bỏ tệp đính kèm nhúng khỏi tệp này khi tiếp nhận."
    assert dossier.files.get(original_name="don.pdf").removed_content == []
