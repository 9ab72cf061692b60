"""How a figure is written: in table cells, in filled narrative placeholders, in standard sentences."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal


def number(value: int | Decimal) -> str:
    """A figure as it stands in the table: integers plainly, amounts exactly as typed (no float rounding)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def signed(value: int | Decimal) -> str:
    """A change as it stands in the table (本年增/减): +80, -51, 0 — the sign always shown, so that a bare figure
    beside a negative one is never read as either."""
    text = number(value)
    return f"+{text}" if value > 0 else text


def percent(part: int, whole: int) -> str:
    """33.5%: one decimal, rounded half up; 0.0% when there is nothing to divide by."""
    if not whole:
        return "0.0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


# Figures that a line must not split, in running text: a document number's year and number (〔2021〕30号), a standard's
# number (GB/T 9704—2012, DB51/T 2660—2019), a date (2020年1月1日), a range (1—12月, 0470—5621203) and a figure with its
# unit (37.62万条, 8件). Line breaking (UAX 14, as Pango does it) allows a break before 年 or 件, after 〕 or /, and
# around a dash or a space.
_UNITS = "年月日时号条件项个次人家户元份篇期场批所名位天周宗套处台辆座页"
_UNBROKEN = re.compile(
    r"[〔［\[]\d{4}[〕］\]]\d+号"
    r"|(?<![A-Za-z])(?:DB\d{2}|[A-Z]{2})(?:/[TZ])?\s?\d+(?:\.\d+)*(?:[—–-]\d{4})?"
    r"|\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日"
    rf"|\d+(?:[.．]\d+)?%?(?:[—–~～-]\d+(?:[.．]\d+)?%?)+[万亿]?[{_UNITS}]?"
    rf"|\d+(?:[.．]\d+)?%?[万亿]?[{_UNITS}]"
)


def unbroken_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a figure that a line must not split: (start, end) of each, in characters."""
    return [match.span() for match in _UNBROKEN.finditer(text)]


def unbroken(text: str) -> list[tuple[str, bool]]:
    """`text` in pieces, each (piece, whether a line must not break inside it); the pieces join to `text`."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _UNBROKEN.finditer(text):
        if match.start() > at:
            pieces.append((text[at : match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
