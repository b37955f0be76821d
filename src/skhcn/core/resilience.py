"""Helpers for loops that must outlive a lost database or Redis: growing pauses and quiet, honest logging.

A background loop (task worker, scheduler, visit flusher) catches the failure of one round, logs it, waits and tries
again; it never exits because a service went away for a while. ``FaultLog`` keeps the log readable during an outage:
the first failure with its traceback, then one line a minute, and a line when the service is back.
"""

import logging
import time


class Backoff:
    """Pauses of 1, 2, 4 … ``maximum`` seconds between failed attempts; ``reset()`` after a success."""

    def __init__(self, first: float = 1.0, maximum: float = 30.0):
        self.first = first
        self.maximum = maximum
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.maximum, self.first * 2 ** (self.failures - 1))

    def reset(self) -> None:
        self.failures = 0


class FaultLog:
    """Logs a failing operation without flooding the log while a service stays down."""

    def __init__(self, logger: logging.Logger, what: str, repeat_every: float = 60.0):
        self.logger = logger
        self.what = what
        self.repeat_every = repeat_every
        self.failing_since: float | None = None
        self.failures = 0
        self._last_report = 0.0

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        self.failures += 1
        if self.failing_since is None:
            self.failing_since = now
            self._last_report = now
            self.logger.warning("%s thất bại; sẽ thử lại", self.what, exc_info=exc)
        elif now - self._last_report >= self.repeat_every:
            self._last_report = now
            self.logger.warning(
                "%s vẫn thất bại sau %d giây (%d lần): %s",
                self.what,
                int(now - self.failing_since),
                self.failures,
                exc,
            )

    def succeeded(self) -> None:
        if self.failing_since is not None:
            self.logger.warning(
                "%s đã chạy lại được sau %.1f giây (%d lần thất bại)",
                self.what,
                time.monotonic() - self.failing_since,
                self.failures,
            )
        self.failing_since = None
        self.failures = 0
