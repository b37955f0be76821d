"""Layout of the administrative PDF helpers: where things land on the page."""

import io
import re

import pytest
from pypdf import PdfReader

from skhcn.core.pdf import AdministrativePDF

MM = 72 / 25.4  # PDF points per millimetre
WIDTHS = (12, 92, 38, 14)


def text_positions(data: bytes) -> dict[str, float]:
    """Text run -> x in mm, for every text run on page 1."""
    runs = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs[text.strip()] = (tm[4] * cm[0] + cm[4]) / MM

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return runs


def grid_pdf() -> AdministrativePDF:
    pdf = AdministrativePDF(title="Thử nghiệm")
    pdf.paragraph("Thành phần hồ sơ:", style="B", align="L")
    pdf.grid(
        ["STT", "Tên giấy tờ", "Hình thức", "Số tệp"],
        [["1", "Đơn đề nghị", "Bản chính", "2"]],
        WIDTHS,
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
    )
    return pdf


def test_grid_is_flush_with_the_text_block_not_centred_on_the_page():
    """fpdf2 centres tables on the page: with margins of 25 and 15 mm the table began at 20 mm, left of the text."""
    pdf = grid_pdf()
    runs = text_positions(pdf.to_bytes())
    second_column = pdf.l_margin + pdf.epw * WIDTHS[0] / sum(WIDTHS)
    assert runs["Đơn đề nghị"] == pytest.approx(second_column + pdf.c_margin, abs=0.3)
    assert runs["Thành phần hồ sơ:"] == pytest.approx(pdf.l_margin + pdf.c_margin, abs=0.3)


def test_grid_headers_stay_on_one_line():
    runs = text_positions(grid_pdf().to_bytes())
    assert "STT" in runs  # not "ST" + "T" in a too-narrow column
    assert "Số tệp" in runs


def test_national_header_rules_under_agency_and_motto():
    pdf = AdministrativePDF()
    pdf.national_header(["Sở Khoa học và Công nghệ", "Bộ phận Một cửa"])
    stream = PdfReader(io.BytesIO(pdf.to_bytes())).pages[0].get_contents().get_data().decode("latin-1")
    lines = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) [\d.]+ l S", stream)]
    assert len(lines) == 2
    (agency_x1, _y, agency_x2), (motto_x1, _y2, _motto_x2) = sorted(lines)
    left_column_centre = (pdf.l_margin + pdf.epw * 0.42 / 2) * MM
    assert (agency_x1 + agency_x2) / 2 == pytest.approx(left_column_centre, abs=0.5)  # centred under the agency
    assert agency_x2 < motto_x1  # the short rule stays in the left column
