"""The shape of the official tables 二, 三 and 四 for a format: rows, columns, labels, merged cells and the input key
of every number cell — what a client needs to lay a table out without a report (the collection workbook, the web
form's input grid).

Built from the official form as data (forms.py), as the document's tables are (document/build.py); a test compares
the two cell by cell for both formats (tests/test_grid.py). The cells of a number are blank here: the document fills
them with a report's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .forms import (
    ACTIVE_BLOCKS,
    ACTIVE_ITEM_HEADER,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    APPLICATIONS_CORNER,
    FORMATS,
    LABEL_LINES,
    ORGANISATION_COLUMNS,
    RESULTS_LABEL,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    TOTAL,
)

# Relative column widths, as the document sets the tables (table 三: millimetres of the 156 mm line).
ACTIVE_WIDTHS = (2.2, 1.6, 1.6, 1.6)
APPLICATIONS_WIDTHS = (9.0, 20.0, 51.1, 12.7) + (10.5,) * 5 + (10.7,)
REVIEWS_WIDTHS = (1.0,) * 15

# What a number cell holds: typed counts, typed counts that may be negative (本年增/减), typed amounts (万元), or a
# total computed from the others (总计: the program's, never typed into the grid).
COUNT, SIGNED, MONEY, TOTAL_CELL = "count", "signed", "money", "total"


@dataclass(frozen=True)
class GridCell:
    text: str = ""  # the official label; "" for a number cell
    colspan: int = 1
    rowspan: int = 1
    header: bool = False  # a column heading
    align: str = "center"  # "center" | "left"
    key: str | None = None  # input path of a number cell, e.g. "applications.new[0]", "active.rules.issued"
    kind: str | None = None  # for a number cell: COUNT | SIGNED | MONEY | TOTAL_CELL

    @property
    def lines(self) -> tuple[str, ...]:
        """A narrow column's label line by line, as the official form sets it (forms.LABEL_LINES); () otherwise."""
        return LABEL_LINES.get(self.text, ()) if self.key is None else ()

    @property
    def computed(self) -> bool:
        """A 总计 cell: computed from the row (or, for （七）总计, from the result rows)."""
        return self.kind == TOTAL_CELL


@dataclass(frozen=True)
class GridRow:
    cells: tuple[GridCell, ...]
    header: bool = False  # one of the header rows (repeated on every page of the document)


@dataclass(frozen=True)
class TableGrid:
    id: str  # "active" | "applications" | "reviews"
    widths: tuple[float, ...]  # relative column widths
    rows: tuple[GridRow, ...]

    @property
    def columns(self) -> tuple[float, ...]:
        """The widths, under the name the document's Table gives them."""
        return self.widths

    def slots(self) -> list[list[tuple[GridCell, bool, bool]]]:
        """Every slot of the full grid: (cell, is_origin_row, is_origin_column), rows × columns."""
        return span_slots(self.id, self.rows, len(self.widths))

    def cells(self) -> list[GridCell]:
        return [cell for row in self.rows for cell in row.cells]

    def keys(self) -> list[str]:
        """The input keys of the number cells, in reading order."""
        return [cell.key for cell in self.cells() if cell.key]


def _number(key: str, kind: str, colspan: int = 1) -> GridCell:
    return GridCell(colspan=colspan, key=key, kind=kind)


# --- table 二 -------------------------------------------------------------------------------------------------
def active_grid(fmt: str) -> TableGrid:
    """Four (2019: five) blocks, each its caption, its header and its rows."""
    rows: list[GridRow] = []
    for block in ACTIVE_BLOCKS[fmt]:
        rows.append(GridRow((GridCell(block.caption, colspan=4, header=True),)))
        rows.append(
            GridRow(
                (GridCell(ACTIVE_ITEM_HEADER, header=True),)
                + tuple(GridCell(c.label, colspan=c.span, header=True) for c in block.columns)
            )
        )
        for key, name in block.rows:
            cells = [GridCell(name, align="center")]
            for column in block.columns:
                path = f"active.{key}" + (f".{column.field}" if column.field else "")
                kind = MONEY if column.decimal else (SIGNED if column.signed else COUNT)
                cells.append(_number(path, kind, column.span))
            rows.append(GridRow(tuple(cells)))
    return TableGrid("active", ACTIVE_WIDTHS, tuple(rows))


