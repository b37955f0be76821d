"""Printables of a shipment: the address label (100 × 150 mm, the common thermal label size) and the delivery slip
("Phiếu giao nhận hồ sơ, kết quả qua dịch vụ bưu chính công ích", A4) signed by the officer, the postman and the
recipient.

The tracking number is printed as a Code 39 barcode (fpdf2 has Code 39 and Interleaved 2 of 5, not Code 128; S10
numbers are upper-case letters and digits, which Code 39 encodes and postal scanners read) and as a QR code.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from skhcn.core.pdf import FAMILY, FONT_DIR, AdministrativePDF, place_and_date
from skhcn.dossiers.documents.receipt import receiving_unit, receiving_unit_lines

from . import carriers

LABEL_SIZE = (100, 150)  # mm, portrait
TEST_BANNER = "THỬ NGHIỆM – KHÔNG GỬI THẬT"
SLIP_TITLE = "PHIẾU GIAO NHẬN HỒ SƠ, KẾT QUẢ QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH"


def _is_test(shipment) -> bool:
    cls = carriers.REGISTRY.get(shipment.carrier)
    return bool(cls and cls.sandbox)


def _sender_lines() -> list[str]:
    lines = [receiving_unit()]
    if address := settings.AGENCY_ADDRESS:
        lines.append(address)
    return lines


class _Label(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="portrait", unit="mm", format=LABEL_SIZE)
        self.set_margins(5, 5, 5)
        self.set_auto_page_break(auto=False)
        self.add_font(FAMILY, "", FONT_DIR / "LiberationSerif-Regular.ttf")
        self.add_font(FAMILY, "B", FONT_DIR / "LiberationSerif-Bold.ttf")
        self.add_font(FAMILY, "I", FONT_DIR / "LiberationSerif-Italic.ttf")
        self.set_title(title)
        self.set_author(settings.AGENCY_NAME)
        self.add_page()

    def block(self, heading: str, lines: list[tuple[str, str]]) -> None:
        self.set_font(FAMILY, "B", 9)
        self.cell(0, 5, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for style, text in lines:
            self.set_font(FAMILY, style, 11 if style == "B" else 10)
            self.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def rule(self) -> None:
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)


def label_pdf(shipment) -> bytes:
    dossier = shipment.dossier
    pdf = _Label(f"Nhãn bưu gửi {shipment.tracking_number} – {dossier.code}")
    if _is_test(shipment):
        pdf.set_font(FAMILY, "B", 11)
        pdf.set_fill_color(255, 230, 150)
        pdf.cell(0, 7, TEST_BANNER, align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    pdf.block("NGƯỜI GỬI", [("", line) for line in _sender_lines()])
    pdf.rule()
    pdf.block(
        "NGƯỜI NHẬN",
        [("B", shipment.recipient_name), ("", f"Điện thoại: {shipment.recipient_phone}"), ("B", shipment.address)],
    )
    pdf.rule()
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, f"Mã hồ sơ: {dossier.code}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if dossier.result_number:
        pdf.multi_cell(0, 5, f"Nội dung: kết quả số {dossier.result_number}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 5, f"Dịch vụ: {shipment.carrier_label}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    number = shipment.tracking_number
    if number:
        top = pdf.get_y()
        # fpdf2's ``w`` is the wide bar (narrow = w / 3); a character is 6 narrow + 3 wide bars + a narrow gap.
        wide = 1.0
        width = (len(number) + 2) * (6 * wide / 3 + 3 * wide + wide / 3)
        wide = min(wide, wide * (pdf.epw / width))
        width = (len(number) + 2) * (6 * wide / 3 + 3 * wide + wide / 3)
        pdf.set_fill_color(0, 0, 0)
        pdf.code39(f"*{number}*", x=(pdf.w - width) / 2, y=top, w=wide, h=16)
        pdf.set_y(top + 17)
        pdf.set_font(FAMILY, "B", 13)
        pdf.cell(0, 6, number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        qr = io.BytesIO()
        segno.make(f"{number} {dossier.code}", error="m").save(qr, kind="png", scale=5, border=1)
        qr.seek(0)
        size = min(26, pdf.h - pdf.b_margin - pdf.get_y() - 2)
        if size > 12:
            pdf.image(qr, x=(pdf.w - size) / 2, y=pdf.get_y() + 1, w=size, h=size)
    return bytes(pdf.output())


def slip_pdf(shipment) -> bytes:
    dossier = shipment.dossier
    pdf = AdministrativePDF(title=f"Phiếu giao nhận qua bưu chính – {dossier.code}", author=settings.AGENCY_NAME)
    moment = shipment.handed_over_at or timezone.now()
    pdf.national_header(
        receiving_unit_lines(),
        right_note=place_and_date(settings.AGENCY_PLACE, moment),
    )
    if _is_test(shipment):
        pdf.paragraph(f"({TEST_BANNER})", "B", align="C")
    pdf.document_title(SLIP_TITLE)
    pdf.labelled("Mã hồ sơ", dossier.code)
    pdf.labelled("Thủ tục hành chính", f"{dossier.procedure.name} ({dossier.procedure.code})")
    pdf.labelled("Người nộp hồ sơ", dossier.applicant_name)
    pdf.labelled("Đơn vị bưu chính", shipment.carrier_label)
    pdf.labelled("Số hiệu bưu gửi", shipment.tracking_number)
    pdf.labelled("Người nhận", f"{shipment.recipient_name}, điện thoại {shipment.recipient_phone}")
    pdf.labelled("Địa chỉ nhận", shipment.address)
    pdf.ln(2)
    pdf.paragraph("Nội dung giao nhận:", "B", align="L")
    result = (
        f"Kết quả giải quyết thủ tục hành chính số {dossier.result_number}"
        if dossier.result_number
        else "Kết quả giải quyết thủ tục hành chính"
    )
    pdf.grid(
        ["STT", "Tên giấy tờ", "Số lượng", "Ghi chú"],
        [["1", result, "01 bản", "Bản chính"]],
        (8, 60, 14, 18),
        ("C", "L", "C", "L"),
    )
    handed = shipment.handed_over_at
    pdf.paragraph(
        "Bộ phận Một cửa giao cho nhân viên bưu chính lúc "
        + (f"{timezone.localtime(handed):%H giờ %M, ngày %d/%m/%Y}" if handed else "…… giờ ……, ngày ……/……/………")
        + ". Thời gian chuyển phát không tính vào thời hạn giải quyết thủ tục hành chính.",
        align="L",
    )
    pdf.paragraph("Người nhận nhận kết quả lúc …… giờ ……, ngày ……/……/……… .", align="L")
    pdf.signatures(
        [
            ("Cán bộ Một cửa", "Ký, ghi rõ họ tên", ""),
            ("Nhân viên bưu chính", "Ký, ghi rõ họ tên", ""),
            ("Người nhận", "Ký, ghi rõ họ tên", ""),
        ],
        space=22,
    )
    return pdf.to_bytes()
