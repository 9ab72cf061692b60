"""Collection workbooks: the template's official layout, validations and formulas; a sheet filled by openpyxl as a
township clerk would round-trips through import → YAML → report; bad sheets give located errors, never a crash."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from generator.batch.workbook import INDEX_SHEET, layout_for
from generator.cli import app
from generator.model.forms import APPLICATION_ROWS, APPLICATIONS_CORNER, PARTS, REVIEW_GROUPS
from generator.readers.yaml import load
from readback import docx_document, html_tables

UNITS = ["甲镇人民政府", "乙乡人民政府", "丙街道办事处"]


@pytest.fixture
def template(runner, tmp_path) -> Path:
    units = tmp_path / "units.txt"
    units.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    path = tmp_path / "collect.xlsx"
    result = runner.invoke(app, ["xlsx-template", "-o", str(path), "--units", str(units), "--year", "2025"])
    assert result.exit_code == 0, result.output
    return path


def evaluate(ws, coord: str):
    """A tiny evaluator for the template's own formulas (SUM of a range, IF of a sum comparison)."""
    value = ws[coord].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    formula = value[1:]
    match = re.fullmatch(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", formula)
    if match:
        return sum(evaluate(ws, cell.coordinate) for row in ws[match.group(1):match.group(2)] for cell in row)
    match = re.fullmatch(r'IF\((\w+)\+(\w+)=(\w+)\+(\w+),"(.+?)","(.+?)"\)', formula)
    if match:
        a, b, c, d, yes, no = match.groups()
        return yes if evaluate(ws, a) + evaluate(ws, b) == evaluate(ws, c) + evaluate(ws, d) else no
    raise AssertionError(f"unexpected formula {value}")


FILLED = {
    "applications.new[0]": 7,
    "applications.new[1]": 2,
    "applications.carried_over[0]": 1,
    "applications.disclosed[0]": 4,
    "applications.disclosed[1]": 1,
    "applications.partly_disclosed[0]": 1,
    "applications.withheld.third_party[0]": 1,
    "applications.unavailable.not_held[1]": 1,
    "applications.other.other[0]": 1,
    "applications.carried_forward[0]": 1,
    "reviews.reconsideration[0]": 1,
    "reviews.litigation_direct[3]": 2,
    "active.normative.issued": 3,
    "active.normative.in_force": 12,
    "active.licensing": 154,
    "active.punishment": 9,
    "active.fees": 2.75,
    "fee_notices.sent": 0,
}


def fill(ws, numbers=FILLED) -> None:
    """What a clerk types: date, narrative with line breaks inside cells, the figures."""
    layout = layout_for("2021")
    ws[layout.cells["date"].coord] = dt.datetime(2026, 1, 20)
    for aspect in ("active", "requests", "management", "platforms", "oversight"):
        ws[layout.cells[f"text.overview.{aspect}"].coord] = (
            f"{aspect}：第一段。\n第二段，工作考核、社会评议和责任追究。"
        )
    ws[layout.cells["text.problems"].coord] = "一是公开不够及时。\r\n二是解读形式单一。"
    ws[layout.cells["text.other"].coord] = "本年度未收取信息处理费。"
    for key, value in numbers.items():
        ws[layout.cells[key].coord] = value


def test_template_layout_labels_validations_formulas(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INDEX_SHEET] + UNITS
    ws = wb[UNITS[0]]
    layout = layout_for("2021")
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    for spec in APPLICATION_ROWS["2021"]:
        assert spec.label in texts
    assert {APPLICATIONS_CORNER, "申请人情况", "法人或其他组织", *PARTS[:4]} <= texts
    assert {group.label for group in REVIEW_GROUPS} <= texts
    merged = {str(r) for r in ws.merged_cells.ranges}
    corner = next(c for row in ws.iter_rows() for c in row if c.value == APPLICATIONS_CORNER)
    assert f"{corner.coordinate}:C{corner.row + 2}" in merged  # 3 columns × 3 rows, as on the form
    results = next(c for row in ws.iter_rows() for c in row if c.value == "三、本年度办理结果")
    assert f"A{results.row}:A{results.row + 21}" in merged  # rowspan 22 in the 2021 format
    assert ws[layout.cells["agency"].coord].value == UNITS[0]
    # inputs: whole numbers ≥ 0 enforced, unlocked on a protected sheet
    new0 = layout.cells["applications.new[0]"].coord
    rules = [dv for dv in ws.data_validations.dataValidation if new0 in dv.sqref]
    assert [(dv.type, dv.operator, dv.formula1) for dv in rules] == [("whole", "greaterThanOrEqual", "0")]
    assert ws.protection.sheet and ws[new0].protection.locked is False
    total = layout.totals["applications.new[6]"]
    assert ws[total.coord].value == f"=SUM({new0}:{layout.cells['applications.new[5]'].coord})"
    # the 勾稽关系 cells: a formula and a red conditional format on each of the seven columns
    formatted = {str(rng.sqref) for rng in ws.conditional_formatting}
    for check in layout.checks:
        assert ws[check.coord].value.startswith("=IF(") and check.coord in formatted
        assert evaluate(ws, check.coord) == "相符"
    ws[new0] = 3  # a clerk's slip: three new applications, no result
    assert evaluate(ws, layout.checks[0].coord) == "不符" and evaluate(ws, layout.checks[6].coord) == "不符"
    assert evaluate(ws, layout.checks[1].coord) == "相符"


def test_workbook_to_yaml_to_report_round_trips_the_numbers(runner, template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    layout = layout_for("2021")
    ws = wb[UNITS[0]]
    for check in layout.checks:
        assert evaluate(ws, check.coord) == "相符"
    wb.save(template)

    out = tmp_path / "yaml"
    result = runner.invoke(app, ["import", str(template), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{UNITS[0]}.yaml"]  # blank sheets are not imported
    loaded = load(out / f"{UNITS[0]}.yaml")
    report = loaded.report
    assert report is not None, [f.format() for f in loaded.findings]
    assert (report.year, report.agency, report.kind, report.date) == (
        2025,
        UNITS[0],
        "government",
        dt.date(2026, 1, 20),
    )
    assert report.text.problems == "一是公开不够及时。\n\n二是解读形式单一。"
    assert report.text.overview.requests == "requests：第一段。\n\n第二段，工作考核、社会评议和责任追究。"

    rendered = tmp_path / "rendered"
    result = runner.invoke(app, ["render", str(out / f"{UNITS[0]}.yaml"), "-o", str(rendered), "--to", "html,docx"])
    assert result.exit_code == 0, result.output
    tables = html_tables((rendered / f"{UNITS[0]}.html").read_bytes())
    cells = {c["key"]: c["text"] for table in tables.values() for row in table for c in row if c.get("key")}
    for key, typed in FILLED.items():
        if key.startswith(("applications", "reviews", "active")):
            assert cells[key] == str(typed), key
    assert cells["applications.new[6]"] == "9" and cells["applications.total[6]"] == "9"
    assert cells["reviews.litigation_direct[4]"] == "2"
    document = docx_document((rendered / f"{UNITS[0]}.docx").read_bytes())
    docx_numbers = [cell.text for cell in document.tables[1].rows[3].cells][3:]
    assert docx_numbers == ["7", "2", "0", "0", "0", "0", "9"]


def test_batch_reads_the_workbook_directly(runner, template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    fill(wb[UNITS[2]], dict(FILLED, **{"applications.carried_forward[0]": 4}))  # 一+二 ≠ （七）+四
    del wb[UNITS[1]]  # listed in 填写说明, but gone
    wb.save(template)
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(template), "-o", str(out), "--jobs", "2", "--to", "html"])
    assert result.exit_code == 1
    assert (out / f"{UNITS[0]}.html").exists() and not (out / f"{UNITS[2]}.html").exists()
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig")
    check_cell = layout_for("2021").checks[0].coord
    assert f"collect.xlsx:{UNITS[2]}!{check_cell}" in summary and "T3-BALANCE" in summary
    missing = [line for line in summary.splitlines() if line.startswith(UNITS[1])]
    assert len(missing) == 1 and ",failed," in missing[0] and f"collect.xlsx:{INDEX_SHEET}!C" in summary


def test_bad_workbook_gives_located_errors(runner, template, tmp_path):
    wb = openpyxl.load_workbook(template)
    layout = layout_for("2021")
    first, second = wb[UNITS[0]], wb[UNITS[1]]
    fill(first)
    new1, new2 = layout.cells["applications.new[1]"].coord, layout.cells["applications.new[2]"].coord
    first[new1] = "三"
    first[new2] = -2
    fill(second)
    problems = layout.cells["text.problems"]
    second.unmerge_cells(problems.range)
    spill = f"D{problems.row}"
    second[spill] = "写在拆开的格子里的文字"
    total = layout.totals["applications.disclosed[6]"].coord
    second[total] = 99  # a total typed over its formula is kept and checked
    del wb[UNITS[2]]
    wb.save(template)

    out = tmp_path / "yaml"
    result = runner.invoke(app, ["import", str(template), "-o", str(out)])
    assert result.exit_code == 1
    text = result.output
    assert f"collect.xlsx:{UNITS[0]}!{new1}" in text and "应为整数，而不是“三”" in text
    assert f"collect.xlsx:{UNITS[0]}!{new2}" in text and "不能为负数" in text
    assert f"collect.xlsx:{UNITS[1]}!{spill}" in text and problems.range in text
    assert f"collect.xlsx:{INDEX_SHEET}!C" in text and UNITS[2] in text
    assert "Traceback" not in text
    assert not out.exists() or not list(out.iterdir())

    # the broken merge repaired: the typed-over total is now what is wrong, at its own cell
    wb = openpyxl.load_workbook(template)
    second = wb[UNITS[1]]
    second[spill] = None
    second.merge_cells(problems.range)
    wb.save(template)
    result = runner.invoke(app, ["import", str(template), "-o", str(out)])
    assert f"collect.xlsx:{UNITS[1]}!{total}" in result.output and "T3-ROW-TOTAL" in result.output


def test_unreadable_workbook(runner, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    result = runner.invoke(app, ["import", str(fake), "-o", str(tmp_path / "y")])
    assert result.exit_code == 1 and "不是可读取的 Excel 工作簿" in result.output
    result = runner.invoke(app, ["batch", str(fake), "-o", str(tmp_path / "o"), "--to", "html"])
    assert result.exit_code == 1
    assert "不是可读取的 Excel 工作簿" in (tmp_path / "o" / "summary.csv").read_text(encoding="utf-8-sig")


def test_2019_template_round_trip(runner, tmp_path):
    path = tmp_path / "c2019.xlsx"
    assert runner.invoke(app, ["xlsx-template", "-o", str(path), "--year", "2020"]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    layout = layout_for("2019")
    ws[layout.cells["agency"].coord] = "某乡人民政府"
    ws[layout.cells["date"].coord] = dt.date(2021, 1, 25)
    for aspect in ("active", "requests", "management", "platforms", "oversight"):
        ws[layout.cells[f"text.overview.{aspect}"].coord] = "工作考核、社会评议和责任追究。"
    ws[layout.cells["text.problems"].coord] = "问题。"
    ws[layout.cells["text.other"].coord] = "无其他事项。"
    ws[layout.cells["active.licensing.change"].coord] = -3
    ws[layout.cells["active.procurement.amount"].coord] = 12.5
    ws[layout.cells["applications.other[0]"].coord] = 2
    ws[layout.cells["applications.new[0]"].coord] = 2
    wb.save(path)
    out = tmp_path / "y"
    result = runner.invoke(app, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = load(next(out.iterdir())).report
    assert report.format == "2019" and report.active.licensing.change == -3
    assert str(report.active.procurement.amount) == "12.5" and report.applications.other == [2, 0, 0, 0, 0, 0]
