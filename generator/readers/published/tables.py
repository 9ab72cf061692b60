"""Tables 二, 三 and 四 out of a stream of tokens.

The parser walks the tokens once. A caption (第二十条第（一）项), the corner of table 三 or the heading 行政复议
starts a table; a piece of text that names one of the table's rows (labels.match, the rows expected next first)
opens that row; numbers go to the open row until it has its cells. A part heading 五、/六、 or a paragraph of
narrative ends the tables. Then each row's numbers become cells: as written when there are as many as the row
has, cut by the digit splitter when fewer numbers ran together, and settled by the table's identities when a row
has several splits and the others do not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...model.grid import MONEY
from .digits import RowShape, Split, applicant_shape, reviews_shape, split_row
from .labels import (
    ACTIVE,
    APPLICATIONS,
    EXACT,
    NONE,
    PARTIAL,
    REVIEWS,
    TABLE_NAMES,
    TABLE_PARTS,
    RowSpec,
    caption,
    core,
    match,
    table_rows,
)
from .result import BLANK, EXTRA, MISSING, REPEATED, SPLIT, UNCERTAIN, UNIT, Location, Published
from .tokens import BLANK as BLANK_TOKEN
from .tokens import NUMBER, TEXT, Token

WINDOW = 8  # rows ahead of the expected one a label may name without a full match being required of it
NARRATIVE = 60  # a piece of text longer than this is narrative: it ends a table
MAX_COMBINATIONS = 4096  # splits of uncertain rows tried together against the identities of table 三


@dataclass
class RowRead:
    spec: RowSpec
    label: Token
    numbers: list[Token] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.numbers) >= len(self.spec.cells)


@dataclass
class TableRead:
    table: str
    start: Token
    rows: dict[str, RowRead] = field(default_factory=dict)
    pointer: int = 0
    stray: list[Token] = field(default_factory=list)

    @property
    def has_numbers(self) -> bool:
        return any(row.numbers for row in self.rows.values())


class Parser:
    def __init__(self, fmt: str):
        self.specs = table_rows(fmt)
        self.reads: dict[str, list[TableRead]] = {ACTIVE: [], APPLICATIONS: [], REVIEWS: []}
        self.current: TableRead | None = None
        self.open: RowRead | None = None

    def feed(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.kind == TEXT:
                self._text(token)
            elif self.open is not None and not self.open.full:
                self.open.numbers.append(token)
            elif self.current is not None and token.kind == NUMBER:
                self.current.stray.append(token)

    # --- text ---------------------------------------------------------------------------------------------------
    def _text(self, token: Token) -> None:
        text = token.norm
        if len(text) > NARRATIVE or _ends_tables(text):
            self._close()
            return
        if caption(text):
            current = self.current
            if current is None or current.table != ACTIVE or (caption(text) == "(一)" and current.has_numbers):
                self._start(ACTIVE, token)
            return
        body = core(text)
        if text.startswith("(本列数据的勾稽关系") or body == "申请人情况":
            if not self._within(APPLICATIONS):  # else the header repeated on the next page of the same table
                self._start(APPLICATIONS, token)
            return
        if body == "行政复议" and len(text) <= 6:
            if self.current is None or self.current.table != REVIEWS or self.current.has_numbers:
                read = self._start(REVIEWS, token)
                self.open = read.rows.setdefault(REVIEWS, RowRead(self.specs[REVIEWS][0], token))
            return
        if self.current is not None and self.current.table != REVIEWS and self._row_in(self.current, token):
            return
        self._row_anywhere(token)

    def _within(self, table: str) -> bool:
        """Whether `table` is being read and has rows still to come."""
        current = self.current
        return current is not None and current.table == table and current.pointer < len(self.specs[table])

    def _row_in(self, read: TableRead, token: Token) -> bool:
        specs = self.specs[read.table]
        best: tuple[int, int] | None = None  # (index, score)
        for index in range(read.pointer, len(specs)):
            score = match(token.norm, specs[index], index == read.pointer)
            if score == NONE:
                continue
            near = index - read.pointer < WINDOW
            if score == EXACT and (near or min(len(c) for c in specs[index].cores) >= 4):
                best = (index, score)
                break
            if score == PARTIAL and index - read.pointer < 3 and best is None:
                best = (index, score)
        if best is None:
            return False
        spec = specs[best[0]]
        if spec.key in read.rows and read.rows[spec.key].numbers:
            return False
        self.open = read.rows[spec.key] = RowRead(spec, token)
        read.pointer = best[0] + 1
        return True

    def _row_anywhere(self, token: Token) -> None:
        """A full label of a row of a table not begun yet (table 三 without its corner, table 二 without its
        caption), or of the next instance of a table already read."""
        for table in (APPLICATIONS, ACTIVE):
            if self.current is not None and self.current.table == table:
                continue
            for index, spec in enumerate(self.specs[table]):
                if len(spec.cores[0]) >= 4 and match(token.norm, spec, False) == EXACT:
                    read = self._start(table, token)
                    self.open = read.rows[spec.key] = RowRead(spec, token)
                    read.pointer = index + 1
                    return

    def _start(self, table: str, token: Token) -> TableRead:
        read = TableRead(table, token)
        self.reads[table].append(read)
        self.current, self.open = read, None
        return read

    def _close(self) -> None:
        self.current, self.open = None, None


def _ends_tables(text: str) -> bool:
    """A heading of part 五 or 六 (or later): no table comes after it."""
    return len(text) <= 40 and text[:2] in ("五、", "六、", "七、", "八、")


# --- cells ----------------------------------------------------------------------------------------------------
@dataclass
class RowValues:
    """A row's cells once read: values (None where uncertain), the token of each, and the splits left."""

    spec: RowSpec
    values: list[int | Decimal | None]
    tokens: list[Token]
    split: Split | None = None


