"""Collection workbooks, the batch's side: `xlsx-template` writes one sheet per unit with the official tables in their
official layout (merged cells, exact labels from forms.py, inputs limited to whole numbers ≥ 0, totals as formulas, a
勾稽关系 cell per column that turns red) — writer.py; `import` and `batch` read the filled sheets back through
readers/workbook with every rule of the pipeline (`read_workbook` here), every error named by sheet and cell.
Making batch units of a workbook's sheets is sources.py's.
"""

from __future__ import annotations

from pathlib import Path

from ...findings import Finding
from ...model import Loaded
from ...pipeline import CheckOptions, check_loaded
from ...readers import workbook as reading
from ...readers.workbook import INDEX_SHEET, LAST_COLUMN, SheetImport, WorkbookError, layout_for
from .writer import FORMULA_STARTS, put_text, sheet_title, unit_names, write_template


def checked(loaded: Loaded) -> list[Finding]:
    """Every rule on a sheet, as `govreport check --no-previous` runs them (a sheet has no file beside it)."""
    return check_loaded(loaded, CheckOptions(find_previous=False)).findings


def read_workbook(path: Path, check: bool = True) -> tuple[list[SheetImport], list[tuple[str, Finding]]]:
    """Every sheet of a filled collection workbook, checked with every rule (`check=False`: the model's findings
    only), and the sheets its list names but that are missing."""
    return reading.read_workbook(path, checked if check else None)


__all__ = [
    "FORMULA_STARTS",
    "INDEX_SHEET",
    "LAST_COLUMN",
    "SheetImport",
    "WorkbookError",
    "checked",
    "layout_for",
    "put_text",
    "read_workbook",
    "sheet_title",
    "unit_names",
    "write_template",
]
