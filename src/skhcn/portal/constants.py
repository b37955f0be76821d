from django.db import models


class SidebarKind(models.TextChoices):
    VIDEOS = "videos", "Thư viện video"
    CATEGORY = "category", "Tin mới của một chuyên mục"
    LINKS = "links", "Danh sách liên kết"
    TEXT = "text", "Nội dung tự soạn"
    VISIT_COUNTER = "visit_counter", "Thống kê truy cập"
    # The S&T registries (skhcn.registries): the newest public records of one registry.
    REG_TASKS = "reg_tasks", "Dữ liệu KH&CN: nhiệm vụ KH&CN mới"
    REG_YEARBOOKS = "reg_yearbooks", "Dữ liệu KH&CN: kỷ yếu KH&CN"
    REG_PUBLICATIONS = "reg_publications", "Dữ liệu KH&CN: ấn phẩm xuất bản"
    REG_FILMS = "reg_films", "Dữ liệu KH&CN: phim phổ biến kiến thức (phát ngay trong khối)"
    REG_ENTERPRISES = "reg_enterprises", "Dữ liệu KH&CN: doanh nghiệp KH&CN"
    REG_IP = "reg_ip", "Dữ liệu KH&CN: nhãn hiệu tập thể, chỉ dẫn địa lý"
    REG_SUPPORT = "reg_support", "Dữ liệu KH&CN: hỗ trợ doanh nghiệp"


ARTICLES_PER_PAGE = 15
HOME_LATEST_COUNT = 8
HOME_CATEGORY_COUNT = 5
NEIGHBOUR_COUNT = 5
RELATED_COUNT = 5
