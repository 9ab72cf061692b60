"""Publication date (format.md check 11, 条例 第四十九条): within the deadline for the kind of agency, and never
before the statistics period (1月1日–12月31日 of the report year) has ended."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..model.forms import KINDS, PART_GENERAL, deadline
from .context import CheckContext


def _zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@RULES.rule(
    "DATE-EARLY",
    Severity.ERROR,
    "发布日期在统计期（报告年度12月31日）结束之后",
    "年度报告统计全年数字，统计期结束前的日期必定是填错（多半把年份写成了报告年度）。",
    PART_GENERAL,
)
def not_before_year_end(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    end = dt.date(report.year, 12, 31)
    if report.date <= end:
        yield ctx.finding(
            f"发布日期 {_zh(report.date)} 不在统计期结束（{_zh(end)}）之后；应为 {report.year + 1} 年的日期",
            at=("date",),
        )


@RULES.rule(
    "DATE-LATE",
    Severity.WARNING,
    "发布日期不晚于期限：部门次年1月31日，人民政府次年3月31日",
    "《条例》第四十九条：县级以上人民政府部门每年1月31日前公布本部门上一年度报告；本级政府的报告由政府信息公开工作"
    "主管部门在3月31日前公布。逾期公布是督查通报的常见问题。",
    PART_GENERAL,
)
def within_deadline(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    limit = deadline(report.kind, report.year)
    if report.date > limit:
        yield ctx.finding(
            f"发布日期 {_zh(report.date)} 晚于{KINDS[report.kind]}的公布期限 {_zh(limit)}（《条例》第四十九条）",
            at=("date",),
        )


__all__ = ["deadline", "not_before_year_end", "within_deadline"]
