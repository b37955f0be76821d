"""Live fragments inside cached pages (a server-side "edge include").

Templates write a marker such as ``<!--live:rating:42-->`` where a per-request value belongs (the rating line, a view
count, the CSRF token, the visit counter). The page cache stores the page split around the markers and, on every
response, cached or not, asks the registered provider for the current HTML. A provider gets the request and the
marker's argument and returns safe HTML.
"""

import logging
import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.html import escape
from django.utils.safestring import mark_safe

MARKER = re.compile(rb"<!--live:([a-z_]+):([A-Za-z0-9_-]{0,40})-->")

Provider = Callable[[HttpRequest, str], str]
_providers: dict[str, Provider] = {}
# Providers whose output is the same for every visitor: when one fails (database or Redis away), the page shows its
# last output instead of failing. Others (the CSRF token) are never reused across requests.
_reusable: set[str] = set()
_last_output: dict[tuple[str, str], str] = {}
_LAST_OUTPUT_MAX = 20_000
logger = logging.getLogger(__name__)


def provider(kind: str, *, same_for_everyone: bool = False):
    def register(func: Provider) -> Provider:
        _providers[kind] = func
        if same_for_everyone:
            _reusable.add(kind)
        return func

    return register


def _provide(request: HttpRequest, kind: str, arg: str) -> str:
    func = _providers.get(kind)
    if func is None:
        return ""
    if kind not in _reusable:
        return func(request, arg)
    try:
        html = func(request, arg)
    except Exception:
        logger.warning("Không lấy được phần động %s:%s; dùng giá trị trước đó", kind, arg, exc_info=True)
        return _last_output.get((kind, arg), "")
    if _last_output.get((kind, arg)) != html:
        if len(_last_output) >= _LAST_OUTPUT_MAX:
            _last_output.clear()
        _last_output[(kind, arg)] = html
    return html


def marker(kind: str, arg: object = "") -> str:
    return mark_safe(f"<!--live:{kind}:{arg}-->")  # noqa: S308 - kind and arg are ours, not user input


def split(content: bytes) -> list[bytes | tuple[str, str]]:
    """Split a page into static byte runs and (kind, arg) markers."""
    parts: list[bytes | tuple[str, str]] = []
    position = 0
    for match in MARKER.finditer(content):
        parts.append(content[position : match.start()])
        parts.append((match.group(1).decode(), match.group(2).decode()))
        position = match.end()
    parts.append(content[position:])
    return parts


def fill(request: HttpRequest, part: tuple[str, str]) -> bytes:
    """The current HTML of one marker."""
    return _provide(request, part[0], part[1]).encode()


def render(request: HttpRequest, parts: list[bytes | tuple[str, str]]) -> bytes:
    return b"".join(part if isinstance(part, bytes) else fill(request, part) for part in parts)


_SIZE = len(CSRF_ALLOWED_CHARS)
_UNBIASED = 256 - 256 % _SIZE  # bytes at or above this are dropped, so every character is equally likely
_DROP = bytes(range(_UNBIASED, 256))
_TO_CHAR = bytes(ord(CSRF_ALLOWED_CHARS[b % _SIZE]) for b in range(256))
_ADD = {
    (x, y): CSRF_ALLOWED_CHARS[(i + j) % _SIZE]
    for i, x in enumerate(CSRF_ALLOWED_CHARS)
    for j, y in enumerate(CSRF_ALLOWED_CHARS)
}


def _random_chars(length: int) -> str:
    """Uniform random characters from one urandom call, mapped in C (Django's helper calls urandom per character)."""
    out = b""
    while len(out) < length:
        out += secrets.token_bytes(length + 8).translate(None, _DROP)
    return out[:length].translate(_TO_CHAR).decode("ascii")


def csrf_token(request: HttpRequest) -> str:
    """Same contract as ``django.middleware.csrf.get_token`` (a masked token, cookie set by the middleware)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = _random_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    return mask + "".join(map(_ADD.__getitem__, zip(secret, mask, strict=True)))


@provider("csrf")
def csrf_input(request: HttpRequest, arg: str) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token(request))}">'
