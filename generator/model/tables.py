"""The computed tables: every row of tables 三 and 四 with its totals derived from the input (never trusted)."""

from __future__ import annotations

from dataclasses import dataclass

from .forms import APPLICATION_ROWS, REVIEW_GROUPS, ApplicationRow


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


def _row(given: list[int], size: int) -> tuple[tuple[int, ...], int | None]:
    numbers = tuple(given[:size])
    return numbers + (sum(numbers),), (given[size] if len(given) > size else None)


def applications_table(report) -> ApplicationsTable:
    rows = APPLICATION_ROWS[report.format]
    results = [r for r in rows if r.kind == "result"]
    computed: dict[str, ComputedRow] = {}
    for spec in rows:
        if spec.kind == "total":
            continue
        values, given_total = _row(report.applications.row(spec.path), 6)
        computed[spec.key] = ComputedRow(spec, values, given_total)
    results_sum = tuple(sum(computed[r.key].values[i] for r in results) for i in range(7))
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
