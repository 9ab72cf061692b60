"""Chinese and Arabic numerals as narratives write counts."""

import pytest

from generator.checks.numerals import parse_count


@pytest.mark.parametrize(
    "text, value",
    [
        ("八", 8), ("十", 10), ("十二", 12), ("二十", 20), ("一十二", 12), ("九十九", 99), ("一百零三", 103),
        ("两", 2), ("两千零五", 2005), ("一千二百", 1200), ("三百九十八", 398), ("一万零五", 10005), ("零", 0),
        ("398", 398), ("３９８", 398), ("0", 0),
    ],
)
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["二三", "百", "十百", "万", "一百百", "五五", "三万万", "", "几"])
def test_not_numbers(text):
    assert parse_count(text) is None
