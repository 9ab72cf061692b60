"""The report form: its fields, named by input path exactly as findings name their cells (`applications.new[0]`),
the values they show for a file, and the YAML they write (in place in the agency's file, or on the scaffold).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

from ..model.forms import (
    ACTIVE_BLOCKS,
    APPLICATION_ROWS,
    FORMATS,
    KEY_LABELS,
    OVERVIEW_ASPECTS,
    REVIEW_GROUPS,
    example_year,
)
from ..model.labels import key_path, place
from ..model.scaffold import scaffold
from ..model.source import MISSING, SourceError, value_at
from ..packs import PACK_NAME
from ..readers.yaml import load_text
from .yamledit import (
    REMOVE,
    FlowMap,
    Leaf,
    Unsupported,
    apply,
    date_leaf,
    header_comments,
    number_leaf,
    plain_leaf,
    set_draft,
    string_leaf,
    text_leaf,
)

OVERVIEW_SHAPE = "_overview"  # hidden field: "single" (one text) or "aspects" (the five official aspects)
BASE = "_base"  # hidden field: the SHA-256 of the file as the page read it (a save is refused if the file changed)
SHAPES = ("single", "aspects")
CONTACT_KEYS = ("phone", "address", "email", "website")
FEE_KEYS = ("sent", "amount_sent", "collected")
_KIND = re.compile(r"^(government|department)$")
def overview_shape(data: Any) -> str:
    overview = value_at(data, ("text", "overview"))
    return "aspects" if isinstance(overview, dict) else "single"


def text_keys(shape: str) -> list[str]:
    overview = [f"text.overview.{a}" for a in OVERVIEW_ASPECTS] if shape == "aspects" else ["text.overview"]
    return ["text.preface", *overview, "text.problems", "text.other"]


@lru_cache(maxsize=None)
def active_keys(fmt: str) -> tuple[str, ...]:
    keys: list[str] = []
    for block in ACTIVE_BLOCKS[fmt]:
        for key, _ in block.rows:
            keys.extend(f"active.{key}" + (f".{c.field}" if c.field else "") for c in block.columns)
    return tuple(keys)


@lru_cache(maxsize=None)
def row_keys(fmt: str) -> tuple[str, ...]:
    """Every typed number cell of tables 三 and 四 (not the computed 总计 cells)."""
    keys = [
        f"applications.{spec.key}[{i}]" for spec in APPLICATION_ROWS[fmt] if spec.kind != "total" for i in range(6)
    ]
    keys += [f"reviews.{group.key}[{i}]" for group in REVIEW_GROUPS for i in range(4)]
    return tuple(keys)


def computed_keys(fmt: str) -> list[str]:
    """The 总计 cells: computed by the program; a total the file gives is kept and checked."""
    keys = [f"applications.{spec.key}[6]" for spec in APPLICATION_ROWS[fmt] if spec.kind != "total"]
    keys += [f"applications.total[{i}]" for i in range(7)]
    keys += [f"reviews.{group.key}[4]" for group in REVIEW_GROUPS]
    return keys


def field_keys(fmt: str, shape: str) -> list[str]:
    keys = ["agency", "year", "kind", "issuer", "date", "template", *(f"contact.{k}" for k in CONTACT_KEYS)]
    keys += text_keys(shape)
    if fmt == "2021":
        keys += [f"fee_notices.{k}" for k in FEE_KEYS]
    return keys + list(active_keys(fmt)) + list(row_keys(fmt))


def cell_label(key: str, fmt: str) -> str:
    """Part · row · column of a field, for screen readers, tooltips and messages."""
    part, row, column = place(key_path(key), fmt)
    return " · ".join(p for p in (row, column) if p) or KEY_LABELS.get(key, key) or (part or "")


# --- what a post must carry -----------------------------------------------------------------------------------
class FormError(ValueError):
    """A post the form refuses (400); the message is Chinese and no file is written."""


_HIDDEN = {
    "format": "报告格式（隐藏字段 format）",
    OVERVIEW_SHAPE: "总体情况的写法（隐藏字段 _overview）",
    BASE: "文件版本（隐藏字段 _base）",
}


def _names(keys: list[str], fmt: str, labelled: bool = True) -> str:
    """The first few fields of a list, by their labels (or as posted), for a message."""
    shown = []
    for key in keys[:5]:
        name = _HIDDEN.get(key) or (cell_label(key, fmt) if labelled else key)
        shown.append(f"“{name if len(name) <= 60 else name[:59] + '…'}”")
    return "、".join(shown) + (f"等{len(keys)}个" if len(keys) > 5 else "")


def check_post(fields: Mapping[str, str], original: Any, need_base: bool) -> None:
    """A report post carries the whole report: every field the form shows for this file (the hidden ones
    included, `_base` when saving), and nothing else. A missing field would be written as blank — so the post is
    refused instead (FormError), and the file is left as it is. `original` is the file's data (the totals it gives
    are fields of the form too)."""
    fmt, shape = fields.get("format"), fields.get(OVERVIEW_SHAPE)
    if fmt is not None and fmt not in FORMATS:
        raise FormError("报告格式（隐藏字段 format）应为 2021 或 2019；文件未改动")
    if shape is not None and shape not in SHAPES:
        raise FormError("总体情况的写法（隐藏字段 _overview）应为 single 或 aspects；文件未改动")
    fmt = fmt or "2021"
    required = ["format", OVERVIEW_SHAPE, *([BASE] if need_base else []), *field_keys(fmt, shape or "single")]
    required += list(given_totals(original, fmt)) if isinstance(original, dict) else []
    missing = [k for k in required if k not in fields]
    if missing:
        raise FormError(
            f"提交的表单不完整：缺少{_names(missing, fmt)}字段。为免清空没有提交的内容，文件未改动；"
            "请重新打开此报告，填好后再保存"
        )
    known = set(required) | set(computed_keys(fmt)) | {BASE}
    unknown = [k for k in fields if k not in known]
    if unknown:
        named = _names(unknown, fmt, labelled=False)
        raise FormError(f"提交中有本表单没有的字段：{named}；文件未改动，请从报告页面保存")


# --- file → form ----------------------------------------------------------------------------------------------
def display(value: Any) -> str:
    if value is MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return ""
    return str(value)


def _row_default(path: tuple, data: Any) -> bool:
    """A row (or the fee block) left out of the file counts as zeros."""
    if path[0] in ("applications", "reviews"):
        return value_at(data, path[:-1]) is MISSING
    return path[0] == "fee_notices" and value_at(data, path) is MISSING


def form_values(data: Any, fmt: str) -> dict[str, str]:
    """What each field shows for a file's data, plus the totals the file gives (kept and checked)."""
    shape = overview_shape(data)
    values: dict[str, str] = {OVERVIEW_SHAPE: shape, "format": fmt}
    for key in field_keys(fmt, shape):
        path = key_path(key)
        value = value_at(data, path)
        values[key] = "0" if value is MISSING and _row_default(path, data) else display(value)
        if key.startswith("text."):
            values[key] = values[key].rstrip("\n")
    if values["template"] == "":
        values["template"] = "base"
    values.update(given_totals(data, fmt))
    return values


