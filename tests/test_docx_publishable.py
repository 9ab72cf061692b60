"""The DOCX is publishable as it comes out (issue 12): official faces that Word, WPS and LibreOffice can substitute,
zh-CN, the 28 × 22 document grid, headings and the 落款 kept with what follows, padded table cells, nothing left of
python-docx's default template — and, opened in LibreOffice, 仿宋/黑体/楷体/宋体 shapes, the 落款 whole and not alone on
its page, and the same text as our own PDF."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import INPUTS, render_input
from readback import squash

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"w": W_NS, "a": A_NS}
W = f"{{{W_NS}}}"

# The official faces (GB/T 9704 house style) and the name Word or WPS should fall back to when one is missing.
OFFICIAL = {  # each official face and its altName; 宋体: the page numbers
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei", "方正小标宋简体": "宋体", "宋体": "SimSun"
}
HOUSE_STYLES = ("Normal", "Title", "Heading1", "Heading2", "TableText", "Signature")
DEFAULT_TEMPLATE_FONTS = ("Calibri", "Cambria", "Times New Roman", "Arial", "ＭＳ", "MS ", "Courier", "Symbol")


def _val(element, attr: str = "val") -> str | None:
    return None if element is None else element.get(W + attr)


def _on(element) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return element is not None and _val(element) not in ("0", "false", "off")


class Docx:
    """The parts of one DOCX, parsed, with style resolution along w:basedOn."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self.names = package.namelist()
            self.raw = {name: package.read(name) for name in self.names}
        self.xml = {name: etree.fromstring(blob) for name, blob in self.raw.items() if name.endswith((".xml", ".rels"))}
        self.styles = self.xml["word/styles.xml"]
        self.document = self.xml["word/document.xml"]
        self.by_id = {s.get(W + "styleId"): s for s in self.styles.iterfind("w:style", NS)}

    def paragraphs(self):
        return self.document.findall("w:body/w:p", NS)

    def body_blocks(self):
        return [e for e in self.document.find("w:body", NS) if e.tag in (W + "p", W + "tbl")]

    @staticmethod
    def text(element) -> str:
        return "".join(t.text or "" for t in element.iter(W + "t"))

    def style_chain(self, style_id: str | None):
        while style_id:
            style = self.by_id[style_id]
            yield style
            style_id = _val(style.find("w:basedOn", NS))

    def paragraph_style(self, p) -> str:
        return _val(p.find("w:pPr/w:pStyle", NS)) or "Normal"

    def ppr(self, p, tag: str):
        """The paragraph property `tag` as it applies to p: direct, then its style chain, then the defaults."""
        direct = p.find(f"w:pPr/w:{tag}", NS)
        if direct is not None:
            return direct
        for style in self.style_chain(self.paragraph_style(p)):
            found = style.find(f"w:pPr/w:{tag}", NS)
            if found is not None:
                return found
        return self.styles.find(f"w:docDefaults/w:pPrDefault/w:pPr/w:{tag}", NS)

    def font_names(self) -> set[str]:
        """Every face named in styles, body, footers and the font table."""
        names = set()
        for name, root in self.xml.items():
            if name.startswith("word/") and not name.startswith("word/theme"):
                for fonts in root.iter(W + "rFonts"):
                    names.update(
                        v for k, v in fonts.attrib.items() if k.split("}")[1] in ("ascii", "hAnsi", "eastAsia", "cs")
                    )
        names.update(f.get(W + "name") for f in self.xml["word/fontTable.xml"].iterfind("w:font", NS))
        return names


@pytest.fixture
def docx(rendered) -> Docx:
    return Docx(rendered["docx"])


def _signature(input_path):
    from generator.pipeline import check_file, document_for, pack_for

    checked = check_file(input_path)
    return document_for(checked.report, pack_for(checked.report)).signature


