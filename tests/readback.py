"""Read the three official tables back out of produced HTML, DOCX and PDF, and the expected tables from an input.

Expected tables come from the YAML text itself (every scalar as typed) and the hand-copied labels of official.py,
never from the generator's own tables, so a read-back comparison is a real check of the writers.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from official import (
    ACTIVE,
    APPLICANTS,
    CORNER,
    ITEM_HEADER,
    ORGANISATIONS,
    RESULTS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    application_rows,
)

Grid = list[list[str]]
Region = tuple[int, int, int, int]  # row, column, rowspan, colspan


# --- expected, from the input -----------------------------------------------------------------------------------
def raw_input(path: Path | str) -> dict:
    """The input with every scalar as the string typed (yaml BaseLoader)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def report_format(data: dict) -> str:
    fmt = data.get("format")
    return str(fmt) if fmt else ("2021" if int(data["year"]) >= 2021 else "2019")


def typed_number(text: str) -> str:
    """A figure as a table prints it: integers plainly (no '+'), decimals as typed."""
    text = text.strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return str(int(text))
    return text


# The columns whose figure is a change (本年增/减): printed with its sign, +80, -51, 0.
SIGNED = {"change"}


def typed_change(text: str) -> str:
    """A change as the table prints it: the sign of an increase shown (+80), a decrease as typed (-51), 0."""
    value = int(text.strip())
    return f"+{value}" if value > 0 else str(value)


def figure(text: str) -> int | str:
    """A figure read back out of a table: "+80" → 80, "-51" → -51, "0" → 0; a decimal stays its text."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else text


def printed(field: str | None, value: str) -> str:
    return typed_change(value) if field in SIGNED else typed_number(value)


def _get(data: dict, path: tuple[str, ...]):
    node = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def application_values(data: dict) -> dict[tuple[str, ...], list[int]]:
    """Table 三 as the input gives it: every row's six numbers plus its 总计, （七）总计 summed from the results."""
    fmt = report_format(data)
    apps = data.get("applications") or {}
    values: dict[tuple[str, ...], list[int]] = {}
    results = [0] * 7
    for path, _group, _label, kind in application_rows(fmt):
        if kind == "total":
            continue
        given = _get(apps, path)
        six = [int(v) for v in (given or [0] * 6)[:6]]
        row = six + [sum(six)]
        values[path] = row
        if kind == "result":
            results = [a + b for a, b in zip(results, row)]
    values[("total",)] = results
    return values


def review_values(data: dict) -> list[int]:
    reviews = data.get("reviews") or {}
    out: list[int] = []
    for key, _label in REVIEW_GROUPS:
        four = [int(v) for v in (reviews.get(key) or [0] * 4)[:4]]
        out += four + [sum(four)]
    return out


def expected_applications(data: dict) -> tuple[Grid, list[Region]]:
    """The full grid of table 三 (merged cells repeat their text) and its merged regions."""
    fmt = report_format(data)
    values = application_values(data)
    grid: Grid = [
        [CORNER] * 3 + ["申请人情况"] * 7,
        [CORNER] * 3 + [APPLICANTS[0]] + ["法人或其他组织"] * 5 + ["总计"],
        [CORNER] * 3 + [APPLICANTS[0]] + list(ORGANISATIONS) + ["总计"],
    ]
    regions: list[Region] = [(0, 0, 3, 3), (0, 3, 1, 7), (1, 3, 2, 1), (1, 4, 1, 5), (1, 9, 2, 1)]
    rows = application_rows(fmt)
    first_result = 3 + next(i for i, r in enumerate(rows) if r[3] == "result")
    n_results = sum(1 for r in rows if r[3] in ("result", "total"))
    regions.append((first_result, 0, n_results, 1))
    group_start: dict[str, int] = {}
    group_size: dict[str, int] = {}
    for index, (path, group, label, kind) in enumerate(rows):
        r = 3 + index
        numbers = [str(v) for v in values[path]]
        if kind in ("intake", "forward"):
            grid.append([label] * 3 + numbers)
            regions.append((r, 0, 1, 3))
        elif group:
            grid.append([RESULTS, group, label] + numbers)
            group_start.setdefault(group, r)
            group_size[group] = group_size.get(group, 0) + 1
        else:
            grid.append([RESULTS, label, label] + numbers)
            regions.append((r, 1, 1, 2))
    for group, start in group_start.items():
        if group_size[group] > 1:
            regions.append((start, 1, group_size[group], 1))
    return grid, sorted(regions)


