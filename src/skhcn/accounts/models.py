from django.conf import settings
from django.db import models

from .constants import ApplicantKind, StaffRole


class ApplicantProfile(models.Model):
    """What a citizen or business tells us about themselves; dossiers copy it at submission."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile")
    kind = models.CharField(
        "loại tài khoản", max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    full_name = models.CharField("họ và tên / tên tổ chức", max_length=255)
    phone = models.CharField("số điện thoại", max_length=20)
    id_number = models.CharField("số định danh cá nhân / mã số thuế", max_length=20, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    email_verified_at = models.DateTimeField("đã xác thực thư điện tử lúc", null=True, blank=True)
    identity_provider = models.CharField("đăng nhập qua", max_length=40, default="local")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hồ sơ người nộp"
        verbose_name_plural = "hồ sơ người nộp"

    def __str__(self):
        return self.full_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Division(models.Model):
    """A unit of the department (phòng chuyên môn) that handles dossiers of some procedures."""

    code = models.SlugField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "phòng chuyên môn"
        verbose_name_plural = "phòng chuyên môn"

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """A staff member's role in the one-stop process and the division they belong to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField("vai trò", max_length=20, choices=StaffRole.choices)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="đơn vị"
    )
    full_name = models.CharField("họ và tên", max_length=255)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    # Printed on the papers the officer signs (form 02: whom to call for guidance).
    phone = models.CharField("số điện thoại công vụ", max_length=20, blank=True)

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"
