"""Catalogue import/export (CSV and XLSX): one row per procedure, the required documents in one column.

Format (docs/thu-tuc-hanh-chinh.md):

* Header row with the column titles of ``COLUMNS`` (with or without diacritics, any case, any order). The four
  required columns must be present; an optional column that is absent leaves that value as it is (or the default
  for a new procedure). An unknown column is an error.
* Choices are written as their Vietnamese label ("Toàn trình", "ngày làm việc") — the internal code is accepted too;
  yes/no as "Có"/"Không".
* "Thành phần hồ sơ": one document per line, ``Tên giấy tờ | Hình thức | Số lượng | Bắt buộc/Không bắt buộc``. When
  the column is present it is the full list of the procedure's documents (matched by name, so uploaded blank
  templates are kept).
* "Phí, lệ phí" holding a range ("2.000.000 – 16.000.000 đồng") sets "Số tiền phí" and "Số tiền phí tối đa" when
  the row gives neither number.
* Rows are matched to procedures by "Mã thủ tục": existing ones are updated, new ones created; procedures absent from
  the file are left untouched. The whole file is validated first, and written in one transaction: all or nothing.

CSV files may be UTF-8 (with or without BOM) or Windows-1258 (cp1258); the encoding is detected. Export writes UTF-8
with BOM, so that Excel opens it correctly.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from skhcn.core import tabular
from skhcn.core.tabular import (  # noqa: F401 - part of this module's interface
    CODE_RE,
    FALSE_WORDS,
    MAX_FILE_SIZE,
    NO,
    TRUE_WORDS,
    YES,
    ImportFileError,
    RowError,
    decode_csv,
    read_csv,
)
from skhcn.core.text import fold
from skhcn.deadlines.constants import TimeUnit

from .constants import DataStatus, DocumentForm, OnlineLevel
from .fees import parse_fee_range
from .models import Procedure, ProcedureField, RequiredDocument

MAX_ROWS = 5000
MANDATORY, OPTIONAL = "Bắt buộc", "Không bắt buộc"
DOCUMENT_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | bool | int | choice | field | documents
    required: bool = False
    max_length: int | None = None
    choices: type | None = None


COLUMNS = [
    Column("code", "Mã thủ tục", required=True, max_length=40),
    Column("name", "Tên thủ tục", required=True, max_length=500),
    Column("field", "Mã lĩnh vực", kind="field", required=True),
    Column("online_level", "Mức độ trực tuyến", kind="choice", choices=OnlineLevel),
    Column("post_submission", "Nhận hồ sơ qua bưu chính", kind="bool"),
    Column("post_return", "Trả kết quả qua bưu chính", kind="bool"),
    Column("processing_time", "Thời hạn giải quyết", kind="int", required=True),
    Column("time_unit", "Đơn vị thời hạn", kind="choice", choices=TimeUnit),
    Column("clock_waits_for_fee", "Tính thời hạn từ khi nộp phí", kind="bool"),
    Column("fee_description", "Phí, lệ phí"),
    Column("fee_amount", "Số tiền phí (đồng)", kind="int"),
    Column("fee_amount_max", "Số tiền phí tối đa (đồng)", kind="int"),
    Column("applicants", "Đối tượng thực hiện"),
    Column("conditions", "Yêu cầu, điều kiện"),
    Column("legal_basis", "Căn cứ pháp lý"),
    Column("result", "Kết quả thực hiện"),
    Column("implementing_agency", "Cơ quan thực hiện", max_length=255),
    Column("allowed_file_types", "Định dạng tệp cho phép", max_length=200),
    Column("data_status", "Nguồn dữ liệu", kind="choice", choices=DataStatus),
    Column("source", "Nguồn"),
    Column("is_active", "Đang áp dụng", kind="bool"),
    Column("documents", "Thành phần hồ sơ", kind="documents"),
]
HEADERS = [column.header for column in COLUMNS]
INT_LIMITS = {"processing_time": 32767, "fee_amount": 10**15, "fee_amount_max": 10**15}


# --- export ---------------------------------------------------------------------------------------------------


def format_documents(procedure: Procedure) -> str:
    return "\n".join(
        f"{document.name} {DOCUMENT_SEPARATOR} {document.get_form_display()} {DOCUMENT_SEPARATOR} {document.copies} "
        f"{DOCUMENT_SEPARATOR} {MANDATORY if document.mandatory else OPTIONAL}"
        for document in procedure.documents.all()
    )


def export_rows() -> list[list]:
    """The header and one row per procedure (active or not), in catalogue order."""
    procedures = (
        Procedure.objects.select_related("field")
        .prefetch_related("documents")
        .order_by("field__sort_order", "field__code", "code")
    )
    rows = [HEADERS]
    for procedure in procedures:
        row = []
        for column in COLUMNS:
            if column.kind == "field":
                row.append(procedure.field.code)
            elif column.kind == "documents":
                row.append(format_documents(procedure))
            elif column.kind == "bool":
                row.append(tabular.yes_no(getattr(procedure, column.key)))
            elif column.kind == "choice":
                row.append(getattr(procedure, f"get_{column.key}_display")())
            else:
                row.append(getattr(procedure, column.key))
        rows.append(row)
    return rows


def export_csv() -> bytes:
    return tabular.write_csv(export_rows())


def export_xlsx() -> bytes:
    widths = {"Mã thủ tục": 24, "Tên thủ tục": 60, "Thành phần hồ sơ": 80, "Căn cứ pháp lý": 40, "Nguồn": 40}
    # The second sheet is for reference only (ignored on import): the codes the "Mã lĩnh vực" column may use.
    fields = [["Mã lĩnh vực", "Tên lĩnh vực"]] + [[item.code, item.name] for item in ProcedureField.objects.all()]
    return tabular.write_xlsx(
        [tabular.Sheet("Thủ tục", export_rows(), widths), tabular.Sheet("Lĩnh vực", fields, default_width=18)]
    )


# --- reading files --------------------------------------------------------------------------------------------


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of the file (XLSX: the sheet "Thủ tục", else the first one); see ``skhcn.core.tabular``."""
    return tabular.read_table(filename, data, sheet_name="Thủ tục", max_size=MAX_FILE_SIZE)


