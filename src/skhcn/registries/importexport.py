"""Import and export of each registry as CSV or XLSX: one record per row, the first row names the columns.

Reading files (UTF-8 with or without BOM, Windows-1258, XLSX), the header mapping and the yes/no, choice and integer
cells come from ``skhcn.core.tabular`` (shared with the procedure catalogue). Amounts accept the Vietnamese ways of
writing them ("1.500.000", "1,5 tỷ", "370 triệu"), dates are dd/mm/yyyy (from 1900; certificates, protection and
acceptance dates not in the future).

Rows are matched to records by "Mã": an existing code updates that record, a new or empty code creates one (an empty
code gets a generated one). An empty cell of a non-text column keeps the current value (a new record: the default);
an empty text cell clears the text. Files (reports, PDFs, videos, posters) are not part of the table. The whole file
is checked first, row by row, and written in one transaction: all or nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from skhcn.core import tabular
from skhcn.core.tabular import RowError

from . import constants as c
from . import parsing
from .models import validate_code
from .registry import REGISTRIES

MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    # text | int | year | money | date | past_date | choice | bool | duration | url
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: type | None = None
    limit: int = 32767


CODE = Column("code", "Mã", max_length=40)
COMMON = [
    Column("is_public", "Công khai", kind="bool"),
    Column("is_demo", "Dữ liệu mẫu", kind="bool"),
    Column("source", "Nguồn thông tin, ghi chú"),
]

COLUMNS: dict[str, list[Column]] = {
    "task": [
        Column("code", "Mã nhiệm vụ", required=True, max_length=40),
        Column("title", "Tên nhiệm vụ", required=True, max_length=500),
        Column("kind", "Loại nhiệm vụ", kind="choice", choices=c.TaskKind),
        Column("level", "Cấp quản lý", kind="choice", choices=c.TaskLevel),
        Column("field", "Lĩnh vực", kind="choice", choices=c.ScienceField, required=True),
        Column("host_organisation", "Tổ chức chủ trì", max_length=255),
        Column("principal_investigator", "Chủ nhiệm nhiệm vụ", max_length=255),
        Column("start_date", "Thời gian bắt đầu", kind="date"),
        Column("end_date", "Thời gian kết thúc", kind="date"),
        Column("budget_state", "Kinh phí ngân sách nhà nước (đồng)", kind="money"),
        Column("budget_other", "Kinh phí nguồn khác (đồng)", kind="money"),
        Column("status", "Tình trạng", kind="choice", choices=c.TaskStatus),
        Column("acceptance_date", "Ngày nghiệm thu", kind="past_date"),
        Column("objectives", "Mục tiêu, nội dung chính"),
        Column("results", "Kết quả"),
        Column("application", "Ứng dụng kết quả"),
        *COMMON,
    ],
    "enterprise": [
        CODE,
        Column("name", "Tên doanh nghiệp", required=True, max_length=255),
        Column("tax_code", "Mã số thuế", max_length=20),
        Column("address", "Địa chỉ", max_length=255),
        Column("certificate_number", "Số giấy chứng nhận", max_length=40),
        Column("certificate_date", "Ngày cấp", kind="past_date"),
        Column("issuing_authority", "Cơ quan cấp", max_length=255),
        Column("field", "Lĩnh vực", kind="choice", choices=c.ScienceField),
        Column("products", "Sản phẩm, công nghệ"),
        Column("status", "Tình trạng", kind="choice", choices=c.EnterpriseStatus),
        *COMMON,
    ],
    "ip": [
        CODE,
        Column("name", "Tên", required=True, max_length=255),
        Column("ip_type", "Loại", kind="choice", choices=c.IPType, required=True),
        Column("product", "Sản phẩm", required=True, max_length=255),
        Column("holder", "Chủ sở hữu", max_length=255),
        Column("area", "Khu vực địa lý"),
        Column("protection_number", "Số văn bằng bảo hộ", max_length=40),
        Column("protection_date", "Ngày cấp văn bằng", kind="past_date"),
        Column("status", "Tình trạng", kind="choice", choices=c.IPStatus),
        Column("description", "Mô tả"),
        *COMMON,
    ],
    "support": [
        CODE,
        Column("programme", "Chương trình", kind="choice", choices=c.Programme, required=True),
        Column("beneficiary", "Đơn vị được hỗ trợ", required=True, max_length=255),
        Column("beneficiary_count", "Số đơn vị", kind="int", limit=10000),
        Column("year", "Năm", kind="year"),
        Column("amount", "Số tiền (đồng)", kind="money"),
        Column("purpose", "Nội dung hỗ trợ"),
        Column("outcome", "Kết quả"),
        *COMMON,
    ],
    "publication": [
        CODE,
        Column("title", "Tên ấn phẩm", required=True, max_length=500),
        Column("kind", "Loại", kind="choice", choices=c.PublicationKind),
        Column("year", "Năm xuất bản", kind="year", required=True),
        Column("issue", "Số, tập", max_length=40),
        Column("authors", "Tác giả, ban biên tập"),
        Column("publisher", "Đơn vị phát hành", max_length=255),
        Column("description", "Giới thiệu"),
        *COMMON,
    ],
    "film": [
        CODE,
        Column("title", "Tên phim", required=True, max_length=255),
        Column("topic", "Chủ đề", kind="choice", choices=c.FilmTopic),
        Column("year", "Năm sản xuất", kind="year"),
        Column("duration", "Thời lượng", kind="duration"),
        Column("description", "Giới thiệu"),
        Column("embed_url", "Địa chỉ YouTube / Vimeo", kind="url", max_length=200),
        Column("producer", "Đơn vị sản xuất", max_length=255),
        *COMMON,
    ],
}
# Columns whose values must also be unique inside one file (besides the code).
UNIQUE_IN_FILE = {"enterprise": ("certificate_number",)}
SHEET_TITLES = {
    "task": "Nhiệm vụ",
    "enterprise": "Doanh nghiệp",
    "ip": "Sở hữu trí tuệ",
    "support": "Hỗ trợ",
    "publication": "Ấn phẩm",
    "film": "Phim",
}
WIDE = {"Tên nhiệm vụ", "Tên ấn phẩm", "Mục tiêu, nội dung chính", "Kết quả", "Sản phẩm, công nghệ", "Mô tả"}


def headers(key: str) -> list[str]:
    return [column.header for column in COLUMNS[key]]


# --- export -----------------------------------------------------------------------------------------------------


def export_value(record, column: Column):
    value = getattr(record, column.key)
    if column.kind == "choice":
        return getattr(record, f"get_{column.key}_display")() if value else ""
    if column.kind == "bool":
        return tabular.yes_no(value)
    if column.kind in ("date", "past_date"):
        return value.strftime("%d/%m/%Y") if value else ""
    if column.kind == "duration":
        return parsing.format_duration(value)
    if value is None:
        return ""
    return value


def export_rows(key: str) -> list[list]:
    model = REGISTRIES[key].model
    rows = [headers(key)]
    for record in model.objects.order_by("code"):
        rows.append([export_value(record, column) for column in COLUMNS[key]])
    return rows


def export_csv(key: str) -> bytes:
    return tabular.write_csv(export_rows(key))


def export_xlsx(key: str) -> bytes:
    rows = export_rows(key)
    widths = {header: 50 for header in rows[0] if header in WIDE}
    return tabular.write_xlsx([tabular.Sheet(SHEET_TITLES[key], rows, widths)])


# --- validation -------------------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    line: int
    code: str
    values: dict
    existing_pk: int | None = None
    label: str = ""


@dataclass
class ImportPreview:
    key: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def created_count(self) -> int:
        return sum(1 for row in self.rows if row.existing_pk is None)

    @property
    def updated_count(self) -> int:
        return sum(1 for row in self.rows if row.existing_pk is not None)


def parse_cell(column: Column, text: str, choice_maps: dict):
    """The value of a non-empty cell; ValueError with a Vietnamese message."""
    if column.kind == "text":
        return text
    if column.kind == "choice":
        return tabular.parse_choice(text, column.header, column.choices, choice_maps[column.key])
    if column.kind == "bool":
        return tabular.parse_bool(text, column.header)
    if column.kind == "int":
        return tabular.parse_int(text, column.header, column.limit)
    if column.kind == "year":
        return parsing.parse_year(text)
    if column.kind == "money":
        return parsing.parse_money(text)
    if column.kind == "date":
        return parsing.parse_date(text, allow_future=True)
    if column.kind == "past_date":
        return parsing.parse_date(text, allow_future=False)
    if column.kind == "duration":
        return parsing.parse_duration(text)
    if column.kind == "url":
        return text
    raise AssertionError(column.kind)


def _prefixed(column: Column, message: str) -> str:
    return message if column.header in message else f"“{column.header}”: {message}"


def validate_table(key: str, table: list[list[str]]) -> ImportPreview:
    preview = ImportPreview(key)
    columns = COLUMNS[key]
    model = REGISTRIES[key].model
    if not table or tabular.is_blank_row(table[0]):
        preview.errors.append(RowError(1, "Tệp không có dòng tiêu đề. Dòng đầu tiên phải là tên các cột."))
        return preview
    mapped, header_errors = tabular.map_headers(table[0], columns)
    if header_errors:
        preview.errors.extend(header_errors)
        return preview
    if len(table) - 1 > MAX_ROWS:
        preview.errors.append(RowError(1, f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng dữ liệu)."))
        return preview

    choice_maps = {column.key: tabular.choice_map(column.choices) for column in columns if column.kind == "choice"}
    existing = {record.code: record.pk for record in model.objects.only("pk", "code")}
    seen: dict[tuple[str, str], int] = {}
    unique_keys = ("code", *UNIQUE_IN_FILE.get(key, ()))

    for line, cells in enumerate(table[1:], start=2):
        if tabular.is_blank_row(cells):
            continue
        if len(cells) > len(mapped) and not tabular.is_blank_row(cells[len(mapped) :]):
            preview.errors.append(RowError(line, "Dòng có nhiều ô hơn số cột tiêu đề."))
            continue
        values, row_errors = {}, []
        for column, raw in zip(mapped, cells, strict=False):
            if column is None:
                continue
            text = raw.replace("\r\n", "\n").strip()
            try:
                if column.required and not text:
                    raise ValueError(f"“{column.header}” không được để trống.")
                if column.max_length and len(text) > column.max_length:
                    raise ValueError(f"“{column.header}” quá dài (tối đa {column.max_length} ký tự).")
                if not text and column.kind != "text":
                    continue  # keep the current value (or the default of a new record)
                values[column.key] = parse_cell(column, text, choice_maps)
            except ValueError as error:
                row_errors.append(_prefixed(column, str(error)))
        code = values.get("code", "")
        if code:
            try:
                validate_code(code)
            except ValidationError as error:
                row_errors.append(f"“{mapped_header(columns, 'code')}” “{code[:40]}”: {error.messages[0]}")
        for unique_key in unique_keys:
            value = values.get(unique_key, "")
            if not value:
                continue
            if (unique_key, value) in seen:
                header = mapped_header(columns, unique_key)
                row_errors.append(f"{header} “{value}” trùng với dòng {seen[(unique_key, value)]} trong tệp.")
            else:
                seen[(unique_key, value)] = line
        if not row_errors:
            row_errors = _model_errors(model, existing.get(code) if code else None, values)
        if row_errors:
            preview.errors.extend(RowError(line, message) for message in row_errors)
            continue
        label = str(values.get("title") or values.get("name") or values.get("beneficiary") or "")
        preview.rows.append(
            ParsedRow(
                line=line, code=code, values=values, existing_pk=existing.get(code) if code else None, label=label
            )
        )

    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "Tệp không có dòng dữ liệu nào."))
    return preview


def mapped_header(columns: list[Column], key: str) -> str:
    return next((column.header for column in columns if column.key == key), key)


def _model_errors(model, existing_pk: int | None, values: dict) -> list[str]:
    """The model's own validation (ranges, cross-field rules, uniqueness) of the row applied to the record."""
    record = model() if existing_pk is None else model.objects.get(pk=existing_pk)
    for name, value in values.items():
        setattr(record, name, value)
    exclude = ["code"] if not record.code else None
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        labels = {model_field.name: str(model_field.verbose_name) for model_field in model._meta.fields}
        messages = []
        for name, items in error.message_dict.items():
            for message in items:
                prefix = labels.get(name, "")
                messages.append(f"{prefix[:1].upper()}{prefix[1:]}: {message}" if prefix else message)
        return messages
    return []


def preview_file(key: str, filename: str, data: bytes) -> ImportPreview:
    try:
        table = tabular.read_table(filename, data, sheet_name=SHEET_TITLES[key])
    except tabular.ImportFileError as error:
        return ImportPreview(key, errors=[RowError(0, str(error))])
    return validate_table(key, table)


# --- writing ----------------------------------------------------------------------------------------------------


@transaction.atomic
def apply_import(preview: ImportPreview) -> tuple[int, int]:
    """Write a valid preview: every row or (on any error) none. Returns (created, updated)."""
    if not preview.is_valid:
        raise ValueError("Only a valid preview can be imported.")
    model = REGISTRIES[preview.key].model
    created = updated = 0
    for row in preview.rows:
        record = model.objects.select_for_update().filter(code=row.code).first() if row.code else None
        if record is None:
            record = model()
            created += 1
        else:
            updated += 1
        for name, value in row.values.items():
            setattr(record, name, value)
        record.full_clean(exclude=None if record.code else ["code"])
        record.save()
    return created, updated
