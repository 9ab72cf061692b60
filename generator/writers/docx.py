"""DOCX writer: real Word tables with the official merged cells, GB/T 9704 page and East Asian fonts.

python-docx prepares a skeleton once per pack (styles with `w:eastAsia` fonts, A4 and margins, odd/even footers with
a PAGE field); each report then fills the body with WordprocessingML built from the document in one pass, which is
~10× faster than adding cells one by one through python-docx.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from xml.sax.saxutils import escape

from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from ..document import Document, Heading, Paragraph, Table
from ..packs import PAGE_SIZES, Pack

W = nsdecls("w")
TYPE_AREA_TWIPS = 8844  # 156 mm: A4 less 28 mm and 26 mm


def type_area_twips(pack: Pack) -> int:
    """Width of the type area for the pack's page size and side margins (8844 for A4 with 28/26 mm)."""
    page = pack.settings["page"]
    width = PAGE_SIZES.get(str(page.get("size", "A4")), PAGE_SIZES["A4"])[0]
    return round((width - float(page["margin_left"]) - float(page["margin_right"])) * 1440 / 25.4)


def _set_fonts(style_or_run_element, name: str) -> None:
    """Set every script slot, East Asian included, to `name` (Word and WPS read w:eastAsia for Chinese)."""
    rpr = style_or_run_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {W}/>")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _style(doc, name: str, base: str | None, font: str, size: float, *, align=None, indent: bool = False):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    _set_fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * size)
    return style


def _first(names) -> str:
    return names[0] if isinstance(names, list) else str(names)


