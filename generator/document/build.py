"""Build the document from a validated report and its template pack: all wording and every table cell resolved."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..model.figures import number, signed
from ..model.forms import ACTIVE_BLOCKS, OVERVIEW_ASPECTS, PARTS, RESULTS_LABEL, REVIEW_GROUPS
from ..model.grid import SIGNED, GridCell, TableGrid, table_grid
from ..model.tables import applications_table, reviews_table
from ..packs import Pack, load_pack
from ..packs.filling import filled_report
from .fees import fee_sentence
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table
from .page import page_of

SECTION_IDS = ("overview", "active", "applications", "reviews", "problems", "other")


# --- narrative ------------------------------------------------------------------------------------------------
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")  # （一）: second level, 楷体
_THIRD_LEVEL = re.compile(r"^(?:[0-9]{1,2}[.．、]|（[0-9]{1,2}）)")  # 1. and （1）: third level, 仿宋
_LEAD = re.compile(r"^(（[一二三四五六七八九十]+）[^。！？\n]{1,40}?[。：:])(.+)$", re.S)
# Small form variants that a seed typed for the brackets of a document number (﹝2020﹞): GB/T 9704 writes 〔2020〕,
# and the small forms are tiny in every face that has them.
_BRACKETS = str.maketrans({"﹝": "〔", "﹞": "〕"})
_SPACES = re.compile(r"(?<=\S)[ \u00a0]+(?=\S)")


def _tidy(text: str) -> str:
    """Running text as it is set: 〔〕 for ﹝﹞, and no space between two Chinese characters (a space, or a no-break
    space pasted from a web page, that a Chinese text never means: 图文解读 、 is 图文解读、)."""
    def space(match: re.Match) -> str:
        before, after = text[match.start() - 1], text[match.end()]
        wide = unicodedata.east_asian_width(before) in "WF" and unicodedata.east_asian_width(after) in "WF"
        return "" if wide else match.group()

    return _SPACES.sub(space, text).translate(_BRACKETS)


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        if text and line and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            text += " "
        text += line
    return text


def _heading_level(body: str) -> int | None:
    """2 for a paragraph that is only a （一）… heading, 3 for a 1.… or （1）… one; None for running text.

    A heading is short and one phrase: it may end with "。" as some reports write it (（二）主动公开政府信息情况。),
    but it holds no other full stop, question or exclamation mark."""
    level = 2 if _SUBHEADING.match(body) else 3 if _THIRD_LEVEL.match(body) else None
    if level is None or len(body) > 40:
        return None
    inner = body[:-1] if body.endswith("。") else body
    return None if any(mark in inner for mark in "。！？；") else level


def paragraphs(text: str | None) -> list[Block]:
    """Narrative text → paragraphs (split on blank lines). A paragraph that is only a short （一）… or 1.… phrase
    becomes a heading; a paragraph that opens with a （一）… phrase keeps it as a run-in heading (`lead`)."""
    if not text:
        return []
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        body = _tidy(_join_lines(chunk.splitlines()))
        if not body:
            continue
        level = _heading_level(body)
        if level is not None:
            blocks.append(Heading(level, body))
            continue
        lead = _LEAD.match(body)
        if lead:
            blocks.append(Paragraph(lead.group(2), lead=lead.group(1)))
        else:
            blocks.append(Paragraph(body))
    return blocks


def _contact_details(contact) -> str:
    if contact is None:
        return ""
    items = [
        f"{label}：{value}"
        for label, value in (("地址", contact.address), ("电话", contact.phone), ("电子邮箱", contact.email))
        if value
    ]
    return f"（{'；'.join(items)}）" if items else ""


def _wording(report, pack: Pack) -> dict:
    """The placeholders of a pack's wording settings (packs.schema.WORDING_NAMES lists which setting may use which).

    `signer` is who signs the report: the pack's signature.issuer, which itself sees `signer` as the input's
    issuer or else the agency — so a preface or contact sentence names the same office as the 落款."""
    contact = report.contact
    context = {
        "agency": report.agency,
        "year": report.year,
        "signer": report.signer,
        "issuer": (report.issuer or "").strip(),
        "notice": pack.settings.get("notices", {}).get(report.format, ""),
        "contact": (contact.model_dump() if contact else dict.fromkeys(("phone", "address", "email", "website"))),
    }
    issuer = str((pack.settings.get("signature") or {}).get("issuer") or "{{ signer }}")
    context["signer"] = pack.render_text(issuer, "signature.issuer", **context) or report.signer
    return context


def _preface(report, pack: Pack, context: dict) -> list[Block]:
    contact = report.contact
    blocks = paragraphs(report.text.preface) if report.text.preface else paragraphs(pack.text("preface", **context))
    if contact is not None and any(contact.model_dump().values()):
        # a pack's contact block may be several paragraphs (e.g. 联系电话/联系地址 each on its own line)
        blocks.extend(paragraphs(pack.text("contact", details=_contact_details(contact), **context)))
    return blocks


# --- a pack's extra sections (（一）（二）… inside one of the six parts) ------------------------------------------
_NUMERALS = "一二三四五六七八九"
_NUMBERED = re.compile(r"^（([一二三四五六七八九十]+)）")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens - 1] + "十")
    return head + (_NUMERALS[ones - 1] if ones else "")


_FROM_CHINESE = {chinese_number(n): n for n in range(1, 100)}


def _last_number(blocks: list[Block]) -> int:
    """The highest （n） a part's own text already uses as a sub-heading, so added sections continue the count."""
    last = 0
    for block in blocks:
        text = block.text if isinstance(block, Heading) and block.level == 2 else getattr(block, "lead", "")
        match = _NUMBERED.match(text or "")
        if match:
            last = max(last, _FROM_CHINESE.get(match.group(1), 0))
    return last


