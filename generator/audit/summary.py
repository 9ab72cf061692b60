"""The summary of an audit, for a supervisor: one HTML page (which unit fails which rule, a bar chart of it drawn as
inline SVG, each unit's series across years, every finding with its place) and a CSV of the same table.

    write_summary(results, Path("summary.html"))   # writes summary.html and summary.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..findings import RULES, Severity
from ..model.placeholders import table_figures
from . import Audited, failing_rules, unit_name

# The figures of each unit's series, with the rows they rest on (a figure resting on an uncertain cell gets "?").
SERIES = (
    ("本年新收", "new", ("applications.new",)),
    ("上年结转", "carried_over", ("applications.carried_over",)),
    ("办结", "total", ("applications",)),
    ("结转下年度", "carried_forward", ("applications.carried_forward",)),
    ("行政复议", "reconsideration", ("reviews",)),
    ("行政诉讼", "litigation", ("reviews",)),
)


def status(result: Audited) -> str:
    if result.problem is not None:
        return "无法读取"
    if not result.ok:
        return "有错误"
    return "有警告" if result.findings else "通过"


def figures(result: Audited) -> dict[str, str]:
    """The series figures of one report as shown: "" without tables, a trailing "?" where a cell is uncertain."""
    report = result.report
    if report is None or result.prepared is None:
        return {label: "" for label, _key, _rows in SERIES}
    values = table_figures(report)
    uncertain = result.prepared.uncertain
    out = {}
    for label, key, rows in SERIES:
        value = values[key]
        number = value[4] if isinstance(value, (tuple, list)) else value
        unsure = any(u == r or u.startswith(r + ".") or u.startswith(r + "[") or r.startswith(u) for u in uncertain
                     for r in rows)
        out[label] = f"{number}?" if unsure else str(number)
    return out


def _rules_of(results: list[Audited]) -> list[str]:
    seen: dict[str, int] = {}
    for result in results:
        for rule in failing_rules(result):
            seen[rule] = seen.get(rule, 0) + 1
    order = {rule.id: i for i, rule in enumerate(RULES)}
    return sorted(seen, key=lambda r: (-seen[r], order.get(r, len(order)), r))


def _ordered(results: list[Audited]) -> list[Audited]:
    return sorted(results, key=lambda r: (unit_name(r.agency), r.year or 0, r.file))


def csv_text(results: list[Audited]) -> str:
    """One row a report: its unit, year, status, counts, the series figures and one column a rule (its findings)."""
    rules = _rules_of(results)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["文件", "单位", "年度", "格式", "结果", "错误", "警告", *[label for label, _k, _r in SERIES],
                     *rules])
    for result in _ordered(results):
        counts = failing_rules(result)
        errors = sum(1 for f in result.findings if f.is_error)
        fmt = result.published.format if result.published is not None else ""
        shown = figures(result)
        writer.writerow([result.file, result.agency, result.year or "", fmt or "", status(result), errors,
                         len(result.findings) - errors, *[shown[label] for label, _k, _r in SERIES],
                         *[counts.get(rule, "") for rule in rules]])
    return out.getvalue()


def chart(results: list[Audited]) -> str:
    """An inline SVG bar chart: for each rule, how many reports it fails (errors red, warnings orange)."""
    counts: dict[str, int] = {}
    for result in results:
        for rule in failing_rules(result):
            counts[rule] = counts.get(rule, 0) + 1
    rules = _rules_of(results)
    if not rules:
        return "<p>没有任何报告未通过的规则。</p>"
    most = max(counts.values())
    bar, gap, label_width, width = 22, 8, 190, 420
    height = len(rules) * (bar + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各规则未通过的报告数" '
             f'width="{label_width + width + 520}" height="{height}" font-size="13">']
    for index, rule in enumerate(rules):
        y = gap + index * (bar + gap)
        length = max(2, round(width * counts[rule] / most))
        spec = next((r for r in RULES if r.id == rule), None)
        error = (spec is not None and spec.severity is Severity.ERROR) or rule == "READ-ERROR"
        colour = "#c0392b" if error else "#e67e22"
        title = escape(spec.title if spec is not None else "文件无法读取")
        parts.append(
            f'<g><title>{escape(rule)}：{title}</title>'
            f'<text x="{label_width - 6}" y="{y + bar * 0.72:.0f}" text-anchor="end">{escape(rule)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + bar * 0.72:.0f}">{counts[rule]}'
            f'<tspan fill="#666" dx="10">{title}</tspan></text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 72em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; } th, td { border: 1px solid #bbb; padding: .25em .5em;
vertical-align: top; } th { background: #f3f3f3; } td.n { text-align: right; }
.error { color: #c0392b; } .warning { color: #b9770e; } .ok { color: #1e8449; }
td.error, td.warning, td.ok, th { white-space: nowrap; }
.where { color: #555; white-space: nowrap; }
.scroll { overflow-x: auto; }
"""


def _status_class(text: str) -> str:
    return {"有错误": "error", "无法读取": "error", "有警告": "warning", "通过": "ok"}[text]


