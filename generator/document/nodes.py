"""The document: the report as title, sections, headings, paragraphs and tables with spans, all wording resolved.

Every writer (HTML, PDF, DOCX, the CMS fragment) reads this structure: the wording, the tables, and the pack's style
resolved for the writers (`style`, typed, and `page`, the page and its character grid), so a change of wording or
style shows in all of them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from ..model.grid import span_slots

if TYPE_CHECKING:
    from ..packs.schema import Settings
    from .page import Page


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    align: str = "center"  # "center" | "left"
    key: str | None = None  # input path of a number cell, e.g. "applications.new[0]"
    # A label of a narrow column set line by line as the official form sets it ("商业", "企业"); one line never
    # breaks ("自然人"). Empty: the label breaks where its column's width makes it (a sentence may break anywhere).
    lines: tuple[str, ...] = ()


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
    # The rows (indices into `rows`) before which the table may go on to the next page: row boundaries that no merged
    # cell crosses, each chosen so that both parts read on their own (the header rows repeat). Empty: never split.
    breaks: tuple[int, ...] = ()

    @property
    def keep_together(self) -> bool:
        """Never split across pages."""
        return not self.breaks

    def groups(self) -> list[range]:
        """The body rows in the runs that stay on one page: split at `breaks`, no merged cell crossing a boundary."""
        first = next((r for r, row in enumerate(self.rows) if not row.header), len(self.rows))
        bounds = [first, *sorted(b for b in self.breaks if first < b < len(self.rows)), len(self.rows)]
        groups = [range(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
        ends = {group.stop for group in groups} | {first}
        for r, row in enumerate(self.rows):
            for cell in row.cells:
                if cell.rowspan > 1 and any(r < end < r + cell.rowspan for end in ends):
                    raise ValueError(f"table {self.id}: cell {cell.text!r} of row {r} crosses a page break")
        return groups

    def grid(self) -> list[list[tuple[Cell, bool, bool]]]:
        """Every slot of the full grid: (cell, is_origin_row, is_origin_column) — for writers without rowspan."""
        return span_slots(self.id, self.rows, len(self.columns))


@dataclass
class Heading:
    kind = "heading"
    level: int  # 1: 一、… (黑体); 2: （一）… (楷体); 3: 1.… or （1）… (仿宋, as the body)
    text: str


@dataclass
class Paragraph:
    kind = "paragraph"
    text: str
    lead: str = ""  # a run-in heading: a leading （一）… sentence, set in the second-level heading face
    role: str = "body"  # "body" | "note"


Block = Union[Heading, Paragraph, Table]

TITLE_LINE_CHARS = 18  # about what one line of the 22 pt title holds in the 156 mm type area


@dataclass
class Section:
    id: str
    heading: Heading
    blocks: list[Block] = field(default_factory=list)


def width_in_characters(text: str) -> float:
    """How many characters of the grid a line of text takes: a Chinese character or full-width mark one, a digit,
    Latin letter or half-width mark one half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


@dataclass
class Signature:
    issuer: str
    date: str  # e.g. "2022年1月20日"

    def right_indents(self) -> tuple[float, float]:
        """How far the issuer's line and the date's line end from the right edge of the text, in characters.

        GB/T 9704—2012 7.3.5.3 (a 落款 without a seal): the issuer 右空二字; the date on the next line, its first
        character two characters right of the issuer's first; a date longer than the issuer 右空二字, and the issuer
        moved left so that the date still starts two characters right of it."""
        issuer, date = width_in_characters(self.issuer), width_in_characters(self.date)
        if date <= issuer:
            return 2.0, issuer - date
        return 4.0 + date - issuer, 2.0


@dataclass
class Document:
    title: str
    preface: list[Block]
    sections: list[Section]
    signature: Signature
    meta: dict = field(default_factory=dict)  # agency, year, format, date, template
    style: Settings | None = None  # the pack's settings, typed: fonts, sizes, page (what the writers need)
    page: Page | None = None  # the page and the body text's character grid, from `style`

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
