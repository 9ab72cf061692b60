"""The PDF is set as GB/T 9704—2012 sets an official document, measured from its own text positions (pdftotext -bbox).

Text block 156 × 225 mm at 37 mm from the top and 28 mm from the left; body 28 characters × 22 lines, every full line
justified to the right edge (184 mm); headings by level in 黑体, 楷体 and 仿宋, never the last line of a page; no widows
or orphans; page numbers in 4号 宋体, 7 mm below the text block, one character in from the outside edge; the 落款 placed
by 7.3.5.3 and kept with the last lines; figures that a line must not split kept whole; table labels broken only where
the official form breaks them; no page left more than a third empty, except before a part of a table that cannot
break and does not fit. Every input in inputs/ is measured, and random reports (narratives of random length with
figures, dates and headings; random tables) — GOVREPORT_PDF_EXAMPLES=50 tries more of them.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import base_report, dump
from conftest import INPUTS, render_input
from generator.document import Heading, Paragraph
from generator.model.figures import unbroken
from generator.pipeline import check_file, document_for, pack_for
from generator.readers.yaml import load_string
from generator.writers import pdf as pdf_writer
from generator.writers.pdf import typeset as pdf_typeset
from pdfmeasure import Geometry, Report, fonts, is_chinese, pages
from test_properties import valid_tables

TOLERANCE = 0.5  # mm


# --- reading a report back ---------------------------------------------------------------------------------------
def _blocks(document):
    for block in document.preface:
        yield block
    for section in document.sections:
        yield section.heading
        yield from section.blocks


def measured(pdf: bytes, document) -> Report:
    headings = {block.text: block.level for block in _blocks(document) if isinstance(block, Heading)}
    headings.update({block.lead: 2 for block in _blocks(document) if isinstance(block, Paragraph) and block.lead})
    return Report(pages(pdf), Geometry(), headings, (document.signature.issuer, document.signature.date))


def _input(path):
    report = check_file(path).report
    pack = pack_for(report)
    document = document_for(report, pack)
    pdf = render_input(path)["pdf"]
    return measured(pdf, document), document, pdf, pack


@pytest.fixture(scope="module", params=INPUTS, ids=[p.stem for p in INPUTS])
def sample(request):
    return _input(request.param)


# --- the checks (each returns what is wrong, in words) ------------------------------------------------------------
def text_block(report: Report) -> list[str]:
    """Left edge 28 mm (or two characters in), every full line ending at 184 mm, 28 characters to a full line of
    Chinese (26 after the indent)."""
    g, problems = report.geometry, []
    running = report.running()
    if not running:
        return ["no running text"]
    for page, line in running:
        if not (report.at_left(line) or report.indented(line)):
            problems.append(f"p{page.number}: line starts at {line.x0:.1f} mm: {line.text[:20]}")
    at_left = [line for _page, line in running if report.at_left(line)]
    if not at_left:
        problems.append("no line starts at the left edge of the text block")
    following = dict(zip((id(line) for _page, line in running), (line for _page, line in running[1:])))
    for page, line in report.full_lines():
        if abs(line.x1 - g.right) > TOLERANCE:
            problems.append(f"p{page.number}: full line ends at {line.x1:.1f} mm, not {g.right:.0f}: {line.text}")
        if len(line.words) == 1 and all(is_chinese(ch) for ch in line.text):
            want = g.chars - (2 if report.indented(line) else 0)
            if len(line.text) > want or len(line.text) < want and not _held_over(following[id(line)].text):
                problems.append(f"p{page.number}: full line of {len(line.text)} characters, not {want}: {line.text}")
    return problems


OPENING = "（《“‘〔【「『［"
CLOSING = "，。、；：？！）》”’〕】」』］…—"
QUOTES = "“‘"  # no break before or after a quotation mark (UAX 14 class QU)


def _held_over(text: str) -> bool:
    """Whether a line beginning with `text` explains why the line before holds fewer characters than the grid: it
    begins with an opening mark (which may not end a line) or with a figure kept whole, or its second character is a
    closing mark (which may not begin a line, so the character before it came along) or a quotation mark."""
    return bool(text) and (
        text[0] in OPENING or not is_chinese(text[0]) or len(text) > 1 and text[1] in CLOSING + QUOTES
    )


def full_pages(report: Report) -> list[str]:
    """A page of running text only, which the text goes on after, holds 22 lines, one line pitch apart."""
    g, problems = report.geometry, []
    full = {(page.number, id(line)) for page, line in report.full_lines()}
    for page in report.pages[:-1]:
        lines = [line for line in page.lines if not report.is_page_number(line)]
        if not lines or any(not report.is_body(line) for line in lines):
            continue  # a title or a table
        if (page.number, id(lines[-1])) not in full:
            continue  # the page ends with the end of a paragraph: it may be shorter
        # one line fewer where the paragraph's last two lines went on together (no widow)
        want = {g.lines, g.lines - 1} if _widow_kept_away(report, report.pages[page.number]) else {g.lines}
        if len(lines) not in want:
            problems.append(f"p{page.number}: {len(lines)} lines on a full page, not {g.lines}")
        steps = {round(b.y0 - a.y0, 1) for a, b in zip(lines, lines[1:])}
        if len(steps) > 1 and max(steps) - min(steps) > 0.15:
            problems.append(f"p{page.number}: lines not evenly spaced: {sorted(steps)}")
    return problems


def _widow_kept_away(report: Report, page) -> bool:
    """Whether `page` begins with the last two lines of a paragraph begun on the page before."""
    body = report.body(page)
    return (len(body) >= 2 and report.at_left(body[0]) and report.at_left(body[1])
            and (len(body) == 2 or not report.at_left(body[2])))


def headings_kept(report: Report) -> list[str]:
    """A heading is never the last line of a page: the lowest content of every page is not a heading."""
    problems = []
    for page in report.pages:
        lines = [line for line in page.lines if not report.is_page_number(line)]
        if lines and report.is_body(lines[-1]) and report.heading_level(lines[-1]) is not None:
            problems.append(f"p{page.number}: ends with the heading {lines[-1].text}")
    return problems


def widows_and_orphans(report: Report) -> list[str]:
    """No paragraph leaves one line alone at the foot of a page (orphan) or at the head of the next (widow)."""
    problems = []
    running = report.running()
    for index, (page, line) in enumerate(running):
        following = running[index + 1] if index + 1 < len(running) else None
        last_on_page = following is None or following[0] is not page
        if last_on_page and following is not None and report.indented(line) and report.at_left(following[1]):
            problems.append(f"p{page.number}: a paragraph's first line alone at the foot: {line.text[:20]}")
        first_on_page = index == 0 or running[index - 1][0] is not page
        if first_on_page and index and report.at_left(line):
            if following is None or following[0] is not page or not report.at_left(following[1]):
                if report.heading_level(line) is None:
                    problems.append(f"p{page.number}: a paragraph's last line alone at the head: {line.text[:20]}")
    return problems


def signature_placed(report: Report) -> list[str]:
    """GB/T 9704—2012 7.3.5.3: one blank line below the text, the issuer 右空二字, the date on the next line starting
    two characters right of the issuer's first; a longer date 右空二字 and the issuer moved left to match. The 落款
    never stands alone at the top of a page."""
    g, problems = report.geometry, []
    issuer_text, date_text = (text.replace(" ", "") for text in report.signature)
    page = report.pages[-1]
    body = report.body(page)
    try:
        issuer = next(line for line in body if line.text == issuer_text)
        date = next(line for line in body if line.text == date_text and line.y0 > issuer.y0)
    except StopIteration:
        return [f"落款 not found on the last page: {[line.text for line in body[-3:]]}"]
    above = [line for line in body if line.y1 <= issuer.y0]
    if len(above) < 2:
        problems.append(f"落款 with {len(above)} lines of text above it on its page")
    elif abs(issuer.y0 - above[-1].y0 - 2 * g.line_pitch) > 0.6:
        problems.append(f"落款 {issuer.y0 - above[-1].y0:.1f} mm below the last line, not two line pitches (空一行)")
    if abs(date.y0 - issuer.y0 - g.line_pitch) > 0.6:
        problems.append(f"date {date.y0 - issuer.y0:.1f} mm below the issuer, not one line pitch")
    two = 2 * g.pitch
    if date.x1 - date.x0 <= issuer.x1 - issuer.x0 + 0.3:
        if abs(g.right - issuer.x1 - two) > TOLERANCE:
            problems.append(f"issuer ends {g.right - issuer.x1:.1f} mm from the right edge, not {two:.1f} (右空二字)")
        if abs(date.x0 - issuer.x0 - two) > TOLERANCE:
            problems.append(f"date starts {date.x0 - issuer.x0:.1f} mm right of the issuer, not {two:.1f}")
    else:
        if abs(g.right - date.x1 - two) > TOLERANCE:
            problems.append(f"longer date ends {g.right - date.x1:.1f} mm from the right edge, not {two:.1f}")
        if abs(date.x0 - issuer.x0 - two) > TOLERANCE:
            problems.append(f"issuer not moved left to match: date {date.x0 - issuer.x0:.1f} mm right of it")
    return problems


def page_numbers(report: Report) -> list[str]:
    """"— n —" in 4号, its top 7 mm below the text block, one character (of its size) in from the outside edge."""
    g, problems = report.geometry, []
    em = g.page_number_size * 25.4 / 72
    for page in report.pages:
        numbers = [line for line in page.lines if report.is_page_number(line)]
        if len(numbers) != 1 or not re.fullmatch(rf"—{page.number}—", numbers[0].text):
            problems.append(f"p{page.number}: page number {[line.text for line in numbers]}")
            continue
        line = numbers[0]
        if abs(line.y0 - g.bottom - 7) > TOLERANCE:
            problems.append(f"p{page.number}: page number {line.y0 - g.bottom:.1f} mm below the text block, not 7")
        if page.number % 2 and abs(g.right - em - line.x1) > TOLERANCE:
            problems.append(f"p{page.number}: odd page number ends at {line.x1:.1f} mm, not {g.right - em:.1f}")
        if not page.number % 2 and abs(line.x0 - g.left - em) > TOLERANCE:
            problems.append(f"p{page.number}: even page number starts at {line.x0:.1f} mm, not {g.left + em:.1f}")
    return problems


def faces(pdf: bytes, document, pack_fonts: dict) -> list[str]:
    """Headings in their level's face (一、 黑体; （一） 楷体, run in or on its own; 1. 仿宋), page numbers in 宋体."""
    shown = [piece for page in fonts(pdf) for piece in page]

    def face_of(text: str) -> str | None:
        head = text.replace(" ", "")[:6]
        return next((face for piece, face in shown if piece.replace(" ", "").startswith(head)), None)

    def is_role(face: str | None, role: str) -> bool:
        names = {name.replace(" ", "").lower() for name in pack_fonts[role]}
        return face is not None and face.replace(" ", "").lower().split("-")[0] in names

    problems = []
    roles = {1: "heading1", 2: "heading2", 3: "body"}
    for block in _blocks(document):
        if isinstance(block, Heading) and not is_role(face_of(block.text), roles[block.level]):
            problems.append(f"heading {block.text!r} (level {block.level}) in {face_of(block.text)}")
        if isinstance(block, Paragraph) and block.lead and not is_role(face_of(block.lead), "heading2"):
            problems.append(f"run-in heading {block.lead!r} in {face_of(block.lead)}")
    numbers = [face for piece, face in shown if re.fullmatch(r"—\s*\d+\s*—", piece)]
    if not numbers or any(face not in ("FandolSong", "SimSun", "NSimSun") and "Song" not in face for face in numbers):
        problems.append(f"page numbers in {set(numbers)}, not 宋体")
    return problems


