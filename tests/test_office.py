"""The DOCX opens in a real office suite: LibreOffice converts it, and the table figures survive the trip."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import INPUTS
from generator.model.forms import APPLICATION_ROWS
from generator.pipeline import check_file, render_to

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; scripts/setup.sh installs it"
)

# One input of each format is enough: the writer is the same code for all.
CASES = [p for p in INPUTS if p.stem in ("xilinhot-2021", "luzhou-2020")]


def _office_pdf_text(docx, tmp_path) -> str:
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (docx.stem + ".pdf")
    assert pdf.stat().st_size > 10_000
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_libreoffice_opens_docx_with_its_tables(path, tmp_path):
    checked = check_file(path)
    (docx,) = render_to(checked, tmp_path, path.stem, ("docx",))
    text = _office_pdf_text(docx, tmp_path)
    report = checked.report
    assert report.agency in text
    compact = re.sub(r"\s+", " ", text)
    # Rows whose labels fit on one line: their seven figures follow the label in reading order.
    for spec in APPLICATION_ROWS[report.format]:
        if spec.kind not in ("intake", "total", "forward"):
            continue
        values = report.applications.row(spec.path) if spec.kind != "total" else None
        if values is None:
            from generator.model.tables import applications_table

            values = list(applications_table(report).by_key["total"].values)
        else:
            values = list(values[:6]) + [sum(values[:6])]
        expected = " ".join(str(v) for v in values)
        assert f"{spec.label} {expected}" in compact, (spec.label, expected)
