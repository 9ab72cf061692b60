"""Read-back: every input in inputs/ rendered as HTML, DOCX and PDF; the numbers read back out of each file, cell by
cell, equal the input (tables 二, 三 with its computed 总计 column and （七）总计 row, 四 with its computed totals)."""

from __future__ import annotations

import io
import re

import pytest

from official import APPLICANTS, CORNER, PARTS, application_rows
from readback import (
    active_rows,
    application_keys,
    application_values,
    docx_document,
    docx_grid,
    expected_active,
    expected_applications,
    expected_reviews,
    figure,
    find_rows,
    html_grid,
    html_tables,
    html_text,
    numbers_after,
    pdf_pages,
    raw_input,
    regions,
    report_format,
    review_values,
    squash,
)

TABLE_IDS = ("active", "applications", "reviews")
EXPECTED = {"active": expected_active, "applications": expected_applications, "reviews": expected_reviews}


# --- HTML -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_html_table_grid_equals_input(input_path, rendered, table_id):
    """Each table, placed slot by slot from its rowspan/colspan, reads exactly the labels and numbers expected."""
    tables = html_tables(rendered["html"])
    grid = html_grid(tables[f"table-{table_id}"])
    want, want_regions = EXPECTED[table_id](raw_input(input_path))
    assert [[cell["text"].strip() for cell in row] for row in grid] == want
    assert regions(grid) == want_regions


def test_html_three_tables_in_order(rendered):
    ids = list(html_tables(rendered["html"]))
    assert ids == ["table-active", "table-applications", "table-reviews"]


def test_html_applications_keys_and_header(input_path, rendered):
    """Number cells carry the data-key of their input cell at the right grid position; the header is <thead>/<th>."""
    rows = html_tables(rendered["html"])["table-applications"]
    grid = html_grid(rows)
    fmt = report_format(raw_input(input_path))
    assert [[cell["key"] for cell in row] for row in grid] == application_keys(fmt)
    assert [all(cell["thead"] for cell in row) for row in rows[:3]] == [True] * 3
    assert not any(cell["thead"] for row in rows[3:] for cell in row)
    assert all(cell["tag"] == "th" for row in rows[:3] for cell in row)
    assert all(cell["tag"] == "td" for row in rows[3:] for cell in row)


def test_html_official_spans_as_written(input_path, rendered):
    """The rowspan/colspan attributes themselves, as a CMS receives them."""
    tables = html_tables(rendered["html"])
    spans = lambda row: [(c["text"].strip(), c["rowspan"], c["colspan"]) for c in row]  # noqa: E731
    head = tables["table-applications"][:3]
    assert spans(head[0]) == [(CORNER, 3, 3), ("申请人情况", 1, 7)]
    assert spans(head[1]) == [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)]
    assert spans(head[2]) == [(name, 1, 1) for name in APPLICANTS[1:]]
    fmt = report_format(raw_input(input_path))
    body = tables["table-applications"][3:]
    assert spans(body[0])[0] == ("一、本年新收政府信息公开申请数量", 1, 3)
    assert spans(body[2])[:2] == [("三、本年度办理结果", 22 if fmt == "2021" else 20, 1), ("（一）予以公开", 1, 2)]
    assert spans(body[4])[:2] == [("（三）不予公开", 8, 1), ("1.属于国家秘密", 1, 1)]
    assert spans(body[-1])[0] == ("四、结转下年度继续办理", 1, 3)
    reviews = tables["table-reviews"]
    assert spans(reviews[0]) == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert spans(reviews[1])[4:] == [("总计", 2, 1), ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]


def test_html_reviews_keys(rendered):
    grid = html_grid(html_tables(rendered["html"])["table-reviews"])
    keys = [cell["key"] for cell in grid[3]]
    assert keys == [
        f"reviews.{g}[{i}]"
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        for i in range(5)
    ]


def test_html_is_self_contained(rendered):
    html = rendered["html"].decode("utf-8")
    assert "<style>" in html and ".govreport" in html
    assert not re.search(r"<link[^>]+stylesheet|<script|src=\"http", html)
    # Jinja autoescaping must not have mangled the quoted font names of the CSS.
    assert "&#34;" not in html.split("</style>")[0] and "&quot;" not in html.split("</style>")[0]
    assert "仿宋_GB2312" in html.split("</style>")[0]


def test_html_parts_in_order(input_path, rendered):
    text = html_text(rendered["html"])
    positions = [text.find(part) for part in PARTS]
    assert -1 not in positions and positions == sorted(positions)


