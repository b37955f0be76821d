"""CPU cost of visit counting on the hottest path: a page-cache hit of the seed article.

Runs Django's WSGI handler in this process (no network, no wrk sharing the two cores), alternating blocks of
requests with counting on and off, and charges the flushing work to the "on" blocks (the buffer is flushed to
the database inside the timed section, as the background thread would). Reports CPU microseconds per request and
the cost of counting. Clients with and without cookies are measured separately (bots and benchmark tools never
keep cookies, so they are sent a new CSRF cookie every time).

Run: ``.venv/bin/python bench/bench_counting.py [--rounds 7] [--requests 3000]``.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()

    os.environ.update(
        SKHCN_DATA_DIR=tempfile.mkdtemp(prefix="skhcn-counting-bench-"),
        DJANGO_SETTINGS_MODULE="skhcn.settings",
        SKHCN_ENV="test",
        STATIC_MANIFEST="0",
        VISITS_FLUSH_SECONDS="0",  # flushed below, inside the timed section
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from skhcn.core.pages import page_url
    from skhcn.portal.demo.loader import load_demo
    from skhcn.visits.buffer import buffer

    seed = load_demo()["seed"]
    path = page_url(seed)

    def build(counting: bool) -> WSGIHandler:
        settings.VISITS_ENABLED = counting
        return WSGIHandler()

    handlers = {True: build(True), False: build(False)}
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"

    def environ(cookie: str) -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": user_agent,
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }

    def block(counting: bool, cookie: str) -> float:
        handler = handlers[counting]
        start = time.process_time()
        for _ in range(args.requests):
            response = handler(environ(cookie), lambda status, headers: None)
            b"".join(response)
            response.close()
        if counting:
            buffer.flush()
        return (time.process_time() - start) / args.requests * 1e6

    print(f"seed article {path}; {args.rounds} rounds of {args.requests} requests per block")
    print(f"{'client':<28} {'off µs/req':>11} {'on µs/req':>10} {'cost':>7}")
    for label, cookie in (("browser with cookies", "csrftoken=" + "c" * 32), ("client without cookies", "")):
        for counting in (False, True):  # warm both paths (page cache, classification, hashes)
            block(counting, cookie)
        off, on = [], []
        for _ in range(args.rounds):
            off.append(block(False, cookie))
            on.append(block(True, cookie))
        off_us, on_us = statistics.median(off), statistics.median(on)
        print(f"{label:<28} {off_us:>11.1f} {on_us:>10.1f} {100 * (on_us / off_us - 1):>6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
