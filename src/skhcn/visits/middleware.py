"""Counts page views: one small in-memory append per HTML page served, cached or not."""

import re
import threading
import time

from django.conf import settings

from skhcn.core.net import client_ip, daily_hash

from .buffer import PageView, buffer
from .classify import referrer_host
from .constants import EXCLUDED_PREFIXES, NEW_VISITORS_PER_ADDRESS_PER_MINUTE, VISITOR_COOKIE
from .stores import windows

_KEY = re.compile(r"[0-9a-f]{64}")


class FloodGuard:
    """Caps how many new visitor identities one address can create per minute in this process."""

    def __init__(self, limit: int):
        self.limit = limit
        self.minute = 0
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def allow(self, address: str) -> bool:
        minute = int(time.time() // 60)
        with self.lock:
            if minute != self.minute:
                self.minute, self.counts = minute, {}
            count = self.counts.get(address, 0) + 1
            self.counts[address] = count
            return count <= self.limit


flood_guard = FloodGuard(NEW_VISITORS_PER_ADDRESS_PER_MINUTE)


def visitor_key(request) -> tuple[str, bool]:
    """(key, is_new_cookie). The cookie holds an opaque keyed hash; no address is ever stored."""
    cookie = request.COOKIES.get(VISITOR_COOKIE, "")
    if _KEY.fullmatch(cookie):
        return cookie, False
    address = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    if not flood_guard.allow(address):
        return daily_hash(address, "visitor-flood"), False
    # The first page view of a browser and the ones after it (with the cookie) share one key.
    return daily_hash(f"{address}|{user_agent}", "visitor"), True


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.VISITS_ENABLED

    def __call__(self, request):
        if not self.enabled or request.method != "GET" or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        key, new_cookie = visitor_key(request)
        request.visitor_key = key
        request.viewed_articles = []
        response = self.get_response(request)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        buffer.add(
            PageView(
                at=time.time(),
                visitor_key=key,
                member=bool(user is not None and user.is_authenticated),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:256],
                referrer=referrer_host(request.META.get("HTTP_REFERER", ""), request.get_host()),
                articles=tuple(request.viewed_articles),
            )
        )
        # Sliding expiry: the cookie lives as long as the visit does.
        response.set_cookie(
            VISITOR_COOKIE,
            key,
            max_age=windows().visit,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
