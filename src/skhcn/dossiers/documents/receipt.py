"""The acknowledgement of an online submission ("Thông báo tiếp nhận hồ sơ trực tuyến", provisional until staff
accept the dossier and issue form 01) and the pieces of the receipt that form 01 shares with it."""

from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from skhcn.core.pdf import VIETNAM, AdministrativePDF, place_and_date
from skhcn.core.sitemaps import absolute_url
from skhcn.procedures.fees import fee_summary

from ..constants import Messages, ReceiveMethod
from ..models import Dossier

QR_SIZE_MM = 30
OTHER_DOCUMENTS = "Giấy tờ khác"


def tracking_url(code: str) -> str:
    """Public tracking link with the code only: the phone or ID number never goes into a link or QR code."""
    return absolute_url(f"{reverse('dossiers:track')}?{urlencode({'ma': code})}")


def local_datetime(value) -> str:
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if value else ""


def local_date(value) -> str:
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y") if value else ""


def document_rows(dossier: Dossier) -> list[tuple[str, str, int]]:
    """(document name, form, number of files) for every document with files, in the procedure's order."""
    files_by_document = defaultdict(list)
    for record in dossier.files.all():
        files_by_document[record.required_document_id].append(record)
    rows = []
    for document in dossier.procedure.documents.all():
        if files := files_by_document.pop(document.pk, None):
            rows.append((document.name, document.get_form_display(), len(files)))
    # Files whose document was later removed from the procedure keep the name they were uploaded under.
    orphaned = defaultdict(int)
    for files in files_by_document.values():
        for record in files:
            orphaned[record.document_name or OTHER_DOCUMENTS] += 1
    rows += [(name, "", count) for name, count in orphaned.items()]
    return rows


def fee_text(procedure) -> str:
    """The fee as the receipt states it: the description and the amount, or the range of the tariff ("theo biểu
    phí") when the officer sets the amount of each dossier later; "Không" when the procedure has none."""
    return ". ".join(line.rstrip(".") for line in fee_summary(procedure).splitlines()) or "Không"


def receive_text(dossier: Dossier) -> str:
    text = dossier.get_receive_method_display() or ""
    if dossier.receive_method == ReceiveMethod.POST and dossier.postal_address:
        text += f" – địa chỉ: {dossier.postal_address}"
    return text


def matter_text(dossier: Dossier) -> str:
    procedure = dossier.procedure
    return f"{procedure.name} (mã thủ tục {procedure.code})"


def receiving_unit_lines() -> list[str]:
    """The header of the papers the receiving unit issues (the acknowledgement, forms 01, 02, 03, 05, the postal
    slip): superior agency, agency, unit (settings ``AGENCY_SUPERIOR``, ``RECEIVING_UNIT_PARENT``, ``..._NAME``)."""
    lines = [settings.AGENCY_SUPERIOR, settings.RECEIVING_UNIT_PARENT, settings.RECEIVING_UNIT_NAME]
    return [line for line in lines if line]


def receiving_unit() -> str:
    """ "Bộ phận Một cửa – Sở Khoa học và Công nghệ", or the service centre's name alone."""
    parts = [settings.RECEIVING_UNIT_NAME, settings.RECEIVING_UNIT_PARENT]
    return " – ".join(part for part in parts if part)


def paper_context(dossier: Dossier) -> dict:
    """What every paper of the dossier says about it: code, applicant (as filed), matter, tracking link."""
    return {
        "code": dossier.code,
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "matter": matter_text(dossier),
        "tracking_url": tracking_url(dossier.code),
    }


def applicant_beside_qr(
    pdf: AdministrativePDF, ctx: dict, *, receiver: str, name_label: str, verb: str = "tiếp nhận hồ sơ của"
) -> None:
    """The receipt's applicant block (``ctx`` from ``paper_context``): the tracking QR code on the right, the
    applicant lines wrapping left of it, then the address and the matter (procedure name and code) across the full
    width."""
    applicant = ctx["applicant"]
    top = pdf.get_y()
    pdf.qr_code(ctx["tracking_url"], x=pdf.w - pdf.r_margin - QR_SIZE_MM, y=top, size=QR_SIZE_MM)
    right_margin = pdf.r_margin
    pdf.set_right_margin(right_margin + QR_SIZE_MM + 4)
    pdf.paragraph(f"{receiver} {verb}:", align="L")
    pdf.labelled(name_label, applicant["name"])
    pdf.labelled("Số định danh cá nhân / Mã số thuế", applicant["id_number"])
    pdf.labelled("Số điện thoại", applicant["phone"])
    pdf.labelled("Thư điện tử", applicant["email"])
    pdf.set_right_margin(right_margin)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE_MM + 2))
    pdf.labelled("Địa chỉ", applicant["address"])
    pdf.labelled("Nội dung yêu cầu giải quyết", ctx["matter"])


ACKNOWLEDGEMENT_TITLE = "Thông báo tiếp nhận hồ sơ trực tuyến"


def render_receipt(dossier: Dossier) -> bytes:
    """The acknowledgement of an online submission nobody has accepted yet: not form 01 (no number, no appointment,
    no signature); form 01 replaces it when the one-stop officer receives the dossier."""
    procedure = dossier.procedure
    submitted = dossier.submitted_at.astimezone(VIETNAM)
    pdf = AdministrativePDF(title=f"{ACKNOWLEDGEMENT_TITLE} {dossier.code}", author=settings.AGENCY_NAME)
    pdf.national_header(
        receiving_unit_lines(),
        right_note=place_and_date(settings.AGENCY_PLACE, submitted),
    )
    pdf.document_title(ACKNOWLEDGEMENT_TITLE.upper(), f"Mã hồ sơ: {dossier.code}")

    receiver = f"Hệ thống dịch vụ công trực tuyến của {settings.AGENCY_NAME}"
    applicant_beside_qr(
        pdf, paper_context(dossier), receiver=receiver, name_label="Người nộp", verb="đã nhận hồ sơ nộp trực tuyến của"
    )
    pdf.paragraph("Thành phần hồ sơ:", style="B", align="L")
    rows = [[str(i), name, form, str(count)] for i, (name, form, count) in enumerate(document_rows(dossier), 1)]
    pdf.grid(
        ["STT", "Tên giấy tờ", "Hình thức", "Số tệp"],
        rows,
        (12, 92, 38, 14),  # "STT" and "Số tệp" fit their columns on one line
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
    )
    pdf.labelled("Số lượng hồ sơ", "01 bộ (bản điện tử)")
    pdf.labelled("Hình thức nộp", "Trực tuyến")
    pdf.labelled("Thời gian nộp", local_datetime(dossier.submitted_at))
    pdf.labelled("Ngày hẹn trả kết quả (dự kiến)", local_date(dossier.expected_return_at))
    pdf.labelled("Cách nhận kết quả", receive_text(dossier))
    pdf.labelled("Phí, lệ phí", fee_text(procedure))
    pdf.ln(2)
    pdf.paragraph(Messages.PROVISIONAL, style="I")
    pdf.paragraph(f"Tra cứu tình trạng hồ sơ: {tracking_url(dossier.code)}", align="L")
    return pdf.to_bytes()


def receipt_filename(dossier: Dossier) -> str:
    return f"thong-bao-tiep-nhan-{dossier.code}.pdf"
