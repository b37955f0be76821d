"""Applicant pages for the staff workflow: answering a request with files, withdrawing, downloading the result, the
timeline without staff names or internal notes, and direct-URL attempts."""

import pytest
from django.core import mail
from django.urls import reverse

from skhcn.dossiers.constants import Action, ReceiveMethod, Status
from skhcn.dossiers.models import Dossier, DossierEvent

from .conftest import private_files
from .factories import pdf_upload
from .workflow_support import act, dossier_at


def page(client, dossier):
    return client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")


def test_supplement_request_shown_and_answered(client, world, clock, private_root):
    dossier = dossier_at(Status.ASSIGNED, world)
    dossier = act(
        dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world, comment="Bổ sung báo cáo tài chính năm 2025."
    )
    act(dossier, Action.COMMENT, world.specialist, world=world, comment="Ghi chú nội bộ: chờ ý kiến phòng KHTC.")
    client.force_login(world.applicant)
    response = page(client, dossier)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yêu cầu bổ sung hồ sơ" in html
    assert "Bổ sung báo cáo tài chính năm 2025." in html
    assert "Thời hạn giải quyết tạm dừng" in html
    assert "Đã bổ sung hồ sơ" in html
    # Never internal notes or staff names.
    assert "Ghi chú nội bộ: chờ ý kiến" not in html
    assert world.specialist.staff_profile.full_name not in html and "Phân công chuyên viên" not in html

    clock.set(2026, 3, 5, 9, 0)
    dossier.refresh_from_db()
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/",
        {"phien_ban": dossier.version, "noi_dung": "Xin gửi báo cáo.", "tep": [pdf_upload("bao-cao.pdf")]},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.ASSIGNED
    event = dossier.events.order_by("-id").first()
    assert (event.action, event.actor, event.comment) == (Action.SUPPLY, world.applicant, "Xin gửi báo cáo.")
    record = event.files.get()
    html = page(client, dossier).content.decode()
    assert "Đã gửi hồ sơ bổ sung" in html
    assert "bao-cao.pdf" in html
    download = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/tep-xu-ly/{record.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_completion_request_answered_resubmits(client, world, clock):
    dossier = act(
        dossier_at(Status.SUBMITTED, world), Action.REQUEST_COMPLETION, world=world, comment="Thiếu bản sao điều lệ."
    )
    client.force_login(world.applicant)
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ" in page(client, dossier).content.decode()
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/",
        {"phien_ban": dossier.version, "tep": [pdf_upload(), pdf_upload("b.pdf")]},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.events.order_by("-id").first().files.count() == 2


def test_supplement_without_a_file_or_with_an_old_version_is_refused(client, world, clock, private_root):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    client.force_login(world.applicant)
    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/", {"phien_ban": dossier.version})
    assert response.status_code == 400
    assert "Vui lòng đính kèm tệp." in response.content.decode()
    before = private_files(private_root)
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/", {"phien_ban": dossier.version - 1, "tep": [pdf_upload()]}
    )
    assert response.status_code == 400
    assert "vừa được người khác xử lý" in response.content.decode()
    assert private_files(private_root) == before
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED


def test_supplement_when_nothing_was_requested(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    client.force_login(world.applicant)
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/", {"phien_ban": dossier.version, "tep": [pdf_upload()]}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
    assert "Đã bổ sung hồ sơ" not in page(client, dossier).content.decode()


def test_withdraw_with_a_reason(client, world, clock):
    dossier = dossier_at(Status.TRANSFERRED, world)
    client.force_login(world.applicant)
    assert "Rút hồ sơ" in page(client, dossier).content.decode()
    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/rut-ho-so/", {"phien_ban": dossier.version, "ly_do": " "})
    assert response.status_code == 400
    assert "Vui lòng nhập lý do rút hồ sơ." in response.content.decode()
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/rut-ho-so/", {"phien_ban": dossier.version, "ly_do": "Không còn nhu cầu."}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    html = page(client, dossier).content.decode()
    assert "Đã rút hồ sơ" in html and "Không còn nhu cầu." in html
    assert "Xác nhận rút hồ sơ" not in html


def test_no_withdrawal_after_approval(client, world, clock):
    dossier = dossier_at(Status.APPROVED, world)
    client.force_login(world.applicant)
    assert "Xác nhận rút hồ sơ" not in page(client, dossier).content.decode()
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/rut-ho-so/", {"phien_ban": dossier.version, "ly_do": "Thử"}
    )
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).status == Status.APPROVED


