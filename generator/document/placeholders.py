"""Narrative placeholders: `{{ 予以公开 }}` in the text is filled from the tables, so the words cannot disagree.

The narrative is untrusted input: only `{{ 名称 }}` with a known name is allowed — no expressions, attributes,
filters, statements or imports — and what is allowed renders in a sandboxed Jinja environment that refuses
attribute access and calls as a second line of defence, with the same resource limits as a template pack's
(packs.LimitedSandbox: no huge strings, numbers or loops, bounded output) as a third. Problems come back located
(text key, line), never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from jinja2 import StrictUndefined, TemplateError, nodes

from ..model.forms import OVERVIEW_ASPECTS, REVIEW_GROUPS
from ..model.tables import applications_table, reviews_table
from ..packs import LimitedSandbox, TemplateFailure, describe_error
from .figures import number, percent

MARKERS = ("{{", "{%", "{#")
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str  # what it is filled with, in Chinese (scaffold, docs, error messages)
    formats: tuple[str, ...]
    value: Callable[[Any, dict], str]


def table_figures(report) -> dict:
    """The numbers every placeholder is drawn from, computed once per report."""
    table = applications_table(report)

    def group(prefix: str) -> int:
        return sum(row.total for row in table.rows if row.spec.key == prefix or row.spec.key.startswith(prefix + "."))

    reviews = dict(zip((g.key for g in REVIEW_GROUPS), reviews_table(report)))
    litigation = [a + b for a, b in zip(reviews["litigation_direct"].values, reviews["litigation_after_reconsideration"].values)]
    return {
        "new": table.by_key["new"].total,
        "carried_over": table.by_key["carried_over"].total,
        "total": table.by_key["total"].total,
        "carried_forward": table.by_key["carried_forward"].total,
        "disclosed": group("disclosed"),
        "partly_disclosed": group("partly_disclosed"),
        "withheld": group("withheld"),
        "unavailable": group("unavailable"),
        "not_processed": group("not_processed"),
        "other": group("other"),
        "reconsideration": reviews["reconsideration"].values,  # four outcomes + 总计
        "litigation": tuple(litigation),
    }


RESULT_PLACEHOLDERS = (
    ("予以公开", "disclosed", "（一）予以公开"),
    ("部分公开", "partly_disclosed", "（二）部分公开"),
    ("不予公开", "withheld", "（三）不予公开（8项之和）"),
    ("无法提供", "unavailable", "（四）无法提供（3项之和）"),
    ("不予处理", "not_processed", "（五）不予处理（5项之和）"),
    ("其他处理", "other", "（六）其他处理（2021格式为3项之和）"),
)
_BOTH = ("2021", "2019")
_OUTCOMES = (("结果维持", 0), ("结果纠正", 1), ("其他结果", 2), ("尚未审结", 3))


def _build_placeholders() -> tuple[Placeholder, ...]:
    out = [
        Placeholder("年度", "报告年度，如 2021", _BOTH, lambda r, f: str(r.year)),
        Placeholder("本年新收", "表三 一、本年新收政府信息公开申请数量（总计）", _BOTH, lambda r, f: str(f["new"])),
        Placeholder("上年结转", "表三 二、上年结转政府信息公开申请数量（总计）", _BOTH, lambda r, f: str(f["carried_over"])),
        Placeholder("申请总数", "本年新收 + 上年结转", _BOTH, lambda r, f: str(f["new"] + f["carried_over"])),
        Placeholder("办结", "表三（七）总计（本年度办理结果之和）", _BOTH, lambda r, f: str(f["total"])),
        Placeholder("结转下年度", "表三 四、结转下年度继续办理（总计）", _BOTH, lambda r, f: str(f["carried_forward"])),
    ]
    for name, key, meaning in RESULT_PLACEHOLDERS:
        out.append(Placeholder(name, f"表三{meaning}（总计）", _BOTH, lambda r, f, key=key: str(f[key])))
    for name, key, meaning in RESULT_PLACEHOLDERS:
        out.append(
            Placeholder(
                f"{name}占比",
                f"{meaning}占办结（（七）总计）的百分比，保留一位小数，如 33.5%",
                _BOTH,
                lambda r, f, key=key: percent(f[key], f["total"]),
            )
        )
    for name, key in (("行政复议", "reconsideration"), ("行政诉讼", "litigation")):
        what = "表四 行政复议" if key == "reconsideration" else "表四 行政诉讼（未经复议直接起诉 + 复议后起诉）"
        out.append(Placeholder(name, f"{what}总计", _BOTH, lambda r, f, key=key: str(f[key][4])))
        for outcome, index in _OUTCOMES:
            out.append(
                Placeholder(f"{name}{outcome}", f"{what}的{outcome}", _BOTH, lambda r, f, key=key, i=index: str(f[key][i]))
            )
    for prefix, key in (("规章", "rules"), ("规范性文件", "normative")):
        for suffix, column in (("制发件数", "issued"), ("废止件数", "repealed"), ("现行有效件数", "in_force")):
            out.append(
                Placeholder(
                    f"{prefix}{suffix}",
                    f"表二 第二十条第（一）项 {'规章' if key == 'rules' else '行政规范性文件'} {suffix.replace('件数', '')}件数",
                    ("2021",),
                    lambda r, f, key=key, column=column: str(getattr(getattr(r.active, key), column)),
                )
            )
        for suffix, column in (("新制作数量", "made"), ("新公开数量", "published"), ("对外公开总数量", "total")):
            out.append(
                Placeholder(
                    f"{prefix}{suffix}",
                    f"表二 第二十条第（一）项 {prefix} 本年{suffix}".replace("本年对外", "对外"),
                    ("2019",),
                    lambda r, f, key=key, column=column: str(getattr(getattr(r.active, key), column)),
                )
            )
    for name, key in (("行政许可", "licensing"), ("行政处罚", "punishment"), ("行政强制", "coercion")):
        out.append(Placeholder(name, f"表二 {name} 本年处理决定数量", ("2021",), lambda r, f, key=key: str(getattr(r.active, key))))
        out.append(
            Placeholder(name, f"表二 {name} 处理决定数量", ("2019",), lambda r, f, key=key: str(getattr(r.active, key).decisions))
        )
    out += [
        Placeholder("行政事业性收费", "表二 行政事业性收费 本年收费金额（万元）", ("2021",), lambda r, f: number(r.active.fees)),
        Placeholder("收费通知件数", "六、信息处理费：发出收费通知的件数", ("2021",), lambda r, f: str(r.fee_notices.sent)),
        Placeholder("收费通知金额", "六、信息处理费：收费通知总金额（元）", ("2021",), lambda r, f: number(r.fee_notices.amount_sent)),
        Placeholder("实收信息处理费", "六、信息处理费：实际收取的总金额（元）", ("2021",), lambda r, f: number(r.fee_notices.collected)),
    ]
    return tuple(out)


PLACEHOLDERS = _build_placeholders()


def placeholders(fmt: str) -> dict[str, Placeholder]:
    """The placeholders of one report format, in documentation order."""
    return {p.name: p for p in PLACEHOLDERS if fmt in p.formats}


def values(report) -> dict[str, str]:
    figures = table_figures(report)
    return {name: p.value(report, figures) for name, p in placeholders(report.format).items()}


# --- rendering ------------------------------------------------------------------------------------------------
class _NarrativeEnvironment(LimitedSandbox):
    """No attribute is safe and nothing may be called: a narrative can only name a value."""

    def is_safe_attribute(self, obj, attr, value) -> bool:  # noqa: ARG002
        return False

    def is_safe_callable(self, obj) -> bool:  # noqa: ARG002
        return False


_ENV = _NarrativeEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV.globals.clear()
_ENV.filters.clear()
_ENV.tests.clear()


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line inside the text
    message: str


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _shown(tag: str) -> str:
    return tag if len(tag) <= 40 else tag[:37] + "…"


def fill(text: str, known: dict[str, str]) -> tuple[str, list[Problem]]:
    """The text with its placeholders filled, and the problems found; on any problem the text comes back as is."""
    if not any(marker in text for marker in MARKERS):
        return text, []
    problems: list[Problem] = []
    names = "、".join(known)
    for match in _TAG.finditer(text):
        line, tag = _line_at(text, match.start()), _shown(match.group(0))
        inner = match.group(1)
        if inner is None:
            problems.append(Problem(line, f"正文里不能写模板语句或注释“{tag}”：只能写 {{{{ 名称 }}}} 形式的占位符"))
            continue
        name = inner.strip()
        if not name.isidentifier():
            problems.append(
                Problem(line, f"占位符“{tag}”已拒绝：只能写 {{{{ 名称 }}}}，不能计算、访问属性或调用（正文不执行任何代码）")
            )
        elif name not in known:
            problems.append(Problem(line, f"未知的占位符“{tag}”；可用的占位符：{names}"))
    if problems:
        return text, problems
    try:
        template = _ENV.parse(text)
        for node in template.find_all(nodes.Node):
            if not isinstance(node, (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name)):
                return text, [Problem(getattr(node, "lineno", 1) or 1, "正文里只能写 {{ 名称 }} 形式的占位符")]
        return _ENV.from_string(template).render(known), []
    except TemplateFailure as failure:  # a sandbox limit or refusal while filling in
        return text, [Problem(failure.lineno or 1, f"占位符无法填入：{failure.detail}")]
    except TemplateError as exc:
        return text, [Problem(getattr(exc, "lineno", None) or 1, f"占位符写法有误（如缺少“}}}}”）：{describe_error(exc)}")]


# --- the narrative texts of a report --------------------------------------------------------------------------
_BLOCK_VALUE = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class NarrativeText:
    """One narrative text of the input after its placeholders were filled."""

    path: tuple[str, ...]  # e.g. ("text", "overview", "requests")
    raw: str
    text: str  # filled; equal to raw when it had problems or no placeholders
    start_line: int | None  # the input line of the text's first line
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def line(self, offset: int) -> int | None:
        """The input line of the 1-based line `offset` inside the text."""
        return None if self.start_line is None else self.start_line + offset - 1


def text_paths(report) -> list[tuple[tuple[str, ...], str]]:
    """(input path, text) of every narrative text the report has, in document order."""
    text = report.text
    out: list[tuple[tuple[str, ...], str]] = []
    if text.preface:
        out.append((("text", "preface"), text.preface))
    if isinstance(text.overview, str):
        out.append((("text", "overview"), text.overview))
    else:
        out += [(("text", "overview", aspect), getattr(text.overview, aspect)) for aspect in OVERVIEW_ASPECTS]
    out += [(("text", "problems"), text.problems), (("text", "other"), text.other)]
    for section, body in (getattr(text, "sections", None) or {}).items():  # a template pack's extra sections
        if body:
            out.append((("text", "sections", section), body))
    return out


def start_line(source, path: tuple) -> int | None:
    """Where the text of `path` begins in the input: the line after `key: |`, or the key's own line."""
    if source is None:
        return None
    line = source.line_of(path)
    if line is None:
        return None
    lines = source.text.splitlines()
    if 0 < line <= len(lines) and _BLOCK_VALUE.search(lines[line - 1]):
        return line + 1
    return line


