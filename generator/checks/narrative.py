"""Narrative = tables (format.md check 8): figures the text states about tables 二–四 must equal the tables.

The text is read after its placeholders are filled. A figure counts only in a phrase about the tables —
"受理政府信息公开申请398件", "予以公开126件、占33.5%", "行政复议申请46件", "其余22件转下年度" — so dates, phone
numbers, 条例 articles and other counts (信息 N 条, 新闻发布会 N 次, 12345 热线办结 N 件) are never read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterator, cast

from ..findings import RULES, Finding, Severity
from ..model.forms import PARTS, TOTAL, application_row
from ..model.narrative import NarrativeText
from ..model.tables import applications_table
from .context import CheckContext
from .numerals import COUNT, parse_count

_N = rf"(?<![0-9０-９.．])(?P<n>{COUNT})\s*件"
_PCT = r"(?:\s*[，,、]?\s*(?:占比|占)[^0-9０-９%％，,。；]{0,8}?(?P<pct>[0-9]+(?:\.[0-9]+)?)\s*[%％])?"
_STOP = "，,。；;：:、！？!?\n0-9０-９"


def _gap(size: int) -> str:
    return rf"(?P<gap>[^{_STOP}]{{0,{size}}}?)"


# Words that make an "申请…N件" phrase about something other than table 三.
_NOT_TABLE3 = re.compile(r"复议|诉讼|信访|建议|提案|举报|投诉|来电|来信|热线|咨询|工单|办件|审批|许可")
# A sentence about table 三's applications (办结 / 结转 figures count only in one).
_APPLICATIONS = re.compile(r"政府信息公开申请|依申请|公开申请|申请公开")
_REVIEW_TAIL = rf"(?:（[^）]*）|\([^)]*\))?\s*[，,]?\s*其中\s*(?:结果)?维持[^{_STOP}]{{0,12}}?(?P<kept>{COUNT})\s*件"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # how the narrative calls it
    patterns: tuple[re.Pattern, ...]
    about_applications: bool = False  # only in a sentence that speaks of 申请
    in_breakdown: bool = False  # still read after 其中 (a breakdown of something else)
    gap_must: re.Pattern | None = None  # the words between keyword and figure must match …
    gap_must_not: re.Pattern | None = None  # … and must not
    formats: tuple[str, ...] = ("2021", "2019")


def _compile(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def _result(key: str, label: str, keyword: str) -> Metric:
    return Metric(key, label, _compile(keyword + _gap(6) + _N + _PCT), in_breakdown=True)


METRICS = (
    Metric(
        "intake",
        "收到申请",
        _compile(r"(?:收到|受理|新收|接收|接到)" + _gap(16) + _N),
        gap_must=re.compile("申请"),
        gap_must_not=_NOT_TABLE3,
    ),
    Metric("carried_over", "上年结转", _compile(r"上一?年度?结转" + _gap(12) + _N), gap_must_not=_NOT_TABLE3),
    Metric(
        "total",
        "办结",
        _compile(r"(?:办结|答复|办理完毕|处理完毕)" + _gap(14) + _N),
        about_applications=True,
        gap_must_not=_NOT_TABLE3,
    ),
    Metric(
        "carried_forward",
        "结转下年度",
        _compile(
            r"(?:结转|转入|转至|转到|转)下一?年度?(?:继续办理)?" + _gap(8) + _N,
            r"(?:正在办理|尚在办理|仍在办理|尚未办结)" + _gap(8) + _N,
            _N + rf"[^{_STOP}]{{0,8}}?(?:结转|转入|转至|转到|转)下一?年",
        ),
        about_applications=True,
    ),
    _result("disclosed_and_partly", "予以公开和部分公开",
            r"(?<!不)(?:予以(?:全部)?|全部)公开(?:和|及|与|、|以及|加)(?:予以)?部分(?:予以)?公开"),
    _result("disclosed", "予以公开", r"(?<!不)(?<!部分)予以(?:全部)?公开"),
    _result("partly_disclosed", "部分公开", r"部分(?:予以)?公开"),
    _result("withheld", "不予公开", r"不予以?公开"),
    _result("unavailable", "无法提供", r"无法提供"),
    _result("not_processed", "不予处理", r"不予处理"),
    _result("other", "其他处理", r"其他处理"),
    Metric(
        "reconsideration",
        "行政复议",
        _compile(r"行政复议(?P<gap>(?:申请|案件|案|共|计|为|有|起)*)" + _N + f"(?:{_REVIEW_TAIL})?"),
    ),
    Metric(
        "litigation",
        "行政诉讼",
        _compile(r"行政诉讼(?P<gap>(?:案件|案|共|计|为|有|起)*)" + _N + f"(?:{_REVIEW_TAIL})?"),
    ),
    Metric(
        "in_force",
        "现行有效",
        _compile(r"现行有效" + _gap(14) + _N),
        gap_must_not=re.compile("合同|证|许可"),
        formats=("2021",),
    ),
    Metric(
        "issued",
        "本年制发",
        _compile(r"(?:制发|新制作|制定|出台)" + _gap(12) + _N),
        gap_must=re.compile("规章|规范性文件"),
    ),
)
RESULT_KEYS = ("disclosed", "partly_disclosed", "withheld", "unavailable", "not_processed", "other")
COMBINED = {"disclosed_and_partly": ("disclosed", "partly_disclosed")}  # one figure for two result rows


@dataclass(frozen=True)
class SubRow:
    """A numbered row under a merged label of table 三 (（三）不予公开 · 4.保护第三方合法权益) and the words that name
    it in a narrative."""

    key: str  # its input key below applications, e.g. "withheld.third_party"
    label: str  # as a message says it
    words: re.Pattern
    formats: tuple[str, ...] = ("2021", "2019")


SUB_ROWS = (
    SubRow("withheld.state_secret", "属于国家秘密", re.compile(r"国家秘密")),
    SubRow("withheld.prohibited_by_law", "其他法律行政法规禁止公开", re.compile(r"法律行政法规禁止|法律法规禁止")),
    SubRow("withheld.security_stability", "危及“三安全一稳定”", re.compile(r"三安全一稳定")),
    SubRow("withheld.third_party", "保护第三方合法权益", re.compile(r"第三方合法权益")),
    SubRow("withheld.internal_affairs", "属于三类内部事务信息", re.compile(r"内部事务")),
    SubRow("withheld.process_info", "属于四类过程性信息", re.compile(r"过程性信息")),
    SubRow("withheld.enforcement_files", "属于行政执法案卷", re.compile(r"行政执法案卷")),
    SubRow("withheld.query_matters", "属于行政查询事项", re.compile(r"行政查询事项")),
    SubRow("unavailable.not_held", "本机关不掌握相关政府信息",
           re.compile(r"本(?:机关|单位|部门)不掌握|不掌握相关(?:政府)?信息")),
    SubRow("unavailable.needs_creation", "没有现成信息需要另行制作", re.compile(r"没有现成信息|另行制作")),
    SubRow("unavailable.unclear", "补正后申请内容仍不明确", re.compile(r"补正后(?:申请)?内容仍不明确|仍不明确")),
    SubRow("not_processed.petition", "信访举报投诉类申请", re.compile(r"信访举报投诉")),
    SubRow("not_processed.duplicate", "重复申请", re.compile(r"重复申请")),
    SubRow("not_processed.publication", "要求提供公开出版物", re.compile(r"公开出版物")),
    SubRow("not_processed.excessive", "无正当理由大量反复申请", re.compile(r"大量反复申请")),
    SubRow("not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", re.compile(r"确认或重新出具")),
    SubRow("other.no_correction", "逾期不补正", re.compile(r"逾期不补正"), ("2021",)),
    SubRow("other.unpaid_fee", "逾期未按收费通知缴纳费用", re.compile(r"未按收费通知|逾期未缴"), ("2021",)),
)
SUB_ROW_METRIC = Metric("sub_rows", "", (), in_breakdown=True)
_LINK = "、和及与"  # words that join the sub-rows of one figure: 信访举报投诉类、重复申请不予处理5件
_RESULT_ROWS = {
    "disclosed": "（一）予以公开",
    "partly_disclosed": "（二）部分公开",
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


@dataclass(frozen=True)
class Claim:
    """One figure the narrative states about the tables."""

    metric: Metric
    value: int
    sentence: str  # the words around it, for the message
    line: int  # 1-based line inside the text
    gap: str
    percent: Decimal | None = None
    kept: int | None = None  # 其中维持 N 件 after a 复议/诉讼 figure
    rows: tuple[str, ...] = ()  # the sub-rows of table 三 a SUB_ROW_METRIC claim names (their sum is the figure)

    @property
    def label(self) -> str:
        if self.rows:
            return "、".join(next(r.label for r in SUB_ROWS if r.key == key) for key in self.rows)
        return self.metric.label


_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_CLAUSE = re.compile(r"[^；;]+[；;]?")


def _quote(sentence: str, start: int, end: int) -> str:
    """The sentence, or the clauses around the figure when the sentence is long."""
    sentence = sentence.strip()
    if len(sentence) <= 70:
        return sentence
    left = max(sentence.rfind(c, 0, start) for c in "，,；;") + 1
    right = min((i for i in (sentence.find(c, end) for c in "，,；;。") if i != -1), default=len(sentence))
    return "…" + sentence[left:right].strip() + "…"


def _lead(clause: str, start: int) -> str:
    """The words of the clause before a keyword: "人大代表建议和" in "人大代表建议和答复385件"."""
    return clause[max(clause.rfind(c, 0, start) for c in "，,、；;") + 1 : start]


@lru_cache(maxsize=256)
def claims(text: str, fmt: str) -> tuple[Claim, ...]:
    """Every figure about the tables stated in `text`, in order (cached: two rules read the same text)."""
    return tuple(_claims(text, fmt))


def _claims(text: str, fmt: str) -> Iterator[Claim]:
    for line_number, line in enumerate(text.split("\n"), start=1):
        for sentence_match in _SENTENCE.finditer(line):
            sentence = sentence_match.group(0)
            about_applications = bool(_APPLICATIONS.search(sentence)) or (
                "申请" in sentence and not _NOT_TABLE3.search(sentence)
            )
            for clause_match in _CLAUSE.finditer(sentence):
                clause, offset = clause_match.group(0), clause_match.start()
                breakdown_at = clause.find("其中")
                taken: list[tuple[int, int]] = []
                found: list[tuple[int, Claim]] = []
                for span, claim in _sub_row_claims(clause, fmt):
                    if not any(a < span[1] and span[0] < b for a, b in taken):
                        taken.append(span)
                        found.append((span[0], replace(
                            claim, sentence=_quote(sentence, offset + span[0], offset + span[1]), line=line_number)))
                for metric in METRICS:
                    if fmt not in metric.formats or (metric.about_applications and not about_applications):
                        continue
                    for pattern in metric.patterns:
                        for match in pattern.finditer(clause):
                            if breakdown_at != -1 and match.start() > breakdown_at and not metric.in_breakdown:
                                continue
                            gap = match.groupdict().get("gap") or ""
                            if metric.gap_must and not metric.gap_must.search(gap):
                                continue
                            if metric.gap_must_not and metric.gap_must_not.search(gap + _lead(clause, match.start())):
                                continue  # 人大代表建议和答复385件, 12345热线受理…
                            value = parse_count(match.group("n"))
                            span = match.span("n")
                            if value is None or any(a < span[1] and span[0] < b for a, b in taken):
                                continue
                            taken.append(span)
                            groups = match.groupdict()
                            kept = parse_count(groups["kept"]) if groups.get("kept") else None
                            pct = Decimal(groups["pct"]) if groups.get("pct") else None
                            found.append((span[0], Claim(
                                metric,
                                value,
                                _quote(sentence, offset + match.start(), offset + match.end()),
                                line_number,
                                gap,
                                pct,
                                kept,
                            )))
                for _start, claim in sorted(found, key=lambda item: item[0]):
                    yield claim


_SUB_N = rf"(?<![0-9０-９.．])(?P<n>{COUNT})\s*件"
_SUB_STOP = "，,。；;：:！？!?\n0-9０-９"


def _sub_row_claims(clause: str, fmt: str) -> Iterator[tuple[tuple[int, int], Claim]]:
    """Figures the clause states about sub-rows of table 三: "其中163件属本机关不掌握相关政府信息" (the figure first),
    "属于国家秘密的1件", "因本机关不掌握相关政府信息无法提供30件" (the words first),
    "信访举报投诉类、重复申请不予处理5件"
    (several sub-rows joined by 、和及与: their sum). Words followed by 等 ("因本机关不掌握等原因无法提供") speak of
    the whole group, not of the sub-row: left to the group's figure."""
    rows = [r for r in SUB_ROWS if fmt in r.formats]
    for row in rows:
        for hit in row.words.finditer(clause):
            group = row.key.split(".")[0]
            # the words first: a figure within a few words after them (no stop, no other figure between)
            after = re.match(rf"[^{_SUB_STOP}]{{0,14}}?{_SUB_N}", clause[hit.end():])
            if after and "等" not in clause[hit.end():hit.end() + after.start("n")]:
                named = _joined(clause, hit.start(), hit.end(), group, rows, row.key)
                value = parse_count(after.group("n"))
                start = hit.end() + after.start("n")
                if value is not None:
                    yield (start, hit.end() + after.end("n")), Claim(SUB_ROW_METRIC, value, "", 0, "", rows=named)
                continue
            # the figure first: "163件属本机关不掌握…", "1件属于国家秘密"
            before = re.search(rf"{_SUB_N}\s*(?:属于|属|为|系|是|因|涉及)?[^{_SUB_STOP}、]{{0,4}}$",
                               clause[:hit.start()])
            if before:
                named = _joined(clause, hit.start(), hit.end(), group, rows, row.key)
                value = parse_count(before.group("n"))
                if value is not None:
                    yield before.span("n"), Claim(SUB_ROW_METRIC, value, "", 0, "", rows=named)


