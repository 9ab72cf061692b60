"""Collection workbooks: `xlsx-template` writes one sheet per unit with the official tables in their official layout
(merged cells, exact labels from forms.py, inputs limited to whole numbers ≥ 0, totals as formulas, a 勾稽关系 cell
per column that turns red), and `import` reads the filled sheets back into inputs, every error named by sheet and cell.

Plain openpyxl features only (merges, data validation, formula conditional formatting, sheet protection without a
password), so the workbook works the same in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..findings import Finding, Severity
from ..limits import MAX_AMOUNT, MAX_COUNT
from ..model.forms import (
    ACTIVE_BLOCKS,
    APPLICATION_ROWS,
    KEY_LABELS,
    KINDS,
    OVERVIEW_ASPECTS,
    PARTS,
)
from ..model.labels import place
from .sources import Unit, safe_stem

RULE = "XLSX"
INDEX_SHEET = "填写说明"
BLANK_SHEET = "空白表"
MARKER = "govreport 采集表（{fmt}格式）"
_MARKER = re.compile(r"govreport 采集表（(2021|2019)格式）")
_NOTICES = {"2021": "国办公开办函〔2021〕30号", "2019": "国办公开办函〔2019〕60号（试行）"}
LAST_COLUMN = 18  # R: table 四 has 15 number columns, placed in D:R
TEXT_RANGE = (3, 10)  # narrative and details in C:J
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all; the message is Chinese."""


# --- layout: where every input key stands; shared by the writer and the importer ------------------------------
@dataclass
class Item:
    """One (possibly merged) cell of the sheet."""

    row: int
    col: int
    value: Any = None
    style: str = "label"  # title | note | heading | label | header | input | total | check | text
    rows: int = 1
    cols: int = 1
    key: str | None = None  # input path (dotted, as Finding.key) for inputs and totals
    kind: str | None = None  # input kind: count | signed | money | year | kind | date | text | line | total
    height: float | None = None

    @property
    def coord(self) -> str:
        return f"{_letter(self.col)}{self.row}"

    @property
    def range(self) -> str:
        return f"{self.coord}:{_letter(self.col + self.cols - 1)}{self.row + self.rows - 1}"

    @property
    def merged(self) -> bool:
        return self.rows > 1 or self.cols > 1


@dataclass
class Layout:
    fmt: str
    items: list[Item] = field(default_factory=list)
    cells: dict[str, Item] = field(default_factory=dict)  # input key → item
    totals: dict[str, Item] = field(default_factory=dict)  # total key → item
    checks: list[Item] = field(default_factory=list)  # 勾稽关系 cells, one per column of table 三
    labels: list[Item] = field(default_factory=list)  # fixed wording, verified on import

    def add(self, item: Item) -> Item:
        self.items.append(item)
        if item.style == "input":
            self.cells[item.key] = item
        elif item.style == "total":
            self.totals[item.key] = item
        elif item.style == "check":
            self.checks.append(item)
        elif item.style in ("label", "header", "heading") and isinstance(item.value, str):
            self.labels.append(item)
        return item

    def cell_of(self, key: str | None) -> Item | None:
        """The cell an input path (or a finding's key) stands in; a group key gives its first cell."""
        if not key:
            return None
        if key in self.cells:
            return self.cells[key]
        if key in self.totals:
            return self.totals[key]
        balance = re.fullmatch(r"applications\[(\d)\]", key)
        if balance:
            return self.checks[int(balance.group(1))]
        for candidate in (key + "[0]", key + ".active"):
            if candidate in self.cells:
                return self.cells[candidate]
        prefix = re.sub(r"\[\d+\]$", "", key)
        for name, item in self.cells.items():
            if name.startswith(prefix + ".") or name.startswith(prefix + "["):
                return item
        return None


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _zero_report(fmt: str):
    from ..model.report import REPORT_CLASSES

    zero3 = {"issued": 0, "repealed": 0, "in_force": 0}
    if fmt == "2021":
        active = {"rules": zero3, "normative": zero3, "licensing": 0, "punishment": 0, "coercion": 0, "fees": 0}
    else:
        items = {"previous": 0, "change": 0, "decisions": 0}
        docs = {"made": 0, "published": 0, "total": 0}
        active = {"rules": docs, "normative": docs, "licensing": items, "other_services": items, "punishment": items,
                  "coercion": items, "fees": {"previous": 0, "change": 0}, "procurement": {"projects": 0, "amount": 0}}
    data = {"format": fmt, "year": 2021 if fmt == "2021" else 2020, "agency": "-", "kind": "government",
            "date": dt.date(2022, 1, 1), "text": {"overview": "-", "problems": "-", "other": "-"}, "active": active}
    return REPORT_CLASSES[fmt].model_validate(data)


