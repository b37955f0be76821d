"""Cross-process cache invalidation.

Each app process keeps rendered pages and fragments in its own memory. When editors change content, ``bump()``
increments one database row; every process re-reads that row at most once per
``CONTENT_GENERATION_CHECK_SECONDS`` and drops whatever was rendered under an older value. So a publish shows on every
page of every app server within about a second, at the cost of one tiny query per second per process.
"""

import threading
import time

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F

from .models import ContentGeneration

_lock = threading.Lock()
_state = {"value": None, "checked": 0.0}


def current() -> int:
    now = time.monotonic()
    if _state["value"] is not None and now - _state["checked"] < settings.CONTENT_GENERATION_CHECK_SECONDS:
        return _state["value"]
    with _lock:
        try:
            row = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
        except DatabaseError:
            if _state["value"] is None:
                raise
            # The database is away (a restart, a failover): cached pages keep being served as they are.
            _state["checked"] = now
            return _state["value"]
        _state["value"] = row or 0
        _state["checked"] = now
    return _state["value"]


def forget() -> None:
    """Make the next ``current()`` read the database (used after a local bump and in tests)."""
    _state["value"] = None


def bump() -> None:
    def _do():
        updated = ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1)
        if not updated:
            ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
        forget()

    transaction.on_commit(_do)
