"""Forms of the staff screens: the queue filters, one form per workflow action (built from its ``ActionSpec``) and the
bulk assignment.

The action forms only parse what the staff member typed (dates as dd/mm/yyyy); every rule (required comment, file,
division, specialist, date limits) is checked by ``workflow.perform``, whose Vietnamese message is shown next to the
field it concerns (``ERROR_FIELDS``).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.models import Division
from skhcn.accounts.staff import has_role, staff_profile
from skhcn.procedures.models import Procedure, ProcedureField

from ..constants import COMMENT_MAX_LENGTH, Channel, ReceiveMethod, Status
from ..workflow.transitions import TRANSITIONS, DateKind, Need
from .queues import DEFAULT_SORT, SORTS

DATE_FORMAT = "%d/%m/%Y"
DATE_MESSAGE = "Ngày không hợp lệ. Vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026."

# WorkflowError.code -> the form field its message belongs to (others are shown above the form).
ERROR_FIELDS = {
    "comment": "comment",
    "file": "files",
    "upload": "files",
    "division": "division",
    "assignee": "assignee",
    "date": "date",
    "method": "method",
    "reason": "reason",
}

DATE_LABELS = {
    DateKind.POSTMARK: ("Ngày gửi qua bưu chính (theo dấu bưu điện)", "Chỉ với hồ sơ nhận qua bưu chính."),
    DateKind.FEE_PAID: ("Ngày nộp phí, lệ phí", "Không sau ngày hôm nay, không trước ngày tiếp nhận."),
    DateKind.NEW_DUE: (
        "Ngày hẹn trả mới",
        "Một ngày làm việc sau ngày hẹn trả hiện tại. Mỗi hồ sơ chỉ được xin lỗi, hẹn lại một lần.",
    ),
}
# Labels of the files input by action (else "Tệp đính kèm").
FILE_LABELS = {
    "issue_result": "Tệp kết quả đã ký số (PDF)",
    "refuse": "Văn bản trả lời từ chối giải quyết đã ký",
    "prepare_apology": "Dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả (nếu có)",
}
COMMENT_LABELS = {
    Need.REQUIRED: "Nội dung (lý do, yêu cầu hoặc ý kiến)",
    Need.OPTIONAL: "Ghi chú (không bắt buộc)",
}


def staff_name(user) -> str:
    """The staff member's full name from the profile, else the account's name."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    try:
        name = profile.full_name if profile is not None else ""
    except Exception:  # noqa: BLE001 - a missing related profile raises on access
        name = ""
    return name or user.get_full_name() or user.get_username()


