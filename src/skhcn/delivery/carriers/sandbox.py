"""A simulated carrier for training and tests ("thử nghiệm"): S10-valid numbers with the prefix ``EZ``; each poll moves
an item one step: accepted (handed over) → in transit → delivered, or → returned when the address contains
``SANDBOX_RETURN_MARKER``."""

import secrets

from django.utils import timezone

from .. import s10
from ..constants import SANDBOX_RETURN_MARKER, ShipmentStatus
from .base import Carrier, TrackingUpdate

PREFIX = "EZ"


class SandboxCarrier(Carrier):
    key = "sandbox"
    label = "Bưu chính thử nghiệm (không gửi thật)"
    sandbox = True
    trackable = True

    def create_shipment(self, shipment) -> str | None:
        return s10.make(PREFIX, secrets.randbelow(100_000_000))

    def track(self, shipment) -> list[TrackingUpdate]:
        now = timezone.now()
        if shipment.status == ShipmentStatus.HANDED_OVER:
            return [TrackingUpdate(ShipmentStatus.IN_TRANSIT, now, "Thử nghiệm: bưu gửi đang được vận chuyển.")]
        if shipment.status == ShipmentStatus.IN_TRANSIT:
            if SANDBOX_RETURN_MARKER.lower() in shipment.address.lower():
                return [
                    TrackingUpdate(
                        ShipmentStatus.RETURNED, now, "Thử nghiệm: không phát được (không tìm thấy địa chỉ), hoàn về."
                    )
                ]
            return [TrackingUpdate(ShipmentStatus.DELIVERED, now, "Thử nghiệm: đã phát thành công cho người nhận.")]
        return []

    def cancel(self, shipment) -> None:
        return None
