"""Reading filled collection workbooks (`govreport import`, and `batch` given a workbook): each sheet's cells →
input data, checked with the rules the caller gives (the batch: the pipeline's), each finding placed on its cell
(cells.py); the YAML of a sheet without errors. A file that is not a workbook, or one too large to read safely, is
refused before openpyxl reads it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, cast

from ...findings import Finding, Severity
from ...limits import MAX_AMOUNT, MAX_COUNT
from ...model import Loaded, validate
from ...model.forms import APPLICATION_ROWS, KINDS
from ...model.labels import key_path, place
from ...model.source import Source, set_at
from ...yamlout import dump_input
from ..names import safe_stem
from .cells import locate
from .layout import BLANK_SHEET, INDEX_SHEET, MARKER_PATTERN, NOTICES, RULE, Item, Layout, column_letter, layout_for

Checker = Callable[[Loaded], list[Finding]]  # the rules run on a sheet that validated


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all; the message is Chinese."""


@dataclass
class SheetImport:
    sheet: str
    stem: str
    display: str
    fmt: str | None = None
    data: dict | None = None
    text: str | None = None  # the YAML, when the sheet has no errors
    findings: list[Finding] = field(default_factory=list)
    filled: bool = True

    @property
    def ok(self) -> bool:
        return self.text is not None


def _finding(message: str, display: str, coord: str | None, key: str | None = None, fmt: str = "2021",
             severity: Severity = Severity.ERROR) -> Finding:
    part = row = column = None
    if key:
        part, row, column = place(key_path(key), fmt)
    return Finding(rule=RULE, severity=severity, message=message, file=f"{display}!{coord}" if coord else display,
                   part=part, row=row, column=column, key=key)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_PLAIN_NUMBER = re.compile(r"([+-]?\d+)(?:\.(\d+))?")  # a number typed as text ('5, 1,234, 2.75)
MONEY_PLACES = 6  # the template shows amounts with up to six decimals ("0.######"); more would be published unseen


class CellProblem(Exception):
    """A cell's value cannot be read as what its place asks for; the message is Chinese (reported at the cell)."""


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, float) else str(value)
    return text if len(text) <= 24 else f"{text[:24]}…（共{len(text)}个字符）"


def _bounded(value: Any, kind: str, typed: Any) -> Any:
    """Counts within ±MAX_COUNT, amounts within MAX_AMOUNT and six decimals; `typed` is what the cell showed."""
    if kind == "money":
        if value > MAX_AMOUNT:
            raise CellProblem(f"金额过大（{_shown(typed)}）：上限为 {MAX_AMOUNT:,}，请检查是否多打了数字")
        # a finite number here (no NaN or infinity reaches this), so the exponent is an int
        if isinstance(value, Decimal) and cast(int, value.as_tuple().exponent) < -MONEY_PLACES:
            raise CellProblem(f"小数位数过多（{_shown(typed)}）：金额最多保留 {MONEY_PLACES} 位小数（采集表也只显示 "
                              f"{MONEY_PLACES} 位，多出的位数看不见却会写进报告）")
        return value
    if abs(value) > MAX_COUNT:
        if kind == "signed" and value < 0:
            raise CellProblem(f"减少的数目过大（{_shown(typed)}）：最多减少 {MAX_COUNT:,}，请检查是否多打了数字")
        raise CellProblem(f"数值过大（{_shown(typed)}）：件数上限为 {MAX_COUNT:,}（10亿），请检查是否多打了数字")
    return value