def narrative(report, source=None) -> list[NarrativeText]:
    """Every narrative text of the report, filled, with its problems and its place in the input."""
    known: dict[str, str] | None = None
    out = []
    for path, raw in text_paths(report):
        if any(marker in raw for marker in MARKERS):
            known = known if known is not None else values(report)
            filled, problems = fill(raw, known)
        else:
            filled, problems = raw, []
        out.append(NarrativeText(path, raw, filled, start_line(source, path), problems))
    return out


def filled_report(report):
    """A copy of the report whose narrative has its placeholders filled (texts with problems stay as typed)."""
    texts = {item.path: item.text for item in narrative(report) if item.text != item.raw}
    if not texts:
        return report
    text = report.text
    overview = text.overview
    if not isinstance(overview, str):
        overview = overview.model_copy(update={p[2]: t for p, t in texts.items() if len(p) == 3 and p[1] == "overview"})
    else:
        overview = texts.get(("text", "overview"), overview)
    update = {"overview": overview}
    for key in ("preface", "problems", "other"):
        if ("text", key) in texts:
            update[key] = texts[("text", key)]
    sections = {p[2]: t for p, t in texts.items() if len(p) == 3 and p[1] == "sections"}
    if sections:
        update["sections"] = {**text.sections, **sections}
    return report.model_copy(update={"text": text.model_copy(update=update)})


# --- 六、信息处理费 ----------------------------------------------------------------------------------------------
FEE_STATEMENT = re.compile(r"信息处理费|收费通知|处理费")


def fee_sentence(report, pack) -> str:
    """The pack's standard 信息处理费 sentence for a 2021-format report whose part 六 does not state the fee."""
    if report.format != "2021" or FEE_STATEMENT.search(report.text.other or ""):
        return ""
    fees = report.fee_notices
    return pack.text("fee_sentence", sent=fees.sent, amount_sent=number(fees.amount_sent), collected=number(fees.collected))


__all__ = [
    "PLACEHOLDERS",
    "table_figures",
    "placeholders",
    "values",
    "percent",
    "fill",
    "narrative",
    "NarrativeText",
    "filled_report",
    "fee_sentence",
    "FEE_STATEMENT",
]