# --- table 三 -------------------------------------------------------------------------------------------------
def _applications_header() -> list[GridRow]:
    return [
        GridRow(
            (
                GridCell(APPLICATIONS_CORNER, colspan=3, rowspan=3, header=True),
                GridCell("申请人情况", colspan=7, header=True),
            ),
            header=True,
        ),
        GridRow(
            (
                GridCell(APPLICANT_COLUMNS[0], rowspan=2, header=True),
                GridCell("法人或其他组织", colspan=5, header=True),
                GridCell(TOTAL, rowspan=2, header=True),
            ),
            header=True,
        ),
        GridRow(tuple(GridCell(name, header=True) for name in ORGANISATION_COLUMNS), header=True),
    ]


def applications_grid(fmt: str) -> TableGrid:
    """The header, then 一, 二, 三 (all its result rows under one merged label, （七）总计 last) and 四."""
    specs = APPLICATION_ROWS[fmt]
    results_count = sum(1 for s in specs if s.kind in ("result", "total"))
    group_sizes: dict[str, int] = {}
    for spec in specs:
        if spec.group:
            group_sizes[spec.group] = group_sizes.get(spec.group, 0) + 1
    rows = _applications_header()
    seen_results = False
    seen_groups: set[str] = set()
    for spec in specs:
        labels: list[GridCell] = []
        if spec.kind in ("intake", "forward"):
            labels.append(GridCell(spec.label, colspan=3, align="left"))
        else:
            if not seen_results:
                labels.append(GridCell(RESULTS_LABEL, rowspan=results_count, align="center"))
                seen_results = True
            if spec.group:
                if spec.group not in seen_groups:
                    labels.append(GridCell(spec.group, rowspan=group_sizes[spec.group], align="left"))
                    seen_groups.add(spec.group)
                labels.append(GridCell(spec.label, align="left"))
            else:
                labels.append(GridCell(spec.label, colspan=2, align="left"))
        size = len(APPLICANT_COLUMNS)
        numbers = [
            _number(f"applications.{spec.key}[{index}]", TOTAL_CELL if spec.kind == "total" or index == size else COUNT)
            for index in range(size + 1)
        ]
        rows.append(GridRow(tuple(labels + numbers)))
    return TableGrid("applications", APPLICATIONS_WIDTHS, tuple(rows))


# --- table 四 -------------------------------------------------------------------------------------------------
def reviews_grid(fmt: str) -> TableGrid:
    """行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉), each its four outcomes and 总计; one row of numbers."""
    outcomes = REVIEW_OUTCOMES + (TOTAL,)
    header = [
        GridRow(
            (GridCell(REVIEW_GROUPS[0].label, colspan=5, header=True), GridCell("行政诉讼", colspan=10, header=True)),
            header=True,
        ),
        GridRow(
            tuple(GridCell(name, rowspan=2, header=True) for name in outcomes)
            + tuple(GridCell(group.label, colspan=5, header=True) for group in REVIEW_GROUPS[1:]),
            header=True,
        ),
        GridRow(tuple(GridCell(name, header=True) for _ in REVIEW_GROUPS[1:] for name in outcomes), header=True),
    ]
    numbers = tuple(
        _number(f"reviews.{group.key}[{index}]", TOTAL_CELL if index == len(REVIEW_OUTCOMES) else COUNT)
        for group in REVIEW_GROUPS
        for index in range(len(outcomes))
    )
    return TableGrid("reviews", REVIEWS_WIDTHS, tuple(header) + (GridRow(numbers),))


@lru_cache(maxsize=None)
def table_grid(fmt: str) -> tuple[TableGrid, TableGrid, TableGrid]:
    """Tables 二, 三 and 四 of format `fmt` ("2021" or "2019"), in that order."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return active_grid(fmt), applications_grid(fmt), reviews_grid(fmt)


__all__ = ["GridCell", "GridRow", "TableGrid", "table_grid", "COUNT", "SIGNED", "MONEY", "TOTAL_CELL"]


def span_slots(table: str, rows, width: int) -> list[list[tuple[Any, bool, bool]]]:
    """The full grid of a table given as rows of cells with colspan/rowspan (the grid's and the document's alike):
    every slot as (cell, is_origin_row, is_origin_column); a row too long, an overlap or a gap is a ValueError."""
    grid: list[list[tuple[Any, bool, bool] | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row.cells:
            while c < width and grid[r][c] is not None:
                c += 1
            if c >= width:
                raise ValueError(f"table {table}: row {r} has more cells than columns")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr >= len(rows) or c + dc >= width or grid[r + dr][c + dc] is not None:
                        raise ValueError(f"table {table}: cell {cell.text!r} overlaps at row {r}, column {c}")
                    grid[r + dr][c + dc] = (cell, dr == 0, dc == 0)
            c += cell.colspan
    for r, slots in enumerate(grid):
        if any(slot is None for slot in slots):
            raise ValueError(f"table {table}: row {r} is not full")
    return grid  # type: ignore[return-value]
