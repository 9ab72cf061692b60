"""Cross-year checks (format.md 6–7): this year's report against last year's report of the same agency.

Last year's file is `--previous FILE`, or else found beside the input: the same file name with the report year
one less (`luzhou-2021.yaml` → `luzhou-2020.yaml`), or the same name in a sibling folder named for last year
(`2021/luzhou.yaml` → `2020/luzhou.yaml`). A found file is used only when it is last year's report of the same agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..limits import JUMP_FACTOR, JUMP_FLOOR
from ..model import Loaded
from ..model.forms import APPLICANT_COLUMNS, PART_GENERAL, PARTS
from ..model.tables import applications_table, carried_over, in_force_now, previous_items_now
from ..readers.yaml import load
from .context import CheckContext


@dataclass
class Previous:
    """Last year's report for the cross-year rules, and how it came (or why there is none)."""

    how: str  # "given" | "found" | "none"
    path: Path | None = None
    loaded: Loaded | None = None
    note: str = ""  # one Chinese sentence for the output
    problems: list[str] = field(default_factory=list)  # why a given file cannot be used

    @property
    def report(self):
        return self.loaded.report if self.loaded is not None and not self.problems else None


def candidates(path: Path, year: int) -> list[Path]:
    """Where last year's file of the same agency would stand beside `path`."""
    last, this = str(year - 1), str(year)
    out = []
    if this in path.name:
        out.append(path.with_name(path.name.replace(this, last)))
    if path.parent.name == this:
        folder = path.parent.with_name(last)
        out.append(folder / path.name)
        if this in path.name:
            out.append(folder / path.name.replace(this, last))
    return list(dict.fromkeys(out))