def date_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        input_formats=[DATE_FORMAT, "%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        **kwargs,
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="Tìm kiếm",
        required=False,
        max_length=200,
        help_text="Mã hồ sơ, tên người nộp, số điện thoại, số định danh / mã số thuế hoặc tên thủ tục.",
    )
    procedure = forms.ModelChoiceField(
        label="Thủ tục", queryset=Procedure.objects.only("id", "code", "name"), required=False, empty_label="Tất cả"
    )
    field = forms.ModelChoiceField(
        label="Lĩnh vực", queryset=ProcedureField.objects.all(), required=False, empty_label="Tất cả"
    )
    division = forms.ModelChoiceField(
        label="Phòng xử lý", queryset=Division.objects.filter(is_active=True), required=False, empty_label="Tất cả"
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Tất cả")] + [(v, label) for v, label in Status.choices if v != Status.DRAFT],
    )
    channel = forms.ChoiceField(label="Hình thức nộp", required=False, choices=[("", "Tất cả"), *Channel.choices])
    received_from = date_field(label="Tiếp nhận từ ngày", required=False)
    received_to = date_field(label="đến ngày", required=False)
    sort = forms.ChoiceField(
        label="Sắp xếp theo",
        required=False,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        initial=DEFAULT_SORT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} – {p.name}"

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        return data

    @property
    def filters(self) -> dict:
        """The valid filters (invalid ones are left out, so the list still shows)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    @property
    def active_count(self) -> int:
        return len([k for k in self.filters if k not in ("q", "sort")])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def specialists_of(division_id):
    """Active specialists of a division (the people ``assign`` accepts), by name."""
    user_model = get_user_model()
    if division_id is None:
        return user_model.objects.none()
    return (
        user_model.objects.filter(
            is_active=True, staff_profile__division_id=division_id, staff_profile__role=StaffRole.SPECIALIST
        )
        .select_related("staff_profile")
        .order_by("staff_profile__full_name", "username")
    )


def _required_label(label: str, required: bool) -> str:
    return f"{label} (bắt buộc)" if required else label


class ActionForm(forms.Form):
    """The inputs of one action on one dossier, as its ``ActionSpec`` says. Nothing is required at this level."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, spec, dossier, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.dossier = dossier
        transition = TRANSITIONS[spec.action]
        self.fields["expected_version"].initial = dossier.version
        if spec.needs_division:
            field = forms.ModelChoiceField(
                label=_required_label("Phòng chuyên môn xử lý", True),
                queryset=Division.objects.filter(is_active=True).order_by("name"),
                required=False,
                empty_label="— Chọn phòng —",
            )
            field.initial = dossier.division_id or getattr(dossier.procedure, "division_id", None)
            self.fields["division"] = field
        if spec.needs_assignee:
            field = forms.ModelChoiceField(
                label=_required_label("Chuyên viên thẩm định", True),
                queryset=specialists_of(dossier.division_id),
                required=False,
                empty_label="— Chọn chuyên viên —",
                help_text="Chuyên viên của phòng đang xử lý hồ sơ.",
            )
            field.label_from_instance = staff_name
            field.initial = dossier.assignee_id
            self.fields["assignee"] = field
        if spec.date_kind and (spec.date_kind != DateKind.POSTMARK or dossier.channel == Channel.POST):
            label, help_text = DATE_LABELS.get(spec.date_kind, ("Ngày", ""))
            if spec.action == "prepare_apology":
                label, help_text = (
                    "Ngày hẹn trả mới đề xuất",
                    help_text + " Lãnh đạo Sở duyệt, ký phiếu xin lỗi và hẹn lại ngày trả kết quả.",
                )
            self.fields["date"] = date_field(
                label=_required_label(label, spec.needs_date), required=False, help_text=help_text
            )
        if spec.needs_receive_method:
            self.fields["method"] = forms.ChoiceField(
                label=_required_label("Hình thức trả kết quả", True),
                choices=ReceiveMethod.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=dossier.receive_method or None,
            )
        if transition.comment != Need.NO:
            self.fields["comment"] = forms.CharField(
                label=_required_label(COMMENT_LABELS[transition.comment], spec.needs_comment),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"max_length": f"Nội dung quá dài (tối đa {COMMENT_MAX_LENGTH} ký tự)."},
                help_text="Người nộp hồ sơ sẽ thấy nội dung này." if transition.comment_public else "Ghi chú nội bộ.",
            )
        if spec.needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_required_label("Lý do yêu cầu bổ sung, hoàn thiện", True),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": "Lý do quá dài (tối đa 1000 ký tự)."},
                help_text=(
                    "In ở mục “Lý do” của phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu số 02); "
                    "người nộp hồ sơ sẽ thấy nội dung này."
                ),
            )
        if spec.allows_files:
            single = spec.max_files == 1
            label = FILE_LABELS.get(spec.action, "Tệp đính kèm")
            help_text = "Một tệp." if single else f"Tối đa {spec.max_files} tệp."
            widget = forms.FileInput() if single else MultipleFileInput()
            if spec.action == "issue_result":
                widget.attrs["accept"] = ".pdf,application/pdf"
            self.fields["files"] = MultipleFileField(
                label=_required_label(label, spec.needs_file), required=False, widget=widget, help_text=help_text
            )
        for name in ("comment", "reason", "division", "assignee", "date", "method", "files"):
            if name in self.fields and self._required(name):
                self.fields[name].widget.attrs["aria-required"] = "true"

    def _required(self, name: str) -> bool:
        spec = self.spec
        return {
            "comment": spec.needs_comment,
            "reason": spec.needs_reason,
            "division": spec.needs_division,
            "assignee": spec.needs_assignee,
            "date": spec.needs_date,
            "method": spec.needs_receive_method,
            "files": spec.needs_file,
        }[name]

    @property
    def has_files(self) -> bool:
        return "files" in self.fields

    def perform_kwargs(self) -> dict:
        """``perform`` keyword arguments from the cleaned data (after ``is_valid()``)."""
        data = self.cleaned_data
        kwargs: dict = {"expected_version": data["expected_version"]}
        if "comment" in self.fields:
            kwargs["comment"] = data.get("comment") or ""
        if "files" in self.fields:
            kwargs["files"] = data.get("files") or []
        if "division" in self.fields:
            kwargs["division"] = data.get("division")
        if "assignee" in self.fields:
            kwargs["assignee"] = data.get("assignee")
        if "date" in self.fields:
            kwargs["date"] = data.get("date")
        if "method" in self.fields:
            kwargs["method"] = data.get("method") or ""
        if "reason" in self.fields:
            kwargs["reason"] = data.get("reason") or ""
        return kwargs

    def add_workflow_error(self, error) -> bool:
        """Put a ``WorkflowError`` next to its field; False when it belongs to no field of this form."""
        name = ERROR_FIELDS.get(error.code)
        if name and name in self.fields:
            self.add_error(name, error.message)
            return True
        self.add_error(None, error.message)
        return False


