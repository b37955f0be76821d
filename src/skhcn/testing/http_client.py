"""A small HTTP client that behaves like a browser, for benchmarks and fault tests against a real server.

One keep-alive connection, a cookie jar, the CSRF token read from the last page's forms; GETs are retried once on a
connection the server closed, POSTs never (no double submission). Also: a PDF of a given size that the upload
checks accept (a real one-page PDF), and the descendants of a process (granian's workers).
"""

import http.client
import io
import os
import re
import time
import urllib.parse
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import pikepdf

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOCUMENT_INPUT = re.compile(r'name="document" value="(\d+)"')
VERSION_INPUT = re.compile(r'name="phien_ban" value="(\d+)"')


class StepFailed(Exception):
    pass


class Browser:
    def __init__(
        self,
        port: int,
        timeout: float,
        timings: list,
        keep_alive: bool = True,
        user_agent: str = "skhcn-bench-submissions",
    ):
        self.port = port
        self.user_agent = user_agent
        self.keep_alive = keep_alive
        self.timeout = timeout
        self.timings = timings  # shared list of (step, seconds); list.append is atomic under the GIL
        self.cookies: dict[str, str] = {}
        self.conn = None
        self.page = ""
        self.last_content_type = ""

    def _connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def close(self):
        if self.conn is not None:
            self.conn.close()

    def _store_cookies(self, response):
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                # Django deletes a cookie with max-age=0 (the messages cookie once shown, the old session...).
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self,
        step: str,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "",
        extra_headers: dict | None = None,
    ):
        headers = {"User-Agent": self.user_agent, "Accept": "text/html", **(extra_headers or {})}
        if not self.keep_alive:
            headers["Connection"] = "close"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type
            headers["Content-Length"] = str(len(body))
        # A GET may be retried once on a keep-alive connection the server closed; a POST never (no double submit).
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._connect()
                if method == "GET" and attempt == 1:
                    continue
                raise StepFailed(f"{step}: {method} {path}: {exc!r}") from exc
            elapsed = time.perf_counter() - started
            break
        self.timings.append((step, elapsed))
        self.last_content_type = response.getheader("Content-Type", "")
        self._store_cookies(response)
        if not self.keep_alive or response.getheader("Connection", "").lower() == "close":
            self._connect()
        return response.status, response.getheader("Location", ""), data

    def get(self, step: str, path: str) -> str:
        status, _, data = self.request(step, "GET", path)
        if status != 200:
            raise StepFailed(f"{step}: GET {path} answered {status}")
        self.page = data.decode("utf-8", "replace")
        return self.page

    def post(self, step: str, path: str, fields: dict, files: dict | None = None, follow: str = "") -> str:
        """POST the form with the CSRF token of the page last read; expect a redirect, follow it as step ``follow``."""
        match = CSRF_INPUT.search(self.page)
        if not match:
            raise StepFailed(f"{step}: no CSRF token on the previous page")
        fields = {"csrfmiddlewaretoken": match.group(1), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        status, location, data = self.request(step, "POST", path, body, content_type)
        if status != 302 or not location:
            text = data.decode("utf-8", "replace")
            errors = re.findall(r'class="form-error"[^>]*>([^<]+)<', text)
            raise StepFailed(f"{step}: POST {path} answered {status} (expected 302) {errors[:3]}")
        target = urllib.parse.urlsplit(location)
        path = target.path + (f"?{target.query}" if target.query else "")
        if follow:
            self.get(follow, path)
        return path


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = f"----skhcnbench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, mime) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        )
        parts += [head.encode(), content, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def pdf_file(size: int) -> bytes:
    """A real one-page A4 PDF of exactly ``size`` bytes with unique content (random hex in a comment of the page's
    content stream): the upload checks parse PDFs, so random bytes in a PDF envelope would be refused."""
    noise = os.urandom(size // 2 + 8).hex().encode()
    length = 0  # bytes of the content stream: "%" + hex + newline
    for _ in range(8):  # the /Length digits and the xref offsets move with it: converge on the size
        data = _one_page_pdf(b"%" + noise[: length - 2] + b"\n" if length >= 2 else b"")
        if len(data) == size:
            return data
        length = max(2, length + size - len(data))
    raise ValueError(f"cannot make a PDF of exactly {size} bytes")


def _one_page_pdf(content: bytes) -> bytes:
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if content:
        pdf.pages[0].Contents = pdf.make_stream(content)
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def children_of(pid: int) -> list[int]:
    """All descendants of ``pid`` (granian's workers are its children)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class _PostForms(HTMLParser):
    """Every POST form of a page: its action and the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.fields: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.fields = {}
            self.forms.append((attrs.get("action") or "", self.fields))
        if self.fields is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea and self.fields is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.fields = None


def form_fields(html: str, with_field: str) -> dict[str, str]:
    """The values a browser would send for the first POST form that has a field named ``with_field``."""
    parser = _PostForms()
    parser.feed(html)
    for _action, fields in parser.forms:
        if with_field in fields:
            return fields
    raise StepFailed(f"no POST form with the field {with_field!r} on the page")
