"""The contract every carrier plugin fulfils (docs/buu-chinh.md, docs/dev/plugins.md).

A carrier is stateless; ``delivery.services`` owns the database: it calls ``create_shipment`` inside the transaction
that saves the shipment (a carrier talking to a remote API must be quick and idempotent, or hand the call to a
task), applies ``track`` updates with events, and calls ``cancel`` before marking a shipment cancelled.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from .. import s10


@dataclass(frozen=True)
class TrackingUpdate:
    """One step reported by the carrier: ``status`` is a ``ShipmentStatus`` value."""

    status: str
    at: datetime
    description: str = ""
    details: dict = field(default_factory=dict)


class CarrierError(Exception):
    """A refusal by the carrier (Vietnamese ``message`` for the screen)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Carrier(ABC):
    key: str = ""
    label: str = ""
    # The officer types the tracking number printed by the post office (no API).
    manual_tracking: bool = False
    # A simulation: never for real items; shown with "thử nghiệm" everywhere; refused with SKHCN_ENV=production.
    sandbox: bool = False
    # Has ``track`` anything to say (polled by the ``poll`` task)?
    trackable: bool = False

    def clean_tracking_number(self, value: str) -> str:
        """The normalised tracking number typed by an officer, or ``CarrierError`` (UPU S10 by default)."""
        try:
            return s10.validate(value)
        except s10.S10Error as error:
            raise CarrierError(error.message) from error

    @abstractmethod
    def create_shipment(self, shipment) -> str | None:
        """Register the item with the carrier; return its tracking number, or None when the officer enters it."""

    def track(self, shipment) -> list[TrackingUpdate]:
        """New tracking steps since the shipment's current status (may be empty)."""
        return []

    def cancel(self, shipment) -> None:
        """Cancel the item with the carrier (no-op when there is nothing to tell it)."""
        return None  # nothing to tell a carrier without an API
