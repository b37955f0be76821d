"""Counts page views: one small in-memory append per HTML page served, cached or not."""

import re
import threading
import time
from http.cookies import Morsel, SimpleCookie

from django.conf import settings

from skhcn.core.net import client_ip, daily_hash

from .buffer import PageView, buffer
from .classify import referrer_host
from .constants import EXCLUDED_PREFIXES, NEW_VISITORS_PER_ADDRESS_PER_MINUTE, VISITOR_COOKIE

_KEY = re.compile(r"[0-9a-f]{64}")
# The cookie only carries the visitor's identity; where a visit starts and ends is decided by the counter store.
COOKIE_MAX_AGE = 24 * 3600


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


_hashes: dict[str, tuple[int, str]] = {}


def _vietnam_day() -> int:
    return int((time.time() + 7 * 3600) // 86400)  # Vietnam keeps UTC+7 all year


def _daily_key(value: str, purpose: str) -> str:
    """``daily_hash`` remembered for the day: bots and cookie-less clients ask for the same one on every request."""
    day = _vietnam_day()
    cached = _hashes.get(value)
    if cached is not None and cached[0] == day:
        return cached[1]
    if len(_hashes) > 50_000:
        _hashes.clear()
    key = daily_hash(value, purpose)
    _hashes[value] = (day, key)
    return key


def visitor_key(request) -> tuple[str, bool]:
    """(key, needs_cookie). The cookie holds an opaque keyed hash; no address is ever stored."""
    cookie = request.COOKIES.get(VISITOR_COOKIE, "")
    if len(cookie) == 64 and _KEY.fullmatch(cookie):
        return cookie, False
    address = client_ip(request)
    if not flood_guard.allow(address):
        return _daily_key(f"flood|{address}", "visitor-flood"), False
    # The first page view of a browser and the ones after it (with the cookie) share one key.
    return _daily_key(f"{address}|{request.META.get('HTTP_USER_AGENT', '')[:512]}", "visitor"), True


_morsels: dict[str, Morsel] = {}


def set_visitor_cookie(response, key: str) -> None:
    """Set the visitor cookie. Clients that never keep cookies (bots) get the same prebuilt header every time."""
    morsel = _morsels.get(key)
    if morsel is None:
        jar = SimpleCookie()
        jar[VISITOR_COOKIE] = key
        morsel = jar[VISITOR_COOKIE]
        morsel["max-age"] = COOKIE_MAX_AGE  # browsers use Max-Age; no Expires date to format
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if settings.SESSION_COOKIE_SECURE:
            morsel["secure"] = True
        if len(_morsels) > 10_000:
            _morsels.clear()
        _morsels[key] = morsel
    response.cookies[VISITOR_COOKIE] = morsel


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.VISITS_ENABLED

    def __call__(self, request):
        if not self.enabled or request.method != "GET" or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        key, needs_cookie = visitor_key(request)
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
                # The raw Host header is enough to tell internal links (validating it costs more than counting).
                referrer=referrer_host(referer, request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
                if (referer := request.META.get("HTTP_REFERER"))
                else "",
                articles=tuple(request.viewed_articles),
            )
        )
        if needs_cookie:
            set_visitor_cookie(response, key)
        return response