@lru_cache(maxsize=16)
def skeleton(pack: Pack) -> bytes:
    """An empty document with the pack's styles, page setup and footers, as bytes."""
    settings = pack.settings
    fonts, sizes, page = settings["fonts"], settings["sizes"], settings["page"]
    doc = open_docx()
    line = Pt(float(page["line_height"]))
    normal = _style(doc, "Normal", None, _first(fonts["body"]), float(sizes["body"]), indent=True)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = line
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = _style(doc, "Title", "Normal", _first(fonts["title"]), float(sizes["title"]), align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    title.paragraph_format.space_after = line
    for element in title.element.pPr.findall(qn("w:pBdr")):  # the default Title has a bottom border
        title.element.pPr.remove(element)
    h1 = _style(doc, "Heading 1", "Normal", _first(fonts["heading1"]), float(sizes["body"]), indent=True)
    h2 = _style(doc, "Heading 2", "Normal", _first(fonts["heading2"]), float(sizes["body"]), indent=True)
    for heading in (h1, h2):
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        heading.paragraph_format.line_spacing = line
    table_text = _style(doc, "Table Text", None, _first(fonts["table"]), float(sizes["table"]), align=WD_ALIGN_PARAGRAPH.CENTER)
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table_text.paragraph_format.first_line_indent = Pt(0)
    signature = _style(doc, "Signature", "Normal", _first(fonts["body"]), float(sizes["body"]), align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.first_line_indent = Pt(0)
    signature.paragraph_format.right_indent = Pt(2 * float(sizes["body"]))

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    width, height = PAGE_SIZES.get(str(page.get("size", "A4")), PAGE_SIZES["A4"])
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(float(page["margin_top"])), Mm(float(page["margin_bottom"]))
    section.left_margin, section.right_margin = Mm(float(page["margin_left"])), Mm(float(page["margin_right"]))
    section.footer_distance = Mm(max(float(page["margin_bottom"]) - 7 - 7, 10))
    doc.settings.odd_and_even_pages_header_footer = True
    number_font = _first(fonts["body"])
    number_size = int(float(sizes["page_number"]) * 2)
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        body = footer._element
        for p in list(body):
            body.remove(p)
        run = (
            f'<w:rPr><w:rFonts w:ascii="{escape(number_font)}" w:hAnsi="{escape(number_font)}" '
            f'w:eastAsia="{escape(number_font)}"/><w:sz w:val="{number_size}"/></w:rPr>'
        )
        body.append(
            parse_xml(
                f'<w:p {W}><w:pPr><w:ind w:left="{320 if align == "left" else 0}" '
                f'w:right="{320 if align == "right" else 0}" w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
                f'<w:r>{run}<w:t xml:space="preserve">— </w:t></w:r>'
                f'<w:fldSimple w:instr=" PAGE "><w:r>{run}<w:t>1</w:t></w:r></w:fldSimple>'
                f'<w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r></w:p>'
            )
        )
    body = doc.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- body XML ---------------------------------------------------------------------------------------------------
def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _paragraph(style: str, text: str, lead: str = "", lead_font: str = "") -> str:
    runs = ""
    if lead:
        runs += (
            f'<w:r><w:rPr><w:rFonts w:ascii="{escape(lead_font)}" w:hAnsi="{escape(lead_font)}" '
            f'w:eastAsia="{escape(lead_font)}"/></w:rPr>{_t(lead)}</w:r>'
        )
    runs += f"<w:r>{_t(text)}</w:r>"
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>'


def _table(table: Table, area: int = TYPE_AREA_TWIPS) -> str:
    total = sum(table.columns)
    widths = [round(area * w / total) for w in table.columns]
    half_points = int(round(table.font_size * 2))
    grid = table.grid()
    parts = [
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblBorders><w:top w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        '<w:left w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        '<w:right w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        '<w:insideH w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        '<w:insideV w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    last = len(table.rows) - 1
    for r, (row, slots) in enumerate(zip(table.rows, grid)):
        keep = table.keep_together and r < last
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if row.header else "")
        parts.append(f"<w:tr><w:trPr>{trpr}</w:trPr>")
        c = 0
        while c < len(slots):
            cell, origin_row, _ = slots[c]
            span = cell.colspan
            width = sum(widths[c : c + span])
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                tcpr += f'<w:gridSpan w:val="{span}"/>'
            if cell.rowspan > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if origin_row else "<w:vMerge/>"
            tcpr += '<w:vAlign w:val="center"/>'
            ppr = '<w:pStyle w:val="TableText"/>' + ("<w:keepNext/>" if keep else "")
            ppr += f'<w:jc w:val="{"left" if cell.align == "left" and not cell.key else "center"}"/>'
            content = f'<w:r><w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>{_t(cell.text)}</w:r>'
            parts.append(
                f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>"
                f"{content if origin_row else ''}</w:p></w:tc>"
            )
            c += span
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def body_xml(document: Document, pack: Pack) -> str:
    lead_font = _first(pack.settings["fonts"]["heading2"])
    area = type_area_twips(pack)
    title_runs = '<w:r><w:br/></w:r>'.join(f"<w:r>{_t(line)}</w:r>" for line in document.title_lines)
    out = [f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{title_runs}</w:p>']

    def blocks(items) -> None:
        for block in items:
            if isinstance(block, Heading):
                out.append(_paragraph("Heading1" if block.level == 1 else "Heading2", block.text))
            elif isinstance(block, Paragraph):
                out.append(_paragraph("Normal", block.text, block.lead, lead_font))
            elif isinstance(block, Table):
                out.append(_table(block, area))
                out.append('<w:p><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr></w:p>')

    blocks(document.preface)
    for section in document.sections:
        blocks([section.heading])
        blocks(section.blocks)
    out.append('<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:p>')
    out.append(_paragraph("Signature", document.signature.issuer))
    out.append(_paragraph("Signature", document.signature.date))
    return "".join(out)


@lru_cache(maxsize=16)
def _parts(pack: Pack) -> tuple[tuple[tuple[str, bytes], ...], str, str]:
    """The skeleton's zip parts, and its document.xml split where the body content goes."""
    with zipfile.ZipFile(io.BytesIO(skeleton(pack))) as package:
        # python-docx's default template carries a thumbnail of an empty page: drop it and its relationship.
        parts = tuple(
            (name, _drop_thumbnail(name, package.read(name)))
            for name in package.namelist()
            if name != "docProps/thumbnail.jpeg"
        )
    document_xml = dict(parts)["word/document.xml"].decode("utf-8")
    cut = document_xml.index("<w:sectPr")
    return parts, document_xml[:cut], document_xml[cut:]


def _drop_thumbnail(name: str, data: bytes) -> bytes:
    if name == "_rels/.rels":
        return re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", data)
    return data


def _core_xml(document: Document) -> bytes:
    stamp = f"{document.meta.get('date', '2000-01-01')}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(document.title)}</dc:title><dc:subject>政府信息公开工作年度报告</dc:subject>"
        f"<dc:creator>{escape(document.signature.issuer)}</dc:creator><cp:lastModifiedBy>govreport</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def render(document: Document, pack: Pack) -> bytes:
    """The .docx bytes: the skeleton's parts with this report's body and properties; byte-identical for the same
    input (fixed zip timestamps), so regenerated samples do not churn."""
    parts, head, tail = _parts(pack)
    replaced = {
        "word/document.xml": (head + body_xml(document, pack) + tail).encode("utf-8"),
        "docProps/core.xml": _core_xml(document),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, replaced.get(name, data))
    return out.getvalue()
