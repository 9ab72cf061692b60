"""Parts and format (format.md checks 10 and 12): part 五 says something, a 人民政府's report covers 第五十条,
and the report uses the format its year calls for."""

from __future__ import annotations

import re
from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..model.forms import PART_GENERAL, PARTS, format_for_year
from .context import CheckContext

PART5 = PARTS[4]
_NOTHING = re.compile(r"^(?:无|没有|暂无|无问题|无相关情况|不存在|略|/|-|—|－|／|无此项)?$")
_PUNCTUATION = re.compile(r"[\s。．.，,；;：:！!？?、（）()“”\"'‘’]")

# 第五十条: 工作考核、社会评议和责任追究结果情况 — and the words real reports use for each.
ARTICLE_50 = (
    ("工作考核", re.compile(r"考核|考评|绩效评估|绩效评价")),
    ("社会评议", re.compile(r"社会评议|社会评价|群众评议|公众评议|评议|满意度测评|满意度调查")),
    ("责任追究", re.compile(r"责任追究|追究责任|问责|追责")),
)

NOTICES = {
    "2021": "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
    "2019": (
        "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
        "（国办公开办函〔2019〕60号）"
    ),
}


def says_nothing(text: str) -> bool:
    """True for an empty text or one that only says 无 (无。/ 暂无 / 没有 …)."""
    return bool(_NOTHING.match(_PUNCTUATION.sub("", text)))


@RULES.rule(
    "P5-EMPTY",
    Severity.ERROR,
    "五、存在的主要问题及改进情况不为空、不写“无”",
    "第五部分必须写存在的问题和改进情况（含上年问题的改进），"
    "写“无”的报告在督查和评估中直接判为不合格（format.md 核对12）。",
    PART5,
)
def part5_not_empty(ctx: CheckContext) -> Iterator[Finding]:
    item = next((i for i in ctx.narrative if i.path == ("text", "problems")), None)
    if item is not None and says_nothing(item.text):
        yield ctx.finding(
            f"第五部分只写了“{item.text.strip()}”：请写明存在的主要问题、改进措施和上年问题的改进情况", at=item.path
        )


@RULES.rule(
    "GOV-ART50",
    Severity.WARNING,
    "人民政府的报告写到工作考核、社会评议和责任追究结果情况",
    "《条例》第五十条：人民政府的年度报告还应当包括工作考核、社会评议和责任追究结果情况。查找范围是全部正文"
    "（前言、一至六部分），常见说法（考评、社会评价、问责等）都算写到。部门报告不要求。",
    PARTS[0],
)
def article_50_covered(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.report.kind != "government":
        return
    text = "\n".join(item.text for item in ctx.narrative)
    missing = [name for name, words in ARTICLE_50 if not words.search(text)]
    if missing:
        yield ctx.finding(
            f"正文没有写到{'、'.join(missing)}结果情况（《条例》第五十条，人民政府的报告应写工作考核、社会评议和"
            "责任追究结果情况；通常写在一、总体情况的监督保障部分）",
            at=("text", "overview"),
        )


@RULES.rule(
    "FORMAT-YEAR",
    Severity.WARNING,
    "报告格式与报告年度相符：2021年及以后用2021格式，2019–2020年用2019格式",
    "国办公开办函〔2021〕30号规定2021年度起的报告格式；2019、2020年度用〔2019〕60号试行格式。"
    "用错格式，表格行列就与通知不符（format.md 核对10）。",
    PART_GENERAL,
)
def format_fits_year(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    wanted = format_for_year(report.year)
    if report.format != wanted and report.year >= 2019:
        yield ctx.finding(
            f"{report.year}年度的报告应使用{NOTICES[wanted]}规定的格式（format: \"{wanted}\"），本报告用的是"
            f"{report.format}格式（{NOTICES[report.format]}）",
            at=("format",),
        )


__all__ = ["says_nothing", "part5_not_empty", "article_50_covered", "format_fits_year", "NOTICES"]
