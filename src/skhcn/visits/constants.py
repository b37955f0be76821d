from django.db import models


class VisitorKind(models.TextChoices):
    GUEST = "guest", "Khách viếng thăm"
    BOT = "bot", "Máy chủ tìm kiếm"
    MEMBER = "member", "Thành viên"


class Dimension(models.TextChoices):
    BROWSER = "browser", "Trình duyệt"
    OS = "os", "Hệ điều hành"
    REFERRER = "referrer", "Trang giới thiệu"
    BOT = "bot", "Máy chủ tìm kiếm"


UNKNOWN = "Không xác định"
# Longer User-Agent strings are cut before classification (the crawler regexes slow down badly on long junk).
MAX_USER_AGENT = 256
MAX_DIMENSION_VALUE = 150
FIGURES_CACHE_SECONDS = 2
# Paths whose responses are not page views.
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/danh-gia/", "/thong-ke/csv")
