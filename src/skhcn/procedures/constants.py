from django.db import models


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không trực tuyến"


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    CERTIFIED_COPY = "certified_copy", "Bản sao chứng thực"
    COPY = "copy", "Bản sao"
    ORIGINAL_OR_COPY = "original_or_copy", "Bản chính hoặc bản sao"


class DataStatus(models.TextChoices):
    VERIFIED = "verified", "Đã đối chiếu nguồn công khai"
    SAMPLE = "sample", "Dữ liệu mẫu (dựng lại, không chính thức)"
