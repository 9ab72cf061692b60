"""The computed figures: every row of tables 三 and 四 with its totals derived from the input (never trusted), the
same totals for input data as typed (not valid yet: the web form's live 总计 cells), and the figures a new year
carries over from last year's report (二、上年结转 and the running counts of table 二).

The formulas are stated once here:
- a row's 总计 is the sum of its six applicant columns (table 三) or of its four outcomes (table 四);
- （七）总计 is, column by column, the sum of the result rows （一）–（六）;
- 二、上年结转 of a year = 四、结转下年度继续办理 of the year before, column by column (`carried_over`);
- 现行有效件数 (2021 format) = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (`in_force_now`);
- 上一年项目数量 (2019 format) = last year's 上一年项目数量 + last year's 本年增/减 (`previous_items_now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .forms import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_GROUPS, ApplicationRow
from .source import MISSING, value_at


@dataclass(frozen=True)
class ComputedRow:
    spec: ApplicationRow
    values: tuple[int, ...]  # six applicant columns + computed 总计
    given_total: int | None  # the seventh number as typed, if any

    @property
    def total(self) -> int:
        return self.values[6]


@dataclass(frozen=True)
class ApplicationsTable:
    rows: tuple[ComputedRow, ...]
    by_key: dict[str, ComputedRow]
    results_sum: tuple[int, ...]


@dataclass(frozen=True)
class ReviewRow:
    values: tuple[int, ...]  # four outcomes + computed 总计
    given_total: int | None

    @property
    def total(self) -> int:
        return self.values[4]


def _sum(values: Iterable[Any]) -> Any:
    """The sum; None when any value is None (a cell that is not a whole number yet)."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _row(given: list[int], size: int) -> tuple[tuple[int, ...], int | None]:
    numbers = tuple(given[:size])
    return numbers + (_sum(numbers),), (given[size] if len(given) > size else None)


def _results_sum(rows: list[tuple]) -> tuple:
    """（七）总计: column by column (总计 included), the sum of the result rows."""
    return tuple(_sum(row[i] for row in rows) for i in range(len(APPLICANT_COLUMNS) + 1))


def applications_table(report) -> ApplicationsTable:
    rows = APPLICATION_ROWS[report.format]
    computed: dict[str, ComputedRow] = {}
    for spec in rows:
        if spec.kind == "total":
            continue
        values, given_total = _row(report.applications.row(spec.path), 6)
        computed[spec.key] = ComputedRow(spec, values, given_total)
    results_sum = _results_sum([computed[r.key].values for r in rows if r.kind == "result"])
    given = report.applications.total
    total_spec = next(r for r in rows if r.kind == "total")
    computed["total"] = ComputedRow(total_spec, results_sum, given[6] if given and len(given) > 6 else None)
    ordered = tuple(computed[spec.key] for spec in rows)
    return ApplicationsTable(ordered, computed, results_sum)


def reviews_table(report) -> tuple[ReviewRow, ...]:
    out = []
    for group in REVIEW_GROUPS:
        values, given_total = _row(getattr(report.reviews, group.key), 4)
        out.append(ReviewRow(values, given_total))
    return tuple(out)


# --- input data as typed (not validated) ----------------------------------------------------------------------
def whole(value: Any) -> int | None:
    """A whole number as the input holds it (an int, not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _typed_row(row: Any, size: int) -> tuple:
    """A row of typed data: a row left out counts as zeros; a cell that is not a whole number is None."""
    if row is MISSING:
        return (0,) * size
    if not isinstance(row, list):
        return (None,) * size
    cells = [whole(v) for v in row[:size]]
    return tuple(cells + [None] * (size - len(cells)))


def typed_totals(data: Any, fmt: str) -> dict[str, int | None]:
    """The computed 总计 cells (by input key, e.g. "applications.new[6]", "applications.total[3]",
    "reviews.reconsideration[4]") for input data as typed, which need not be valid yet: None where a cell it sums is
    not a whole number. The same formulas as `applications_table` and `reviews_table`."""
    out: dict[str, int | None] = {}
    results: list[tuple] = []
    for spec in APPLICATION_ROWS[fmt]:
        if spec.kind == "total":
            continue
        cells = _typed_row(value_at(data, ("applications",) + spec.path), 6)
        row = cells + (_sum(cells),)
        out[f"applications.{spec.key}[6]"] = row[6]
        if spec.kind == "result":
            results.append(row)
    for index, total in enumerate(_results_sum(results)):
        out[f"applications.total[{index}]"] = total
    for group in REVIEW_GROUPS:
        out[f"reviews.{group.key}[4]"] = _sum(_typed_row(value_at(data, ("reviews", group.key)), 4))
    return out


# --- from one year to the next --------------------------------------------------------------------------------
IN_FORCE_ITEMS = ("rules", "normative")  # 2021: 规章, 行政规范性文件 — 现行有效件数
TOTAL_ITEMS_2019 = ("rules", "normative")  # 2019: 规章, 规范性文件 — 对外公开总数量
PREVIOUS_ITEMS_2019 = ("licensing", "other_services", "punishment", "coercion", "fees")  # 2019: 上一年项目数量


def carried_over(last_forward: int) -> int:
    """二、上年结转 of one column = 四、结转下年度继续办理 of the same column last year."""
    return last_forward


def in_force_now(last_in_force: int, issued: int = 0, repealed: int = 0) -> int:
    """现行有效件数 (2021 format) = last year's 现行有效件数 + 本年制发件数 − 本年废止件数."""
    return last_in_force + issued - repealed


def previous_items_now(last_previous: int, last_change: int) -> int:
    """上一年项目数量 (2019 format) = last year's 上一年项目数量 + last year's 本年增/减."""
    return last_previous + last_change


def carried_figures(last: Any, fmt: str) -> dict[str, int]:
    """The figures a new report in format `fmt` starts from, by input key, given last year's input data as typed
    (need not be valid: a figure that is not a whole number is left out):

    - 二、上年结转 (`applications.carried_over[i]`) ← last year's 四、结转下年度继续办理, whatever the two formats;
    - same format only — 2021: 现行有效件数 carried on (nothing issued or repealed yet); 2019: 对外公开总数量 carried
      on, and 上一年项目数量 = last year's 上一年项目数量 + 本年增/减.
    """
    out: dict[str, int] = {}
    if not isinstance(last, dict):
        return out
    forward = value_at(last, ("applications", "carried_forward"))
    if isinstance(forward, list):
        for index, value in enumerate(forward[: len(APPLICANT_COLUMNS)]):
            if whole(value) is not None:
                out[f"applications.carried_over[{index}]"] = carried_over(value)
    if str(last.get("format")) != fmt:
        return out
    if fmt == "2021":
        for item in IN_FORCE_ITEMS:
            value = whole(value_at(last, ("active", item, "in_force")))
            if value is not None:
                out[f"active.{item}.in_force"] = in_force_now(value)
    else:
        for item in TOTAL_ITEMS_2019:
            value = whole(value_at(last, ("active", item, "total")))
            if value is not None:
                out[f"active.{item}.total"] = value
        for item in PREVIOUS_ITEMS_2019:
            previous = whole(value_at(last, ("active", item, "previous")))
            change = whole(value_at(last, ("active", item, "change")))
            if previous is not None and change is not None:
                out[f"active.{item}.previous"] = previous_items_now(previous, change)
    return out