def _shape(spec: RowSpec, size: int) -> RowShape:
    if spec.table == APPLICATIONS:
        return applicant_shape(size == 7)
    if spec.table == REVIEWS:
        return reviews_shape(size == 15)
    return RowShape(size)


def row_values(row: RowRead, out: Published, with_totals: bool = True) -> RowValues:
    """The cells of a row. Where the table prints its 总计 column (`with_totals`), a row of fewer numbers is a
    row whose digits ran together, never a row without its 总计."""
    spec, numbers = row.spec, row.numbers
    size = len(spec.cells)
    table = TABLE_NAMES[spec.table]
    label_at = Location(row.label.place, table, row.label.text)
    if not numbers:
        out.note(BLANK, f"{spec.full_label}一行空白，各格按 0 读取", label_at, spec.key, TABLE_PARTS[spec.table],
                 spec.full_label)
        return RowValues(spec, [0] * (spec.short or size), [row.label] * (spec.short or size))
    if len(numbers) == size or (len(numbers) == spec.short and not with_totals):
        for index, token in enumerate(numbers):
            if token.kind == BLANK_TOKEN:
                column = spec.cells[index].label if len(numbers) == size else None
                out.note(BLANK, f"{spec.full_label}有空白或“{token.text.strip() or '空'}”的格，按 0 读取",
                         Location(token.place, table, token.text), spec.key, TABLE_PARTS[spec.table],
                         spec.full_label, column)
        return RowValues(spec, [_value(t) for t in numbers], list(numbers))
    runs = [t.digits for t in numbers]
    if all(runs) and len(numbers) < size:
        wanted = [size] + ([spec.short] if spec.short and spec.short > len(numbers) and not with_totals else [])
        for cells in wanted:
            split = split_row([r for r in runs if r], _shape(spec, cells))
            if split.candidates:
                return _from_split(row, split, out)
        written = "、".join(f"“{t.text}”" for t in numbers)
        out.note(UNCERTAIN, f"{spec.full_label}的数字 {written} 无法拆分成{size}格（没有一种拆分满足总计）",
                 Location(numbers[0].place, table, numbers[0].text), spec.key, TABLE_PARTS[spec.table], spec.full_label)
        return RowValues(spec, [None] * size, [numbers[0]] * size, split)
    if len(numbers) > size:
        extra = "、".join(t.text for t in numbers[size:])
        out.note(EXTRA, f"{spec.full_label}多出数字 {extra}，只取前{size}个", Location(numbers[size].place, table),
                 spec.key, TABLE_PARTS[spec.table], spec.full_label)
        return RowValues(spec, [_value(t) for t in numbers[:size]], list(numbers[:size]))
    out.note(UNCERTAIN, f"{spec.full_label}只读到{len(numbers)}个数（应有{size}个），缺的格无法确定",
             Location(numbers[0].place, table), spec.key, TABLE_PARTS[spec.table], spec.full_label)
    values: list[int | Decimal | None] = [_value(t) for t in numbers] + [None] * (size - len(numbers))
    return RowValues(spec, values, list(numbers) + [numbers[-1]] * (size - len(numbers)))


def _value(token: Token) -> int | Decimal:
    return 0 if token.kind == BLANK_TOKEN or token.value is None else token.value


