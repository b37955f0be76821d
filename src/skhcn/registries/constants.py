from django.db import models


class TaskKind(models.TextChoices):
    RESEARCH = "research", "Đề tài"
    PROJECT = "project", "Dự án"


class TaskLevel(models.TextChoices):
    NATIONAL = "national", "Cấp quốc gia"
    PROVINCIAL = "provincial", "Cấp tỉnh"
    GRASSROOTS = "grassroots", "Cấp cơ sở"


class ScienceField(models.TextChoices):
    """The six fields of science and technology of Vietnam's classification."""

    NATURAL = "natural", "Khoa học tự nhiên"
    ENGINEERING = "engineering", "Khoa học kỹ thuật và công nghệ"
    MEDICAL = "medical", "Khoa học y, dược"
    AGRICULTURAL = "agricultural", "Khoa học nông nghiệp"
    SOCIAL = "social", "Khoa học xã hội"
    HUMANITIES = "humanities", "Khoa học nhân văn"


class TaskStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất đặt hàng"
    SELECTED = "selected", "Đã tuyển chọn, giao trực tiếp"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    ACCEPTED = "accepted", "Đã nghiệm thu"
    REGISTERED = "registered", "Đã đăng ký kết quả"
    APPLIED = "applied", "Đã ứng dụng kết quả"


class EnterpriseStatus(models.TextChoices):
    VALID = "valid", "Còn hiệu lực"
    SUSPENDED = "suspended", "Tạm đình chỉ"
    REVOKED = "revoked", "Đã thu hồi"


class IPType(models.TextChoices):
    COLLECTIVE_MARK = "collective", "Nhãn hiệu tập thể"
    CERTIFICATION_MARK = "certification", "Nhãn hiệu chứng nhận"
    GEOGRAPHICAL_INDICATION = "geographical", "Chỉ dẫn địa lý"


class IPStatus(models.TextChoices):
    UNDERWAY = "underway", "Đang thực hiện dự án"
    FILED = "filed", "Đã nộp đơn đăng ký"
    PROTECTED = "protected", "Đã được bảo hộ"


class Programme(models.TextChoices):
    TECHNOLOGY_INNOVATION = "innovation", "Hỗ trợ đổi mới công nghệ"
    PRODUCTIVITY_QUALITY = "productivity", "Hỗ trợ nâng cao năng suất, chất lượng"
    IP_ESTABLISHMENT = "ip", "Hỗ trợ xác lập quyền sở hữu công nghiệp"
    TECHMART = "techmart", "Tham gia chợ công nghệ và thiết bị (Techmart)"


class PublicationKind(models.TextChoices):
    YEARBOOK = "yearbook", "Kỷ yếu KH&CN"
    PUBLICATION = "publication", "Ấn phẩm xuất bản"


class TextStatus(models.TextChoices):
    """Where the text of an uploaded PDF stands (full-text search reads it)."""

    NO_FILE = "no_file", "Chưa có tệp"
    PENDING = "pending", "Đang đọc nội dung tệp"
    DONE = "done", "Đã đọc nội dung, tìm được trong tệp"
    NO_TEXT = "no_text", "Tệp không có lớp chữ (bản quét ảnh)"
    FAILED = "failed", "Không đọc được tệp"


class FilmTopic(models.TextChoices):
    AGRICULTURE = "agriculture", "Nông nghiệp, nông thôn"
    HEALTH = "health", "Y tế, sức khỏe"
    ENVIRONMENT = "environment", "Tài nguyên, môi trường"
    INDUSTRY = "industry", "Công nghiệp, công nghệ"
    QUALITY_IP = "quality_ip", "Sở hữu trí tuệ, tiêu chuẩn, đo lường, chất lượng"
    OTHER = "other", "Chủ đề khác"


DEMO_LABEL = "Dữ liệu mẫu"
DEMO_NOTICE = "Dữ liệu mẫu, không phải thông tin chính thức"
MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_VIDEO_BYTES = 500 * 1024 * 1024
MAX_REPORT_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000  # text kept from one PDF (a yearbook of a few hundred pages fits)
