"""The in-process buffer of page views and its flusher.

The request path only appends a small tuple to a list (no I/O, no parsing). A daemon thread in every worker process
flushes the list once a second to the counter store (the database in embedded mode, Redis when configured), where
visits are told apart atomically across all processes and servers. The buffer is flushed on clean shutdown too.
"""

import atexit
import logging
import multiprocessing.util
import os
import threading
import time
import uuid
from collections import deque

from django.conf import settings
from django.db import close_old_connections

from skhcn.core.resilience import FaultLog

from .identity import PageView, resolve
from .stores import get_store

logger = logging.getLogger(__name__)


class Buffer:
    """Page views of this process on their way to the counter store.

    A flush resolves the views taken from the request path into one batch with an id and records it. A batch the
    store could not take (Redis or the database away) is kept, with the same id, and recorded first on the next
    flush: the stores apply a batch id at most once, so a batch whose answer was lost is not counted twice. At most
    ``VISITS_BUFFER_MAX_VIEWS`` page views wait; past that the oldest batches are dropped and counted in ``dropped``.
    """

    def __init__(self):
        self._items: list[PageView] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = None
        self._thread_pid = None
        self._unsent: deque[tuple[str, list, int]] = deque()  # (batch id, resolved views, page views in it)
        self.unsent_views = 0
        self.dropped = 0
        self._faults = FaultLog(logger, "Ghi số liệu truy cập")

    def add(self, view: PageView) -> None:
        with self._lock:
            self._items.append(view)
        if self._thread_pid != _process.pid:  # first use in this process (also after a fork)
            self._ensure_thread()

    def take(self) -> list[PageView]:
        with self._lock:
            items, self._items = self._items, []
        return items

    def flush(self) -> int:
        """Record what is waiting; returns the number of page views recorded by this call."""
        with self._flush_lock:
            items = self.take()
            if items:
                self._unsent.append((uuid.uuid4().hex, resolve(items), len(items)))
                self.unsent_views += len(items)
                self._drop_overflow()
            recorded = 0
            while self._unsent:
                batch_id, seen, count = self._unsent[0]
                try:
                    get_store().record(seen, batch_id=batch_id)
                except Exception as exc:  # kept for the next flush; the log says so once a minute
                    self._faults.failed(exc)
                    return recorded
                self._faults.succeeded()
                self._unsent.popleft()
                self.unsent_views -= count
                recorded += count
            return recorded

    def _drop_overflow(self) -> None:
        limit = max(1, int(settings.VISITS_BUFFER_MAX_VIEWS))
        dropped = 0
        while self.unsent_views > limit and len(self._unsent) > 1:
            _, _, count = self._unsent.popleft()
            self.unsent_views -= count
            dropped += count
        if dropped:
            self.dropped += dropped
            logger.error(
                "Bộ đệm lượt xem đầy (%d lượt, VISITS_BUFFER_MAX_VIEWS): bỏ %d lượt xem cũ nhất chưa ghi được",
                limit,
                dropped,
            )

    def discard(self) -> None:
        """Forget everything waiting (tests)."""
        with self._flush_lock:
            self.take()
            self._unsent.clear()
            self.unsent_views = 0

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = self._thread_pid = os.getpid()
            if settings.VISITS_FLUSH_SECONDS <= 0:  # flushed by the caller (tests)
                return
            self._thread = threading.Thread(target=self._run, name="visit-flusher", daemon=True)
            self._thread.start()
            atexit.register(self.flush)
            # Server workers started by multiprocessing (granian) leave through os._exit(), which skips atexit
            # but runs multiprocessing's finalizers.
            multiprocessing.util.Finalize(None, self.flush, exitpriority=100)

    def _run(self) -> None:
        while True:
            time.sleep(settings.VISITS_FLUSH_SECONDS)
            try:
                self.flush()
            except Exception:  # the flusher thread must never die
                logger.exception("Lỗi không lường trước khi ghi số liệu truy cập")
            finally:
                close_old_connections()


class _Process:
    """This process's id, kept current across forks without a getpid() call per page view."""

    pid = os.getpid()


def _after_fork() -> None:
    _process.pid = os.getpid()


_process = _Process()
os.register_at_fork(after_in_child=_after_fork)
buffer = Buffer()
