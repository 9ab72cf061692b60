"""Audit published reports as a supervisor does (`govreport audit`): every rule of the rule table on what a published
HTML page, DOCX, PDF or copied text says, plus what only a published document shows (checks/published.py), each
finding placed where it stands in the document (a line, or a page and a table cell).

    results = audit_sources([Path("reports/")])            # every report of a folder, last year's found among them
    result = audit_file(Path("town-2021.pdf"), previous=Path("town-2020.docx"))
    result.findings, result.ok

How a reading becomes a report the rules can check (`prepare`): the reading's data as published (its totals kept,
so that the identities check them); a cell the reader could not settle is given its first candidate and marked
uncertain, and a finding of a rule that touches an uncertain cell is replaced by a PUB-UNSURE note ("无法确定"), never
reported as a defect; a part, a date or an agency the document lacks is filled only for the model and reported by its
published rule, and the rules that would read the filler (DATE-*, for a missing date) are left out.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from ..checks import check
from ..checks.crossyear import Previous, candidates, previous_for
from ..checks.published import UNSURE, published_findings
from ..findings import RULES, Finding, has_errors, sort_key
from ..model import Loaded, validate
from ..model.forms import APPLICATION_ROWS, REVIEW_GROUPS
from ..model.labels import key_path
from ..model.source import Source, set_at
from ..readers.published import Published, ReadError, read_published
from ..readers.published.chars import simplified
from ..readers.published.labels import ACTIVE, APPLICATIONS, REVIEWS, table_rows
from ..readers.published.result import BLANK, FORMAT, META, MISSING, SPLIT, UNCERTAIN

PUBLISHED_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf", ".txt", ".text")
YAML_SUFFIXES = (".yaml", ".yml")
FILLER = "（原文缺少这一部分）"
_TEXT_PARTS = ("overview", "problems", "other")


class AuditError(Exception):
    """A source that cannot be audited at all (no such file, a folder without reports); a Chinese message."""


@dataclass
class Prepared:
    """A reading made ready for the model: the loaded report, and what of it is not as published."""

    loaded: Loaded
    uncertain: set[str] = field(default_factory=set)  # cell keys ("applications.new[3]") or row/table prefixes
    filled: set[str] = field(default_factory=set)  # keys filled for the model only: "date", "year", "text.other"…


@dataclass
class Audited:
    """One published report audited."""

    path: Path
    file: str  # as named in messages
    published: Published | None = None
    prepared: Prepared | None = None
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None  # why it could not be read at all
    previous: Previous | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not has_errors(self.findings)

    @property
    def agency(self) -> str:
        data = self.published.data if self.published is not None else {}
        return str(data.get("agency") or self.path.stem)

    @property
    def year(self) -> int | None:
        year = self.published.data.get("year") if self.published is not None else None
        return year if isinstance(year, int) else None

    @property
    def report(self) -> Any:
        return self.prepared.loaded.report if self.prepared is not None else None

    def where(self, finding: Finding) -> str:
        """Where `finding` stands in the published document, in words."""
        if self.published is not None and finding.key:
            location = self.published.locations.get(_location_key(finding.key))
            if location is not None:
                return location.describe()
        return f"第{finding.line}行" if finding.line else ""

    def to_dicts(self) -> list[dict[str, Any]]:
        return [{**finding.to_dict(), "where": self.where(finding)} for finding in self.findings]


def unit_name(agency: str) -> str:
    """An agency's name as compared across years: simplified, no spaces, without a trailing 人民政府."""
    name = re.sub(r"\s+", "", simplified(agency))
    return re.sub(r"人民政府$", "", name) or name


