"""Narrative placeholders: the names a narrative may use (`{{ 予以公开 }}`) and the figures they stand for, drawn from
the tables so that the words cannot disagree with them. Filling a text is `packs.filling.fill` (in the sandbox)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .figures import number, percent
from .forms import REVIEW_GROUPS
from .tables import ApplicationsTable, applications_table, reviews_table

MARKERS = ("{{", "{%", "{#")
TAG = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str  # what it is filled with, in Chinese (scaffold, docs, error messages)
    formats: tuple[str, ...]
    value: Callable[[Any, dict], str]


def table_figures(report, table: ApplicationsTable | None = None) -> dict:
    """The numbers every placeholder is drawn from, computed once per report (from `table`, its table 三, when the
    caller has it already)."""
    table = table if table is not None else applications_table(report)

    def group(prefix: str) -> int:
        return sum(row.total for row in table.rows if row.spec.key == prefix or row.spec.key.startswith(prefix + "."))

    reviews = dict(zip((g.key for g in REVIEW_GROUPS), reviews_table(report)))
    direct, after = reviews["litigation_direct"].values, reviews["litigation_after_reconsideration"].values
    litigation = [a + b for a, b in zip(direct, after)]
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


# The value functions of the placeholders made in loops: each binds its key (a lambda with `key=key` defaults would
# do the same, but mypy cannot type such a lambda as a Placeholder value).
def _figure(key: str, index: int | None = None) -> Callable[[Any, dict], str]:
    """The table figure `key` (or item `index` of it, a review row) as text."""
    if index is None:
        return lambda r, f: str(f[key])
    return lambda r, f: str(f[key][index])


def _share(key: str) -> Callable[[Any, dict], str]:
    """The table figure `key` as a percentage of the applications processed."""
    return lambda r, f: percent(f[key], f["total"])


def _active(key: str, column: str | None = None) -> Callable[[Any, dict], str]:
    """The table-two figure `key` (or its column `column`) as text."""
    if column is None:
        return lambda r, f: str(getattr(r.active, key))
    return lambda r, f: str(getattr(getattr(r.active, key), column))


def _build_placeholders() -> tuple[Placeholder, ...]:
    out = [
        Placeholder("年度", "报告年度，如 2021", _BOTH, lambda r, f: str(r.year)),
        Placeholder("本年新收", "表三 一、本年新收政府信息公开申请数量（总计）", _BOTH, lambda r, f: str(f["new"])),
        Placeholder(
            "上年结转", "表三 二、上年结转政府信息公开申请数量（总计）", _BOTH, lambda r, f: str(f["carried_over"])
        ),
        Placeholder("申请总数", "本年新收 + 上年结转", _BOTH, lambda r, f: str(f["new"] + f["carried_over"])),
        Placeholder("办结", "表三（七）总计（本年度办理结果之和）", _BOTH, lambda r, f: str(f["total"])),
        Placeholder("结转下年度", "表三 四、结转下年度继续办理（总计）", _BOTH, lambda r, f: str(f["carried_forward"])),
    ]
    for name, key, meaning in RESULT_PLACEHOLDERS:
        out.append(Placeholder(name, f"表三{meaning}（总计）", _BOTH, _figure(key)))
    for name, key, meaning in RESULT_PLACEHOLDERS:
        out.append(
            Placeholder(
                f"{name}占比",
                f"{meaning}占办结（（七）总计）的百分比，保留一位小数，如 33.5%",
                _BOTH,
                _share(key),
            )
        )
    for name, key in (("行政复议", "reconsideration"), ("行政诉讼", "litigation")):
        what = "表四 行政复议" if key == "reconsideration" else "表四 行政诉讼（未经复议直接起诉 + 复议后起诉）"
        out.append(Placeholder(name, f"{what}总计", _BOTH, _figure(key, 4)))
        for outcome, index in _OUTCOMES:
            out.append(Placeholder(f"{name}{outcome}", f"{what}的{outcome}", _BOTH, _figure(key, index)))
    for prefix, key in (("规章", "rules"), ("规范性文件", "normative")):
        for suffix, column in (("制发件数", "issued"), ("废止件数", "repealed"), ("现行有效件数", "in_force")):
            kind = "规章" if key == "rules" else "行政规范性文件"
            out.append(
                Placeholder(
                    f"{prefix}{suffix}",
                    f"表二 第二十条第（一）项 {kind} {suffix.replace('件数', '')}件数",
                    ("2021",),
                    _active(key, column),
                )
            )
        for suffix, column in (("新制作数量", "made"), ("新公开数量", "published"), ("对外公开总数量", "total")):
            out.append(
                Placeholder(
                    f"{prefix}{suffix}",
                    f"表二 第二十条第（一）项 {prefix} 本年{suffix}".replace("本年对外", "对外"),
                    ("2019",),
                    _active(key, column),
                )
            )
    for name, key in (("行政许可", "licensing"), ("行政处罚", "punishment"), ("行政强制", "coercion")):
        out.append(Placeholder(name, f"表二 {name} 本年处理决定数量", ("2021",), _active(key)))
        out.append(Placeholder(name, f"表二 {name} 处理决定数量", ("2019",), _active(key, "decisions")))
    out += [
        Placeholder(
            "行政事业性收费", "表二 行政事业性收费 本年收费金额（万元）", ("2021",), lambda r, f: number(r.active.fees)
        ),
        Placeholder(
            "收费通知件数", "六、信息处理费：发出收费通知的件数", ("2021",), lambda r, f: str(r.fee_notices.sent)
        ),
        Placeholder(
            "收费通知金额",
            "六、信息处理费：收费通知总金额（元）",
            ("2021",),
            lambda r, f: number(r.fee_notices.amount_sent),
        ),
        Placeholder(
            "实收信息处理费",
            "六、信息处理费：实际收取的总金额（元）",
            ("2021",),
            lambda r, f: number(r.fee_notices.collected),
        ),
    ]
    return tuple(out)


PLACEHOLDERS = _build_placeholders()


def placeholders(fmt: str) -> dict[str, Placeholder]:
    """The placeholders of one report format, in documentation order."""
    return {p.name: p for p in PLACEHOLDERS if fmt in p.formats}


def values(report) -> dict[str, str]:
    figures = table_figures(report)
    return {name: p.value(report, figures) for name, p in placeholders(report.format).items()}
