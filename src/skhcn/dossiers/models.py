from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from skhcn.accounts.constants import ApplicantKind

from .constants import Action, ReceiveMethod, Status


class Dossier(models.Model):
    """One application (hồ sơ) for one procedure: a draft until submitted, then tracked by its code."""

    code = models.CharField("mã hồ sơ", max_length=40, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name="tài khoản nộp"
    )
    # Wide enough for the staff states that come next.
    status = models.CharField("trạng thái", max_length=30, choices=Status.choices, default=Status.DRAFT)

    # What the applicant's profile said at submission: later profile edits must not change a filed dossier.
    applicant_kind = models.CharField("loại người nộp", max_length=10, choices=ApplicantKind.choices, blank=True)
    applicant_name = models.CharField("họ và tên / tên tổ chức", max_length=255, blank=True)
    applicant_id_number = models.CharField("số định danh / mã số thuế", max_length=20, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)

    receive_method = models.CharField("cách nhận kết quả", max_length=10, choices=ReceiveMethod.choices, blank=True)
    postal_address = models.CharField("địa chỉ nhận qua bưu chính", max_length=500, blank=True)
    note = models.TextField("ghi chú", blank=True)

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    expected_return_at = models.DateTimeField("hẹn trả (dự kiến)", null=True, blank=True)

    # Normalised copies for the public tracking lookup (see services.normalise_phone / normalise_id).
    lookup_phone = models.CharField(max_length=20, blank=True, editable=False)
    lookup_id_number = models.CharField(max_length=20, blank=True, editable=False)
    # Bumped by every change: the review page carries it so a submit after an edit elsewhere is caught.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_created"),
            models.Index(fields=["applicant", "procedure", "status"], name="dossier_applicant_draft"),
            # Tracking matches the code case-insensitively.
            models.Index(Upper("code"), name="dossier_code_upper"),
        ]

    def __str__(self):
        return self.code or f"Bản nháp #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class DossierFile(models.Model):
    """A file the applicant uploaded, kept in the private storage."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files", verbose_name="hồ sơ")
    # Null for "other documents"; SET_NULL because editors may rework a procedure's document list.
    required_document = models.ForeignKey(
        "procedures.RequiredDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thành phần hồ sơ",
    )
    document_name = models.CharField("tên thành phần", max_length=500, blank=True)
    stored_name = models.CharField("tên lưu trữ", max_length=255, unique=True)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "tệp hồ sơ"
        verbose_name_plural = "tệp hồ sơ"

    def __str__(self):
        return self.original_name


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Dossier history is append-only.")


class DossierEvent(models.Model):
    """Append-only history of a dossier: one row per action, never changed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events", verbose_name="hồ sơ")
    at = models.DateTimeField("thời điểm", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    from_status = models.CharField("từ trạng thái", max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=30, choices=Status.choices)
    action = models.CharField("thao tác", max_length=30, choices=Action.choices)
    # Internal: never shown on the public tracking page.
    comment = models.TextField("ghi chú nội bộ", blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử hồ sơ"
        verbose_name_plural = "lịch sử hồ sơ"

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})" if self.at else self.get_action_display()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Dossier history is append-only.")
        super().save(*args, **kwargs)


class DailySerial(models.Model):
    """The last dossier serial given out per agency and (Vietnam-time) day."""

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "số thứ tự hồ sơ trong ngày"
        verbose_name_plural = "số thứ tự hồ sơ trong ngày"
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="dailyserial_agency_day")]

    def __str__(self):
        return f"{self.agency_code} {self.day:%d/%m/%Y}: {self.last_value}"
