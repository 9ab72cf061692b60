"""The page a document is set on, from the pack's typed style: paper, margins, and the character grid of the body
text (GB/T 9704—2012 5.2.2: 28 characters a line and 22 lines a page on A4). Every writer reads it from the
document (`Document.page`), so the HTML page, the PDF and the DOCX's document grid agree."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..packs.schema import PAGE_SIZES, Settings

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Page:
    paper: tuple[float, float]  # width, height (mm), portrait
    margin_top: float  # mm
    margin_bottom: float
    margin_left: float
    margin_right: float
    body: float  # body text size (pt)
    line_height: float  # pt

    @property
    def width(self) -> float:
        """Width of the type area (版心), mm: 156 on A4 with 28/26 mm margins."""
        return self.paper[0] - self.margin_left - self.margin_right

    @property
    def height(self) -> float:
        """Height of the type area, mm: 225 on A4 with 37/35 mm margins."""
        return self.paper[1] - self.margin_top - self.margin_bottom

    @property
    def chars(self) -> int:
        """Characters of the body size a line holds, rounded (三号 counts as 15.75 pt, so 28 on the 156 mm line)."""
        return max(1, round(self.width * PT_PER_MM / self.body))

    @property
    def lines(self) -> int:
        """Lines of the line height a page holds (22 on A4)."""
        return max(1, math.floor(self.height * PT_PER_MM / self.line_height + 1e-9))

    @property
    def pitch(self) -> float:
        """pt from one character of the grid to the next: the line's width spread evenly over its characters."""
        return self.width * PT_PER_MM / self.chars


def page_of(style: Settings) -> Page:
    page, sizes = style.page, style.sizes
    return Page(
        paper=PAGE_SIZES[page.size],
        margin_top=float(page.margin_top),
        margin_bottom=float(page.margin_bottom),
        margin_left=float(page.margin_left),
        margin_right=float(page.margin_right),
        body=float(sizes.body),
        line_height=float(page.line_height),
    )
