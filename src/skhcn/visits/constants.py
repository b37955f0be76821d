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


VISITOR_COOKIE = "skhcn_vid"
UNKNOWN = "Không xác định"
# Longer User-Agent strings are cut before classification (the crawler regexes slow down badly on long junk).
MAX_USER_AGENT = 256
MAX_DIMENSION_VALUE = 150
# Past this many new visitors a minute from one address (per process), further requests count as one visitor.
NEW_VISITORS_PER_ADDRESS_PER_MINUTE = 60
FIGURES_CACHE_SECONDS = 2
# Paths whose responses are not page views.
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/danh-gia/", "/thong-ke/csv")
