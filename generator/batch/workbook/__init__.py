"""Collection workbooks: `xlsx-template` writes one sheet per unit with the official tables in their official layout
(merged cells, exact labels from forms.py, inputs limited to whole numbers ≥ 0, totals as formulas, a 勾稽关系 cell
per column that turns red), and `import` reads the filled sheets back into inputs, every error named by sheet and cell.

One module per job: layout.py (where every cell of a sheet stands), writer.py (the workbook), reader.py (filled sheets
→ inputs, checked), cells.py (findings placed on cells). Making batch units of a workbook's sheets is sources.py's.
"""

from __future__ import annotations

from .cells import locate, locate_findings
from .layout import BLANK_SHEET, INDEX_SHEET, LAST_COLUMN, MARKER, TEXT_RANGE, Item, Layout, layout_for
from .reader import CellProblem, SheetImport, WorkbookError, read_sheet, read_workbook
from .writer import FORMULA_STARTS, put_text, sheet_title, unit_names, write_template

__all__ = [
    "BLANK_SHEET",
    "FORMULA_STARTS",
    "INDEX_SHEET",
    "LAST_COLUMN",
    "MARKER",
    "TEXT_RANGE",
    "CellProblem",
    "Item",
    "Layout",
    "SheetImport",
    "WorkbookError",
    "layout_for",
    "locate",
    "locate_findings",
    "put_text",
    "read_sheet",
    "read_workbook",
    "sheet_title",
    "unit_names",
    "write_template",
]
