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