def _joined(clause: str, start: int, end: int, group: str, rows: list[SubRow], key: str) -> tuple[str, ...]:
    """The sub-rows of `group` named together with the one at [start, end): joined to it by 、和及与 on either side."""
    named = [key]
    left = clause[:start]
    while left and left[-1] in _LINK:
        segment = re.split(rf"[{_SUB_STOP}{_LINK}]", left[:-1])[-1]
        other = next((r.key for r in rows if r.key.startswith(group + ".") and r.words.search(segment)), None)
        if other is None or other in named:
            break
        named.insert(0, other)
        left = left[: len(left) - 1 - len(segment)]
    right = clause[end:]
    while True:
        link = re.match(rf"[^{_SUB_STOP}{_LINK}]{{0,4}}?[{_LINK}]([^{_SUB_STOP}{_LINK}]{{1,20}})", right)
        if not link:
            break
        other = next((r.key for r in rows if r.key.startswith(group + ".") and r.words.search(link.group(1))), None)
        if other is None or other in named:
            break
        named.append(other)
        right = right[link.end():]
    return tuple(named)


# --- what the tables say --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expected:
    values: tuple[int, ...]  # any of these is right
    shown: str  # the table value(s) for the message
    part: str
    row: str
    column: str | None = TOTAL


def _documents(report, gap: str, column_2021: str, column_2019: str, label: str) -> Expected:
    column = column_2021 if report.format == "2021" else column_2019
    rules, normative = getattr(report.active.rules, column), getattr(report.active.normative, column)
    names = ("规章", "行政规范性文件" if report.format == "2021" else "规范性文件")
    values: tuple[Any, ...]
    if "规章" in gap and "规范性文件" not in gap:
        values, shown = (rules,), f"{names[0]} {rules}"
    elif "规范性文件" in gap and "规章" not in gap:
        values, shown = (normative,), f"{names[1]} {normative}"
    else:
        values = (rules, normative, rules + normative)
        shown = f"{names[0]} {rules}、{names[1]} {normative}（合计 {rules + normative}）"
    return Expected(values, shown, PARTS[1], "第二十条第（一）项", label)