def _number(value: Any, kind: str) -> Any:
    """A cell's value for a number key: whole numbers as int, amounts as Decimal, each within its bounds (else
    CellProblem); anything else (text, a decimal where a count belongs, a date, TRUE) as typed, so the model's
    message says what is wrong with it. Nothing is rounded: 2.5 in a count cell is an error, not 2 or 3."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem(f"不是有效的数字（{value!r}）")
        if kind != "money" and abs(value) > MAX_COUNT:
            return _bounded(value, kind, value)  # raises: 1e30 must not become 1000000000000000019884624838656
        if kind != "money" and value.is_integer():
            return _bounded(int(value), kind, value)
        return _bounded(Decimal(repr(value)), kind, value)
    if isinstance(value, int):
        return _bounded(value, kind, value)
    if isinstance(value, str):
        typed = value.strip()
        match = _PLAIN_NUMBER.fullmatch(typed.replace(",", ""))
        if match is None:
            return typed
        whole, places = match.group(1), match.group(2)
        if len(whole) > 30:  # more digits than any count or amount may have: not turned into a number at all
            return _bounded(Decimal(-(10**31) if whole.startswith("-") else 10**31), kind, typed)
        if places is None:
            return _bounded(int(whole), kind, typed)
        if len(places) > 30:
            if kind == "money":
                return _bounded(Decimal("1e-31"), kind, typed)
            return typed
        number = Decimal(f"{whole}.{places}")
        return _bounded(number, kind, typed) if kind == "money" else number
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return str(value)
    return value if value is None else str(value)


def _cell(ws, coord: str) -> Any:
    """A cell's value as plain data: an array formula as its text (openpyxl gives an object for it)."""
    value = ws[coord].value
    if value is None or isinstance(value, (str, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return str(value)


def _paragraphs(value: Any) -> str:
    """A narrative cell → text with a blank line between paragraphs (one paragraph per line of the cell)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line.strip())


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    if isinstance(value, str):
        return value.strip()
    return value


def _structure(ws, layout: Layout, display: str) -> list[Finding]:
    """Wording moved (rows or columns inserted or deleted) or merged cells broken in a way that would lose input."""
    problems: list[Finding] = []
    for item in layout.labels:
        actual = ws.cell(item.row, item.col).value
        if str(actual or "").strip() != str(item.value).strip():
            problems.append(_finding(
                f"表格结构被改动：此格应为“{item.value}”，现为“{actual or '（空）'}”。请勿插入或删除行列；"
                f"可复制“{BLANK_SHEET}”重新填写", display, item.coord, fmt=layout.fmt))
            return problems  # everything below would be misread
    merged = {str(r) for r in ws.merged_cells.ranges}
    for item in layout.items:
        if item.merged and item.range not in merged:
            for r in range(item.row, item.row + item.rows):
                for c in range(item.col, item.col + item.cols):
                    if (r, c) != (item.row, item.col) and not _blank(ws.cell(r, c).value):
                        coord = f"{column_letter(c)}{r}"
                        problems.append(_finding(
                            f"合并单元格 {item.range} 已被拆分，{coord} 中的内容不会被读取：请把内容移到 {item.coord}，"
                            f"再恢复合并", display, coord, item.key, layout.fmt))
    inputs = {(item.row, item.col): item for item in layout.cells.values()}
    for rng in ws.merged_cells.ranges:
        if str(rng) in {item.range for item in layout.items if item.merged}:
            continue
        for (r, c), item in inputs.items():
            inside = rng.min_row <= r <= rng.max_row and rng.min_col <= c <= rng.max_col
            if inside and (r, c) != (rng.min_row, rng.min_col):
                problems.append(_finding(f"此格被合并进 {rng}，无法读取：请取消该合并", display, item.coord, item.key,
                                         layout.fmt))
    return problems


def _filled(ws, layout: Layout) -> bool:
    for key, item in layout.cells.items():
        value = _cell(ws, item.coord)
        if item.kind in ("text", "date") and not _blank(value):
            return True
        zero = type(value) in (int, float) and value == 0
        if item.kind in ("count", "signed", "money") and not (_blank(value) or zero):
            return True
    return False


def _contents(ws) -> dict[tuple[int, int], Any]:
    """The cells that hold something, by (row, column), without creating the empty ones (iter_rows would, for every
    cell of the used range: a sheet formatted down to row 1,048,576 would take minutes)."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # pragma: no cover - another openpyxl
        return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if not _blank(c.value)}
    return {key: cell.value for key, cell in list(cells.items()) if not _blank(cell.value)}


def _recognise(ws) -> str | None:
    """The template format a sheet without its A2 note still has: the one whose fixed wording stands where the
    template put it (at least half of it; `_structure` then names any label that moved)."""
    best, best_score = None, 0.0
    for fmt in NOTICES:
        labels = layout_for(fmt).labels
        same = sum(
            1 for item in labels if str(ws.cell(item.row, item.col).value or "").strip() == str(item.value).strip()
        )
        score = same / len(labels)
        if score > best_score:
            best, best_score = fmt, score
        elif score == best_score:
            best = None  # as much like one format as the other: cannot tell
    return best if best_score >= 0.5 else None


def _is_index(ws) -> bool:
    """A renamed 填写说明 sheet: it has the list's header row."""
    for (row, col), value in _contents(ws).items():
        if col == 1 and value == "序号" and ws.cell(row, 2).value == "单位" and ws.cell(row, 3).value == "工作表":
            return True
    return False


def read_sheet(ws, book_name: str, check: Checker | None = None) -> SheetImport:
    """One sheet → input data, its YAML text (when nothing is wrong) and located findings.

    A sheet is skipped (not `filled`) only when nothing in it was filled in. A sheet whose A2 note was cleared is read
    all the same when its tables are the template's (with a warning at A2), and refused with an error at A2 when they
    are not and it holds anything: a filled sheet is never skipped without a word."""
    display = f"{book_name}:{ws.title}"
    result = SheetImport(sheet=ws.title, stem=safe_stem(ws.title), display=display)
    marker = MARKER_PATTERN.search(str(_cell(ws, "A2") or ""))
    if marker is not None:
        fmt = marker.group(1)
    else:
        fmt = _recognise(ws)
        if fmt is None:
            if not _contents(ws) or _is_index(ws):
                result.filled = False  # an empty sheet, or the list of units under another name
                return result
            result.findings.append(_finding(
                "此工作表不是可读取的采集表（A2 格的说明不见了，表格也与采集表的格式不符），"
                f"未导入：如是单位填写的数据，请复制“{BLANK_SHEET}”重新填写；如不是，请删去此工作表", display, "A2"))
            return result
        result.findings.append(_finding(
            f"A2 格的说明被清除或改动了；按表格内容认定为{fmt}格式的采集表读取。请勿改动 A2 格", display, "A2",
            severity=Severity.WARNING))
    result.fmt = fmt
    layout = layout_for(fmt)
    result.findings += _structure(ws, layout, display)
    if any(f.is_error for f in result.findings):
        return result
    if not _filled(ws, layout):
        result.filled = False
        return result
    data: dict = {"format": fmt}
    bad: dict[str, Finding] = {}  # cells the reader itself refuses (numbers out of bounds), by input key

    def number(key: str, item: Item, kind: str, value: Any) -> Any:
        try:
            return _number(value, kind)
        except CellProblem as exc:
            bad[key] = _finding(str(exc), display, item.coord, key, fmt)
            return _shown(value)

    kinds_back = {label: key for key, label in KINDS.items()}
    for key, item in layout.cells.items():
        value = _cell(ws, item.coord)
        if item.kind in ("count", "signed", "money"):
            set_at(data, key_path(key), None if _blank(value) else number(key, item, item.kind, value))
        elif item.kind == "text":
            if key == "text.preface" and _blank(value):
                continue
            set_at(data, key_path(key), _paragraphs(value))
        elif item.kind == "date":
            if not _blank(value):
                set_at(data, key_path(key), _date(value))
        elif item.kind == "kind":
            if not _blank(value):
                set_at(data, key_path(key), kinds_back.get(str(value).strip(), str(value).strip()))
        elif item.kind == "year":
            if not _blank(value):
                set_at(data, key_path(key), _year(value))
        elif not _blank(value):  # one-line text
            set_at(data, key_path(key), str(value).strip() if not isinstance(value, (int, float)) else str(value))
    _given_totals(ws, layout, data, number)
    result.data = data
    loaded = validate(Source(path=None, data=data, lines={}), display)
    findings = list(loaded.findings)
    if loaded.report is not None and check is not None:  # every rule (the pipeline's, given by the caller)
        findings = check(loaded)
    findings = [f for f in findings if f.key not in bad]  # the reader's own message stands for those cells
    result.findings += list(bad.values()) + [locate(f, layout, display) for f in findings]
    if loaded.report is not None and not any(f.is_error for f in result.findings):
        header = [f"由采集表 {book_name} 的工作表“{ws.title}”导入（govreport import）",
                  "请在采集表中修改后重新导入，或直接修改本文件。"]
        result.text = dump_input(data, header)
    return result


def _year(value: Any) -> Any:
    """The year cell: a whole number as int; anything else as typed, for the model's message (never a 300-digit
    int made from 1e300)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**6:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
        return int(value)
    return value if isinstance(value, bool) else (repr(value) if isinstance(value, float) else str(value))


def _given_totals(ws, layout: Layout, data: dict, number) -> None:
    """A total cell whose formula was overwritten with a number: keep that number as the given total, so the check
    compares it with the rows (nothing the clerk typed is dropped)."""
    typed: dict[str, Any] = {}
    for key, item in layout.totals.items():
        value = _cell(ws, item.coord)
        if isinstance(value, str) and value.startswith("="):
            continue
        if _blank(value):
            continue
        typed[key] = number(key, item, "count", value)
    for key, value in typed.items():  # every total key ends in an index: "applications.new[6]"
        row_key, index = cast(re.Match[str], re.fullmatch(r"(.+)\[(\d)\]", key)).groups()
        if row_key == "applications.total":
            continue
        path = [p for p in row_key.split(".")]
        node: Any = data
        for name in path:
            node = node[name]
        node.append(value)
    total_typed = {int(cast(re.Match[str], re.search(r"\[(\d)\]", k)).group(1)): v for k, v in typed.items()
                   if k.startswith("applications.total[")}
    if total_typed:
        results = [spec for spec in APPLICATION_ROWS[layout.fmt] if spec.kind == "result"]
        row = []
        for index in range(7):
            if index in total_typed:
                row.append(total_typed[index])
                continue
            try:
                row.append(sum(_row_of(data, spec.path)[index] if index < 6 else sum(_row_of(data, spec.path)[:6])
                               for spec in results))
            except TypeError:  # a bad cell elsewhere; its own error is reported
                row.append(0)
        data["applications"]["total"] = row


def _row_of(data: dict, path: tuple[str, ...]) -> list:
    node = data["applications"]
    for name in path:
        node = node[name]
    return node



def _short(text: str, size: int = 200) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _readable(path: Path) -> None:
    """Refuse before openpyxl reads anything: what is not a regular file (a FIFO would block the read forever), and
    a workbook whose parts unpack to more than the limits (a “zip bomb”, or a sheet formatted down to its last row).
    The sizes are those the zip file declares; Python's zipfile never unpacks a part beyond its declared size."""
    import stat
    import zipfile

    from ...limits import MAX_WORKBOOK_BYTES, MAX_WORKSHEET_BYTES

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise WorkbookError(f"{path}：文件不存在") from None
    except OSError as exc:
        raise WorkbookError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    if not stat.S_ISREG(mode):
        raise WorkbookError(f"{path}：不是普通文件（是文件夹、管道或设备），不能作为采集表读取")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"{path}：不是可读取的 Excel 工作簿（.xlsx）：{_short(str(exc))}") from None
    total = 0
    for part in parts:
        total += part.file_size
        if part.filename.startswith("xl/worksheets/") and part.file_size > MAX_WORKSHEET_BYTES:
            raise WorkbookError(
                f"{path}：工作簿中的 {part.filename} 解压后有 {part.file_size / 1e6:,.0f} MB，超过一张工作表 "
                f"{MAX_WORKSHEET_BYTES // 1_000_000} MB 的上限（一张填好的采集表约 0.05 MB），不是采集表或已损坏")
    if total > MAX_WORKBOOK_BYTES:
        raise WorkbookError(
            f"{path}：工作簿解压后有 {total / 1e6:,.0f} MB，超过 {MAX_WORKBOOK_BYTES // 1_000_000} MB 的上限"
            "（一张填好的采集表约 0.05 MB）：请分成几个工作簿")


