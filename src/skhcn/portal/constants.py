from django.db import models


class SidebarKind(models.TextChoices):
    VIDEOS = "videos", "Thư viện video"
    CATEGORY = "category", "Tin mới của một chuyên mục"
    LINKS = "links", "Danh sách liên kết"
    TEXT = "text", "Nội dung tự soạn"
    VISIT_COUNTER = "visit_counter", "Thống kê truy cập"


ARTICLES_PER_PAGE = 15
HOME_LATEST_COUNT = 8
HOME_CATEGORY_COUNT = 5
NEIGHBOUR_COUNT = 5
RELATED_COUNT = 5
