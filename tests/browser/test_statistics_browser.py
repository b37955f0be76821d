"""The statistics page in a real browser: every bar of every chart is drawn (width > 0) inside its chart's box.

The charts were blank when coordinates were printed with the Vietnamese decimal comma (x="28,8"). Runs in Debian's
chromium through Playwright; `make test-browser` runs it.
"""

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def traffic(tmp_path, monkeypatch):
    import skhcn.accounts.demo as accounts_demo
    from skhcn.portal.demo.loader import load_demo
    from skhcn.visits.models import HourlyTraffic

    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    load_demo()
    HourlyTraffic.objects.bulk_create(
        [
            HourlyTraffic(day=date(2025, 3, day), hour=(day * 5) % 24, visits=day, bot_visits=1, page_views=2 * day)
            for day in range(1, 32)
        ]
        + [HourlyTraffic(day=date(2024, 7, 2), hour=8, visits=40, page_views=50)]
    )


def test_every_bar_is_drawn_inside_its_chart(live_server, browser_page, traffic):
    page = browser_page
    response = page.goto(live_server.url + "/thong-ke/?nam=2025&thang=3")
    assert response.status == 200
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    expected_bars = [24, 31, 12, 2]  # hours, days of March, months, years 2024-2025
    for index, count in enumerate(expected_bars):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        rects = chart.locator("rect.bar")
        assert rects.count() == count
        drawn = 0
        for n in range(count):
            bar = rects.nth(n).bounding_box()
            assert bar is not None
            assert bar["width"] > 0, f"chart {index}, bar {n} has no width"
            assert bar["x"] >= box["x"] - 0.5 and bar["x"] + bar["width"] <= box["x"] + box["width"] + 0.5
            assert bar["y"] >= box["y"] - 0.5 and bar["y"] + bar["height"] <= box["y"] + box["height"] + 0.5
            drawn += bar["height"] > 0
        assert drawn >= 1, f"chart {index}: no bar has a height"
        # Tick labels are inside the box too, under the bars.
        for label in chart.locator("text").all():
            tick = label.bounding_box()
            assert tick and box["x"] - 1 <= tick["x"] and tick["x"] + tick["width"] <= box["x"] + box["width"] + 1
