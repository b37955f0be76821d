"""Throttles: limits per identity, and what each fallback does while the shared storage (Redis) is down."""

import logging
import os
import time

import pytest
import redis
import time_machine

from skhcn.core import throttle
from skhcn.core.throttle import Fallback, Throttle, ThrottleUnavailable

CLOSED = "redis://127.0.0.1:1/0"


def _throttle(fallback=Fallback.MEMORY, limit=3, seconds=60):
    return Throttle("test", lambda: (limit, seconds), fallback)


def test_limit_per_identity_in_memory(settings):
    settings.THROTTLE_STORAGE_URL = "memory://"
    limiter = _throttle()
    assert [limiter.hit("203.0.113.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("203.0.113.2")
    # Another throttle has its own counts for the same identity.
    assert Throttle("other", lambda: (1, 60), Fallback.MEMORY).hit("203.0.113.1")


def test_moving_window_lets_attempts_in_again(settings):
    settings.THROTTLE_STORAGE_URL = "memory://"
    limiter = _throttle(limit=1, seconds=1)
    assert limiter.hit("a") and not limiter.hit("a")
    # The `limits` library reads time.time(), which time-machine moves: no real wait.
    with time_machine.travel(time.time() + 0.5):
        assert not limiter.hit("a")
    with time_machine.travel(time.time() + 1.05):
        assert limiter.hit("a")


def test_memory_fallback_keeps_the_limit_while_the_storage_is_down(settings, caplog):
    settings.THROTTLE_STORAGE_URL = CLOSED
    limiter = _throttle()
    with caplog.at_level(logging.WARNING, logger="skhcn.core.throttle"):
        assert [limiter.hit("203.0.113.1") for _ in range(4)] == [True, True, True, False]
    warnings = [r for r in caplog.records if "not answering" in r.getMessage()]
    assert len(warnings) == 1 and "127.0.0.1:1" in warnings[0].getMessage()


def test_refuse_fallback_raises_while_the_storage_is_down(settings):
    settings.THROTTLE_STORAGE_URL = CLOSED
    with pytest.raises(ThrottleUnavailable):
        _throttle(Fallback.REFUSE).hit("1")


def test_a_storage_that_is_down_is_left_alone_until_the_retry_time(settings, monkeypatch):
    settings.THROTTLE_STORAGE_URL = CLOSED
    settings.THROTTLE_RETRY_SECONDS = 60
    _throttle().hit("1")
    assert throttle.storages.shared() == (CLOSED, None)
    later = time.monotonic() + 61
    with monkeypatch.context() as patch:
        patch.setattr(throttle.time, "monotonic", lambda: later)
        url, storage = throttle.storages.shared()
    assert url == CLOSED and storage is not None


def test_the_password_stays_out_of_the_log(settings, caplog):
    settings.THROTTLE_STORAGE_URL = "redis://:geheim@127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="skhcn.core.throttle"):
        _throttle().hit("1")
    assert "geheim" not in caplog.text and "redis://127.0.0.1:1/0" in caplog.text


def test_system_check_refuses_an_unknown_storage(settings):
    settings.THROTTLE_STORAGE_URL = "rediss-typo://127.0.0.1:6379/0"
    assert [error.id for error in throttle.check_storage_url()] == ["core.E001"]
    settings.THROTTLE_STORAGE_URL = CLOSED  # a Redis that is down is not a configuration error
    assert throttle.check_storage_url() == []


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_shared_counts_in_redis_without_addresses_in_clear(settings):
    settings.THROTTLE_STORAGE_URL = os.environ["REDIS_URL"]
    limiter = _throttle(Fallback.REFUSE)
    assert [limiter.hit("203.0.113.77") for _ in range(4)] == [True, True, True, False]
    keys = [key.decode() for key in redis.Redis.from_url(os.environ["REDIS_URL"]).keys(f"{throttle.KEY_PREFIX}*")]
    assert keys and not any("203.0.113.77" in key for key in keys)