def expected(claim: Claim, report, figures: dict) -> Expected:
    key = claim.metric.key
    fmt = report.format
    if key == "intake":
        new, both = figures["new"], figures["new"] + figures["carried_over"]
        shown = f"一、本年新收 {new}" + (f"（加上年结转为 {both}）" if both != new else "")
        return Expected((new, both), shown, PARTS[2], application_row(fmt, "new").label)
    if key in ("carried_over", "total", "carried_forward"):
        row = application_row(fmt, key).label
        return Expected((figures[key],), f"{row} {figures[key]}", PARTS[2], row)
    if key in RESULT_KEYS:
        row = _RESULT_ROWS[key]
        return Expected((figures[key],), f"{row} {figures[key]}", PARTS[2], row)
    if key in COMBINED:
        first, second = COMBINED[key]
        value = figures[first] + figures[second]
        shown = f"{_RESULT_ROWS[first]} {figures[first]} + {_RESULT_ROWS[second]} {figures[second]} = {value}"
        return Expected((value,), shown, PARTS[2], f"{_RESULT_ROWS[first]} + {_RESULT_ROWS[second]}")
    if key == SUB_ROW_METRIC.key:
        table = applications_table(report)
        values = [table.by_key[row].total for row in claim.rows]
        labels = [application_row(fmt, row).full_label for row in claim.rows]
        shown = "、".join(f"{label} {value}" for label, value in zip(labels, values))
        if len(values) > 1:
            shown += f"（合计 {sum(values)}）"
        return Expected((sum(values),), shown, PARTS[2], " + ".join(labels))
    if key in ("reconsideration", "litigation"):
        values = figures[key]
        label = "行政复议" if key == "reconsideration" else "行政诉讼（未经复议直接起诉 + 复议后起诉）"
        return Expected((values[4],), f"{label}总计 {values[4]}", PARTS[3], label)
    if key == "in_force":
        return _documents(report, claim.gap, "in_force", "total", "现行有效件数")
    if key == "issued":
        return _documents(report, claim.gap, "issued", "made", "本年制发件数" if fmt == "2021" else "本年新制作数量")
    raise KeyError(key)


