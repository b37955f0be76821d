"""Response time of the public statistics page with 3 years of history (issue: visit statistics).

Creates a throwaway SQLite database, fills three years of hourly traffic (26,304 rows), monthly browser / OS /
referrer / bot rows and monthly article views, then times the statistics page and its CSV downloads through
Django's test client. Run: ``.venv/bin/python bench/bench_statistics.py [--years 3] [--requests 30]``.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from inprocess import setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    setup_django("skhcn-stats-bench-", VISITS_FLUSH_SECONDS="0")
    from django.test import Client
    from django.utils import timezone

    from skhcn.portal.models import ArticlePage
    from skhcn.visits.models import HourlyTraffic, MonthlyArticleViews, MonthlyDimension

    rng = random.Random(7)
    today = timezone.localdate()
    start = today - timedelta(days=365 * args.years)
    hourly, months = [], set()
    day = start
    while day <= today:
        months.add(day.replace(day=1))
        for hour in range(24):
            visits = rng.randint(0, 300)
            hourly.append(
                HourlyTraffic(
                    day=day,
                    hour=hour,
                    visits=visits,
                    member_visits=rng.randint(0, 3),
                    bot_visits=rng.randint(0, 40),
                    page_views=visits * 3,
                    bot_page_views=rng.randint(0, 200),
                )
            )
        day += timedelta(days=1)
    HourlyTraffic.objects.bulk_create(hourly, batch_size=2000)
    values = {
        "browser": ["Chrome", "Cốc Cốc", "Firefox", "Safari", "Edge", "Samsung Internet", "Opera"],
        "os": ["Windows", "Android", "iOS", "Mac OS X", "Linux"],
        "referrer": [f"site{n}.vn" for n in range(60)],
        "bot": ["Googlebot", "bingbot", "coccocbot", "YandexBot", "AhrefsBot", "SemrushBot"],
    }
    dims = [
        MonthlyDimension(month=month, dimension=dim, value=value, visits=rng.randint(1, 5000))
        for month in months
        for dim, names in values.items()
        for value in names
    ]
    MonthlyDimension.objects.bulk_create(dims, batch_size=2000)
    articles = list(ArticlePage.objects.values_list("id", flat=True))
    MonthlyArticleViews.objects.bulk_create(
        [MonthlyArticleViews(month=m, article_id=a, views=rng.randint(1, 900)) for m in months for a in articles],
        batch_size=2000,
    )
    print(
        f"history: {len(hourly)} hourly rows ({args.years} years), {len(dims)} monthly dimension rows, "
        f"{len(months) * len(articles)} monthly article rows"
    )

    client = Client()
    middle = start + (today - start) / 2
    urls = {
        "statistics page, current month": "/thong-ke/",
        f"statistics page, {middle.month:02d}/{middle.year}": f"/thong-ke/?nam={middle.year}&thang={middle.month}",
        "CSV by day": f"/thong-ke/csv/theo-ngay/?nam={middle.year}&thang={middle.month}",
        "CSV by year": "/thong-ke/csv/theo-nam/",
    }
    print(f"{'request':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, url in urls.items():
        assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:<36} {statistics.median(timings):>8.1f} {p95:>8.1f} {timings[-1]:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
