"""Structured public records of the department's S&T work (issue #7): tasks, S&T enterprises, the province's
intellectual property, support programmes, yearbooks and publications, popular-science films.

Every record has a ``code`` (the import/export key and the address of its public page), ``is_demo`` (shown as
"Dữ liệu mẫu"), ``is_public`` and a folded ``search_text`` (``skhcn.core.text.fold``: no diacritics, đ→d) that the
public lists and the admin search match word by word.
"""

import re
import secrets
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable

from skhcn.accounts.constants import ApplicantKind
from skhcn.accounts.validators import normalize_id_number
from skhcn.core.tabular import CODE_RE
from skhcn.core.text import fold
from skhcn.core.uploads import sanitize_filename

from . import constants as c
from .fields import DurationSecondsField, MoneyField, past_date, past_year, plausible_date
from .uploads import check_file, check_video

CODE_MESSAGE = "Mã chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự), ví dụ DT.2021-03."


def validate_code(value: str) -> None:
    if value and not CODE_RE.fullmatch(value):
        raise ValidationError(CODE_MESSAGE, code="code")


class RegistryRecord(ClusterableModel):
    """What every registry record has."""

    CODE_PREFIX = "BG"
    # The record's title: ``search_text`` starts with the code and this field, which the search ranks first.
    TITLE_FIELD = "code"
    DETAIL_URL = ""

    code = models.CharField(
        "mã",
        max_length=40,
        unique=True,
        blank=True,
        validators=[validate_code],
        help_text="Để trống thì hệ thống tự đặt. Dùng làm địa chỉ trang và để khớp khi nhập tệp.",
    )
    is_public = models.BooleanField("công khai trên cổng", default=True)
    is_demo = models.BooleanField(
        c.DEMO_LABEL.lower(),
        default=False,
        help_text="Bản ghi trình diễn, không phải thông tin chính thức: cổng hiện rõ nhãn “Dữ liệu mẫu”.",
    )
    source = models.TextField("nguồn thông tin, ghi chú", blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        abstract = True

    def search_parts(self) -> list[str]:
        return [self.code]

    def build_search_text(self) -> str:
        return fold(" ".join(str(part) for part in self.search_parts() if part))

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self.new_code()
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    @classmethod
    def new_code(cls) -> str:
        while True:
            code = f"{cls.CODE_PREFIX}-{secrets.token_hex(3).upper()}"
            if not cls.objects.filter(code=code).exists():
                return code

    def get_absolute_url(self) -> str:
        return reverse(self.DETAIL_URL, kwargs={"code": self.code})


class ArticleLink(Orderable):
    """A news article (portal page) about a record."""

    page = models.ForeignKey("wagtailcore.Page", verbose_name="bài viết", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page", "portal.ArticlePage")]

    class Meta:
        abstract = True
        ordering = ["sort_order"]


# --- 1. S&T tasks -----------------------------------------------------------------------------------------------


class ScienceTask(RegistryRecord):
    """Nhiệm vụ khoa học và công nghệ (đề tài, dự án)."""

    CODE_PREFIX = "NV"
    TITLE_FIELD = "title"
    DETAIL_URL = "registries:task_detail"

    kind = models.CharField("loại nhiệm vụ", max_length=12, choices=c.TaskKind.choices, default=c.TaskKind.RESEARCH)
    title = models.CharField("tên nhiệm vụ", max_length=500)
    level = models.CharField("cấp quản lý", max_length=12, choices=c.TaskLevel.choices, default=c.TaskLevel.PROVINCIAL)
    field = models.CharField("lĩnh vực", max_length=16, choices=c.ScienceField.choices)
    host_organisation = models.CharField("tổ chức chủ trì", max_length=255, blank=True)
    principal_investigator = models.CharField("chủ nhiệm nhiệm vụ", max_length=255, blank=True)
    start_date = models.DateField("thời gian bắt đầu", null=True, blank=True, validators=[plausible_date])
    end_date = models.DateField("thời gian kết thúc", null=True, blank=True, validators=[plausible_date])
    budget_state = MoneyField("kinh phí từ ngân sách nhà nước (đồng)", default=0, blank=True)
    budget_other = MoneyField("kinh phí từ nguồn khác (đồng)", default=0, blank=True)
    status = models.CharField("tình trạng", max_length=12, choices=c.TaskStatus.choices, default=c.TaskStatus.PROPOSED)
    acceptance_date = models.DateField("ngày nghiệm thu", null=True, blank=True, validators=[past_date])
    objectives = models.TextField("mục tiêu, nội dung chính", blank=True)
    results = models.TextField("kết quả", blank=True)
    application = models.TextField("ứng dụng kết quả", blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("title"),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("level"), FieldPanel("field")]),
                FieldRowPanel([FieldPanel("host_organisation"), FieldPanel("principal_investigator")]),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("budget_state"), FieldPanel("budget_other")]),
                FieldRowPanel([FieldPanel("status"), FieldPanel("acceptance_date")]),
            ],
            heading="Thông tin chung",
        ),
        MultiFieldPanel(
            [FieldPanel("objectives"), FieldPanel("results"), FieldPanel("application")], heading="Nội dung, kết quả"
        ),
        InlinePanel("reports", heading="Báo cáo, tài liệu đính kèm", label="tệp"),
        InlinePanel("article_links", heading="Bài viết liên quan", label="bài viết"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = "nhiệm vụ KH&CN"
        verbose_name_plural = "nhiệm vụ KH&CN"

    def __str__(self):
        return f"{self.code} – {self.title}"

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "Thời gian kết thúc phải sau thời gian bắt đầu."
        if self.acceptance_date and self.start_date and self.acceptance_date < self.start_date:
            errors["acceptance_date"] = "Ngày nghiệm thu phải sau thời gian bắt đầu."
        if errors:
            raise ValidationError(errors)

    def search_parts(self):
        return [self.code, self.title, self.host_organisation, self.principal_investigator, self.objectives]

    @property
    def budget_total(self) -> int:
        return (self.budget_state or 0) + (self.budget_other or 0)


def report_path(instance, filename):
    return f"registries/bao-cao/{instance.task.code if instance.task_id else 'moi'}/{sanitize_filename(filename)}"


class TaskReport(Orderable):
    task = ParentalKey(ScienceTask, on_delete=models.CASCADE, related_name="reports", verbose_name="nhiệm vụ")
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.FileField("tệp (PDF, DOCX, XLSX, ODT)", upload_to=report_path, max_length=255)

    panels = [FieldPanel("title"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = "báo cáo của nhiệm vụ"
        verbose_name_plural = "báo cáo của nhiệm vụ"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        check_file(self.file, ("pdf", "docx", "xlsx", "odt"), c.MAX_REPORT_BYTES, "file")

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""


class TaskArticleLink(ArticleLink):
    task = ParentalKey(ScienceTask, on_delete=models.CASCADE, related_name="article_links")


# --- 2. S&T enterprises -----------------------------------------------------------------------------------------


class ScienceEnterprise(RegistryRecord):
    """Doanh nghiệp khoa học và công nghệ (holder of a certificate)."""

    CODE_PREFIX = "DN"
    TITLE_FIELD = "name"
    DETAIL_URL = "registries:enterprise_detail"

    name = models.CharField("tên doanh nghiệp", max_length=255)
    tax_code = models.CharField(
        "mã số thuế", max_length=20, blank=True, help_text="10 chữ số, hoặc 13 chữ số (0123456789-001)."
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=40, blank=True)
    certificate_date = models.DateField("ngày cấp", null=True, blank=True, validators=[past_date])
    issuing_authority = models.CharField(
        "cơ quan cấp", max_length=255, blank=True, default="Sở Khoa học và Công nghệ tỉnh Cao Bằng"
    )
    field = models.CharField("lĩnh vực", max_length=16, choices=c.ScienceField.choices, blank=True)
    products = models.TextField("sản phẩm, công nghệ", blank=True, help_text="Mỗi sản phẩm hoặc công nghệ một dòng.")
    status = models.CharField(
        "tình trạng", max_length=12, choices=c.EnterpriseStatus.choices, default=c.EnterpriseStatus.VALID
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("tax_code"), FieldPanel("field")]),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("certificate_number"), FieldPanel("certificate_date")]),
        FieldRowPanel([FieldPanel("issuing_authority"), FieldPanel("status")]),
        FieldPanel("products"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = ["-certificate_date", "name"]
        verbose_name = "doanh nghiệp KH&CN"
        verbose_name_plural = "doanh nghiệp KH&CN"
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="registries_enterprise_certificate_unique",
                violation_error_message="Số giấy chứng nhận này đã có trong cơ sở dữ liệu.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.tax_code:
            try:
                self.tax_code = normalize_id_number(ApplicantKind.BUSINESS, self.tax_code)
            except ValidationError as error:
                raise ValidationError({"tax_code": error.messages}) from None

    def search_parts(self):
        return [self.code, self.name, self.tax_code, self.certificate_number, self.products, self.address]

    @property
    def product_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.products.splitlines() if line.strip(" -•\t")]