# --- the XML of every input's DOCX ------------------------------------------------------------------------------
def test_font_table_names_each_official_face_with_its_fallback(docx):
    used = docx.font_names() - {""}
    assert used <= set(OFFICIAL), used  # the base pack names only the official faces
    fonts = {f.get(W + "name"): f for f in docx.xml["word/fontTable.xml"].iterfind("w:font", NS)}
    assert set(fonts) == used  # every face the document names is described, and nothing else
    for name in used:
        entry = fonts[name]
        assert _val(entry.find("w:altName", NS)) == OFFICIAL[name], name
        assert _val(entry.find("w:charset", NS)) == "86", name  # GB2312
        assert re.fullmatch(r"[0-9A-F]{20}", _val(entry.find("w:panose1", NS)) or ""), name
        assert _val(entry.find("w:family", NS)) and _val(entry.find("w:pitch", NS)), name
    # the four roles really use the four faces
    east_asia = {
        sid: _val(docx.by_id[sid].find("w:rPr/w:rFonts", NS), "eastAsia")
        for sid in ("Normal", "Title", "Heading1", "Heading2")
    }
    assert east_asia == {
        "Normal": "仿宋_GB2312",
        "Title": "方正小标宋简体",
        "Heading1": "黑体",
        "Heading2": "楷体_GB2312",
    }


def test_east_asian_language_is_zh_cn(docx):
    lang = docx.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert _val(lang, "eastAsia") == "zh-CN"
    theme_lang = docx.xml["word/settings.xml"].find("w:themeFontLang", NS)
    assert _val(theme_lang, "eastAsia") == "zh-CN"
    for element in docx.document.iter(W + "lang"):  # no run says otherwise
        assert _val(element, "eastAsia") in (None, "zh-CN")


def test_document_grid_is_28_characters_by_22_lines(docx):
    """每行 28 字、每页 22 行, computed from the section's own page, margins and grid as Word does."""
    sect = docx.document.find("w:body/w:sectPr", NS)
    size, margins, grid = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS), sect.find("w:docGrid", NS)
    assert _val(grid, "type") == "linesAndChars"
    width = int(_val(size, "w")) - int(_val(margins, "left")) - int(_val(margins, "right"))
    height = int(_val(size, "h")) - int(_val(margins, "top")) - int(_val(margins, "bottom"))
    assert height // int(_val(grid, "linePitch")) == 22
    body_pt = int(_val(docx.by_id["Normal"].find("w:rPr/w:sz", NS))) / 2
    pitch_pt = body_pt + int(_val(grid, "charSpace")) / 4096
    assert math.floor(width / 20 / pitch_pt) == 28, pitch_pt
    # the body's exact line height also gives 22 lines
    line = docx.by_id["Normal"].find("w:pPr/w:spacing", NS)
    assert _val(line, "lineRule") == "exact" and height // int(_val(line, "line")) == 22


def test_headings_keep_with_next_and_widow_control_is_on(docx):
    assert _on(docx.styles.find("w:docDefaults/w:pPrDefault/w:pPr/w:widowControl", NS))
    assert _on(docx.by_id["Normal"].find("w:pPr/w:widowControl", NS))
    for root in docx.xml.values():
        for element in root.iter(W + "widowControl"):
            assert _on(element)
    headings = [p for p in docx.paragraphs() if docx.paragraph_style(p) in ("Heading1", "Heading2")]
    assert len(headings) >= 6  # the six parts at least
    for p in headings:
        assert _on(docx.ppr(p, "keepNext")), docx.text(p)
        assert _on(docx.ppr(p, "widowControl")), docx.text(p)


def test_signature_is_kept_with_the_last_lines(docx, input_path):
    """The issuer keeps with its date; the blank line and the last block of text keep with the issuer."""
    signature = _signature(input_path)
    blocks = docx.body_blocks()
    issuer, date = blocks[-2], blocks[-1]
    assert (docx.text(issuer), docx.text(date)) == (signature.issuer, signature.date)
    assert docx.paragraph_style(issuer) == docx.paragraph_style(date) == "Signature"
    assert _on(docx.ppr(issuer, "keepNext"))
    blank = blocks[-3]
    assert docx.text(blank) == "" and _on(docx.ppr(blank, "keepNext"))
    last = blocks[-4]
    if last.tag == W + "tbl":  # a table's last row keeps with what follows
        last = last.findall("w:tr", NS)[-1].find("w:tc/w:p", NS)
    assert docx.text(last) and _on(docx.ppr(last, "keepNext")), docx.text(last)


