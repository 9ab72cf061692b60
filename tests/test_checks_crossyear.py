"""Cross-year rules: --previous, auto-discovery beside the input, format changes between years, and the output."""

from __future__ import annotations

import json
from pathlib import Path

from builders import base_report, dump
from generator.cli import app
from generator.pipeline import check_file

ROOT = Path(__file__).resolve().parent.parent


def _write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data), encoding="utf-8")
    return path


def _pair(fmt_last="2021", fmt_this="2021", year=2022, forward=(2, 1, 0, 0, 0, 0), carried=(2, 1, 0, 0, 0, 0)):
    """(last year's data, this year's data): 结转 rows as given, table 三 balanced in both."""
    last, this = base_report(fmt_last), base_report(fmt_this)
    last["year"], this["year"] = year - 1, year
    last["date"] = last["date"].replace(year=year)
    this["date"] = this["date"].replace(year=year + 1)
    last["applications"] = {"new": [5, 1, 0, 0, 0, 0], "disclosed": [5 - forward[0], 1 - forward[1], 0, 0, 0, 0],
                            "carried_forward": list(forward)}
    this["applications"] = {"carried_over": list(carried), "disclosed": list(carried)}
    return last, this


def _rules(checked, prefix="XY-"):
    return [f for f in checked.findings if f.rule.startswith(prefix)]


def test_carried_over_equals_last_years_carried_forward(tmp_path):
    last, this = _pair(carried=(2, 0, 0, 0, 0, 1))
    _write(tmp_path / "town-2021.yaml", last)
    checked = check_file(_write(tmp_path / "town-2022.yaml", this))
    assert checked.previous.how == "found" and "town-2021.yaml" in checked.previous.note
    errors = _rules(checked)
    assert [(f.rule, f.column, f.is_error) for f in errors] == [
        ("XY-CARRIED", "商业企业", True), ("XY-CARRIED", "其他", True)
    ]
    assert errors[0].row == "二、上年结转政府信息公开申请数量" and "结转下年度继续办理 1" in errors[0].message
    assert not checked.ok


def test_matching_years_pass(tmp_path):
    last, this = _pair()
    _write(tmp_path / "town-2021.yaml", last)
    checked = check_file(_write(tmp_path / "town-2022.yaml", this))
    assert checked.previous.how == "found" and _rules(checked) == [] and checked.ok


def test_previous_found_in_last_years_folder(tmp_path):
    last, this = _pair(carried=(0,) * 6)
    _write(tmp_path / "2021" / "town.yaml", last)
    checked = check_file(_write(tmp_path / "2022" / "town.yaml", this))
    assert checked.previous.how == "found" and [f.rule for f in _rules(checked)] == ["XY-CARRIED", "XY-CARRIED"]


def test_a_file_of_another_agency_is_not_used(tmp_path):
    last, this = _pair(carried=(0,) * 6)
    last["agency"] = "另一个镇人民政府"
    _write(tmp_path / "town-2021.yaml", last)
    checked = check_file(_write(tmp_path / "town-2022.yaml", this))
    assert checked.previous.how == "none" and "未做" in checked.previous.note and _rules(checked) == []


def test_given_previous_of_the_wrong_year_is_an_error(tmp_path):
    last, this = _pair()
    last["year"] = 2019
    checked = check_file(_write(tmp_path / "b.yaml", this), previous=_write(tmp_path / "a.yaml", last))
    (error,) = _rules(checked)
    assert error.rule == "XY-PREVIOUS" and "2019" in error.message and "2021" in error.message and not checked.ok


