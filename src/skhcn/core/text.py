"""Vietnamese text helpers: accent folding, slugs and the date line of the portal."""

import re
import unicodedata
from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify

# "Đ"/"đ" have no Unicode decomposition, so NFD alone leaves them: map them explicitly.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text``: "ĐẨY mạnh" -> "day manh"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def vietnamese_slug(text: str, max_length: int = 120) -> str:
    """ASCII slug of a Vietnamese title: "Dân vận khéo" -> "dan-van-kheo"."""
    return slugify(fold(text))[:max_length].strip("-")


WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def dateline(value: datetime) -> str:
    """The portal's date line, in Vietnam time: "Thứ hai - 12/04/2021 15:58"."""
    local = timezone.localtime(value)
    return f"{WEEKDAYS[local.weekday()]} - {local:%d/%m/%Y %H:%M}"


def group_thousands(amount: int) -> str:
    """1500000 -> "1.500.000" (dots between groups of three, as written in Vietnam)."""
    return f"{amount:,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """1500000 -> "1.500.000 đồng"."""
    return f"{group_thousands(amount)} đồng"
