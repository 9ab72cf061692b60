"""The report model: read a YAML input, validate it against the contract, and say in Chinese what is wrong.

`load(path)` returns a `Loaded`: the validated report (or None) and every input finding, each with its line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..findings import Finding, Severity
from ..limits import MAX_COUNT
from .forms import FORMATS, KEY_LABELS, format_for_year
from .labels import dotted, place
from .report import REPORT_CLASSES, Report, Report2019, Report2021, shown
from .source import Source, SourceError

INPUT_RULE = "INPUT"


@dataclass
class Loaded:
    """An input file after loading and validation."""

    file: str
    report: Report | None
    source: Source | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None


def _finding(message: str, file: str, line: int | None, path: tuple = (), fmt: str = "2021") -> Finding:
    part, row, column = place(path, fmt)
    return Finding(
        rule=INPUT_RULE,
        severity=Severity.ERROR,
        message=message,
        file=file,
        line=line,
        part=part,
        row=row,
        column=column,
        key=dotted(path) or None,
    )


def choose_format(data: dict) -> tuple[str, str | None]:
    """The format the data asks for, and an error message if `format` is not one we know."""
    fmt = data.get("format")
    if fmt is None:
        year = data.get("year")
        return (format_for_year(year) if isinstance(year, int) else "2021"), None
    fmt = str(fmt).strip()
    if fmt in FORMATS:
        return fmt, None
    return "2021", (
        "报告格式应为 \"2021\"（国办公开办函〔2021〕30号）或 \"2019\"（〔2019〕60号试行），"
        f"而不是 {data.get('format')!r}"
    )


def validate(source: Source, file: str) -> Loaded:
    data = source.data
    loaded = Loaded(file=file, report=None, source=source)
    if not isinstance(data, dict):
        loaded.findings.append(_finding("文件顶层应为“键: 值”的映射（请用 govreport init 生成的模板）", file, 1))
        return loaded
    fmt, format_error = choose_format(data)
    values = dict(data)
    values["format"] = fmt
    if format_error:
        loaded.findings.append(_finding(format_error, file, source.line_of(("format",)), ("format",), fmt))
    try:
        report = REPORT_CLASSES[fmt].model_validate(values)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path = _clean_loc(error["loc"])
            message = _message(error, path, fmt)
            loaded.findings.append(_finding(message, file, source.line_of(path), path, fmt))
        return loaded
    if not format_error:
        loaded.report = report
    return loaded


def input_error(error: SourceError, file: str) -> Loaded:
    """An input that could not be read at all: no report, one located finding."""
    return Loaded(file=file, report=None, source=None, findings=[_finding(error.message, file, error.line)])


_UNION_TAGS = {"single", "aspects"}


_VALIDATOR_STEP = re.compile(r"[a-z][a-z-]*\[.*\]", re.S)  # pydantic's "function-after[…]", "list[int]" in a loc


def _clean_loc(loc: tuple) -> tuple:
    """An error's location as an input path: pydantic's own steps (union tags, validator names) taken out, keys
    the user typed kept, even odd ones such as "[" or "single"."""
    out: list = []
    for part in loc:
        if isinstance(part, str) and (
            (part in _UNION_TAGS and out and out[-1] == "overview") or _VALIDATOR_STEP.fullmatch(part)
        ):
            continue
        out.append(part)
    return tuple(out)


def _model_at(cls: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The pydantic model class found at `path` below `cls`, if the path names one."""
    current: Any = cls
    for key in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or key not in current.model_fields:
            return None
        annotation = current.model_fields[key].annotation
        candidates = getattr(annotation, "__args__", (annotation,))
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _label(path: tuple) -> str:
    name = KEY_LABELS.get(".".join(str(p) for p in path if isinstance(p, str)))
    return f"“{path[-1]}”（{name}）" if name else f"“{path[-1]}”"


def _other_handling(value, fmt: str) -> str | None:
    """（六）其他处理 is three rows in the 2021 format and one row in the 2019 format: say which shape was typed."""
    if fmt == "2021" and isinstance(value, list):
        return (
            "（六）其他处理在2021格式中分三行：no_correction（1.逾期不补正）、unpaid_fee（2.逾期未缴费）、"
            "other（3.其他），各为六个数；写成一行是2019格式的写法，如报告按2019格式填报请设置 format: \"2019\""
        )
    if fmt == "2019" and isinstance(value, dict):
        return (
            "（六）其他处理在2019格式中是一行六个数 [0, 0, 0, 0, 0, 0]；分三行（no_correction、unpaid_fee、other）"
            "是2021格式的写法，如报告按2021格式填报请设置 format: \"2021\""
        )
    return None