# --- 3. Intellectual property -----------------------------------------------------------------------------------


class IntellectualProperty(RegistryRecord):
    """Collective and certification marks, geographical indications of the province's products."""

    CODE_PREFIX = "SHTT"
    TITLE_FIELD = "name"
    DETAIL_URL = "registries:ip_detail"

    name = models.CharField("tên nhãn hiệu / chỉ dẫn địa lý", max_length=255)
    ip_type = models.CharField("loại", max_length=14, choices=c.IPType.choices)
    product = models.CharField("sản phẩm", max_length=255)
    holder = models.CharField("chủ sở hữu / tổ chức quản lý", max_length=255, blank=True)
    area = models.TextField("khu vực địa lý", blank=True)
    protection_number = models.CharField(
        "số văn bằng bảo hộ", max_length=40, blank=True, help_text="Để trống khi chưa có hoặc chưa đối chiếu."
    )
    protection_date = models.DateField("ngày cấp văn bằng", null=True, blank=True, validators=[past_date])
    status = models.CharField("tình trạng", max_length=12, choices=c.IPStatus.choices, default=c.IPStatus.UNDERWAY)
    description = models.TextField("mô tả", blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("ip_type"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("product"), FieldPanel("holder")]),
        FieldPanel("area"),
        FieldRowPanel([FieldPanel("protection_number"), FieldPanel("protection_date")]),
        FieldPanel("description"),
        InlinePanel("article_links", heading="Bài viết liên quan", label="bài viết"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = ["ip_type", "name"]
        verbose_name = "tài sản trí tuệ"
        verbose_name_plural = "nhãn hiệu, chỉ dẫn địa lý"

    def __str__(self):
        return f"{self.get_ip_type_display()} {self.name}"

    def clean(self):
        super().clean()
        if self.status != c.IPStatus.PROTECTED and (self.protection_number or self.protection_date):
            raise ValidationError(
                {"status": "Đã có số hoặc ngày cấp văn bằng thì tình trạng phải là “Đã được bảo hộ”."}
            )

    def search_parts(self):
        return [self.code, self.name, self.product, self.holder, self.area, self.protection_number, self.description]


class IPArticleLink(ArticleLink):
    record = ParentalKey(IntellectualProperty, on_delete=models.CASCADE, related_name="article_links")


# --- 4. Support programmes --------------------------------------------------------------------------------------


class SupportGrant(RegistryRecord):
    """One beneficiary's support from a programme in a year (or one line grouping several beneficiaries)."""

    CODE_PREFIX = "HT"
    TITLE_FIELD = "beneficiary"
    DETAIL_URL = "registries:support_detail"

    programme = models.CharField("chương trình hỗ trợ", max_length=14, choices=c.Programme.choices)
    beneficiary = models.CharField("đơn vị được hỗ trợ", max_length=255)
    beneficiary_count = models.PositiveSmallIntegerField(
        "số đơn vị",
        default=1,
        validators=[MinValueValidator(1, "Số đơn vị ít nhất là 1.")],
        help_text="Thường là 1; lớn hơn khi một dòng gộp nhiều đơn vị (ví dụ “05 doanh nghiệp”).",
    )
    year = models.PositiveSmallIntegerField(
        "năm hỗ trợ", null=True, blank=True, validators=[past_year], help_text="Để trống nếu nguồn chưa ghi năm."
    )
    amount = MoneyField("số tiền hỗ trợ (đồng)", default=0, blank=True)
    purpose = models.TextField("nội dung hỗ trợ", blank=True)
    outcome = models.TextField("kết quả", blank=True)

    panels = [
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("programme"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("beneficiary"), FieldPanel("beneficiary_count")]),
        FieldPanel("amount"),
        FieldPanel("purpose"),
        FieldPanel("outcome"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = [models.F("year").desc(nulls_last=True), "programme", "beneficiary"]
        verbose_name = "khoản hỗ trợ"
        verbose_name_plural = "hỗ trợ doanh nghiệp"

    def __str__(self):
        return f"{self.beneficiary} – {self.get_programme_display()}"

    def search_parts(self):
        return [self.code, self.beneficiary, self.purpose, self.outcome, self.get_programme_display()]


# --- 5. Yearbooks and publications ------------------------------------------------------------------------------


def publication_path(instance, filename):
    return f"registries/an-pham/{instance.year or 'khac'}/{sanitize_filename(filename)}"


class Publication(RegistryRecord):
    """Kỷ yếu KH&CN and other publications: a PDF whose text is searchable."""

    CODE_PREFIX = "AP"
    TITLE_FIELD = "title"
    DETAIL_URL = "registries:publication_detail"

    kind = models.CharField(
        "loại", max_length=12, choices=c.PublicationKind.choices, default=c.PublicationKind.YEARBOOK
    )
    title = models.CharField("tên ấn phẩm", max_length=500)
    year = models.PositiveSmallIntegerField("năm xuất bản", validators=[past_year])
    issue = models.CharField("số, tập", max_length=40, blank=True)
    authors = models.TextField("tác giả, ban biên tập", blank=True)
    publisher = models.CharField("nhà xuất bản, đơn vị phát hành", max_length=255, blank=True)
    description = models.TextField("giới thiệu", blank=True)
    file = models.FileField("tệp PDF", upload_to=publication_path, blank=True, max_length=255)
    page_count = models.PositiveIntegerField("số trang", null=True, blank=True, editable=False)
    text_status = models.CharField(
        "nội dung tệp", max_length=10, choices=c.TextStatus.choices, default=c.TextStatus.NO_FILE, editable=False
    )
    pdf_text = models.TextField(editable=False, default="", help_text="Text of the PDF (NFC, spaces collapsed).")
    pdf_search = models.TextField(editable=False, default="", help_text="The same text folded, for search.")
    text_file_name = models.CharField(max_length=255, editable=False, default="")

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year"), FieldPanel("issue")]),
        FieldPanel("authors"),
        FieldPanel("publisher"),
        FieldPanel("description"),
        FieldPanel("file"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = ["-year", "kind", "title"]
        verbose_name = "ấn phẩm"
        verbose_name_plural = "kỷ yếu, ấn phẩm"

    def __str__(self):
        return f"{self.title} ({self.year})"

    def clean(self):
        super().clean()
        check_file(self.file, ("pdf",), c.MAX_PDF_BYTES, "file")

    def search_parts(self):
        return [self.code, self.title, self.issue, self.authors, self.publisher, self.description]

    @property
    def text_is_stale(self) -> bool:
        return bool(self.file) and self.text_file_name != self.file.name


# --- 6. Films ---------------------------------------------------------------------------------------------------

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def embed_src(url: str) -> str | None:
    """The player address of a YouTube or Vimeo link, or None for any other site."""
    if not url:
        return None
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    parts = [part for part in parsed.path.split("/") if part]
    video_id = None
    if host == "youtu.be" and parts:
        video_id = parts[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if parts[:1] == ["watch"]:
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        elif len(parts) >= 2 and parts[0] in ("embed", "shorts", "live"):
            video_id = parts[1]
    if video_id is not None:
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if YOUTUBE_ID.fullmatch(video_id) else None
    if host in ("vimeo.com", "player.vimeo.com"):
        number = parts[-1] if parts else ""
        return f"https://player.vimeo.com/video/{number}" if number.isdigit() else None
    return None


def film_path(instance, filename):
    return f"registries/phim/{sanitize_filename(filename)}"


class Film(RegistryRecord):
    """Phim phổ biến kiến thức KH&CN: an uploaded video file or a YouTube/Vimeo link."""

    CODE_PREFIX = "PHIM"
    TITLE_FIELD = "title"
    DETAIL_URL = "registries:film_detail"

    title = models.CharField("tên phim", max_length=255)
    topic = models.CharField("chủ đề", max_length=12, choices=c.FilmTopic.choices, default=c.FilmTopic.OTHER)
    year = models.PositiveSmallIntegerField("năm sản xuất", null=True, blank=True, validators=[past_year])
    duration = DurationSecondsField("thời lượng", null=True, blank=True)
    description = models.TextField("giới thiệu", blank=True)
    video_file = models.FileField(
        "tệp video (MP4, WebM)",
        upload_to=film_path,
        blank=True,
        max_length=255,
        help_text="Hoặc nhập địa chỉ bên dưới.",
    )
    embed_url = models.URLField(
        "địa chỉ phim trên YouTube / Vimeo", blank=True, help_text="Ví dụ https://www.youtube.com/watch?v=…"
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    producer = models.CharField("đơn vị sản xuất", max_length=255, blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("year"), FieldPanel("duration")]),
        FieldPanel("description"),
        FieldPanel("video_file"),
        FieldPanel("embed_url"),
        FieldPanel("poster"),
        FieldPanel("producer"),
        MultiFieldPanel([FieldPanel("is_public"), FieldPanel("is_demo"), FieldPanel("source")], heading="Công bố"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "phim phổ biến kiến thức"
        verbose_name_plural = "phim phổ biến kiến thức"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if not self.video_file and not self.embed_url:
            errors["video_file"] = "Hãy tải lên tệp video hoặc nhập địa chỉ phim trên YouTube / Vimeo."
        if self.embed_url and embed_src(self.embed_url) is None:
            errors["embed_url"] = "Chỉ nhận địa chỉ phim trên YouTube hoặc Vimeo (ví dụ https://youtu.be/…)."
        if errors:
            raise ValidationError(errors)
        check_video(self.video_file, "video_file")

    def search_parts(self):
        return [self.code, self.title, self.description, self.producer, self.get_topic_display()]

    @property
    def player_src(self) -> str | None:
        return embed_src(self.embed_url)

    @property
    def video_type(self) -> str:
        return "video/webm" if self.video_file.name.lower().endswith(".webm") else "video/mp4"