def _same_agency(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        return re.sub(r"\s+", "", name)

    return norm(a) == norm(b)


def previous_for(path: Path, loaded: Loaded, given: Path | None = None, find: bool = True) -> Previous:
    """Last year's report for the input at `path`: the given file, or one found beside it."""
    report = loaded.report
    if report is None:
        return Previous("none", note="")
    if given is not None:
        prev = load(given)
        previous = Previous("given", Path(given), prev, note=f"跨年度核对：使用上年报告 {given}（--previous）")
        if prev.report is None:
            first = next((f for f in prev.findings if f.is_error), None)
            detail = f"（{first.where()}: {first.message}）" if first else ""
            previous.problems.append(f"上年报告 {given} 有错误，无法做跨年度核对" + detail)
        elif prev.report.year != report.year - 1:
            previous.problems.append(f"上年报告 {given} 的报告年度是 {prev.report.year} 年，应为 {report.year - 1} 年")
        if previous.problems:
            previous.note = f"跨年度核对：未做（{previous.problems[0]}）"
        return _mind_formats(previous, report)
    if not find:
        return Previous("none", note="跨年度核对：未做（已用 --no-previous 关闭）")
    tried = candidates(Path(path), report.year)
    for candidate in tried:
        if not candidate.is_file():
            continue
        prev = load(candidate)
        if prev.report is None:
            return Previous("none", note=f"跨年度核对：未做（找到 {candidate}，但它有错误）")
        if prev.report.year != report.year - 1 or not _same_agency(prev.report.agency, report.agency):
            continue
        found = Previous("found", candidate, prev, note=f"跨年度核对：使用上年报告 {candidate}（自动找到）")
        return _mind_formats(found, report)
    where = "、".join(str(c) for c in tried) if tried else "文件名或目录名中没有报告年度"
    return Previous("none", note=f"跨年度核对：未做（没有 --previous，旁边也没有上年报告：{where}）")


def _mind_formats(previous: Previous, report) -> Previous:
    prior = previous.report
    if prior is not None and prior.format != report.format:
        previous.note += (
            f"；上年为{prior.format}格式、本年为{report.format}格式：只核对上年结转，"
            "现行有效件数和上一年项目数量两种格式不对应，不核对"
        )
    return previous


def _prior(ctx: CheckContext):
    return ctx.previous.report if ctx.previous is not None else None


@RULES.rule(
    "XY-PREVIOUS",
    Severity.ERROR,
    "--previous 给出的上年报告可用：没有错误，且是上一年度的报告",
    "跨年度核对依赖上年报告；指定的文件不可用时要明说，而不是悄悄跳过核对。",
    PART_GENERAL,
)
def previous_usable(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.previous is None or ctx.previous.how != "given":
        return
    for problem in ctx.previous.problems:
        yield ctx.finding(problem, line=ctx.line(("year",)))  # about last year's file: no key


@RULES.rule(
    "XY-AGENCY",
    Severity.WARNING,
    "上年报告与本年报告是同一机关",
    "跨年度核对只对同一机关的前后两年报告有意义；机关名称不同多半是给错了文件（或机关更名）。",
    PART_GENERAL,
)
def same_agency(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is not None and not _same_agency(prior.agency, ctx.report.agency):
        yield ctx.finding(
            f"上年报告 {ctx.previous.path} 的机关是“{prior.agency}”，本报告是“{ctx.report.agency}”",
            line=ctx.line(("agency",)),  # about last year's file: no key
        )


@RULES.rule(
    "XY-CARRIED",
    Severity.ERROR,
    "本年 二、上年结转 = 上年报告的 四、结转下年度继续办理（逐列）",
    "上年没有办完的申请今年接着办，两张表的这两行必须逐列相等（format.md 核对6）；2019 与 2021 格式都有这两行，"
    "跨格式也照样核对。",
    PARTS[2],
)
def carried_matches(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is None:
        return
    this = ctx.applications.by_key["carried_over"].values
    last = applications_table(prior).by_key["carried_forward"].values
    for index in range(len(APPLICANT_COLUMNS)):  # 总计 follows from the six columns
        if this[index] != carried_over(last[index]):
            yield ctx.finding(
                f"本年 二、上年结转 {this[index]} ≠ 上年报告（{prior.year}年，{ctx.previous.path}）"
                f"四、结转下年度继续办理 {last[index]}",
                at=("applications", "carried_over", index),
            )


@RULES.rule(
    "XY-IN-FORCE",
    Severity.WARNING,
    "现行有效件数 ≈ 上年现行有效件数 + 本年制发件数 − 本年废止件数（2021 格式）",
    "规章、行政规范性文件的现行有效件数前后两年应接得上（format.md 核对7）；文件也会到期失效，所以只是警告。"
    "上年报告为 2019 格式时没有“现行有效件数”（它的“对外公开总数量”是另一个口径），此项不核对。",
    PARTS[1],
)
def in_force_matches(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is None or ctx.report.format != "2021" or prior.format != "2021":
        return
    for key, label in (("rules", "规章"), ("normative", "行政规范性文件")):
        now, before = getattr(ctx.report.active, key), getattr(prior.active, key)
        expected = in_force_now(before.in_force, now.issued, now.repealed)
        if now.in_force != expected:
            yield ctx.finding(
                f"{label}现行有效件数 {now.in_force} ≠ 上年现行有效 {before.in_force} + 本年制发 {now.issued}"
                f" − 本年废止 {now.repealed} = {expected}（如有文件到期失效，请在正文说明）",
                at=("active", key, "in_force"),
            )


_ITEMS_2019 = (
    ("licensing", "行政许可"),
    ("other_services", "其他对外管理服务事项"),
    ("punishment", "行政处罚"),
    ("coercion", "行政强制"),
    ("fees", "行政事业性收费"),
)


@RULES.rule(
    "XY-ITEMS",
    Severity.WARNING,
    "上一年项目数量 = 上年报告的上一年项目数量 + 本年增/减（2019 格式）",
    "2019 格式逐年滚动登记事项数量：上年末的数量（上年的上一年项目数量加本年增/减）就是今年的上一年项目数量"
    "（format.md 核对7）。两年都是 2019 格式时才核对。",
    PARTS[1],
)
def items_match(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is None or ctx.report.format != "2019" or prior.format != "2019":
        return
    for key, label in _ITEMS_2019:
        now, before = getattr(ctx.report.active, key), getattr(prior.active, key)
        expected = previous_items_now(before.previous, before.change)
        if now.previous != expected:
            yield ctx.finding(
                f"{label}上一年项目数量 {now.previous} ≠ 上年报告的上一年项目数量 {before.previous}"
                f" + 本年增/减 {before.change:+d} = {expected}",
                at=("active", key, "previous"),
            )


def _figures(value, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    """Every whole-number figure of a report part with its input path, e.g. (("applications", "new", 0), 8)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _figures(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _figures(item, path + (index,))
    elif isinstance(value, int) and not isinstance(value, bool):
        yield path, value


@RULES.rule(
    "XY-JUMP",
    Severity.WARNING,
    f"一个数不超过上年同一格的 {JUMP_FACTOR} 倍（且至少为 {JUMP_FLOOR} 时才提示）",
    "一年之内某一格的数猛增十倍以上，多半是多打了一位数或填错了格；确是实情的，在正文中说明原因即可。"
    "上年为另一种格式时，只比较两种格式都有的格。",
    PART_GENERAL,
)
def figure_jumps(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is None:
        return
    parts = ("active", "applications", "reviews")
    before = dict(_figures(prior.model_dump(include=set(parts))))
    for path, now in _figures(ctx.report.model_dump(include=set(parts))):
        last = before.get(path)
        if not last or last <= 0 or now < JUMP_FLOOR or now <= JUMP_FACTOR * last:
            continue
        yield ctx.finding(
            f"{now} 是上年（{prior.year}年）同一格 {last} 的 {now / last:.0f} 倍：请核对是否多打了数字或填错了格",
            at=path,
        )


__all__ = ["Previous", "previous_for", "candidates"]
