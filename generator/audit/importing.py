"""A published report → an input file (`govreport import report.pdf -o report.yaml`): its figures and its narrative,
so that an agency starts next year from last year's published report (`govreport init --previous report.yaml`).

The totals the model computes (each row's 总计 of tables 三 and 四, （七）总计) are dropped: they were checked by the
audit, and the input never holds a total to trust. A cell the reader could not settle is written empty ("") with a
comment naming the candidates, so that `govreport check` stops at it until the clerk has looked at the original:
nothing is guessed. A part, a date or a name the document lacks is written empty with a comment, for the same reason.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..model.forms import KEY_LABELS, REVIEW_GROUPS, format_for_year
from ..model.labels import key_path
from ..model.source import set_at
from ..readers.published import Published
from ..readers.published.labels import ACTIVE, APPLICATIONS, REVIEWS, table_rows
from ..readers.published.result import MISSING, UNCERTAIN
from ..yamlout import dump_input

_WIDTHS = {APPLICATIONS: 6, REVIEWS: 4}


@dataclass
class Imported:
    text: str  # the input file
    left: list[str] = field(default_factory=list)  # what the clerk must fill in, in Chinese (also in the file)


def _rows(node: Any, prefix: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _rows(value, f"{prefix}.{key}")]
    return [(prefix, node)]


def to_input(published: Published) -> Imported:
    """The published report as the text of an input file (module docstring)."""
    data = copy.deepcopy(published.data)
    left: list[str] = []
    comments: dict[str, list[str]] = {}  # dotted key → comment lines put above it
    fmt = published.format if published.format in ("2021", "2019") else None
    year = data.get("year")
    if fmt is None:
        fmt = format_for_year(year) if isinstance(year, int) else "2021"
        for table in (ACTIVE, APPLICATIONS, REVIEWS):
            data.pop(table, None)
        figures = "；".join(f"{key} = {value}" for key, value in published.figures.items())
        left.append(f"原文是{year or ''}年度的报告，早于2019年的统一表格：表二、表三、表四需按原件填写"
                    + (f"（正文写明的数字：{figures}）" if figures else ""))
    data["format"] = fmt
    applications = data.get(APPLICATIONS)
    if isinstance(applications, dict):
        applications.pop("total", None)  # （七）总计: computed
        for key, row in _rows(applications, APPLICATIONS):
            if isinstance(row, list):
                set_at(data, key_path(key), row[:_WIDTHS[APPLICATIONS]])
    reviews = data.get(REVIEWS)
    if isinstance(reviews, dict):
        for group in REVIEW_GROUPS:
            if isinstance(reviews.get(group.key), list):
                reviews[group.key] = reviews[group.key][:_WIDTHS[REVIEWS]]
    for note in published.notes:
        if note.rule == UNCERTAIN and note.key:
            candidates = published.alternatives.get(note.key, [])
            shown = "；".join("、".join(map(str, c)) for c in candidates[:4])
            what = f"候选：{shown}" if shown else "请对照原件"
            target = f"{REVIEWS}.{REVIEW_GROUPS[0].key}" if note.key == REVIEWS else note.key
            comments.setdefault(target, []).append(f"无法确定，空着的格请对照原件填写（{what}）")
            left.append(f"{note.row or note.key}：读不准的格留空（{what}）")
        elif note.rule == MISSING and note.key and note.key.startswith((ACTIVE + ".", APPLICATIONS + ".")):
            width = _WIDTHS.get(note.key.split(".")[0])
            if width:
                set_at(data, key_path(note.key), [None] * width)
                comments.setdefault(note.key, []).append("原文中没有找到这一行，请对照原件填写")
                left.append(f"{note.row or note.key}：原文中没有找到这一行")
    text = data.setdefault("text", {})
    for part in ("overview", "problems", "other"):
        if not str(text.get(part) or "").strip():
            text[part] = ""
            label = KEY_LABELS.get(f"text.{part}", part)
            comments.setdefault(f"text.{part}", []).append(
                f"原文“{label}”没有内容，请填写（没有需要报告的事项写“无。”）")
            left.append(f"{label}：原文没有内容")
    for key, label in (("date", "落款日期"), ("agency", "报告机关"), ("year", "报告年度")):
        if data.get(key) in (None, ""):
            data[key] = None
            comments.setdefault(key, []).append(f"原文没有{label}，请填写")
            left.append(f"{label}：原文没有")
    data.setdefault("kind", "government")
    header = [
        f"由已发布的报告导入：{published.file}（govreport import）",
        "表三、表四的总计和（七）总计由程序计算，原文的总计未写入（已在 govreport audit 中核对）。",
        "空着的值（\"\"）是原文读不准或没有的：请对照原件填写后运行 govreport check。",
    ]
    if published.traditional:
        header.append("原文为繁体字，正文照录；表格数字与繁简无关。")
    body = dump_input(_ordered(data, fmt), header)
    return Imported(_annotate(body, comments), left)


def _ordered(data: dict, fmt: str) -> dict:
    """Table 三's rows in the form's order (a row the reader added late stands where the form has it)."""
    applications = data.get(APPLICATIONS)
    if isinstance(applications, dict):
        ordered: dict[str, Any] = {}
        for spec in table_rows(fmt)[APPLICATIONS]:
            path = spec.path[1:]
            value: Any = applications
            for step in path:
                value = value.get(step) if isinstance(value, dict) else None
            if value is None:
                continue
            node = ordered
            for step in path[:-1]:
                node = node.setdefault(step, {})
            node[path[-1]] = value
        data[APPLICATIONS] = ordered
    return data


def _annotate(text: str, comments: dict[str, list[str]]) -> str:
    """Put each comment above the line of its key (found by walking the keys' indentation)."""
    if not comments:
        return text
    lines = text.split("\n")
    for dotted, notes in comments.items():
        index = _line_of(lines, dotted.split("."))
        if index is None:
            continue
        indent = " " * (len(lines[index]) - len(lines[index].lstrip()))
        lines[index:index] = [f"{indent}# {note}" for note in notes]
    return "\n".join(lines)


def _line_of(lines: list[str], steps: list[str]) -> int | None:
    start, depth = 0, 0
    found = None
    for step in steps:
        prefix = " " * depth + step + ":"
        found = next((i for i in range(start, len(lines)) if lines[i].startswith(prefix)), None)
        if found is None:
            return None
        start, depth = found + 1, depth + 2
    return found


__all__ = ["Imported", "to_input"]
