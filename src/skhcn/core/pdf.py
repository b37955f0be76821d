"""Vietnamese administrative documents as PDF (fpdf2 + the bundled Liberation Serif, metric-compatible with Times).

Layout follows the customary style of Vietnamese state documents: agency on the left, national motto on the right,
13 pt serif body, a centred bold title. Callers add content with the few helpers below and take ``to_bytes()``.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
BODY_SIZE = 13
LINE_HEIGHT = 6.5  # mm for 13 pt with a little leading
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


class AdministrativePDF(FPDF):
    """A4 page with the margins of administrative documents (top 20, left 30, right 15 mm)."""

    def __init__(self, title: str = "", author: str = ""):
        super().__init__(orientation="portrait", unit="mm", format="A4")
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
    def national_header(self, agency_lines: list[str], right_note: str = "") -> None:
        """Agency (upper left, last line bold) beside the national name and motto (upper right), both centred."""
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
        self.set_y(max(left_bottom, self.get_y()) + 6)
        self.set_x(self.l_margin)
        self.set_font(FAMILY, size=BODY_SIZE)

    def document_title(self, text: str, subtitle: str = "") -> None:
        self.set_font(FAMILY, "B", 14)
        self.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font(FAMILY, "I", BODY_SIZE)
            self.multi_cell(0, LINE_HEIGHT, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font(FAMILY, size=BODY_SIZE)

    def labelled(self, label: str, value: str) -> None:
        """One "Label: value" line (wrapping), label in bold."""
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "B", BODY_SIZE)
        self.write(LINE_HEIGHT, f"{label}: ")
        self.set_font(FAMILY, size=BODY_SIZE)
        self.write(LINE_HEIGHT, value or "—")
        self.ln(LINE_HEIGHT)

    def paragraph(self, text: str, style: str = "", align: str = "J") -> None:
        self.set_font(FAMILY, style, BODY_SIZE)
        self.multi_cell(0, LINE_HEIGHT, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=BODY_SIZE)

    def grid(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths: tuple[int, ...],
        aligns: tuple[str, ...] | None = None,
    ) -> None:
        """A bordered table with a bold header row, as wide as the text block and flush with its left margin.

        ``widths`` are relative column widths; ``aligns`` the text alignment of each column (default: the first
        column centred, the others left-aligned).
        """
        self.set_font(FAMILY, size=12)
        self.set_x(self.l_margin)
        with self.table(
            align="LEFT",  # fpdf2's default centres the table on the page, off the text block with unequal margins
            width=self.epw,
            col_widths=widths,
            text_align=list(aligns or ["CENTER"] + ["LEFT"] * (len(widths) - 1)),
            line_height=6,
            headings_style=None,
            first_row_as_headings=False,
        ) as table:
            heading = table.row()
            self.set_font(FAMILY, "B", 12)
            for text in headers:
                heading.cell(text, align="CENTER")
            self.set_font(FAMILY, size=12)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(2)
        self.set_font(FAMILY, size=BODY_SIZE)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def format_vnd(amount: int) -> str:
    """1500000 -> "1.500.000 đồng" (Vietnamese digit grouping)."""
    return f"{amount:,}".replace(",", ".") + " đồng"