def test_table_cells_have_vertical_padding(docx):
    tables = docx.document.findall("w:body/w:tbl", NS)
    assert len(tables) == 3
    for table in tables:
        margins = table.find("w:tblPr/w:tblCellMar", NS)
        for side in ("top", "bottom", "left", "right"):
            cell = margins.find(f"w:{side}", NS)
            assert _val(cell, "type") == "dxa" and int(_val(cell, "w")) >= 20, side  # at least 1 pt
        assert not table.findall(".//w:tcMar", NS)  # no cell takes its padding away


def test_no_default_template_leftovers(docx):
    """Only the styles the report uses; no theme fonts, no colour, no linked "… Char" styles, no Calibri/Cambria."""
    assert not [n for n in docx.names if "stylesWithEffects" in n or n.startswith("customXml") or "thumbnail" in n]
    # the house styles (a clerk adding a （一） heading finds 楷体 ready), and python-docx's ~150 others gone
    assert set(docx.by_id) == set(HOUSE_STYLES) | {"DefaultParagraphFont", "TableNormal"}
    assert {docx.paragraph_style(p) for p in docx.document.iter(W + "p")} <= set(HOUSE_STYLES)
    for style in docx.by_id.values():
        name = _val(style.find("w:name", NS))
        assert style.find("w:link", NS) is None and not name.endswith(" Char"), name
    for part in ("word/styles.xml", "word/document.xml", "word/footer1.xml", "word/footer2.xml", "word/settings.xml"):
        xml = docx.raw[part].decode("utf-8")
        assert not re.search(r'w:(ascii|hAnsi|eastAsia|cs)Theme=|w:cstheme=|w:themeColor=', xml), part
        colours = set(re.findall(r'<w:color w:val="([^"]+)"', xml))
        assert colours <= {"000000", "auto"}, (part, colours)
        # settings name Word's maths font (m:mathFont "Cambria Math"), for equations only
        if part != "word/settings.xml":
            assert not any(name in xml for name in DEFAULT_TEMPLATE_FONTS), part
    assert not any(name in docx.raw["word/fontTable.xml"].decode("utf-8") for name in DEFAULT_TEMPLATE_FONTS)
    theme = docx.xml["word/theme/theme1.xml"]
    for scheme, face in (("majorFont", "黑体"), ("minorFont", "仿宋_GB2312")):
        for script in ("latin", "ea"):
            assert theme.find(f".//a:{scheme}/a:{script}", NS).get("typeface") == face
        assert {f.get("typeface") for f in theme.iterfind(f".//a:{scheme}/a:font", NS)} == {face}


def test_docx_parts_are_declared():
    """Every part in the package has its content type and a relationship pointing at it (none left dangling)."""
    data = render_input(INPUTS[0])["docx"]
    docx = Docx(data)
    types = docx.xml["[Content_Types].xml"]
    overrides = {o.get("PartName").lstrip("/") for o in types if o.get("PartName")}
    targets = {"word/" + r.get("Target") for r in docx.xml["word/_rels/document.xml.rels"]}
    targets |= {r.get("Target") for r in docx.xml["_rels/.rels"]}
    parts = {n for n in docx.names if not n.endswith(".rels") and n != "[Content_Types].xml"}
    assert parts == targets
    assert parts <= overrides | {n for n in parts if n.endswith(".jpeg")}


# --- the fonts this machine shows for those names -------------------------------------------------------------------
FC_MATCH = shutil.which("fc-match")
# What scripts/setup.sh makes fontconfig choose for each official name (an open face of the same style).
STAND_INS = {
    "仿宋_GB2312": ("FandolFang",),
    "楷体_GB2312": ("FandolKai",),
    "黑体": ("FandolHei",),
    "方正小标宋简体": ("FandolSong", "Noto Serif CJK SC"),
}


