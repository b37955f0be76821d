"""Compressed text responses: gzip when the browser asks for it, for every HTML page, page-cache hits included.

``TextGZipMiddleware`` comes first in ``MIDDLEWARE``: it compresses the final body of every text response that is not
compressed yet (pages made by a view, feeds, sitemaps, CSV). Images, PDFs and archives are compressed already, and
static files come pre-compressed from WhiteNoise (``*.gz``/``*.br`` written by ``collectstatic``).

Page-cache hits are compressed by the page cache itself, without compressing the page again on every hit: each
static run of a cached page is deflated once, when it is stored, and ends on a full flush (byte-aligned, no reference
to earlier bytes), so the runs can be joined with the live fragments (``skhcn.core.fragments``), deflated per
request, into one valid stream (``gzip_joined``). A hit then costs a CRC and the deflating of a few hundred bytes.

BREACH: every gzip header carries a random-length padding (as Django's middleware does, "Heal the BREACH"), the CSRF
token is masked per response, and in cached pages the fragments (the token among them) are deflated apart from the
page text, so they are never compressed against anything else.
"""

import os
import secrets
import struct
import zlib
from collections.abc import Iterable

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
    "image/svg+xml",
)
STATIC_LEVEL = 6  # once per cached page: the best ratio for the time
# Per request, on a few hundred bytes: the smallest window and memory, which zlib sets up 15 times faster.
FRAGMENT_LEVEL, FRAGMENT_WBITS, FRAGMENT_MEMLEVEL = 1, 9, 1
MAX_PADDING = 100


def accepts_gzip(request) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def precompress(data: bytes) -> bytes:
    """Raw deflate of ``data`` ending on a full flush, to be joined with other runs by ``gzip_joined``."""
    compressor = zlib.compressobj(STATIC_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _header() -> bytes:
    # FLG.FNAME with a random-length name of non-zero bytes: the body's length says nothing about its content.
    padding = os.urandom(secrets.randbelow(MAX_PADDING + 1)).replace(b"\0", b"\1")
    return b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + padding + b"\0"


def gzip_joined(runs: Iterable[tuple[bytes, bytes | None]]) -> bytes:
    """One gzip body from ``(plain, precompressed)`` runs; a run whose ``precompressed`` is None is deflated now."""
    compressor = zlib.compressobj(FRAGMENT_LEVEL, zlib.DEFLATED, -FRAGMENT_WBITS, FRAGMENT_MEMLEVEL)
    out = [_header()]
    crc = size = 0
    for plain, deflated in runs:
        if deflated is None:
            deflated = compressor.compress(plain) + compressor.flush(zlib.Z_FULL_FLUSH)
        out.append(deflated)
        crc = zlib.crc32(plain, crc)
        size += len(plain)
    out.append(compressor.flush())  # the final (empty) block
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)


def vary_on_encoding(vary: str) -> str:
    """A ``Vary`` value that includes ``Accept-Encoding``."""
    if "accept-encoding" in vary.lower():
        return vary
    return f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        # Fast paths first: a page-cache hit comes compressed or plain with its Vary complete (the hottest path).
        if response.has_header("Content-Encoding"):
            return response
        if not response.get("Content-Type", "").lower().startswith(COMPRESSIBLE_TYPES):
            return response
        if not accepts_gzip(request):
            response["Vary"] = vary_on_encoding(response.get("Vary", ""))
            return response
        return super().process_response(request, response)
