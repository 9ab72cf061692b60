"""The collection workbook against what clerks and spreadsheets do to it: a cleared A2 note, figures far out of range,
text that a spreadsheet would run as a formula, unit lists with invisible characters, files that are not workbooks.
Every case is read correctly or refused with an error at its sheet and cell — never skipped without a word, never a
traceback, never a file written for a refused sheet."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from generator.batch.workbook import layout_for
from generator.readers.yaml import load
from test_workbook import UNITS, fill

ROOT = Path(__file__).resolve().parent.parent
GOVREPORT = [sys.executable, "-m", "generator"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LAYOUT = layout_for("2021")
HOSTILE = ['=HYPERLINK("http://example.com/x","点击查看")', "+1+2", "-2+3", "@SUM(1,2)", "\t=1+1", "=cmd|' /C calc'!A0"]


def govreport(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(GOVREPORT + [str(a) for a in args], capture_output=True, text=True, env=ENV, cwd=ROOT,
                          timeout=timeout)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


@pytest.fixture
def template(tmp_path) -> Path:
    units = tmp_path / "units.txt"
    units.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    path = tmp_path / "collect.xlsx"
    assert govreport("xlsx-template", "-o", path, "--units", units, "--year", "2025").returncode == 0
    return path


def _import(book: Path, out: Path) -> subprocess.CompletedProcess:
    return govreport("import", book, "-o", out)


# --- 2. a sheet whose A2 note was cleared ---------------------------------------------------------------------
def test_a_filled_sheet_without_its_a2_note_is_read_not_skipped(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    wb[UNITS[0]]["A2"] = None
    wb.save(template)
    done = _import(template, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{template.name}:{UNITS[0]}!A2: 警告" in done.stdout and "按表格内容认定为2021格式" in done.stdout
    assert "已导入 1 个单位" in done.stderr and "未填写而跳过 2 张" in done.stderr
    loaded = load(tmp_path / "out" / f"{UNITS[0]}.yaml")
    assert loaded.report is not None and loaded.report.active.licensing == 154


def test_a_filled_sheet_that_is_not_the_template_is_refused_at_a2(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    ws = wb[UNITS[0]]
    ws["A2"] = "我们的说明"
    for item in LAYOUT.labels:  # the clerk rebuilt the sheet: no label where the template put it
        ws.cell(item.row, item.col).value = None
    notes = wb.create_sheet("备注")  # and added a sheet of their own
    notes["B3"] = "本表由办公室填写"
    wb.create_sheet("空白")  # an empty sheet is nothing to import
    wb.save(template)
    done = _import(template, tmp_path / "out")
    assert done.returncode == 1
    assert f"{template.name}:{UNITS[0]}!A2: 错误 [XLSX] 此工作表不是可读取的采集表" in done.stdout
    assert f"{template.name}:备注!A2: 错误 [XLSX] 此工作表不是可读取的采集表" in done.stdout
    assert "Sheet9" not in done.stdout
    assert "有错误的工作表 2 张" in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_batch_lists_a_refused_sheet_as_failed(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    fill(wb[UNITS[1]])
    ws = wb[UNITS[1]]
    ws["A2"] = None
    for item in LAYOUT.labels:
        ws.cell(item.row, item.col).value = "改"
    wb.save(template)
    out = tmp_path / "out"
    done = govreport("batch", template, "-o", out, "--to", "html")
    assert done.returncode == 1
    rows = {row["单位"]: row for row in csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8-sig")))}
    assert rows[UNITS[0]]["status"] in ("ok", "warning") and (out / f"{UNITS[0]}.html").exists()
    assert rows[UNITS[1]]["status"] == "failed" and f"{UNITS[1]}!A2" in rows[UNITS[1]]["问题"]


# --- 5. figures out of range ----------------------------------------------------------------------------------
OUT_OF_RANGE = [  # (input key, what the clerk left in the cell, the message expected at that cell)
    ("active.licensing", 1e30, "数值过大（1e+30）：件数上限为 1,000,000,000（10亿）"),
    ("active.licensing", 1e300, "数值过大（1e+300）"),
    ("active.licensing", 1_000_000_001, "数值过大（1000000001）"),
    ("applications.new[0]", "1" * 5000, "数值过大（111111111111111111111111…（共5000个字符））"),
    ("active.licensing", 2.5, "应为整数，不能有小数（2.5）"),
    ("active.licensing", 3.0000001, "应为整数，不能有小数（3.0000001）"),
    ("active.fees", 1e13, "金额过大（10000000000000）：上限为 1,000,000,000,000"),
    ("active.fees", 1e-300, "小数位数过多（1e-300）：金额最多保留 6 位小数"),
    ("fee_notices.amount_sent", "0." + "0" * 40 + "1", "小数位数过多"),
    ("reviews.reconsideration[0]", -1e12, "数值过大"),
]


def test_figures_out_of_range_are_located_errors(tmp_path):
    """One sheet per case, one import: each sheet refused with one message at its cell, with the official row and
    column labels as every other cell error; nothing written."""
    from generator.model.labels import place

    names = [f"单位{number}" for number in range(len(OUT_OF_RANGE))]
    units = tmp_path / "units.txt"
    units.write_text("\n".join(names) + "\n", encoding="utf-8")
    book = tmp_path / "c.xlsx"
    assert govreport("xlsx-template", "-o", book, "--units", units, "--year", "2025").returncode == 0
    wb = openpyxl.load_workbook(book)
    for name, (key, value, _message) in zip(names, OUT_OF_RANGE):
        fill(wb[name])
        wb[name][LAYOUT.cells[key].coord] = value
    wb.save(book)
    done = _import(book, tmp_path / "out")
    assert done.returncode == 1
    assert f"有错误的工作表 {len(names)} 张" in done.stderr
    for name, (key, _value, message) in zip(names, OUT_OF_RANGE):
        coord = LAYOUT.cells[key].coord
        lines = [line for line in done.stdout.splitlines() if line.startswith(f"{book.name}:{name}!")]
        assert len(lines) == 1, (key, lines)  # one message for the cell, not the reader's and the model's
        assert lines[0].startswith(f"{book.name}:{name}!{coord}: 错误") and message in lines[0], lines[0]
        path = tuple(int(p) if p.isdigit() else p for p in key.replace("[", ".").replace("]", "").split("."))
        _part, row, column = place(path, "2021")
        assert row in lines[0] and (column is None or column in lines[0]), lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_largest_allowed_figures_are_kept_exactly(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    numbers = {"active.licensing": 1_000_000_000, "active.fees": 999_999_999_999.5, "fee_notices.sent": 0,
               "fee_notices.amount_sent": "0.000001"}
    fill(wb[UNITS[0]])
    for key, value in numbers.items():
        wb[UNITS[0]][LAYOUT.cells[key].coord] = value
    wb.save(template)
    done = _import(template, tmp_path / "out")
    assert done.returncode == 0, done.stdout
    report = load(tmp_path / "out" / f"{UNITS[0]}.yaml").report
    assert report.active.licensing == 1_000_000_000
    assert str(report.active.fees) == "999999999999.5" and str(report.fee_notices.amount_sent) == "0.000001"


# --- 4. text a spreadsheet would run as a formula ---------------------------------------------------------------
def test_formula_like_names_stay_text_in_the_workbook_the_yaml_and_summary_csv(tmp_path):
    units = tmp_path / "units.txt"
    units.write_text("\n".join(HOSTILE) + "\n", encoding="utf-8")
    book = tmp_path / "collect.xlsx"
    done = govreport("xlsx-template", "-o", book, "--units", units, "--year", "2025")
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(book)
    index = wb["填写说明"]
    listed = [row for row in index.iter_rows(min_row=1, max_col=3) if isinstance(row[0].value, int)]
    assert [row[1].value for row in listed] == [name.strip() for name in HOSTILE]
    for row in listed:
        assert row[1].data_type == "s" and row[2].data_type == "s"  # text, not formulas
    sheets = [wb[row[2].value] for row in listed]
    for ws, name in zip(sheets, HOSTILE):
        cell = ws[LAYOUT.cells["agency"].coord]
        assert cell.data_type == "s" and cell.value == name.strip() and cell.quotePrefix
    for ws in sheets:
        fill(ws)
    wb.save(book)
    out = tmp_path / "yaml"
    done = _import(book, out)
    assert done.returncode == 0, done.stdout + done.stderr
    agencies = sorted(load(path).report.agency for path in out.glob("*.yaml"))
    assert agencies == sorted(name.strip() for name in HOSTILE)  # the user's text, exactly
    site = tmp_path / "site"
    done = govreport("batch", book, "-o", site, "--to", "html")
    assert done.returncode == 0, done.stderr
    raw = (site / "summary.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert sorted(row["报告机关"] for row in rows) == sorted("'" + name.strip() for name in HOSTILE)
    assert all(row["年度"] == "2025" and row["错误数"] == "0" for row in rows)  # numbers stay numbers
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    if SOFFICE:  # what a spreadsheet makes of it: LibreOffice evaluates formulas in a CSV; none may remain
        converted = tmp_path / "converted"
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(converted),
                        str(site / "summary.csv")], check=True, capture_output=True, timeout=180)
        sheet = openpyxl.load_workbook(converted / "summary.xlsx").active
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert not [cell.value for cell in cells if cell.data_type == "f"]
        assert sheet["C2"].data_type == "n" and sheet["C2"].value == 2025


def test_summary_csv_cells(tmp_path):
    from generator.batch.summary import csv_cell

    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@A1") == "'@A1" and csv_cell("\r=1") == "'\r=1"
    assert csv_cell("+86 10 1234") == "'+86 10 1234" and csv_cell("-") == "'-"
    assert csv_cell(2025) == 2025 and csv_cell(-3) == -3 and csv_cell("-3") == "-3" and csv_cell("+2.5") == "+2.5"
    assert csv_cell("某镇人民政府") == "某镇人民政府" and csv_cell("") == ""


# --- the unit list and files that are not workbooks -------------------------------------------------------------
def test_unit_list_with_an_invisible_character_or_a_runaway_line(tmp_path):
    units = tmp_path / "units.txt"
    units.write_text("甲镇人民政府\n乙乡\x01人民政府\n\n" + "丙" * 600 + "\n", encoding="utf-8")
    book = tmp_path / "c.xlsx"
    done = govreport("xlsx-template", "-o", book, "--units", units)
    assert done.returncode == 1
    assert f"{units}:2: 单位名称中有看不见的控制字符（U+0001）" in done.stderr
    assert f"{units}:4: 单位名称过长（600 个字符）" in done.stderr
    assert not book.exists()


def test_a_fifo_named_like_a_workbook_is_refused_at_once(tmp_path):
    fifo = tmp_path / "collect.xlsx"
    os.mkfifo(fifo)
    done = govreport("import", fifo, "-o", tmp_path / "out", timeout=60)
    assert done.returncode == 1 and "不是普通文件" in done.stderr
    batch = govreport("batch", fifo, "-o", tmp_path / "site", timeout=60)
    assert batch.returncode == 1 and "不是普通文件" in (
        batch.stdout + batch.stderr + (tmp_path / "site" / "summary.csv").read_text("utf-8-sig")
    )


def test_a_workbook_that_unpacks_to_a_huge_sheet_is_refused_before_reading(template, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000, 1)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 1_000_000
    done = govreport("import", bomb, "-o", tmp_path / "out", timeout=60)
    assert done.returncode == 1
    assert "xl/worksheets/sheet2.xml 解压后有 30 MB，超过一张工作表 20 MB 的上限" in done.stderr
    assert not (tmp_path / "out").exists()
