"""How a figure is written: in table cells, in filled narrative placeholders, in standard sentences."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def number(value: int | Decimal) -> str:
    """A figure as it stands in the table: integers plainly, amounts exactly as typed (no float rounding)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def percent(part: int, whole: int) -> str:
    """33.5%: one decimal, rounded half up; 0.0% when there is nothing to divide by."""
    if not whole:
        return "0.0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"
