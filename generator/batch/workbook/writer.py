"""Writing the collection workbook (`govreport xlsx-template`): the 填写说明 sheet with the list of units, and one
sheet per unit laid out by layout.py — merged cells, exact labels, inputs limited to whole numbers ≥ 0, totals as
formulas, a 勾稽关系 cell per column that turns red, sheet protection without a password.

Plain openpyxl features only (merges, data validation, formula conditional formatting, sheet protection), so the
workbook works the same in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from ...model.forms import APPLICATION_ROWS, KINDS, format_for_year
from ...readers.workbook.layout import BLANK_SHEET, INDEX_SHEET, LAST_COLUMN, NOTICES, Layout, column_letter, layout_for

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
    blue = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    return {
        "title": (Font(bold=True, size=16), None, centre, None),
        "note": (Font(size=9, color="595959"), None, left, None),
        "heading": (Font(bold=True, size=12), None, left, None),
        "label": (Font(size=10), grey, left, box),
        "header": (Font(size=10, bold=True), blue, centre, box),
        "input": (Font(size=11), None, centre, box),
        "text": (Font(size=11), None, top_left, box),
        "total": (Font(size=11, bold=True), grey, centre, box),
        "check": (Font(size=10, bold=True), grey, centre, box),
    }


def _validations(ws):
    from openpyxl.worksheet.datavalidation import DataValidation

    def rule(**kwargs) -> DataValidation:
        dv = DataValidation(allow_blank=False, showErrorMessage=True, showInputMessage=False, **kwargs)
        ws.add_data_validation(dv)
        return dv

    return {
        "count": rule(type="whole", operator="greaterThanOrEqual", formula1="0", errorTitle="只能填整数",
                      error="请填写 0 或正整数（件数）；没有就填 0。"),
        "signed": rule(type="whole", operator="between", formula1="-100000000", formula2="100000000",
                       errorTitle="只能填整数", error="请填写整数（本年增/减可为负数）。"),
        "money": rule(type="decimal", operator="greaterThanOrEqual", formula1="0", errorTitle="只能填数字",
                      error="请填写 0 或正数（单位见表头）。"),
        "year": rule(type="whole", operator="between", formula1="2008", formula2="2100", errorTitle="年度",
                     error="请填写四位数的年度，如 2025。"),
        "kind": rule(type="list", formula1='"' + ",".join(KINDS.values()) + '"', errorTitle="机关类型",
                     error="请从下拉列表中选择。"),
        "date": rule(type="date", operator="greaterThan", formula1="36526", errorTitle="日期",
                     error="请填写日期，如 2026-01-20。"),
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel, WPS and LibreOffice may take as a formula (OWASP)


def put_text(cell, value: Any) -> None:
    """Write a value; text always as text, never as a formula, whatever it starts with. openpyxl would store text
    beginning with = as a formula, which Excel and WPS then run (=HYPERLINK(…), =WEBSERVICE(…)). Text that starts
    like a formula also gets Excel's “quote prefix”, so it stays text when the cell is edited — shown and read back
    exactly as written, without an added apostrophe."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _write_sheet(ws, layout: Layout, agency: str, year: int, kind: str) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.protection import SheetProtection

    styles = _styles()
    checks = _validations(ws)
    unlocked = Protection(locked=False)
    widths = {1: 7, 2: 16, 3: 44}
    for col in range(1, LAST_COLUMN + 1):
        ws.column_dimensions[column_letter(col)].width = widths.get(col, 10)
    values = {"agency": agency or None, "year": year, "kind": KINDS[kind]}
    for item in layout.items:
        style = "text" if item.kind == "text" else item.style
        font, fill, align, border = styles[style]
        for r in range(item.row, item.row + item.rows):  # borders and fills on every cell of a merged range
            for c in range(item.col, item.col + item.cols):
                cell = ws.cell(r, c)
                if border is not None:
                    cell.border = border
                if fill is not None:
                    cell.fill = fill
        if item.merged:
            ws.merge_cells(item.range)
        cell = ws.cell(item.row, item.col)
        cell.font, cell.alignment = font, align
        if item.height:
            ws.row_dimensions[item.row].height = item.height
        if item.style == "input":
            assert item.key is not None  # an input cell always has its key (Layout.add)
            put_text(cell, values.get(item.key, item.value))
            cell.protection = unlocked
            if item.kind in checks:
                checks[item.kind].add(item.coord)
            if item.kind in ("count", "signed"):
                cell.number_format = "0"
            elif item.kind == "money":
                cell.number_format = "0.######"
            elif item.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif item.kind in ("text", "line"):
                cell.number_format = "@"
        elif item.style not in ("total", "check"):
            put_text(cell, item.value)
    for key, item in layout.totals.items():
        ws[item.coord] = _total_formula(layout, key)
        ws[item.coord].number_format = "0"
    red = PatternFill("solid", start_color="FF6B6B", end_color="FF6B6B")
    for index, item in enumerate(layout.checks):
        new, carried, total, forward = (_col_cell(layout, key, index) for key in
                                        ("new", "carried_over", "total", "carried_forward"))
        ws[item.coord] = f'=IF({new}+{carried}={total}+{forward},"相符","不符")'
        ws.conditional_formatting.add(
            item.coord, FormulaRule(formula=[f"{new}+{carried}<>{total}+{forward}"], fill=red,
                                    font=Font(color="FFFFFF", bold=True))
        )
    ws.freeze_panes = "A4"
    ws.sheet_view.zoomScale = 90
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, formatCells=False,
                                    selectLockedCells=False, selectUnlockedCells=False)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _col_cell(layout: Layout, row_key: str, index: int) -> str:
    key = f"applications.{row_key}[{index}]"
    item = layout.cells.get(key) or layout.totals[key]
    return item.coord