def figures_whole(report: Report, document) -> list[str]:
    """Every figure that a line must not split (figures.unbroken) stands on one line."""
    lines = [line.text for page in report.pages for line in report.body(page)]
    problems = []
    for block in _blocks(document):
        if isinstance(block, (Paragraph, Heading)):
            for piece, whole in unbroken(block.text) + (unbroken(block.lead) if isinstance(block, Paragraph) else []):
                if whole and not any(piece.replace(" ", "") in line for line in lines):
                    problems.append(f"{piece!r} split across lines")
    return problems


def pages_filled(report: Report, document) -> list[str]:
    """No page but the last is more than a third empty, unless what comes next is a part of a table that cannot break
    and needs more room than was left: the next page's first unbreakable run of rows (with the header rows and the
    heading above it) is taller than the empty space."""
    g, problems = report.geometry, []
    starts = _group_starts(document)
    for page, following in zip(report.pages, report.pages[1:]):
        empty = report.empty_share(page)
        if empty <= 1 / 3:
            continue
        room = empty * g.height
        needed = _first_unit(report, following, starts)
        if needed is None or needed <= room:
            problems.append(
                f"p{page.number} is {empty:.0%} empty; p{following.number} begins with "
                + (f"{needed:.0f} mm that would have fit" if needed is not None else "no table that could not break")
            )
    return problems