def read_workbook(
    path: Path, check: Checker | None = None
) -> tuple[list[SheetImport], list[tuple[str, Finding]]]:
    """Every sheet of a collection workbook, and the sheets listed in 填写说明 but missing, each with its finding.
    `check` runs the rules on a sheet that validated (the batch passes the pipeline's); without it only the
    model's own findings are given."""
    from openpyxl import load_workbook

    _readable(path)
    try:
        wb = load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise WorkbookError(f"{path}：文件不存在") from None
    except MemoryError:
        raise WorkbookError(f"{path}：工作簿过大，内存不足以读取") from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise WorkbookError(f"{path}：不是可读取的 Excel 工作簿（.xlsx）：{_short(str(exc))}") from None
    book = path.name
    problems: list[tuple[str, Finding]] = []
    sheets = []
    for ws in wb.worksheets:
        if ws.title == INDEX_SHEET:
            problems += _missing_sheets(ws, wb, book)
            continue
        sheets.append(read_sheet(ws, book, check))
    return sheets, problems


def _missing_sheets(index, wb, book: str) -> list[tuple[str, Finding]]:
    names = {ws.title for ws in wb.worksheets}
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), value in _contents(index).items():
        if col <= 3:
            rows.setdefault(row, {})[col] = value
    out = []
    header = None
    for row in sorted(rows):
        values = [rows[row].get(col) for col in (1, 2, 3)]
        if values == ["序号", "单位", "工作表"]:
            header = row
            continue
        if header is None or _blank(values[2]):
            continue
        if str(values[2]).strip() not in names:
            out.append((str(values[2]).strip(), Finding(
                rule=RULE, severity=Severity.ERROR, file=f"{book}:{INDEX_SHEET}!C{row}",
                message=f"单位“{values[1]}”的工作表“{values[2]}”不存在（被删除或改名）：请恢复该工作表，或从目录中删去此行",
            )))
    return out