# --- validation -----------------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    line: int
    code: str
    values: dict
    documents: list[dict] | None
    existing: Procedure | None = None


@dataclass
class ImportPreview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def created_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is None)

    @property
    def updated_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)


_choice_map = tabular.choice_map


_parse_int = tabular.parse_int


DOCUMENT_FORMS = _choice_map(DocumentForm)
MANDATORY_WORDS = (
    {fold(MANDATORY): True, fold(OPTIONAL): False}
    | {word: True for word in TRUE_WORDS}
    | {word: False for word in FALSE_WORDS}
)


def parse_documents(text: str) -> list[dict]:
    documents = []
    for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
        if not line:
            continue
        parts = [part.strip() for part in line.rsplit(DOCUMENT_SEPARATOR, 3)]
        if len(parts) != 4 or not parts[0]:
            raise ValueError(
                f"Thành phần hồ sơ, dòng {number}: cần dạng “Tên giấy tờ | Hình thức | Số lượng | Bắt buộc”."
            )
        name, form_text, copies_text, mandatory_text = parts
        if len(name) > 500:
            raise ValueError(f"Thành phần hồ sơ, dòng {number}: tên giấy tờ quá dài (tối đa 500 ký tự).")
        form = DOCUMENT_FORMS.get(fold(form_text))
        if form is None:
            raise ValueError(f"Thành phần hồ sơ, dòng {number}: hình thức “{form_text[:50]}” không hợp lệ.")
        if not copies_text.isdigit() or not 1 <= int(copies_text) <= 100:
            raise ValueError(f"Thành phần hồ sơ, dòng {number}: số lượng phải là số nguyên từ 1 đến 100.")
        mandatory = MANDATORY_WORDS.get(fold(mandatory_text))
        if mandatory is None:
            raise ValueError(f"Thành phần hồ sơ, dòng {number}: ghi “{MANDATORY}” hoặc “{OPTIONAL}”.")
        documents.append({"name": name, "form": form, "copies": int(copies_text), "mandatory": mandatory})
    return documents


def _map_headers(header: list[str]) -> tuple[list[Column | None], list[RowError]]:
    return tabular.map_headers(header, COLUMNS)