def given_totals(data: Any, fmt: str) -> dict[str, str]:
    out = {}
    for key in computed_keys(fmt):
        value = value_at(data, key_path(key))
        if value is not MISSING:
            out[key] = display(value)
    return out


# --- form → YAML ----------------------------------------------------------------------------------------------
def _nested(tree: dict, path: tuple, node: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = node


# keys of one format that the other does not have: taken out of the file when a report is switched to the other
_FOREIGN: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {"active": ("other_services", "procurement")},
    "2019": {"": ("fee_notices",)},
}


def tree(fields: Mapping[str, str], fmt: str, switched: bool = False) -> dict:
    """The values the form writes, in the contract's key order. `switched`: the report is being switched from the
    other format, and the keys only that format has are taken out of the file."""
    get = lambda key: str(fields.get(key, ""))  # noqa: E731
    t: dict[str, Any] = {
        "format": Leaf(f'"{fmt}"', fmt),
        "year": number_leaf(get("year")),
        "agency": string_leaf(get("agency")),
        "kind": plain_leaf(get("kind"), _KIND),
        "issuer": string_leaf(get("issuer").strip(), optional=True),
        "date": date_leaf(get("date")),
        "template": plain_leaf(get("template") or "base", PACK_NAME, default="base"),
        "contact": {k: string_leaf(get(f"contact.{k}").strip(), optional=True) for k in CONTACT_KEYS},
    }
    text: dict[str, Any] = {"preface": text_leaf(get("text.preface"), optional=True)}
    if fields.get(OVERVIEW_SHAPE) == "aspects":
        text["overview"] = {a: text_leaf(get(f"text.overview.{a}")) for a in OVERVIEW_ASPECTS}
    else:
        text["overview"] = text_leaf(get("text.overview"))
    text["problems"] = text_leaf(get("text.problems"))
    text["other"] = text_leaf(get("text.other"))
    t["text"] = text
    if fmt == "2021":
        t["fee_notices"] = {k: number_leaf(get(f"fee_notices.{k}")) for k in FEE_KEYS}
    active: dict[str, Any] = {}
    for block in ACTIVE_BLOCKS[fmt]:
        for key, _ in block.rows:
            if block.columns[0].field is None:
                active[key] = number_leaf(get(f"active.{key}"))
            else:
                active[key] = FlowMap({c.field: number_leaf(get(f"active.{key}.{c.field}")) for c in block.columns})
    t["active"] = active
    applications: dict[str, Any] = {}
    for spec in APPLICATION_ROWS[fmt]:
        if spec.kind == "total":
            given = [get(f"applications.total[{i}]").strip() for i in range(7)]
            if any(given):
                row = [number_leaf(v) for v in given[:6]] + ([number_leaf(given[6])] if given[6] else [])
                applications["total"] = row
            else:
                applications["total"] = REMOVE
            continue
        row = [number_leaf(get(f"applications.{spec.key}[{i}]")) for i in range(6)]
        if get(f"applications.{spec.key}[6]").strip():
            row.append(number_leaf(get(f"applications.{spec.key}[6]")))
        _nested(applications, spec.path, row)
    t["applications"] = applications
    reviews: dict[str, Any] = {}
    for group in REVIEW_GROUPS:
        row = [number_leaf(get(f"reviews.{group.key}[{i}]")) for i in range(4)]
        if get(f"reviews.{group.key}[4]").strip():
            row.append(number_leaf(get(f"reviews.{group.key}[4]")))
        reviews[group.key] = row
    t["reviews"] = reviews
    if switched:
        for item in active.values():
            if isinstance(item, FlowMap):
                item.exact = True
        for parent, keys in _FOREIGN[fmt].items():
            mapping: dict[str, Any] = t[parent] if parent else t
            mapping.update({key: REMOVE for key in keys})
    return t


