"""The hard identities of the official tables (format.md 1–4): 勾稽关系 of tables 三 and 四.

Totals are computed from the rows; a total the agency typed is checked against them, never trusted.
Identity 5 (whole numbers ≥ 0, no blanks) is enforced by the model's types.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..model.forms import APPLICANT_COLUMNS, APPLICATION_COLUMNS, PARTS, REVIEW_GROUPS
from ..model.labels import table3_column
from ..model.tables import reviews_table
from .context import CheckContext

PART3, PART4 = PARTS[2], PARTS[3]


@RULES.rule(
    "T3-ROW-TOTAL",
    Severity.ERROR,
    "表三每一行：总计 = 六类申请人之和",
    "表三的总计列由六类申请人相加得出；填报的第7个数（总计）必须与之相等（勾稽关系3）。",
    PART3,
)
def row_totals(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.applications.rows:
        if row.spec.kind == "total":
            continue  # its 总计 is checked with the rest of the total row
        if row.given_total is not None and row.given_total != row.total:
            yield ctx.finding(
                f"六类申请人之和 {row.total} ≠ 填报的总计 {row.given_total}", at=("applications", *row.spec.path, 6)
            )


@RULES.rule(
    "T3-RESULTS-TOTAL",
    Severity.ERROR,
    "表三（七）总计 = 各项办理结果之和",
    "（七）总计是（一）至（六）各项办理结果之和（勾稽关系2）；（三）至（六）是合并的标签，不是小计行。",
    PART3,
)
def results_total(ctx: CheckContext) -> Iterator[Finding]:
    table = ctx.applications
    given = ctx.report.applications.total
    if given is None:
        return
    computed = table.results_sum
    for index in range(len(APPLICATION_COLUMNS)):
        if index == 6 and len(given) < 7:
            continue
        if given[index] != computed[index]:
            yield ctx.finding(
                f"各项办理结果之和 {computed[index]} ≠ 填报的总计 {given[index]}", at=("applications", "total", index)
            )


@RULES.rule(
    "T3-BALANCE",
    Severity.ERROR,
    "表三每一列：一 + 二 = （七）总计 + 四",
    "表上印明的勾稽关系（勾稽关系1）：本年新收加上年结转，等于办理结果总计加结转下年度。",
    PART3,
)
def balance(ctx: CheckContext) -> Iterator[Finding]:
    table = ctx.applications
    new, carried, total, forward = (table.by_key[key] for key in ("new", "carried_over", "total", "carried_forward"))
    for index in range(len(APPLICATION_COLUMNS)):
        left = new.values[index] + carried.values[index]
        right = total.values[index] + forward.values[index]
        if left != right:
            yield ctx.finding(
                f"一、本年新收 {new.values[index]} + 二、上年结转 {carried.values[index]} = {left}"
                f" ≠ （七）总计 {total.values[index]} + 四、结转下年度继续办理 {forward.values[index]} = {right}",
                at=table3_column(index),
                row="一 + 二 = （七）总计 + 四",
            )


@RULES.rule(
    "T4-TOTAL",
    Severity.ERROR,
    "表四每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
    "行政复议、行政诉讼各组的总计由四项结果相加得出；填报的第5个数必须与之相等（勾稽关系4）。",
    PART4,
)
def review_totals(ctx: CheckContext) -> Iterator[Finding]:
    table = reviews_table(ctx.report)
    for group, row in zip(REVIEW_GROUPS, table):
        if row.given_total is not None and row.given_total != row.total:
            yield ctx.finding(f"四项结果之和 {row.total} ≠ 填报的总计 {row.given_total}", at=("reviews", group.key, 4))


__all__ = ["row_totals", "results_total", "balance", "review_totals", "APPLICANT_COLUMNS"]
