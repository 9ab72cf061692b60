"""Runs of digits back into table cells.

A page copied as text often loses the separators of a table row: "一、本年新收政府信息公开申请数量 713000074" is
the seven cells 71|3|0|0|0|0|74. `split_row` enumerates the ways the runs of a row can be cut into its cells
(a run never joins another run; no cell has a leading zero except "0" itself; no cell has more digits than the
column allows), and keeps those that satisfy the row's sums (总计 = the sum of the cells before it). It returns
every split that remains, so that the caller chooses only when one does and reports the cells as uncertain
otherwise. The search is pruned by the sums and bounded: past `MAX_STEPS` steps it stops and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_STEPS = 200_000  # search steps for one row; a real row (7 or 15 cells, under 40 digits) needs a few thousand
MAX_CANDIDATES = 64  # splits kept for one row; beyond this the row is uncertain anyway
MAX_CELL_DIGITS = 10  # 10⁹ (MAX_COUNT) has ten digits: no count in a report has more


@dataclass(frozen=True)
class RowShape:
    """A row of number cells: how many, the sums among them, and the digits each cell may have."""

    size: int
    sums: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (index of a total, indexes of the cells it adds up)
    max_digits: tuple[int, ...] | None = None  # per cell; default MAX_CELL_DIGITS for each

    def digits_of(self, index: int) -> int:
        return self.max_digits[index] if self.max_digits else MAX_CELL_DIGITS

    def holds(self, cells: Sequence[int]) -> bool:
        return all(cells[total] == sum(cells[i] for i in parts) for total, parts in self.sums)


def applicant_shape(with_total: bool = True) -> RowShape:
    """A row of table 三: six applicant columns, and 总计 as their sum."""
    if with_total:
        return RowShape(7, ((6, (0, 1, 2, 3, 4, 5)),))
    return RowShape(6)


def reviews_shape(with_totals: bool = True) -> RowShape:
    """The number row of table 四: three groups of four outcomes, each followed by its 总计."""
    if with_totals:
        return RowShape(15, tuple((5 * g + 4, tuple(range(5 * g, 5 * g + 4))) for g in range(3)))
    return RowShape(12)


@dataclass
class Split:
    """What the search found for a row: every split that satisfies the row (up to MAX_CANDIDATES)."""

    runs: tuple[str, ...]
    candidates: list[tuple[int, ...]] = field(default_factory=list)
    capped: bool = False  # the search stopped at MAX_STEPS or MAX_CANDIDATES: there may be more splits
    steps: int = 0

    @property
    def chosen(self) -> tuple[int, ...] | None:
        """The split, when exactly one satisfies the row and the search was complete."""
        return self.candidates[0] if len(self.candidates) == 1 and not self.capped else None

    @property
    def uncertain_cells(self) -> list[int]:
        """The cells whose value differs between candidates (all cells when there is none or the search capped)."""
        if not self.candidates or self.capped:
            return list(range(len(self.candidates[0]))) if self.candidates else []
        first = self.candidates[0]
        return [i for i in range(len(first)) if any(c[i] != first[i] for c in self.candidates[1:])]

    def agreed(self) -> dict[int, int]:
        """The cells every candidate gives the same value (none when the search was capped)."""
        if not self.candidates or self.capped:
            return {}
        uncertain = set(self.uncertain_cells)
        return {i: v for i, v in enumerate(self.candidates[0]) if i not in uncertain}


def split_row(runs: Iterable[str], shape: RowShape, max_steps: int = MAX_STEPS) -> Split:
    """Every way to cut the digit `runs` (in order; each run one or more whole cells) into `shape.size` cells
    that satisfies the shape's sums."""
    runs = tuple(runs)
    result = Split(runs)
    if not runs or any(not run.isdigit() for run in runs):
        return result
    size = len(runs)
    digits_left = [0] * (size + 1)  # digits in runs[i:]
    for i in range(size - 1, -1, -1):
        digits_left[i] = digits_left[i + 1] + len(runs[i])
    total_at = {total: parts for total, parts in shape.sums}
    owner: dict[int, list[int]] = {}  # cell → the totals it is a part of
    for total, parts in shape.sums:
        for part in parts:
            owner.setdefault(part, []).append(total)
    cells: list[int] = [0] * shape.size
    partial: dict[int, int] = {total: 0 for total in total_at}

    def search(cell: int, run: int, pos: int) -> None:
        if result.capped:
            return
        result.steps += 1
        if result.steps > max_steps:
            result.capped = True
            return
        cells_left = shape.size - cell
        if cell == shape.size:
            if run == size:
                result.candidates.append(tuple(cells))
                if len(result.candidates) > MAX_CANDIDATES:
                    result.capped = True
            return
        digits = digits_left[run] - pos
        runs_left = size - run  # the current run counts while any of it is left
        if digits < cells_left or runs_left > cells_left:
            return
        if digits > sum(shape.digits_of(i) for i in range(cell, shape.size)):
            return
        text = runs[run]
        longest = min(shape.digits_of(cell), len(text) - pos)
        if text[pos] == "0":
            longest = 1
        for length in range(1, longest + 1):
            end = pos + length
            value = int(text[pos:end])
            parts = total_at.get(cell)
            if parts is not None and value != partial[cell]:
                continue
            totals = owner.get(cell, ())
            if any(not _may_reach(partial[t] + value, t, cell, run, end, shape, runs) for t in totals):
                continue
            for t in totals:
                partial[t] += value
            cells[cell] = value
            if end == len(text):
                search(cell + 1, run + 1, 0)
            else:
                search(cell + 1, run, end)
            for t in totals:
                partial[t] -= value
            if result.capped:
                return

    search(0, 0, 0)
    return result


def _may_reach(
    sum_so_far: int, total: int, cell: int, run: int, end: int, shape: RowShape, runs: tuple[str, ...]
) -> bool:
    """Whether a total still to come can be as large as the sum of its parts so far: it is made of at most the
    digits left once every cell between here and it has its one digit."""
    if total <= cell:
        return True
    left = sum(len(r) for r in runs[run:]) - end
    between = total - cell - 1  # cells after this one and before the total, each at least one digit
    after = shape.size - total - 1
    digits = min(shape.digits_of(total), left - between - after)
    if digits <= 0:
        return False
    return sum_so_far < 10**digits
