"""The model's table grid (generator/model/grid.py) is the shape of the tables the document builds: for both formats,
cell by cell — labels, merged cells, header rows, alignment, input keys — and the column widths."""

from __future__ import annotations

import pytest

from generator.document import build
from generator.model import validate
from generator.model.forms import APPLICATION_ROWS, FORMATS, example_year, format_for_year
from generator.model.grid import COUNT, MONEY, SIGNED, TOTAL_CELL, table_grid
from generator.model.scaffold import scaffold
from generator.readers.yaml import load_text


def document_tables(fmt: str):
    """The document's tables 二, 三 and 四 for a report of `fmt` (every figure 0)."""
    source = load_text(scaffold(example_year(fmt), "样表", "government", fmt))
    source.data["text"] = {"overview": "-", "problems": "-", "other": "-"}
    report = validate(source, "<样表>").report
    assert report is not None
    return build(report).tables()


@pytest.mark.parametrize("fmt", FORMATS)
def test_grid_equals_the_tables_the_document_builds(fmt):
    tables = document_tables(fmt)
    grids = table_grid(fmt)
    assert [t.id for t in tables] == [g.id for g in grids] == ["active", "applications", "reviews"]
    for table, grid in zip(tables, grids):
        assert list(grid.widths) == list(table.columns), table.id
        assert len(grid.rows) == len(table.rows), table.id
        for r, (row, grid_row) in enumerate(zip(table.rows, grid.rows)):
            assert grid_row.header == row.header, (table.id, r)
            assert len(grid_row.cells) == len(row.cells), (table.id, r)
            for cell, grid_cell in zip(row.cells, grid_row.cells):
                where = (table.id, r, cell.text)
                assert (grid_cell.colspan, grid_cell.rowspan) == (cell.colspan, cell.rowspan), where
                assert grid_cell.header == cell.header, where
                assert grid_cell.align == cell.align, where
                assert grid_cell.key == cell.key, where
                if cell.key is None:
                    assert grid_cell.text == cell.text, where
                else:
                    assert grid_cell.text == "" and grid_cell.kind in (COUNT, SIGNED, MONEY, TOTAL_CELL), where
        # the full grids agree slot by slot (merges included)
        doc_slots = [[(s[0].key or s[0].text, s[1], s[2]) for s in slots] for slots in table.grid()]
        grid_slots = [[(s[0].key or s[0].text, s[1], s[2]) for s in slots] for slots in grid.slots()]
        assert grid_slots == doc_slots, table.id


@pytest.mark.parametrize("fmt", FORMATS)
def test_grid_cell_kinds(fmt):
    active, applications, reviews = table_grid(fmt)
    kinds = {cell.key: cell.kind for grid in table_grid(fmt) for cell in grid.cells() if cell.key}
    assert kinds["applications.new[0]"] == COUNT
    assert kinds["applications.new[6]"] == TOTAL_CELL
    assert all(kinds[f"applications.total[{i}]"] == TOTAL_CELL for i in range(7))
    assert kinds["reviews.reconsideration[4]"] == TOTAL_CELL and kinds["reviews.reconsideration[3]"] == COUNT
    assert kinds["active.fees" if fmt == "2021" else "active.fees.previous"] == (MONEY if fmt == "2021" else COUNT)
    if fmt == "2019":
        assert kinds["active.licensing.change"] == SIGNED and kinds["active.procurement.amount"] == MONEY
    rows = [spec for spec in APPLICATION_ROWS[fmt]]
    assert len(applications.keys()) == 7 * len(rows)
    assert len(reviews.keys()) == 15


def test_format_for_year():
    assert [format_for_year(y) for y in (2008, 2019, 2020, 2021, 2025)] == ["2019", "2019", "2019", "2021", "2021"]
    assert all(format_for_year(example_year(fmt)) == fmt for fmt in FORMATS)
