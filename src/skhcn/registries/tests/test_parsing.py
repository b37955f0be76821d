"""Pure parsers: Vietnamese money, dates, years, running times (hypothesis for the round trips)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.registries import parsing
from skhcn.registries.models import embed_src


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1.500.000 đồng", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1.500.000 VNĐ", 1_500_000),
        ("1,5 tỷ", 1_500_000_000),
        ("1,5 TỶ ĐỒNG", 1_500_000_000),
        ("1,5 ty", 1_500_000_000),
        ("370 triệu", 370_000_000),
        ("370 triệu đồng", 370_000_000),
        ("2 tỷ 300 triệu", 2_300_000_000),
        ("38,5 triệu", 38_500_000),
        ("15 nghìn", 15_000),
        ("15 ngàn", 15_000),
        ("0", 0),
    ],
)
def test_money_accepted(text, expected):
    assert parsing.parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Chưa nhập"),
        ("-5.000", "không được âm"),
        ("1,500,000", "kiểu tiếng Anh"),
        ("1.5 tỷ", "không rõ nghĩa"),
        ("1,5", "lẻ dưới một đồng"),
        ("1,2345 nghìn", "lẻ dưới một đồng"),
        ("3 triệu 2 tỷ", "không theo thứ tự"),
        ("ba triệu", "không đúng định dạng"),
        ("12 USD", "không đúng định dạng"),
        ("2.000.000 tỷ", "quá lớn"),
        ("đồng", "không có con số"),
    ],
)
def test_money_refused_with_a_clear_message(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parsing.parse_money(text)


@given(st.integers(min_value=0, max_value=parsing.MAX_AMOUNT))
def test_money_round_trip_through_the_vietnamese_format(amount):
    assert parsing.parse_money(parsing.format_money(amount)) == amount
    assert parsing.parse_money(parsing.format_money(amount) + " đồng") == amount


@given(st.integers(min_value=0, max_value=10**6))
def test_money_words_read_back(amount):
    """What the pages print ("370 triệu đồng", "1,5 tỷ đồng") parses back to the same amount when it is exact."""
    amount = amount * 1000
    assert parsing.parse_money(parsing.money_words(amount)) == amount


@given(st.text(max_size=30))
def test_money_never_fails_other_than_with_value_error(text):
    try:
        result = parsing.parse_money(text)
    except ValueError as error:
        assert str(error)
    else:
        assert 0 <= result <= parsing.MAX_AMOUNT


def test_money_words():
    assert parsing.money_words(370_000_000) == "370 triệu đồng"
    assert parsing.money_words(1_500_000_000) == "1,5 tỷ đồng"
    assert parsing.money_words(38_000_000) == "38 triệu đồng"
    assert parsing.money_words(12_345) == "12.345 đồng"


def test_dates():
    today = date(2026, 5, 1)
    assert parsing.parse_date("05/03/2021") == date(2021, 3, 5)
    assert parsing.parse_date("5/3/2021") == date(2021, 3, 5)
    assert parsing.parse_date("2021-03-05") == date(2021, 3, 5)
    with pytest.raises(ValueError, match="trước năm 1900"):
        parsing.parse_date("31/12/1899")
    with pytest.raises(ValueError, match="tương lai"):
        parsing.parse_date("02/05/2026", allow_future=False, today=today)
    assert parsing.parse_date("02/05/2026", allow_future=True, today=today) == date(2026, 5, 2)
    with pytest.raises(ValueError, match="không tồn tại"):
        parsing.parse_date("30/02/2021")
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parsing.parse_date("March 5, 2021")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_date_round_trip(value):
    assert parsing.parse_date(value.strftime("%d/%m/%Y")) == value


def test_years():
    assert parsing.parse_year("2021", today=date(2026, 1, 1)) == 2021
    with pytest.raises(ValueError, match="trước năm 1900"):
        parsing.parse_year("1899")
    with pytest.raises(ValueError, match="tương lai"):
        parsing.parse_year("2027", today=date(2026, 1, 1))
    with pytest.raises(ValueError, match="4 chữ số"):
        parsing.parse_year("21")


@given(st.integers(min_value=1, max_value=24 * 3600))
def test_duration_round_trip(seconds):
    assert parsing.parse_duration(parsing.format_duration(seconds)) == seconds


def test_durations():
    assert parsing.parse_duration("12:30") == 750
    assert parsing.parse_duration("1:02:05") == 3725
    assert parsing.parse_duration("45 phút") == 2700
    assert parsing.iso_duration(754) == "PT12M34S"
    for bad in ("12:75", "0", "abc", "25:00:00"):
        with pytest.raises(ValueError):
            parsing.parse_duration(bad)


def test_embed_addresses():
    assert (
        embed_src("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert embed_src("https://youtu.be/dQw4w9WgXcQ?t=3") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed_src("https://vimeo.com/123456") == "https://player.vimeo.com/video/123456"
    assert embed_src("https://example.com/video.mp4") is None
    assert embed_src("https://www.youtube.com/watch?v=<script>") is None