def _group_starts(document) -> set[str]:
    """The first label of every run of rows after which a table may go on to the next page (but the first)."""
    starts = set()
    for table in document.tables():
        for group in table.groups()[1:]:
            first = table.rows[group.start].cells[0]
            starts.add(first.text)
    return starts


def _first_unit(report: Report, page, starts: set[str]) -> float | None:
    """How tall the first unbreakable part of a table at the head of `page` is (from the top of the text block to
    the lowest line before the table's next run of rows), or None when the page does not begin with a table."""
    lines = [line for line in page.lines if not report.is_page_number(line)]
    table_lines = [line for line in lines if report.is_table_text(line)]
    if not table_lines:
        return None
    first_table = min(line.y0 for line in table_lines)
    if any(report.is_body(line) and line.y1 < first_table and not report.heading_level(line) for line in lines):
        return None  # running text comes first
    labels = [line for line in table_lines if any(line.text.startswith(s.replace(" ", "")[:8]) for s in starts)]
    header_end = min((line.y0 for line in labels if line.y0 > first_table + 1), default=None)
    end = header_end if header_end is not None else max(line.y1 for line in table_lines)
    return end - report.geometry.top


def labels_broken_as_the_form(report: Report, document) -> list[str]:
    """A label of a narrow column is set line by line as the official form sets it (nodes.Cell.lines: 商业/企业,
    （三）不予/公开, 自然人 unbroken) and stays in its column: every line of table text (a pdftotext word) that lies
    in the column of such a label and is part of it is one of its lines, or several of them."""
    g, problems = report.geometry, []
    labelled = []  # (left, right, table, cell) of every one-column label set line by line, in every table
    for table in document.tables():
        total = sum(table.columns)
        edges = [g.left]
        for width in table.columns:
            edges.append(edges[-1] + g.width * width / total)
        for row in table.grid():
            for c, (cell, first_row, first_column) in enumerate(row):
                if first_row and first_column and cell.lines and cell.colspan == 1:
                    labelled.append((edges[c] - 0.3, edges[c + 1] + 0.3, table.id, cell))
    seen = set()
    for page in report.pages:
        for line in page.lines:
            if not report.is_table_text(line):
                continue
            for x0, x1, text in line.words:
                cells = [(table, cell) for left, right, table, cell in labelled
                         if left <= x0 and x1 <= right and text in cell.text]
                seen.update(id(cell) for _table, cell in cells if text in cell.lines)
                if cells and not any(_whole_lines(text, cell) for _table, cell in cells):
                    problems.append(f"p{page.number}: {text!r} breaks {cells[0][1].text!r} of table {cells[0][0]}")
    missing = {cell.text for _l, _r, _t, cell in labelled if id(cell) not in seen}
    if missing:  # a label that overflowed its column, or was broken elsewhere
        problems.append(f"labels not found in their columns line by line: {sorted(missing)}")
    return problems