# --- DOCX -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("index,table_id", list(enumerate(TABLE_IDS)))
def test_docx_table_grid_equals_input(input_path, rendered, index, table_id):
    document = docx_document(rendered["docx"])
    assert len(document.tables) == 3
    texts, elements = docx_grid(document.tables[index])
    want, want_regions = EXPECTED[table_id](raw_input(input_path))
    assert texts == want
    assert regions(elements) == want_regions


def test_docx_applications_merges(input_path, rendered):
    """The named merges of table 三: corner 3×3, 三、本年度办理结果 22 rows (2021) / 20 (2019), （三） 8 rows."""
    _texts, elements = docx_grid(docx_document(rendered["docx"]).tables[1])
    merged = {(r, c): (h, w) for r, c, h, w in regions(elements)}
    fmt = report_format(raw_input(input_path))
    assert merged[(0, 0)] == (3, 3)
    assert merged[(0, 3)] == (1, 7)
    assert merged[(1, 4)] == (1, 5)
    assert merged[(5, 0)] == ((22, 1) if fmt == "2021" else (20, 1))
    assert merged[(7, 1)] == (8, 1)
    assert merged[(15, 1)] == (3, 1)
    assert merged[(18, 1)] == (5, 1)
    assert len(elements) == (28 if fmt == "2021" else 26)


def test_docx_merges_are_real_word_merges(rendered):
    """gridSpan for horizontal and vMerge restart/continue for vertical merges — not separate cells with text."""
    from docx.oxml.ns import qn

    table = docx_document(rendered["docx"]).tables[1]._tbl
    first_row = table.findall(qn("w:tr"))[0]
    corner = first_row.findall(qn("w:tc"))[0]
    assert corner.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "3"
    assert corner.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) == "restart"
    second = table.findall(qn("w:tr"))[1].findall(qn("w:tc"))[0]
    vmerge = second.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    assert vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
    assert "".join(second.itertext()) == ""  # continuation cells hold no text of their own


def test_docx_header_rows_repeat(rendered):
    from docx.oxml.ns import qn

    tables = docx_document(rendered["docx"]).tables
    for table, header_rows in ((tables[1], 3), (tables[2], 3)):
        flags = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in table._tbl.findall(qn("w:tr"))]
        assert flags == [True] * header_rows + [False] * (len(flags) - header_rows)


def test_docx_fonts_page_and_footer(rendered):
    from docx.oxml.ns import qn
    from docx.shared import Mm

    document = docx_document(rendered["docx"])

    def east_asia(style_name: str) -> str:
        fonts = document.styles[style_name].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        return fonts.get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋_GB2312"
    assert east_asia("Title") == "方正小标宋简体"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Heading 2") == "楷体_GB2312"
    assert east_asia("Table Text") == "仿宋_GB2312"
    assert document.styles["Title"].font.size.pt == 22
    assert document.styles["Normal"].font.size.pt == 16
    # the headings really use those styles
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert all(styles.get(part) == "Heading 1" for part in PARTS)
    assert document.paragraphs[0].style.name == "Title"

    section = document.sections[0]
    tolerance = Mm(0.1)
    for actual, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) < tolerance, (actual, mm)
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert re.search(r'w:instr="\s*PAGE\s*"|<w:instrText[^>]*>\s*PAGE\s*<', xml), xml
        assert re.sub(r"\s", "", footer.paragraphs[0].text).startswith("—") and footer.paragraphs[0].text.endswith("—")


def test_docx_parts_in_order(rendered):
    document = docx_document(rendered["docx"])
    texts = [p.text for p in document.paragraphs]
    assert [t for t in texts if t in PARTS] == list(PARTS)


def test_docx_is_deterministic(input_path, rendered):
    from generator.pipeline import check_file, document_for, pack_for, render_document

    checked = check_file(input_path)
    pack = pack_for(checked.report)
    assert render_document(document_for(checked.report, pack), pack, ("docx",))["docx"] == rendered["docx"]


# --- PDF --------------------------------------------------------------------------------------------------------
def _applications_rows(data) -> list[tuple[str, list[str]]]:
    values = application_values(data)
    return [(label, [str(v) for v in values[path]]) for path, _g, label, _k in application_rows(report_format(data))]


