"""The digit-run splitter: rows whose cells ran together are recovered, or reported uncertain — never wrong.

Property-based: random valid rows of table 三 (six applicant columns and their 总计) and of table 四 (three groups
of four outcomes, each with its 总计) are flattened into runs of digits, some separators kept, and read back; and
whole tables 三 written as copied text with some rows run together are read by the published-report reader.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model.forms import APPLICATION_ROWS
from generator.readers.published import read_text
from generator.readers.published.digits import (
    MAX_STEPS,
    RowShape,
    applicant_shape,
    reviews_shape,
    split_row,
)

# Counts as reports have them: mostly 0, often one or two digits, sometimes thousands.
count = st.one_of(st.just(0), st.integers(0, 9), st.integers(10, 99), st.integers(100, 99_999))


def applicant_row(values: list[int]) -> list[int]:
    return values + [sum(values)]


def reviews_row(values: list[int]) -> list[int]:
    row: list[int] = []
    for group in range(3):
        four = values[4 * group:4 * group + 4]
        row += four + [sum(four)]
    return row


def flatten(cells: list[int], cuts: list[bool]) -> list[str]:
    """The cells as printed with the separators lost where `cuts` is False."""
    runs = [str(cells[0])]
    for cell, keep in zip(cells[1:], cuts):
        if keep:
            runs.append(str(cell))
        else:
            runs[-1] += str(cell)
    return runs


def check(cells: list[int], runs: list[str], shape: RowShape) -> None:
    split = split_row(runs, shape)
    if split.chosen is not None:
        assert list(split.chosen) == cells, (runs, split.chosen)
        return
    assert split.capped or tuple(cells) in split.candidates, (runs, split.candidates)
    for index, value in split.agreed().items():
        assert cells[index] == value


@settings(max_examples=400, deadline=None)
@given(st.lists(count, min_size=6, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_applicant_rows_recovered_or_uncertain(values: list[int], cuts: list[bool]) -> None:
    cells = applicant_row(values)
    check(cells, flatten(cells, cuts), applicant_shape())


@settings(max_examples=300, deadline=None)
@given(st.lists(count, min_size=12, max_size=12), st.lists(st.booleans(), min_size=14, max_size=14))
def test_review_rows_recovered_or_uncertain(values: list[int], cuts: list[bool]) -> None:
    cells = reviews_row(values)
    check(cells, flatten(cells, cuts), reviews_shape())


def test_issue_example() -> None:
    split = split_row(["713000074"], applicant_shape())
    assert split.chosen == (71, 3, 0, 0, 0, 0, 74)


def test_several_splits_are_uncertain() -> None:
    # 1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 … both add up: the splitter keeps them all and chooses none.
    split = split_row(["110000011"], applicant_shape())
    assert split.chosen is None
    assert split.candidates == [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)]
    assert split.uncertain_cells == [0, 1]
    assert split.agreed() == {2: 0, 3: 0, 4: 0, 5: 0, 6: 11}


def test_no_split_when_nothing_adds_up() -> None:
    assert split_row(["1234567"], applicant_shape()).candidates == []


def test_leading_zeros_refused() -> None:
    # "05" is never a cell: 0|5 is the only reading of these digits.
    split = split_row(["0", "55"], RowShape(3, ((2, (0, 1)),)))
    assert split.chosen == (0, 5, 5)


def test_bounded_and_fast() -> None:
    started = time.perf_counter()
    split = split_row(["1" * 40], reviews_shape(), max_steps=20_000)
    assert split.capped or split.steps <= 20_000
    assert split.chosen is None
    assert time.perf_counter() - started < 2
    row = ["35221051138016000021813"]  # a long real row: 一、本年新收 of seed 004 then more digits
    started = time.perf_counter()
    split_row(row, applicant_shape())
    assert time.perf_counter() - started < 2
    assert MAX_STEPS >= 100_000


# --- whole tables 三 as copied text, some rows run together ---------------------------------------------------
def consistent_table(draw: st.DrawFn) -> dict[str, list[int]]:
    rows = [row for row in APPLICATION_ROWS["2021"]]
    results = [row for row in rows if row.kind == "result"]
    table: dict[str, list[int]] = {}
    small = st.one_of(st.just(0), st.integers(0, 30))
    for row in results:
        table[row.key] = draw(st.lists(small, min_size=6, max_size=6))
    total = [sum(table[row.key][i] for row in results) for i in range(6)]
    table["total"] = total
    forward = draw(st.lists(small, min_size=6, max_size=6))
    carried = [draw(st.integers(0, total[i] + forward[i])) for i in range(6)]
    table["carried_forward"] = forward
    table["carried_over"] = carried
    table["new"] = [total[i] + forward[i] - carried[i] for i in range(6)]
    return table


@st.composite
def copied_tables(draw: st.DrawFn) -> tuple[dict[str, list[int]], set[str], str]:
    table = consistent_table(draw)
    rows = APPLICATION_ROWS["2021"]
    run_together = set(draw(st.sets(st.sampled_from([row.key for row in rows]), max_size=4)))
    lines = ["2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    group = None
    for row in rows:
        if row.group and row.group != group:
            lines.append(row.group)
            group = row.group
        cells = table[row.key] + [sum(table[row.key])]
        numbers = "".join(map(str, cells)) if row.key in run_together else " ".join(map(str, cells))
        lines.append(f"{row.label} {numbers}")
    lines.append("五、存在的主要问题及改进情况")
    return table, run_together, "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(copied_tables())
def test_tables_read_back_or_uncertain(case: tuple[dict[str, list[int]], set[str], str]) -> None:
    table, _, text = case
    published = read_text(text)
    uncertain = set(published.uncertain)
    for row in APPLICATION_ROWS["2021"]:
        node = published.data["applications"]
        for step in row.path:
            node = node[step]
        key = f"applications.{row.key}"
        expected = table[row.key] + [sum(table[row.key])]
        if key in uncertain:
            assert any(v is None for v in node)
            assert all(v is None or v == expected[i] for i, v in enumerate(node))
        else:
            assert node == expected, (row.key, node, expected)
