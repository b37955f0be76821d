"""Fees of a procedure: a fixed amount, or a range [fee_amount, fee_amount_max] within which staff set the amount of
each dossier (docs/thanh-toan.md, "Mức phí theo khoảng"). Pure functions: no database."""

from __future__ import annotations

import re

from skhcn.core.text import format_vnd

# An amount written out: "2.000.000" (groups of three) or "150000" (five digits or more, so that years such as
# "2021 - 2022" or document numbers "10/2021" never read as amounts).
AMOUNT = r"\d{1,3}(?:\.\d{3})+|\d{5,}"
# "2.000.000 – 16.000.000", "2.000.000-16.000.000 đồng", "từ 2.000.000 đến 16.000.000", "2.000.000 tới 16.000.000".
RANGE = re.compile(rf"(?<![\d./])({AMOUNT})\s*(?:đ(?:ồng)?\s*)?(?:[-–—]|\bđến\b|\btới\b)\s*({AMOUNT})(?![\d.])", re.I)


def _number(text: str) -> int:
    return int(text.replace(".", ""))


def parse_fee_range(text: str) -> tuple[int, int] | None:
    """(low, high) of the first range written in ``text`` ("2.000.000 – 16.000.000 đồng"); None when it holds no
    range, or the bounds are not increasing ("16.000.000 – 2.000.000" is not read as a range)."""
    match = RANGE.search(text or "")
    if match is None:
        return None
    low, high = _number(match.group(1)), _number(match.group(2))
    return (low, high) if 0 < low < high else None


def fee_summary(procedure, amount: int | None = None) -> str:
    """What a receipt prints about the fee: the procedure's fee description, then the amount.

    "Số tiền: X" for a fixed fee, "Mức thu theo biểu phí: từ X đến Y" for a range, "Số tiền: Z" once an amount was
    set for the dossier (``amount``); only the description when the procedure names no amount."""
    lines = [procedure.fee_description.strip()] if (procedure.fee_description or "").strip() else []
    if amount is not None:
        lines.append(f"Số tiền: {format_vnd(amount)}")
    elif procedure.fee_is_range:
        lines.append(
            f"Mức thu theo biểu phí: từ {format_vnd(procedure.fee_amount)} đến {format_vnd(procedure.fee_amount_max)}"
        )
    elif procedure.fee_amount:
        lines.append(f"Số tiền: {format_vnd(procedure.fee_amount)}")
    return "\n".join(lines)
