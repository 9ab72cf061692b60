"""What `check` prints: findings grouped by part with errors first, --json objects, --strict, and docs/rules.md."""

from __future__ import annotations

import json
from pathlib import Path

from builders import base_report, dump
from generator.checks.ruledoc import DOC, markdown
from generator.cli import app
from generator.findings import RULES, Finding, Severity, format_findings


def _mixed(tmp_path: Path) -> Path:
    data = base_report("2021", kind="department")
    data["date"] = data["date"].replace(month=3, day=1)  # DATE-LATE warning (基本信息)
    data["text"]["problems"] = "无。"  # P5-EMPTY error (五)
    data["text"]["overview"] = "共收到政府信息公开申请3件。"  # TEXT-FIGURE warning (一): the table has 0
    data["applications"] = {"new": [1, 0, 0, 0, 0, 0], "total": [2, 0, 0, 0, 0, 0], "disclosed": [1, 0, 0, 0, 0, 0]}
    path = tmp_path / "mixed.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def test_human_output_groups_by_part_errors_first(runner, tmp_path):
    path = _mixed(tmp_path)
    result = runner.invoke(app, ["check", "--no-previous", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    headings = [line for line in lines if line.startswith("【")]
    assert headings == [
        "【三、收到和处理政府信息公开申请情况】",
        "【五、存在的主要问题及改进情况】",
        "【基本信息】",
        "【一、总体情况】",
    ]
    assert lines[0] == f"{path}: 跨年度核对：未做（已用 --no-previous 关闭）"
    body = [line for line in lines if line.startswith(str(path)) and (": 错误 [" in line or ": 警告 [" in line)]
    kinds = [("错误" if ": 错误 [" in line else "警告") for line in body]
    assert kinds[:2] == ["错误", "错误"] and set(kinds[2:]) == {"警告"}
    assert "[TEXT-FIGURE]" in body[-1] and "收到申请 3 件" in body[-1]


def test_errors_first_within_a_part():
    rule = RULES["T3-BALANCE"]
    part = rule.part
    findings = [
        Finding("W", Severity.WARNING, "w", "f.yaml", 5, part),
        Finding("E", Severity.ERROR, "e", "f.yaml", 9, part),
    ]
    assert format_findings("f.yaml", findings).splitlines() == [
        f"【{part}】",
        "f.yaml:9: 错误 [E] e",
        "f.yaml:5: 警告 [W] w",
    ]


def test_json_objects_and_strict(runner, tmp_path):
    path = _mixed(tmp_path)
    data = json.loads(runner.invoke(app, ["check", "--json", str(path)]).stdout)
    assert {d["rule"] for d in data} >= {"T3-RESULTS-TOTAL", "P5-EMPTY", "DATE-LATE", "TEXT-FIGURE"}
    for item in data:
        assert {"rule", "severity", "file", "line", "part", "row", "column", "message"} <= set(item)
        assert item["severity"] in ("error", "warning") and item["file"] == str(path) and isinstance(item["line"], int)
    warn_only = tmp_path / "warn.yaml"
    only = base_report("2021", kind="department")
    only["date"] = only["date"].replace(month=3, day=1)
    warn_only.write_text(dump(only), encoding="utf-8")
    assert runner.invoke(app, ["check", str(warn_only)]).exit_code == 0
    assert runner.invoke(app, ["check", "--strict", str(warn_only)]).exit_code == 1


def test_every_rule_is_documented_and_the_doc_is_in_sync():
    for rule in RULES:
        assert rule.id and rule.title and rule.why and rule.severity in Severity
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/rules.md is stale: run python -m generator.checks.ruledoc"
    )
