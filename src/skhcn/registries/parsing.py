"""Pure parsers and formatters for what editors type or import: Vietnamese amounts of money, dates, years, durations.

Every parser raises ``ValueError`` with a Vietnamese sentence meant for the editor (forms turn it into a
``ValidationError``, the import into a row error).
"""

import re
from datetime import date
from decimal import Decimal

from skhcn.core.text import fold, group_thousands

MAX_AMOUNT = 10**15  # one million billion đồng: far above any budget, well inside a 64-bit integer
MIN_YEAR = 1900

UNITS = {"ty": 10**9, "trieu": 10**6, "nghin": 10**3, "ngan": 10**3}
CURRENCY_WORDS = ("vnd", "dong", "d")
# "1.500.000" (dots between groups of three), "1500000", with an optional decimal part after a comma ("1,5").
NUMBER_RE = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
SEGMENT_RE = re.compile(r"\s*(?P<number>[\d.,]+)\s*(?P<unit>ty|trieu|nghin|ngan)?\s*")

FORMAT_HINT = "Ví dụ hợp lệ: “1.500.000”, “1.500.000 đồng”, “1,5 tỷ”, “370 triệu”, “2 tỷ 300 triệu”."


def _parse_number(text: str, original: str) -> Decimal:
    if NUMBER_RE.fullmatch(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", text) or re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", text):
        raise ValueError(
            f"Số tiền “{original}” viết theo kiểu tiếng Anh. Theo cách viết Việt Nam, dấu chấm phân cách hàng nghìn "
            f"và dấu phẩy phân cách phần thập phân. {FORMAT_HINT}"
        )
    if re.fullmatch(r"\d+\.\d+", text):
        raise ValueError(
            f"Số tiền “{original}” không rõ nghĩa: dấu chấm chỉ dùng phân cách hàng nghìn (nhóm 3 chữ số), "
            f"phần thập phân viết sau dấu phẩy. {FORMAT_HINT}"
        )
    raise ValueError(f"Số tiền “{original}” không đúng định dạng. {FORMAT_HINT}")


def parse_money(text: str) -> int:
    """Vietnamese amount of money in đồng: "1.500.000" -> 1500000, "1,5 tỷ" -> 1500000000, "370 triệu đồng" ->
    370000000, "2 tỷ 300 triệu" -> 2300000000. Refused: negatives, English grouping ("1,500,000"), fractions of
    a đồng, units out of order, more than ``MAX_AMOUNT``."""
    original = " ".join(str(text).split())[:60]
    folded = fold(str(text)).replace("\u00a0", " ")
    if not folded:
        raise ValueError("Chưa nhập số tiền.")
    if folded.startswith(("-", "−", "(")):
        raise ValueError(f"Số tiền “{original}” không được âm.")
    for word in CURRENCY_WORDS:  # "đồng", "đ", "VND", "vnđ" at the end
        if folded.endswith(word) and (len(folded) == len(word) or not folded[-len(word) - 1].isalpha()):
            folded = folded[: -len(word)].strip()
            break
    folded = re.sub(r"(?<=\d)[ \u202f](?=\d{3}(?!\d))", ".", folded)  # "1 500 000": spaces between groups
    if not folded:
        raise ValueError(f"Số tiền “{original}” không có con số nào. {FORMAT_HINT}")
    total = Decimal(0)
    position, last_unit, segments = 0, None, 0
    while position < len(folded):
        match = SEGMENT_RE.match(folded, position)
        if not match or match.end() == position:
            raise ValueError(f"Số tiền “{original}” không đúng định dạng. {FORMAT_HINT}")
        number = _parse_number(match.group("number"), original)
        unit = match.group("unit")
        factor = UNITS[unit] if unit else 1
        if last_unit is not None and factor >= last_unit:
            raise ValueError(f"Số tiền “{original}” có đơn vị không theo thứ tự (tỷ, triệu, nghìn). {FORMAT_HINT}")
        if unit is None and match.end() < len(folded):
            raise ValueError(f"Số tiền “{original}” không đúng định dạng. {FORMAT_HINT}")
        total += number * factor
        last_unit, position, segments = factor, match.end(), segments + 1
    if total != total.to_integral_value():
        raise ValueError(f"Số tiền “{original}” lẻ dưới một đồng. Hãy làm tròn đến đồng.")
    if total > MAX_AMOUNT:
        raise ValueError(f"Số tiền “{original}” quá lớn (tối đa {format_money(MAX_AMOUNT)} đồng).")
    return int(total)