def _fc_family(name: str) -> str:
    return subprocess.run(
        [FC_MATCH, "-f", "%{family[0]}", f"{name}:lang=zh-cn"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(FC_MATCH is None, reason="fontconfig (fc-match) is not installed; scripts/setup.sh installs it")
def test_fontconfig_maps_official_names_to_open_faces():
    chosen = {
        name: _fc_family(name)
        for name in list(STAND_INS) + ["仿宋", "FangSong", "楷体", "KaiTi", "SimHei", "宋体", "SimSun"]
    }
    for name, families in STAND_INS.items():
        assert chosen[name] in families, f"fc-match {name} → {chosen[name]}; run scripts/setup.sh ({chosen})"
    assert chosen["仿宋"] == chosen["FangSong"] == chosen["仿宋_GB2312"]
    assert chosen["楷体"] == chosen["KaiTi"] == chosen["楷体_GB2312"]
    assert chosen["SimHei"] == chosen["黑体"]
    assert chosen["宋体"] == chosen["SimSun"] == chosen["方正小标宋简体"]


# --- LibreOffice: every input's DOCX converted in one soffice call --------------------------------------------------
SOFFICE = shutil.which("soffice")
office = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; scripts/setup.sh installs it"
)


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    sources = []
    for path in INPUTS:
        source = folder / f"{path.stem}.docx"
        source.write_bytes(render_input(path)["docx"])
        sources.append(str(source))
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *sources],
        check=True, capture_output=True, timeout=600,
    )
    return {path.stem: folder / f"{path.stem}.pdf" for path in INPUTS}