def _extra_sections(report, pack: Pack, sections: list[Section], context: dict) -> None:
    """Append the pack's extra sections to their parts: heading （n）… and the input's text.sections.<id> (or the
    pack's default text). A section with no text is left out; a required one is enforced by `check`."""
    given = report.text.sections or {}
    parts = {section.id: section for section in sections}
    for spec in pack.sections:
        text = given.get(spec["id"])
        if not (text and text.strip()) and spec.get("text"):
            text = pack.render_text(str(spec["text"]), f"sections.{spec['id']}.text", **context)
        if not (text and text.strip()):
            continue
        part = parts[spec["part"]]
        heading = pack.render_text(str(spec["heading"]), f"sections.{spec['id']}.heading", **context)
        if spec.get("numbered", True):
            heading = f"（{chinese_number(_last_number(part.blocks) + 1)}）{heading}"
        part.blocks.append(Heading(2, heading))
        part.blocks.extend(paragraphs(text))


def _overview(report, pack: Pack) -> list[Block]:
    overview = report.text.overview
    if isinstance(overview, str):
        return paragraphs(overview)
    headings = pack.settings.get("overview_aspects", {})
    blocks: list[Block] = []
    for aspect in OVERVIEW_ASPECTS:
        blocks.append(Heading(2, headings.get(aspect, aspect)))
        blocks.extend(paragraphs(getattr(overview, aspect)))
    return blocks


# --- the tables, from the official grid (model/grid.py) ---------------------------------------------------------
def _figures(report) -> dict[str, int | Decimal]:
    """Every number cell's figure by its input key ("applications.new[0]", "active.rules.issued"), totals computed."""
    figures: dict[str, int | Decimal] = {}
    for block in ACTIVE_BLOCKS[report.format]:
        for key, _name in block.rows:
            item = getattr(report.active, key)
            for column in block.columns:
                path = f"active.{key}" + (f".{column.field}" if column.field else "")
                figures[path] = item if column.field is None else getattr(item, column.field)
    for computed in applications_table(report).rows:
        for index, value in enumerate(computed.values):
            figures[f"applications.{computed.spec.key}[{index}]"] = value
    for group, row in zip(REVIEW_GROUPS, reviews_table(report)):
        for index, value in enumerate(row.values):
            figures[f"reviews.{group.key}[{index}]"] = value
    return figures


