"""Dossier codes: ``<AGENCY_CODE>-<yymmdd>-<5-digit serial of the day>``, days counted in Vietnam time; and the
normalised lookup keys (code, phone, ID number) that public tracking compares."""

import re
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import DailySerial

SERIAL_DIGITS = 5


def format_code(agency_code: str, day, serial: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{serial:0{SERIAL_DIGITS}d}"


def allocate_code(now: datetime | None = None) -> str:
    """Take the next serial of the (local) day; call inside the transaction that saves the dossier.

    Race safety: the counter row is locked with SELECT ... FOR UPDATE (PostgreSQL) until the caller's transaction
    ends, so concurrent submissions queue on it; SQLite's IMMEDIATE transactions already serialise writers. A
    rolled-back submission gives its number back with the rollback, so serials have no gaps from failures.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_code() must run inside the transaction that saves the dossier")
    agency = settings.AGENCY_CODE
    day = timezone.localdate(now or timezone.now())
    # get_or_create survives two first-of-the-day submissions racing to insert the row (IntegrityError -> get).
    DailySerial.objects.get_or_create(agency_code=agency, day=day)
    serial = DailySerial.objects.select_for_update().get(agency_code=agency, day=day)
    DailySerial.objects.filter(pk=serial.pk).update(last_value=F("last_value") + 1)
    return format_code(agency, day, serial.last_value + 1)


_SEPARATORS = re.compile(r"[\s.\-_/()]+")


def normalise_phone(value: str) -> str:
    """ "+84 912.345.678" -> "0912345678"; anything but digits is dropped."""
    value = _SEPARATORS.sub("", value or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("0084"):
        value = "0" + value[4:]
    return re.sub(r"\D", "", value)[:20]


def normalise_id(value: str) -> str:
    """ID card numbers and tax codes without spaces, dots or dashes, upper-case (tax branches use "-001")."""
    return _SEPARATORS.sub("", value or "").upper()[:20]


def normalise_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()[:40]
