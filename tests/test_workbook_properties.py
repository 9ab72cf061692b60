"""Property: whatever a clerk (or a broken spreadsheet) leaves in the cells of a collection sheet — random text, huge
and tiny floats, formulas, dates and times, booleans, error values — `govreport import` of the saved workbook ends
within seconds with exit 0 (the sheet's YAML written, and it loads back clean) or exit 1 (the sheet refused with a
located error, and no YAML written for it); never a traceback."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from generator.batch.workbook import LAST_COLUMN, layout_for
from generator.cli import app
from generator.readers.yaml import load
from test_workbook import UNITS, fill

LAYOUT = layout_for("2021")
INPUTS = sorted(item.coord for item in LAYOUT.cells.values())
OTHERS = ["A2"] + sorted(item.coord for item in LAYOUT.totals.values()) + [c.coord for c in LAYOUT.checks]

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60).filter(
    lambda s: not ILLEGAL_CHARACTERS_RE.search(s))
values = st.one_of(
    texts,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-300, max_value=1e-300),
    st.sampled_from([1e9, 1e9 + 1, 1e12, 1e12 + 0.5, 1e15, 1e16, 1e30, 1e300, -1e300, 2.5, 0.1, 5e-7, 1e-6]),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(["'5", "5", " 7 ", "1,234", "2.75", "1e3", "0x10", "１２", "٣", "NaN", "Infinity", "-0", "1" * 400,
                     "0." + "0" * 50 + "1", "=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://x","y")', "+1", "@A1",
                     "#DIV/0!", "#N/A", "#REF!", "#VALUE!", "TRUE", "人民政府", "部门", "2026-01-20", "2026年1月20日"]),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.none(),
)
cells = st.dictionaries(st.sampled_from(INPUTS + OTHERS), values, min_size=1, max_size=6)


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A template with its first unit filled in correctly (imports with exit 0 as it is)."""
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("property")
    units = folder / "units.txt"
    units.write_text(UNITS[0] + "\n", encoding="utf-8")
    path = folder / "collect.xlsx"
    result = CliRunner().invoke(app, ["xlsx-template", "-o", str(path), "--units", str(units), "--year", "2025"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    fill(wb[UNITS[0]])
    wb.save(path)
    return path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=cells, extra=st.booleans())
def test_random_cells_import_cleanly_or_are_refused(filled, tmp_path_factory, changes, extra):
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("case")
    book = folder / "collect.xlsx"
    wb = openpyxl.load_workbook(filled)
    ws = wb[UNITS[0]]
    for coord, value in changes.items():
        ws[coord] = value
    if extra:  # a stray value outside the tables
        ws.cell(3, LAST_COLUMN + 2).value = next(iter(changes.values()))
    wb.save(book)
    out = folder / "out"
    started = time.monotonic()
    result = CliRunner().invoke(app, ["import", str(book), "-o", str(out)])
    assert time.monotonic() - started < 5, "import took more than a few seconds"
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if result.exit_code == 1:
        assert written == [], (changes, result.output)
        assert f"{book.name}:{UNITS[0]}" in result.output  # the refusal names the sheet (and the cell)
    else:
        assert written == [f"{UNITS[0]}.yaml"], result.output
        loaded = load(out / written[0])
        assert loaded.report is not None and not [f for f in loaded.findings if f.is_error]
        agency = changes.get(LAYOUT.cells["agency"].coord)
        if isinstance(agency, str) and agency.strip():
            assert loaded.report.agency == agency.strip()  # the clerk's text, exactly
