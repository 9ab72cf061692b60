"""Build the document from a validated report and its template pack: all wording and every table cell resolved."""

from __future__ import annotations

import re
import unicodedata

from ..model.forms import (
    ACTIVE_BLOCKS,
    ACTIVE_ITEM_HEADER,
    APPLICANT_COLUMNS,
    APPLICATIONS_CORNER,
    APPLICATION_ROWS,
    ORGANISATION_COLUMNS,
    OVERVIEW_ASPECTS,
    PARTS,
    RESULTS_LABEL,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    TOTAL,
)
from ..model.tables import applications_table, reviews_table
from ..packs import Pack, load_pack
from ..model.figures import number, signed
from ..packs.filling import filled_report
from .fees import fee_sentence
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table

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
    """The placeholders of a pack's wording settings (packs.PLACEHOLDERS lists which setting may use which).

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


# --- the official tables -------------------------------------------------------------------------------------------
# The labels of the tables' narrow columns, line by line ("|") as the official form (and the reports that copy it) sets
# them: 商业/企业, （三）不予/公开, 结果/维持; 自然人 on one line; 三、本年度办理结果 one character a line, read downwards
# in its column two characters wide. Each column is wide enough for its labels' longest line. Other labels are wide
# enough for their column or are sentences, which break anywhere.
_LABEL_LINES = {
    lines.replace("|", ""): tuple(lines.split("|"))
    for lines in (
        "自然人", "商业|企业", "科研|机构", "社会|公益|组织", "法律|服务|机构", "其他", "总计",
        "（三）不予|公开", "（四）无法|提供", "（五）不予|处理", "（六）其他|处理", "三、|本|年|度|办|理|结|果",
        "结果|维持", "结果|纠正", "其他|结果", "尚未|审结",
    )
}


def label(text: str, **spans) -> Cell:
    """A label cell, set line by line where its column is narrow (see _LABEL_LINES)."""
    return Cell(text, lines=_LABEL_LINES.get(text, ()), **spans)


# --- table 二 -------------------------------------------------------------------------------------------------
def active_table(report, font_size: float) -> Table:
    """Four (2019: five) blocks, each its caption, its header and its rows: the table may go on to a next page
    between two blocks, each of which reads on its own."""
    rows: list[Row] = []
    breaks: list[int] = []
    for block in ACTIVE_BLOCKS[report.format]:
        if rows:
            breaks.append(len(rows))
        rows.append(Row([label(block.caption, colspan=4, header=True)]))
        rows.append(
            Row([label(ACTIVE_ITEM_HEADER, header=True)] + [label(c.label, colspan=c.span, header=True) for c in block.columns])
        )
        for key, name in block.rows:
            item = getattr(report.active, key)
            cells = [label(name, align="center")]
            for column in block.columns:
                value = item if column.field is None else getattr(item, column.field)
                path = f"active.{key}" + (f".{column.field}" if column.field else "")
                cells.append(Cell(signed(value) if column.signed else number(value), colspan=column.span, key=path))
            rows.append(Row(cells))
    return Table("active", [2.2, 1.6, 1.6, 1.6], rows, font_size=font_size, breaks=tuple(breaks))


# --- table 三 -------------------------------------------------------------------------------------------------
def applications_header() -> list[Row]:
    return [
        Row(
            [
                Cell(APPLICATIONS_CORNER, colspan=3, rowspan=3, header=True),
                label("申请人情况", colspan=7, header=True),
            ],
            header=True,
        ),
        Row(
            [
                label(APPLICANT_COLUMNS[0], rowspan=2, header=True),
                label("法人或其他组织", colspan=5, header=True),
                label(TOTAL, rowspan=2, header=True),
            ],
            header=True,
        ),
        Row([label(name, header=True) for name in ORGANISATION_COLUMNS], header=True),
    ]


# Column widths of table 三 in millimetres of the 156 mm line (relative widths for other lines): 三、 two characters
# wide, （三）不予 five, the row labels thirteen and a half (every one-line label of the form on one line), 自然人
# three, and five digits in every figure column. At the 10.5 pt of the pack's applications_table size, with the cell
# padding of report.css (and of the DOCX).
APPLICATIONS_COLUMNS = [9.0, 20.0, 51.1, 12.7] + [10.5] * 5 + [10.7]


def applications_table_node(report, font_size: float) -> Table:
    """The header, then 一, 二, 三 (all its result rows under one merged label) and 四: the table may go on to the next
    page before 二, before 三 or before 四, the header repeated."""
    table = applications_table(report)
    specs = APPLICATION_ROWS[report.format]
    results_count = sum(1 for s in specs if s.kind in ("result", "total"))
    group_sizes: dict[str, int] = {}
    for spec in specs:
        if spec.group:
            group_sizes[spec.group] = group_sizes.get(spec.group, 0) + 1
    rows = applications_header()
    first = len(rows)
    breaks: list[int] = []
    seen_results = False
    seen_groups: set[str] = set()
    for computed in table.rows:
        spec = computed.spec
        labels: list[Cell] = []
        if spec.kind in ("intake", "forward"):
            if len(rows) > first:
                breaks.append(len(rows))
            labels.append(label(spec.label, colspan=3, align="left"))
        else:
            if not seen_results:
                breaks.append(len(rows))
                labels.append(label(RESULTS_LABEL, rowspan=results_count, align="center"))
                seen_results = True
            if spec.group:
                if spec.group not in seen_groups:
                    labels.append(label(spec.group, rowspan=group_sizes[spec.group], align="left"))
                    seen_groups.add(spec.group)
                labels.append(label(spec.label, align="left"))
            else:
                labels.append(label(spec.label, colspan=2, align="left"))
        numbers = [
            Cell(number(value), key=f"applications.{spec.key}[{index}]") for index, value in enumerate(computed.values)
        ]
        rows.append(Row(labels + numbers))
    return Table("applications", APPLICATIONS_COLUMNS, rows, font_size=font_size, breaks=tuple(breaks))


# --- table 四 -------------------------------------------------------------------------------------------------
def reviews_table_node(report, font_size: float) -> Table:
    header = [
        Row(
            [label(REVIEW_GROUPS[0].label, colspan=5, header=True), label("行政诉讼", colspan=10, header=True)],
            header=True,
        ),
        Row(
            [label(name, rowspan=2, header=True) for name in REVIEW_OUTCOMES + (TOTAL,)]
            + [label(group.label, colspan=5, header=True) for group in REVIEW_GROUPS[1:]],
            header=True,
        ),
        Row([label(name, header=True) for _ in REVIEW_GROUPS[1:] for name in REVIEW_OUTCOMES + (TOTAL,)], header=True),
    ]
    cells = [
        Cell(number(value), key=f"reviews.{group.key}[{index}]")
        for group, row in zip(REVIEW_GROUPS, reviews_table(report))
        for index, value in enumerate(row.values)
    ]
    return Table("reviews", [1.0] * 15, header + [Row(cells)], font_size=font_size)


# --- the document ---------------------------------------------------------------------------------------------
def build(report, pack: Pack | None = None) -> Document:
    pack = pack or load_pack(report.template or "base")
    report = filled_report(report)  # narrative placeholders ({{ 予以公开 }} …) filled from the tables
    sizes = pack.settings.get("sizes", {})
    table_size = float(sizes.get("table", 12))
    sections = [
        Section("overview", Heading(1, PARTS[0]), _overview(report, pack)),
        Section("active", Heading(1, PARTS[1]), [active_table(report, table_size)]),
        Section(
            "applications",
            Heading(1, PARTS[2]),
            [applications_table_node(report, float(sizes.get("applications_table", 10.5)))],
        ),
        Section("reviews", Heading(1, PARTS[3]), [reviews_table_node(report, table_size)]),
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
        "settings": pack.settings,
    }
    return Document(title=title, preface=_preface(report, pack, wording), sections=sections, signature=signature, meta=meta)
