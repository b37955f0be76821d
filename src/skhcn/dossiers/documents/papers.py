"""Numbered papers of a dossier (forms 01–04) as records: the register number is allocated in the transaction of
the act (receive, request, refuse at intake, apologise), per agency, kind and Vietnam-time year, and what the paper
states is frozen with it, so a reprint months later is the paper the citizen was handed.

Numbers: ``settings.DOSSIER_PAPER_NUMBER_FORMAT`` (default ``{serial}/{suffix}-{agency}``, e.g. ``15/PYCBS-SKHCN``),
the serial counted per kind and year from 1 (Decree 30/2020 numbers documents per year). The counter row is locked
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's writers are serialised) until the act's transaction ends, so two
officers never get the same number; a rolled-back act gives its number back, so the series has no gaps; a voided
paper keeps its number and says why.

Form 01's serial is also the dossier's row in the register (form 06): ``Dossier.register_serial``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from skhcn.accounts.staff import staff_profile
from skhcn.core.pdf import VIETNAM

from ..constants import Action
from ..models import Dossier, DossierEvent, IssuedPaper, PaperSerial
from .formsets import FormKind

# The short code of each numbered paper in its number (configuration: change with the agency's rules for documents).
SUFFIXES = {
    FormKind.RECEIPT: "TNHS",
    FormKind.COMPLETION_REQUEST: "PYCBS",
    FormKind.REFUSAL: "PTCTN",
    FormKind.APOLOGY: "PXL",
}
NUMBERED = tuple(SUFFIXES)


class PaperMessages:
    VOID_REASON_REQUIRED = "Vui lòng nhập lý do hủy phiếu."
    VOID_REASON_TOO_LONG = "Lý do hủy quá dài (tối đa {limit} ký tự)."
    ALREADY_VOID = "Phiếu số {number} đã được hủy trước đó."
    NOT_FOUND = "Không tìm thấy phiếu."


VOID_REASON_MAX_LENGTH = 1000


class PaperError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def format_number(kind: str, serial: int, year: int) -> str:
    return settings.DOSSIER_PAPER_NUMBER_FORMAT.format(
        serial=serial, suffix=SUFFIXES[kind], agency=settings.AGENCY_ABBREVIATION, year=year
    )


def allocate_serial(kind: str, year: int) -> int:
    """The next serial of ``kind`` in ``year``; inside the caller's transaction (the counter row stays locked)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_serial() must run inside the transaction of the act")
    agency = settings.AGENCY_CODE
    PaperSerial.objects.get_or_create(agency_code=agency, kind=kind, year=year)
    counter = PaperSerial.objects.select_for_update().get(agency_code=agency, kind=kind, year=year)
    PaperSerial.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    return counter.last_value + 1


def issue(
    dossier: Dossier,
    kind: str,
    *,
    event: DossierEvent | None,
    at: datetime,
    content: dict,
    serial: int | None = None,
) -> IssuedPaper:
    """Number and record a paper of ``kind`` for ``dossier`` (inside the act's transaction); ``serial`` when it was
    allocated earlier in the same transaction (form 01: the dossier's register row)."""
    year = at.astimezone(VIETNAM).year
    if serial is None:
        serial = allocate_serial(kind, year)
    return IssuedPaper.objects.create(
        dossier=dossier,
        event=event,
        kind=kind,
        form_set=dossier.form_set,
        agency_code=settings.AGENCY_CODE,
        year=year,
        serial=serial,
        number=format_number(kind, serial, year),
        issued_at=at,
        content=content,
    )


def staff_name(user) -> str:
    """The staff member's full name from their profile, else the account's name, else ""."""
    if user is None:
        return ""
    profile = staff_profile(user)
    return (profile.full_name if profile is not None else "") or user.get_full_name() or ""


def officer(user) -> dict:
    """What a paper prints about the officer who issued or signs it, as it was then."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"name": "", "position": "", "phone": "", "email": ""}
    profile = staff_profile(user)
    return {
        "name": staff_name(user),
        "position": profile.position if profile is not None else "",
        "phone": (profile.phone if profile is not None else "") or settings.RECEIVING_UNIT_PHONE,
        "email": user.email or "",
    }


def paper_for_event(event: DossierEvent) -> IssuedPaper | None:
    return event.papers.order_by("id").first()


def receipt_paper(dossier: Dossier) -> IssuedPaper | None:
    """The dossier's form 01 (the one issued at receipt; a dossier has one)."""
    return dossier.papers.filter(kind=FormKind.RECEIPT).order_by("id").first()


def void(paper_id: int, dossier: Dossier, actor, reason: str) -> IssuedPaper:
    """Mark a paper void with the reason; its number stays taken and its reprint says "ĐÃ HỦY"."""
    reason = (reason or "").strip()
    if not reason:
        raise PaperError(PaperMessages.VOID_REASON_REQUIRED)
    if len(reason) > VOID_REASON_MAX_LENGTH:
        raise PaperError(PaperMessages.VOID_REASON_TOO_LONG.format(limit=VOID_REASON_MAX_LENGTH))
    if "\x00" in reason:
        raise PaperError(PaperMessages.VOID_REASON_REQUIRED)
    with transaction.atomic():
        paper = IssuedPaper.objects.select_for_update().filter(pk=paper_id, dossier=dossier).first()
        if paper is None:
            raise PaperError(PaperMessages.NOT_FOUND)
        if paper.voided_at is not None:
            raise PaperError(PaperMessages.ALREADY_VOID.format(number=paper.number))
        paper.voided_at = timezone.now()
        paper.void_reason = reason
        paper.voided_by = actor
        paper.save(update_fields=["voided_at", "void_reason", "voided_by"])
        DossierEvent.objects.create(
            dossier=dossier,
            actor=actor,
            from_status=dossier.status,
            to_status=dossier.status,
            action=Action.COMMENT,
            comment=f"Hủy phiếu số {paper.number}: {reason}",
            details={"voided_paper": paper.number},
        )
    return paper
