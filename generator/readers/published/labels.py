"""Row labels of the official tables as a published report writes them, and how a piece of text is matched to one.

The official wording comes from the model's forms (APPLICATION_ROWS, ACTIVE_BLOCKS, REVIEW_GROUPS): this module
only knows how reports deviate from it — numbering written ("一、", "（一）", "1．") or mistyped ("三三、"), notes in
brackets left out or cut, 繁体, a label broken over lines in a PDF, and the few words that differ between the 2019
and 2021 forms or that a Taiwan-style converter changed (规范性文件 → 规范性档案).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from ...model.forms import ACTIVE_BLOCKS, APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS
from ...model.grid import COUNT, MONEY, SIGNED, TOTAL_CELL
from .chars import normal

ACTIVE, APPLICATIONS, REVIEWS = "active", "applications", "reviews"
TABLE_NAMES = {ACTIVE: "表二", APPLICATIONS: "表三", REVIEWS: "表四"}
TABLE_PARTS = {ACTIVE: "二、主动公开政府信息情况", APPLICATIONS: "三、收到和处理政府信息公开申请情况",
               REVIEWS: "四、政府信息公开行政复议、行政诉讼情况"}

_CN_NUMERAL = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:\(([{_CN_NUMERAL}]+)\)[、.]?|([{_CN_NUMERAL}]+)[、.]+|(\d+)\.(?!\d))"
)
_RESULTS = "本年度办理结果"
_REMARK = re.compile(r"\([^)]*(?:\)|$)")  # a note in brackets, or one cut by a line break


@dataclass(frozen=True)
class Cell:
    """One number cell of a row: the input path below the row's path (a field, a list index or nothing) and what
    it holds (grid.COUNT, SIGNED, MONEY or TOTAL_CELL)."""

    step: str | int | None
    kind: str
    label: str  # the column's official label, for messages


@dataclass(frozen=True)
class RowSpec:
    """A row of numbers in one of the official tables."""

    table: str  # ACTIVE | APPLICATIONS | REVIEWS
    path: tuple[str, ...]  # input path of the row, e.g. ("applications", "withheld", "third_party")
    label: str  # official label, e.g. "4.保护第三方合法权益"
    full_label: str  # for messages, e.g. "（三）不予公开 · 4.保护第三方合法权益"
    number: str  # its numbering, normalised: "一", "(一)", "1" or ""
    cores: tuple[str, ...]  # the label without numbering and notes, normalised; variants after the first
    cells: tuple[Cell, ...]
    short: int | None = None  # number of cells when the 总计 cells are left out (table 三: 6, table 四: 12)

    @property
    def key(self) -> str:
        return ".".join(self.path)


def numbering(text: str) -> tuple[str, str]:
    """A normalised label split into its numbering ("一", "(一)", "1"; "" when none) and the rest. A numeral
    typed twice ("三三、") counts once."""
    found = _NUMBERING.match(text)
    if not found:
        return "", text
    paren, plain, arabic = found.groups()
    if arabic:
        number = arabic
    else:
        value = re.sub(r"(.)\1+", r"\1", paren or plain)
        number = f"({value})" if paren else value
    return number, text[found.end():]


def core(text: str) -> str:
    """The part of a normalised label that is compared: no numbering, no notes in brackets, no trailing colon."""
    rest = numbering(text)[1]
    if rest.startswith(_RESULTS):  # "三、本年度办理结果(一)予以公开": the merged label ran into the row's
        rest = rest[len(_RESULTS):]
    rest = numbering(rest)[1]  # "三、(一)予以公开" when two labels ran together
    return _REMARK.sub("", rest).rstrip(":：")


# Wording that differs from the form of the report's own format: the other format's label, and what converters
# and typists made of it. Keyed by the row's input path.
_VARIANTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("active", "normative"): ("规范性文件", "行政规范性文件", "规范性档案", "行政规范性档案"),
    ("active", "other_services"): ("其他对外管理服务事项", "其它对外管理服务事项"),
    ("applications", "withheld", "security_stability"): ("危及三安全一稳定", "危及三安全一稳"),
    ("applications", "not_processed", "excessive"): ("无正当理由大量反复申请",),
    ("applications", "other"): ("其他处理", "其它处理"),
}


def _cores(path: tuple[str, ...], label: str) -> tuple[str, ...]:
    first = core(normal(label))
    extra = tuple(core(normal(v)) for v in _VARIANTS.get(path, ()) if core(normal(v)) != first)
    return (first, *extra)


@cache
def table_rows(fmt: str) -> dict[str, tuple[RowSpec, ...]]:
    """The rows of tables 二, 三 and 四 in format `fmt`, in the order the form has them."""
    active: list[RowSpec] = []
    for block in ACTIVE_BLOCKS[fmt]:
        for key, label in block.rows:
            cells = tuple(
                Cell(column.field, MONEY if column.decimal else (SIGNED if column.signed else COUNT), column.label)
                for column in block.columns
            )
            path: tuple[str, ...] = (ACTIVE, key)
            active.append(RowSpec(ACTIVE, path, label, f"{block.caption} · {label}", "", _cores(path, label), cells))
    applications: list[RowSpec] = []
    columns = APPLICATION_COLUMNS
    for row in APPLICATION_ROWS[fmt]:
        path = (APPLICATIONS, *row.path)
        number, _ = numbering(normal(row.label))
        cells = tuple(Cell(i, TOTAL_CELL if i == 6 else COUNT, columns[i]) for i in range(7))
        applications.append(
            RowSpec(APPLICATIONS, path, row.label, row.full_label, number, _cores(path, row.label), cells, short=6)
        )
    outcomes = REVIEW_COLUMNS
    review_cells = tuple(
        Cell(f"{group.key}[{i}]", TOTAL_CELL if i == 4 else COUNT, f"{group.full_label} · {outcomes[i]}")
        for group in REVIEW_GROUPS
        for i in range(5)
    )
    reviews = (
        RowSpec(REVIEWS, (REVIEWS,), "行政复议", "行政复议、行政诉讼", "", ("行政复议",), review_cells, short=12),
    )
    return {ACTIVE: tuple(active), APPLICATIONS: tuple(applications), REVIEWS: reviews}


EXACT, PARTIAL, NONE = 2, 1, 0


def match(text: str, spec: RowSpec, expected: bool) -> int:
    """How well the normalised `text` names the row `spec`: EXACT, PARTIAL (a label cut by a line break, a note
    left out, a typo) or NONE. A short label (规章, 3.其他) counts only where the row is the next one expected or
    its numbering is written, so that a column heading 其他 is not taken for the row 3.其他."""
    number, _ = numbering(text)
    body = core(text)
    if not body:
        return NONE
    numbered = bool(number) and number == spec.number
    for label in spec.cores:
        if body == label and (len(label) >= 4 or expected or numbered):
            return EXACT
    for label in spec.cores:
        if body == label:
            continue
        if label.startswith(body) and (len(body) >= 4 or (numbered and len(body) >= 2)):
            return PARTIAL
        if body.startswith(label) and len(label) >= 4 and len(body) <= len(label) + 4:
            return PARTIAL
        if len(label) >= 6 and abs(len(body) - len(label)) <= 2:
            if difflib.SequenceMatcher(None, body, label).ratio() >= 0.8:
                return PARTIAL
    return NONE


_CAPTION = re.compile(r"^第二十条第\(([一二三四五六七八九十]+)\)项")


def caption(text: str) -> str | None:
    """"(一)" for a table 二 block caption such as 第二十条第（一）项, else None."""
    found = _CAPTION.match(text)
    return f"({found.group(1)})" if found else None


# Signals of the format in the labels themselves (normalised): the 2021 form's words, the 2019 form's words.
FORMAT_SIGNALS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "逾期未按收费通知"),
    "2019": (
        "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "其他对外管理服务事项", "政府集中采购",
    ),
}
