"""What the document decides for every format about how the report is set (issue 12): headings written as paragraphs
of their own, the sign of a change, figures that a line must not split, the lines of the tables' narrow labels, where
a table may go on to the next page, and the place of the 落款 (GB/T 9704—2012 7.3.5.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import INPUTS
from generator.document import Heading, Paragraph, paragraphs
from generator.document.nodes import Cell, Row, Signature, Table
from generator.model.figures import signed, unbroken
from generator.pipeline import check_file, document_for, pack_for


@pytest.mark.parametrize("text,level", [
    ("（二）主动公开政府信息情况。", 2),  # luzhou-2020: a heading with its full stop
    ("（七）监督保障情况。", 2),
    ("（四）加强平台建设，优化服务功能", 2),
    ("4.强化重点领域信息公开，落实政府信息主动公开力度", 3),  # elunchun-2020
    ("（1）公开目录", 3),
])
def test_a_paragraph_of_a_heading_alone_is_a_heading(text, level):
    assert paragraphs(text) == [Heading(level, text)]


@pytest.mark.parametrize("text", [
    "（一）存在的问题。一是公开信息的时效性不够强。",  # a run-in heading: a lead, then the text
    "1.信息发布情况。2020年，各区县各部门按照要求公开。",
    "（三）本年度共收到申请5件。其中予以公开3件。",  # two sentences: running text
    "无。",
])
def test_running_text_stays_a_paragraph(text):
    (block,) = paragraphs(text)
    assert isinstance(block, Paragraph)
    assert block.lead + block.text == text


def test_leads_are_run_in_headings():
    (block,) = paragraphs("（一）存在的问题。一是公开信息的时效性不够强。")
    assert (block.lead, block.text) == ("（一）存在的问题。", "一是公开信息的时效性不够强。")


def test_small_brackets_and_stray_spaces_are_tidied():
    (block,) = paragraphs(
        "印发工作要点的通知》(内政公发﹝2020﹞1号)，通过文字解读、图文解读\u00a0、音频解读，DB51/T 2660—2019"
    )
    assert "〔2020〕1号" in block.text and "﹝" not in block.text
    assert "图文解读、音频解读" in block.text  # a no-break space between two Chinese characters means nothing
    assert "DB51/T 2660—2019" in block.text  # a space between Latin letters and digits stays


@pytest.mark.parametrize("value,shown", [(80, "+80"), (-51, "-51"), (0, "0"), (2, "+2"), (Decimal("1.5"), "+1.5")])
def test_a_change_shows_its_sign(value, shown):
    assert signed(value) == shown


def test_figures_kept_whole():
    text = (
        "根据DB51/T 2660—2019和（国办公开办函〔2021〕30号），"
        "自2020年1月1日起至12月31日止，1—12月份受理申请15件，占比24.48%。"
    )
    whole = [piece for piece, keep in unbroken(text) if keep]
    assert "".join(piece for piece, _keep in unbroken(text)) == text
    assert whole == ["DB51/T 2660—2019", "〔2021〕30号", "2020年1月1日", "12月31日", "1—12月", "15件"]


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_tables_break_only_between_runs_no_merged_cell_crosses(path):
    report = check_file(path).report
    document = document_for(report, pack_for(report))
    active, applications, reviews = document.tables()
    # 二: between its blocks (each its caption, header and rows); 三: before 二, before the results and before 四
    assert [active.rows[g.start].cells[0].text for g in active.groups()] == [
        row.cells[0].text for row in active.rows if row.cells[0].colspan == 4]
    labels = [applications.rows[g.start].cells[0].text for g in applications.groups()]
    assert labels == ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
                      "四、结转下年度继续办理"]
    assert reviews.keep_together and len(reviews.groups()) == 1
    assert not active.keep_together and not applications.keep_together


def test_a_break_inside_a_merged_cell_is_refused():
    table = Table("t", [1, 1], [Row([Cell("a", rowspan=2), Cell("1")]), Row([Cell("2")])], breaks=(1,))
    with pytest.raises(ValueError, match="crosses a page break"):
        table.groups()


def test_narrow_labels_are_set_as_the_official_form_sets_them():
    report = check_file(next(p for p in INPUTS if p.stem == "xilinhot-2021")).report
    document = document_for(report, pack_for(report))
    cells = {cell.text: cell for table in document.tables() for row in table.rows for cell in row.cells}
    assert cells["商业企业"].lines == ("商业", "企业")
    assert cells["（三）不予公开"].lines == ("（三）不予", "公开")
    assert cells["自然人"].lines == ("自然人",)
    assert cells["结果维持"].lines == ("结果", "维持")
    assert cells["三、本年度办理结果"].lines == ("三、", "本", "年", "度", "办", "理", "结", "果")
    assert all("".join(cell.lines) == cell.text for cell in cells.values() if cell.lines)


@pytest.mark.parametrize("issuer,date,indents", [
    # widths in characters, a digit one half: 2022年1月20日 is 6.5, 2021年3月9日 is 6
    ("某某县人民政府办公室", "2022年1月20日", (2.0, 3.5)),  # issuer 10: 右空二字, the date starting 2 in from it
    ("泸州市", "2021年3月9日", (7.0, 2.0)),  # a longer date 右空二字, the issuer moved left to start 2 before it
    ("某某镇人民政府", "2022年1月20日", (2.0, 0.5)),  # 7 and 6.5: the date still starts two characters in
])
def test_signature_indents_follow_gb_t_9704(issuer, date, indents):
    assert Signature(issuer, date).right_indents() == indents