def _total_formula(layout: Layout, key: str) -> str:
    match = cast(re.Match[str], re.fullmatch(r"(.+)\[(\d)\]", key))  # a total's key ends in its column: "…[6]"
    row_key, index = match.group(1), int(match.group(2))
    if row_key == "applications.total":
        results = [spec for spec in APPLICATION_ROWS[layout.fmt] if spec.kind == "result"]
        first = _col_cell(layout, results[0].key, index)
        last = _col_cell(layout, results[-1].key, index)
        return f"=SUM({first}:{last})"
    first = layout.cells[f"{row_key}[0]"].coord
    last = layout.cells[f"{row_key}[{index - 1}]"].coord
    return f"=SUM({first}:{last})"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unit_names(text: str, source: str) -> tuple[list[str], list[str]]:
    """The unit list (`--units`): one name a line, blank lines skipped, repeats kept once; and the problems, each
    located as `file:line`. A name must fit a cell of the 报告机关 field and hold no invisible control character (a
    worksheet cannot store one)."""
    from ...limits import MAX_FIELD_CHARS

    names: dict[str, None] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        name = line.strip()
        if not name:
            continue
        control = _CONTROL.search(name)
        if control:
            problems.append(f"{source}:{number}: 单位名称中有看不见的控制字符（U+{ord(control.group()):04X}），"
                            "多半是从别的软件复制来的，请删去")
        elif len(name) > MAX_FIELD_CHARS:
            problems.append(f"{source}:{number}: 单位名称过长（{len(name)} 个字符），上限为 {MAX_FIELD_CHARS}："
                            "每行应只写一个单位名称")
        else:
            names[name] = None
    return list(names), problems


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\) for a unit name."""
    base = _SHEET_NAME_BAD.sub("_", name).strip("'") or "单位"
    title, n = base[:31], 2
    while title.casefold() in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def write_template(
    path: Path, units: list[str], year: int, fmt: str | None = None, kind: str = "government"
) -> list[str]:
    """Write the collection workbook; returns the sheet names of the units (or of the one blank sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    from ...files import write_atomic

    fmt = fmt or format_for_year(year)
    layout = layout_for(fmt)
    wb = Workbook()
    index = wb.active
    assert isinstance(index, Worksheet)  # a new workbook's one sheet
    index.title = INDEX_SHEET
    put_text(index["A1"], f"{year}年政府信息公开工作年度报告 · 数据采集表（{NOTICES[fmt]}格式）")
    index["A1"].font = Font(bold=True, size=14)
    guide = [
        "1. 每个单位填写自己的工作表：白色格填写，灰色格（总计、勾稽关系）自动计算，不要改动。",
        "2. 没有的数填 0，不要填“/”“-”或留空；件数只能是 0 或正整数。",
        "3. “勾稽关系”一行显示“不符”并变红时，说明 一＋二 ≠（七）总计＋四，请核对后再提交。",
        "4. 文字分段：在单元格内换行（Excel、WPS：Alt+Enter；LibreOffice：Ctrl+Enter），每行作为一段。",
        f"5. 新增单位：复制“{BLANK_SHEET}”或任一单位的工作表"
        "（右键工作表标签 → 移动或复制 → 建立副本），改名为单位名称。",
        "6. 工作表已保护以免误改表格结构（无密码）；请勿插入、删除行列或拆分合并单元格。",
        "7. 汇总：govreport import 本文件.xlsx -o 目录（每个已填写的工作表导出一个 YAML），"
        "或 govreport batch 本文件.xlsx -o 输出目录（直接核对并生成报告）。",
    ]
    for number, line in enumerate(guide, 2):
        put_text(index.cell(number, 1), line)
    header_row = len(guide) + 3
    for col, label in enumerate(("序号", "单位", "工作表"), 1):
        put_text(index.cell(header_row, col), label)
    for letter in "ABC":
        index[f"{letter}{header_row}"].font = Font(bold=True)
    index.column_dimensions["A"].width = 8
    index.column_dimensions["B"].width = 40
    index.column_dimensions["C"].width = 34
    for cell in index["A"]:
        cell.alignment = Alignment(wrap_text=False)
    taken = {INDEX_SHEET.casefold()}
    names = []
    for number, unit in enumerate(units, 1):
        title = sheet_title(unit, taken)
        names.append(title)
        for col, value in enumerate((number, unit, title), 1):
            put_text(index.cell(header_row + number, col), value)
        _write_sheet(wb.create_sheet(title), layout, unit, year, kind)
    if not units:
        title = sheet_title(BLANK_SHEET, taken)
        names.append(title)
        _write_sheet(wb.create_sheet(title), layout, "", year, kind)
    wb.calculation.fullCalcOnLoad = True
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())
    return names

