"""Publication date: the deadline by kind of agency (条例 第四十九条) and never before the year has ended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builders import base_report, dump
from generator.checks import check
from generator.readers.yaml import load, load_string

ROOT = Path(__file__).resolve().parent.parent


def _dates(kind: str, date: dt.date):
    data = base_report("2021", kind=kind)
    data["date"] = date
    loaded = load_string(dump(data), file="d.yaml")
    return [(f.rule, f.is_error) for f in check(loaded) if f.rule.startswith("DATE-")]


@pytest.mark.parametrize(
    "kind, date, found",
    [
        ("department", dt.date(2022, 1, 31), []),
        ("department", dt.date(2022, 2, 1), [("DATE-LATE", False)]),
        ("government", dt.date(2022, 2, 19), []),
        ("government", dt.date(2022, 3, 31), []),
        ("government", dt.date(2022, 4, 1), [("DATE-LATE", False)]),
        ("government", dt.date(2021, 12, 31), [("DATE-EARLY", True)]),
        ("department", dt.date(2021, 6, 30), [("DATE-EARLY", True)]),
        ("government", dt.date(2022, 1, 1), []),
    ],
)
def test_dates(kind, date, found):
    assert _dates(kind, date) == found


def test_messages_name_the_deadline_and_the_line():
    data = base_report("2021", kind="department")
    data["date"] = dt.date(2022, 2, 15)
    text = dump(data)
    (finding,) = [f for f in check(load_string(text, file="d.yaml")) if f.rule == "DATE-LATE"]
    assert "2022年2月15日" in finding.message and "2022年1月31日" in finding.message and "第四十九条" in finding.message
    assert finding.line == text.splitlines().index("date: 2022-02-15") + 1


def test_elunchun_published_after_january_is_within_a_governments_deadline():
    loaded = load(ROOT / "inputs" / "elunchun-2020.yaml")
    assert loaded.report.date == dt.date(2021, 2, 19) and loaded.report.kind == "government"
    assert [f for f in check(loaded) if f.rule.startswith("DATE-")] == []
