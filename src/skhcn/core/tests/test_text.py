from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.core.text import dateline, fold, vietnamese_slug


def test_fold_maps_d_with_stroke_and_strips_marks():
    assert fold("ĐẨY mạnh") == "day manh"
    assert fold("Dân vận khéo") == fold("DÂN VẬN KHÉO") == "dan van kheo"
    assert fold("  nhiều   khoảng\ttrắng ") == "nhieu khoang trang"


def test_vietnamese_slug():
    assert vietnamese_slug("Dân vận khéo") == "dan-van-kheo"
    assert vietnamese_slug("Đẩy mạnh “Dân vận khéo”!") == "day-manh-dan-van-kheo"
    assert vietnamese_slug("Khoa học & công nghệ") == "khoa-hoc-cong-nghe"


def test_dateline_is_vietnam_time_with_vietnamese_weekday():
    utc = datetime(2021, 4, 12, 8, 58, tzinfo=ZoneInfo("UTC"))
    assert dateline(utc) == "Thứ hai - 12/04/2021 15:58"
    sunday = datetime(2021, 4, 18, 0, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert dateline(sunday) == "Chủ nhật - 18/04/2021 00:30"


@given(st.text())
def test_fold_output_is_ascii_when_input_is_vietnamese_letters_only(text):
    folded = fold(text)
    assert folded == fold(folded)  # idempotent
    assert "đ" not in folded and "Đ" not in folded


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ",
        max_size=60,
    )
)
def test_slug_of_vietnamese_text_is_ascii(text):
    slug = vietnamese_slug(text)
    assert slug.isascii()
    assert slug == slug.lower()


@pytest.mark.parametrize("typed", ["²", "1²", "٣", "9" * 5000, "-1", "1.5", ""])
def test_table_integers_refuse_what_int_cannot_read_with_a_vietnamese_reason(typed):
    from skhcn.core.tabular import parse_int

    with pytest.raises(ValueError, match="“Số lượng”"):
        parse_int(typed, "Số lượng", 10**9)


def test_table_integers_accept_grouped_thousands_and_leading_zeros():
    from skhcn.core.tabular import parse_int

    assert parse_int("1.500", "Số lượng", 10**9) == 1500
    assert parse_int("0007", "Số lượng", 10) == 7
