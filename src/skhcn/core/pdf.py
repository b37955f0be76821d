"""Vietnamese administrative documents as PDF (fpdf2 + the bundled Liberation Serif, metric-compatible with Times).

Layout follows the customary style of Vietnamese state documents: agency on the left, national motto on the right,
13 pt serif body, a centred bold title. Callers add content with the few helpers below and take ``to_bytes()``.
"""

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
BODY_SIZE = 13
LINE_HEIGHT = 6.0  # mm for 13 pt: about 1.3 lines (Decree 30/2020: single to 1.5 line spacing)
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class AdministrativePDF(FPDF):
    """A4 page: top 20, left 25, right 15, bottom 20 mm (Decree 30/2020 asks a left margin of 30–35 mm: not yet)."""

    def __init__(self, title: str = "", author: str = "", orientation: str = "portrait"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_margins(left=25, top=20, right=15)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font(FAMILY, "", FONT_DIR / "LiberationSerif-Regular.ttf")
        self.add_font(FAMILY, "B", FONT_DIR / "LiberationSerif-Bold.ttf")
        self.add_font(FAMILY, "I", FONT_DIR / "LiberationSerif-Italic.ttf")
        self.set_font(FAMILY, size=BODY_SIZE)
        if title:
            self.set_title(title)
        if author:
            self.set_author(author)
            self.set_creator(author)
        self.add_page()

    # --- blocks -------------------------------------------------------------------------------------------------
    def form_mark(self, text: str) -> None:
        """The form's number in small italics at the top right ("Mẫu số 01 ..."), above the national header."""
        self.set_font(FAMILY, "I", 11)
        self.set_x(self.l_margin)
        self.multi_cell(0, 5, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self.set_font(FAMILY, size=BODY_SIZE)

    def national_header(self, agency_lines: list[str], right_note: str = "", left_note: str = "") -> None:
        """Agency (upper left, last line bold) beside the national name and motto (upper right), both centred;
        ``left_note`` (the document number, "Số: ...") under the agency, ``right_note`` (place and date) under the
        motto."""
        top = self.get_y()
        left_width = self.epw * 0.42
        right_width = self.epw - left_width
        self.set_font(FAMILY, size=12)
        for index, line in enumerate(agency_lines):
            self.set_font(FAMILY, "B" if index == len(agency_lines) - 1 else "", 12)
            self.set_x(self.l_margin)
            self.multi_cell(left_width, 5.5, line.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        # The customary short rule under the agency's name: about 40 % of its last line, centred under it.
        if agency_lines:
            half = min(self.get_string_width(agency_lines[-1].upper()), left_width) * 0.2
            center = self.l_margin + left_width / 2
            self.line(center - half, self.get_y() + 0.5, center + half, self.get_y() + 0.5)
        left_bottom = self.get_y() + 0.5
        if left_note:
            self.set_xy(self.l_margin, self.get_y() + 2.5)
            self.set_font(FAMILY, size=BODY_SIZE)
            self.multi_cell(left_width, 6, left_note, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            left_bottom = self.get_y()
        self.set_xy(self.l_margin + left_width, top)
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(right_width, 5.5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", BODY_SIZE)
        self.multi_cell(right_width, 6, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        # The customary short rule under the motto.
        rule = self.get_string_width(MOTTO)
        center = self.l_margin + left_width + right_width / 2
        self.line(center - rule / 2, self.get_y(), center + rule / 2, self.get_y())
        if right_note:
            self.set_y(self.get_y() + 2)
            self.set_x(self.l_margin + left_width)
            self.set_font(FAMILY, "I", BODY_SIZE)
            self.multi_cell(right_width, 6, right_note, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_y(max(left_bottom, self.get_y()) + 4)
        self.set_x(self.l_margin)
        self.set_font(FAMILY, size=BODY_SIZE)

    def document_title(self, text: str, subtitle: str = "") -> None:
        self.set_font(FAMILY, "B", 14)
        self.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font(FAMILY, "I", BODY_SIZE)
            self.multi_cell(0, LINE_HEIGHT, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_font(FAMILY, size=BODY_SIZE)

    def labelled(self, label: str, value: str) -> None:
        """One "Label: value" line (wrapping), label in bold."""
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "B", BODY_SIZE)
        self.write(LINE_HEIGHT, f"{label}: ")
        self.set_font(FAMILY, size=BODY_SIZE)
        self.write(LINE_HEIGHT, value or "—")
        self.ln(LINE_HEIGHT)

    def paragraph(self, text: str, style: str = "", align: str = "J", size: float = BODY_SIZE) -> None:
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, LINE_HEIGHT * size / BODY_SIZE, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=BODY_SIZE)

    def grid(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths: tuple[int, ...],
        aligns: tuple[str, ...] | None = None,
        *,
        font_size: float = 12,
        min_row_height: float | None = None,
        padding: float | tuple[float, ...] | None = None,
    ) -> None:
        """A bordered table with a bold header row, as wide as the text block and flush with its left margin.

        ``widths`` are relative column widths; ``aligns`` the text alignment of each column (default: the first
        column centred, the others left-aligned); ``min_row_height`` (mm) leaves room to sign in a row. The header
        row is repeated on every page. ``padding`` (mm, CSS order) keeps tall cells off the borders.
        """
        self.set_font(FAMILY, size=font_size)
        self.set_x(self.l_margin)
        with self.table(
            align="LEFT",  # fpdf2's default centres the table on the page, off the text block with unequal margins
            width=self.epw,
            col_widths=widths,
            text_align=list(aligns or ["CENTER"] + ["LEFT"] * (len(widths) - 1)),
            line_height=font_size / 2,
            headings_style=FontFace(emphasis="BOLD"),
            first_row_as_headings=True,  # repeated at the top of every page the table runs onto
            min_row_height=min_row_height,
            padding=padding,
        ) as table:
            heading = table.row()
            self.set_font(FAMILY, "B", font_size)
            for text in headers:
                heading.cell(text, align="CENTER")
            self.set_font(FAMILY, size=font_size)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(2)
        self.set_font(FAMILY, size=BODY_SIZE)

    def qr_code(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code (error correction M) of ``size`` mm with its top left corner at (x, y)."""
        image = io.BytesIO()
        segno.make(data, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        self.image(image, x=x, y=y, w=size, h=size)

    def signatures(self, blocks: list[tuple[str, str, str]], space: float = 24) -> None:
        """Signature blocks side by side: (title, note, name) — title bold in capitals, the note in italics ("Ký và
        ghi rõ họ tên"), ``space`` mm to sign, then the name in bold. A single block goes to the right half, as the
        signer of an administrative document customarily does."""
        if not blocks:
            return
        needed = 6 + 6 + space + 7
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        top = self.get_y() + 2
        count = len(blocks)
        width = self.epw / max(count, 2)
        start = self.l_margin + (self.epw / 2 if count == 1 else 0)
        bottom = top
        for index, (title, note, name) in enumerate(blocks):
            x = start + index * width
            self.set_xy(x, top)
            self.set_font(FAMILY, "B", BODY_SIZE)
            self.multi_cell(width, 6, title.upper(), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if note:
                self.set_font(FAMILY, "I", BODY_SIZE)
                self.multi_cell(width, 6, f"({note})", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_y(self.get_y() + space)
            self.set_x(x)
            if name:
                self.set_font(FAMILY, "B", BODY_SIZE)
                self.multi_cell(width, 6, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom + 2)
        self.set_font(FAMILY, size=BODY_SIZE)

    def keep_together(self, draw) -> None:
        """Run ``draw(pdf)`` so that what it draws stays on one page: drawn first on a throw-away copy, and when that
        would break the page, the block starts on a new page (the closing lines and the signatures travel together:
        never a signature block alone on a page)."""
        with self.offset_rendering() as trial:
            draw(trial)
        if trial.page_break_triggered:
            self.add_page()
        draw(self)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def local(value: datetime) -> datetime:
    """An aware datetime in Vietnam time."""
    return value.astimezone(VIETNAM)


def date_words(value: date | datetime) -> str:
    """ "ngày 02 tháng 03 năm 2026" (the date line of administrative documents); datetimes in Vietnam time."""
    if isinstance(value, datetime):
        value = local(value).date()
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def place_and_date(place: str, value: date | datetime) -> str:
    """ "Cao Bằng, ngày 02 tháng 03 năm 2026"; without a place: "Ngày 02 tháng 03 năm 2026"."""
    words = date_words(value)
    return f"{place}, {words}" if place else words[0].upper() + words[1:]