def _finding(ctx: CheckContext, item: NarrativeText, claim: Claim, message: str, where: Expected) -> Finding:
    """At the claim's line of the text; row and column are those of the table cell the claim speaks of."""
    return ctx.finding(
        message, at=item.path, line=item.line(claim.line), row=f"表{where.part[0]} · {where.row}", column=where.column
    )


@RULES.rule(
    "TEXT-PLACEHOLDER",
    Severity.ERROR,
    "正文中的占位符只能是已知的 {{ 名称 }}",
    "占位符由表格数字填入，正文就不会与表格不一致；正文是用户输入，不得执行任何表达式、属性访问或导入，"
    "未知的名称多半是笔误。",
)
def placeholder_problems(ctx: CheckContext) -> Iterator[Finding]:
    for item in ctx.narrative:
        for problem in item.problems:
            # the problem's line in the text; the part is shown, not the text's own label (e.g. （二）依申请公开)
            yield ctx.finding(problem.message, at=item.path, line=item.line(problem.line), row=None)


@RULES.rule(
    "TEXT-FIGURE",
    Severity.WARNING,
    "正文写出的件数（收到申请、上年结转、办结、结转下年度、各项办理结果、行政复议、行政诉讼、现行有效、本年制发）与表格一致",
    "督查和第三方评估逐一比对正文与表格（format.md 核对8）；不一致的报告会被退回。“收到申请 N 件”可指本年新收，"
    "也可指本年新收加上年结转，两种都算对。",
)
def figures_match(ctx: CheckContext) -> Iterator[Finding]:
    figures = ctx.figures
    for item, claim in _stated(ctx):
        where = expected(claim, ctx.report, figures)
        if claim.value not in where.values:
            message = f"正文“{claim.sentence}”写{claim.label} {claim.value} 件，而表中为 {where.shown}"
            yield _finding(ctx, item, claim, message, where)
        kept = figures[claim.metric.key][0] if claim.kept is not None else None
        if kept is not None and claim.kept != kept:
            message = (
                f"正文“{claim.sentence}”写{claim.metric.label}维持 {claim.kept} 件，"
                f"而表四{claim.metric.label}结果维持为 {kept}"
            )
            where = Expected((kept,), str(kept), PARTS[3], claim.metric.label, "结果维持")
            yield _finding(ctx, item, claim, message, where)