def _pdf_pages(pdf: Path, *options: str) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info)[1])
    return [
        subprocess.run(
            ["pdftotext", *options, "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _body_text(pages: list[str]) -> list[str]:
    """Each page's text without whitespace and without its page number "— n —"."""
    return [re.sub(rf"—{n}—", "", squash(page), count=1) for n, page in enumerate(pages, start=1)]


def _pdf_fonts(pdf: Path) -> set[str]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+", 1)[-1] for line in lines if line.strip()}


@office
@pytest.mark.parametrize("stem", [p.stem for p in INPUTS])
def test_libreoffice_shows_the_official_styles(office_pdfs, stem):
    """Title, headings and body come out in the Song, Hei, Kai and Fang faces fontconfig chose, not in one sans face."""
    fonts = {re.sub(r"[\s-]", "", f) for f in _pdf_fonts(office_pdfs[stem])}
    docx = Docx(render_input(next(p for p in INPUTS if p.stem == stem))["docx"])
    wanted = ["方正小标宋简体", "仿宋_GB2312", "黑体"]
    if (
        any(docx.paragraph_style(p) == "Heading2" for p in docx.paragraphs())
        or "楷体_GB2312" in docx.raw["word/document.xml"].decode()
    ):
        wanted.append("楷体_GB2312")
    families = {name: re.sub(r"\s", "", _fc_family(name)) for name in wanted}
    assert len(set(families.values())) == len(wanted), f"one face for several styles: {families}"
    for name, family in families.items():
        assert any(font.startswith(family) for font in fonts), (name, family, fonts)
    assert not any("DejaVu" in font or "Sans" in font and "CJK" not in font for font in fonts), fonts


@office
@pytest.mark.parametrize("stem", [p.stem for p in INPUTS])
def test_libreoffice_keeps_the_signature_whole_and_not_alone(office_pdfs, stem):
    signature = _signature(next(p for p in INPUTS if p.stem == stem))
    pages = _body_text(_pdf_pages(office_pdfs[stem], "-layout"))
    issuer, date = squash(signature.issuer), squash(signature.date)
    last = pages[-1]
    assert last.endswith(issuer + date), last[-80:]  # issuer and date together, at the end of the last page
    before = last[: -len(issuer + date)]
    assert len(re.findall(r"[\u4e00-\u9fff]", before)) >= 2, f"the 落款 stands alone on page {len(pages)}: {last!r}"


def _repeated_headers(path: Path) -> list[Counter]:
    """The characters of each breakable table's header rows (what a page break repeats)."""
    from generator.pipeline import check_file, document_for

    document = document_for(check_file(path, find_previous=False).report)
    out = []
    for block in _walk(document):
        if getattr(block, "rows", None) and getattr(block, "breaks", ()):
            out.append(Counter(squash("".join(cell.text for row in block.rows if row.header for cell in row.cells))))
    return out or [Counter()]


def _walk(node):
    yield node
    for name in ("sections", "blocks", "children"):
        for child in getattr(node, name, None) or ():
            yield from _walk(child)


@office
@pytest.mark.parametrize("stem", [p.stem for p in INPUTS])
def test_libreoffice_pages_hold_the_text_of_our_pdf(office_pdfs, stem, tmp_path):
    """Nothing is lost or added on the way through LibreOffice: the same characters as our PDF, and every paragraph
    of the report, in order."""
    path = next(p for p in INPUTS if p.stem == stem)
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(render_input(path)["pdf"])
    office_text = "".join(_body_text(_pdf_pages(office_pdfs[stem])))
    our_text = "".join(_body_text(_pdf_pages(ours)))
    # Where a table breaks across pages its header rows are repeated, in each file wherever its own page breaks
    # fall: the two may differ by whole repetitions of header rows, and by nothing else.
    headers = _repeated_headers(path)
    for more, less in ((our_text, office_text), (office_text, our_text)):
        surplus = Counter(more) - Counter(less)
        assert not surplus or any(
            not surplus - Counter({char: count * times for char, count in header.items()})
            for header in headers
            for times in (1, 2, 3)
        ), surplus
    docx = Docx(render_input(path)["docx"])
    position = 0
    # the narrative, headings and 落款 (table cells are read back by test_readback/test_office)
    for p in docx.paragraphs():
        text = squash(docx.text(p))
        if text:
            found = office_text.find(text, position)
            assert found >= 0, text
            position = found + len(text)


def _footer_faces(docx: bytes) -> set[tuple[str | None, str | None]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        faces = set()
        for name in ("word/footer1.xml", "word/footer2.xml"):
            root = etree.fromstring(package.read(name))
            for run in root.iter(W + "rPr"):
                fonts, size = run.find(W + "rFonts"), run.find(W + "sz")
                faces.add((fonts.get(W + "eastAsia") if fonts is not None else None, _val(size)))
    return faces


def test_page_numbers_are_4hao_song_and_a_pack_can_change_their_face(tmp_path):
    """GB/T 9704—2012 7.5: page numbers in 4号半角宋体 — the pack setting fonts.page_number (base: 宋体), in the
    DOCX footers and the PDF's page-margin boxes alike."""
    from generator.packs import pack_named
    from generator.pipeline import document_for
    from generator.readers.yaml import load
    from generator.writers import writer
    from generator.writers.html import render_text

    report = load(INPUTS[0]).report
    base = pack_named(report.template)
    assert _footer_faces(writer("docx")(document_for(report, base), base)) == {("宋体", "28")}
    agency = tmp_path / "本机关"
    agency.mkdir()
    (agency / "pack.yaml").write_text('settings:\n  fonts:\n    page_number: ["黑体", "SimHei"]\n', encoding="utf-8")
    own = pack_named(report.template, agency)
    document = document_for(report, own)
    assert _footer_faces(writer("docx")(document, own)) == {("黑体", "28")}
    css = render_text(document, own)
    assert re.findall(r'counter\(page\) " —"; font-family: ([^;]*);', css) == ['"黑体", "SimHei", serif'] * 2


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_narrow_labels_break_where_the_official_form_breaks_them(path):
    """商业/企业, （三）不予/公开, 结果/维持 …: a label of a narrow column is set line by line (w:br between its lines),
    as the PDF and HTML set it, so Word and WPS never break it inside a word ("商业企/业")."""
    from generator.pipeline import document_for
    from generator.readers.yaml import load

    report = load(path).report
    document = document_for(report)
    expected = Counter(
        "|".join(cell.lines) for table in document.tables() for row in table.rows for cell in row.cells
        if len(cell.lines) > 1
    )
    assert expected["商业|企业"] and expected["（三）不予|公开"] and expected["结果|维持"]
    with zipfile.ZipFile(io.BytesIO(render_input(path)["docx"])) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    found: Counter = Counter()
    for run in body.iter(W + "r"):
        if run.find(W + "br") is not None and run.find(W + "t") is not None:
            found["|".join(t.text or "" for t in run.iter(W + "t"))] += 1
    assert found == expected
