"""Writing YAML text line by line, so that the key order, the comments and the style of each value are ours.

One emitter for the YAML govreport writes: an input (`dump_input`: the contract of input.md in the scaffold's key
order, official labels as comments — `govreport import`, `govreport rollup`, the benchmark's synthetic units) and a
template pack's skeleton (`block`, used by packs/scaffold.py for `govreport templates new`). The web form's editor
(web/yamledit.py) is another job: it changes values inside a person's file and keeps everything else of it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from .model.forms import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    KEY_LABELS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
)

_TOP_ORDER = ("format", "year", "agency", "kind", "issuer", "date", "template", "contact", "text", "fee_notices",
              "active", "applications", "reviews")
_TEXT_ORDER = ("preface", "overview", "problems", "other")
_PLAIN_BLOCK = re.compile(r"^[^\s#]")  # a block literal's first line must not start with a space


def scalar(value: Any) -> str:
    """One value on one line: numbers as written in full (never 1e+20), text double-quoted, None as "" (empty)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def flow(values) -> str:
    """A list or mapping of scalars on one line: [1, 2] or {a: 1}."""
    if isinstance(values, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in values.items()) + "}"
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def key_text(key: Any) -> str:
    """A mapping key: as it is when it is a name, else quoted ("2021")."""
    return str(key) if str(key).isidentifier() else scalar(key)


def text(key: str, value: str, indent: str, comment: str = "", exact: bool = True) -> list[str]:
    """`key: value` for text, as a literal block when it has several lines.

    exact (an input's narrative): the block reads back as exactly `value` (its chomping indicator says whether it
    ends with a line break), or the text is quoted when no block can; blank lines are empty. Otherwise (a skeleton
    to edit, such as a pack.yaml's commented-out settings): blank space around the text is dropped, and blank lines
    keep the block's indentation, so that uncommenting the block's lines leaves it whole.
    """
    if not exact:
        if "\n" not in value.strip():
            return [f"{indent}{key}: {scalar(value)}"]
        return [f"{indent}{key}: |"] + [f"{indent}  {line}" for line in value.strip().split("\n")]
    note = f"   # {comment}" if comment else ""
    lines = value.split("\n")
    simple = (
        "\n" in value
        and _PLAIN_BLOCK.match(value) is not None
        and all(ch.isprintable() or ch == "\u3000" for ch in value.replace("\n", ""))
        and all(line == line.rstrip(" ") for line in lines)
        and not value.endswith("\n\n")
    )
    if not simple:
        return [f"{indent}{key}: {scalar(value)}{note}"]
    chomp = "|" if value.endswith("\n") else "|-"
    body = value[:-1] if chomp == "|" else value
    out = [f"{indent}{key}: {chomp}{note}"]
    out += [(f"{indent}  {line}" if line else "") for line in body.split("\n")]
    return out


def block(key: str, value: Any, indent: int = 0, exact: bool = True) -> list[str]:
    """`key: value` in block style: a mapping as indented keys, a list of scalars on one line, a list of mappings as
    "- " items, text as `text` writes it (`exact` as there)."""
    pad = " " * indent
    if isinstance(value, str):
        return text(key, value, pad, exact=exact)
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for name, item in value.items():
            lines += block(key_text(name), item, indent + 2, exact)
        return lines
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [f"{pad}{key}: {flow(value)}"]
        lines = [f"{pad}{key}:"]
        for item in value:
            first = True
            for name, field in item.items():
                sub = block(key_text(name), field, indent + 4, exact)
                if first:
                    sub[0] = f"{pad}  - " + sub[0].lstrip()
                    first = False
                lines += sub
        return lines
    return [f"{pad}{key}: {scalar(value)}"]


def _comment(label: str | None, width: int, line: str) -> str:
    return line.ljust(width) + f"  # {label}" if label else line


def dump_input(data: dict, header: list[str] | tuple[str, ...] = ()) -> str:
    """The input `data` (plain values, as the YAML would load) as YAML text; `header` lines become comments."""
    fmt = str(data.get("format") or "2021")
    out = [f"# {line}" if line else "#" for line in header]
    keys = [k for k in _TOP_ORDER if k in data] + [k for k in data if k not in _TOP_ORDER]
    for key in keys:
        value = data[key]
        if key == "text":
            out += ["", "text:"]
            text_keys = [k for k in _TEXT_ORDER if k in value] + [k for k in value if k not in _TEXT_ORDER]
            for name in text_keys:
                item = value[name]
                label = KEY_LABELS.get(f"text.{name}")
                if isinstance(item, dict):
                    out.append(f"  {name}:   # {label}")
                    for aspect, body in item.items():
                        out += text(aspect, body, "    ", KEY_LABELS.get(f"text.{name}.{aspect}", ""))
                else:
                    out += text(name, item, "  ", label or "")
        elif key == "contact" and isinstance(value, dict):
            out.append("contact:")
            for name, item in value.items():
                out.append(_comment(KEY_LABELS.get(f"contact.{name}"), 30, f"  {name}: {scalar(item)}"))
        elif key == "fee_notices" and isinstance(value, dict):
            out += ["", "fee_notices:   # 六、信息处理费"]
            for name, item in value.items():
                out.append(_comment(KEY_LABELS.get(f"fee_notices.{name}"), 30, f"  {name}: {scalar(item)}"))
        elif key == "active" and isinstance(value, dict):
            out += _active(value, fmt)
        elif key == "applications" and isinstance(value, dict):
            out += _applications(value, fmt)
        elif key == "reviews" and isinstance(value, dict):
            out += [
                "",
                "reviews:   # 四、政府信息公开行政复议、行政诉讼情况",
                f"  # 每行：[{', '.join(REVIEW_OUTCOMES)}]",
            ]
            labels = {g.key: g.full_label for g in REVIEW_GROUPS}
            for name, row in value.items():
                out.append(_comment(labels.get(name), 50, f"  {name}: {flow(row)}"))
        elif isinstance(value, (dict, list)):
            out.append(f"{key}: {flow(value)}")
        else:
            out.append(_comment(KEY_LABELS.get(key), 30, f"{key}: {scalar(value)}"))
    return "\n".join(out) + "\n"


def _active(value: dict, fmt: str) -> list[str]:
    out = ["", "active:   # 二、主动公开政府信息情况"]
    labels = {key: f"{group.caption} · {label}" for group in ACTIVE_BLOCKS.get(fmt, ()) for key, label in group.rows}
    for name, item in value.items():
        line = f"  {name}: {flow(item) if isinstance(item, (dict, list)) else scalar(item)}"
        out.append(_comment(labels.get(name), 56, line))
    return out


def _applications(value: dict, fmt: str) -> list[str]:
    out = ["", "applications:   # 三、收到和处理政府信息公开申请情况", f"  # 每行：[{', '.join(APPLICANT_COLUMNS)}]"]
    labels = {row.key: row.label for row in APPLICATION_ROWS.get(fmt, APPLICATION_ROWS["2021"])}
    groups = {row.path[0]: row.group for row in APPLICATION_ROWS.get(fmt, ()) if row.group}
    for name, item in value.items():
        if isinstance(item, dict):
            out.append(_comment(groups.get(name), 24, f"  {name}:"))
            for sub, row in item.items():
                out.append(_comment(labels.get(f"{name}.{sub}"), 46, f"    {sub}: {flow(row)}"))
        else:
            out.append(_comment(labels.get(name), 46, f"  {name}: {flow(item)}"))
    return out