def _stated(ctx: CheckContext) -> Iterator[tuple[NarrativeText, Claim]]:
    """Every figure the narrative states, with its text (texts with placeholder problems are not read)."""
    for item in ctx.narrative:
        if not item.problems:
            for claim in claims(item.text, ctx.report.format):
                yield item, claim


def _close(stated: Decimal, share: Decimal) -> bool:
    exponent = cast(int, stated.as_tuple().exponent)  # an int: a stated figure is a finite number
    places = -exponent if exponent < 0 else 0
    return abs(stated - share) < Decimal(1).scaleb(-places)


@RULES.rule(
    "TEXT-PERCENT",
    Severity.WARNING,
    "正文中各项办理结果的占比（占 x%）与表三一致",
    "占比应等于该项件数除以办结总数（（七）总计）；也接受除以收到申请数（本年新收，或加上年结转）。"
    "允许末位四舍五入或截断的差异。",
)
def percents_match(ctx: CheckContext) -> Iterator[Finding]:
    figures = ctx.figures
    denominators = {
        "办结": figures["total"],
        "本年新收": figures["new"],
        "本年新收与上年结转之和": figures["new"] + figures["carried_over"],
    }
    for item, claim in _stated(ctx):
        if claim.percent is None or claim.metric.key not in RESULT_KEYS + tuple(COMBINED) + (SUB_ROW_METRIC.key,):
            continue
        value = sum(expected(claim, ctx.report, figures).values[:1])
        shares = {name: Decimal(value) * 100 / whole for name, whole in denominators.items() if whole}
        if not shares or any(_close(claim.percent, share) for share in shares.values()):
            continue
        where = expected(claim, ctx.report, figures)
        name = "办结" if "办结" in shares else next(iter(shares))
        message = (
            f"正文“{claim.sentence}”写{claim.label}占 {claim.percent}%，而按表三 {where.row} {value} 件"
            f"占{name} {denominators[name]} 件计算为 {shares[name].quantize(Decimal('0.1'))}%"
        )
        yield _finding(ctx, item, claim, message, where)


__all__ = ["claims", "Claim", "METRICS", "expected", "placeholder_problems", "figures_match", "percents_match"]
