from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Upper

from skhcn.accounts.constants import ApplicantKind
from skhcn.core.models import AppendOnlyModel
from skhcn.core.uploads import removed_content_note

from .constants import Action, Channel, FileSource, HandOffOutcome, ReceiveMethod, Status

# The due time with "none yet" sorted last, as one indexable value: the order and the range condition of the
# "Tất cả" queue (see queues), which the "dossier_filed_due" index serves.
FILED_DUE_NULL = datetime(9999, 12, 31, tzinfo=UTC)
FILED_DUE = Coalesce("due_at", Value(FILED_DUE_NULL, output_field=models.DateTimeField()))


class Dossier(models.Model):
    """One application (hồ sơ) for one procedure: a draft until submitted, then tracked by its code."""

    code = models.CharField("mã hồ sơ", max_length=40, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name="tài khoản nộp"
    )
    status = models.CharField("trạng thái", max_length=30, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField("hình thức nộp", max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # Postal dossiers: the date stamped by the post office (entered by the one-stop officer at receipt).
    postmark_date = models.DateField("ngày gửi qua bưu chính", null=True, blank=True)

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

    # --- staff workflow (set only through workflow.perform) ---
    received_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cán bộ tiếp nhận",
    )
    # Forms in force when received (formsets.FORM_SETS key); kept for the life of the dossier.
    form_set = models.CharField("bộ biểu mẫu", max_length=20, blank=True)
    fee_paid_at = models.DateTimeField("nộp phí lúc", null=True, blank=True)
    # When the deadline clock started: received_at, or fee_paid_at for procedures whose clock waits for the fee.
    clock_started_at = models.DateTimeField("bắt đầu tính thời hạn", null=True, blank=True)
    due_at = models.DateTimeField("hạn trả kết quả", null=True, blank=True)
    original_due_at = models.DateTimeField("hạn trả ban đầu", null=True, blank=True)
    apology_used = models.BooleanField("đã xin lỗi, hẹn lại", default=False)
    # The dossier's row in the register (form 06) of its receipt year: the number form 01 prints.
    register_serial = models.PositiveIntegerField("số thứ tự trong sổ theo dõi", null=True, blank=True)
    # Days the apology added to the procedure's time; pauses after the apology still extend the new date.
    apology_extra_days = models.PositiveSmallIntegerField(default=0, editable=False)
    # The state a supplement request paused from; the applicant's supply resumes it.
    paused_from = models.CharField(max_length=30, choices=Status.choices, blank=True, editable=False)
    division = models.ForeignKey(
        "accounts.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name="phòng xử lý",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name="chuyên viên thụ lý",
    )
    # Result (or refusal) decided: compared with due_at for "before / on / after the deadline".
    finished_at = models.DateTimeField("có kết quả lúc", null=True, blank=True)
    result_number = models.CharField("số kết quả", max_length=60, unique=True, null=True, blank=True)
    result_stored_name = models.CharField("tệp kết quả (lưu trữ)", max_length=255, blank=True)
    result_original_name = models.CharField("tên tệp kết quả", max_length=255, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveBigIntegerField(null=True, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    # Kinds of active content removed from the result PDF at upload (see StoredFile.removed_content).
    result_removed_content = models.JSONField(default=list, blank=True, editable=False)
    result_issued_at = models.DateTimeField("phát hành kết quả lúc", null=True, blank=True)
    returned_at = models.DateTimeField("trả kết quả lúc", null=True, blank=True)
    return_method = models.CharField("hình thức trả kết quả", max_length=10, choices=ReceiveMethod.choices, blank=True)

    # Normalised copies for the public tracking lookup (see documents.codes.normalise_phone / normalise_id).
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
            # Work queues: by state, by division, by specialist, soonest deadline first.
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["division", "status", "due_at"], name="dossier_division_due"),
            models.Index(fields=["assignee", "status", "due_at"], name="dossier_assignee_due"),
            # Received-date ranges: the register (06) in its order, the queues' received filter (bench_staff.py).
            models.Index(fields=["received_at", "id"], name="dossier_received"),
            # "Tất cả" sorted by due time: partial, so the status-led queues keep their own indexes (a plain
            # (due_at, id) index lured them into walking closed dossiers).
            models.Index(FILED_DUE, F("id"), condition=Q(code__isnull=False), name="dossier_filed_due"),
            # Staff search by phone or ID number (normalised as on the tracking page).
            models.Index(fields=["lookup_phone"], name="dossier_lookup_phone"),
            models.Index(fields=["lookup_id_number"], name="dossier_lookup_id"),
        ]

    def __str__(self):
        return self.code or f"Bản nháp #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def has_result_file(self) -> bool:
        return bool(self.result_stored_name)

    @property
    def result_removed_content_note(self) -> str:
        return removed_content_note(self.result_removed_content)


class StoredFile(models.Model):
    """An uploaded file kept in the private storage under ``stored_name`` (see ``skhcn.core.uploads``)."""

    stored_name = models.CharField("tên lưu trữ", max_length=255, unique=True)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    # Kinds of active content (skhcn.core.pdf_safety.KIND_LABELS) removed from a PDF at upload, when
    # settings.UPLOAD_PDF_ACTIVE_CONTENT is "strip": the stored file differs from the one sent, and staff are told.
    removed_content = models.JSONField("nội dung đã gỡ bỏ khi tiếp nhận", default=list, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def removed_content_note(self) -> str:
        """ "Đã gỡ bỏ mã JavaScript khỏi tệp này khi tiếp nhận." or ""."""
        return removed_content_note(self.removed_content)


class DossierFile(StoredFile):
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
    # Digitisation marker: how the component became electronic, and for a scan, who scanned it and when.
    source = models.CharField(
        "nguồn bản điện tử", max_length=20, choices=FileSource.choices, default=FileSource.ELECTRONIC
    )
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người số hóa",
    )
    digitised_at = models.DateTimeField("số hóa lúc", null=True, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = "tệp hồ sơ"
        verbose_name_plural = "tệp hồ sơ"


class DossierEvent(AppendOnlyModel):
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
    # Never on the public tracking page; the applicant sees it only for transitions.APPLICANT_COMMENT_ACTIONS.
    comment = models.TextField("ghi chú nội bộ", blank=True)
    # Facts of the action: division, assignee, dates, result number, return method ... (for history and forms).
    details = models.JSONField("chi tiết", default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử hồ sơ"
        verbose_name_plural = "lịch sử hồ sơ"

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})" if self.at else self.get_action_display()


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


class DossierEventFile(StoredFile):
    """A file attached to one event: the applicant's supplement, the officer's scanned form, a consultation letter."""

    event = models.ForeignKey(DossierEvent, on_delete=models.CASCADE, related_name="files", verbose_name="thao tác")

    class Meta(StoredFile.Meta):
        verbose_name = "tệp đính kèm thao tác"
        verbose_name_plural = "tệp đính kèm thao tác"


class ClockPause(models.Model):
    """A stop of the deadline clock (supplement requested during processing); ``ended_at`` is null while open."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses", verbose_name="hồ sơ")
    started_at = models.DateTimeField("tạm dừng từ")
    ended_at = models.DateTimeField("tiếp tục lúc", null=True, blank=True)
    reason = models.TextField("lý do", blank=True)
    event = models.ForeignKey(
        DossierEvent, on_delete=models.PROTECT, related_name="+", verbose_name="thao tác tạm dừng"
    )

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = "tạm dừng tính thời hạn"
        verbose_name_plural = "tạm dừng tính thời hạn"
        constraints = [
            # At most one open pause per dossier.
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(ended_at__isnull=True), name="clockpause_one_open"
            )
        ]

    def __str__(self):
        return f"{self.dossier}: {self.started_at:%d/%m/%Y}" if self.started_at else str(self.dossier)


class HandOff(models.Model):
    """One row of the control slip (form 05, phiếu kiểm soát quá trình giải quyết hồ sơ): the dossier given by one
    unit to another, and whether the receiving unit finished its step before, on or after the step's deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handoffs", verbose_name="hồ sơ")
    # Index into Procedure.step_budgets (0 = intake/handling, 1 = appraisal, 2 = approval/signing ...).
    step = models.PositiveSmallIntegerField("bước", default=0)
    from_unit = models.CharField("bên giao", max_length=255)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người giao",
    )
    to_unit = models.CharField("bên nhận", max_length=255)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người nhận",
    )
    given_at = models.DateTimeField("giao lúc")
    # Electronic hand-offs are received when given; kept apart for paper hand-offs.
    received_at = models.DateTimeField("nhận lúc", null=True, blank=True)
    due_at = models.DateTimeField("hạn của bước", null=True, blank=True)
    finished_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    outcome = models.CharField("kết quả", max_length=10, choices=HandOffOutcome.choices, blank=True)
    note = models.TextField("ghi chú", blank=True)
    event = models.ForeignKey(
        DossierEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="thao tác"
    )

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = "phiếu kiểm soát (dòng giao nhận)"
        verbose_name_plural = "phiếu kiểm soát (dòng giao nhận)"

    def __str__(self):
        return f"{self.dossier}: {self.from_unit} → {self.to_unit}"


