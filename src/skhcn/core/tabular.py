"""Reading and writing the tables editors exchange with Excel: CSV (UTF-8 with or without BOM, or Windows-1258) and
XLSX, a header row mapped to known columns, Vietnamese yes/no, choices and integers, and a row-by-row error report.

Used by the procedure catalogue (``skhcn.procedures.importexport``) and the S&T registries
(``skhcn.registries.importexport``); each keeps its own columns and writes its rows in one transaction, so an import
is all or nothing.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .text import fold

MAX_FILE_SIZE = 5 * 1024 * 1024
YES, NO = "Có", "Không"
TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung"}
FALSE_WORDS = {"khong", "0", "false", "no", "sai"}
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class ImportFileError(Exception):
    """The file cannot be read at all (encoding, format); the message is Vietnamese, for the editor."""


@dataclass
class RowError:
    """One line of the report: ``line`` is the spreadsheet line (1 = header, 0 = the whole file)."""

    line: int
    message: str


class HasHeader(Protocol):
    key: str
    header: str
    required: bool


# --- reading files --------------------------------------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1258, normalised to NFC (cp1258 text decodes to combining marks)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFileError("Tệp có dấu hiệu UTF-8 (BOM) nhưng nội dung không đúng mã UTF-8.") from error
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    "Không nhận ra bảng mã của tệp: hãy lưu tệp CSV theo mã UTF-8 hoặc Windows-1258."
                ) from error
    if "\x00" in text:
        raise ImportFileError("Tệp CSV chứa ký tự không hợp lệ (NUL): có thể đây không phải tệp văn bản.")
    return unicodedata.normalize("NFC", text)


def read_csv(data: bytes) -> list[list[str]]:
    """Rows of a CSV file; the delimiter (``,`` ``;`` or tab) is the one the header line uses most."""
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFileError(f"Tệp CSV không đúng định dạng: {error}.") from error


def cell_text(value) -> str:
    """A spreadsheet cell as text: booleans as Có/Không, whole floats without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
        return value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime.datetime) else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value))


def read_xlsx(data: bytes, sheet_name: str | None = None) -> list[list[str]]:
    """Rows of the sheet ``sheet_name`` if the workbook has it, else of the first sheet."""
    from openpyxl import load_workbook  # a large library, loaded only by the admin's imports and exports

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError("Không đọc được tệp XLSX: tệp bị hỏng hoặc không phải tệp Excel (.xlsx).") from error
    try:
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(
    filename: str, data: bytes, sheet_name: str | None = None, max_size: int = MAX_FILE_SIZE
) -> list[list[str]]:
    """Rows of an uploaded .csv or .xlsx file; ``ImportFileError`` when it cannot be read."""
    name = filename.lower()
    if len(data) > max_size:
        raise ImportFileError(f"Tệp quá lớn (tối đa {max_size // (1024 * 1024)} MB).")
    if not data:
        raise ImportFileError("Tệp rỗng.")
    if name.endswith(".xlsx"):
        return read_xlsx(data, sheet_name)
    if name.endswith(".csv"):
        return read_csv(data)
    raise ImportFileError("Chỉ nhận tệp .csv hoặc .xlsx.")


# --- header and values ----------------------------------------------------------------------------------------


def map_headers(header: Sequence[str], columns: Iterable[HasHeader]) -> tuple[list, list[RowError]]:
    """Match the header cells to ``columns`` (title with or without diacritics, any case, or the key).

    Returns one entry per header cell (the column, or None for a blank or repeated one) and the errors: unknown
    column, a column given twice, required columns missing.
    """
    columns = list(columns)
    by_name = {}
    for column in columns:
        by_name[fold(column.header)] = column
        by_name[column.key] = column
    errors, mapped, seen = [], [], set()
    for position, raw in enumerate(header, start=1):
        title = raw.strip()
        if not title:
            mapped.append(None)
            continue
        column = by_name.get(fold(title))
        if column is None:
            errors.append(RowError(1, f"Cột {position} “{title[:60]}” không thuộc mẫu nhập."))
        elif column.key in seen:
            errors.append(RowError(1, f"Cột “{column.header}” xuất hiện hai lần."))
        else:
            seen.add(column.key)
        mapped.append(column if column is not None and column not in mapped else None)
    missing = [column.header for column in columns if column.required and column.key not in seen]
    if missing:
        errors.append(RowError(1, "Thiếu cột bắt buộc: " + ", ".join(f"“{name}”" for name in missing) + "."))
    return mapped, errors


def is_blank_row(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def choice_map(choices) -> dict[str, str]:
    """Folded label and folded value -> value, for a Django ``TextChoices`` class."""
    mapping = {}
    for value, label in choices.choices:
        mapping[fold(str(label))] = value
        mapping[fold(str(value))] = value
    return mapping


def parse_choice(text: str, header: str, choices, mapping: dict[str, str] | None = None) -> str:
    choice = (mapping or choice_map(choices)).get(fold(text))
    if choice is None:
        allowed = ", ".join(f"“{label}”" for _value, label in choices.choices)
        raise ValueError(f"“{header}” không hợp lệ: “{text[:40]}” (chọn một trong {allowed}).")
    return choice


def parse_bool(text: str, header: str) -> bool:
    word = fold(text)
    if word not in TRUE_WORDS and word not in FALSE_WORDS:
        raise ValueError(f"“{header}” phải là “{YES}” hoặc “{NO}”, nhận được “{text[:30]}”.")
    return word in TRUE_WORDS


def parse_int(text: str, header: str, limit: int) -> int:
    """A non-negative integer, thousands grouped with "." "," or spaces allowed ("1.500")."""
    compact = re.sub(r"[\s.,]", "", text) if re.fullmatch(r"\d{1,3}([.,\s]\d{3})+", text) else text
    # ASCII digits only: "²".isdigit() is true but int() refuses it; and a bounded length (int() refuses > 4300 digits).
    if not (compact.isascii() and compact.isdigit()):
        raise ValueError(f"“{header}” phải là số nguyên không âm, nhận được “{text[:50]}”.")
    if len(compact.lstrip("0")) > len(str(limit)):
        raise ValueError(f"“{header}” quá lớn (tối đa {limit}).")
    number = int(compact)
    if number > limit:
        raise ValueError(f"“{header}” quá lớn (tối đa {limit}).")
    return number


def yes_no(value: bool) -> str:
    return YES if value else NO


# --- writing files --------------------------------------------------------------------------------------------


def write_csv(rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with BOM (Excel then shows the diacritics), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    title: str
    rows: list[Sequence]
    widths: dict[str, int] | None = None  # header -> column width
    default_width: int = 18


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook: bold, frozen header row; wrapped, top-aligned cells."""
    from openpyxl import Workbook  # a large library, loaded only by the admin's imports and exports
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    for index, spec in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = spec.title[:31]
        for row in spec.rows:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        headers = spec.rows[0] if spec.rows else []
        for position, header in enumerate(headers, start=1):
            width = (spec.widths or {}).get(header, spec.default_width)
            sheet.column_dimensions[sheet.cell(row=1, column=position).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