def test_given_previous_with_errors_is_an_error(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("year: [\n", encoding="utf-8")
    _last, this = _pair()
    (error,) = _rules(check_file(_write(tmp_path / "b.yaml", this), previous=bad))
    assert error.rule == "XY-PREVIOUS" and "有错误" in error.message


def test_in_force_is_last_years_plus_issued_minus_repealed(tmp_path):
    last, this = _pair()
    last["active"]["normative"] = {"issued": 3, "repealed": 0, "in_force": 40}
    this["active"]["normative"] = {"issued": 5, "repealed": 2, "in_force": 44}
    this["active"]["rules"] = {"issued": 0, "repealed": 0, "in_force": 0}
    _write(tmp_path / "town-2021.yaml", last)
    checked = check_file(_write(tmp_path / "town-2022.yaml", this))
    (warning,) = _rules(checked)
    assert warning.rule == "XY-IN-FORCE" and not warning.is_error and checked.ok
    assert warning.column == "现行有效件数" and "40 + 本年制发 5 − 本年废止 2 = 43" in warning.message


def test_2019_items_roll_over(tmp_path):
    last, this = _pair("2019", "2019", year=2020)
    last["active"]["licensing"] = {"previous": 90, "change": 80, "decisions": 1759}
    this["active"]["licensing"] = {"previous": 170, "change": 3, "decisions": 1800}
    last["active"]["punishment"] = {"previous": 10, "change": -4, "decisions": 1}
    this["active"]["punishment"] = {"previous": 7, "change": 0, "decisions": 1}
    _write(tmp_path / "town-2019.yaml", last)
    (warning,) = _rules(check_file(_write(tmp_path / "town-2020.yaml", this)))
    assert warning.rule == "XY-ITEMS" and "行政处罚" in warning.message and "10 + 本年增/减 -4 = 6" in warning.message


def test_2021_report_after_a_2019_format_year(tmp_path):
    # 2020 was reported in the 2019 format: 结转 still compares; 现行有效 has no 2019 equivalent and is not checked.
    last, this = _pair("2019", "2021", year=2021, carried=(1, 1, 0, 0, 0, 0))
    this["active"]["normative"] = {"issued": 5, "repealed": 0, "in_force": 999}
    _write(tmp_path / "town-2020.yaml", last)
    checked = check_file(_write(tmp_path / "town-2021.yaml", this))
    assert [(f.rule, f.column) for f in _rules(checked)] == [("XY-CARRIED", "自然人")]
    assert "2019格式" in checked.previous.note and "不核对" in checked.previous.note


def test_cli_says_whether_a_previous_report_was_used(runner, tmp_path):
    last, this = _pair()
    prev = _write(tmp_path / "town-2021.yaml", last)
    path = _write(tmp_path / "town-2022.yaml", this)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0 and f"使用上年报告 {prev}（自动找到）" in result.output
    result = runner.invoke(app, ["check", "--no-previous", str(path)])
    assert "跨年度核对：未做（已用 --no-previous 关闭）" in result.output
    other = _write(tmp_path / "elsewhere" / "x.yaml", last)
    result = runner.invoke(app, ["check", "--previous", str(other), str(path)])
    assert f"使用上年报告 {other}（--previous）" in result.output
    alone = _write(tmp_path / "alone" / "town-2022.yaml", this)
    assert "旁边也没有上年报告" in runner.invoke(app, ["check", str(alone)]).output
    assert "自动查找" in runner.invoke(app, ["check", "--help"]).output


def test_cli_previous_with_several_files_is_a_usage_error(runner, tmp_path):
    last, this = _pair()
    a, b = _write(tmp_path / "a.yaml", this), _write(tmp_path / "b.yaml", this)
    assert runner.invoke(app, ["check", "--previous", str(a), str(a), str(b)]).exit_code == 2


def test_render_with_previous_refuses_a_carried_mismatch(runner, tmp_path):
    last, this = _pair(carried=(0, 0, 0, 0, 0, 0))
    prev = _write(tmp_path / "last.yaml", last)
    path = _write(tmp_path / "this.yaml", this)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(path), "--previous", str(prev), "-o", str(out), "--to", "html"])
    assert result.exit_code == 1 and "XY-CARRIED" in result.output and not (out / "this.html").exists()
    assert runner.invoke(app, ["render", str(path), "-o", str(out), "--to", "html"]).exit_code == 0


def test_json_lists_cross_year_findings(runner, tmp_path):
    last, this = _pair(carried=(2, 0, 0, 0, 0, 1))
    _write(tmp_path / "town-2021.yaml", last)
    path = _write(tmp_path / "town-2022.yaml", this)
    result = runner.invoke(app, ["check", "--json", str(path)])
    data = json.loads(result.stdout)  # stdout is the JSON list alone
    assert "town-2021.yaml" in result.stderr  # which last-year file was used, for the person reading
    found = [d for d in data if d["rule"] == "XY-CARRIED"]
    assert [d["column"] for d in found] == ["商业企业", "其他"]
    assert set(found[0]) >= {"rule", "severity", "file", "line", "part", "row", "column", "message"}