class ResultSerial(models.Model):
    """The last result number given out per calendar year (Vietnam time)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "số kết quả trong năm"
        verbose_name_plural = "số kết quả trong năm"

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class DailyJobRun(models.Model):
    """One row per scheduled job and (Vietnam-time) day: the unique constraint makes a daily job run once, however
    many scheduler processes race for it."""

    job = models.CharField(max_length=60)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lượt chạy tác vụ hằng ngày"
        verbose_name_plural = "lượt chạy tác vụ hằng ngày"
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="dailyjobrun_job_day")]

    def __str__(self):
        return f"{self.job} {self.day:%d/%m/%Y}"


class PaperSerial(models.Model):
    """The last register number given out per agency, paper kind (form 01, 02, 03, 04) and Vietnam-time year."""

    agency_code = models.CharField(max_length=40)
    kind = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "số phiếu trong năm"
        verbose_name_plural = "số phiếu trong năm"
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "kind", "year"], name="paperserial_agency_kind_year")
        ]

    def __str__(self):
        return f"{self.agency_code} {self.kind} {self.year}: {self.last_value}"


class IssuedPaper(models.Model):
    """A numbered paper issued for a dossier (form 01 receipt, 02 request, 03 refusal, 04 apology): its register
    number, allocated in the transaction of the act, and what it states, frozen then (``content``), so a reprint is
    identical. A voided paper keeps its number, with the reason."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers", verbose_name="hồ sơ")
    event = models.ForeignKey(
        DossierEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="papers", verbose_name="thao tác"
    )
    kind = models.CharField("loại phiếu", max_length=30)
    form_set = models.CharField("bộ biểu mẫu", max_length=20, blank=True)
    agency_code = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField("năm")
    serial = models.PositiveIntegerField("số thứ tự trong năm")
    number = models.CharField("số", max_length=80)
    issued_at = models.DateTimeField("ngày phát hành")
    content = models.JSONField("nội dung đã phát hành", default=dict, blank=True)
    voided_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    void_reason = models.TextField("lý do hủy", blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người hủy",
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = "phiếu đã phát hành"
        verbose_name_plural = "phiếu đã phát hành"
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "kind", "year", "serial"], name="issuedpaper_number")
        ]
        indexes = [models.Index(fields=["dossier", "kind"], name="issuedpaper_dossier_kind")]

    def __str__(self):
        return f"{self.number} ({self.dossier})"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
