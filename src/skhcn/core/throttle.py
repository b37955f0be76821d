"""Request throttles on the `limits` library: "at most N times in any S seconds" per purpose and per client.

Counts live in ``THROTTLE_STORAGE_URL``: Redis shared by every process (the default when ``REDIS_URL`` is set) or
this process's memory (``memory://``). Each :class:`Throttle` says what happens while the shared storage does not
answer: ``Fallback.MEMORY`` counts in this process's memory with the same limit (never unlimited: at most N per
process), ``Fallback.REFUSE`` raises :class:`ThrottleUnavailable` so the caller refuses politely. After a failure the
shared storage is left alone for ``THROTTLE_RETRY_SECONDS``, so a dead Redis does not slow every request down.

Identities (addresses, account ids) are stored as keyed hashes, never in clear.
"""

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from limits import RateLimitItemPerSecond
from limits.errors import ConfigurationError, StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .net import stable_hash

logger = logging.getLogger(__name__)

KEY_PREFIX = "skhcn:throttle"


class ThrottleUnavailable(Exception):
    """The shared storage did not answer and the throttle refuses rather than count nowhere."""


class Fallback(enum.Enum):
    MEMORY = "memory"
    REFUSE = "refuse"


class _Storages:
    """The configured storage (one per URL, built on first use), the in-process fallback, and when to retry."""

    def __init__(self):
        self._lock = threading.Lock()
        self._shared: dict[str, Storage] = {}
        self._down_until: dict[str, float] = {}
        self.memory = MemoryStorage()

    def shared(self) -> tuple[str, Storage | None]:
        """(url, storage), storage None while it is considered down."""
        url = settings.THROTTLE_STORAGE_URL or "memory://"
        if url.startswith("memory://"):
            return url, self.memory
        if self._down_until.get(url, 0) > time.monotonic():
            return url, None
        with self._lock:
            if url not in self._shared:
                timeout = float(settings.THROTTLE_REDIS_TIMEOUT)
                self._shared[url] = storage_from_string(
                    url,
                    wrap_exceptions=True,
                    key_prefix=KEY_PREFIX,
                    socket_connect_timeout=timeout,
                    socket_timeout=timeout,
                )
        return url, self._shared[url]

    def mark_down(self, url: str, error: Exception) -> None:
        if self._down_until.get(url, 0) <= time.monotonic():
            logger.warning("Throttle storage %s is not answering (%s): using the fallbacks", _redact(url), error)
        self._down_until[url] = time.monotonic() + float(settings.THROTTLE_RETRY_SECONDS)

    def reset(self) -> None:
        """Forget every count and outage (tests)."""
        self.memory.reset()
        self._down_until.clear()
        for storage in self._shared.values():
            try:
                storage.reset()
            except StorageError:
                pass


def _redact(url: str) -> str:
    """The URL without a password."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


storages = _Storages()


@dataclass(frozen=True)
class Throttle:
    """A named limit; ``rate()`` returns (limit, seconds) so settings changed at run time (tests) apply."""

    name: str
    rate: Callable[[], tuple[int, int]]
    fallback: Fallback

    def hit(self, identity: str) -> bool:
        """Count one attempt by ``identity``; False once it has used up its limit.

        Raises :class:`ThrottleUnavailable` when the shared storage is down and the fallback is ``REFUSE``.
        """
        limit, seconds = self.rate()
        item = RateLimitItemPerSecond(max(1, int(limit)), max(1, int(seconds)))
        key = stable_hash(identity, f"throttle:{self.name}")[:32]
        url, storage = storages.shared()
        if storage is not None:
            try:
                return MovingWindowRateLimiter(storage).hit(item, self.name, key)
            except StorageError as error:
                storages.mark_down(url, error.storage_error)
        if self.fallback is Fallback.REFUSE:
            raise ThrottleUnavailable(self.name)
        return MovingWindowRateLimiter(storages.memory).hit(item, self.name, key)


def check_storage_url(app_configs=None, **kwargs) -> list:
    """System check: ``THROTTLE_STORAGE_URL`` names a storage `limits` knows (checked without connecting)."""
    url = settings.THROTTLE_STORAGE_URL or "memory://"
    if url.startswith("memory://"):
        return []
    try:
        storage_from_string(url)
    except ConfigurationError as error:
        return [checks.Error(f"THROTTLE_STORAGE_URL: {error}", hint="redis://host:6379/0 or memory://", id="core.E001")]
    return []