def test_result_download_only_when_returned_online(client, world, clock):
    dossier = dossier_at(Status.RESULT_ISSUED, world)
    client.force_login(world.applicant)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/").status_code == 404
    dossier = act(dossier, Action.RETURN_RESULT, world=world, method=ReceiveMethod.ONLINE)
    html = page(client, dossier).content.decode()
    assert "Tải kết quả" in html and dossier.result_number in html
    response = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "private" in response["Cache-Control"]


def test_result_returned_at_the_desk_is_not_downloadable(client, world, clock):
    dossier = act(dossier_at(Status.RESULT_ISSUED, world), Action.RETURN_RESULT, world=world, method=ReceiveMethod.DESK)
    client.force_login(world.applicant)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/").status_code == 404
    assert "Tải kết quả" not in page(client, dossier).content.decode()


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_direct_urls_of_someone_elses_dossier(client, world, clock, who):
    dossier = act(dossier_at(Status.RESULT_ISSUED, world), Action.RETURN_RESULT, world=world)
    supplement = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    attachment = act(
        dossier_at(Status.ASSIGNED, world),
        Action.REQUEST_SUPPLEMENT,
        world=world,
        files=[pdf_upload("phieu-02.pdf")],
    )
    record = DossierEvent.objects.get(dossier=attachment, action=Action.REQUEST_SUPPLEMENT).files.get()
    if who == "stranger":
        client.force_login(world.stranger)
    urls = [
        ("get", f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/"),
        ("get", f"/dich-vu-cong/ho-so/{attachment.pk}/tep-xu-ly/{record.pk}/"),
        ("post", f"/dich-vu-cong/ho-so/{supplement.pk}/bo-sung/"),
        ("post", f"/dich-vu-cong/ho-so/{supplement.pk}/rut-ho-so/"),
    ]
    for method, url in urls:
        data = {"phien_ban": supplement.version, "ly_do": "x", "tep": [pdf_upload()]} if method == "post" else None
        response = getattr(client, method)(url, data) if data else client.get(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == 404, url
    assert Dossier.objects.get(pk=supplement.pk).status == Status.SUPPLEMENT_REQUESTED


def test_internal_attachments_are_never_served_to_the_applicant(client, world, clock):
    dossier = act(
        dossier_at(Status.ASSIGNED, world), Action.CONSULT, world=world, comment="Lấy ý kiến", files=[pdf_upload()]
    )
    record = DossierEvent.objects.get(dossier=dossier, action=Action.CONSULT).files.get()
    client.force_login(world.applicant)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/tep-xu-ly/{record.pk}/").status_code == 404


def test_public_tracking_shows_new_states_without_comments(client, world, clock):
    dossier = act(
        dossier_at(Status.ASSIGNED, world), Action.REQUEST_SUPPLEMENT, world=world, comment="Thiếu báo cáo số liệu."
    )
    response = client.post("/dich-vu-cong/tra-cuu/", {"ma": dossier.code, "sdt": "0912345678"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)" in html
    assert "Tiếp nhận hồ sơ" in html and "Chuyển phòng chuyên môn xử lý" in html
    assert "Thiếu báo cáo số liệu." not in html
    assert "Phân công chuyên viên" not in html
    assert world.one_stop.staff_profile.full_name not in html


def test_supply_mail_is_not_sent_to_the_applicant(client, world, clock, mailoutbox, django_capture_on_commit_callbacks):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    client.force_login(world.applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/", {"phien_ban": dossier.version, "tep": [pdf_upload()]})
    assert mail.outbox == []
