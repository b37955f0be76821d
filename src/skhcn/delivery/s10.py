"""UPU S10 item identifiers, the numbers printed on postal items ("EB123456785VN"): two service letters, an 8-digit
serial, a check digit, the ISO country code of the issuing post.

Check digit (UPU S10 standard): weights 8 6 4 2 3 5 9 7 on the serial, ``11 - (sum mod 11)``; 10 becomes 0 and 11
becomes 5.
"""

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")

INVALID_FORMAT = (
    "Số hiệu bưu gửi “{value}” không đúng định dạng: gồm 2 chữ cái, 9 chữ số và 2 chữ cái mã nước "
    "(ví dụ EB123456785VN)."
)
INVALID_CHECK_DIGIT = (
    "Số hiệu bưu gửi “{value}” có chữ số kiểm tra không đúng (chữ số thứ 9 phải là {expected}). "
    "Vui lòng kiểm tra lại số in trên biên lai của bưu điện."
)


class S10Error(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_digit(serial: str) -> int:
    """The check digit of an 8-digit serial."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("serial must be 8 digits")
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def normalise(value: str) -> str:
    """Upper case, without spaces and dashes (officers copy "EB 123 456 785 VN" as printed)."""
    return re.sub(r"[\s\-.]", "", value or "").upper()


def validate(value: str) -> str:
    """The normalised identifier, or ``S10Error`` with a Vietnamese message."""
    number = normalise(value)
    match = _PATTERN.match(number)
    if match is None:
        raise S10Error(INVALID_FORMAT.format(value=(value or "").strip()))
    expected = check_digit(match.group(2))
    if int(match.group(3)) != expected:
        raise S10Error(INVALID_CHECK_DIGIT.format(value=number, expected=expected))
    return number


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except S10Error:
        return False
    return True


def make(prefix: str, serial: int, country: str = "VN") -> str:
    """A valid identifier from a service prefix and a serial number (0 … 99 999 999)."""
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{check_digit(digits)}{country}"
