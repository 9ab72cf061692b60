"""Counts as narratives write them: Arabic (398, full-width ３９８) or Chinese numerals (八, 十二, 一百零三, 两).

`parse_count("一百零三") == 103`; anything that is not a well-formed number (二三, 十百, 万) is None.
"""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
          "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
MYRIAD = {"万": 10_000, "萬": 10_000}

CHINESE_NUMBER = "[零〇○一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬]+"
ARABIC_NUMBER = r"[0-9０-９]+"
# A count as a narrative writes it: digits (a thin space may follow), or Chinese numerals.
COUNT = rf"(?:{ARABIC_NUMBER}|{CHINESE_NUMBER})"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _below_myriad(text: str) -> int | None:
    """A number below 一万: 一百零三, 十二, 两千零五. None when the characters do not form one."""
    total, digit, last_unit = 0, None, 10**9
    for char in text:
        if char in DIGITS:
            value = DIGITS[char]
            if value == 0:
                digit = None  # 一百零三: the zero only marks a skipped place
                continue
            if digit is not None:
                return None  # 二三 is not a number
            digit = value
        elif char in UNITS:
            unit = UNITS[char]
            if unit >= last_unit:
                return None  # 十百, 百百
            if digit is None:
                if not (unit == 10 and total == 0):
                    return None  # only 十 may stand without a digit (十二)
                digit = 1
            total += digit * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def parse_chinese(text: str) -> int | None:
    """一百零三 → 103, 十二 → 12, 两 → 2, 一万零五 → 10005; None when the characters are not a number."""
    if not text:
        return None
    head, sep, tail = text.partition("万") if "万" in text else text.partition("萬")
    if sep:
        if any(c in MYRIAD for c in tail):
            return None
        high = _below_myriad(head) if head else None
        low = _below_myriad(tail)
        if high is None or low is None:
            return None
        return high * 10_000 + low
    return _below_myriad(text)


def parse_count(text: str) -> int | None:
    text = text.strip()
    if re.fullmatch(ARABIC_NUMBER, text):
        return int(text.translate(_FULL_WIDTH))
    return parse_chinese(text)


__all__ = ["COUNT", "parse_count", "parse_chinese"]