def test_pdf_applications_in_order(input_path, rendered):
    """Table 三 goes on to a next page only between its runs of rows (一 | 二 | 三's results under their merged label
    | 四), its header repeated on every page it stands on; its rows and numbers read in order across the pages."""
    data = raw_input(input_path)
    pages = pdf_pages(rendered["pdf"])
    holding = [i for i, text in enumerate(pages) if squash(CORNER) in squash(text)]
    assert holding and holding == list(range(holding[0], holding[-1] + 1)), holding
    for index in holding:  # the header on every page of the table
        for label in ("申请人情况", "法人或其他组织", *APPLICANTS):
            assert squash(label) in squash(pages[index]), (index, label)
    rows = _applications_rows(data)
    text = "\n".join(pages[index] for index in holding)
    assert find_rows(text, rows) is not None, text
    # the results, under one merged label, on one page
    results = [label for path, _g, label, kind in application_rows(report_format(data)) if kind in ("result", "total")]
    assert any(all(squash(label) in squash(pages[index]) for label in results) for index in holding)
    # the numbers of the table, in reading order, are exactly the 25 (23) rows × 7 of the input: on each page but the
    # last the table is the last thing, so every number after its header is the table's
    expected = [v for _label, values in rows for v in values]
    got: list[str] = []
    for index in holding:
        page = pages[index].split("\n")
        page = "\n".join(line for line in page if not re.fullmatch(r"—\s*\d+\s*—", line.strip()))  # page number
        got += numbers_after(page, CORNER, len(expected) - len(got))
    assert got == expected


def test_pdf_reviews_numbers(input_path, rendered):
    data = raw_input(input_path)
    text = "\n".join(pdf_pages(rendered["pdf"]))
    part4 = text[text.index(PARTS[3]) : text.index(PARTS[4])]
    got = numbers_after(part4, "复议后起诉", 15)
    assert got == [str(v) for v in review_values(data)]


def test_pdf_active_numbers(input_path, rendered):
    """Table 二: every row label followed by its figures (as typed; decimals kept), in the official order."""
    text = "\n".join(pdf_pages(rendered["pdf"]))
    part2 = text[text.index(PARTS[1]) : text.index(PARTS[2])]
    rows = active_rows(raw_input(input_path))
    assert find_rows(part2, rows) is not None, (rows, part2)


def _changes(data) -> list[tuple[str, str, int]]:
    """Table 二's changes (本年增/减, 2019 format): (input key, row label, value) of each."""
    from official import ACTIVE

    return [
        (key, label, int(data["active"][key][field]))
        for _caption, columns, rows in ACTIVE[report_format(data)]
        for key, label in rows
        for field, _l, _s in columns
        if field == "change"
    ]


def test_changes_read_back_with_their_sign(input_path, rendered):
    """本年增/减 shows the sign of an increase (+80 beside -51), in HTML, DOCX and PDF alike, and reads back as the
    input's number ("+80" is 80)."""
    data = raw_input(input_path)
    changes = _changes(data)
    if not changes:
        pytest.skip("the 2021 format has no 本年增/减")
    html = {cell["key"]: cell["text"].strip() for row in html_grid(html_tables(rendered["html"])["table-active"])
            for cell in row if cell["key"]}
    texts, _elements = docx_grid(docx_document(rendered["docx"]).tables[0])
    pdf = squash("\n".join(pdf_pages(rendered["pdf"])))
    for key, label, value in changes:
        shown = html[f"active.{key}.change"]
        assert figure(shown) == value and shown.startswith("+") == (value > 0), (label, shown)
        header = next(row for row in reversed(texts[: [r[0] for r in texts].index(label)]) if "本年增/减" in row)
        in_docx = texts[[r[0] for r in texts].index(label)][header.index("本年增/减")]
        assert in_docx == shown, (label, in_docx)
        assert squash(label) in pdf and re.search(re.escape(squash(label)) + r"\d+" + re.escape(shown), pdf), label
    assert any(value > 0 for _k, _l, value in changes) == any(text.startswith("+") for text in html.values())


def test_pdf_fonts_embedded_and_page_a4(rendered):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    fonts = {}
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1
        for name, ref in (page.get("/Resources", {}).get("/Font") or {}).items():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base, font in fonts.items():
        descriptor = (
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            if "/DescendantFonts" in font
            else font["/FontDescriptor"]
        )
        descriptor = descriptor.get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{base} not embedded"


def test_pdf_no_missing_glyphs(input_path, rendered):
    """Title, part headings and every row label extract exactly: no .notdef boxes, no U+FFFD."""
    from generator.pipeline import check_file, document_for

    report = check_file(input_path).report
    text = "\n".join(pdf_pages(rendered["pdf"]))
    assert "\ufffd" not in text
    flat = squash(text)
    assert squash(document_for(report).title) in flat  # the pack's title pattern (四川: year first)
    for label in [*PARTS, CORNER, *(row[2] for row in application_rows(report.format))]:
        assert squash(label) in flat, label


def test_pdf_page_numbers(rendered):
    pages = pdf_pages(rendered["pdf"])
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        last = text.strip().splitlines()[-1]
        # one space (WeasyPrint's text maps it to U+00A0) on each side of the half-width number
        assert re.fullmatch(rf"—\s{number}\s—", last.strip()), (number, last)