def _whole_lines(text: str, cell) -> bool:
    """Whether `text` is one or more consecutive lines of the label."""
    lines = cell.lines
    return any("".join(lines[i:j]) == text for i in range(len(lines)) for j in range(i + 1, len(lines) + 1))


ALL = (text_block, full_pages, headings_kept, widows_and_orphans, signature_placed, page_numbers)


def problems_of(pdf: bytes, document, pack) -> list[str]:
    report = measured(pdf, document)
    found = [problem for check in ALL for problem in check(report)]
    found += figures_whole(report, document) + pages_filled(report, document)
    found += labels_broken_as_the_form(report, document)
    found += faces(pdf, document, pack.settings["fonts"])
    return found


# --- every input -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("check", ALL, ids=[check.__name__ for check in ALL])
def test_layout(sample, check):
    report, _document, _pdf, _pack = sample
    assert check(report) == []


def test_text_block_measures(sample):
    """The measurements themselves: lines start at 28 mm, the full ones end at 184 mm, 28 characters to a line."""
    report, _document, _pdf, _pack = sample
    running = report.running()
    starts = sorted(line.x0 for _p, line in running if line.x0 < 30)
    assert abs(starts[len(starts) // 2] - 28) <= TOLERANCE
    full = report.full_lines()
    assert len(full) > 10 and all(abs(line.x1 - 184) <= TOLERANCE for _p, line in full)
    with_digits = [line for _p, line in full if re.search(r"[0-9A-Za-z]", line.text)]
    assert with_digits and all(abs(line.x1 - 184) <= TOLERANCE for line in with_digits)
    chinese = [len(line.text) for _p, line in full
               if len(line.words) == 1 and all(is_chinese(ch) for ch in line.text) and report.at_left(line)]
    assert max(set(chinese), key=chinese.count) == 28 and max(chinese) == 28


def test_figures_stay_whole(sample):
    report, document, _pdf, _pack = sample
    assert figures_whole(report, document) == []


def test_no_page_more_than_a_third_empty(sample):
    report, document, _pdf, _pack = sample
    assert pages_filled(report, document) == []


def test_table_labels_break_as_the_form(sample):
    report, document, _pdf, _pack = sample
    assert labels_broken_as_the_form(report, document) == []


def test_faces_by_level(sample):
    _report, document, pdf, pack = sample
    assert faces(pdf, document, pack.settings["fonts"]) == []


def test_sichuan_standard_number_on_one_line():
    """The Sichuan pack's preface cites DB51/T 2660—2019: on one line, within the text block."""
    report, _document, _pdf, _pack = _input(next(p for p in INPUTS if p.stem == "luzhou-2020-sichuan"))
    lines = [line for page in report.pages for line in report.body(page) if "DB51/T" in line.text]
    assert lines and all("DB51/T2660—2019" in line.text and line.x1 <= 184 + TOLERANCE for line in lines)


def test_paragraph_headings_are_headings():
    """（二）主动公开政府信息情况。 written as a paragraph of its own is a 楷体 heading, kept with what follows."""
    _report, document, pdf, _pack = _input(next(p for p in INPUTS if p.stem == "luzhou-2020"))
    assert Heading(2, "（二）主动公开政府信息情况。") in list(_blocks(document))
    shown = [piece for page in fonts(pdf) for piece in page]
    assert ("（二）主动公开政府信息情况。", "FandolKai") in shown or any(
        piece.startswith("（二）主动公开政府信息情况") and face != "FandolFang" for piece, face in shown)


@pytest.mark.parametrize("sentences", range(22, 27))
def test_signature_never_alone_at_the_head_of_a_page(sentences):
    """Part 六 lengthened sentence by sentence across a page break: with 22 sentences the text and the 落款 end page 5;
    with one more the 落款 no longer fits below the text and the last lines of the text go on with it."""
    data = base_report("2021")
    data["text"]["other"] = (
        "本年度未收取信息处理费。"
        + "本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * sentences
    )
    loaded = load_string(dump(data), file="落款.yaml")
    pack = pack_for(loaded.report)
    document = document_for(loaded.report, pack)
    report = measured(pdf_writer.render(document, pack), document)
    assert signature_placed(report) == [] and widows_and_orphans(report) == []


def test_justification_applies_to_this_weasyprint():
    assert pdf_typeset.installed() == ["chinese_justification", "figures_whole"]


@pytest.mark.parametrize("texts,expected", [
    (["中文字"], [[0, 1]]),
    (["共", "15件", "，占比"], [[0], [1, 2], [0, 1]]),  # digits take gaps only beside a Chinese character
    (["DB51/T 2660—2019《规范》"], [[15, 16, 17, 18]]),  # — is not full-width; a space is WeasyPrint's own
    (["甲", None, "乙"], [[], [], []]),  # no gap across a box that is not text (an image, an inline block)
    (["甲 乙"], [[]]),
])
def test_gaps_between_characters(texts, expected):
    assert pdf_typeset.gaps(texts) == expected


# --- random reports ----------------------------------------------------------------------------------------------
SENTENCES = (
    "本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
    "全年主动公开政府信息{n}条，其中通过政府网站发布{m}条，占比{p}%。",
    "按照《四川省政府信息公开工作年度报告编制发布规范》（DB51/T 2660—2019）的要求编制本报告。",
    "根据《关于印发{y}年政务公开工作要点的通知》（某政办发〔{y}〕{m}号）制定工作方案。",
    "统计期限自{y}年1月1日起至{y}年12月31日止，1—12月份共受理申请{m}件。",
    "联系电话：0470—{n}{m}，电子邮箱：gk{n}@example.gov.cn。",
    "进一步健全公开机制，提升主动公开信息质量，不断完善政府信息公开工作。",
)
HEADINGS = ("（{c}）加强平台建设，优化服务功能", "（{c}）主动公开政府信息情况。", "{d}.强化重点领域信息公开")
NUMERALS = "一二三四五六七八九"


@st.composite
def narrative(draw) -> str:
    paragraphs = []
    for index in range(draw(st.integers(1, 9))):
        if draw(st.booleans()) and index < 9:
            pattern = draw(st.sampled_from(HEADINGS))
            paragraphs.append(pattern.format(c=NUMERALS[index], d=index + 1))
        sentences = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8))
        text = "".join(s.format(n=draw(st.integers(1, 99999)), m=draw(st.integers(1, 999)),
                                p=draw(st.integers(1, 99)), y=draw(st.integers(2019, 2025))) for s in sentences)
        if draw(st.booleans()):
            text = f"（{NUMERALS[index]}）{draw(st.sampled_from(('工作情况', '存在的问题', '改进情况')))}。" + text
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


@settings(max_examples=int(os.environ.get("GOVREPORT_PDF_EXAMPLES", "4")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    tables=valid_tables(),
    overview=narrative(),
    problems=narrative(),
    issuer=st.sampled_from(["", "某某县人民政府办公室", "某某县政务公开领导小组办公室", "某某局"]),
    template=st.sampled_from([None, "neimenggu", "sichuan"]),
)
def test_random_reports(tables, overview, problems, issuer, template):
    data = tables.report()
    data["text"]["overview"] = overview
    data["text"]["problems"] = problems
    if issuer:
        data["issuer"] = issuer
    if template:
        data["template"] = template
        data["text"]["sections"] = {"proposals": "本年度办理人大代表建议5件、政协提案3件，办理结果均已公开。"}
    loaded = load_string(dump(data), file="随机.yaml")
    assert loaded.report is not None, [finding.format() for finding in loaded.findings]
    pack = pack_for(loaded.report)
    document = document_for(loaded.report, pack)
    assert problems_of(pdf_writer.render(document, pack), document, pack) == []
