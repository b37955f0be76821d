"""A tiny per-process cache for small values read on every response (rating line, counters).

Django's LocMemCache pickles on every get and set; these values are read thousands of times a second from cached
pages, so they live in a plain dict instead. Entries expire after their TTL; the whole map is dropped when it grows
past its bound (it holds a few small values per article).
"""

import time

_registry: list["TTLCache"] = []


class TTLCache:
    def __init__(self, max_entries: int = 20_000):
        self.max_entries = max_entries
        self.data: dict = {}
        _registry.append(self)

    def get(self, key):
        entry = self.data.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def set(self, key, value, ttl: float) -> None:
        if len(self.data) >= self.max_entries:
            self.data = {}
        self.data[key] = (time.monotonic() + ttl, value)

    def delete(self, key) -> None:
        self.data.pop(key, None)

    def clear(self) -> None:
        self.data = {}


def clear_all() -> None:
    for cache in _registry:
        cache.clear()
