"""Digitisation markers (số hóa): how each component became electronic, shown to staff and to the applicant; the
national channel codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from skhcn.dossiers.constants import NATIONAL_CHANNEL_CODES, Channel, FileSource, Status
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import DossierFile

from .factories import DossierFactory, pdf_upload
from .workflow_support import dossier_at

pytestmark = pytest.mark.django_db


def test_an_applicants_upload_is_supplied_electronically(world, clock, private_root):
    draft = DossierFactory(procedure=world.procedure, applicant=world.applicant)
    record = services.attach_file(draft, None, pdf_upload(), actor=world.applicant)
    assert (record.source, record.digitised_by, record.digitised_at) == (FileSource.ELECTRONIC, None, None)


def test_staff_page_shows_each_components_marker(client, world, clock):
    dossier = dossier_at(Status.RECEIVED, world)
    scanned = DossierFile.objects.create(
        dossier=dossier,
        document_name="Bản quét đơn đề nghị",
        stored_name=f"dossiers/{dossier.pk}/quet.pdf",
        original_name="quet.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        source=FileSource.DIGITISED,
        digitised_by=world.one_stop,
        digitised_at=timezone.now(),
    )
    client.force_login(world.one_stop)
    page = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert '<th scope="col">Bản điện tử</th>' in page
    assert 'data-file-source="digitised">Số hóa khi tiếp nhận' in page
    assert (
        f"{timezone.localtime(scanned.digitised_at):%d/%m/%Y %H:%M} – {world.one_stop.staff_profile.full_name}" in page
    )

    client.force_login(dossier.applicant)
    mine = client.get(reverse("dossiers:edit", kwargs={"pk": dossier.pk})).content.decode()
    assert "quet.pdf" in mine and "số hóa khi tiếp nhận" in mine


def test_national_channel_codes_cover_every_channel():
    assert NATIONAL_CHANNEL_CODES == {Channel.DESK: 1, Channel.ONLINE: 2, Channel.POST: 3}