def _active_kinds(fmt: str) -> dict[str, str]:
    kinds = {}
    for block in ACTIVE_BLOCKS[fmt]:
        for key, _label in block.rows:
            for column in block.columns:
                name = f"active.{key}" + (f".{column.field}" if column.field else "")
                kinds[name] = "money" if column.decimal else ("signed" if column.signed else "count")
    return kinds


def _is_total_key(key: str) -> bool:
    return (
        key.startswith("applications.total[")
        or (key.startswith("applications.") and key.endswith("[6]"))
        or (key.startswith("reviews.") and key.endswith("[4]"))
    )


def _place_table(layout: Layout, table, top: int, starts: list[int], widths: list[int]) -> int:
    """Put a document Table on the sheet from row `top`; logical column i covers `widths[i]` sheet columns."""
    kinds = _active_kinds(layout.fmt)
    for r, slots in enumerate(table.grid()):
        for c, (cell, origin_row, origin_col) in enumerate(slots):
            if not (origin_row and origin_col):
                continue
            first, last = starts[c], starts[c + cell.colspan - 1] + widths[c + cell.colspan - 1] - 1
            item = Item(top + r, first, cell.text, "header" if cell.header else "label", cell.rowspan, last - first + 1)
            if cell.key:
                if _is_total_key(cell.key):
                    item = replace(item, value=None, style="total", key=cell.key, kind="total")
                else:
                    item = replace(item, value=0, style="input", key=cell.key, kind=kinds.get(cell.key, "count"))
            layout.add(item)
    return top + len(table.rows)