def _message(error: ErrorDetails, path: tuple, fmt: str) -> str:
    kind, value = error["type"], error.get("input")
    if path == ("applications", "other"):
        shape = _other_handling(value, fmt)
        if shape:
            return shape
    if kind == "missing":
        return f"缺少必填项 {_label(path)}"
    if kind == "extra_forbidden":
        return _unknown_key(path, fmt)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if value is None:
            return "不能留空：没有就填 0"
        if isinstance(value, str) and value.strip() in ("", "/", "-", "—", "－", "／", "无"):
            return f"不能填“{value}”或留空：没有就填 0"
        if isinstance(value, (Decimal, float)):
            if value > MAX_COUNT or value < -MAX_COUNT:  # not abs(): mypy cannot type abs() of Decimal | float
                return _too_large(value)
            return f"应为整数，不能有小数（{shown(value)}）"
        if isinstance(value, bool):
            return "应为整数，而不是 true/false"
        if isinstance(value, (list, dict)):
            return "应为一个整数"
        if isinstance(value, str):
            typed = _typed_number(value)
            if typed:
                return typed
        return f"应为整数，而不是“{shown(value)}”"
    if kind == "greater_than_equal":
        if path and path[-1] == "year":
            return f"报告年度应在2008年以后，而不是 {value}"
        if error.get("ctx", {}).get("ge", 0) < 0:
            return f"减少的数目过大（{shown(value)}）：最多减少 {MAX_COUNT:,}，请检查是否多打了数字"
        return f"不能为负数（{shown(value)}）：件数只能是 0 或正整数"
    if kind == "less_than_equal":
        if path and path[-1] == "year":
            return f"报告年度不对（{shown(value)}）"
        return _too_large(value)
    if kind == "literal_error":
        if path and path[-1] == "kind":
            return (
                "机关类型应为 government（人民政府，含乡镇、街道）或 department（县级以上人民政府部门），"
                f"而不是 {shown(repr(value))}"
            )
        return f"取值不对：{shown(repr(value))}，应为 {error.get('ctx', {}).get('expected', '')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{_label(path)} 下应是“键: 值”的映射，而不是 {shown(repr(value))}"
    if kind in ("string_type",):
        return "应为文字"
    return error["msg"]


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")


def _typed_number(text: str) -> str | None:
    """What to type instead of a number YAML kept as text: full-width digits (a Chinese input method in full-width
    mode), a leading zero (YAML reads 08 as text), or too many digits to be a count. None: not a number at all."""
    plain = text.strip().translate(_FULL_WIDTH_DIGITS)
    if not re.fullmatch(r"[+-]?[0-9]+", plain):
        return None
    digits = plain.lstrip("+-")
    if len(digits) > 12:
        return _too_large(text)
    number = int(plain, 10)
    if plain != text.strip():
        return f"“{shown(text)}”是全角数字：请改为半角数字 {number}（输入法切换到半角后输入）"
    if len(digits) > 1 and digits.startswith("0"):
        return f"“{shown(text)}”前面多了 0：请写 {number}"
    return f"“{shown(text)}”加了引号，是文字：请去掉引号，写 {number}"


def _too_large(value: Any) -> str:
    return f"数值过大（{shown(value)}）：件数上限为 {MAX_COUNT:,}（10亿），请检查是否多打了数字"


def _unknown_key(path: tuple, fmt: str) -> str:
    if not path:
        return "有未知的键"
    key = path[-1]
    parent = path[:-1]
    here = _model_at(REPORT_CLASSES[fmt], parent)
    expected = sorted(here.model_fields) if here else []
    other = "2019" if fmt == "2021" else "2021"
    there = _model_at(REPORT_CLASSES[other], parent)
    if there and key in there.model_fields and key not in expected:
        return (
            f"未知的键“{key}”：这是{other}格式的键，本报告按{fmt}格式填报"
            f"（{'、'.join(expected) or '无'}）；如报告年度需用{other}格式，请设置 format: \"{other}\""
        )
    close = difflib.get_close_matches(str(key), expected, n=1)
    hint = f"，是否应为“{close[0]}”？" if close else (f"；此处可用的键：{'、'.join(expected)}" if expected else "")
    return f"未知的键“{key}”{hint}"


__all__ = [
    "Loaded",
    "Report",
    "Report2019",
    "Report2021",
    "input_error",
    "validate",
    "Source",
]
