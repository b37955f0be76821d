from .base import Carrier


class ManualCarrier(Carrier):
    """The officer hands the item over at the post office counter and types the S10 number of the receipt."""

    key = "manual"
    label = "Bưu điện (nhập số hiệu bưu gửi thủ công)"
    manual_tracking = True

    def create_shipment(self, shipment) -> str | None:
        return None
