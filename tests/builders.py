"""Build input reports as Python data and YAML text for the tests (the YAML contract of input.md)."""

from __future__ import annotations

import datetime as dt

import yaml

from official import application_rows

ACTIVE_ZERO = {
    "2021": {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative": {"issued": 0, "repealed": 0, "in_force": 0},
        "licensing": 0,
        "punishment": 0,
        "coercion": 0,
        "fees": 0,
    },
    "2019": {
        "rules": {"made": 0, "published": 0, "total": 0},
        "normative": {"made": 0, "published": 0, "total": 0},
        "licensing": {"previous": 0, "change": 0, "decisions": 0},
        "other_services": {"previous": 0, "change": 0, "decisions": 0},
        "punishment": {"previous": 0, "change": 0, "decisions": 0},
        "coercion": {"previous": 0, "change": 0, "decisions": 0},
        "fees": {"previous": 0, "change": 0},
        "procurement": {"projects": 0, "amount": 0},
    },
}


def base_report(fmt: str = "2021", kind: str = "government") -> dict:
    """A minimal valid report: all required keys, no applications, no reviews."""
    year = 2021 if fmt == "2021" else 2020
    return {
        "format": fmt,
        "year": year,
        "agency": "测试镇人民政府",
        "kind": kind,
        "date": dt.date(year + 1, 1, 20),
        "text": {
            "overview": "本年度政府信息公开工作平稳有序。",
            "problems": "存在的问题是公开时效不够强，已建立定期更新机制加以改进。",
            "other": "本年度未收取信息处理费。",
        },
        "active": {k: (dict(v) if isinstance(v, dict) else v) for k, v in ACTIVE_ZERO[fmt].items()},
    }


def set_row(applications: dict, path: tuple[str, ...], values: list[int]) -> None:
    node = applications
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = list(values)


def get_row(applications: dict, path: tuple[str, ...]) -> list[int] | None:
    node = applications
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def dump(data: dict) -> str:
    """YAML text with every row on one line (flow style for lists), keys in insertion order."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def row_line(text: str, path: tuple[str, ...]) -> int:
    """The 1-based line of the key at `path` (under applications:, reviews: or the top level) in dumped YAML."""
    lines = text.splitlines()
    at, indent = 0, -1
    for key in path:
        for index in range(at, len(lines)):
            stripped = lines[index].lstrip(" ")
            this_indent = len(lines[index]) - len(stripped)
            if this_indent > indent and stripped.startswith(f"{key}:"):
                at, indent = index + 1, this_indent
                break
        else:
            raise KeyError(path)
    return at


__all__ = ["base_report", "set_row", "get_row", "dump", "row_line", "application_rows", "ACTIVE_ZERO"]