def application_keys(fmt: str) -> list[list[str | None]]:
    """The data-key every number cell of table 三 carries in the HTML, by grid position (None for labels)."""
    keys: list[list[str | None]] = [[None] * 10 for _ in range(3)]
    for path, *_ in application_rows(fmt):
        key = ".".join(path)
        keys.append([None] * 3 + [f"applications.{key}[{i}]" for i in range(7)])
    return keys


def expected_reviews(data: dict) -> tuple[Grid, list[Region]]:
    header = list(REVIEW_OUTCOMES) + ["总计"]
    grid = [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        header + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        header + header + header,
        [str(v) for v in review_values(data)],
    ]
    regions = [(0, 0, 1, 5), (0, 5, 1, 10), (1, 5, 1, 5), (1, 10, 1, 5)] + [(1, c, 2, 1) for c in range(5)]
    return grid, sorted(regions)


def expected_active(data: dict) -> tuple[Grid, list[Region]]:
    fmt = report_format(data)
    active = data["active"]
    grid: Grid = []
    regions: list[Region] = []
    for caption, columns, rows in ACTIVE[fmt]:
        regions.append((len(grid), 0, 1, 4))
        grid.append([caption] * 4)
        header = [ITEM_HEADER]
        c = 1
        for _field, label, span in columns:
            header += [label] * span
            if span > 1:
                regions.append((len(grid), c, 1, span))
            c += span
        grid.append(header)
        for key, label in rows:
            row = [label]
            c = 1
            for field, _label, span in columns:
                value = active[key] if field is None else active[key][field]
                row += [printed(field, value)] * span
                if span > 1:
                    regions.append((len(grid), c, 1, span))
                c += span
            grid.append(row)
    return grid, sorted(regions)


def active_rows(data: dict) -> list[tuple[str, list[str]]]:
    """Table 二's data rows as a reader sees them: the label, then each column's figure once."""
    active = data["active"]
    return [
        (label, [printed(field, active[key] if field is None else active[key][field]) for field, _l, _s in columns])
        for _caption, columns, rows in ACTIVE[report_format(data)]
        for key, label in rows
    ]


