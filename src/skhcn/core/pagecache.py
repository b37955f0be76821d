"""Process-local full-page cache for anonymous visitors.

Why in-process: a hit served from this process's memory costs far less than a Redis round trip plus unpickling
(docs/dev/decisions/0001-page-cache-with-live-fragments.md). Why it is safe with several processes and servers:
entries are keyed by the content generation (``skhcn.core.generation``), which editors' changes bump in the database.

Only responses that a view marks with ``response.page_cacheable = True`` are stored (Wagtail pages that are live,
public and not previews). Live fragments (``skhcn.core.fragments``) are filled in on every response.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import fragments, generation
from .compression import accepts_gzip, gzip_joined, precompress, vary_on_encoding

SKIPPED_HEADERS = {"set-cookie", "content-length"}


@dataclass(slots=True)
class Entry:
    generation: int
    expires: float
    headers: list[tuple[str, str]]
    parts: list
    size: int
    # The static runs of ``parts`` deflated once (None for a marker), for browsers that accept gzip.
    deflated: list[bytes | None] | None = None


class LRUBytes:
    """An LRU map bounded by the total size of its entries."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.data: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.data.get(key)
            if entry is not None:
                self.data.move_to_end(key)
            return entry

    def set(self, key: str, entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return
        with self.lock:
            old = self.data.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.data[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes and self.data:
                _, evicted = self.data.popitem(last=False)
                self.size -= evicted.size

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
            self.size = 0


page_cache = LRUBytes(settings.PAGE_CACHE_MAX_BYTES)


def _bypass(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method != "GET"
        or settings.SESSION_COOKIE_NAME in cookies  # logged-in staff see fresh pages
        or "messages" in cookies  # a flash message is waiting
        or request.path.startswith(("/admin/", "/django-admin/", "/static/", "/media/"))
    )


def _stored_headers(response) -> list[tuple[str, str]]:
    """The headers a hit repeats; ``Vary`` names ``Accept-Encoding`` (a hit is gzipped or not by the request)."""
    headers = [(k, v) for k, v in response.items() if k.lower() not in SKIPPED_HEADERS and k.lower() != "vary"]
    return [*headers, ("Vary", vary_on_encoding(response.get("Vary", "")))]


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.PAGE_CACHE_ENABLED

    def __call__(self, request: HttpRequest):
        if not self.enabled or _bypass(request):
            return self._fill(request, self.get_response(request))

        key = f"{request.get_host()}{request.get_full_path()}"
        current = generation.current()
        entry = page_cache.get(key)
        if entry is not None and entry.generation == current and entry.expires > time.monotonic():
            return self._serve(request, entry, "HIT")

        response = self.get_response(request)
        if response.status_code >= 500 and entry is not None:
            # The page could not be made again (the database is restarting): the copy we have beats an error page.
            return self._serve(request, entry, "STALE")
        if (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            content = response.content
            parts = fragments.split(content)
            deflated = [precompress(part) if isinstance(part, bytes) else None for part in parts]
            page_cache.set(
                key,
                Entry(
                    generation=current,
                    expires=time.monotonic() + settings.PAGE_CACHE_TTL,
                    headers=_stored_headers(response),
                    parts=parts,
                    size=len(content) + sum(len(d) for d in deflated if d) + len(key),
                    deflated=deflated,
                ),
            )
            response["X-Cache"] = "MISS"
        return self._fill(request, response)

    @staticmethod
    def _serve(request: HttpRequest, entry: "Entry", state: str) -> HttpResponse:
        if entry.deflated is not None and accepts_gzip(request):
            runs = (
                (part, deflated) if deflated is not None else (fragments.fill(request, part), None)
                for part, deflated in zip(entry.parts, entry.deflated, strict=True)
            )
            response = HttpResponse(gzip_joined(runs))
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(fragments.render(request, entry.parts))
        for name, value in entry.headers:
            response[name] = value
        response["Content-Length"] = str(len(response.content))
        response["X-Cache"] = state
        return response

    @staticmethod
    def _fill(request: HttpRequest, response):
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<!--live:" in response.content
        ):
            response.content = fragments.render(request, fragments.split(response.content))
            if response.has_header("Content-Length"):  # set by CommonMiddleware before the fill
                response["Content-Length"] = str(len(response.content))
        return response
