"""Vietnamese phone numbers, personal ID numbers (CCCD) and tax codes: check and normalise."""

import re

from django.core.exceptions import ValidationError

from .constants import ApplicantKind

PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers: 0 + 9 digits whose first is 3, 5, 7, 8 or 9; or the same after the country code 84.
MOBILE_RE = re.compile(r"(?:\+84|0084|84|0)([35789]\d{8})")
CCCD_RE = re.compile(r"\d{12}")
TAX_CODE_RE = re.compile(r"(\d{10})(?:-?(\d{3}))?")


class Messages:
    PHONE_INVALID = (
        "Số điện thoại di động không hợp lệ: nhập 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09"
        " (ví dụ 0912345678), hoặc dạng +84912345678."
    )
    CCCD_INVALID = "Số định danh cá nhân (số căn cước công dân) phải gồm đúng 12 chữ số."
    CCCD_PROVINCE = "Số định danh cá nhân không hợp lệ: 3 chữ số đầu là mã tỉnh, thành phố (001 đến 096)."
    TAX_CODE_INVALID = "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc (ví dụ 0123456789-001)."


def normalize_phone(value: str) -> str:
    """``0912 345 678``, ``+84 912 345 678`` and ``84912345678`` all become ``0912345678``."""
    match = MOBILE_RE.fullmatch(PHONE_SEPARATORS.sub("", value or ""))
    if not match:
        raise ValidationError(Messages.PHONE_INVALID, code="phone")
    return "0" + match.group(1)


def normalize_id_number(kind: str, value: str) -> str:
    """A citizen's 12-digit CCCD number, or a business's tax code (``0123456789`` or ``0123456789-001``)."""
    compact = re.sub(r"\s", "", value or "")
    if kind == ApplicantKind.BUSINESS:
        match = TAX_CODE_RE.fullmatch(compact)
        if not match:
            raise ValidationError(Messages.TAX_CODE_INVALID, code="tax_code")
        head, branch = match.groups()
        return f"{head}-{branch}" if branch else head
    if not CCCD_RE.fullmatch(compact):
        raise ValidationError(Messages.CCCD_INVALID, code="cccd")
    if not 1 <= int(compact[:3]) <= 96:
        raise ValidationError(Messages.CCCD_PROVINCE, code="cccd")
    return compact
