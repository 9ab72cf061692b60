"""The batch's own outputs: OUT/index.html (every unit, its status, its findings, links to its outputs) and
OUT/summary.csv (UTF-8 with a byte-order mark, so Excel and WPS open the Chinese correctly)."""

from __future__ import annotations

import csv
import io
import re
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..files import write_atomic
from ..findings import Finding, Severity, format_findings
from .worker import STATUS_CRASHED, STATUS_FAILED, STATUS_OK, STATUS_WARNING

STATUS_ZH = {
    STATUS_OK: "通过",
    STATUS_WARNING: "通过（有警告）",
    STATUS_FAILED: "未通过",
    STATUS_CRASHED: "出错",
}
SUMMARY_COLUMNS = ("单位", "报告机关", "年度", "格式", "状态", "status", "错误数", "警告数", "输出文件", "输入", "问题")


def findings_of(result: dict) -> list[Finding]:
    out = []
    for data in result.get("findings", ()):
        fields = dict(data)
        fields["severity"] = Severity(fields.get("severity", "error"))
        values: dict[str, Any] = {k: fields.get(k) for k in Finding.__dataclass_fields__}
        out.append(Finding(**values))
    return out


def _counts(result: dict) -> tuple[int, int]:
    findings = result.get("findings", ())
    errors = sum(1 for f in findings if f.get("severity") == "error")
    return errors, len(findings) - errors


def _outputs(result: dict) -> list[str]:
    return [f"{result['unit']}.{fmt}" for fmt in result.get("outputs", {})]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel and WPS may run as a formula (OWASP)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value: object) -> object:
    """A value for a CSV cell that Excel, WPS or LibreOffice will never run as a formula (OWASP “CSV injection”):
    text starting with = + - @, a tab or a carriage return gets a leading apostrophe, which the spreadsheet shows as
    text. Numbers stay numbers (an int, or text that is just a number such as -3)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def summary_csv(results: list[dict]) -> bytes:
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\r\n")
    table.writerow(SUMMARY_COLUMNS)
    for result in results:
        errors, warnings = _counts(result)
        row = [
            result["unit"],
            result.get("agency", ""),
            result.get("year", ""),
            result.get("format", ""),
            STATUS_ZH[result["status"]],
            result["status"],
            errors,
            warnings,
            " ".join(_outputs(result)),
            result["display"],
            format_findings(result["display"], findings_of(result)),
        ]
        table.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35em .6em; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
tr.failed td.status, tr.crashed td.status { color: #b00020; font-weight: bold; }
tr.warning td.status { color: #a05a00; }
tr.ok td.status { color: #1b5e20; }
ul.findings { margin: 0; padding-left: 1.2em; }
li.error { color: #b00020; }
li.warning { color: #a05a00; }
.counts span { margin-right: 1.5em; }
"""


def index_html(results: list[dict], title: str = "政府信息公开工作年度报告 · 批量生成结果") -> bytes:
    total = len(results)
    by_status = {status: sum(1 for r in results if r["status"] == status) for status in STATUS_ZH}
    rows = []
    for number, result in enumerate(results, 1):
        findings = sorted(findings_of(result), key=lambda f: (not f.is_error,))
        items = "".join(
            f'<li class="{escape(f.severity.value)}">{escape(f.format())}</li>' for f in findings
        )
        links = " ".join(
            f'<a href="{escape(quote(name))}">{escape(name.rsplit(".", 1)[1].upper())}</a>' for name in _outputs(result)
        )
        listing = f'<ul class="findings">{items}</ul>' if items else ""
        rows.append(
            f'<tr class="{escape(result["status"])}" id="u{number}">'
            f"<td>{number}</td><td>{escape(result['unit'])}</td><td>{escape(str(result.get('agency', '')))}</td>"
            f"<td class=\"status\">{escape(STATUS_ZH[result['status']])}</td>"
            f"<td>{links}</td>"
            f"<td>{listing}</td></tr>"
        )
    counts = "".join(f"<span>{escape(STATUS_ZH[s])}：{n}</span>" for s, n in by_status.items())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="counts"><span>共 {total} 个单位</span>{counts}<a href="summary.csv">下载汇总表（summary.csv）</a></p>
<table>
<thead><tr><th>序号</th><th>单位</th><th>报告机关</th><th>状态</th><th>输出</th><th>问题</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")


def write_reports(out_dir: Path, results: list[dict]) -> None:
    write_atomic(out_dir / "summary.csv", summary_csv(results))
    write_atomic(out_dir / "index.html", index_html(results))
