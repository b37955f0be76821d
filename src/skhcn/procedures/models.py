from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from skhcn.core.text import fold, format_vnd
from skhcn.deadlines.constants import TimeUnit

from .constants import DataStatus, DocumentForm, OnlineLevel


def parse_step_budgets(value: str) -> tuple[int, ...]:
    """ "2,10,3" -> (2, 10, 3); blank -> (); ``ValidationError`` for anything else."""
    value = (value or "").strip()
    if not value:
        return ()
    try:
        budgets = tuple(int(part) for part in value.replace(";", ",").split(","))
    except ValueError:
        raise ValidationError("Nhập các số nguyên cách nhau bởi dấu phẩy, ví dụ 2,10,3.") from None
    if any(b < 0 for b in budgets):
        raise ValidationError("Thời hạn từng bước không được âm.")
    return budgets


def validate_step_budgets(value: str) -> None:
    parse_step_budgets(value)


class ProcedureField(models.Model):
    """Lĩnh vực: the field a procedure belongs to (e.g. "Hoạt động khoa học và công nghệ")."""

    code = models.SlugField("mã lĩnh vực", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"

    def __str__(self):
        return self.name


class Procedure(ClusterableModel):
    """An administrative procedure (thủ tục hành chính) of the department's catalogue."""

    code = models.CharField(
        "mã thủ tục", max_length=40, unique=True, help_text="Mã trên Cơ sở dữ liệu quốc gia, ví dụ 1.014445.H38"
    )
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(
        ProcedureField, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực"
    )
    online_level = models.CharField(
        "mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.FULL
    )
    post_submission = models.BooleanField("nhận hồ sơ qua bưu chính", default=True)
    post_return = models.BooleanField("trả kết quả qua bưu chính", default=True)
    processing_time = models.PositiveSmallIntegerField("thời hạn giải quyết")
    time_unit = models.CharField(
        "đơn vị thời hạn", max_length=10, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    clock_waits_for_fee = models.BooleanField(
        "tính thời hạn từ khi nộp phí",
        default=False,
        help_text="Thời hạn chỉ bắt đầu khi người nộp đã nộp phí, lệ phí.",
    )
    # Default handling division (transfer preselects it); nullable: the catalogue exists before divisions do.
    division = models.ForeignKey(
        "accounts.Division",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name="phòng chuyên môn xử lý",
    )
    step_budgets = models.CharField(
        "thời hạn từng bước",
        max_length=50,
        blank=True,
        validators=[validate_step_budgets],
        help_text=(
            "Quy trình nội bộ, ví dụ “2,10,3” = tiếp nhận, chuyển xử lý; thẩm định; phê duyệt, ký. "
            "Tổng phải bằng thời hạn giải quyết. Để trống: một bước."
        ),
    )
    fee_description = models.TextField("phí, lệ phí", blank=True)
    fee_amount = models.PositiveBigIntegerField("số tiền phí (đồng)", default=0)
    fee_amount_max = models.PositiveBigIntegerField(
        "số tiền phí tối đa (đồng)",
        default=0,
        help_text=(
            "Chỉ nhập khi mức phí theo khoảng (ví dụ từ 2.000.000 đến 16.000.000 đồng): số tiền phí là mức thấp nhất, "
            "ô này là mức cao nhất. Để 0 nếu mức phí cố định."
        ),
    )
    applicants = models.TextField("đối tượng thực hiện", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    result = models.TextField("kết quả thực hiện", blank=True)
    implementing_agency = models.CharField("cơ quan thực hiện", max_length=255, blank=True)
    allowed_file_types = models.CharField(
        "định dạng tệp cho phép",
        max_length=200,
        blank=True,
        help_text="Để trống để dùng mặc định (pdf,jpeg,png,docx,xlsx,odt); ví dụ: pdf,jpeg",
    )
    data_status = models.CharField(
        "nguồn dữ liệu", max_length=10, choices=DataStatus.choices, default=DataStatus.VERIFIED
    )
    source = models.TextField("nguồn", blank=True)
    is_active = models.BooleanField("đang áp dụng", default=True)
    search_text = models.TextField(editable=False, default="", help_text="Tên, mã, lĩnh vực đã bỏ dấu, để tìm kiếm.")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["field__sort_order", "code"]
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        super().clean()
        if self.fee_amount_max and self.fee_amount is not None and self.fee_amount_max < self.fee_amount:
            raise ValidationError(
                {
                    "fee_amount_max": (
                        f"Số tiền phí tối đa ({format_vnd(self.fee_amount_max)}) không được nhỏ hơn số tiền phí "
                        f"({format_vnd(self.fee_amount)}). Để 0 nếu mức phí cố định."
                    )
                }
            )
        budgets = parse_step_budgets(self.step_budgets) if self.step_budgets.strip() else None
        if budgets is not None and self.processing_time is not None and sum(budgets) != self.processing_time:
            raise ValidationError(
                {
                    "step_budgets": (
                        f"Tổng thời hạn các bước ({sum(budgets)}) phải bằng thời hạn giải quyết "
                        f"({self.processing_time})."
                    )
                }
            )

    @property
    def budgets(self) -> tuple[int, ...]:
        """Per-step budgets; one step with the whole time when blank or inconsistent (never blocks processing)."""
        try:
            budgets = parse_step_budgets(self.step_budgets)
        except ValidationError:
            budgets = ()
        if not budgets or sum(budgets) != self.processing_time:
            return (self.processing_time,)
        return budgets

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", kwargs={"code": self.code})

    def build_search_text(self) -> str:
        """Folded name + code + field name: what the catalogue's accent-insensitive search matches."""
        field_name = self.field.name if self.field_id else ""
        return fold(" ".join(part for part in (self.name, self.code, field_name) if part))

    @property
    def fee_is_range(self) -> bool:
        """The fee is a range [fee_amount, fee_amount_max]: staff set the amount of each dossier within it."""
        return self.fee_amount_max > self.fee_amount

    @property
    def fee_range_display(self) -> str:
        """ "Từ 2.000.000 đồng đến 16.000.000 đồng" for a range, "" for a fixed fee."""
        if not self.fee_is_range:
            return ""
        return f"Từ {format_vnd(self.fee_amount)} đến {format_vnd(self.fee_amount_max)}"

    @property
    def is_sample(self) -> bool:
        return self.data_status == DataStatus.SAMPLE

    @property
    def by_post(self) -> bool:
        """The dossier can be sent, or the result received, through the public postal service."""
        return self.post_submission or self.post_return

    @property
    def time_display(self) -> str:
        """ "15 ngày làm việc"."""
        return f"{self.processing_time} {self.get_time_unit_display()}"

    @property
    def accepts_online(self) -> bool:
        return self.is_active and self.online_level == OnlineLevel.FULL


class RequiredDocument(models.Model):
    """One document of a procedure's dossier (thành phần hồ sơ)."""

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name="thủ tục")
    name = models.CharField("tên giấy tờ", max_length=500)
    form = models.CharField("hình thức", max_length=20, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField("số lượng", default=1)
    mandatory = models.BooleanField("bắt buộc", default=True)
    template = models.FileField("mẫu đơn, tờ khai", upload_to="procedure-templates/", blank=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["procedure", "sort_order", "id"]
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"

    def __str__(self):
        return self.name