def format_money(amount: int | None) -> str:
    """1500000 -> "1.500.000" (dots between groups of three, as written in Vietnam)."""
    return "" if amount is None else group_thousands(amount)


def money_words(amount: int | None) -> str:
    """A short reading of an amount, as the reports write it: 370000000 -> "370 triệu đồng", 1500000000 ->
    "1,5 tỷ đồng", 38500000 -> "38,5 triệu đồng", 12345 -> "12.345 đồng"."""
    if amount is None:
        return ""
    for factor, word in ((10**9, "tỷ"), (10**6, "triệu")):
        if amount >= factor:
            value = Decimal(amount) / factor
            if value == value.to_integral_value():
                return f"{format_money(int(value))} {word} đồng"
            rounded = value.quantize(Decimal("0.001")).normalize()
            if rounded * factor == amount:
                whole, _, fraction = f"{rounded:f}".partition(".")
                return f"{format_money(int(whole))},{fraction} {word} đồng"
    return f"{format_money(amount)} đồng"


DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str, *, allow_future: bool = True, today: date | None = None) -> date:
    """ "05/03/2021" (also 5/3/2021, 05-03-2021, 05.03.2021 or 2021-03-05) -> date; years from 1900; with
    ``allow_future=False`` not after today."""
    value = text.strip()
    match = DATE_RE.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO_DATE_RE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(f"Ngày “{value[:30]}” không hợp lệ, hãy viết theo dạng dd/mm/yyyy.")
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày “{value[:30]}” không tồn tại.") from None
    check_date(result, allow_future=allow_future, today=today)
    return result


def check_date(value: date, *, allow_future: bool = True, today: date | None = None) -> None:
    if value.year < MIN_YEAR:
        raise ValueError(f"Ngày {value:%d/%m/%Y} trước năm {MIN_YEAR}: hãy kiểm tra lại.")
    if not allow_future and value > (today or date.today()):
        raise ValueError(f"Ngày {value:%d/%m/%Y} ở tương lai: ngày này không thể sau hôm nay.")


def parse_year(text: str, *, allow_future: bool = False, today: date | None = None) -> int:
    value = text.strip()
    if not re.fullmatch(r"\d{4}", value):
        raise ValueError(f"Năm “{value[:20]}” không hợp lệ, hãy viết 4 chữ số (ví dụ 2021).")
    year = int(value)
    check_year(year, allow_future=allow_future, today=today)
    return year


def check_year(year: int, *, allow_future: bool = False, today: date | None = None) -> None:
    current = (today or date.today()).year
    if year < MIN_YEAR:
        raise ValueError(f"Năm {year} trước năm {MIN_YEAR}: hãy kiểm tra lại.")
    if not allow_future and year > current:
        raise ValueError(f"Năm {year} ở tương lai (năm nay là {current}).")


def parse_duration(text: str) -> int:
    """A film's running time in seconds: "12:30" (mm:ss), "1:02:05" (h:mm:ss), "45 phút", "90" (minutes)."""
    value = fold(text)
    if match := re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})", value):
        hours, minutes, seconds = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
        if seconds >= 60 or (match.group(1) and minutes >= 60):
            raise ValueError(f"Thời lượng “{text[:20]}” không hợp lệ: phút và giây phải nhỏ hơn 60.")
        total = hours * 3600 + minutes * 60 + seconds
    elif match := re.fullmatch(r"(\d{1,4})\s*(?:phut|p)?", value):
        total = int(match.group(1)) * 60
    else:
        raise ValueError(f"Thời lượng “{text[:20]}” không hợp lệ: viết “phút:giây” (12:30) hoặc “giờ:phút:giây”.")
    if total == 0:
        raise ValueError("Thời lượng phải lớn hơn 0.")
    if total > 24 * 3600:
        raise ValueError("Thời lượng quá dài (tối đa 24 giờ).")
    return total


def format_duration(seconds: int | None) -> str:
    """754 -> "12:34"; 3725 -> "1:02:05"."""
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: int | None) -> str:
    """754 -> "PT12M34S" (for <time datetime>)."""
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
