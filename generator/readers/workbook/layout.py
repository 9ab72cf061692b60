"""The collection workbook's sheet layout: where every label, input, total and 勾稽关系 cell of a sheet stands, for
each format. Shared by the writer (writer.py), the reader (reader.py) and the placing of findings on cells
(cells.py). Tables 二, 三 and 四 are laid out from the model's table grid (model/grid.py): the official labels and
merged cells, taken from model/forms.py as the report's own tables are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ...model.forms import KEY_LABELS, OVERVIEW_ASPECTS, PARTS
from ...model.grid import COUNT, MONEY, SIGNED, TOTAL_CELL, TableGrid, table_grid

RULE = "XLSX"
INDEX_SHEET = "填写说明"
BLANK_SHEET = "空白表"
MARKER = "govreport 采集表（{fmt}格式）"
MARKER_PATTERN = re.compile(r"govreport 采集表（(2021|2019)格式）")
NOTICES = {"2021": "国办公开办函〔2021〕30号", "2019": "国办公开办函〔2019〕60号（试行）"}
LAST_COLUMN = 18  # R: table 四 has 15 number columns, placed in D:R
TEXT_RANGE = (3, 10)  # narrative and details in C:J
# what a number cell of the grid is on the sheet (the kinds of Item.kind)
_KINDS: dict[str | None, str] = {COUNT: "count", SIGNED: "signed", MONEY: "money", TOTAL_CELL: "total"}


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
        return f"{column_letter(self.col)}{self.row}"

    @property
    def range(self) -> str:
        return f"{self.coord}:{column_letter(self.col + self.cols - 1)}{self.row + self.rows - 1}"

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
        if item.style in ("input", "total"):
            assert item.key is not None, item  # inputs and totals are always made with their key
            (self.cells if item.style == "input" else self.totals)[item.key] = item
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


def column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _place_table(layout: Layout, table: TableGrid, top: int, starts: list[int], widths: list[int]) -> int:
    """Put a table of the grid on the sheet from row `top`; logical column i covers `widths[i]` sheet columns."""
    for r, slots in enumerate(table.slots()):
        for c, (cell, origin_row, origin_col) in enumerate(slots):
            if not (origin_row and origin_col):
                continue
            first, last = starts[c], starts[c + cell.colspan - 1] + widths[c + cell.colspan - 1] - 1
            item = Item(top + r, first, cell.text, "header" if cell.header else "label", cell.rowspan, last - first + 1)
            if cell.key:
                if cell.computed:
                    item = replace(item, value=None, style="total", key=cell.key, kind="total")
                else:
                    item = replace(item, value=0, style="input", key=cell.key, kind=_KINDS[cell.kind])
            layout.add(item)
    return top + len(table.rows)


@lru_cache(maxsize=None)
def layout_for(fmt: str) -> Layout:
    layout = Layout(fmt)
    add = layout.add
    t0, t1 = TEXT_RANGE
    add(Item(1, 1, "政府信息公开工作年度报告 · 数据采集表", "title", cols=LAST_COLUMN, height=30))
    add(Item(2, 1, MARKER.format(fmt=fmt) + f"：按{NOTICES[fmt]}的表格格式。白色格填写，灰色格自动计算；"
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
    active, applications, reviews = table_grid(fmt)
    row += 2
    add(Item(row, 1, PARTS[1], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, active, row + 1, [1, 4, 5, 6], [3, 1, 1, 1])
    row += 1
    add(Item(row, 1, PARTS[2], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, applications, row + 1, list(range(1, 11)), [1] * 10)
    add(Item(row, 1, "勾稽关系：一＋二＝（七）总计＋四", "label", cols=3))
    for index in range(7):
        add(Item(row, 4 + index, None, "check", key=f"applications[{index}]"))
    row += 2
    add(Item(row, 1, PARTS[3], "heading", cols=LAST_COLUMN))
    row = _place_table(layout, reviews, row + 1, list(range(4, 19)), [1] * 15)
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

