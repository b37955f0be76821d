"""A minimal clamd client: the INSTREAM command over a unix or TCP socket.

Hand-written on purpose: the ``clamd`` package on PyPI has had no release since 2014, and the protocol is tiny.
See clamd(8): ``zINSTREAM\\0``, then chunks each prefixed with their length as a 4-byte big-endian integer, then a
zero-length chunk; clamd answers ``stream: OK`` or ``stream: <signature> FOUND`` (or ``... ERROR``), NUL-terminated.
"""

import logging
import socket
import struct

from django.conf import settings

logger = logging.getLogger("skhcn.uploads")

CHUNK_SIZE = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScanError(Exception):
    """clamd could not be reached or gave no usable answer."""


class VirusFound(Exception):  # noqa: N818 - reads better at the call site than VirusFoundError
    """clamd reported a signature; ``signature`` is its name."""

    def __init__(self, signature: str):
        super().__init__(signature)
        self.signature = signature


def is_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect(timeout: float) -> socket.socket:
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(settings.CLAMD_SOCKET)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def instream(fileobj) -> None:
    """Send ``fileobj`` (read from its current position to the end) to clamd.

    Returns when clamd answers OK; raises VirusFound or ScanError otherwise.
    """
    timeout = settings.CLAMD_TIMEOUT
    try:
        with _connect(timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := fileobj.read(CHUNK_SIZE):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
                data = sock.recv(MAX_REPLY_BYTES)
                if not data:
                    break
                reply += data
    except OSError as exc:  # includes timeouts, refused connections and broken pipes
        raise ScanError(f"clamd unreachable or failed: {exc!r}") from exc
    text = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        raise VirusFound(text[len("stream: ") : -len(" FOUND")].strip())
    raise ScanError(f"unexpected clamd reply: {text[:200]!r}")
