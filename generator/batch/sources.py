"""The units of a batch: YAML files, folders of them (searched recursively), and the filled sheets of collection
workbooks; each unit gets the output name (stem) it will be written under, and clashing names are refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence

from ..findings import Finding, Severity
from ..readers.names import safe_stem

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
RESERVED_STEMS = {"index", "summary"}  # OUT/index.html and OUT/summary.csv


class SourceProblem(Exception):
    """A SOURCE argument cannot be used at all (usage error, exit 2); the message is Chinese."""


@dataclass
class Unit:
    """One report to produce. `path` for a YAML file; `text` (already imported) for a workbook sheet."""

    stem: str
    display: str  # how messages name it: the path, or "book.xlsx:sheet"
    path: Path | None = None
    text: str | None = None
    book: Path | None = None
    sheet: str | None = None
    form: str | None = None  # the workbook sheet's report format, to place findings on its cells
    findings: list[Finding] = field(default_factory=list)  # import errors found before any worker runs

    @property
    def imported_ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def _yaml_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in YAML_SUFFIXES and not path.is_dir():
            found.append(path)
    return found


def collect_units(sources: list[Path]) -> list[Unit]:
    """Every unit named by the SOURCE arguments, in order (folders sorted by path)."""
    units: list[Unit] = []
    for source in sources:
        if source.is_dir():
            files = _yaml_files(source)
            if not files:
                raise SourceProblem(f"目录 {source} 里没有 .yaml 文件")
            units += [Unit(stem=path.stem, display=str(path), path=path) for path in files]
        elif source.suffix.lower() in WORKBOOK_SUFFIXES:
            units += units_from_workbook(source)
        elif source.exists() or source.suffix.lower() in YAML_SUFFIXES:
            # a missing or unreadable YAML file is a failed unit with a located error, not a usage error
            units.append(Unit(stem=source.stem, display=str(source), path=source))
        else:
            raise SourceProblem(f"找不到 {source}：应为 YAML 文件、包含 YAML 文件的目录，或采集表（.xlsx）")
    return units


def units_from_workbook(path: Path) -> list[Unit]:
    """The filled sheets of a collection workbook as units (a sheet with errors becomes a unit that fails)."""
    from ..readers.workbook import RULE
    from .workbook import WorkbookError, read_workbook

    try:
        sheets, problems = read_workbook(path)
    except WorkbookError as exc:
        finding = Finding(rule=RULE, severity=Severity.ERROR, message=str(exc), file=str(path))
        return [Unit(stem=safe_stem(path.stem), display=str(path), book=path, findings=[finding])]
    units = []
    for sheet_name, problem in problems:
        units.append(Unit(stem=safe_stem(sheet_name), display=f"{path.name}:{sheet_name}", book=path,
                          sheet=sheet_name, findings=[problem]))
    for sheet in sheets:
        if not sheet.filled:
            continue
        unit = Unit(stem=sheet.stem, display=sheet.display, text=sheet.text, book=path, sheet=sheet.sheet,
                    form=sheet.fmt, findings=[f for f in sheet.findings if f.is_error])
        units.append(unit)
    return units


class Named(Protocol):
    """What names an output: a unit, or a workbook sheet being imported (readers.workbook.SheetImport)."""

    @property
    def stem(self) -> str: ...

    @property
    def display(self) -> str: ...


def name_clashes(units: Sequence[Named]) -> list[str]:
    """Messages for units that would write the same output name (also when names differ only in letter case)."""
    seen: dict[str, Named] = {}
    problems = []
    for unit in units:
        key = unit.stem.casefold()
        if key in RESERVED_STEMS:
            problems.append(f"{unit.display}：输出名“{unit.stem}”与批处理的汇总文件（index.html、summary.csv）同名，请改名")
            continue
        other = seen.get(key)
        if other is not None and other.display != unit.display:
            problems.append(f"{other.display} 和 {unit.display} 会写出同名文件 {unit.stem}.*，请改名后重试")
        elif other is None:
            seen[key] = unit
    return problems


def unique_units(units: list[Unit]) -> list[Unit]:
    """Drop a unit named twice by the same path (e.g. a file given and also found in a given folder)."""
    seen: set[str] = set()
    out = []
    for unit in units:
        key = str(unit.path.resolve()) if unit.path is not None else unit.display
        if key not in seen:
            seen.add(key)
            out.append(unit)
    return out
