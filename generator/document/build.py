"""Build the document from a validated report and its template pack: all wording and every table cell resolved."""

from __future__ import annotations

import re
from decimal import Decimal

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
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table

SECTION_IDS = ("overview", "active", "applications", "reviews", "problems", "other")


def number(value: int | Decimal) -> str:
    """A figure as it stands in the table: integers plainly, amounts exactly as typed (no float rounding)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- narrative ------------------------------------------------------------------------------------------------
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
_LEAD = re.compile(r"^(（[一二三四五六七八九十]+）[^。！？\n]{1,40}?[。：:])(.+)$", re.S)


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        if text and line and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            text += " "
        text += line
    return text


def paragraphs(text: str | None) -> list[Block]:
    """Narrative text → paragraphs (split on blank lines); a short （一）… line becomes a second-level heading."""
    if not text:
        return []
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        body = _join_lines(chunk.splitlines())
        if not body:
            continue
        if _SUBHEADING.match(body) and len(body) <= 40 and not body.endswith("。"):
            blocks.append(Heading(2, body))
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


def _preface(report, pack: Pack) -> list[Block]:
    contact = report.contact
    context = {
        "agency": report.agency,
        "year": report.year,
        "signer": report.signer,
        "notice": pack.settings.get("notices", {}).get(report.format, ""),
        "contact": (contact.model_dump() if contact else dict.fromkeys(("phone", "address", "email", "website"))),
    }
    blocks = paragraphs(report.text.preface) if report.text.preface else paragraphs(pack.text("preface", **context))
    if contact is not None and any(contact.model_dump().values()):
        sentence = pack.text("contact", details=_contact_details(contact), **context)
        if sentence:
            blocks.append(Paragraph(sentence))
    return blocks


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


# --- table 二 -------------------------------------------------------------------------------------------------
def active_table(report, font_size: float) -> Table:
    rows: list[Row] = []
    for block in ACTIVE_BLOCKS[report.format]:
        rows.append(Row([Cell(block.caption, colspan=4, header=True)]))
        rows.append(
            Row([Cell(ACTIVE_ITEM_HEADER, header=True)] + [Cell(c.label, colspan=c.span, header=True) for c in block.columns])
        )
        for key, label in block.rows:
            item = getattr(report.active, key)
            cells = [Cell(label, align="center")]
            for column in block.columns:
                value = item if column.field is None else getattr(item, column.field)
                path = f"active.{key}" + (f".{column.field}" if column.field else "")
                cells.append(Cell(number(value), colspan=column.span, key=path))
            rows.append(Row(cells))
    return Table("active", [2.2, 1.6, 1.6, 1.6], rows, font_size=font_size, keep_together=True)


# --- table 三 -------------------------------------------------------------------------------------------------
def applications_header() -> list[Row]:
    return [
        Row(
            [
                Cell(APPLICATIONS_CORNER, colspan=3, rowspan=3, header=True),
                Cell("申请人情况", colspan=7, header=True),
            ],
            header=True,
        ),
        Row(
            [
                Cell(APPLICANT_COLUMNS[0], rowspan=2, header=True),
                Cell("法人或其他组织", colspan=5, header=True),
                Cell(TOTAL, rowspan=2, header=True),
            ],
            header=True,
        ),
        Row([Cell(name, header=True) for name in ORGANISATION_COLUMNS], header=True),
    ]


def applications_table_node(report, font_size: float) -> Table:
    table = applications_table(report)
    specs = APPLICATION_ROWS[report.format]
    results_count = sum(1 for s in specs if s.kind in ("result", "total"))
    group_sizes: dict[str, int] = {}
    for spec in specs:
        if spec.group:
            group_sizes[spec.group] = group_sizes.get(spec.group, 0) + 1
    rows = applications_header()
    seen_results = False
    seen_groups: set[str] = set()
    for computed in table.rows:
        spec = computed.spec
        labels: list[Cell] = []
        if spec.kind in ("intake", "forward"):
            labels.append(Cell(spec.label, colspan=3, align="left"))
        else:
            if not seen_results:
                labels.append(Cell(RESULTS_LABEL, rowspan=results_count, align="center"))
                seen_results = True
            if spec.group:
                if spec.group not in seen_groups:
                    labels.append(Cell(spec.group, rowspan=group_sizes[spec.group], align="left"))
                    seen_groups.add(spec.group)
                labels.append(Cell(spec.label, align="left"))
            else:
                labels.append(Cell(spec.label, colspan=2, align="left"))
        numbers = [
            Cell(number(value), key=f"applications.{spec.key}[{index}]") for index, value in enumerate(computed.values)
        ]
        rows.append(Row(labels + numbers))
    columns = [0.9, 1.7, 5.2] + [1.05] * 7
    return Table("applications", columns, rows, font_size=font_size, keep_together=True)


# --- table 四 -------------------------------------------------------------------------------------------------
def reviews_table_node(report, font_size: float) -> Table:
    header = [
        Row(
            [Cell(REVIEW_GROUPS[0].label, colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
            header=True,
        ),
        Row(
            [Cell(name, rowspan=2, header=True) for name in REVIEW_OUTCOMES + (TOTAL,)]
            + [Cell(group.label, colspan=5, header=True) for group in REVIEW_GROUPS[1:]],
            header=True,
        ),
        Row([Cell(name, header=True) for _ in REVIEW_GROUPS[1:] for name in REVIEW_OUTCOMES + (TOTAL,)], header=True),
    ]
    cells = [
        Cell(number(value), key=f"reviews.{group.key}[{index}]")
        for group, row in zip(REVIEW_GROUPS, reviews_table(report))
        for index, value in enumerate(row.values)
    ]
    return Table("reviews", [1.0] * 15, header + [Row(cells)], font_size=font_size, keep_together=True)


# --- the document ---------------------------------------------------------------------------------------------
def build(report, pack: Pack | None = None) -> Document:
    pack = pack or load_pack(report.template or "base")
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
        Section("other", Heading(1, PARTS[5]), paragraphs(report.text.other)),
    ]
    date = report.date
    signature = Signature(
        issuer=report.signer,
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
    return Document(title=title, preface=_preface(report, pack), sections=sections, signature=signature, meta=meta)
