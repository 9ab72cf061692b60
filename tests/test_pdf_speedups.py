"""The PDF speed-ups (writers/pdf/speedups.py, writers/pdf/html_tree.py) change no byte of a report's PDF.

Each test renders the same document with and without them and compares the bytes, after other reports have filled
the speed-ups' memory (font faces, the least heights of tables), with random figures up to 10⁹ (which wrap in the
narrow columns) and narratives of random length (which put the tables at every height on the page).
"""

from __future__ import annotations

import io
import os

import pytest
import tinyhtml5
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import StreamObject

from builders import dump
from conftest import INPUTS
from generator.limits import MAX_COUNT
from generator.pipeline import check_file, document_for, pack_for
from generator.readers.yaml import load_string
from generator.writers import pdf
from generator.writers.html import render_text
from generator.writers.pdf import engine, html_tree
from generator.writers.pdf import speedups as pdf_speedups
from test_properties import valid_tables

pdf.enable_speedups()  # as batch workers, the web server and `govreport render` do


def _document(path):
    report = check_file(path).report
    pack = pack_for(report)
    return document_for(report, pack), pack


def _plain(document, pack) -> bytes:
    """The PDF as WeasyPrint makes it from our page: its own HTML parser, no speed-up but the compression level."""
    swappable, engine._TREE_SWAPPABLE = engine._TREE_SWAPPABLE, False
    try:
        with pdf_speedups.disabled():
            return pdf.render(document, pack)
    finally:
        engine._TREE_SWAPPABLE = swappable


def test_all_speedups_apply_to_this_weasyprint():
    assert engine._TREE_SWAPPABLE
    assert pdf_speedups.installed() == [
        "font_files", "font_subsets", "kept_tables", "table_cells", "long_texts", "compression"]


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_same_bytes_with_and_without_speedups(path):
    document, pack = _document(path)
    plain = _plain(document, pack)
    first = pdf.render(document, pack)  # fills the speed-ups' memory for this pack's tables
    second = pdf.render(document, pack)  # uses it
    assert first == plain
    assert second == plain


def test_alike_cells_are_laid_out_once():
    document, pack = _document(next(p for p in INPUTS if p.stem == "wangguanji-2020"))
    before = pdf_speedups.STATS["cells_copied"]
    pdf.render(document, pack)
    # Most figures of tables 二, 三 and 四 are "0": one layout per column, copies for the rest.
    assert pdf_speedups.STATS["cells_copied"] - before > 150


def test_label_cells_are_laid_out_once_per_process():
    """The label cells of a table (same stylesheet, same labels) are laid out for the first report only."""
    paths = [p for p in INPUTS if p.stem in ("wangguanji-2020", "elunchun-2020")]  # both 2019 format, base pack
    first, second = (_document(path) for path in paths)
    pdf.render(*first)
    before = pdf_speedups.STATS["labels_reused"]
    assert pdf.render(*second) == _plain(*second)
    assert pdf_speedups.STATS["labels_reused"] - before > 40


def test_tables_that_cannot_fit_are_not_laid_out_twice():
    document, pack = _document(next(p for p in INPUTS if p.stem == "xilinhot-2021"))
    pdf.render(document, pack)
    before = pdf_speedups.STATS["tables_skipped"]
    assert pdf.render(document, pack) == _plain(document, pack)
    # Table 四 (kept on one page) does not fit below table 三 and starts page 8: WeasyPrint no longer tries it at the
    # foot of page 7. (Tables 二 and 三 go on to a next page between their runs of rows: they are not kept.)
    assert pdf_speedups.STATS["tables_skipped"] - before == 1


def _largest(value) -> int:
    if isinstance(value, dict):
        return max((_largest(item) for item in value.values()), default=0)
    return max(value, default=0) if isinstance(value, list) else 0


def _scaled(value, factor: int):
    if isinstance(value, dict):
        return {key: _scaled(item, factor) for key, item in value.items()}
    if isinstance(value, list):
        return [item * factor for item in value]
    return value


