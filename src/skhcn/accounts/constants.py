from django.db import models


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    BUSINESS = "business", "Tổ chức, doanh nghiệp"


class StaffRole(models.TextChoices):
    """Roles of the department's staff in the one-stop process (each maps to a Django group)."""

    ONE_STOP = "one_stop", "Cán bộ Bộ phận Một cửa"
    DIVISION_HEAD = "division_head", "Lãnh đạo phòng chuyên môn"
    SPECIALIST = "specialist", "Chuyên viên"
    LEADER = "leader", "Lãnh đạo Sở"
    CLERK = "clerk", "Văn thư"
    ADMINISTRATOR = "administrator", "Quản trị hệ thống"