def _scaffold_for(fields: Mapping[str, str], fmt: str) -> str:
    year = str(fields.get("year", "")).strip()
    year_number = int(year) if year.isdigit() and 2008 <= int(year) <= 2100 else example_year(fmt)
    kind = str(fields.get("kind", ""))
    return scaffold(year_number, "", kind if _KIND.match(kind) else "government", fmt)


def to_yaml(fields: Mapping[str, str], original: str | None = None, switched: bool = False) -> tuple[str, bool]:
    """The YAML text for the form's values, and whether it was written in place in `original` (True) or on the
    scaffold's layout (False: the original's shape could not take the values; its header comments are kept).
    `switched`: see `tree`."""
    fmt = "2019" if fields.get("format") == "2019" else "2021"
    values = tree(fields, fmt, switched)
    if original:
        try:
            return apply(original, values), True
        except (Unsupported, SourceError):
            pass
    base = _scaffold_for(fields, fmt)
    header = header_comments(original or "")
    if header:
        base_lines = base.split("\n")
        base = "\n".join(header + base_lines[len(header_comments(base)) :])
    try:
        return apply(base, values), False
    except (Unsupported, SourceError) as exc:  # every leaf reads back as itself, so this is not expected
        raise FormError(f"表单的内容无法写成报告文件（{exc}）；文件未改动") from None


def yaml_for(fields: Mapping[str, str], original: str | None, draft: bool) -> str:
    text, _ = to_yaml(fields, original)
    text = set_draft(text, draft)
    return text if text.endswith("\n") else text + "\n"


__all__ = [
    "BASE",
    "FormError",
    "OVERVIEW_SHAPE",
    "cell_label",
    "check_post",
    "computed_keys",
    "field_keys",
    "form_values",
    "load_text",
    "to_yaml",
    "tree",
    "yaml_for",
]
