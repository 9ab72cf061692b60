"""The hard identities (format.md 1–4) as rules: each violation names the file, line, table, row and column by their
official labels and shows both sides with numbers; totals are computed, a given total is checked, never trusted."""

from __future__ import annotations

import pytest

from builders import base_report, dump, row_line
from generator.checks import check
from generator.findings import RULES, Severity
from generator.pipeline import Checked, render_to
from generator.readers.yaml import load_string

PART3 = "三、收到和处理政府信息公开申请情况"
PART4 = "四、政府信息公开行政复议、行政诉讼情况"


def _errors(data: dict):
    text = dump(data)
    loaded = load_string(text, file="甲镇.yaml")
    assert loaded.report is not None, [f.format() for f in loaded.findings]
    return text, [f for f in check(loaded) if f.is_error]


def _balanced(fmt: str = "2021") -> dict:
    """The issue's example: 26 applications from natural persons, all handled."""
    data = base_report(fmt)
    data["applications"] = {
        "new": [24, 1, 0, 0, 0, 0],
        "carried_over": [2, 0, 0, 0, 0, 0],
        "disclosed": [20, 1, 0, 0, 0, 0],
        "withheld": {"third_party": [3, 0, 0, 0, 0, 0]},
        "unavailable": {"not_held": [2, 0, 0, 0, 0, 0]},
        "not_processed": {"duplicate": [1, 0, 0, 0, 0, 0]},
        "carried_forward": [0, 0, 0, 0, 0, 0],
    }
    return data


def test_rule_table_has_the_identities():
    for rule_id, part in (
        ("T3-ROW-TOTAL", PART3),
        ("T3-RESULTS-TOTAL", PART3),
        ("T3-BALANCE", PART3),
        ("T4-TOTAL", PART4),
    ):
        rule = RULES[rule_id]
        assert rule.severity is Severity.ERROR and rule.part == part and rule.find is not None
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.title + rule.why)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_balanced_example_passes(fmt):
    assert _errors(_balanced(fmt))[1] == []


def test_issue_example_total_disagrees():
    """三、收到和处理政府信息公开申请情况 ·（七）总计 · 自然人: 各项办理结果之和 26 ≠ 填报的总计 20"""
    data = _balanced()
    data["applications"]["total"] = [20, 1, 0, 0, 0, 0]
    text, errors = _errors(data)
    (finding,) = errors
    assert (finding.rule, finding.part, finding.row, finding.column) == (
        "T3-RESULTS-TOTAL",
        PART3,
        "（七）总计",
        "自然人",
    )
    assert finding.message == "各项办理结果之和 26 ≠ 填报的总计 20"
    assert finding.line == row_line(text, ("applications", "total"))
    assert finding.format() == (
        f"甲镇.yaml:{finding.line}: 错误 [T3-RESULTS-TOTAL] {PART3} · （七）总计 · 自然人："
        "各项办理结果之和 26 ≠ 填报的总计 20"
    )


def test_given_grand_total_checked():
    data = _balanced()
    data["applications"]["total"] = [26, 1, 0, 0, 0, 0, 28]
    (finding,) = _errors(data)[1]
    assert (finding.row, finding.column, finding.message) == (
        "（七）总计",
        "总计",
        "各项办理结果之和 27 ≠ 填报的总计 28",
    )


def test_row_total_checked_with_group_label():
    data = _balanced()
    data["applications"]["withheld"]["third_party"] = [3, 0, 0, 0, 0, 0, 4]
    text, errors = _errors(data)
    (finding,) = errors
    assert finding.rule == "T3-ROW-TOTAL"
    assert (finding.row, finding.column) == ("（三）不予公开 · 4.保护第三方合法权益", "总计")
    assert finding.message == "六类申请人之和 3 ≠ 填报的总计 4"
    assert finding.line == row_line(text, ("applications", "withheld", "third_party"))


def test_balance_names_every_term():
    data = _balanced()
    data["applications"]["carried_forward"] = [0, 0, 0, 0, 1, 0]
    (law, total) = sorted(_errors(data)[1], key=lambda f: f.column != "法律服务机构")
    assert law.rule == total.rule == "T3-BALANCE"
    assert law.column == "法律服务机构" and total.column == "总计"
    assert law.message == "一、本年新收 0 + 二、上年结转 0 = 0 ≠ （七）总计 0 + 四、结转下年度继续办理 1 = 1"
    assert total.message == "一、本年新收 25 + 二、上年结转 2 = 27 ≠ （七）总计 27 + 四、结转下年度继续办理 1 = 28"


@pytest.mark.parametrize("group,label", [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼 · 未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼 · 复议后起诉"),
])
def test_review_total_checked(group, label):
    data = base_report("2021")
    data["reviews"] = {group: [1, 2, 3, 4, 11]}
    text, errors = _errors(data)
    (finding,) = errors
    assert (finding.rule, finding.part, finding.row, finding.column) == ("T4-TOTAL", PART4, label, "总计")
    assert finding.message == "四项结果之和 10 ≠ 填报的总计 11"
    assert finding.line == row_line(text, ("reviews", group))


def test_every_violation_listed_at_once():
    data = _balanced()
    data["applications"]["total"] = [20, 1, 0, 0, 0, 0]
    data["applications"]["disclosed"] = [20, 1, 0, 0, 0, 0, 22]
    data["reviews"] = {"reconsideration": [1, 0, 0, 0, 2]}
    rules = sorted(f.rule for f in _errors(data)[1])
    assert rules == ["T3-RESULTS-TOTAL", "T3-ROW-TOTAL", "T4-TOTAL"]


def test_correct_given_totals_pass():
    data = _balanced()
    data["applications"]["total"] = [26, 1, 0, 0, 0, 0, 27]
    data["applications"]["new"] = [24, 1, 0, 0, 0, 0, 25]
    data["reviews"] = {"reconsideration": [1, 2, 3, 4, 10]}
    assert _errors(data)[1] == []


def test_refused_before_rendering(tmp_path):
    data = _balanced()
    data["applications"]["total"] = [20, 1, 0, 0, 0, 0]
    loaded = load_string(dump(data))
    checked = Checked(loaded, check(loaded))
    assert not checked.ok
    with pytest.raises(ValueError):
        render_to(checked, tmp_path, "x", ("html",))
    assert list(tmp_path.iterdir()) == []
