"""Counts page views: one small in-memory append per HTML page served, cached or not.

Everything else (who the visitor is, bot or browser, where they came from) is worked out by the flusher.
"""

import time

from django.conf import settings

from .buffer import buffer
from .constants import EXCLUDED_PREFIXES


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.VISITS_ENABLED

    def __call__(self, request):
        if not self.enabled or request.method != "GET" or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        request.viewed_articles = []  # the article page's "views" fragment adds its article here
        response = self.get_response(request)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return response
        meta = request.META
        # request.user exists only when the request got past the page cache, as logged-in staff always do.
        user = getattr(request, "user", None)
        buffer.add(
            (
                time.time(),
                meta.get("REMOTE_ADDR", ""),
                meta.get("HTTP_X_FORWARDED_FOR", ""),
                meta.get("HTTP_USER_AGENT", "")[:256],
                meta.get("HTTP_REFERER", "")[:1000],
                meta.get("HTTP_HOST") or meta.get("SERVER_NAME", ""),
                user is not None and user.is_authenticated,
                request.viewed_articles,
            )
        )
        return response