class BulkAssignForm(forms.Form):
    """Several dossiers (``"<id>:<version>"`` each) to one specialist."""

    assignee = forms.ModelChoiceField(
        label="Phân công cho chuyên viên",
        queryset=get_user_model().objects.none(),
        required=True,
        empty_label="— Chọn chuyên viên —",
        error_messages={
            "required": "Vui lòng chọn chuyên viên thẩm định.",
            "invalid_choice": "Chuyên viên đã chọn không hợp lệ.",
        },
    )
    dossiers = forms.MultipleChoiceField(
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Vui lòng chọn ít nhất một hồ sơ."},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_specialists(user)
        self.fields["assignee"].label_from_instance = _specialist_label
        self.fields["dossiers"].valid_value = self._valid_pair

    @staticmethod
    def _valid_pair(value) -> bool:
        return parse_pair(value) is not None

    def pairs(self) -> list[tuple[int, int]]:
        return [parse_pair(v) for v in self.cleaned_data["dossiers"]]


def parse_pair(value) -> tuple[int, int] | None:
    try:
        pk, version = str(value).split(":", 1)
        return int(pk), int(version)
    except ValueError:
        return None


def _specialist_label(user) -> str:
    profile = getattr(user, "staff_profile", None)
    division = profile.division.name if profile is not None and profile.division_id else ""
    return f"{staff_name(user)} ({division})" if division else staff_name(user)


def assignable_specialists(user):
    """The specialists a bulk assignment may pick: the head's division; every division for an administrator."""

    user_model = get_user_model()
    base = (
        user_model.objects.filter(is_active=True, staff_profile__role=StaffRole.SPECIALIST)
        .select_related("staff_profile__division")
        .order_by("staff_profile__division__name", "staff_profile__full_name", "username")
    )
    if has_role(user, StaffRole.ADMINISTRATOR):
        return base.exclude(staff_profile__division=None)
    profile = staff_profile(user)
    if has_role(user, StaffRole.DIVISION_HEAD) and profile is not None and profile.division_id:
        return base.filter(staff_profile__division_id=profile.division_id)
    return user_model.objects.none()
