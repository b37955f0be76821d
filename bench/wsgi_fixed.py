"""skhcn's WSGI application with a correct Content-Length: a bench-only workaround, used by bench/run.py only
when it detects that the app sends a stale Content-Length (see bench/README.md, "Content-Length guard").

Before commit 90cb04a, ``PageCacheMiddleware._fill`` replaced the body (live fragments) after the inner
``CommonMiddleware`` had set Content-Length, so uncached and MISS responses declared the length of the body *with
markers*: granian cut longer bodies, clients waited for the missing bytes of shorter ones. This wrapper buffers the
body and declares its real length; the cost is one ``b"".join`` per response.
"""

from skhcn.wsgi import application as skhcn_application


def application(environ, start_response):
    captured = {}

    def capture(status, headers, exc_info=None):
        captured.update(status=status, headers=headers, exc_info=exc_info)
        return lambda data: None

    result = skhcn_application(environ, capture)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(captured["status"], headers, captured["exc_info"])
    return [body]