# --- a reading → the model's input -----------------------------------------------------------------------------
def _zeros_active(fmt: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in table_rows(fmt)[ACTIVE]:
        key = spec.path[1]
        for cell in spec.cells:
            if cell.step:
                out.setdefault(key, {})[cell.step] = 0
            else:
                out[key] = 0
    return out


def _none_cells(node: Any, prefix: str) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _none_cells(value, f"{prefix}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if value is None:
                yield f"{prefix}[{index}]"
    elif node is None:
        yield prefix


def _row_of(cell: str) -> str:
    return cell.split("[", 1)[0]


def prepare(published: Published) -> Prepared:
    """The reading as a loaded report the rules can check (module docstring)."""
    data = copy.deepcopy(published.data)
    uncertain: set[str] = set()
    filled: set[str] = set()
    fmt = published.format if published.format in ("2021", "2019") else "2021"
    data["format"] = fmt
    for table in (ACTIVE, APPLICATIONS, REVIEWS):
        if table not in data:
            data[table] = _zeros_active(fmt) if table == ACTIVE else {}
            uncertain.add(table)
        for cell in list(_none_cells(data[table], table)):
            row = _row_of(cell)
            index = int(cell.rsplit("[", 1)[1][:-1]) if cell.endswith("]") else None
            options = published.alternatives.get(row) or (published.alternatives.get(REVIEWS) if table == REVIEWS
                                                          else None) or []
            if table == REVIEWS and options:  # table 四 is read as one row of 15 (or 12) cells
                width = 5 if len(options[0]) == 15 else 4
                group = [g.key for g in REVIEW_GROUPS].index(row.split(".")[1]) if "." in row else 0
                value = options[0][group * width + (index or 0)]
            else:
                value = options[0][index] if options and index is not None and index < len(options[0]) else 0
            set_at(data, key_path(cell), value)
            uncertain.add(cell)
    for note in published.notes:
        if note.rule == MISSING and note.key and note.key.startswith((ACTIVE, APPLICATIONS, REVIEWS)):
            uncertain.add(note.key)  # a row (or a table) not found: its zeros are not the report's
    text = data.setdefault("text", {})
    for part, body in list(text.items()):
        if isinstance(body, str):
            text[part] = simplified(body)  # the rules' words are simplified: 繁体 text is read in 简体 (quoted so)
    for part in _TEXT_PARTS:
        if not str(text.get(part) or "").strip():
            text[part] = FILLER
            filled.add(f"text.{part}")
    if not isinstance(data.get("year"), int):
        data["year"] = 2021 if fmt == "2021" else 2020
        filled.add("year")
    if not isinstance(data.get("date"), dt.date):
        data["date"] = dt.date(data["year"] + 1, 1, 1)  # within every deadline: the DATE rules are left out anyway
        filled.add("date")
    if not data.get("agency"):
        data["agency"] = "（机关名称不明）"
        filled.add("agency")
    data.setdefault("kind", "government")
    source = published.source()
    loaded = validate(Source(path=source.path, data=data, lines=source.lines, text=""), published.file)
    return Prepared(loaded, uncertain, filled)


# --- which cells a finding rests on -------------------------------------------------------------------------------
def _application_keys(fmt: str) -> list[str]:
    return [f"applications.{row.key}" for row in APPLICATION_ROWS[fmt]]


def depends_on(finding: Finding, fmt: str) -> list[str]:
    """The cells (or rows, or tables) of this year's report that `finding` rests on."""
    key = finding.key or ""
    rule = finding.rule
    rows = _application_keys(fmt)
    results = [r for r in rows if r.split(".")[1] not in ("new", "carried_over", "total", "carried_forward")]
    column = re.fullmatch(r"applications\[(\d)\]", key)
    if rule == "T3-BALANCE" and column:
        index = int(column.group(1))
        columns = range(6) if index == 6 else (index,)
        return [f"{row}[{i}]" for row in rows for i in columns] + [f"applications.total[{index}]"]
    if rule == "T3-RESULTS-TOTAL":
        index = int(key.rsplit("[", 1)[1][:-1])
        columns = range(6) if index == 6 else (index,)
        return [f"{row}[{i}]" for row in results for i in columns] + [key]
    if rule in ("T3-ROW-TOTAL", "T4-TOTAL"):
        return [_row_of(key)]
    if rule in ("TEXT-FIGURE", "TEXT-PERCENT"):
        table = (finding.row or "")[:2]
        return {"表二": [ACTIVE], "表三": [APPLICATIONS], "表四": [REVIEWS]}.get(table, [APPLICATIONS, REVIEWS])
    if rule == "FEE-UNPAID":
        return ["applications.other.unpaid_fee"]
    if key.startswith((ACTIVE, APPLICATIONS, REVIEWS)):
        return [key]
    return []


def _previous_cells(finding: Finding) -> list[str]:
    """The cells of last year's report a cross-year finding rests on."""
    key = finding.key or ""
    if finding.rule == "XY-CARRIED":
        return [key.replace("carried_over", "carried_forward")]
    if finding.rule in ("XY-IN-FORCE", "XY-ITEMS"):
        return [key.rsplit(".", 1)[0]]
    if finding.rule == "XY-JUMP":
        return [key]
    return []


def _touches(cells: Iterable[str], uncertain: set[str]) -> list[str]:
    out = []
    for cell in cells:
        for unsure in uncertain:
            if cell == unsure or cell.startswith(unsure + ".") or cell.startswith(unsure + "[") or \
                    unsure.startswith(cell + ".") or unsure.startswith(cell + "["):
                out.append(unsure)
    return sorted(set(out))


def _location_key(key: str) -> str:
    column = re.fullmatch(r"applications\[(\d)\]", key)
    return f"applications.new[{column.group(1)}]" if column else key


def _unsure(published: Published, finding: Finding, cells: list[str], last_year: bool = False) -> Finding:
    rule = RULES[UNSURE]
    shown = "、".join(sorted({_row_of(c) for c in cells})[:4])
    whose = "上年报告" if last_year else "本报告"
    return Finding(
        UNSURE, rule.severity,
        f"无法确定：{finding.rule}（{_title(finding.rule)}）涉及{whose}读不准的格"
        f"（{shown}），未核对；请对照原件核实这些格",
        published.file, finding.line, finding.part, finding.row, finding.column, finding.key,
    )


def _title(rule: str) -> str:
    return next((r.title for r in RULES if r.id == rule), "")


_QUOTE = re.compile(r"正文“(.+?)”写")


def _narrative_line(published: Published, finding: Finding) -> Finding:
    """A narrative finding at the line of the document where its sentence stands (the text was re-joined)."""
    quote = _QUOTE.search(finding.message)
    if not quote:
        return finding
    fragment = quote.group(1).strip("…").strip()
    probe = fragment[:16]
    for text, place in published.lines:
        if probe and probe in simplified(text):
            return replace(finding, line=place.line)
    return finding


def _with_place(published: Published, finding: Finding) -> Finding:
    """The finding with the place of its key in the document: its line, and a page or table cell in words where
    the line alone does not say it (DOCX, PDF, an HTML table)."""
    if finding.rule in ("TEXT-FIGURE", "TEXT-PERCENT", "TEXT-PLACEHOLDER"):
        finding = _narrative_line(published, finding)
    if not finding.key or finding.rule.startswith(("READ-", "PUB-")):
        return finding
    location = published.locations.get(_location_key(finding.key))
    if location is None:
        return finding
    place = location.place
    line = finding.line if finding.line is not None and place.line is not None else place.line
    if place.page is not None or place.table is not None or place.paragraph is not None:
        finding = replace(finding, message=f"{finding.message}（{location.describe()}）")
    return replace(finding, line=line)


# --- last year's report ----------------------------------------------------------------------------------------------
def previous_of(path: Path, prepared: Prepared, given: Path | None, find: bool,
                pool: dict[tuple[str, int], "Audited"] | None = None) -> tuple[Previous, set[str]]:
    """Last year's report and its uncertain cells: `given` (a published report or a YAML input), else one found
    among the reports audited together (`pool`: same agency, year before), else beside the file (its name with the
    year one less, or the same name in last year's folder)."""
    loaded = prepared.loaded
    report = loaded.report
    if report is None:
        return Previous("none"), set()
    if given is not None and given.suffix.lower() in YAML_SUFFIXES:
        return previous_for(path, loaded, given, True), set()
    if given is not None:
        given_read = read(given)
        last, problem = given_read.prepared, given_read.problem
        previous = Previous("given", given, last.loaded if last else None,
                            note=f"跨年度核对：使用上年报告 {given}（--previous）")
        if problem or last is None or last.loaded.report is None:
            previous.problems.append(f"上年报告 {given} 无法读取或无法核对" + (f"（{problem}）" if problem else ""))
        elif last.loaded.report.year != report.year - 1:
            previous.problems.append(
                f"上年报告 {given} 的报告年度是 {last.loaded.report.year} 年，应为 {report.year - 1} 年")
        if previous.problems:
            previous.note = f"跨年度核对：未做（{previous.problems[0]}）"
        return previous, last.uncertain if last else set()
    if not find:
        return Previous("none", note="跨年度核对：未做（已用 --no-previous 关闭）"), set()
    if "year" in prepared.filled:
        return Previous("none", note="跨年度核对：未做（读不出报告年度）"), set()
    name = unit_name(report.agency)
    if pool is not None:
        other = pool.get((name, report.year - 1))
        if other is not None and other.prepared is not None and other.prepared.loaded.report is not None:
            note = f"跨年度核对：使用上年报告 {other.file}（同时核对的报告中找到）"
            return Previous("found", other.path, other.prepared.loaded, note=note), other.prepared.uncertain
    tried = [c for c in candidates(path, report.year) if c != path]
    for candidate in tried:
        if not candidate.is_file():
            continue
        if candidate.suffix.lower() in YAML_SUFFIXES:
            found = previous_for(path, loaded, candidate, True)
            if found.report is not None and unit_name(found.report.agency) == name:
                found.how, found.note = "found", f"跨年度核对：使用上年报告 {candidate}（自动找到）"
                return found, set()
            continue
        last = read(candidate).prepared
        if last is None or last.loaded.report is None:
            continue
        if last.loaded.report.year != report.year - 1 or unit_name(last.loaded.report.agency) != name:
            continue
        return Previous("found", candidate, last.loaded,
                        note=f"跨年度核对：使用上年报告 {candidate}（自动找到）"), last.uncertain
    return Previous("none", note="跨年度核对：未做（没有 --previous，旁边也没有同一机关上一年度的报告）"), set()


# --- the audit -------------------------------------------------------------------------------------------------------
_DATE_RULES = ("DATE-EARLY", "DATE-LATE")
_YEAR_RULES = _DATE_RULES + ("FORMAT-YEAR", "XY-PREVIOUS", "XY-AGENCY", "XY-CARRIED", "XY-IN-FORCE", "XY-ITEMS",
                             "XY-JUMP")


def read(path: Path, display: str | None = None) -> Audited:
    """Read one published report and make it ready for the rules (nothing checked yet)."""
    result = Audited(path, display or str(path))
    try:
        result.published = read_published(path, result.file)
    except ReadError as exc:
        result.problem = str(exc)
        return result
    if result.published.format != "pre-2019":
        result.prepared = prepare(result.published)
    return result


def run(result: Audited, previous: Path | None = None, find_previous: bool = True,
        pool: dict[tuple[str, int], Audited] | None = None) -> Audited:
    """Every rule on a report `read` has read: the rule table's, the published document's and the reader's notes."""
    published = result.published
    if published is None:
        return result
    own = published_findings(published)
    found: list[Finding] = []
    last_uncertain: set[str] = set()
    prepared = result.prepared
    if prepared is not None:
        loaded = prepared.loaded
        if loaded.report is not None:
            result.previous, last_uncertain = previous_of(result.path, prepared, previous, find_previous, pool)
            found = check(loaded, result.previous)
        else:
            found = list(loaded.findings)
        found = _sift(published, prepared, found, last_uncertain, own)
    notes = _notes(published, found, own)
    findings = [_with_place(published, f) for f in found] + own + notes
    result.findings = sorted(findings, key=sort_key)
    return result


def _sift(published: Published, prepared: Prepared, found: list[Finding], last_uncertain: set[str],
          own: list[Finding]) -> list[Finding]:
    """The rule table's findings without those that read a filler, and with each that rests on a cell the reader
    could not settle replaced by a PUB-UNSURE note."""
    fmt = published.format or "2021"
    left_out = set(_YEAR_RULES if "year" in prepared.filled else ())
    if "date" in prepared.filled:
        left_out |= set(_DATE_RULES)
    if any(f.rule == "PUB-DATE-YEAR" and "晚了" in f.message for f in own):
        left_out.add("DATE-LATE")  # the same date, said once: the year is wrong
    out: list[Finding] = []
    unsure: dict[tuple[str, str], Finding] = {}
    for finding in found:
        if finding.rule in left_out:
            continue
        if finding.rule == "INPUT" and finding.key in prepared.filled:
            continue
        if finding.rule == "P5-EMPTY" and "text.problems" in prepared.filled:
            continue
        touched = _touches(depends_on(finding, fmt), prepared.uncertain)
        last = _touches(_previous_cells(finding), last_uncertain) if finding.rule.startswith("XY-") else []
        if touched or last:
            note = _unsure(published, finding, touched or last, last_year=not touched)
            unsure.setdefault((finding.rule, note.message), note)
            continue
        out.append(finding)
    return out + list(unsure.values())


def _notes(published: Published, found: list[Finding], own: list[Finding]) -> list[Finding]:
    """The reader's notes, less those a rule says better: the format (FORMAT-YEAR), a narrative part not found
    (PUB-PART-*), a date not found (PUB-SIGNATURE)."""
    rules = {f.rule for f in found} | {f.rule for f in own}
    out = []
    plain: dict[str | None, list[Finding]] = {}  # splits each the only one that fits its row: one note a table
    for note in published.notes:
        if note.rule == SPLIT and "唯一满足" in note.message:
            plain.setdefault(note.part, []).append(note)
            continue
        if note.rule == FORMAT and "FORMAT-YEAR" in rules:
            continue
        if note.rule == MISSING and (note.key or "").startswith("text."):
            continue
        if note.rule == META and note.key in ("date",) and "PUB-SIGNATURE" in rules:
            continue
        out.append(note)
    for part, notes in plain.items():
        if len(notes) == 1:
            out.extend(notes)
            continue
        lines = [n.line for n in notes if n.line is not None]
        span = f"（第{min(lines)}行至第{max(lines)}行）" if lines else ""
        out.append(replace(notes[0], key=None, row=None, column=None, message=(
            f"{len(notes)}行的数字连在一起，每行按唯一满足其总计（或每格至少一位、没有以0开头的多位数）的拆分读取{span}")))
    return out


def audit_file(path: Path, previous: Path | None = None, find_previous: bool = True,
               display: str | None = None) -> Audited:
    """Audit one published report."""
    return run(read(path, display), previous, find_previous)


def collect(sources: Iterable[Path]) -> list[Path]:
    """The published reports named: files as given, a folder's reports (its subfolders too), in order."""
    out: list[Path] = []
    for source in sources:
        if source.is_dir():
            files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in PUBLISHED_SUFFIXES
                           and not p.name.startswith("."))
            if not files:
                raise AuditError(f"{source} 中没有已发布的报告（.html、.docx、.pdf、.txt）")
            out.extend(files)
        elif source.is_file():
            out.append(source)
        else:
            raise AuditError(f"{source} 不存在")
    return list(dict.fromkeys(out))


def audit_sources(sources: Iterable[Path], previous: Path | None = None, find_previous: bool = True) -> list[Audited]:
    """Audit every published report of `sources` (files and folders): each report's last year is found among the
    reports audited together (same agency, year before) before it is looked for beside the file."""
    results = [read(path) for path in collect(sources)]
    pool: dict[tuple[str, int], Audited] = {}
    for result in results:
        if result.report is not None:
            pool.setdefault((unit_name(result.report.agency), result.report.year), result)
    for result in results:
        run(result, previous, find_previous, pool)
    return results


def failing_rules(result: Audited) -> dict[str, int]:
    """Rule id → number of findings, for the summary (a report that cannot be read: READ-ERROR)."""
    if result.problem is not None:
        return {"READ-ERROR": 1}
    counts: dict[str, int] = {}
    for finding in result.findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    return counts


__all__ = [
    "AuditError", "Audited", "Prepared", "audit_file", "audit_sources", "collect", "prepare", "read", "run",
    "failing_rules", "unit_name", "depends_on", "PUBLISHED_SUFFIXES", "BLANK", "UNCERTAIN",
]