def _cell(cell: GridCell, figures: dict[str, int | Decimal]) -> Cell:
    if cell.key is None:
        text, lines = cell.text, cell.lines
    else:
        value = figures[cell.key]
        text, lines = (signed(value) if cell.kind == SIGNED else number(value)), ()
    return Cell(text, cell.colspan, cell.rowspan, cell.header, cell.align, cell.key, lines)


def _breaks(grid: TableGrid) -> tuple[int, ...]:
    """The rows before which a table may go on to the next page, each part reading on its own (the header rows
    repeat): table 二 before each block's caption (a row of one cell across the table); table 三 before 二、 and 四、
    (label cells across the three label columns) and before the merged 三、本年度办理结果; table 四 never."""
    if grid.id == "reviews":
        return ()
    first = next(r for r, row in enumerate(grid.rows) if not row.header)
    breaks = []
    for r, row in enumerate(grid.rows[first + 1:], start=first + 1):
        head = row.cells[0]
        if grid.id == "active" and len(row.cells) == 1:
            breaks.append(r)
        elif grid.id == "applications" and head.key is None and (head.colspan == 3 or head.text == RESULTS_LABEL):
            breaks.append(r)
    return tuple(breaks)


def table_node(grid: TableGrid, figures: dict[str, int | Decimal], font_size: float) -> Table:
    """A table of the document: the official grid with the report's figures in its number cells."""
    rows = [Row([_cell(cell, figures) for cell in row.cells], header=row.header) for row in grid.rows]
    return Table(grid.id, list(grid.widths), rows, font_size=font_size, breaks=_breaks(grid))


# --- the document ---------------------------------------------------------------------------------------------
def build(report, pack: Pack | None = None) -> Document:
    pack = pack or load_pack(report.template or "base")
    report = filled_report(report)  # narrative placeholders ({{ 予以公开 }} …) filled from the tables
    sizes = pack.settings.get("sizes", {})
    table_size = float(sizes.get("table", 12))
    active, applications, reviews = table_grid(report.format)
    figures = _figures(report)
    sections = [
        Section("overview", Heading(1, PARTS[0]), _overview(report, pack)),
        Section("active", Heading(1, PARTS[1]), [table_node(active, figures, table_size)]),
        Section(
            "applications",
            Heading(1, PARTS[2]),
            [table_node(applications, figures, float(sizes.get("applications_table", 10.5)))],
        ),
        Section("reviews", Heading(1, PARTS[3]), [table_node(reviews, figures, table_size)]),
        Section("problems", Heading(1, PARTS[4]), paragraphs(report.text.problems)),
        Section("other", Heading(1, PARTS[5]), paragraphs(report.text.other) + paragraphs(fee_sentence(report, pack))),
    ]
    date = report.date
    wording = _wording(report, pack)
    _extra_sections(report, pack, sections, wording)
    signature = Signature(
        issuer=wording["signer"],
        date=pack.render_text(
            str(pack.settings.get("date_format", "{{ year }}年{{ month }}月{{ day }}日")),
            "date_format",
            year=date.year,
            month=date.month,
            day=date.day,
        ),
    )
    title = pack.text("title", agency=report.agency, year=report.year) or report.title
    meta = {
        "agency": report.agency,
        "year": report.year,
        "format": report.format,
        "kind": report.kind,
        "date": report.date.isoformat(),
        "template": pack.name,
    }
    return Document(
        title=title,
        preface=_preface(report, pack, wording),
        sections=sections,
        signature=signature,
        meta=meta,
        style=pack.style,
        page=page_of(pack.style),
    )