# GOVREPORT_PDF_EXAMPLES=500 tries more reports (each is two renders, about half a second).
@settings(max_examples=int(os.environ.get("GOVREPORT_PDF_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    tables=valid_tables(),
    factor=st.sampled_from([1, 7, 1_000, 123_457, 10**9]),
    sentences=st.integers(0, 40),
    template=st.sampled_from([None, "neimenggu", "sichuan"]),
)
def test_random_reports_same_bytes(tables, factor, sentences, template):
    data = tables.report()
    # Figures up to the input contract's MAX_COUNT (10⁹): the largest one is scaled to it at most.
    factor = max(1, min(factor, MAX_COUNT // max(1, _largest(data["applications"]), _largest(data["reviews"]))))
    data["applications"] = _scaled(data["applications"], factor)
    data["reviews"] = _scaled(data["reviews"], factor)
    data["text"]["overview"] += (
        "本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * sentences
    )
    if template:
        data["template"] = template
        data["text"]["sections"] = {"proposals": "本年度办理人大代表建议5件、政协提案3件，办理结果均已公开。"}
    loaded = load_string(dump(data), file="随机.yaml")
    assert loaded.report is not None, [finding.format() for finding in loaded.findings]
    pack = pack_for(loaded.report)
    document = document_for(loaded.report, pack)
    assert pdf.render(document, pack) == _plain(document, pack)


# --- the page reader -------------------------------------------------------------------------------------------------


def _shape(element) -> list:
    out = [(element.tag, sorted(element.attrib.items()), element.text)]
    for child in element:
        out.append(_shape(child))
        out.append(child.tail)
    return out


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_page_reader_builds_the_html5_tree(path):
    document, pack = _document(path)
    page = render_text(document, pack)
    fast = html_tree.tree(page)
    assert fast is not None
    assert _shape(fast) == _shape(tinyhtml5.parse(page, namespace_html_elements=False))


@pytest.mark.parametrize("markup", [
    "<p>a<div>b</div>c</p>",  # HTML5 closes the paragraph
    "<table><tr><td>1</td></tr></table>",  # HTML5 adds <tbody>
    "<table><tbody><tr><td>1</td></tr></tbody>字</table>",  # HTML5 moves the text out of the table
    "<div/>后文",  # HTML5 reads <div/> as an opening tag
    "<h2>一<h3>二</h3></h2>",
    "<svg><circle/></svg>",
    "<!-- 注释 --><p>文</p>",
    "<p>x</p></span>",  # libxml2 reports the stray end tag
    "<base href='http://example.com/'><p>x</p>",
    "<div>" * 3000 + "深" + "</div>" * 3000,  # deeper than libxml2 or a Python recursion goes
])
def test_page_reader_leaves_repairs_to_html5(markup):
    page = f"<!DOCTYPE html><html><head><title>t</title></head><body>{markup}</body></html>"
    assert html_tree.tree(page) is None


# --- compression ---------------------------------------------------------------------------------------------------

def _streams(data: bytes) -> list[bytes]:
    """Every stream of the PDF but the cross-reference stream (its offsets move with the sizes), inflated."""
    reader = PdfReader(io.BytesIO(data))
    objects = [reader.get_object(number) for number in range(1, int(reader.trailer["/Size"]))]
    return [obj.get_data() for obj in objects if isinstance(obj, StreamObject) and obj.get("/Type") != "/XRef"]


def test_compression_level_changes_no_content():
    document, pack = _document(next(p for p in INPUTS if p.stem == "wangguanji-2020"))
    level = pdf_speedups.COMPRESSION_LEVEL
    try:
        pdf_speedups.COMPRESSION_LEVEL = 9  # pydyf's own level
        strongest = pdf.render(document, pack)
    finally:
        pdf_speedups.COMPRESSION_LEVEL = level
    ours = pdf.render(document, pack)
    assert ours != strongest
    assert _streams(ours) == _streams(strongest) and len(_streams(ours)) > 10
    assert len(ours) < len(strongest) * 1.01


def test_speedups_can_be_turned_off(tmp_path):
    """GOVREPORT_PDF_SPEEDUPS=0: WeasyPrint as shipped, and the report still renders."""
    import subprocess
    import sys

    script = (
        "from generator.writers import pdf\n"
        "from generator.writers.pdf import speedups\n"
        "from generator.pipeline import check_file, document_for, pack_for\n"
        f"report = check_file({str(INPUTS[0])!r}).report\n"
        "pack = pack_for(report)\n"
        "on = pdf.enable_speedups()\n"
        "data = pdf.render(document_for(report, pack), pack)\n"
        "print(on, speedups.installed(), speedups.active(), data[:5])\n"
    )
    env = dict(os.environ, GOVREPORT_PDF_SPEEDUPS="0")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] [] False b'%PDF-'"


def test_a_stylesheet_selecting_by_position_turns_the_table_speedups_off(tmp_path):
    """A stylesheet that styles cells by their place among siblings (here :nth-child) or by their content could style
    alike cells apart: the page renders without cell copies and without skipped tables."""
    from generator.packs import pack_named

    agency = tmp_path / "本机关模板"
    agency.mkdir()
    (agency / "report.html").write_text(
        '{% extends "base/report.html" %}'
        "{% block extra_css %}.govreport table.official td:nth-child(3) { font-size: 14pt; }{% endblock %}",
        encoding="utf-8",
    )
    report = check_file(next(p for p in INPUTS if p.stem == "wangguanji-2020")).report
    pack = pack_named(report.template, agency)
    document = document_for(report, pack)
    pdf.render(document, pack)
    before = dict(pdf_speedups.STATS)
    ours = pdf.render(document, pack)
    assert pdf_speedups.STATS == before  # neither a cell copied nor a table skipped
    assert ours == _plain(document, pack)
    assert "font-size: 14pt" in render_text(document, pack)


def test_renders_from_several_threads_are_the_same(tmp_path):
    """The web form renders in a thread pool: PDFs made from four threads at once are byte-for-byte the plain ones."""
    from concurrent.futures import ThreadPoolExecutor

    documents = [_document(path) for path in INPUTS[:4]]
    plain = [_plain(*document) for document in documents]
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda document: pdf.render(*document), documents * 2))
    assert made == plain * 2
