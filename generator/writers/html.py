"""HTML writer: one self-contained page (CSS inlined) from the pack's Jinja templates."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import TemplateError

from ..document import Document
from ..packs import PAGE_SIZES, Pack, PackError

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Grid:
    """The character grid of the body text (GB/T 9704—2012 5.2.2: 28 characters a line on A4), from the pack's page
    and body size: as many characters of the body size as the line holds, rounded (三号 counts as 15.75 pt, so 28 on
    the 156 mm line), spread evenly over the line."""

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


def page_grid(settings: dict) -> Grid:
    page, body = settings["page"], float(settings["sizes"]["body"])
    paper_width, _ = PAGE_SIZES.get(str(page.get("size", "A4")), PAGE_SIZES["A4"])
    width = (paper_width - float(page["margin_left"]) - float(page["margin_right"])) * PT_PER_MM
    chars = max(1, round(width / body))
    pitch = width / chars
    return Grid(chars, pitch, pitch - body - _SLACK)


def render_text(document: Document, pack: Pack) -> str:
    try:
        template = pack.env.get_template("report.html")
        return template.render(doc=document, settings=pack.settings, grid=page_grid(pack.settings))
    except TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or getattr(exc, 'name', None) or 'report.html'}"
        line = getattr(exc, "lineno", None)
        raise PackError(f"模板包“{pack.name}”的模板 {where}{':' + str(line) if line else ''} 有误：{exc}") from None


def render(document: Document, pack: Pack) -> bytes:
    return render_text(document, pack).encode("utf-8")
