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

from django.conf import settings

logger = logging.getLogger(__name__)


# What the request path records, as a plain tuple (the cheapest thing to build), worked out later by the flusher
# (visits.identity): (unix time, REMOTE_ADDR, X-Forwarded-For, User-Agent, Referer, Host, is member, article ids).
PageView = tuple[float, str, str, str, str, str, bool, list[int]]


class Buffer:
    def __init__(self):
        self._items: list[PageView] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = None
        self._thread_pid = None

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
        from .identity import resolve
        from .stores import get_store

        with self._flush_lock:
            items = self.take()
            if not items:
                return 0
            try:
                get_store().record(resolve(items))
            except Exception:
                # Keep the counts for the next attempt rather than lose them (the store may be briefly down).
                logger.exception("Không ghi được số liệu truy cập; sẽ thử lại")
                with self._lock:
                    self._items[:0] = items[-100_000:]
                return 0
            return len(items)

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
        from django.db import close_old_connections

        while True:
            time.sleep(settings.VISITS_FLUSH_SECONDS)
            try:
                self.flush()
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