def validate_table(table: list[list[str]]) -> ImportPreview:
    preview = ImportPreview()
    if not table or not any(cell.strip() for cell in table[0]):
        preview.errors.append(RowError(1, "Tệp không có dòng tiêu đề. Dòng đầu tiên phải là tên các cột."))
        return preview
    mapped, header_errors = _map_headers(table[0])
    preview.columns = [column for column in mapped if column is not None]
    if header_errors:
        preview.errors.extend(header_errors)
        return preview
    if len(table) - 1 > MAX_ROWS:
        preview.errors.append(RowError(1, f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} thủ tục)."))
        return preview

    fields = {procedure_field.code: procedure_field for procedure_field in ProcedureField.objects.all()}
    fields_folded = {fold(code): procedure_field for code, procedure_field in fields.items()}
    choice_maps = {column.key: _choice_map(column.choices) for column in COLUMNS if column.kind == "choice"}
    first_line_of_code: dict[str, int] = {}
    existing = {procedure.code: procedure for procedure in Procedure.objects.all()}

    for line, cells in enumerate(table[1:], start=2):
        if tabular.is_blank_row(cells):
            continue
        if len(cells) > len(mapped) and any(cell.strip() for cell in cells[len(mapped) :]):
            preview.errors.append(RowError(line, "Dòng có nhiều ô hơn số cột tiêu đề."))
            continue
        values, documents, row_errors = {}, None, []
        for column, raw in zip(mapped, cells, strict=False):
            if column is None:
                continue
            text = raw.replace("\r\n", "\n").strip()
            try:
                if column.kind == "documents":
                    documents = parse_documents(text)
                    continue
                if column.required and not text:
                    raise ValueError(f"“{column.header}” không được để trống.")
                if column.max_length and len(text) > column.max_length:
                    raise ValueError(f"“{column.header}” quá dài (tối đa {column.max_length} ký tự).")
                if column.kind == "text":
                    values[column.key] = text
                elif not text:
                    continue  # empty optional value: keep the current one (or the default for a new procedure)
                elif column.kind == "field":
                    procedure_field = fields.get(text) or fields_folded.get(fold(text))
                    if procedure_field is None:
                        raise ValueError(f"Mã lĩnh vực “{text[:40]}” không tồn tại.")
                    values["field"] = procedure_field
                elif column.kind == "bool":
                    values[column.key] = tabular.parse_bool(text, column.header)
                elif column.kind == "int":
                    number = _parse_int(text, column.header, INT_LIMITS[column.key])
                    if column.key == "processing_time" and number == 0:
                        raise ValueError("“Thời hạn giải quyết” phải lớn hơn 0.")
                    values[column.key] = number
                elif column.kind == "choice":
                    values[column.key] = tabular.parse_choice(
                        text, column.header, column.choices, choice_maps[column.key]
                    )
            except ValueError as error:
                row_errors.append(str(error))
        _fee_range_from_text(values)
        code = values.get("code", "")
        if code and not CODE_RE.fullmatch(code):
            row_errors.append(f"Mã thủ tục “{code}” chỉ được chứa chữ không dấu, chữ số, dấu chấm, gạch ngang.")
        if code in first_line_of_code:
            row_errors.append(f"Mã thủ tục “{code}” trùng với dòng {first_line_of_code[code]} trong tệp.")
        elif code:
            first_line_of_code[code] = line
        if not row_errors:
            row_errors = _model_errors(existing.get(code), values)
        if row_errors:
            preview.errors.extend(RowError(line, message) for message in row_errors)
            continue
        preview.rows.append(
            ParsedRow(line=line, code=code, values=values, documents=documents, existing=existing.get(code))
        )

    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "Tệp không có dòng dữ liệu nào."))
    return preview


def _fee_range_from_text(values: dict) -> None:
    """A fee text holding a range ("2.000.000 – 16.000.000 đồng") sets both amounts when the row gives neither."""
    if "fee_amount" in values or "fee_amount_max" in values:
        return
    if (bounds := parse_fee_range(values.get("fee_description", ""))) is not None:
        values["fee_amount"], values["fee_amount_max"] = bounds


def _model_errors(existing: Procedure | None, values: dict) -> list[str]:
    """The model's own validation of the row applied to the current record (or to a new one)."""
    procedure = Procedure() if existing is None else Procedure.objects.get(pk=existing.pk)
    for key, value in values.items():
        setattr(procedure, key, value)
    try:
        procedure.full_clean(validate_unique=False)
    except ValidationError as error:
        labels = {model_field.name: model_field.verbose_name for model_field in Procedure._meta.fields}
        return [
            f"{labels.get(name, name).capitalize()}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def preview_file(filename: str, data: bytes) -> ImportPreview:
    try:
        table = read_table(filename, data)
    except ImportFileError as error:
        return ImportPreview(errors=[RowError(0, str(error))])
    return validate_table(table)


# --- writing --------------------------------------------------------------------------------------------------


def _sync_documents(procedure: Procedure, documents: list[dict]) -> None:
    current: dict[str, list[RequiredDocument]] = {}
    for document in RequiredDocument.objects.filter(procedure=procedure).order_by("sort_order", "id"):
        current.setdefault(document.name, []).append(document)
    for order, values in enumerate(documents, start=1):
        matches = current.get(values["name"])
        document = matches.pop(0) if matches else RequiredDocument(procedure=procedure, name=values["name"])
        document.form, document.copies, document.mandatory = values["form"], values["copies"], values["mandatory"]
        document.sort_order = order
        document.save()
    leftovers = [document.pk for documents_left in current.values() for document in documents_left]
    RequiredDocument.objects.filter(pk__in=leftovers).delete()


@transaction.atomic
def apply_import(preview: ImportPreview) -> tuple[int, int]:
    """Write a valid preview: all rows or (on any error) none. Returns (created, updated)."""
    if not preview.is_valid:
        raise ValueError("Only a valid preview can be imported.")
    created = updated = 0
    for row in preview.rows:
        procedure = Procedure.objects.select_for_update().filter(code=row.code).first()
        if procedure is None:
            procedure = Procedure(**row.values)
            created += 1
        else:
            for key, value in row.values.items():
                setattr(procedure, key, value)
            updated += 1
        procedure.save()
        if row.documents is not None:
            _sync_documents(procedure, row.documents)
    return created, updated