def html_page(results: list[Audited], title: str = "政府信息公开工作年度报告核对汇总") -> str:
    ordered = _ordered(results)
    bad = sum(1 for r in results if not r.ok)
    warned = sum(1 for r in results if r.ok and r.findings)
    unread = sum(1 for r in results if r.problem is not None)
    out = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>共 {len(results)} 份报告：有错误 {bad - unread} 份，只有警告 {warned} 份，"
        f"通过 {len(results) - bad - warned} 份，无法读取 {unread} 份。"
        f"生成于 {dt.date.today().isoformat()}（govreport audit）。</p>",
        "<h2>各规则未通过的报告数</h2>", chart(results),
        "<h2>哪个单位未通过哪条规则</h2>", '<div class="scroll"><table>',
        "<tr><th>单位</th><th>年度</th><th>结果</th><th>错误</th><th>警告</th><th>未通过的规则</th><th>文件</th></tr>",
    ]
    for index, result in enumerate(ordered):
        counts = failing_rules(result)
        errors = sum(1 for f in result.findings if f.is_error)
        shown = status(result)
        rules = "、".join(f"{escape(rule)}×{count}" if count > 1 else escape(rule) for rule, count in counts.items())
        out.append(
            f'<tr><td><a href="#r{index}">{escape(result.agency)}</a></td><td>{result.year or ""}</td>'
            f'<td class="{_status_class(shown)}">{shown}</td><td class="n">{errors}</td>'
            f'<td class="n">{len(result.findings) - errors}</td><td>{rules}</td><td>{escape(result.file)}</td></tr>'
        )
    out.append("</table></div>")
    out += _series(ordered)
    out.append("<h2>各份报告的问题</h2>")
    for index, result in enumerate(ordered):
        out.append(f'<h3 id="r{index}">{escape(result.agency)} {result.year or ""}（{escape(result.file)}）</h3>')
        if result.previous is not None and result.previous.note:
            out.append(f"<p>{escape(result.previous.note)}</p>")
        if result.problem is not None:
            out.append(f'<p class="error">无法读取：{escape(result.problem)}</p>')
            continue
        if not result.findings:
            out.append('<p class="ok">没有发现问题。</p>')
            continue
        out.append('<div class="scroll"><table><tr><th>级别</th><th>规则</th><th>位置</th><th>部分 · 行 · 列</th>'
                   "<th>说明</th></tr>")
        for finding in result.findings:
            css = "error" if finding.is_error else "warning"
            out.append(
                f'<tr><td class="{css}">{finding.severity.zh}</td><td>{escape(finding.rule)}</td>'
                f'<td class="where">{escape(result.where(finding))}</td><td>{escape(finding.cell())}</td>'
                f"<td>{escape(finding.message)}</td></tr>"
            )
        out.append("</table></div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _series(ordered: list[Audited]) -> list[str]:
    """Each unit with reports of several years: its figures and findings year by year."""
    units: dict[str, list[Audited]] = {}
    for result in ordered:
        if result.year is not None:
            units.setdefault(unit_name(result.agency), []).append(result)
    several = {name: items for name, items in units.items() if len({r.year for r in items}) > 1}
    if not several:
        return []
    out = ["<h2>各单位历年情况</h2>", "<p>数字后的“?”表示该数涉及读不准的格。</p>"]
    for items in several.values():
        out.append(f"<h3>{escape(items[0].agency)}</h3>")
        out.append('<div class="scroll"><table><tr><th>年度</th><th>结果</th><th>错误</th><th>警告</th>'
                   + "".join(f"<th>{label}</th>" for label, _k, _r in SERIES) + "<th>未通过的规则</th></tr>")
        for result in items:
            shown = figures(result)
            errors = sum(1 for f in result.findings if f.is_error)
            state = status(result)
            out.append(
                f'<tr><td>{result.year}</td><td class="{_status_class(state)}">{state}</td>'
                f'<td class="n">{errors}</td><td class="n">{len(result.findings) - errors}</td>'
                + "".join(f'<td class="n">{escape(shown[label])}</td>' for label, _k, _r in SERIES)
                + f"<td>{escape('、'.join(failing_rules(result)))}</td></tr>"
            )
        out.append("</table></div>")
    return out


def write_summary(results: list[Audited], target: Path) -> list[Path]:
    """`target` (.html) and the CSV beside it (same name, .csv): both written atomically."""
    page = html_page(results)
    table = csv_text(results)
    csv_path = target.with_suffix(".csv")
    write_atomic(target, page.encode("utf-8"))
    write_atomic(csv_path, table.encode("utf-8-sig"))  # with a BOM: Excel opens it as UTF-8
    return [target, csv_path]


def as_json(results: list[Audited]) -> list[dict[str, Any]]:
    """Every finding of every report (`--json`): the finding's fields and `where`, the place in the document."""
    out: list[dict[str, Any]] = []
    for result in results:
        if result.problem is not None:
            out.append({"rule": "READ-ERROR", "severity": "error", "file": result.file, "line": None, "part": None,
                        "row": None, "column": None, "key": None, "message": f"无法读取：{result.problem}",
                        "where": ""})
        out.extend(result.to_dicts())
    return out


__all__ = ["write_summary", "html_page", "csv_text", "chart", "as_json", "status", "figures"]
