import csv
import io
from datetime import date

import pytest

from skhcn.visits.models import HourlyTraffic, MonthlyDimension

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    HourlyTraffic.objects.bulk_create(
        [
            HourlyTraffic(day=date(2025, 3, 14), hour=9, visits=7, bot_visits=2, page_views=20),
            HourlyTraffic(day=date(2025, 3, 15), hour=21, visits=3, page_views=4),
            HourlyTraffic(day=date(2024, 12, 31), hour=23, visits=5, page_views=5),
        ]
    )
    MonthlyDimension.objects.create(month=date(2025, 3, 1), dimension="browser", value="Cốc Cốc", visits=6)
    MonthlyDimension.objects.create(month=date(2025, 3, 1), dimension="referrer", value="<script>x</script>", visits=1)


def test_statistics_page_shows_every_table(client, site_tree, history):
    response = client.get("/thong-ke/?nam=2025&thang=3")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Theo giờ trong ngày",
        "Theo ngày",
        "Theo tháng",
        "Theo năm",
        "Trình duyệt",
        "Hệ điều hành",
        "Trang giới thiệu",
        "Máy chủ tìm kiếm",
        "Bài viết được xem nhiều",
    ):
        assert heading in html
    assert "<title>14/03: 7</title>" in html
    assert "<title>09h: 7</title>" in html
    assert "Cốc Cốc" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert ">2024</th>" in html and ">2025</th>" in html


def test_csv_downloads(client, site_tree, history):
    response = client.get("/thong-ke/csv/theo-ngay/?nam=2025&thang=3")
    assert response["Content-Type"].startswith("text/csv")
    assert "thong-ke-theo-ngay-2025-03.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Thời gian"
    assert ["14/03", "7", "2", "20"] in rows and len(rows) == 32
    years = list(csv.reader(io.StringIO(client.get("/thong-ke/csv/theo-nam/").content.decode("utf-8-sig"))))
    assert years[1:] == [["2024", "5", "0", "5"], ["2025", "10", "2", "24"]]
    browsers = client.get("/thong-ke/csv/trinh-duyet/?nam=2025&thang=3").content.decode("utf-8-sig")
    assert "Cốc Cốc,6" in browsers


@pytest.mark.parametrize("query", ["nam=abc", "thang=13", "thang=0", "nam=1&thang=2", "nam=99999999999999999999"])
def test_bad_periods_get_a_vietnamese_message(client, site_tree, query):
    response = client.get(f"/thong-ke/?{query}")
    assert response.status_code == 400
    assert "form-error" in response.content.decode()
    assert client.get(f"/thong-ke/csv/theo-ngay/?{query}").status_code == 400


def test_unknown_csv_table_is_404(client, site_tree):
    assert client.get("/thong-ke/csv/khong-co/").status_code == 404


def test_statistics_page_works_with_no_data(client, site_tree):
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    assert "Chưa có số liệu." in response.content.decode()


SVG_NUMBER_ATTRIBUTES = ("x", "y", "width", "height")


def _svg_numbers(html):
    """(attribute, value) of every coordinate inside the page's <svg> charts, and the viewBox numbers."""
    import re

    found = []
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        for box in re.findall(r'viewBox="([^"]*)"', svg):
            found += [("viewBox", number) for number in box.split()]
        for name, value in re.findall(r'\s(x|y|width|height)="([^"]*)"', svg):
            found.append((name, value))
    return found


def test_chart_coordinates_are_plain_numbers_not_vietnamese_decimals(client, site_tree, history):
    """LANGUAGE_CODE "vi" prints 28,8 for 28.8: SVG cannot read it and every bar vanished."""
    html = client.get("/thong-ke/?nam=2025&thang=3").content.decode()
    numbers = _svg_numbers(html)
    assert html.count("<svg") == 4 and len(numbers) > 4 * 12
    assert {name for name, _ in numbers} >= {"viewBox", *SVG_NUMBER_ATTRIBUTES}
    for name, value in numbers:
        assert "," not in value, f'{name}="{value}"'
        float(value)  # raises on anything but a plain number
    # The days chart (31 slots of 600/31) has fractional coordinates, written with a dot.
    assert any("." in value for _, value in numbers)
    # Labels are centred under their bar.
    assert 'text-anchor="middle"' in html


def test_chart_numbers_stay_plain_for_a_bad_period(client, site_tree, history):
    response = client.get("/thong-ke/?nam=abc&thang=13")
    assert response.status_code == 400
    numbers = _svg_numbers(response.content.decode())
    assert numbers
    for name, value in numbers:
        assert "," not in value, f'{name}="{value}"'
        float(value)


def test_bars_centre_the_tick_under_the_bar():
    from types import SimpleNamespace

    from skhcn.visits.charts import bars

    chart = bars([SimpleNamespace(humans=n, label=str(n)) for n in (3, 0, 7)], width=300, height=100)
    first, empty, last = chart["bars"]
    assert chart["bar_width"] == 70.0
    assert (first.x, first.tick_x) == (15.0, 50.0)
    assert empty.height == 0 and empty.y == 86
    assert last.height == 80 and last.y == 6
    assert bars([])["bars"] == []


def test_edge_labels_are_moved_inside_the_chart():
    from types import SimpleNamespace

    from skhcn.visits.charts import bars

    days = bars([SimpleNamespace(humans=1, label=f"{d:02d}/03") for d in range(1, 32)], every=5)
    first, last = days["bars"][0], days["bars"][-1]
    centre = first.x + days["bar_width"] / 2
    assert first.tick_x > centre and first.tick_x - 5 * 4.5 >= 0
    assert last.tick_x + 5 * 4.5 <= 600
    middle = days["bars"][15]
    assert middle.tick_x == round(middle.x + days["bar_width"] / 2, 1)
