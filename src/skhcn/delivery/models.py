from django.conf import settings
from django.db import models

from skhcn.core.models import AppendOnlyModel

from . import carriers
from .constants import Direction, EventKind, ShipmentStatus


class Shipment(models.Model):
    """One postal item (bưu gửi) of a dossier: today the result sent to the applicant. Changed only through
    ``delivery.services``; each change appends a ``ShipmentEvent``."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="shipments", verbose_name="hồ sơ"
    )
    direction = models.CharField(
        "chiều gửi", max_length=30, choices=Direction.choices, default=Direction.RESULT_TO_APPLICANT
    )
    carrier = models.CharField("đơn vị bưu chính", max_length=30)
    tracking_number = models.CharField("số hiệu bưu gửi", max_length=40, blank=True)
    recipient_name = models.CharField("người nhận", max_length=255)
    recipient_phone = models.CharField("điện thoại người nhận", max_length=20)
    address_line = models.CharField("địa chỉ (số nhà, đường, thôn/xóm)", max_length=255)
    ward = models.CharField("xã/phường", max_length=120, blank=True)
    # Optional: since 07/2025 most provinces have no district level any more.
    district = models.CharField("quận/huyện", max_length=120, blank=True)
    province = models.CharField("tỉnh/thành phố", max_length=120)
    status = models.CharField(
        "trạng thái", max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cán bộ tạo",
    )
    handed_over_at = models.DateTimeField("giao bưu chính lúc", null=True, blank=True)
    delivered_at = models.DateTimeField("phát thành công lúc", null=True, blank=True)
    returned_at = models.DateTimeField("hoàn về lúc", null=True, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    # Sandbox carrier: how many times it has been polled (drives its simulated progress).
    carrier_state = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "vận đơn bưu chính"
        verbose_name_plural = "vận đơn bưu chính"
        indexes = [models.Index(fields=["status", "carrier"], name="shipment_status_carrier")]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~models.Q(tracking_number="") & ~models.Q(status="cancelled"),
                name="shipment_tracking_unique",
            )
        ]

    def __str__(self):
        return self.tracking_number or f"Vận đơn #{self.pk}"

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.address_line, self.ward, self.district, self.province) if part)

    @property
    def carrier_label(self) -> str:
        return carriers.carrier_label(self.carrier)


class ShipmentEvent(AppendOnlyModel):
    """Append-only history of a shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events", verbose_name="vận đơn")
    at = models.DateTimeField("thời điểm ghi nhận", auto_now_add=True)
    # When it happened (the carrier's time, or the date the officer entered); ``at`` is when it was recorded.
    happened_at = models.DateTimeField("thời điểm xảy ra")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    kind = models.CharField("sự kiện", max_length=20, choices=EventKind.choices)
    from_status = models.CharField("từ trạng thái", max_length=20, choices=ShipmentStatus.choices, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=20, choices=ShipmentStatus.choices)
    note = models.TextField("ghi chú", blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "hành trình bưu gửi"
        verbose_name_plural = "hành trình bưu gửi"

    def __str__(self):
        return self.get_kind_display()
