"""The collection workbook, read: where every cell of a sheet stands (layout.py), a filled sheet's cells → input
data with each key at its cell (reader.py), findings placed on cells (cells.py). Writing the blank workbook is the
batch's (batch/workbook.py)."""

from __future__ import annotations

from .cells import locate, locate_findings
from .layout import BLANK_SHEET, INDEX_SHEET, LAST_COLUMN, MARKER, RULE, TEXT_RANGE, Item, Layout, layout_for
from .reader import CellProblem, Checker, SheetImport, WorkbookError, read_sheet, read_workbook

__all__ = [
    "BLANK_SHEET",
    "INDEX_SHEET",
    "LAST_COLUMN",
    "MARKER",
    "RULE",
    "TEXT_RANGE",
    "CellProblem",
    "Checker",
    "Item",
    "Layout",
    "SheetImport",
    "WorkbookError",
    "layout_for",
    "locate",
    "locate_findings",
    "read_sheet",
    "read_workbook",
]
