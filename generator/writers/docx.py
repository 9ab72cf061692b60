"""DOCX writer: real Word tables with the official merged cells, GB/T 9704 page and East Asian fonts.

python-docx prepares a skeleton once per pack (A4 and margins, the 28 × 22 document grid, odd/even footers with a
PAGE field); its default template's leftovers are replaced by parts of our own: styles in the official faces only
(no theme fonts, no blue, no unused styles), a font table that tells Word and WPS which installed face stands in
for a missing official one (w:altName, charset, panose), zh-CN as the East Asian language. Each report then fills
the body with WordprocessingML built from the document in one pass, which is ~10× faster than adding cells one by
one through python-docx.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import OrderedDict
from xml.sax.saxutils import escape, quoteattr

from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from ..document import Document, Heading, Page, Paragraph, Table, page_of
from ..packs import Pack
from ..packs.schema import Settings

W = nsdecls("w")
TYPE_AREA_TWIPS = 8844  # 156 mm: A4 less 28 mm and 26 mm
PT_TWIPS = 20

# fontTable entries of the official faces: the name Word looks for first (w:altName) when the face is missing,
# then panose, charset 86 (GB2312), family, pitch and the Unicode/code-page signature, as Word itself writes them.
_SIG_GB2312 = ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")
_SIG_WINDOWS = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")
FACES: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed", _SIG_GB2312),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed", _SIG_GB2312),
    "方正小标宋简体": ("宋体", "02000000000000000000", "auto", "variable", _SIG_GB2312),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed", _SIG_WINDOWS),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed", _SIG_WINDOWS),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed", _SIG_WINDOWS),
    "宋体": (
        "SimSun", "02010600030101010101", "auto", "variable",
        ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000"),
    ),
}
_SIG_ATTRS = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
_LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
# w:snapToGrid off. In rPr it takes a run off the character grid (the title and tables, whose sizes are not the body's).
# In pPr it takes a paragraph off the line grid only, in Word (ECMA-376 §17.3.1.32): the body keeps its exact line
# height (22 lines a page) and its 28 characters a line. LibreOffice reads the paragraph flag as "no grid at all",
# and that is what it needs: it gives every body character two grid cells when the 16 pt face is wider than the
# 15.8 pt pitch, halving the line.
_NO_GRID = '<w:snapToGrid w:val="0"/>'
# A closing mark may hang past the end of the line. Word does so by default, but LibreOffice (7.4) needs it said:
# otherwise a "，" that falls after the last cell of a full justified line is not drawn at all.
_HANGING_PUNCTUATION = "<w:overflowPunct/>"
_CELL_PADDING_TWIPS = {"applications": 20}  # top and bottom; table 三 must fit one page, as in report.css
_CELL_PADDING_DEFAULT = 40  # 2 pt


def _mm_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _page_twips(page: Page) -> tuple[int, int]:
    """Width and height of the type area (版心) in twips."""
    return _mm_twips(page.width), _mm_twips(page.height)


def type_area_twips(page: Page) -> int:
    """Width of the type area for the page size and side margins (8844 for A4 with 28/26 mm)."""
    return _page_twips(page)[0]


def doc_grid(page: Page) -> tuple[int, int, int, int]:
    """The document grid Word users set for 公文 (每行 28 字、每页 22 行 on A4), the document's page grid
    (document/page.py: the HTML and PDF set the same): characters per line, lines per page, w:linePitch (twips) and
    w:charSpace (4096ths of a point added to the body size to make the character pitch)."""
    width, height = _page_twips(page)
    chars, lines = page.chars, page.lines
    char_space = math.floor((width / chars / PT_TWIPS - page.body) * 4096)
    return chars, lines, height // lines, char_space


def _first(names) -> str:
    return names[0] if isinstance(names, list) else str(names)


def _faces(style: Settings) -> dict[str, str]:
    fonts = style.fonts
    roles = ("title", "body", "heading1", "heading2", "table", "page_number")
    return {role: _first(getattr(fonts, role)) for role in roles}


def _rfonts(name: str) -> str:
    """Every script slot, East Asian included, in one face (Word and WPS read w:eastAsia for Chinese)."""
    q = quoteattr(name)
    return f"<w:rFonts w:ascii={q} w:eastAsia={q} w:hAnsi={q} w:cs={q}/>"


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


# --- parts that replace python-docx's defaults -------------------------------------------------------------------
def styles_xml(style: Settings) -> bytes:
    """Only the styles the report uses, each in its official face; the defaults carry no theme font or colour."""
    faces, sizes, page = _faces(style), style.sizes, style.page
    body = float(sizes.body)
    body_hp, title_hp, table_hp = (round(float(getattr(sizes, k)) * 2) for k in ("body", "title", "table"))
    line = round(float(page.line_height) * PT_TWIPS)
    two_chars = round(2 * body * PT_TWIPS)
    no_indent = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
    default_attr = ' w:default="1"'

    def paragraph_style(style_id, name, ppr, rpr, *, based="Normal", extra="", default=False):
        return (
            f'<w:style w:type="paragraph"{default_attr if default else ""} w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/>' + (f'<w:basedOn w:val="{based}"/>' if based else "")
            + f'<w:next w:val="Normal"/>{extra}<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
        )

    styles = [
        f"<w:docDefaults><w:rPrDefault><w:rPr>{_rfonts(faces['body'])}{_size(body_hp)}{_LANG}</w:rPr></w:rPrDefault>"
        "<w:pPrDefault><w:pPr><w:widowControl/></w:pPr></w:pPrDefault></w:docDefaults>",
        paragraph_style(
            "Normal", "Normal",
            f'<w:widowControl/>{_HANGING_PUNCTUATION}{_NO_GRID}'
            f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
            f'<w:ind w:firstLineChars="200" w:firstLine="{two_chars}"/><w:jc w:val="both"/>',
            f"{_rfonts(faces['body'])}{_size(body_hp)}",
            based=None, extra="<w:qFormat/>", default=True,
        ),
        paragraph_style(
            "Title", "Title",
            '<w:keepNext/>'
            f'<w:keepLines/>{_NO_GRID}<w:spacing w:before="0" w:after="{line}" w:line="240" w:lineRule="auto"/>'
            f'{no_indent}<w:jc w:val="center"/>',
            f"{_rfonts(faces['title'])}{_NO_GRID}{_size(title_hp)}",
            extra='<w:uiPriority w:val="10"/><w:qFormat/>',
        ),
    ]
    for level, face in ((1, faces["heading1"]), (2, faces["heading2"])):
        styles.append(
            paragraph_style(
                f"Heading{level}", f"heading {level}",
                f'<w:keepNext/><w:keepLines/><w:outlineLvl w:val="{level - 1}"/>',
                _rfonts(face),
                extra='<w:uiPriority w:val="9"/><w:qFormat/>',
            )
        )
    styles += [
        paragraph_style(
            "TableText", "Table Text",
            f'{_NO_GRID}<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{no_indent}'
            '<w:jc w:val="center"/>',
            f"{_rfonts(faces['table'])}{_NO_GRID}{_size(table_hp)}",
            extra="<w:qFormat/>",
        ),
        paragraph_style(
            "Signature", "Signature",
            f'<w:ind w:rightChars="200" w:right="{two_chars}" w:firstLineChars="0" w:firstLine="0"/>'
            '<w:jc w:val="right"/>',
            _rfonts(faces["body"]),
        ),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/>'
        '<w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        '</w:tblCellMar>'
        "</w:tblPr></w:style>",
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:styles {W}>{"".join(styles)}</w:styles>'
    ).encode("utf-8")


def font_table_xml(style: Settings) -> bytes:
    """One entry per face the document names, with what Word, WPS and LibreOffice need to substitute it."""
    entries = []
    for name in dict.fromkeys(_faces(style).values()):
        alt, panose, family, pitch, sig = FACES.get(name, ("", "", "auto", "variable", ()))
        entry = f"<w:font w:name={quoteattr(name)}>"
        entry += f"<w:altName w:val={quoteattr(alt)}/>" if alt else ""
        entry += f'<w:panose1 w:val="{panose}"/>' if panose else ""
        entry += f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
        if sig:
            entry += "<w:sig " + " ".join(f'w:{a}="{v}"' for a, v in zip(_SIG_ATTRS, sig)) + "/>"
        entries.append(entry + "</w:font>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:fonts {W}>{"".join(entries)}</w:fonts>'
    ).encode("utf-8")


def _theme_xml(theme: bytes, style: Settings) -> bytes:
    """The theme's heading and body fonts set to 黑体 and the body face, so that even "+标题"/"+正文" in Word's font
    list (or a pasted paragraph in a theme font) shows an official face, not Calibri or Cambria."""
    faces = _faces(style)

    def scheme(tag: str, face: str) -> bytes:
        q = quoteattr(face)
        return (
            f"<a:{tag}><a:latin typeface={q}/><a:ea typeface={q}/><a:cs typeface=\"\"/>"
            f'<a:font script="Hans" typeface={q}/></a:{tag}>'
        ).encode("utf-8")

    theme = re.sub(
        rb"<a:majorFont>.*?</a:majorFont>", lambda _: scheme("majorFont", faces["heading1"]), theme, flags=re.S
    )
    return re.sub(rb"<a:minorFont>.*?</a:minorFont>", lambda _: scheme("minorFont", faces["body"]), theme, flags=re.S)


def skeleton(style: Settings, page: Page) -> bytes:
    """An empty document with the style's fonts and sizes, the page setup, grid and footers, as bytes."""
    fonts, sizes = style.fonts, style.sizes
    doc = open_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    width, height = page.paper
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(page.margin_top), Mm(page.margin_bottom)
    section.left_margin, section.right_margin = Mm(page.margin_left), Mm(page.margin_right)
    section.footer_distance = Mm(max(page.margin_bottom - 7 - 7, 10))
    _chars, _lines, line_pitch, char_space = doc_grid(page)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch))
    grid.set(qn("w:charSpace"), str(char_space))
    doc.settings.odd_and_even_pages_header_footer = True
    language = doc.settings.element.find(qn("w:themeFontLang"))
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    number_font = _first(fonts.page_number)  # GB/T 9704—2012 7.5: 4号半角宋体
    number_size = int(float(sizes.page_number) * 2)
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        body = footer._element
        for p in list(body):
            body.remove(p)
        run = f"<w:rPr>{_rfonts(number_font)}{_NO_GRID}{_size(number_size)}</w:rPr>"
        body.append(
            parse_xml(
                f"<w:p {W}><w:pPr>{_NO_GRID}<w:ind w:left=\"{320 if align == 'left' else 0}\" "
                f'w:right="{320 if align == "right" else 0}" w:firstLineChars="0" w:firstLine="0"/>'
                f'<w:jc w:val="{align}"/></w:pPr>'
                f'<w:r>{run}<w:t xml:space="preserve">— </w:t></w:r>'
                f'<w:fldSimple w:instr=" PAGE "><w:r>{run}<w:t>1</w:t></w:r></w:fldSimple>'
                f'<w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r></w:p>'
            )
        )
    body = doc.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)

    # Parts of python-docx's default template the report does not use: styles with effects (a second copy of the
    # default styles, blue headings included), a bibliography, list numbering, and a thumbnail of an empty page.
    unused = {"stylesWithEffects", "customXml", "numbering", "thumbnail"}
    for owner in (doc.part, doc.part.package):
        for rId, rel in list(owner.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in unused:
                del owner.rels[rId]
    for rel in doc.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind == "styles":
            rel.target_part._element = parse_xml(styles_xml(style))
        elif kind == "fontTable":
            rel.target_part._blob = font_table_xml(style)
        elif kind == "theme":
            rel.target_part._blob = _theme_xml(rel.target_part.blob, style)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- body XML ---------------------------------------------------------------------------------------------------
def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _paragraph(style: str, text: str, lead: str = "", lead_font: str = "", *, keep: bool = False) -> str:
    runs = ""
    if lead:
        runs += f"<w:r><w:rPr>{_rfonts(lead_font)}</w:rPr>{_t(lead)}</w:r>"
    runs += f"<w:r>{_t(text)}</w:r>"
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{"<w:keepNext/>" if keep else ""}</w:pPr>{runs}</w:p>'


def _table(table: Table, area: int = TYPE_AREA_TWIPS, *, keep_last: bool = False) -> str:
    """A Word table with the official merges. `keep_last`: the last row too is kept with what follows."""
    total = sum(table.columns)
    widths = [round(area * w / total) for w in table.columns]
    half_points = int(round(table.font_size * 2))
    pad = _CELL_PADDING_TWIPS.get(table.id, _CELL_PADDING_DEFAULT)
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
        f'<w:tblCellMar><w:top w:w="{pad}" w:type="dxa"/><w:left w:w="40" w:type="dxa"/>'
        f'<w:bottom w:w="{pad}" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    last = len(table.rows) - 1
    for r, (row, slots) in enumerate(zip(table.rows, grid)):
        keep = (r < last and r + 1 not in table.breaks) or keep_last  # a row goes on only where the table may break
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
            # a label of a narrow column, line by line as the official form sets it (商业 / 企业)
            text = "<w:br/>".join(_t(line) for line in cell.lines) if len(cell.lines) > 1 else _t(cell.text)
            content = f'<w:r><w:rPr>{_size(half_points)}</w:rPr>{text}</w:r>'
            parts.append(
                f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>"
                f"{content if origin_row else ''}</w:p></w:tc>"
            )
            c += span
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def body_xml(document: Document, style: Settings, page: Page) -> str:
    lead_font = _first(style.fonts.heading2)
    area = type_area_twips(page)
    title_runs = '<w:r><w:br/></w:r>'.join(f"<w:r>{_t(line)}</w:r>" for line in document.title_lines)
    out = [f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{title_runs}</w:p>']
    items = list(document.preface)
    for section in document.sections:
        items += [section.heading, *section.blocks]
    # The 落款 never stands alone: the last lines of the text, the blank line, the issuer and the date are kept on
    # one page (keep-with-next; widow control brings at least two lines of a last paragraph along).
    end = len(items) - 1
    for i, block in enumerate(items):
        keep = i == end
        if isinstance(block, Heading) and block.level == 3:  # 1.… of its own: the body face, kept with what follows
            out.append(_paragraph("Normal", block.text, keep=True))
        elif isinstance(block, Heading):
            out.append(_paragraph("Heading1" if block.level == 1 else "Heading2", block.text))
        elif isinstance(block, Paragraph):
            out.append(_paragraph("Normal", block.text, block.lead, lead_font, keep=keep))
        elif isinstance(block, Table):
            out.append(_table(block, area, keep_last=keep))
            out.append(
                f'<w:p><w:pPr>{"<w:keepNext/>" if keep else ""}<w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
                '</w:p>'
            )
    out.append('<w:p><w:pPr><w:pStyle w:val="Normal"/><w:keepNext/></w:pPr></w:p>')
    out.append(_paragraph("Signature", document.signature.issuer, keep=True))
    out.append(_paragraph("Signature", document.signature.date))
    return "".join(out)


Parts = tuple[tuple[tuple[str, bytes], ...], str, str]
# Skeletons by the identity of the style they were made for (a pack's typed style is made once per loaded pack); the
# style is kept in the entry, so its identity is not reused while the entry lives. A batch uses one or a few.
_SKELETONS: OrderedDict[int, tuple[Settings, Page, Parts]] = OrderedDict()
_SKELETONS_KEPT = 16


def _parts(style: Settings, page: Page) -> Parts:
    """The skeleton's zip parts, and its document.xml split where the body content goes; made once per style."""
    kept = _SKELETONS.get(id(style))
    if kept is not None and kept[0] is style and kept[1] == page:
        return kept[2]
    with zipfile.ZipFile(io.BytesIO(skeleton(style, page))) as package:
        parts = tuple((name, package.read(name)) for name in package.namelist())
    document_xml = dict(parts)["word/document.xml"].decode("utf-8")
    cut = document_xml.index("<w:sectPr")
    made = (parts, document_xml[:cut], document_xml[cut:])
    _SKELETONS[id(style)] = (style, page, made)
    while len(_SKELETONS) > _SKELETONS_KEPT:
        _SKELETONS.popitem(last=False)
    return made


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
    input (fixed zip timestamps), so regenerated samples do not churn. Reads the document only (its style and page;
    `pack` is the writers' common signature): a DOCX has no pack templates."""
    style = document.style or pack.style
    page = document.page or page_of(style)
    parts, head, tail = _parts(style, page)
    replaced = {
        "word/document.xml": (head + body_xml(document, style, page) + tail).encode("utf-8"),
        "docProps/core.xml": _core_xml(document),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, replaced.get(name, data))
    return out.getvalue()
