"""The pipeline as the one API (issue 11): typed check options, checking a file and checking text the same way; the
model's computed totals for typed data and the figures carried from last year; the batch and web packages free of
import cycles and of private names imported from another package."""

from __future__ import annotations

import ast
import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from generator.model.forms import APPLICATION_ROWS, FORMATS, REVIEW_GROUPS
from generator.model.tables import (
    applications_table,
    carried_figures,
    in_force_now,
    previous_items_now,
    reviews_table,
    typed_totals,
)
from generator.pipeline import CheckOptions, check_file, check_loaded, check_text
from generator.readers.yaml import load, load_text

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))
GENERATOR = ROOT / "generator"


def _same(a, b) -> None:
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


def test_check_options_are_typed_and_frozen():
    options = CheckOptions.of("last.yaml", find_previous=False, templates="mine")
    assert options == CheckOptions(Path("last.yaml"), False, Path("mine"))
    assert CheckOptions.of(None) == CheckOptions()
    assert options.templates == Path("mine")
    with pytest.raises(FrozenInstanceError):
        options.find_previous = True  # type: ignore[misc]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_check_text_at_a_path_is_check_file(path, tmp_path):
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    text = copy.read_text(encoding="utf-8")
    by_file = check_file(copy, path.name)
    by_text = check_text(text, path.name, at=copy)
    _same(by_file, by_text)
    assert by_file.previous.note == by_text.previous.note
    assert by_file.ok == by_text.ok


def test_last_year_given_found_or_not_looked_for(tmp_path):
    from generator.batch.synth import townships

    (_, last), = townships(1, seed=5, year=2024)
    (_, this), = townships(1, seed=5, year=2025)
    (tmp_path / "town-2024.yaml").write_text(last, encoding="utf-8")
    (tmp_path / "town-2025.yaml").write_text(this, encoding="utf-8")
    here = tmp_path / "town-2025.yaml"
    found = check_file(here)
    assert found.previous.how == "found"
    given = check_file(here, options=CheckOptions(previous=tmp_path / "town-2024.yaml"))
    assert given.previous.how == "given"
    _same(found, given)
    off = check_file(here, options=CheckOptions(find_previous=False))
    assert off.previous.how == "none" and "--no-previous" in off.previous.note
    # keywords as before: check_file(path, previous=…, find_previous=…, templates=…)
    _same(check_file(here, previous=tmp_path / "town-2024.yaml"), given)
    # text with no place: nothing looked for, last year's file only when given
    assert check_text(this, "sheet").previous.how == "none"
    assert check_text(this, "sheet", CheckOptions(previous=tmp_path / "town-2024.yaml")).previous.how == "given"
    assert check_loaded(load(here), CheckOptions(find_previous=False)).previous.how == "none"


# --- the model's computed figures ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_typed_totals_are_the_tables_totals(path):
    loaded = load(path)
    report = loaded.report
    totals = typed_totals(loaded.source.data, report.format)
    table = applications_table(report)
    for spec in APPLICATION_ROWS[report.format]:
        if spec.kind != "total":
            assert totals[f"applications.{spec.key}[6]"] == table.by_key[spec.key].total
    assert [totals[f"applications.total[{i}]"] for i in range(7)] == list(table.results_sum)
    for group, row in zip(REVIEW_GROUPS, reviews_table(report)):
        assert totals[f"reviews.{group.key}[4]"] == row.total


def test_typed_totals_of_data_not_valid_yet():
    data = load_text("format: '2021'\napplications:\n  new: [1, 2, 'x', 0, 0, 0]\n  disclosed: [1, 1, 0, 0, 0, 0]\n"
                     "reviews:\n  reconsideration: oops\n").data
    totals = typed_totals(data, "2021")
    assert totals["applications.new[6]"] is None  # a cell that is not a whole number yet
    assert totals["applications.carried_over[6]"] == 0  # a row left out counts as zeros
    assert totals["applications.disclosed[6]"] == 2
    assert totals["applications.total[0]"] == 1 and totals["applications.total[6]"] == 2
    assert totals["reviews.reconsideration[4]"] is None and totals["reviews.litigation_direct[4]"] == 0
    assert typed_totals(None, "2019")["applications.other[6]"] == 0


def test_carried_figures():
    last21 = {"format": "2021", "applications": {"carried_forward": [3, 0, 1, 0, 0, "x", 4]},
              "active": {"rules": {"in_force": 7}, "normative": {"in_force": "12"}}}
    assert carried_figures(last21, "2021") == {
        "applications.carried_over[0]": 3, "applications.carried_over[1]": 0, "applications.carried_over[2]": 1,
        "applications.carried_over[3]": 0, "applications.carried_over[4]": 0, "active.rules.in_force": 7,
    }
    assert carried_figures(last21, "2019") == {
        f"applications.carried_over[{i}]": v for i, v in enumerate((3, 0, 1, 0, 0))
    }
    last19 = {"format": "2019", "active": {"rules": {"total": 9}, "licensing": {"previous": 10, "change": -2},
                                           "fees": {"previous": 3, "change": True}}}
    assert carried_figures(last19, "2019") == {"active.rules.total": 9, "active.licensing.previous": 8}
    assert carried_figures("not a mapping", "2021") == {}
    assert in_force_now(10, 2, 1) == 11 and in_force_now(10) == 10
    assert previous_items_now(10, -2) == 8


# --- the shape of the packages ---------------------------------------------------------------------------------
def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names) of every `from … import …` in a module of the generator package."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if path.name == "__init__.py":
        package = package[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, [alias.name for alias in node.names]))
    return out


MINE = ["pipeline.py", "batch", "web", "model", "cli"]


def _modules():
    for entry in MINE:
        target = GENERATOR / entry
        yield from ([target] if target.is_file() else sorted(target.rglob("*.py")))


def test_no_private_name_imported_from_another_package():
    bad = []
    for path in _modules():
        own = ".".join(path.relative_to(ROOT).parts[:2])  # generator.<package>
        for module, names in _imports(path):
            if not module.startswith("generator"):
                continue
            theirs = ".".join(module.split(".")[:2])
            for name in names:
                if name.startswith("_") and theirs != own:
                    bad.append(f"{path.relative_to(ROOT)}: {name} from {module}")
    assert not bad


def test_workbook_does_not_import_the_batch_units():
    for path in sorted((GENERATOR / "batch" / "workbook").rglob("*.py")):
        modules = [module for module, _ in _imports(path)]
        assert not [m for m in modules if m.startswith(("generator.batch.sources", "generator.batch.runner",
                                                        "generator.batch.worker"))], path


def test_clients_do_not_build_a_document_for_a_table_shape():
    for path in [*sorted((GENERATOR / "batch" / "workbook").rglob("*.py")), GENERATOR / "web" / "app.py"]:
        modules = [module for module, _ in _imports(path)]
        assert not [m for m in modules if m.startswith("generator.document")], path


@pytest.mark.parametrize("fmt", FORMATS)
def test_web_grid_is_the_model_grid(fmt):
    from generator.batch.workbook import layout_for
    from generator.model.grid import table_grid

    keys = {key for grid in table_grid(fmt) for key in grid.keys()}
    layout = layout_for(fmt)
    cells = {k for k in layout.cells if k.startswith(("active.", "applications.", "reviews."))}
    assert keys == cells | set(layout.totals)
