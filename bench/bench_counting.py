"""CPU cost of visit counting on the hottest path: a page-cache hit of the seed article.

Runs Django's WSGI handler in this process (no network, no wrk sharing the two cores), alternating blocks of
requests with counting on and off, and charges the flushing work to the "on" blocks (the buffer is flushed to
the database inside the timed section, as the background thread would). Reports CPU microseconds per request and
the cost of counting. Clients with and without cookies are measured separately (bots and benchmark tools never
keep cookies, so they are sent a new CSRF cookie every time).

Run: ``.venv/bin/python bench/bench_counting.py [--rounds 7] [--requests 3000]``.
"""

import argparse
import statistics
import sys
import time

from inprocess import get_environ, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()

    seed = setup_django(
        "skhcn-counting-bench-",
        VISITS_FLUSH_SECONDS="0",  # flushed below, inside the timed section
    )["seed"]
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    from skhcn.core.pages import page_url
    from skhcn.visits.buffer import buffer

    path = page_url(seed)

    def build(counting: bool) -> WSGIHandler:
        settings.VISITS_ENABLED = counting
        return WSGIHandler()

    handlers = {True: build(True), False: build(False)}

    def block(counting: bool, cookie: str) -> float:
        handler = handlers[counting]
        start = time.process_time()
        for _ in range(args.requests):
            response = handler(get_environ(path, cookie), lambda status, headers: None)
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