def _from_split(row: RowRead, split: Split, out: Published) -> RowValues:
    spec = row.spec
    table = TABLE_NAMES[spec.table]
    written = " ".join(t.text.strip() for t in row.numbers)
    at = Location(row.numbers[0].place, table, written)
    size = len(split.candidates[0])
    token_of = _token_of_cells(row.numbers, split.candidates[0])
    chosen = split.chosen
    if chosen is not None:
        if size == len(spec.cells) and spec.table == APPLICATIONS:
            reason = "总计等于各列之和"
        elif size == len(spec.cells) and spec.table == REVIEWS:
            reason = "各组总计等于其四项之和"
        else:
            reason = "每格至少一位、没有以0开头的多位数"
        out.note(SPLIT, f"{spec.full_label}的数字连在一起（“{written}”），拆分为 {'、'.join(map(str, chosen))}："
                 f"唯一满足“{reason}”的拆分", at, spec.key, TABLE_PARTS[spec.table], spec.full_label)
        return RowValues(spec, list(chosen), token_of, split)
    agreed = split.agreed()
    values: list[int | Decimal | None] = [agreed.get(i) for i in range(size)]
    shown = "；".join("、".join(map(str, c)) for c in split.candidates[:4])
    more = "等" if len(split.candidates) > 4 or split.capped else ""
    count = f"{len(split.candidates)}{'多' if split.capped else ''}"
    out.note(UNCERTAIN, f"{spec.full_label}的数字连在一起（“{written}”），有{count}种拆分都满足总计"
             f"（{shown}{more}），不确定的格未填", at, spec.key, TABLE_PARTS[spec.table], spec.full_label)
    out.alternatives[spec.key] = list(split.candidates)
    return RowValues(spec, values, token_of, split)


def _token_of_cells(numbers: list[Token], cells: tuple[int, ...]) -> list[Token]:
    """The token each cell of a split came from (runs in order, each giving as many cells as its digits make)."""
    out: list[Token] = []
    cell = 0
    for token in numbers:
        run = token.digits or ""
        used = 0
        while cell < len(cells) and used < len(run):
            used += len(str(cells[cell]))
            out.append(token)
            cell += 1
    return out + [numbers[-1]] * (len(cells) - len(out))


# --- table 三's identities settle rows with several splits ----------------------------------------------------
def settle(rows: dict[str, RowValues], out: Published) -> None:
    """Rows of table 三 with several splits: the one combination of splits that makes every column add up
    (一 + 二 = （七）总计 + 四, （七）总计 = the sum of the result rows) is taken, with a note."""
    open_rows = [r for r in rows.values() if r.spec.table == APPLICATIONS and r.split and r.split.chosen is None
                 and r.split.candidates and not r.split.capped]
    if not open_rows:
        return
    count = 1
    for r in open_rows:
        count *= len(r.split.candidates) if r.split else 1
    if count > MAX_COMBINATIONS:
        return
    fits = []
    for combo in itertools.product(*(r.split.candidates for r in open_rows if r.split)):
        trial = {r.spec.key: list(c) for r, c in zip(open_rows, combo)}
        if _columns_hold(rows, trial):
            fits.append(combo)
    if len(fits) != 1:
        return
    for r, chosen in zip(open_rows, fits[0]):
        r.values = list(chosen)
        out.alternatives.pop(r.spec.key, None)
        out.notes = [n for n in out.notes if not (n.rule == UNCERTAIN and n.key == r.spec.key)]
        at = Location(r.tokens[0].place, TABLE_NAMES[APPLICATIONS], r.tokens[0].text)
        cells = "、".join(map(str, chosen))
        out.note(SPLIT, f"{r.spec.full_label}的数字连在一起，拆分为 {cells}：几种满足总计的拆分中，"
                 "唯一使表三各列勾稽关系成立的一种", at, r.spec.key, TABLE_PARTS[APPLICATIONS], r.spec.full_label)


def _columns_hold(rows: dict[str, RowValues], trial: dict[str, list[int]]) -> bool:
    def row(key: str) -> list[int] | None:
        written = trial.get(key) or (rows[key].values if key in rows else None)
        if written is None:
            return None
        values = [v for v in written if isinstance(v, int)]
        if len(values) != len(written):
            return None
        return values[:6] + [sum(values[:6])] if len(values) == 6 else values

    keys = [k for k, r in rows.items() if r.spec.table == APPLICATIONS]
    results = [k for k in keys if rows[k].spec.path[1] not in ("new", "carried_over", "total", "carried_forward")]
    intake = [row(f"{APPLICATIONS}.new"), row(f"{APPLICATIONS}.carried_over")]
    total, forward = row(f"{APPLICATIONS}.total"), row(f"{APPLICATIONS}.carried_forward")
    result_rows = [row(k) for k in results]
    if any(r is None for r in result_rows) or total is None:
        return False
    for column in range(7):
        if sum(r[column] for r in result_rows if r) != total[column]:
            return False
        if all(intake) and forward is not None:
            if sum(r[column] for r in intake if r) != total[column] + forward[column]:
                return False
    return True