# --- HTML -------------------------------------------------------------------------------------------------------
class _Tables(HTMLParser):
    """Every <table id=...> as rows of cells: dict(tag, text, colspan, rowspan, key, thead)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[dict]]] = {}
        self._table: list[list[dict]] | None = None
        self._cell: dict | None = None
        self._thead = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", f"table{len(self.tables)}"), [])
        elif self._table is None:
            return
        elif tag == "thead":
            self._thead = True
        elif tag == "tr":
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = {
                "tag": tag,
                "text": "",
                "colspan": int(attrs.get("colspan", 1)),
                "rowspan": int(attrs.get("rowspan", 1)),
                "key": attrs.get("data-key"),
                "thead": self._thead,
            }
            self._table[-1].append(self._cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "thead":
            self._thead = False
        elif tag in ("td", "th"):
            self._cell["text"] = self._cell["text"].replace("\n", "")  # a label set line by line: its lines
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def html_tables(html: str | bytes) -> dict[str, list[list[dict]]]:
    parser = _Tables()
    parser.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    return parser.tables


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str | bytes) -> str:
    """The visible text of the page (style, script and title excluded)."""
    parser = _Text()
    parser.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    return "".join(parser.parts)


def html_grid(rows: list[list[dict]]) -> list[list[dict]]:
    """Place every cell by its rowspan/colspan as a browser would; merged slots hold the same cell dict."""
    grid: dict[tuple[int, int], dict] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    assert (r + dr, c + dc) not in grid, f"cells overlap at row {r + dr}, column {c + dc}"
                    grid[(r + dr, c + dc)] = cell
            c += cell["colspan"]
    groups = [row[0]["thead"] if row else None for row in rows]
    for (r, _c), cell in grid.items():
        assert groups[r] is None or cell["thead"] == groups[r], f"a rowspan crosses thead/tbody at row {r}"
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    assert height == len(rows), "a rowspan reaches below the table"
    out = []
    for r in range(height):
        line = [grid.get((r, c)) for c in range(width)]
        assert None not in line, f"row {r} is not full: {[x and x['text'] for x in line]}"
        out.append(line)
    return out


# --- regions of a grid of cell identities ---------------------------------------------------------------------
def regions(identity: list[list[object]]) -> list[Region]:
    """The merged regions (larger than 1×1) of a grid whose slots hold the same object for one merged cell;
    also asserts each merged cell is a filled rectangle."""
    seen: dict[int, list[tuple[int, int]]] = {}
    for r, row in enumerate(identity):
        for c, obj in enumerate(row):
            seen.setdefault(id(obj), []).append((r, c))
    out = []
    for slots in seen.values():
        rows = [r for r, _ in slots]
        cols = [c for _, c in slots]
        r0, c0 = min(rows), min(cols)
        h, w = max(rows) - r0 + 1, max(cols) - c0 + 1
        assert len(slots) == h * w, f"merged cell at {r0},{c0} is not a rectangle"
        if h * w > 1:
            out.append((r0, c0, h, w))
    return sorted(out)


# --- DOCX -------------------------------------------------------------------------------------------------------
def docx_document(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def docx_grid(table) -> tuple[Grid, list[list[object]]]:
    """Text of every slot (python-docx repeats a merged cell) and the underlying <w:tc> of every slot. A label set
    line by line (商业<w:br/>企业, which python-docx reads as "商业\n企业") reads as the one label it is."""
    rows, cols = len(table.rows), len(table.columns)
    texts: Grid = []
    elements: list[list[object]] = []
    for r in range(rows):
        cells = [table.cell(r, c) for c in range(cols)]
        texts.append([cell.text.replace("\n", "") for cell in cells])
        elements.append([cell._tc for cell in cells])
    return texts, elements


# --- PDF --------------------------------------------------------------------------------------------------------
def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _loose(text: str) -> str:
    """A regex matching `text` with any whitespace (line breaks of a narrow cell) between its characters."""
    return r"\s*".join(re.escape(ch) for ch in text if not ch.isspace())


def row_pattern(label: str, values: list[str]) -> re.Pattern:
    """A table row in extracted PDF text: the label, then each value as a separate token."""
    body = r"\s+".join(_loose(v) for v in values)
    return re.compile(_loose(label) + r"\s*" + body + r"(?![\d.])")


def find_rows(text: str, rows: list[tuple[str, list[str]]]) -> list[int] | None:
    """Positions of each (label, values) row in order in `text`, or None if one is missing / out of order."""
    at, positions = 0, []
    for label, values in rows:
        match = row_pattern(label, values).search(text, at)
        if not match:
            return None
        positions.append(match.start())
        at = match.end()
    return positions


def numbers_after(text: str, marker: str, count: int) -> list[str]:
    """The first `count` whole-number tokens after `marker` (list prefixes such as "1." are not tokens)."""
    start = re.search(_loose(marker), text)
    assert start, f"{marker!r} not in text"
    return re.findall(r"(?<![\d.])\d+(?![\d.])", text[start.end():])[:count]
