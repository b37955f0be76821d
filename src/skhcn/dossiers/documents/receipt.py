"""Form 01 for online submissions: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (provisional until staff accept)."""

from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from skhcn.core.pdf import VIETNAM, AdministrativePDF
from skhcn.core.sitemaps import absolute_url
from skhcn.core.text import format_vnd

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
    parts = [procedure.fee_description.strip()] if procedure.fee_description.strip() else []
    if procedure.fee_amount:
        parts.append(f"Số tiền: {format_vnd(procedure.fee_amount)}")
    return ". ".join(parts) or "Không"


def receive_text(dossier: Dossier) -> str:
    text = dossier.get_receive_method_display() or ""
    if dossier.receive_method == ReceiveMethod.POST and dossier.postal_address:
        text += f" – địa chỉ: {dossier.postal_address}"
    return text


def matter_text(dossier: Dossier) -> str:
    procedure = dossier.procedure
    return f"{procedure.name} (mã thủ tục {procedure.code})"


def applicant_beside_qr(pdf: AdministrativePDF, dossier: Dossier, *, receiver: str, name_label: str) -> None:
    """The receipt's applicant block: the tracking QR code on the right, the applicant lines wrapping left of it,
    then the address and the matter (procedure name and code) across the full width."""
    top = pdf.get_y()
    pdf.qr_code(tracking_url(dossier.code), x=pdf.w - pdf.r_margin - QR_SIZE_MM, y=top, size=QR_SIZE_MM)
    right_margin = pdf.r_margin
    pdf.set_right_margin(right_margin + QR_SIZE_MM + 4)
    pdf.paragraph(f"{receiver} tiếp nhận hồ sơ của:", align="L")
    pdf.labelled(name_label, dossier.applicant_name)
    pdf.labelled("Số định danh cá nhân / Mã số thuế", dossier.applicant_id_number)
    pdf.labelled("Số điện thoại", dossier.applicant_phone)
    pdf.labelled("Thư điện tử", dossier.applicant_email)
    pdf.set_right_margin(right_margin)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE_MM + 2))
    pdf.labelled("Địa chỉ", dossier.applicant_address)
    pdf.labelled("Nội dung yêu cầu giải quyết", matter_text(dossier))


def render_receipt(dossier: Dossier) -> bytes:
    procedure = dossier.procedure
    submitted = dossier.submitted_at.astimezone(VIETNAM)
    pdf = AdministrativePDF(title=f"Giấy tiếp nhận hồ sơ {dossier.code}", author=settings.AGENCY_NAME)
    pdf.national_header(
        [settings.AGENCY_NAME, "Bộ phận Một cửa"],
        right_note=f"Ngày {submitted:%d} tháng {submitted:%m} năm {submitted:%Y}",
    )
    pdf.document_title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {dossier.code}")

    applicant_beside_qr(pdf, dossier, receiver=settings.AGENCY_NAME, name_label="Người nộp")
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
    return f"giay-tiep-nhan-{dossier.code}.pdf"
