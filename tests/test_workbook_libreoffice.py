"""The collection workbook in a real spreadsheet program: LibreOffice (headless) opens the filled template,
recalculates its formulas (totals, 勾稽关系) and saves it; the result keeps merges, protection and validations and
imports to the same figures. Skipped where LibreOffice is not installed (scripts/setup.sh does not install it)."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from generator.batch.workbook import layout_for
from generator.cli import app
from generator.readers.yaml import load
from test_workbook import FILLED, UNITS, fill, template  # noqa: F401  (fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def test_libreoffice_recalculates_and_round_trips(runner, template, tmp_path):  # noqa: F811
    layout = layout_for("2021")
    wb = openpyxl.load_workbook(template)
    fill(wb[UNITS[0]])
    fill(wb[UNITS[1]], dict(FILLED, **{"applications.new[1]": 5}))  # 商业企业: 5 new, 1 result
    wb.save(template)
    saved = tmp_path / "lo"
    profile = tmp_path / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc", "--convert-to", "xlsx",
         "--outdir", str(saved), str(template)],
        check=True, capture_output=True, timeout=180,
    )
    computed = openpyxl.load_workbook(saved / template.name, data_only=True)
    good, bad = computed[UNITS[0]], computed[UNITS[1]]
    assert [good[c.coord].value for c in layout.checks] == ["相符"] * 7
    assert [bad[c.coord].value for c in layout.checks] == ["相符", "不符", "相符", "相符", "相符", "相符", "不符"]
    assert good[layout.totals["applications.new[6]"].coord].value == 9
    assert good[layout.totals["applications.total[0]"].coord].value == 7
    assert good[layout.totals["reviews.litigation_direct[4]"].coord].value == 2
    assert bad.protection.sheet and len(bad.merged_cells.ranges) == len(
        openpyxl.load_workbook(template)[UNITS[1]].merged_cells.ranges
    )

    out = tmp_path / "yaml"
    result = runner.invoke(app, ["import", str(saved / template.name), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{template.name}:{UNITS[1]}!{layout.checks[1].coord}" in result.output
    report = load(out / f"{UNITS[0]}.yaml").report
    assert report.applications.new == [7, 2, 0, 0, 0, 0] and str(report.active.fees) == "2.75"
