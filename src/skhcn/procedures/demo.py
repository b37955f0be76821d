"""Demo procedure catalogue, built from ``demo/procedures-dost.csv`` (public sources + reconstructed rows).

Idempotent: fields are looked up by code and procedures by their code, so loading twice duplicates nothing, and a
procedure that already exists (perhaps edited by staff) is left as it is.

What the CSV does not say is filled with DEMO ASSUMPTIONS, recorded in each procedure's ``source`` text and in
docs/thu-tuc-hanh-chinh.md: online level (all "toàn trình" except one), postal channel (a subset), whether the clock
waits for the fee (when a fee is named), applicants, result and the required documents. A fee text naming a range
or several amounts (a tariff by case) gives a fee range ([lowest, highest]; ``parse_fee``). Rows whose status is not
"verified…", or whose processing time is missing from the source, are marked as samples (``DataStatus.SAMPLE``).
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from skhcn.core.demo import demo_loader
from skhcn.deadlines.constants import TimeUnit

from .constants import DataStatus, DocumentForm, OnlineLevel
from .fees import parse_fee_range
from .models import Procedure, ProcedureField, RequiredDocument

CSV_FILE = Path(__file__).parent / "demo" / "procedures-dost.csv"
AGENCY = "Sở Khoa học và Công nghệ"

# group -> (field code, field name, sort order, applicants)
FIELDS = {
    "HDKHCN": ("hdkhcn", "Hoạt động khoa học và công nghệ", 1, "Tổ chức, cá nhân hoạt động khoa học và công nghệ"),
    "DACTHU": (
        "dacthu",
        "Chính sách hỗ trợ đặc thù của tỉnh về khoa học và công nghệ",
        2,
        "Doanh nghiệp, hợp tác xã, tổ chức, cá nhân trên địa bàn tỉnh",
    ),
    "SHTT": ("shtt", "Sở hữu trí tuệ", 3, "Tổ chức, cá nhân"),
    "TDC": (
        "tdc",
        "Tiêu chuẩn, đo lường, chất lượng",
        4,
        "Tổ chức, cá nhân sản xuất, kinh doanh, nhập khẩu hàng hóa",
    ),
    "ATBX": ("atbx", "An toàn bức xạ và hạt nhân", 5, "Cơ sở y tế, tổ chức, cá nhân sử dụng thiết bị X-quang"),
}

# Demo assumptions (row numbers of the CSV), not facts: see docs/thu-tuc-hanh-chinh.md.
PARTIAL_ONLINE = {22}  # council appraisal session held in person
NO_POST = {21, 22, 23, 24, 25, 26, 27, 30, 31, 36, 38, 42}
RETURN_BY_POST_ONLY = {45, 46, 47}
UNKNOWN_TIME = (30, TimeUnit.WORKING_DAYS)

NATIONAL_CODE = re.compile(r"\b\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2})?\.H\d{2}\b")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
PARENS = re.compile(r"\([^()]*\)")
TIME_TERM = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*ngày(\s+làm\s+việc)?")
AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{4,}")

GROUP_DOCUMENTS = {
    "HDKHCN": [
        ("Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập tổ chức", DocumentForm.CERTIFIED_COPY),
        ("Thuyết minh, báo cáo về nội dung đề nghị", DocumentForm.ORIGINAL),
    ],
    "DACTHU": [
        ("Thuyết minh dự án hoặc phương án đề nghị hỗ trợ", DocumentForm.ORIGINAL),
        ("Dự toán kinh phí và các chứng từ liên quan", DocumentForm.ORIGINAL_OR_COPY),
    ],
    "SHTT": [
        ("Bản sao quyết định thành lập hoặc giấy tờ tùy thân", DocumentForm.CERTIFIED_COPY),
        ("Tài liệu chứng minh đáp ứng điều kiện hoạt động giám định", DocumentForm.COPY),
    ],
    "TDC": [
        ("Bản công bố, bản đăng ký hoặc tài liệu kỹ thuật theo mẫu", DocumentForm.ORIGINAL),
        ("Giấy chứng nhận, kết quả thử nghiệm hoặc chứng từ hàng hóa liên quan", DocumentForm.COPY),
    ],
    "ATBX": [
        ("Phiếu khai báo thiết bị X-quang và nguồn phóng xạ", DocumentForm.ORIGINAL),
        ("Biên bản kiểm định thiết bị X-quang còn hiệu lực", DocumentForm.COPY),
    ],
}
RENEWAL_WORDS = ("cấp lại", "gia hạn", "sửa đổi", "thay đổi", "điều chỉnh")


@dataclass
class DemoRow:
    group: str
    number: int
    name: str
    time: str
    fee: str
    legal_basis: str
    status: str
    source: str


def read_rows(path: Path = CSV_FILE) -> list[DemoRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = []
        previous_basis = ""
        for raw in csv.DictReader(handle):
            basis = raw["legal_basis"].strip()
            if basis == "idem":  # "same as the row above"
                basis = previous_basis
            previous_basis = basis
            rows.append(
                DemoRow(
                    group=raw["group"].strip(),
                    number=int(raw["no"]),
                    name=raw["name_vi"].strip(),
                    time=raw["time"].strip(),
                    fee=raw["fee"].strip(),
                    legal_basis=basis,
                    status=raw["status"].strip(),
                    source=raw["source"].strip(),
                )
            )
        return rows


def _split_outside_parens(text: str, separator: str = ";") -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == separator and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _segment_year(segment: str) -> int:
    """How current a segment is: its latest year; "older" lists rank lowest, undated ones in between."""
    if "older" in segment or "era" in segment:
        return 0
    years = [int(year) for year in YEAR.findall(segment)]
    return max(years) if years else 1


def parse_time(text: str) -> tuple[int, str] | None:
    """ "05 ngày làm việc (NĐ 80/2007 era); 15 ngày (NĐ 268/2025)" -> (15, calendar days).

    Several alternatives: the most recent one; a range "5-15": its upper bound; "03 ngày + 10 ngày": the sum.
    None when the text gives no number of days ("theo lịch hội đồng").
    """
    segments = _split_outside_parens(text)
    if not segments:
        return None
    best = max(enumerate(segments), key=lambda item: (_segment_year(item[1]), -item[0]))[1]
    total, unit = 0, None
    for term in PARENS.sub(" ", best).split("+"):
        match = TIME_TERM.search(term)
        if not match:
            continue
        total += int(match.group(2) or match.group(1))
        unit = unit or (TimeUnit.WORKING_DAYS if match.group(3) else TimeUnit.CALENDAR_DAYS)
    return (total, unit) if total else None


def parse_fee(text: str) -> tuple[str, int, int]:
    """Fee text, its amount in đồng and the upper bound of a range (0: a fixed fee).

    A range written out ("2.000.000 – 16.000.000 đồng") gives both bounds; a tariff listing several amounts, one per
    case ("2.000.000 (răng), 3.000.000 (thường quy), ..., 16.000.000 (PET/CT)"), the lowest and the highest; one amount
    ("~150.000 đ") a fixed fee; no amount: 0.
    """
    if not text:
        return "Chưa có thông tin trong nguồn", 0, 0
    if (bounds := parse_fee_range(text)) is not None:
        return text, *bounds
    amounts = sorted({int(match.replace(".", "")) for match in AMOUNT.findall(text)})
    if len(amounts) > 1:
        return text, amounts[0], amounts[-1]
    return text, amounts[0] if amounts else 0, 0


def procedure_code(row: DemoRow) -> str:
    """The national code when the source gives one; otherwise an obviously sample code (never a fake national one)."""
    match = NATIONAL_CODE.search(row.source)
    return match.group() if match else f"MAU-{row.group}-{row.number:02d}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def demo_documents(row: DemoRow) -> list[tuple[str, str, bool]]:
    """2–4 generic but sensible documents: the application form first."""
    documents = [(f"Đơn đề nghị {_lower_first(row.name)}"[:500], DocumentForm.ORIGINAL, True)]
    documents += [(name, form, True) for name, form in GROUP_DOCUMENTS[row.group]]
    if any(word in row.name.lower() for word in RENEWAL_WORDS):
        documents.append(("Giấy chứng nhận, giấy phép hoặc quyết định đã được cấp (nếu có)", DocumentForm.COPY, False))
    return documents


def procedure_values(row: DemoRow) -> dict:
    parsed_time = parse_time(row.time)
    fee_description, fee_amount, fee_amount_max = parse_fee(row.fee)
    verified = row.status.startswith("verified") and parsed_time is not None
    notes = [
        f"Nguồn: {row.source}." if row.source else "Dựng lại từ hiểu biết chung, chưa đối chiếu nguồn công khai.",
        f"Tình trạng đối chiếu: {row.status}.",
        f"Thời hạn theo nguồn: {row.time}." if row.time else "",
    ]
    if parsed_time is None:
        parsed_time = UNKNOWN_TIME
        notes.append("Nguồn không ghi thời hạn: thời hạn hiển thị là giả định của dữ liệu mẫu.")
    notes.append(
        "Giả định của dữ liệu mẫu (không có trong nguồn): mức độ trực tuyến, bưu chính, "
        "tính thời hạn từ khi nộp phí, đối tượng, kết quả và thành phần hồ sơ."
    )
    charges_fee = bool(row.fee) and not row.fee.lower().startswith("không")
    return {
        "name": row.name,
        "field": None,  # set by the caller
        "online_level": OnlineLevel.PARTIAL if row.number in PARTIAL_ONLINE else OnlineLevel.FULL,
        "post_submission": row.number not in NO_POST and row.number not in RETURN_BY_POST_ONLY,
        "post_return": row.number not in NO_POST,
        "processing_time": parsed_time[0],
        "time_unit": parsed_time[1],
        "clock_waits_for_fee": charges_fee,
        "fee_description": fee_description,
        "fee_amount": fee_amount,
        "fee_amount_max": fee_amount_max,
        "applicants": FIELDS[row.group][3],
        "result": f"Văn bản giải quyết của {AGENCY} đối với đề nghị: {_lower_first(row.name)}.",
        "legal_basis": row.legal_basis,
        "implementing_agency": AGENCY,
        "data_status": DataStatus.VERIFIED if verified else DataStatus.SAMPLE,
        "source": "\n".join(note for note in notes if note),
        "is_active": True,
    }


@transaction.atomic
@demo_loader("procedures", order=20)
def load_procedures_demo(stdout, if_empty: bool) -> None:
    if if_empty and Procedure.objects.exists():
        stdout.write("Đã có danh mục thủ tục hành chính, bỏ qua danh mục mẫu.")
    else:
        load_demo_procedures(stdout)


def load_demo_procedures(stdout=None) -> int:
    """Create the demo fields, procedures and documents that do not exist yet; return how many procedures were made."""
    fields = {}
    for group, (code, name, order, _applicants) in FIELDS.items():
        fields[group], _ = ProcedureField.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    created = 0
    for row in read_rows():
        values = procedure_values(row)
        values["field"] = fields[row.group]
        procedure, was_created = Procedure.objects.get_or_create(code=procedure_code(row), defaults=values)
        if not was_created:
            continue
        created += 1
        RequiredDocument.objects.bulk_create(
            RequiredDocument(procedure=procedure, name=name, form=form, copies=1, mandatory=mandatory, sort_order=i)
            for i, (name, form, mandatory) in enumerate(demo_documents(row), start=1)
        )
    if stdout is not None:
        stdout.write(f"Danh mục thủ tục hành chính mẫu: tạo mới {created} thủ tục.")
    return created
