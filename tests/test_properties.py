"""Property-based tests of the identities (format.md 1–4): random valid tables pass `check`; changing any single cell
that an identity binds makes `check` fail with findings that name that cell's row and column."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builders import base_report, dump, get_row, row_line, set_row
from generator.checks import check
from generator.readers.yaml import load_string
from official import APPLICANTS, REVIEW_GROUPS, application_rows

REVIEW_FULL = {"reconsideration": "行政复议", "litigation_direct": "行政诉讼 · 未经复议直接起诉",
               "litigation_after_reconsideration": "行政诉讼 · 复议后起诉"}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
counts = st.integers(min_value=0, max_value=40)
six = st.lists(counts, min_size=6, max_size=6)


@dataclass
class Tables:
    fmt: str
    applications: dict
    reviews: dict

    def report(self) -> dict:
        data = base_report(self.fmt)
        data["applications"] = self.applications
        data["reviews"] = self.reviews
        unpaid = self.applications.get("other", {}).get("unpaid_fee", []) if self.fmt == "2021" else []
        if any(unpaid[:6]):  # （六）2 逾期未缴费 needs fee notices sent (rule FEE-UNPAID)
            data["fee_notices"] = {"sent": sum(unpaid[:6]), "amount_sent": 0, "collected": 0}
        return data


@st.composite
def valid_tables(draw, fmt: str | None = None) -> Tables:
    """Tables that satisfy identities 1–4; given totals (7th / 5th number, the `total` row) drawn at random;
    some all-zero rows left out (they count as zeros)."""
    fmt = fmt or draw(st.sampled_from(("2021", "2019")))
    rows = application_rows(fmt)
    values: dict[tuple, list[int]] = {}
    for path, _group, _label, kind in rows:
        if kind == "result":
            values[path] = draw(st.one_of(st.just([0] * 6), six))
    forward = draw(six)
    total = [sum(values[p][c] for p in values) for c in range(6)]
    carried = [draw(st.integers(0, total[c] + forward[c])) for c in range(6)]
    new = [total[c] + forward[c] - carried[c] for c in range(6)]
    values[("new",)], values[("carried_over",)], values[("carried_forward",)] = new, carried, forward

    applications: dict = {}
    for path, _group, _label, kind in rows:
        if kind == "total":
            shape = draw(st.sampled_from(("absent", "six", "seven")))
            if shape != "absent":
                applications["total"] = total + ([sum(total)] if shape == "seven" else [])
            continue
        row = values[path]
        if not any(row) and draw(st.booleans()):
            continue  # a row left out counts as all zeros
        set_row(applications, path, row + ([sum(row)] if draw(st.booleans()) else []))
    reviews = {}
    for key, _label in REVIEW_GROUPS:
        four = draw(st.lists(st.integers(0, 20), min_size=4, max_size=4))
        reviews[key] = four + ([sum(four)] if draw(st.booleans()) else [])
    return Tables(fmt, applications, reviews)


def _check(data: dict):
    text = dump(data)
    loaded = load_string(text, file="测试.yaml")
    return text, loaded, check(loaded)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@SETTINGS
@given(data=st.data())
def test_valid_tables_pass(fmt, data):
    tables = data.draw(valid_tables(fmt))
    _text, loaded, findings = _check(tables.report())
    assert loaded.report is not None, [f.format() for f in loaded.findings]
    assert [f.format() for f in findings if f.is_error] == []


@dataclass(frozen=True)
class Cell:
    table: str  # "applications" | "reviews"
    path: tuple[str, ...]
    index: int


def _bound_cells(tables: Tables) -> list[Cell]:
    """Every cell an identity binds: all six applicant cells of each row of table 三 (identity 1 through its
    columns), every given 总计, the given （七）总计 row; in table 四 the outcomes only where the 总计 is given."""
    cells = []
    for path, _group, _label, kind in application_rows(tables.fmt):
        given = get_row(tables.applications, path)
        if kind == "total":
            cells += [Cell("applications", path, i) for i in range(len(given or []))]
        else:
            cells += [Cell("applications", path, i) for i in range(len(given) if given else 6)]
    for key, _label in REVIEW_GROUPS:
        if len(tables.reviews[key]) == 5:
            cells += [Cell("reviews", (key,), i) for i in range(5)]
    return cells


def _named(label: str, text: str) -> bool:
    """The full official label, or its leading words as identity 1 quotes them ("一、本年新收", "二、上年结转")."""
    return label in text or label[:6] in text


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@SETTINGS
@given(data=st.data())
def test_changing_any_cell_is_found_and_named(fmt, data):
    tables = data.draw(valid_tables(fmt))
    kinds: dict[str, list[Cell]] = {}
    for bound in _bound_cells(tables):  # pick the kind of cell first, so given totals are changed as often
        kind_of = (
            "reviews" if bound.table == "reviews"
            else "（七）" if bound.path == ("total",)
            else "given 总计" if bound.index == 6
            else "row"
        )
        kinds.setdefault(kind_of, []).append(bound)
    cell = data.draw(st.sampled_from(kinds[data.draw(st.sampled_from(sorted(kinds)))]))
    delta = data.draw(st.integers(1, 5))
    holder = tables.applications if cell.table == "applications" else tables.reviews
    if cell.table == "applications" and get_row(holder, cell.path) is None:
        set_row(holder, cell.path, [0] * 6)
    row = get_row(holder, cell.path)
    before = row[cell.index]
    row[cell.index] = before - delta if before >= delta and data.draw(st.booleans()) else before + delta

    text, loaded, findings = _check(tables.report())
    errors = [f for f in findings if f.is_error]
    assert errors, f"changing {cell} by {row[cell.index] - before} was not found"
    assert loaded.report is not None  # an identity finding, not an input error
    assert all(f.file == "测试.yaml" and f.line for f in errors)
    union = " ".join(f"{f.part} {f.row} {f.column} {f.message}" for f in errors)
    columns = {f.column for f in errors}
    line = row_line(text, (cell.table, *cell.path))

    event(f"{cell.table} {'total' if cell.path == ('total',) else 'row'} cell {cell.index} of {len(row)}")
    if cell.table == "reviews":
        # only identity 4 binds a review cell: the group and its 总计 are named, with both numbers, at its line
        (finding,) = [f for f in errors if f.rule == "T4-TOTAL"]
        assert finding.row == REVIEW_FULL[cell.path[0]] and finding.column == "总计" and finding.line == line
        assert f"{sum(row[:4])} ≠ 填报的总计 {row[4]}" in finding.message
        return

    spec = next(r for r in application_rows(fmt) if r[0] == cell.path)
    _path, group, label, kind = spec
    full = f"{group} · {label}" if group else label
    column = APPLICANTS[cell.index] if cell.index < 6 else "总计"
    if kind == "total":
        (finding,) = [f for f in errors if f.rule == "T3-RESULTS-TOTAL"]
        assert (finding.row, finding.column, finding.line) == ("（七）总计", column, line)
        assert f"≠ 填报的总计 {row[cell.index]}" in finding.message
        return
    if cell.index == 6:
        # a given row total changed: identity 3 names the row and 总计, both numbers, at the row's line
        (finding,) = [f for f in errors if f.rule == "T3-ROW-TOTAL"]
        assert (finding.row, finding.column, finding.line) == (full, "总计", line)
        assert finding.message.endswith(f"{sum(row[:6])} ≠ 填报的总计 {row[6]}")
        return
    # an applicant cell: identity 1 breaks in its column (and in 总计), so the column is named exactly
    assert column in columns, (column, columns)
    balance = [f for f in errors if f.rule == "T3-BALANCE"]
    assert {f.column for f in balance} == {column, "总计"}
    for term in ("一、本年新收", "二、上年结转", "（七）总计", "四、结转下年度继续办理"):
        assert all(term in f.message for f in balance)
    if len(row) == 7:
        assert any(f.rule == "T3-ROW-TOTAL" and f.row == full and f.line == line for f in errors)
    if kind == "result" and len(row) == 6:
        # nothing in the input says which result row is off; the finding names the computed （七）总计 they sum to
        assert "（七）总计" in union
    else:
        assert _named(label, union), (label, union)