@lru_cache(maxsize=None)
def layout_for(fmt: str) -> Layout:
    from ..document.build import active_table, applications_table_node, reviews_table_node

    layout = Layout(fmt)
    add = layout.add
    t0, t1 = TEXT_RANGE
    add(Item(1, 1, "政府信息公开工作年度报告 · 数据采集表", "title", cols=LAST_COLUMN, height=30))
    add(Item(2, 1, MARKER.format(fmt=fmt) + f"：按{_NOTICES[fmt]}的表格格式。白色格填写，灰色格自动计算；"
             "没有的数填 0；文字中分段请在单元格内换行（Excel、WPS：Alt+Enter；LibreOffice：Ctrl+Enter）。"
             "请勿插入、删除行列或拆分合并单元格。", "note", cols=LAST_COLUMN, height=36))
    row = 4
    add(Item(row, 1, "基本信息", "heading", cols=LAST_COLUMN))
    details = [
        ("agency", "报告机关", "line"),
        ("year", "报告年度", "year"),
        ("kind", "机关类型", "kind"),
        ("issuer", "落款机关（可选，默认同报告机关）", "line"),
        ("date", "发布日期（落款日期）", "date"),
        ("contact.phone", "联系电话（可选）", "line"),
        ("contact.address", "联系地址（可选）", "line"),
        ("contact.email", "电子邮箱（可选）", "line"),
        ("contact.website", "网址（可选）", "line"),
    ]
    for key, label, kind in details:
        row += 1
        add(Item(row, 1, label, "label", cols=2))
        add(Item(row, t0, None, "input", cols=t1 - t0 + 1, key=key, kind=kind))
    row += 2
    add(Item(row, 1, "前言（可选，不填则用模板的标准前言）", "label", cols=2, height=60))
    add(Item(row, t0, None, "input", cols=t1 - t0 + 1, key="text.preface", kind="text", height=60))
    row += 2
    add(Item(row, 1, PARTS[0], "heading", cols=LAST_COLUMN))
    for aspect in OVERVIEW_ASPECTS:
        row += 1
        add(Item(row, 1, KEY_LABELS[f"text.overview.{aspect}"], "label", cols=2, height=110))
        add(Item(row, t0, None, "input", cols=t1 - t0 + 1, key=f"text.overview.{aspect}", kind="text", height=110))
    report = _zero_report(fmt)
    row += 2
    add(Item(row, 1, PARTS[1], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, active_table(report, 12), row + 1, [1, 4, 5, 6], [3, 1, 1, 1])
    row += 1
    add(Item(row, 1, PARTS[2], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, applications_table_node(report, 10.5), row + 1, list(range(1, 11)), [1] * 10)
    add(Item(row, 1, "勾稽关系：一＋二＝（七）总计＋四", "label", cols=3))
    for index in range(7):
        add(Item(row, 4 + index, None, "check", key=f"applications[{index}]"))
    row += 2
    add(Item(row, 1, PARTS[3], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, reviews_table_node(report, 12), row + 1, list(range(4, 19)), [1] * 15)
    row += 1
    add(Item(row, 1, PARTS[4], "heading", cols=LAST_COLUMN))
    row += 1
    add(Item(row, 1, "（含上年度问题的改进情况）", "label", cols=2, height=110))
    add(Item(row, t0, None, "input", cols=t1 - t0 + 1, key="text.problems", kind="text", height=110))
    row += 2
    add(Item(row, 1, PARTS[5], "heading", cols=LAST_COLUMN))
    row += 1
    add(Item(row, 1, "（如人大代表建议和政协提案办理、年度政务公开工作要点落实情况）", "label", cols=2, height=90))
    add(Item(row, t0, None, "input", cols=t1 - t0 + 1, key="text.other", kind="text", height=90))
    if fmt == "2021":
        for name in ("sent", "amount_sent", "collected"):
            row += 1
            add(Item(row, 1, f"信息处理费 · {KEY_LABELS[f'fee_notices.{name}']}", "label", cols=3))
            add(Item(row, 4, 0, "input", key=f"fee_notices.{name}", kind="count" if name == "sent" else "money"))
    return layout


# --- writing the template -------------------------------------------------------------------------------------
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
        ws.column_dimensions[_letter(col)].width = widths.get(col, 10)
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
    match = re.fullmatch(r"(.+)\[(\d)\]", key)
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
    from ..limits import MAX_FIELD_CHARS

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


def write_template(path: Path, units: list[str], year: int, fmt: str | None = None, kind: str = "government") -> list[str]:
    """Write the collection workbook; returns the sheet names of the units (or of the one blank sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..writers import write_atomic

    fmt = fmt or ("2021" if year >= 2021 else "2019")
    layout = layout_for(fmt)
    wb = Workbook()
    index = wb.active
    index.title = INDEX_SHEET
    put_text(index["A1"], f"{year}年政府信息公开工作年度报告 · 数据采集表（{_NOTICES[fmt]}格式）")
    index["A1"].font = Font(bold=True, size=14)
    guide = [
        "1. 每个单位填写自己的工作表：白色格填写，灰色格（总计、勾稽关系）自动计算，不要改动。",
        "2. 没有的数填 0，不要填“/”“-”或留空；件数只能是 0 或正整数。",
        "3. “勾稽关系”一行显示“不符”并变红时，说明 一＋二 ≠（七）总计＋四，请核对后再提交。",
        "4. 文字分段：在单元格内换行（Excel、WPS：Alt+Enter；LibreOffice：Ctrl+Enter），每行作为一段。",
        f"5. 新增单位：复制“{BLANK_SHEET}”或任一单位的工作表（右键工作表标签 → 移动或复制 → 建立副本），改名为单位名称。",
        "6. 工作表已保护以免误改表格结构（无密码）；请勿插入、删除行列或拆分合并单元格。",
        "7. 汇总：govreport import 本文件.xlsx -o 目录（每个已填写的工作表导出一个 YAML），"
        "或 govreport batch 本文件.xlsx -o 输出目录（直接核对并生成报告）。",
    ]
    for number, line in enumerate(guide, 2):
        put_text(index.cell(number, 1), line)
    header_row = len(guide) + 3
    for col, label in enumerate(("序号", "单位", "工作表"), 1):
        put_text(index.cell(header_row, col), label)
    for col in "ABC":
        index[f"{col}{header_row}"].font = Font(bold=True)
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


# --- reading filled sheets ------------------------------------------------------------------------------------
@dataclass
class SheetImport:
    sheet: str
    stem: str
    display: str
    fmt: str | None = None
    data: dict | None = None
    text: str | None = None  # the YAML, when the sheet has no errors
    findings: list[Finding] = field(default_factory=list)
    filled: bool = True

    @property
    def ok(self) -> bool:
        return self.text is not None


def _finding(message: str, display: str, coord: str | None, key: str | None = None, fmt: str = "2021",
             severity: Severity = Severity.ERROR) -> Finding:
    part = row = column = None
    if key:
        path = tuple(int(p) if p.isdigit() else p for p in re.split(r"\.|\[|\]", key) if p)
        part, row, column = place(path, fmt)
    return Finding(rule=RULE, severity=severity, message=message, file=f"{display}!{coord}" if coord else display,
                   part=part, row=row, column=column, key=key)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_PLAIN_NUMBER = re.compile(r"([+-]?\d+)(?:\.(\d+))?")  # a number typed as text ('5, 1,234, 2.75)
MONEY_PLACES = 6  # the template shows amounts with up to six decimals ("0.######"); more would be published unseen


class CellProblem(Exception):
    """A cell's value cannot be read as what its place asks for; the message is Chinese (reported at the cell)."""


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, float) else str(value)
    return text if len(text) <= 24 else f"{text[:24]}…（共{len(text)}个字符）"


def _bounded(value: Any, kind: str, typed: Any) -> Any:
    """Counts within ±MAX_COUNT, amounts within MAX_AMOUNT and six decimals; `typed` is what the cell showed."""
    if kind == "money":
        if value > MAX_AMOUNT:
            raise CellProblem(f"金额过大（{_shown(typed)}）：上限为 {MAX_AMOUNT:,}，请检查是否多打了数字")
        if isinstance(value, Decimal) and value.as_tuple().exponent < -MONEY_PLACES:
            raise CellProblem(f"小数位数过多（{_shown(typed)}）：金额最多保留 {MONEY_PLACES} 位小数（采集表也只显示 "
                              f"{MONEY_PLACES} 位，多出的位数看不见却会写进报告）")
        return value
    if abs(value) > MAX_COUNT:
        if kind == "signed" and value < 0:
            raise CellProblem(f"减少的数目过大（{_shown(typed)}）：最多减少 {MAX_COUNT:,}，请检查是否多打了数字")
        raise CellProblem(f"数值过大（{_shown(typed)}）：件数上限为 {MAX_COUNT:,}（10亿），请检查是否多打了数字")
    return value


def _number(value: Any, kind: str) -> Any:
    """A cell's value for a number key: whole numbers as int, amounts as Decimal, each within its bounds (else
    CellProblem); anything else (text, a decimal where a count belongs, a date, TRUE) as typed, so the model's
    message says what is wrong with it. Nothing is rounded: 2.5 in a count cell is an error, not 2 or 3."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem(f"不是有效的数字（{value!r}）")
        if kind != "money" and abs(value) > MAX_COUNT:
            return _bounded(value, kind, value)  # raises: 1e30 must not become 1000000000000000019884624838656
        if kind != "money" and value.is_integer():
            return _bounded(int(value), kind, value)
        return _bounded(Decimal(repr(value)), kind, value)
    if isinstance(value, int):
        return _bounded(value, kind, value)
    if isinstance(value, str):
        typed = value.strip()
        match = _PLAIN_NUMBER.fullmatch(typed.replace(",", ""))
        if match is None:
            return typed
        whole, places = match.group(1), match.group(2)
        if len(whole) > 30:  # more digits than any count or amount may have: not turned into a number at all
            return _bounded(Decimal(-(10**31) if whole.startswith("-") else 10**31), kind, typed)
        if places is None:
            return _bounded(int(whole), kind, typed)
        if len(places) > 30:
            if kind == "money":
                return _bounded(Decimal("1e-31"), kind, typed)
            return typed
        number = Decimal(f"{whole}.{places}")
        return _bounded(number, kind, typed) if kind == "money" else number
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return str(value)
    return value if value is None else str(value)


def _cell(ws, coord: str) -> Any:
    """A cell's value as plain data: an array formula as its text (openpyxl gives an object for it)."""
    value = ws[coord].value
    if value is None or isinstance(value, (str, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return str(value)


def _paragraphs(value: Any) -> str:
    """A narrative cell → text with a blank line between paragraphs (one paragraph per line of the cell)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line.strip())


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    if isinstance(value, str):
        return value.strip()
    return value


def _set(data: dict, key: str, value: Any) -> None:
    parts = [int(p) if p.isdigit() else p for p in re.split(r"\.|\[|\]", key) if p]
    node = data
    for name, following in zip(parts, parts[1:]):
        if isinstance(following, int):
            node = node.setdefault(name, [])
        else:
            node = node.setdefault(name, {})
    last = parts[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _structure(ws, layout: Layout, display: str) -> list[Finding]:
    """Wording moved (rows or columns inserted or deleted) or merged cells broken in a way that would lose input."""
    problems: list[Finding] = []
    for item in layout.labels:
        actual = ws.cell(item.row, item.col).value
        if str(actual or "").strip() != str(item.value).strip():
            problems.append(_finding(
                f"表格结构被改动：此格应为“{item.value}”，现为“{actual or '（空）'}”。请勿插入或删除行列；"
                f"可复制“{BLANK_SHEET}”重新填写", display, item.coord, fmt=layout.fmt))
            return problems  # everything below would be misread
    merged = {str(r) for r in ws.merged_cells.ranges}
    for item in layout.items:
        if item.merged and item.range not in merged:
            for r in range(item.row, item.row + item.rows):
                for c in range(item.col, item.col + item.cols):
                    if (r, c) != (item.row, item.col) and not _blank(ws.cell(r, c).value):
                        coord = f"{_letter(c)}{r}"
                        problems.append(_finding(
                            f"合并单元格 {item.range} 已被拆分，{coord} 中的内容不会被读取：请把内容移到 {item.coord}，"
                            f"再恢复合并", display, coord, item.key, layout.fmt))
    inputs = {(item.row, item.col): item for item in layout.cells.values()}
    for rng in ws.merged_cells.ranges:
        if str(rng) in {item.range for item in layout.items if item.merged}:
            continue
        for (r, c), item in inputs.items():
            inside = rng.min_row <= r <= rng.max_row and rng.min_col <= c <= rng.max_col
            if inside and (r, c) != (rng.min_row, rng.min_col):
                problems.append(_finding(f"此格被合并进 {rng}，无法读取：请取消该合并", display, item.coord, item.key,
                                         layout.fmt))
    return problems


def _filled(ws, layout: Layout) -> bool:
    for key, item in layout.cells.items():
        value = _cell(ws, item.coord)
        if item.kind in ("text", "date") and not _blank(value):
            return True
        if item.kind in ("count", "signed", "money") and not (_blank(value) or (type(value) in (int, float) and value == 0)):
            return True
    return False


def _contents(ws) -> dict[tuple[int, int], Any]:
    """The cells that hold something, by (row, column), without creating the empty ones (iter_rows would, for every
    cell of the used range: a sheet formatted down to row 1,048,576 would take minutes)."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # pragma: no cover - another openpyxl
        return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if not _blank(c.value)}
    return {key: cell.value for key, cell in list(cells.items()) if not _blank(cell.value)}


def _recognise(ws) -> str | None:
    """The template format a sheet without its A2 note still has: the one whose fixed wording stands where the
    template put it (at least half of it; `_structure` then names any label that moved)."""
    best, best_score = None, 0.0
    for fmt in _NOTICES:
        labels = layout_for(fmt).labels
        same = sum(1 for item in labels if str(ws.cell(item.row, item.col).value or "").strip() == str(item.value).strip())
        score = same / len(labels)
        if score > best_score:
            best, best_score = fmt, score
        elif score == best_score:
            best = None  # as much like one format as the other: cannot tell
    return best if best_score >= 0.5 else None


def _is_index(ws) -> bool:
    """A renamed 填写说明 sheet: it has the list's header row."""
    for (row, col), value in _contents(ws).items():
        if col == 1 and value == "序号" and ws.cell(row, 2).value == "单位" and ws.cell(row, 3).value == "工作表":
            return True
    return False


def read_sheet(ws, book_name: str, check: bool = True) -> SheetImport:
    """One sheet → input data, its YAML text (when nothing is wrong) and located findings.

    A sheet is skipped (not `filled`) only when nothing in it was filled in. A sheet whose A2 note was cleared is read
    all the same when its tables are the template's (with a warning at A2), and refused with an error at A2 when they
    are not and it holds anything: a filled sheet is never skipped without a word."""
    from ..checks import check as run_checks
    from ..model import validate
    from ..model.source import Source
    from .yamlout import dump_input

    display = f"{book_name}:{ws.title}"
    result = SheetImport(sheet=ws.title, stem=safe_stem(ws.title), display=display)
    marker = _MARKER.search(str(_cell(ws, "A2") or ""))
    if marker is not None:
        fmt = marker.group(1)
    else:
        fmt = _recognise(ws)
        if fmt is None:
            if not _contents(ws) or _is_index(ws):
                result.filled = False  # an empty sheet, or the list of units under another name
                return result
            result.findings.append(_finding(
                "此工作表不是可读取的采集表（A2 格的说明不见了，表格也与采集表的格式不符），未导入：如是单位填写的数据，"
                f"请复制“{BLANK_SHEET}”重新填写；如不是，请删去此工作表", display, "A2"))
            return result
        result.findings.append(_finding(
            f"A2 格的说明被清除或改动了；按表格内容认定为{fmt}格式的采集表读取。请勿改动 A2 格", display, "A2",
            severity=Severity.WARNING))
    result.fmt = fmt
    layout = layout_for(fmt)
    result.findings += _structure(ws, layout, display)
    if any(f.is_error for f in result.findings):
        return result
    if not _filled(ws, layout):
        result.filled = False
        return result
    data: dict = {"format": fmt}
    bad: dict[str, Finding] = {}  # cells the reader itself refuses (numbers out of bounds), by input key

    def number(key: str, item: Item, kind: str, value: Any) -> Any:
        try:
            return _number(value, kind)
        except CellProblem as exc:
            bad[key] = _finding(str(exc), display, item.coord, key, fmt)
            return _shown(value)

    kinds_back = {label: key for key, label in KINDS.items()}
    for key, item in layout.cells.items():
        value = _cell(ws, item.coord)
        if item.kind in ("count", "signed", "money"):
            _set(data, key, None if _blank(value) else number(key, item, item.kind, value))
        elif item.kind == "text":
            if key == "text.preface" and _blank(value):
                continue
            _set(data, key, _paragraphs(value))
        elif item.kind == "date":
            if not _blank(value):
                _set(data, key, _date(value))
        elif item.kind == "kind":
            if not _blank(value):
                _set(data, key, kinds_back.get(str(value).strip(), str(value).strip()))
        elif item.kind == "year":
            if not _blank(value):
                _set(data, key, _year(value))
        elif not _blank(value):  # one-line text
            _set(data, key, str(value).strip() if not isinstance(value, (int, float)) else str(value))
    _given_totals(ws, layout, data, number)
    result.data = data
    loaded = validate(Source(path=None, data=data, lines={}), display)
    findings = list(loaded.findings)
    if loaded.report is not None and check:
        findings = run_checks(loaded)
    findings = [f for f in findings if f.key not in bad]  # the reader's own message stands for those cells
    result.findings += list(bad.values()) + [locate(f, layout, display) for f in findings]
    if loaded.report is not None and not any(f.is_error for f in result.findings):
        header = [f"由采集表 {book_name} 的工作表“{ws.title}”导入（govreport import）",
                  "请在采集表中修改后重新导入，或直接修改本文件。"]
        result.text = dump_input(data, header)
    return result


def _year(value: Any) -> Any:
    """The year cell: a whole number as int; anything else as typed, for the model's message (never a 300-digit
    int made from 1e300)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**6:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
        return int(value)
    return value if isinstance(value, bool) else (repr(value) if isinstance(value, float) else str(value))


def _given_totals(ws, layout: Layout, data: dict, number) -> None:
    """A total cell whose formula was overwritten with a number: keep that number as the given total, so the check
    compares it with the rows (nothing the clerk typed is dropped)."""
    typed: dict[str, Any] = {}
    for key, item in layout.totals.items():
        value = _cell(ws, item.coord)
        if isinstance(value, str) and value.startswith("="):
            continue
        if _blank(value):
            continue
        typed[key] = number(key, item, "count", value)
    for key, value in typed.items():
        row_key, index = re.fullmatch(r"(.+)\[(\d)\]", key).groups()
        if row_key == "applications.total":
            continue
        path = [p for p in row_key.split(".")]
        node = data
        for name in path:
            node = node[name]
        node.append(value)
    total_typed = {int(re.search(r"\[(\d)\]", k).group(1)): v for k, v in typed.items()
                   if k.startswith("applications.total[")}
    if total_typed:
        results = [spec for spec in APPLICATION_ROWS[layout.fmt] if spec.kind == "result"]
        row = []
        for index in range(7):
            if index in total_typed:
                row.append(total_typed[index])
                continue
            try:
                row.append(sum(_row_of(data, spec.path)[index] if index < 6 else sum(_row_of(data, spec.path)[:6])
                               for spec in results))
            except TypeError:  # a bad cell elsewhere; its own error is reported
                row.append(0)
        data["applications"]["total"] = row


def _row_of(data: dict, path: tuple[str, ...]) -> list:
    node = data["applications"]
    for name in path:
        node = node[name]
    return node


def locate(finding: Finding, layout: Layout, display: str) -> Finding:
    """A finding about an imported sheet, placed on the sheet's cell instead of a YAML line."""
    item = layout.cell_of(finding.key)
    where = f"{display}!{item.coord}" if item else display
    return replace(finding, file=where, line=None)


def locate_findings(findings: list[dict], unit: Unit) -> list[dict]:
    """The batch worker's findings (dicts) for a unit imported from a workbook, placed on its cells."""
    if unit.form is None:
        return findings
    layout = layout_for(unit.form)
    out = []
    for data in findings:
        item = layout.cell_of(data.get("key"))
        data = dict(data)
        data["file"] = f"{unit.display}!{item.coord}" if item else unit.display
        data["line"] = None
        out.append(data)
    return out


def _short(text: str, size: int = 200) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _readable(path: Path) -> None:
    """Refuse before openpyxl reads anything: what is not a regular file (a FIFO would block the read forever), and
    a workbook whose parts unpack to more than the limits (a “zip bomb”, or a sheet formatted down to its last row).
    The sizes are those the zip file declares; Python's zipfile never unpacks a part beyond its declared size."""
    import stat
    import zipfile

    from ..limits import MAX_WORKBOOK_BYTES, MAX_WORKSHEET_BYTES

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise WorkbookError(f"{path}：文件不存在") from None
    except OSError as exc:
        raise WorkbookError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    if not stat.S_ISREG(mode):
        raise WorkbookError(f"{path}：不是普通文件（是文件夹、管道或设备），不能作为采集表读取")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"{path}：不是可读取的 Excel 工作簿（.xlsx）：{_short(str(exc))}") from None
    total = 0
    for part in parts:
        total += part.file_size
        if part.filename.startswith("xl/worksheets/") and part.file_size > MAX_WORKSHEET_BYTES:
            raise WorkbookError(
                f"{path}：工作簿中的 {part.filename} 解压后有 {part.file_size / 1e6:,.0f} MB，超过一张工作表 "
                f"{MAX_WORKSHEET_BYTES // 1_000_000} MB 的上限（一张填好的采集表约 0.05 MB），不是采集表或已损坏")
    if total > MAX_WORKBOOK_BYTES:
        raise WorkbookError(
            f"{path}：工作簿解压后有 {total / 1e6:,.0f} MB，超过 {MAX_WORKBOOK_BYTES // 1_000_000} MB 的上限"
            "（一张填好的采集表约 0.05 MB）：请分成几个工作簿")


def read_workbook(path: Path, check: bool = True) -> tuple[list[SheetImport], list[tuple[str, Finding]]]:
    """Every sheet of a collection workbook, and the sheets listed in 填写说明 but missing, each with its finding."""
    from openpyxl import load_workbook

    _readable(path)
    try:
        wb = load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise WorkbookError(f"{path}：文件不存在") from None
    except MemoryError:
        raise WorkbookError(f"{path}：工作簿过大，内存不足以读取") from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise WorkbookError(f"{path}：不是可读取的 Excel 工作簿（.xlsx）：{_short(str(exc))}") from None
    book = path.name
    problems: list[tuple[str, Finding]] = []
    sheets = []
    for ws in wb.worksheets:
        if ws.title == INDEX_SHEET:
            problems += _missing_sheets(ws, wb, book)
            continue
        sheets.append(read_sheet(ws, book, check))
    return sheets, problems


def _missing_sheets(index, wb, book: str) -> list[tuple[str, Finding]]:
    names = {ws.title for ws in wb.worksheets}
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), value in _contents(index).items():
        if col <= 3:
            rows.setdefault(row, {})[col] = value
    out = []
    header = None
    for row in sorted(rows):
        values = [rows[row].get(col) for col in (1, 2, 3)]
        if values == ["序号", "单位", "工作表"]:
            header = row
            continue
        if header is None or _blank(values[2]):
            continue
        if str(values[2]).strip() not in names:
            out.append((str(values[2]).strip(), Finding(
                rule=RULE, severity=Severity.ERROR, file=f"{book}:{INDEX_SHEET}!C{row}",
                message=f"单位“{values[1]}”的工作表“{values[2]}”不存在（被删除或改名）：请恢复该工作表，或从目录中删去此行",
            )))
    return out


def units_from_workbook(path: Path) -> list[Unit]:
    """The filled sheets of a workbook as batch units (a sheet with errors becomes a unit that fails)."""
    try:
        sheets, problems = read_workbook(path)
    except WorkbookError as exc:
        finding = Finding(rule=RULE, severity=Severity.ERROR, message=str(exc), file=str(path))
        return [Unit(stem=safe_stem(path.stem), display=str(path), book=path, findings=[finding])]
    units = []
    for sheet, problem in problems:
        units.append(Unit(stem=safe_stem(sheet), display=f"{path.name}:{sheet}", book=path, sheet=sheet,
                          findings=[problem]))
    for sheet in sheets:
        if not sheet.filled:
            continue
        unit = Unit(stem=sheet.stem, display=sheet.display, text=sheet.text, book=path, sheet=sheet.sheet,
                    form=sheet.fmt, findings=[f for f in sheet.findings if f.is_error])
        units.append(unit)
    return units
