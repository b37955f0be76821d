"""Client address and privacy-preserving hashes of it."""

import hashlib
import hmac
import ipaddress
from datetime import date

from django.conf import settings
from django.utils import timezone


def client_ip(request) -> str:
    """The visitor's address; X-Forwarded-For is believed only when the direct peer is a trusted proxy."""
    return client_address(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def client_address(remote: str, forwarded: str) -> str:
    """``client_ip`` from the raw header values (the visit flusher works on recorded values, not requests)."""
    remote = remote or "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address
    if remote in settings.TRUSTED_PROXIES:
        # The right-most address not belonging to our proxies is the one our proxy saw.
        for candidate in reversed([part.strip() for part in forwarded.split(",")[-10:]]):
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                break
            if candidate not in settings.TRUSTED_PROXIES:
                return candidate
    return remote


def daily_hash(value: str, purpose: str, day: date | None = None) -> str:
    """A keyed hash whose key changes every day (Vietnam time): links events of one day, not across days."""
    key = f"{settings.SECRET_KEY}:{purpose}:{(day or timezone.localdate()).isoformat()}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def stable_hash(value: str, purpose: str) -> str:
    key = f"{settings.SECRET_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
