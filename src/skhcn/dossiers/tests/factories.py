"""Factories and sample files for the dossiers tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.models import Dossier
from skhcn.procedures.tests.factories import ProcedureFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "don-de-nghi.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF + extra, content_type="application/pdf")


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


class DossierFactory(factory.django.DjangoModelFactory):
    """A draft of a fully online procedure by a verified applicant."""

    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory)
    applicant = factory.SubFactory(ApplicantFactory)
    status = Status.DRAFT
    receive_method = ReceiveMethod.ONLINE
