"""Periodic jobs: each app registers what must run every so often; ``run_scheduler`` runs them all.

``core`` knows no feature app: an app registers its jobs with ``@periodic`` in its ``tasks.py`` (imported by its
``AppConfig.ready``). A job is a plain function; long work belongs in a django-tasks task that the job queues.
Jobs that must run once across several schedulers (several app servers) guard themselves (a database row per day,
a shared-cache lock).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections

from .resilience import Backoff, FaultLog

logger = logging.getLogger(__name__)


@dataclass
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: float  # seconds between the starts of two runs
    next_run: float = 0.0
    backoff: Backoff = field(default_factory=lambda: Backoff(first=1.0, maximum=60.0))
    faults: FaultLog | None = None

    def run(self, now: float) -> bool:
        """Run once; a failure (database or Redis away) is logged and retried sooner than ``every``, up to it."""
        if self.faults is None:
            self.faults = FaultLog(logger, f"Tác vụ định kỳ “{self.name}”")
        try:
            self.func()
        except Exception as exc:
            self.faults.failed(exc)
            # A broken connection is not reused: the next run opens a new one.
            connections.close_all()
            self.next_run = now + min(self.every, self.backoff.next_delay())
            return False
        self.faults.succeeded()
        self.backoff.reset()
        self.next_run = now + self.every
        return True


_registry: dict[str, PeriodicJob] = {}


def periodic(name: str, every: float):
    """Register ``func`` to run every ``every`` seconds in the scheduler."""

    def register(func: Callable[[], object]) -> Callable[[], object]:
        _registry[name] = PeriodicJob(name, func, float(every))
        return func

    return register


def registered() -> list[PeriodicJob]:
    return list(_registry.values())


def run_due(jobs: list[PeriodicJob], now: float | None = None) -> float:
    """Run the jobs whose time has come; returns the time (monotonic) of the next one."""
    now = time.monotonic() if now is None else now
    for job in jobs:
        if job.next_run <= now:
            job.run(now)
    return min((job.next_run for job in jobs), default=now + 1.0)
