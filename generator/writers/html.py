"""HTML writer: one self-contained page (CSS inlined) from the pack's Jinja templates.

The page is also the PDF writer's source (print media) and the CMS fragment's (writers/cms.py, screen media). On a
screen each table sits in a box that scrolls sideways (`.table-scroll`), and is never set narrower than its
labels and figures need (`table_min_width`), so that on a phone the text reflows and every figure stays legible.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import TemplateError

from ..document import Cell, Document, Page, Table, page_of
from ..document.nodes import width_in_characters
from ..packs import Pack, PackError


@dataclass(frozen=True)
class Grid:
    """The character grid of the body text as CSS sets it (GB/T 9704—2012 5.2.2: 28 characters a line on A4): the
    document's page grid (document/page.py, which the DOCX's document grid also follows), as letter spacing."""

    chars: int  # characters a line
    pitch: float  # pt from one character to the next
    letter_spacing: float  # pt added to the body size to make the pitch

    @property
    def indent(self) -> float:
        """空两字: the first line of a paragraph is indented by two characters of the grid."""
        return 2 * self.pitch


# A hair less spacing than the exact pitch, so that rounding in the text engine never leaves a full line one
# character short: justification spreads the rest (0.1 mm on a line).
_SLACK = 0.01


def page_grid(page: Page) -> Grid:
    return Grid(page.chars, page.pitch, page.pitch - page.body - _SLACK)


# --- tables on a screen --------------------------------------------------------------------------------------------
# Room for a cell's padding and borders (2 × 1.5 pt and a 0.75 pt rule, in ems of a 10.5–12 pt table), with a margin.
_CELL_PADDING_EM = 0.6
# A half-width character (a digit, a Latin letter) of the table faces, in ems: a little over the grid's half.
_HALF_WIDTH_EM = 0.6
# A label of the table's body breaks anywhere (a sentence); it keeps at least this many characters a line.
_LABEL_EM = 4.0
# Where a header label may break on a screen, which keeps its words whole (`word-break: keep-all`): after a mark
# that ends a clause, before an opening bracket.
_HEADER_BREAKS = re.compile(r"(?<=[，。、；：）〕」』])|(?=[（〔「『])")


@lru_cache(maxsize=4096)  # the labels recur in every report, and most figures are short
def _em_width(text: str) -> float:
    halves = sum(1 for ch in text if width_in_characters(ch) < 1)
    return width_in_characters(text) + halves * (_HALF_WIDTH_EM - 0.5)


def _cell_need(cell: Cell) -> float:
    """The least width, in ems of the table's font, that `cell` needs on a screen: its longest line set line by line,
    its figure whole, its header label's longest run between two places where it may break, a body label
    _LABEL_EM."""
    if cell.lines:
        need = max(_em_width(line) for line in cell.lines)
    elif cell.key is not None:
        need = _em_width(cell.text)
    elif cell.header:
        need = max((_em_width(run) for run in _HEADER_BREAKS.split(cell.text)), default=0.0)
    else:
        need = min(_em_width(cell.text), _LABEL_EM)
    return need + _CELL_PADDING_EM


def table_min_width(table: Table) -> float:
    """The narrowest a table may be set on a screen, in ems of its font: wide enough for every cell's need
    (`_cell_need`) in the share of the width its columns have. A narrower window scrolls the table in its box."""
    total = sum(table.columns)
    widest = 0.0
    for row in table.grid():
        for c, (cell, top, left) in enumerate(row):
            if top and left:
                share = sum(table.columns[c:c + cell.colspan]) / total
                widest = max(widest, _cell_need(cell) / share)
    return math.ceil(widest * 10) / 10


def render_text(document: Document, pack: Pack) -> str:
    try:
        template = pack.env.get_template("report.html")
        return template.render(
            doc=document,
            settings=pack.settings,
            grid=page_grid(document.page or page_of(pack.style)),
            # report.css: on a screen, each table at least this wide (ems of its font), by table id
            table_min_widths={table.id: table_min_width(table) for table in document.tables()},
        )
    except TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or getattr(exc, 'name', None) or 'report.html'}"
        line = getattr(exc, "lineno", None)
        raise PackError(f"模板包“{pack.name}”的模板 {where}{':' + str(line) if line else ''} 有误：{exc}") from None


def render(document: Document, pack: Pack) -> bytes:
    return render_text(document, pack).encode("utf-8")
