from django.core.exceptions import ValidationError
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .constants import Dimension, VisitorKind


@register_setting(icon="table")
class VisitSettings(BaseGenericSetting):
    online_window_minutes = models.PositiveSmallIntegerField(
        "Cửa sổ “đang truy cập” (phút)",
        default=5,
        help_text="Một người được tính là đang truy cập nếu có yêu cầu trong số phút này.",
    )
    visit_window_minutes = models.PositiveSmallIntegerField(
        "Cửa sổ một lượt truy cập (phút)",
        default=30,
        help_text="Hai lần xem trang cách nhau ít hơn số phút này thuộc cùng một lượt truy cập.",
    )
    include_bots_in_totals = models.BooleanField(
        "Tính máy chủ tìm kiếm vào tổng số",
        default=False,
        help_text="Mặc định không: “Hôm nay”, “Tháng hiện tại”, “Tổng lượt truy cập” chỉ đếm người.",
    )
    starting_total = models.PositiveBigIntegerField(
        "Tổng lượt truy cập ban đầu",
        default=0,
        help_text="Số lượt đã có trên hệ thống cũ (ví dụ NukeViet), cộng vào “Tổng lượt truy cập”.",
    )

    class Meta:
        verbose_name = "Cấu hình thống kê truy cập"

    def clean(self):
        errors = {}
        if not 1 <= self.online_window_minutes <= 120:
            errors["online_window_minutes"] = "Hãy nhập từ 1 đến 120 phút."
        if not 1 <= self.visit_window_minutes <= 1440:
            errors["visit_window_minutes"] = "Hãy nhập từ 1 đến 1440 phút."
        if errors:
            raise ValidationError(errors)


class HourlyTraffic(models.Model):
    """Visits and page views in one hour (Vietnam time). Kept for ever: days, months and years are sums of these."""

    day = models.DateField("Ngày")
    hour = models.PositiveSmallIntegerField("Giờ")
    visits = models.PositiveIntegerField("Lượt truy cập của khách", default=0)
    member_visits = models.PositiveIntegerField("Lượt truy cập của thành viên", default=0)
    bot_visits = models.PositiveIntegerField("Lượt truy cập của máy tìm kiếm", default=0)
    page_views = models.PositiveIntegerField("Lượt xem trang của người", default=0)
    bot_page_views = models.PositiveIntegerField("Lượt xem trang của máy tìm kiếm", default=0)

    class Meta:
        verbose_name = "lưu lượng theo giờ"
        verbose_name_plural = "Lưu lượng theo giờ"
        constraints = [models.UniqueConstraint(fields=["day", "hour"], name="visits_hourly_unique")]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.hour:02d}h"


class MonthlyDimension(models.Model):
    """Visits of one month by browser, operating system, referring site, or bot name."""

    month = models.DateField("Tháng")
    dimension = models.CharField("Loại", max_length=10, choices=Dimension.choices)
    value = models.CharField("Giá trị", max_length=150)
    visits = models.PositiveIntegerField("Lượt truy cập", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "dimension", "value"], name="visits_dimension_unique")]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.dimension} {self.value}"


class MonthlyArticleViews(models.Model):
    month = models.DateField("Tháng")
    article = models.ForeignKey("portal.ArticlePage", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField("Lượt xem", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "article"], name="visits_article_month_unique")]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.article_id}"


def article_model():
    """The page model whose views are counted: the target of ``MonthlyArticleViews.article`` (the portal's article).

    Visits is a counter below the portal and imports none of its modules; it needs of that model its ids and its
    denormalised ``view_count`` column.
    """
    return MonthlyArticleViews._meta.get_field("article").related_model


class VisitorPresence(models.Model):
    """Who was seen recently (embedded mode; Redis keeps this itself). Keys are keyed hashes, never addresses."""

    key = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=8, choices=VisitorKind.choices)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key[:12]


class ArticleViewMark(models.Model):
    """That a visitor already viewed an article during the current visit (embedded mode)."""

    visitor_key = models.CharField(max_length=64)
    article_id = models.BigIntegerField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visitor_key", "article_id"], name="visits_article_mark_unique")]

    def __str__(self):
        return f"{self.visitor_key[:12]} {self.article_id}"


class AppliedRollup(models.Model):
    """Redis batches already moved into the database, so a retried rollup never counts twice."""

    batch_id = models.CharField(max_length=64, primary_key=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch_id
