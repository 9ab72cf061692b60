"""Writers: narrative text is text in every format (a <script> shows as text in HTML, literally in DOCX and PDF);
outputs are written atomically (no temp file, old file intact, on failure)."""

from __future__ import annotations

import os

import pytest

from builders import base_report, dump
from generator.checks import check
from generator.files import write_atomic
from generator.pipeline import Checked, document_for, pack_for, render_document, render_to
from generator.readers.yaml import load_string
from generator.writers import render_all, writer
from readback import docx_document, html_tables, html_text, pdf_pages, squash

SCRIPT = "<script>alert(1)</script>"
AGENCY = "甲&乙<联合>镇人民政府"


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    data = base_report("2021")
    data["agency"] = AGENCY
    data["text"]["overview"] = f"第一段写了 {SCRIPT} 和 a < b & c > d。\n\n第二段 \"引号\" 与 '单引号'。"
    data["text"]["problems"] = "<b>不是粗体</b>"
    loaded = load_string(dump(data))
    checked = Checked(loaded, check(loaded))
    assert checked.ok, [f.format() for f in checked.findings]
    pack = pack_for(checked.report)
    return render_document(document_for(checked.report, pack), pack, ("html", "docx", "pdf"))


def test_html_escapes_narrative(hostile):
    html = hostile["html"].decode("utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html
    text = html_text(html)
    assert SCRIPT in text and "a < b & c > d" in text and "<b>不是粗体</b>" in text
    assert f"{AGENCY}2021年政府信息公开工作年度报告" in text
    assert len(html_tables(html)) == 3  # the page structure survives


def test_docx_keeps_narrative_literally(hostile):
    document = docx_document(hostile["docx"])
    texts = [p.text for p in document.paragraphs]
    assert any(SCRIPT in t and "a < b & c > d" in t for t in texts)
    assert "<b>不是粗体</b>" in texts
    # a long title is set on two lines (GB/T 9704), broken before 政府信息公开工作年度报告
    assert texts[0].split("\n") == [f"{AGENCY}2021年", "政府信息公开工作年度报告"]
    assert document.core_properties.title == texts[0].replace("\n", "")


def test_pdf_shows_narrative_literally(hostile):
    text = squash("\n".join(pdf_pages(hostile["pdf"])))
    assert squash(SCRIPT) in text
    assert squash("a < b & c > d") in text
    assert squash("<b>不是粗体</b>") in text
    assert squash(AGENCY) in text


# --- atomic writes ----------------------------------------------------------------------------------------------
def test_write_atomic_failure_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "report.html"
    target.write_bytes(b"old contents")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]  # the write fails mid-way
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_atomic_failure_without_old_file(tmp_path):
    target = tmp_path / "sub" / "report.pdf"
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert list((tmp_path / "sub").iterdir()) == []


def test_write_atomic_replaces_and_is_readable(tmp_path):
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]
    assert os.stat(target).st_mode & 0o644 == 0o644


def test_render_to_failure_writes_nothing(tmp_path, monkeypatch):
    """All formats are produced before any is written: a writer that fails leaves no file at all."""
    import generator.writers as writers

    loaded = load_string(dump(base_report("2021")))
    checked = Checked(loaded, check(loaded))
    real = writers.writer

    def failing(fmt):
        if fmt == "pdf":
            def boom(document, pack, **options):
                raise RuntimeError("writer failed")
            return boom
        return real(fmt)

    monkeypatch.setattr(writers, "writer", failing)
    with pytest.raises(RuntimeError):
        render_to(checked, tmp_path, "x", ("html", "docx", "pdf"))
    assert list(tmp_path.iterdir()) == []


def test_pdf_from_the_shared_page_is_the_pdf_alone():
    """render_all makes the HTML page once for HTML and PDF: the same bytes as each writer on its own."""
    loaded = load_string(dump(base_report("2021")))
    pack = pack_for(loaded.report)
    document = document_for(loaded.report, pack)
    together = render_all(document, pack, ("html", "docx", "pdf"))
    assert list(together) == ["html", "docx", "pdf"]
    for fmt, (data, seconds) in together.items():
        assert data == writer(fmt)(document, pack), fmt
        assert seconds > 0
    assert render_all(document, pack, ("pdf",))["pdf"][0] == together["pdf"][0]
