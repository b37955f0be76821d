"""Refused payment requests: a missing, malformed or wrong signature, unreadable or repeated parameters, a wrong HTTP
method. Anyone on the internet can send these, so nothing is written to the database for them: each is one warning on
the ``skhcn.payments.refused`` logger with the endpoint, the client address, the reason and a short escaped copy of
the offending value (a value the client sent, never a secret)."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

from skhcn.core.net import client_ip

logger = logging.getLogger("skhcn.payments.refused")

SHOWN_CHARS = 64
# Protocol fields are short (VNPay: at most 255 characters); a longer value is refused before it is hashed.
MAX_VALUE_CHARS = 2000


class MalformedRequest(Exception):
    """Parameters that cannot be read as the protocol defines them; ``field`` / ``value``: what is at fault."""

    def __init__(self, reason: str, field: str = "", value=None):
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.value = value


def shown(value) -> str:
    """``value`` for a log line: printable ASCII (``ascii()`` escapes), at most ``SHOWN_CHARS`` characters of it, the
    length said when cut. Only text is shown; any other type by its name."""
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    escaped = ascii(value[:SHOWN_CHARS])
    return escaped if len(value) <= SHOWN_CHARS else f"{escaped}... ({len(value)} chars)"


def log_refused(request, endpoint: str, reason: str, field: str = "", value=None) -> None:
    detail = f"; {field}={shown(value)}" if field else ""
    logger.warning(
        "Payment request refused at %s (%s %s) from %s: %s%s",
        endpoint,
        request.method,
        shown(request.path),
        client_ip(request),
        reason,
        detail,
    )


def vnp_params(request, method: str | None = None) -> dict[str, str]:
    """The ``vnp_*`` parameters of ``request`` (its query string for GET, its form body for POST; ``method`` overrides
    the request's). ``MalformedRequest`` when they cannot be read (too many fields, body too large), when a ``vnp_*``
    key is repeated (which of the values would be the signed one?) or when a value is far longer than any field of
    the protocol."""
    try:
        source = request.POST if (method or request.method) == "POST" else request.GET
        items = list(source.lists())
    except (TooManyFieldsSent, RequestDataTooBig) as exc:
        raise MalformedRequest(f"unreadable parameters ({type(exc).__name__})") from None
    params = {}
    for key, values in items:
        if not key.startswith("vnp_"):
            continue
        if len(values) != 1:
            raise MalformedRequest("repeated parameter", key, values[-1])
        if len(values[0]) > MAX_VALUE_CHARS:
            raise MalformedRequest("value too long", key, values[0])
        params[key] = values[0]
    return params
