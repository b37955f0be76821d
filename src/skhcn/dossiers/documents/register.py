"""The register of dossiers (form 06, Sổ theo dõi hồ sơ): one row per dossier received in a date range.

``RegisterFilterForm`` validates the filters (received date range — required, at most one year —, procedure,
field, division, status); ``register_rows(filters, dossiers)`` streams the rows over a lean ``.values()`` query
(``.iterator(chunk_size=2000)``: a server-side cursor on PostgreSQL); ``register_xlsx(filters, dossiers)`` writes
them with openpyxl in write-only mode to a temporary file and returns it, rewound, for the response to stream.

Dates are Vietnam-time calendar dates computed by the database (``TruncDate`` with the zone), so each row costs
Python only a tuple and a label lookup.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from skhcn.accounts.models import Division
from skhcn.core.pdf import VIETNAM as TZ
from skhcn.procedures.models import Procedure, ProcedureField

from ..constants import IN_PROGRESS_STATES, Action, Status
from ..models import Dossier, DossierEvent
from .formsets import FormKind, form_set_for

PAGE_SIZE = 50
CHUNK_SIZE = 2000
DATE_FORMAT = "DD/MM/YYYY"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

# (header, Excel column width, is a date)
COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("Số thứ tự trong sổ", 8, False),
    ("Mã hồ sơ", 24, False),
    ("Tên thủ tục hành chính", 48, False),
    ("Số lượng hồ sơ (bộ)", 9, False),
    ("Tên tổ chức, cá nhân", 28, False),
    ("Địa chỉ, số điện thoại", 36, False),
    ("Cơ quan chủ trì giải quyết", 28, False),
    ("Ngày nhận hồ sơ", 12, True),
    ("Ngày hẹn trả kết quả", 12, True),
    ("Ngày chuyển hồ sơ", 12, True),
    ("Ngày có kết quả", 12, True),
    ("Ngày trả kết quả", 12, True),
    ("Ghi chú", 30, False),
)
HEADERS = tuple(c[0] for c in COLUMNS)


class RegisterMessages:
    FROM_REQUIRED = "Vui lòng nhập ngày tiếp nhận “từ ngày”."
    TO_REQUIRED = "Vui lòng nhập ngày tiếp nhận “đến ngày”."
    DATE_INVALID = "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 01/03/2026)."
    FROM_AFTER_TO = "“Từ ngày” phải trước hoặc trùng “đến ngày”."
    RANGE_TOO_LONG = "Khoảng thời gian tối đa là một năm; vui lòng thu hẹp khoảng ngày."
    UNKNOWN_CHOICE = "Lựa chọn không hợp lệ; vui lòng chọn lại trong danh sách."


# Notes column: the deadline outcome of a finished dossier, else where it stands.
OUTCOME_LABELS = {"before": "Trước hạn", "on": "Đúng hạn", "after": "Trễ hạn"}
OVERDUE_LABEL = "Quá hạn (đang giải quyết)"
IN_PROGRESS_LABEL = "Đang giải quyết"
APOLOGY_NOTE = "đã xin lỗi, hẹn lại"
STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True)
class RegisterFilters:
    date_from: date
    date_to: date
    procedure: Procedure | None = None
    field: ProcedureField | None = None
    division: Division | None = None
    status: str = ""

    def describe(self) -> str:
        parts = [f"Tiếp nhận từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"]
        if self.procedure is not None:
            parts.append(f"thủ tục: {self.procedure.name}")
        if self.field is not None:
            parts.append(f"lĩnh vực: {self.field.name}")
        if self.division is not None:
            parts.append(f"phòng: {self.division.name}")
        if self.status:
            parts.append(f"trạng thái: {STATUS_LABELS.get(self.status, self.status)}")
        return "; ".join(parts)


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


CHOICE_ERRORS = {"invalid_choice": RegisterMessages.UNKNOWN_CHOICE, "invalid_pk_value": RegisterMessages.UNKNOWN_CHOICE}


def _date_field(label: str, required_message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"required": required_message, "invalid": RegisterMessages.DATE_INVALID},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _optional_choice(label: str, queryset: QuerySet, empty_label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=queryset, required=False, empty_label=empty_label, error_messages=CHOICE_ERRORS
    )


class RegisterFilterForm(forms.Form):
    """The register's filters (GET parameters ``tu_ngay``, ``den_ngay``, ``thu_tuc``, ``linh_vuc``, ``phong``,
    ``trang_thai``). ``divisions`` limits the division choices (a division head sees only their own)."""

    tu_ngay = _date_field("Tiếp nhận từ ngày", RegisterMessages.FROM_REQUIRED)
    den_ngay = _date_field("Đến ngày", RegisterMessages.TO_REQUIRED)
    thu_tuc = _optional_choice(
        "Thủ tục", Procedure.objects.only("id", "code", "name").order_by("name"), "Tất cả thủ tục"
    )
    linh_vuc = _optional_choice("Lĩnh vực", ProcedureField.objects.all(), "Tất cả lĩnh vực")
    phong = _optional_choice("Phòng chủ trì", Division.objects.all(), "Tất cả các phòng")
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        choices=[("", "Tất cả trạng thái")] + [(v, label) for v, label in Status.choices if v != Status.DRAFT],
        required=False,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, divisions: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["phong"].queryset = divisions
        self.fields["thu_tuc"].label_from_instance = lambda p: f"{p.name} ({p.code})"

    def clean(self):
        data = super().clean()
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end:
            if start > end:
                self.add_error("den_ngay", RegisterMessages.FROM_AFTER_TO)
            elif end >= _one_year_after(start):
                self.add_error("den_ngay", RegisterMessages.RANGE_TOO_LONG)
        return data

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data
        return RegisterFilters(
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
            procedure=data.get("thu_tuc"),
            field=data.get("linh_vuc"),
            division=data.get("phong"),
            status=data.get("trang_thai") or "",
        )


def default_range(today: date | None = None) -> tuple[date, date]:
    """From the first of the current month to today (Vietnam time)."""
    today = today or timezone.now().astimezone(TZ).date()
    return today.replace(day=1), today


# --- the query -------------------------------------------------------------------------------------------------------
def _local_day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=TZ)


def register_queryset(filters: RegisterFilters, dossiers: QuerySet | None = None) -> QuerySet:
    """The register's rows as a lean ``.values_list()`` query (in ``ROW_FIELDS`` order), oldest receipt first.

    ``dossiers`` is what the user may see (``access.visible_dossiers``); all filed dossiers by default.
    """
    qs = dossiers if dossiers is not None else Dossier.objects.exclude(status=Status.DRAFT)
    start = datetime.combine(filters.date_from, time.min, tzinfo=TZ)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=TZ)
    qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if filters.procedure is not None:
        qs = qs.filter(procedure_id=filters.procedure.pk)
    if filters.field is not None:
        qs = qs.filter(procedure__field_id=filters.field.pk)
    if filters.division is not None:
        qs = qs.filter(division_id=filters.division.pk)
    if filters.status:
        qs = qs.filter(status=filters.status)
    transferred = (
        DossierEvent.objects.filter(dossier_id=OuterRef("pk"), action=Action.TRANSFER)
        .order_by("at", "id")
        .values("at")[:1]
    )
    return (
        qs.annotate(
            r_day=_local_day("received_at"),
            d_day=_local_day("due_at"),
            t_day=_local_day(Subquery(transferred, output_field=DateTimeField())),
            f_day=_local_day("finished_at"),
            ret_day=_local_day("returned_at"),
            procedure_name=F("procedure__name"),
            division_name=F("division__name"),
        )
        .order_by("received_at", "id")
        .values_list(*ROW_FIELDS)
    )


ROW_FIELDS = (
    "register_serial",
    "code",
    "procedure_name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "division_name",
    "r_day",
    "d_day",
    "t_day",
    "f_day",
    "ret_day",
    "status",
    "due_at",
    "finished_at",
    "apology_used",
)


def note(status: str, due_at: datetime | None, finished_at: datetime | None, apology: bool, now: datetime) -> str:
    """The notes column: before / on / after the deadline once finished; overdue or in progress while open; the
    state otherwise (withdrawn, stopped, awaiting the fee ...); plus the apology."""
    if finished_at is not None and due_at is not None:
        if finished_at > due_at:
            text = OUTCOME_LABELS["after"]
        elif finished_at.astimezone(TZ).date() == due_at.astimezone(TZ).date():
            text = OUTCOME_LABELS["on"]
        else:
            text = OUTCOME_LABELS["before"]
        if status in (Status.REFUSED,):
            text = f"{STATUS_LABELS[status]} – {text.lower()}"
    elif status in IN_PROGRESS_STATES:
        text = OVERDUE_LABEL if due_at is not None and due_at < now else IN_PROGRESS_LABEL
    else:
        text = STATUS_LABELS.get(status, status)
    return f"{text}; {APOLOGY_NOTE}" if apology else text


# Each dossier is one set of papers (a dossier that came in several sets would be several dossiers).
SETS_PER_DOSSIER = 1


def build_rows(values: Iterable[tuple], now: datetime | None = None) -> Iterator[tuple]:
    """Register rows (in ``COLUMNS`` order) from ``register_queryset`` tuples. The first column is the dossier's
    number in the register of its receipt year, the number its form 01 prints (not a position in this list: a
    filtered register shows the book's numbers, with the gaps of what the filter left out)."""
    now = now or timezone.now()
    for v in values:
        address, phone = v[4], v[5]
        contact = f"{address} – {phone}" if address and phone else (address or phone)
        yield (
            v[0],
            v[1],
            v[2],
            SETS_PER_DOSSIER,
            v[3],
            contact,
            v[6] or "",
            v[7],
            v[8],
            v[9],
            v[10],
            v[11],
            note(v[12], v[13], v[14], v[15], now),
        )


def register_rows(filters: RegisterFilters, dossiers: QuerySet | None = None) -> Iterator[tuple]:
    """All rows of the register for ``filters``, streamed (chunks of 2,000 from the database)."""
    return build_rows(register_queryset(filters, dossiers).iterator(chunk_size=CHUNK_SIZE))


# --- XLSX ------------------------------------------------------------------------------------------------------------
def register_title() -> str:
    form = form_set_for(timezone.now()).form(FormKind.REGISTER)
    return form.title.upper()


def register_xlsx(filters: RegisterFilters, dossiers: QuerySet | None = None):
    """The register as an XLSX workbook in a rewound temporary file (deleted when closed).

    Write-only openpyxl: rows go to disk as they come, so memory stays flat however many rows there are. Date cells
    are real Excel dates shown dd/mm/yyyy; the header row is bold, columns have widths, panes freeze below the
    header and right of the code.
    """
    # openpyxl is heavy and only the XLSX export needs it: imported on first use, not with every staff page.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ theo dõi hồ sơ")
    for index, (_header, width, _is_date) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 4
    sheet.freeze_panes = f"C{header_row + 1}"

    title = WriteOnlyCell(sheet, value=f"{register_title()} – {settings.AGENCY_NAME}")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([filters.describe()])
    sheet.append([f"Xuất lúc {timezone.now().astimezone(TZ):%d/%m/%Y %H:%M}"])
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    headers = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.alignment = wrap
        headers.append(cell)
    sheet.append(headers)

    # One styled cell per date column, reused: write-only rows are serialised as soon as they are appended.
    date_positions = [index for index, column in enumerate(COLUMNS) if column[2]]
    date_cells = {}
    for index in date_positions:
        cell = WriteOnlyCell(sheet)
        cell.number_format = DATE_FORMAT
        date_cells[index] = cell
    append = sheet.append
    for row in register_rows(filters, dossiers):
        row = list(row)
        for index in date_positions:
            value = row[index]
            if value is not None:
                cell = date_cells[index]
                cell.value = value
                row[index] = cell
        append(row)

    output = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        workbook.save(output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def xlsx_filename(filters: RegisterFilters) -> str:
    return f"so-theo-doi-ho-so_{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.xlsx"
