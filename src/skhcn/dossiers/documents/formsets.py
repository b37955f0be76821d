"""Form sets as versioned data: the one-stop forms (receipt, requests, refusal, apology, control slip, register) as
numbered by the circular in force. A dossier stores the key of the set in force when it was received
(``Dossier.form_set``) and keeps it, so a dossier received under the 2018 circular prints the 2018 forms.

Configuration, not law: numbers and titles follow the domain brief. The 2018 set is Circular 01/2018/TT-VPCP
(Mẫu 01–06). The 2025 set is Circular 03/2025/TT-VPCP, taken as effective from 01/07/2025 together with Decree
118/2025/NĐ-CP; its numbering is assumed to match the 2018 set. Check both against the published circulars and
adjust ``FORM_SETS`` / ``effective_from`` here; nothing else encodes them.

The afternoon cut-off ("received after 15:00 counts from the next working day") is configuration too, and uncertain:
as far as the project knows, the decree states it only for procedures whose result is returned the same day
(``CutoffScope.SAME_DAY``, the default); elsewhere counting starts from the day of receipt. ``cutoff_basis`` says what
each set relies on; the staff guide (docs/quy-trinh-ho-so.md, "Thời hạn") quotes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from skhcn.deadlines.calendar import TZ


class FormKind:
    RECEIPT = "receipt"  # 01 tiếp nhận và hẹn trả kết quả
    COMPLETION_REQUEST = "completion_request"  # 02 yêu cầu bổ sung, hoàn thiện
    REFUSAL = "refusal"  # 03 từ chối tiếp nhận
    APOLOGY = "apology"  # 04 xin lỗi và hẹn lại
    CONTROL_SLIP = "control_slip"  # 05 phiếu kiểm soát
    REGISTER = "register"  # 06 sổ theo dõi


@dataclass(frozen=True)
class Form:
    kind: str
    number: str
    title: str

    @property
    def label(self) -> str:
        return f"Mẫu số {self.number}: {self.title}"


class CutoffScope:
    """Which procedures the afternoon cut-off ("received after 15:00 counts from the next working day") applies to."""

    SAME_DAY = "same_day"  # only procedures whose result is due the day of receipt (processing time 0)
    ALL = "all"  # every procedure
    NONE = "none"  # none: counting starts from the day of receipt


@dataclass(frozen=True)
class FormSet:
    """The rule set in force for a dossier: its forms and the limits the law sets (kept for the dossier's life)."""

    key: str
    circular: str
    effective_from: date
    forms: tuple[Form, ...]
    # Supplement requests allowed while the dossier is processed (each pauses the clock), and completion requests
    # at intake (the officer must guide once, completely).
    supplement_requests_max: int = 1
    completion_requests_max: int = 1
    # The afternoon cut-off: the time, which procedures it applies to, and the legal basis the docs cite.
    receipt_cutoff: time = time(15, 0)
    cutoff_scope: str = CutoffScope.SAME_DAY
    cutoff_basis: str = ""

    def cutoff_for(self, procedure) -> time | None:
        """The cut-off for dossiers of ``procedure`` under this set, or None: counting starts from the day received
        (the next working day when received on a day off). Same-day procedures are those with processing time 0."""
        if self.cutoff_scope == CutoffScope.ALL:
            return self.receipt_cutoff
        if self.cutoff_scope == CutoffScope.SAME_DAY and procedure.processing_time == 0:
            return self.receipt_cutoff
        return None

    def form(self, kind: str) -> Form:
        for form in self.forms:
            if form.kind == kind:
                return form
        raise KeyError(kind)


def _forms(numbers: dict[str, str]) -> tuple[Form, ...]:
    titles = {
        FormKind.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        FormKind.COMPLETION_REQUEST: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        FormKind.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        FormKind.APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        FormKind.CONTROL_SLIP: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        FormKind.REGISTER: "Sổ theo dõi hồ sơ",
    }
    return tuple(Form(kind, numbers[kind], titles[kind]) for kind in titles)


_NUMBERS = {
    FormKind.RECEIPT: "01",
    FormKind.COMPLETION_REQUEST: "02",
    FormKind.REFUSAL: "03",
    FormKind.APOLOGY: "04",
    FormKind.CONTROL_SLIP: "05",
    FormKind.REGISTER: "06",
}

# The basis of the cut-off rule per set, as the staff guide quotes it. Uncertain (module docstring): not checked
# article by article against the published decrees.
_BASIS_2018 = (
    "Nghị định 61/2018/NĐ-CP (trả kết quả trong ngày): hồ sơ của thủ tục trả kết quả trong ngày nhận sau 15 giờ thì "
    "trả trong ngày làm việc tiếp theo; các thủ tục khác tính từ ngày tiếp nhận. Chưa đối chiếu điều, khoản cụ thể; "
    "là cấu hình của hệ thống, có thể điều chỉnh."
)
_BASIS_2025 = (
    "Nghị định 118/2025/NĐ-CP (thay Nghị định 61/2018/NĐ-CP từ 01/07/2025), giả định giữ quy tắc 15 giờ cho thủ tục "
    "trả kết quả trong ngày; các thủ tục khác tính từ ngày tiếp nhận. Chưa đối chiếu điều, khoản cụ thể; là cấu hình "
    "của hệ thống, có thể điều chỉnh."
)

FORM_SETS: dict[str, FormSet] = {
    s.key: s
    for s in (
        FormSet(
            "tt01-2018",
            "Thông tư số 01/2018/TT-VPCP",
            date(2018, 4, 23),
            _forms(_NUMBERS),
            cutoff_scope=CutoffScope.SAME_DAY,
            cutoff_basis=_BASIS_2018,
        ),
        # Configuration: effective date and numbering of the 2025 circular (see module docstring).
        FormSet(
            "tt03-2025",
            "Thông tư số 03/2025/TT-VPCP",
            date(2025, 7, 1),
            _forms(_NUMBERS),
            cutoff_scope=CutoffScope.SAME_DAY,
            cutoff_basis=_BASIS_2025,
        ),
    )
}


def form_set_for(day: date | datetime) -> FormSet:
    """The set in force on ``day`` (the latest whose ``effective_from`` is on or before it; the oldest before all)."""
    if isinstance(day, datetime):
        day = day.astimezone(TZ).date() if day.tzinfo else day.date()
    in_force = [s for s in FORM_SETS.values() if s.effective_from <= day]
    if not in_force:
        return min(FORM_SETS.values(), key=lambda s: s.effective_from)
    return max(in_force, key=lambda s: s.effective_from)


def get_form_set(key: str) -> FormSet:
    """The stored set of a dossier; unknown or blank keys (dossiers not yet received) give the current set."""
    if key in FORM_SETS:
        return FORM_SETS[key]

    return form_set_for(timezone.now())