# --- into the input data ----------------------------------------------------------------------------------------
def fill(out: Published, parser: Parser, fmt: str) -> None:
    """The tables read into `out.data`, with the location of every cell and the notes."""
    for table, reads in parser.reads.items():
        with_numbers = [r for r in reads if r.rows]
        out.tables[table] = len(with_numbers)
        if not with_numbers:
            out.note(MISSING, f"未找到{TABLE_NAMES[table]}（{TABLE_PARTS[table]}）", None, table, TABLE_PARTS[table])
            continue
        first = with_numbers[0]
        with_totals = any(len(row.numbers) == len(row.spec.cells) for row in first.rows.values())
        rows = {key: row_values(row, out, with_totals) for key, row in first.rows.items()}
        settle(rows, out)
        for values in rows.values():
            _put(out, values, fmt)
        for spec in parser.specs[table]:
            if spec.key not in first.rows:
                out.note(MISSING, f"未找到{spec.full_label}这一行", Location(first.start.place, TABLE_NAMES[table]),
                         spec.key, TABLE_PARTS[table], spec.full_label)
        if first.stray:
            shown = "、".join(t.text.strip() for t in first.stray[:10])
            out.note(EXTRA, f"{TABLE_NAMES[table]}中有数字未能归入任何一行：{shown}",
                     Location(first.stray[0].place, TABLE_NAMES[table]), None, TABLE_PARTS[table])
        for again in with_numbers[1:]:
            scratch = Published(out.file, out.kind, fmt)
            same = all(
                row_values(row, scratch, with_totals).values == rows[key].values if key in rows else False
                for key, row in again.rows.items()
            )
            verdict = "数字与第一次完全相同" if same else "数字与第一次不同，按第一次读取"
            at = Location(again.start.place, TABLE_NAMES[table])
            out.note(REPEATED, f"{TABLE_NAMES[table]}重复出现，{verdict}", at, table, TABLE_PARTS[table])


def _put(out: Published, row: RowValues, fmt: str) -> None:
    spec = row.spec
    table = TABLE_NAMES[spec.table]
    data = out.data
    if spec.table == REVIEWS:
        groups = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        width = 5 if len(row.values) == 15 else 4
        reviews = data.setdefault(REVIEWS, {})
        for g, group in enumerate(groups):
            reviews[group] = row.values[g * width:(g + 1) * width]
            for i in range(width):
                token = row.tokens[g * width + i]
                out.locations[f"{REVIEWS}.{group}[{i}]"] = Location(token.place, table, token.text.strip())
        return
    if spec.table == APPLICATIONS:
        node = data.setdefault(APPLICATIONS, {})
        for step in spec.path[1:-1]:
            node = node.setdefault(step, {})
        node[spec.path[-1]] = list(row.values)
        for i, token in enumerate(row.tokens):
            out.locations[f"{spec.key}[{i}]"] = Location(token.place, table, token.text.strip())
        return
    active = data.setdefault(ACTIVE, {})
    key = spec.path[1]
    for cell, value, token in zip(spec.cells, row.values, row.tokens):
        value = _active_value(out, spec, cell.kind, cell.label, value, token)
        dotted = f"{spec.key}.{cell.step}" if cell.step else spec.key
        if cell.step:
            active.setdefault(key, {})[cell.step] = value
        else:
            active[key] = value
        out.locations[dotted] = Location(token.place, table, token.text.strip())


def _active_value(out: Published, spec: RowSpec, kind: str, label: str, value: Any, token: Token) -> Any:
    if value is None:
        return None
    if kind == MONEY:
        amount = Decimal(value)
        if token.unit == "元":
            converted = amount / Decimal(10000)
            out.note(UNIT, f"{spec.full_label}的{label}写作“{token.text.strip()}”（元），按万元读作 {converted}",
                     Location(token.place, TABLE_NAMES[ACTIVE], token.text), spec.key, TABLE_PARTS[ACTIVE],
                     spec.full_label, label)
            return converted
        return amount
    return value
