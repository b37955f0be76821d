"""Factories and sample files for the dossiers tests."""

import io

import factory
import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.models import Dossier, DossierFile
from skhcn.procedures.tests.factories import ProcedureFactory


def pdf_bytes(padding: int = 0) -> bytes:
    """A real one-page A4 PDF (uploads are parsed); ``padding`` blank bytes in its page content make it bigger."""
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if padding:
        pdf.pages[0].Contents = pdf.make_stream(b" " * padding)
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


MINIMAL_PDF = pdf_bytes()


def listed_file(dossier, document, index: int) -> DossierFile:
    """A file row for ``document`` of ``dossier`` (nothing in the storage: for what lists and prints files)."""
    return DossierFile.objects.create(
        dossier=dossier,
        required_document=document,
        document_name=document.name,
        stored_name=f"dossiers/{dossier.pk}/tep-{index}.pdf",
        original_name=f"tep-{index}.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
    )


def pdf_upload(name: str = "don-de-nghi.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    """``extra``: as many more bytes in the file (kept a valid PDF)."""
    return SimpleUploadedFile(name, pdf_bytes(len(extra)) if extra else MINIMAL_PDF, content_type="application/pdf")


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
