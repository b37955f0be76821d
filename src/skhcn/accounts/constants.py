from django.db import models


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    BUSINESS = "business", "Tổ chức, doanh nghiệp"
