"""The six registries described once: address, titles, filters of the public list, search fields, feed text.

The public views, the feeds, the sidebar blocks and the admin import/export read these descriptions, so a registry's
behaviour is the same everywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from . import constants as c
from . import models
from .parsing import format_duration, money_words


@dataclass(frozen=True)
class Filter:
    param: str  # the URL parameter
    label: str
    lookup: str  # ORM lookup the value is compared with
    choices: type | None = None  # a TextChoices class; None = years found in the data
    all_label: str = "Tất cả"


@dataclass(frozen=True)
class Registry:
    key: str
    slug: str
    model: type
    title: str
    noun: str  # "nhiệm vụ": counts read "12 nhiệm vụ"
    intro: str
    query_label: str
    filters: tuple[Filter, ...] = ()
    search_extra: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    describe: Callable = field(default=lambda record: "")

    @property
    def list_url_name(self) -> str:
        return f"registries:{self.key}_list"

    @property
    def feed_url_name(self) -> str:
        return f"registries:{self.key}_feed"

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def public(self) -> QuerySet:
        queryset = self.model.objects.filter(is_public=True)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.model is models.Publication:
            queryset = queryset.defer("pdf_text", "pdf_search")
        return queryset


def _dates(start, end) -> str:
    if start and end:
        return f"{start:%m/%Y} – {end:%m/%Y}"
    if start:
        return f"từ {start:%m/%Y}"
    return f"đến {end:%m/%Y}" if end else ""


def _task(task) -> str:
    parts = [f"{task.get_kind_display()} {task.get_level_display().lower()}", task.get_status_display()]
    if task.host_organisation:
        parts.append(f"Tổ chức chủ trì: {task.host_organisation}")
    if task.principal_investigator:
        parts.append(f"Chủ nhiệm: {task.principal_investigator}")
    if duration := _dates(task.start_date, task.end_date):
        parts.append(f"Thời gian: {duration}")
    return ". ".join(parts) + "."


def _enterprise(enterprise) -> str:
    parts = [f"Doanh nghiệp KH&CN, {enterprise.get_status_display().lower()}"]
    if enterprise.certificate_number:
        parts.append(f"Giấy chứng nhận số {enterprise.certificate_number}")
    if enterprise.certificate_date:
        parts.append(f"cấp ngày {enterprise.certificate_date:%d/%m/%Y}")
    return ", ".join(parts) + "."


def _ip(record) -> str:
    return f"{record.get_ip_type_display()} cho sản phẩm {record.product}: {record.get_status_display().lower()}."


def _support(grant) -> str:
    year = f" năm {grant.year}" if grant.year else ""
    return f"{grant.get_programme_display()}{year}: {money_words(grant.amount)}."


def _publication(publication) -> str:
    issue = f", {publication.issue}" if publication.issue else ""
    return f"{publication.get_kind_display()} {publication.year}{issue}. {publication.authors}".strip()


def _film(film) -> str:
    duration = f", {format_duration(film.duration)}" if film.duration else ""
    return f"{film.get_topic_display()}{duration}. {film.description[:300]}".strip()


def _year_filter(lookup: str, label: str = "Năm") -> Filter:
    return Filter("nam", label, lookup, None, "Tất cả các năm")


TASKS = Registry(
    key="task",
    slug="nhiem-vu",
    model=models.ScienceTask,
    title="Thông tin nhiệm vụ khoa học và công nghệ",
    noun="nhiệm vụ",
    intro="Đề tài, dự án khoa học và công nghệ các cấp thực hiện trên địa bàn tỉnh: tổ chức chủ trì, chủ nhiệm, "
    "kinh phí, tình trạng, kết quả và việc ứng dụng kết quả.",
    query_label="Từ khóa (tên, mã nhiệm vụ, tổ chức chủ trì, chủ nhiệm)",
    filters=(
        Filter("cap", "Cấp quản lý", "level", c.TaskLevel, "Tất cả các cấp"),
        Filter("loai", "Loại nhiệm vụ", "kind", c.TaskKind, "Đề tài và dự án"),
        Filter("linh_vuc", "Lĩnh vực", "field", c.ScienceField, "Tất cả lĩnh vực"),
        Filter("tinh_trang", "Tình trạng", "status", c.TaskStatus, "Mọi tình trạng"),
        _year_filter("start_date__year", "Năm bắt đầu"),
    ),
    describe=_task,
)
ENTERPRISES = Registry(
    key="enterprise",
    slug="doanh-nghiep",
    model=models.ScienceEnterprise,
    title="Doanh nghiệp khoa học và công nghệ",
    noun="doanh nghiệp",
    intro="Doanh nghiệp được cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ: số và ngày cấp, mã số thuế, "
    "sản phẩm, công nghệ, tình trạng.",
    query_label="Từ khóa (tên doanh nghiệp, mã số thuế, số giấy chứng nhận, sản phẩm)",
    filters=(
        Filter("tinh_trang", "Tình trạng", "status", c.EnterpriseStatus, "Mọi tình trạng"),
        Filter("linh_vuc", "Lĩnh vực", "field", c.ScienceField, "Tất cả lĩnh vực"),
        _year_filter("certificate_date__year", "Năm cấp"),
    ),
    describe=_enterprise,
)
INTELLECTUAL_PROPERTY = Registry(
    key="ip",
    slug="so-huu-tri-tue",
    model=models.IntellectualProperty,
    title="Nhãn hiệu tập thể, nhãn hiệu chứng nhận, chỉ dẫn địa lý",
    noun="tài sản trí tuệ",
    intro="Nhãn hiệu tập thể, nhãn hiệu chứng nhận và chỉ dẫn địa lý cho sản phẩm của tỉnh: sản phẩm, chủ sở hữu, "
    "khu vực, văn bằng bảo hộ, tình trạng.",
    query_label="Từ khóa (tên, sản phẩm, chủ sở hữu, khu vực)",
    filters=(
        Filter("loai", "Loại", "ip_type", c.IPType, "Tất cả các loại"),
        Filter("tinh_trang", "Tình trạng", "status", c.IPStatus, "Mọi tình trạng"),
    ),
    describe=_ip,
)
SUPPORT = Registry(
    key="support",
    slug="ho-tro",
    model=models.SupportGrant,
    title="Hỗ trợ doanh nghiệp đổi mới công nghệ, năng suất, chất lượng, sở hữu trí tuệ",
    noun="khoản hỗ trợ",
    intro="Các khoản hỗ trợ theo chính sách của tỉnh: đổi mới công nghệ, nâng cao năng suất chất lượng, xác lập "
    "quyền sở hữu công nghiệp, tham gia chợ công nghệ và thiết bị (Techmart).",
    query_label="Từ khóa (đơn vị được hỗ trợ, nội dung)",
    filters=(
        Filter("chuong_trinh", "Chương trình", "programme", c.Programme, "Tất cả chương trình"),
        _year_filter("year"),
    ),
    describe=_support,
)
PUBLICATIONS = Registry(
    key="publication",
    slug="an-pham",
    model=models.Publication,
    title="Kỷ yếu và ấn phẩm khoa học và công nghệ",
    noun="ấn phẩm",
    intro="Kỷ yếu khoa học và công nghệ và các ấn phẩm xuất bản của Sở, tải về dạng PDF. Tìm kiếm cả trong nội dung "
    "tệp PDF.",
    query_label="Từ khóa (tên, tác giả, hoặc chữ trong nội dung tệp)",
    filters=(
        Filter("loai", "Loại ấn phẩm", "kind", c.PublicationKind, "Kỷ yếu và ấn phẩm"),
        _year_filter("year"),
    ),
    search_extra=("pdf_search",),
    describe=_publication,
)
FILMS = Registry(
    key="film",
    slug="phim",
    model=models.Film,
    title="Phim phổ biến kiến thức khoa học và công nghệ",
    noun="phim",
    intro="Phim phổ biến kiến thức khoa học và công nghệ, xem trực tiếp trên cổng.",
    query_label="Từ khóa (tên phim, nội dung)",
    filters=(Filter("chu_de", "Chủ đề", "topic", c.FilmTopic, "Tất cả chủ đề"),),
    select_related=("poster",),
    describe=_film,
)

REGISTRIES: dict[str, Registry] = {
    registry.key: registry for registry in (TASKS, ENTERPRISES, INTELLECTUAL_PROPERTY, SUPPORT, PUBLICATIONS, FILMS)
}


def for_model(model) -> Registry:
    return next(registry for registry in REGISTRIES.values() if registry.model is model)
