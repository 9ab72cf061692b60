"""The layout of a PDF as poppler's pdftotext sees it: every page's text lines, with their boxes in millimetres.

`pdftotext -bbox-layout` gives each line of text its box (the glyphs' em boxes: the height of a line is its font size)
and its words. The tests measure the page from these boxes alone — where the text block starts and ends, how many
characters a line holds, where the 落款 and the page numbers stand — never from the generator's own numbers.
"""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

MM = 25.4 / 72  # millimetres per point
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    x0: float  # mm from the left edge of the page
    y0: float  # mm from the top edge
    x1: float
    y1: float
    text: str  # the words joined without spaces
    words: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, text) in mm

    @property
    def size(self) -> float:
        """The font size in pt (the height of the em boxes)."""
        return round((self.y1 - self.y0) / MM, 1)

    @property
    def chars(self) -> float:
        """Characters in the line, a half-width one counting one half."""
        return characters(self.text)


@dataclass
class Page:
    number: int  # 1-based
    width: float  # mm
    height: float
    lines: list[Line]


def characters(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text if not ch.isspace())


def is_chinese(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def pages(pdf: bytes) -> list[Page]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True, timeout=60
        )
    root = ET.fromstring(done.stdout)
    out: list[Page] = []
    for number, page in enumerate(root.iter(f"{_NS}page"), start=1):
        lines = []
        for line in page.iter(f"{_NS}line"):
            words = [
                (float(w.get("xMin")) * MM, float(w.get("xMax")) * MM, w.text or "") for w in line.iter(f"{_NS}word")
            ]
            lines.append(
                Line(
                    float(line.get("xMin")) * MM,
                    float(line.get("yMin")) * MM,
                    float(line.get("xMax")) * MM,
                    float(line.get("yMax")) * MM,
                    "".join(text for _x0, _x1, text in words),
                    words,
                )
            )
        out.append(Page(number, float(page.get("width")) * MM, float(page.get("height")) * MM, _joined(lines)))
    return out


def _joined(lines: list[Line]) -> list[Line]:
    """One line for the text of one size on one baseline: pdftotext may cut a loosely set line (or a table's row) into
    several. Sorted top to bottom, left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: (line.y0, line.x0)):
        row = next((row for row in rows if abs(row[0].y0 - line.y0) < 0.3 and abs(row[0].size - line.size) < 0.1), None)
        if row is None:
            rows.append([line])
        else:
            row.append(line)
    out = []
    for row in rows:
        words = sorted((word for line in row for word in line.words), key=lambda word: word[0])
        out.append(Line(min(line.x0 for line in row), min(line.y0 for line in row), max(line.x1 for line in row),
                        max(line.y1 for line in row), "".join(text for _x0, _x1, text in words), words))
    return sorted(out, key=lambda line: (round(line.y0, 1), line.x0))


# --- the pages of a report ----------------------------------------------------------------------------------------
def fonts(pdf: bytes) -> list[list[tuple[str, str]]]:
    """Per page, every piece of text the PDF shows, with the face it is shown in ("FandolKai", …; subset tag cut)."""
    import io

    from pypdf import PdfReader

    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        shown: list[tuple[str, str]] = []

        def visit(text, _cm, _tm, font, _size):
            if text.strip() and font:
                shown.append((text.strip(), str(font.get("/BaseFont", "")).split("+")[-1]))

        page.extract_text(visitor_text=visit)
        out.append(shown)
    return out


@dataclass
class Geometry:
    """The page as GB/T 9704 and the pack lay it out, in mm: the text block and the character grid."""

    left: float = 28.0
    top: float = 37.0
    width: float = 156.0
    height: float = 225.0
    chars: int = 28  # characters a line
    lines: int = 22  # lines a page
    body_size: float = 16.0  # pt
    page_number_size: float = 14.0

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def pitch(self) -> float:
        """From one character to the next (5.57 mm)."""
        return self.width / self.chars

    @property
    def line_pitch(self) -> float:
        return self.height / self.lines


@dataclass
class Report:
    """A report's PDF as read back: its pages and lines, each body line with its role."""

    pages: list[Page]
    geometry: Geometry
    headings: dict[str, int]  # heading text → level, from the document
    signature: tuple[str, str]  # issuer, date

    def is_body(self, line: Line) -> bool:
        return abs(line.size - self.geometry.body_size) < 0.3

    def is_page_number(self, line: Line) -> bool:
        return abs(line.size - self.geometry.page_number_size) < 0.3 and line.y0 > self.geometry.bottom

    def is_table_text(self, line: Line) -> bool:
        """Text of a table: smaller than the body (pdftotext may give a taller box to a line it joined from the cells of
        one row), never the body, title or page number's size."""
        return not (self.is_body(line) or self.is_page_number(line) or line.size >= self.geometry.body_size + 5)

    def body(self, page: Page) -> list[Line]:
        """The lines of body size (paragraphs, headings, the 落款), top to bottom."""
        return [line for line in page.lines if self.is_body(line)]

    def heading_level(self, line: Line) -> int | None:
        """The level of the heading this line begins (or is), None for other lines."""
        for text, level in self.headings.items():
            squashed = text.replace(" ", "")
            if line.text == squashed or (len(line.text) >= 4 and squashed.startswith(line.text)):
                if abs(line.x0 - (self.geometry.left + 2 * self.geometry.pitch)) < 0.5:
                    return level
        return None

    def is_signature(self, line: Line) -> bool:
        return line.text in (self.signature[0].replace(" ", ""), self.signature[1].replace(" ", ""))

    def indented(self, line: Line) -> bool:
        return abs(line.x0 - (self.geometry.left + 2 * self.geometry.pitch)) < 0.5

    def at_left(self, line: Line) -> bool:
        return abs(line.x0 - self.geometry.left) < 0.5

    def running(self) -> list[tuple[Page, Line]]:
        """Every body line of running text (not the title, not the 落款), in reading order."""
        return [(page, line) for page in self.pages for line in self.body(page) if not self.is_signature(line)]

    def full_lines(self) -> list[tuple[Page, Line]]:
        """The lines that a paragraph (or a heading) goes on after: the next line of running text, on this page or the
        next, continues it (starts at the left edge). The last line of a paragraph is not full."""
        lines = self.running()
        return [
            (page, line)
            for (page, line), (next_page, following) in zip(lines, lines[1:])
            if self.at_left(following) and next_page.number - page.number <= 1
        ]

    def content_bottom(self, page: Page) -> float:
        """Where the page's content ends (mm from the top): its lowest line but the page number."""
        lines = [line for line in page.lines if not self.is_page_number(line)]
        return max((line.y1 for line in lines), default=self.geometry.top)

    def empty_share(self, page: Page) -> float:
        """How much of the text block's height is left empty below the page's content."""
        return max(0.0, self.geometry.bottom - self.content_bottom(page)) / self.geometry.height
