"""The PDF writer's speed-ups change nothing a reader sees: same pages, same text as plain WeasyPrint."""

from __future__ import annotations

import io
import re

import pytest
import weasyprint
from pypdf import PdfReader

from conftest import INPUTS
from generator.pipeline import check_file, document_for, pack_for
from generator.writers import pdf
from generator.writers.html import render_text
from generator.writers.pdf import engine


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_lean_stylesheet_drops_only_pseudo_element_rules():
    assert engine._UA_STYLESHEET is not None, "this WeasyPrint keeps html5_ua.css where the writer looks"
    ua = (engine.Path(weasyprint.__file__).parent / "css" / "html5_ua.css").read_text(encoding="utf-8")
    kept = engine._PSEUDO_RULES.sub("", ua)
    removed = [line for line in ua.splitlines() if line not in kept.splitlines()]
    assert removed and all(line.startswith(("::marker", "::footnote-", "::note-")) for line in removed), removed
    assert re.search(r"^table\b[^{]*\{[^}]*display: table\b", kept, re.M)


@pytest.mark.parametrize("path", INPUTS[:3], ids=[p.stem for p in INPUTS[:3]])
def test_report_pdf_reads_like_plain_weasyprint(path):
    checked = check_file(path)
    pack = pack_for(checked.report)
    document = document_for(checked.report, pack)
    ours = pdf.render(document, pack)
    plain = weasyprint.HTML(string=render_text(document, pack), base_url=str(pack.dirs[0])).write_pdf(
        font_config=engine._FONT_CONFIG
    )
    assert _pages(ours) == _pages(plain)
