"""Once staff receive a dossier, the applicant's receipt is the official form 01, not the provisional one."""

import io

from django.core import mail
from pypdf import PdfReader

from skhcn.dossiers.constants import Action, Messages

from .workflow_support import act, submitted_dossier


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_received_mail_and_download_carry_form_01(world, clock, client, django_capture_on_commit_callbacks):
    dossier = submitted_dossier(world)
    client.force_login(dossier.applicant)
    provisional = _text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/bien-nhan.pdf").content)
    assert "dự kiến" in provisional and "Mẫu số 01" not in provisional

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = act(dossier, Action.RECEIVE, world=world)
    name, content, _ = mail.outbox[0].attachments[0]
    assert name == f"mau-01-{dossier.code}.pdf"
    for text in (_text(content), _text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/bien-nhan.pdf").content)):
        assert "Mẫu số 01" in text and dossier.code in text
        assert Messages.PROVISIONAL.split(",")[0] not in text


def test_refused_at_intake_keeps_the_submission_receipt(world, clock, client):
    dossier = act(submitted_dossier(world), Action.REFUSE_INTAKE, world=world)
    client.force_login(dossier.applicant)
    response = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/bien-nhan.pdf")
    assert response.status_code == 200 and dossier.code in _text(response.content)
