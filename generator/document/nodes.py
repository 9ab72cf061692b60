"""The document: the report as title, sections, headings, paragraphs and tables with spans, all wording resolved.

Every writer (HTML, PDF, DOCX) reads only this structure, so a change of wording shows in all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    align: str = "center"  # "center" | "left"
    key: str | None = None  # input path of a number cell, e.g. "applications.new[0]"


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False  # part of the header rows, repeated on every page


@dataclass
class Table:
    kind = "table"
    id: str  # "active" | "applications" | "reviews"
    columns: list[float]  # relative widths
    rows: list[Row]
    font_size: float = 12.0  # pt
    keep_together: bool = False  # never split across pages (rowspans would be clipped)

    def grid(self) -> list[list[tuple[Cell, bool, bool]]]:
        """Every slot of the full grid: (cell, is_origin_row, is_origin_column) — for writers without rowspan."""
        width = len(self.columns)
        grid: list[list[tuple[Cell, bool, bool] | None]] = [[None] * width for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row.cells:
                while c < width and grid[r][c] is not None:
                    c += 1
                if c >= width:
                    raise ValueError(f"table {self.id}: row {r} has more cells than columns")
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if r + dr >= len(self.rows) or c + dc >= width or grid[r + dr][c + dc] is not None:
                            raise ValueError(f"table {self.id}: cell {cell.text!r} overlaps at row {r}, column {c}")
                        grid[r + dr][c + dc] = (cell, dr == 0, dc == 0)
                c += cell.colspan
        for r, slots in enumerate(grid):
            if any(slot is None for slot in slots):
                raise ValueError(f"table {self.id}: row {r} is not full")
        return grid  # type: ignore[return-value]


@dataclass
class Heading:
    kind = "heading"
    level: int  # 1: 一、… (黑体); 2: （一）… (楷体)
    text: str


@dataclass
class Paragraph:
    kind = "paragraph"
    text: str
    lead: str = ""  # a leading （一）… sentence set in the second-level heading face
    role: str = "body"  # "body" | "note"


Block = Union[Heading, Paragraph, Table]

TITLE_LINE_CHARS = 18  # about what one line of the 22 pt title holds in the 156 mm type area


@dataclass
class Section:
    id: str
    heading: Heading
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Signature:
    issuer: str
    date: str  # e.g. "2022年1月20日"


@dataclass
class Document:
    title: str
    preface: list[Block]
    sections: list[Section]
    signature: Signature
    meta: dict = field(default_factory=dict)  # agency, year, format, template, settings for writers

    @property
    def title_lines(self) -> list[str]:
        """The title as it is set (GB/T 9704: break where the words allow, lines of balanced length): a long title
        breaks before 政府信息公开工作年度报告, so the agency and year stand on the first line."""
        tail = "政府信息公开工作年度报告"
        if len(self.title) > TITLE_LINE_CHARS and self.title.endswith(tail) and len(self.title) > len(tail):
            return [self.title[: -len(tail)], tail]
        return [self.title]

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
