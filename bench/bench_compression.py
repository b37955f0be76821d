"""CPU cost of compressing page-cache hits, in process: the seed article served from the page cache.

Three ways, in alternating blocks of requests (CPU time, so other work on the machine matters less):
- ``plain``: the browser does not ask for gzip;
- ``gzip``: it does; the page cache joins the page's runs deflated once at store time with the live fragments
  deflated per request (``skhcn.core.compression.gzip_joined``), as deployed;
- ``whole page``: the reference of what compressing the whole page on every hit would cost (the plain hit, then
  Django's ``compress_string`` at level 6 over the body, which is what ``GZipMiddleware`` alone does).

Run: ``.venv/bin/python bench/bench_compression.py [--rounds 7] [--requests 2000]``.
"""

import argparse
import gzip
import statistics
import sys
import time

from inprocess import get_environ, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    seed = setup_django("skhcn-compression-bench-", VISITS_ENABLED="0")["seed"]
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils.text import compress_string

    from skhcn.core.pages import page_url

    path = page_url(seed)
    handler = WSGIHandler()
    cookie = "csrftoken=" + "c" * 32

    def one(accept: str, whole_page: bool) -> bytes:
        headers = {"HTTP_ACCEPT_ENCODING": accept} if accept else {}
        response = handler(get_environ(path, cookie, **headers), lambda status, headers: None)
        body = b"".join(response)
        response.close()
        return compress_string(body, max_random_bytes=100) if whole_page else body

    ways = {"plain": ("", False), "gzip": ("gzip, deflate, br", False), "whole page": ("", True)}

    def block(way: str) -> float:
        accept, whole_page = ways[way]
        start = time.process_time()
        for _ in range(args.requests):
            one(accept, whole_page)
        return (time.process_time() - start) / args.requests * 1e6

    plain, joined = one("", False), one("gzip", False)
    assert gzip.decompress(joined).count(b"<html") == 1, "the gzip hit does not decompress to the page"
    for way in ways:  # warm every path
        block(way)
    times: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(args.rounds):
        for way in ways:
            times[way].append(block(way))
    medians = {way: statistics.median(values) for way, values in times.items()}
    print(f"seed article {path}: {len(plain)} bytes plain, {len(joined)} bytes gzip (joined runs)")
    print(f"{args.rounds} rounds of {args.requests} requests per block; CPU µs per page-cache hit (median)")
    for way, value in medians.items():
        print(f"  {way:<11} {value:>8.1f} µs  {100 * (value / medians['plain'] - 1):>+6.1f}% vs plain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
