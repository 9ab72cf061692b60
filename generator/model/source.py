"""Reading an input file: bytes → text → YAML nodes → plain Python values, with the line of every key kept.

Duplicate keys are errors (never "the last one wins"); decimals are kept as `Decimal` exactly as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]


class SourceError(Exception):
    """The file cannot be read as YAML at all; carries a Chinese message and a line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Source:
    """A loaded input: its values and where each key stands (1-based lines)."""

    path: Path | None
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, loc: Path_) -> int | None:
        """The line of `loc`, or of its nearest ancestor that is in the file."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "（看起来是GBK/GB18030编码，请用“另存为 UTF-8”保存）"
        except UnicodeDecodeError:
            pass
        raise SourceError(f"文件不是UTF-8编码{hint}", line) from None


def load_text(text: str, path: Path | None = None) -> Source:
    if not text.strip():
        raise SourceError("文件是空的：请用 govreport init 生成模板后填写", 1)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context and "flow" in exc.context and exc.context_mark is not None:
            mark = exc.context_mark  # an unclosed [ or {: point at the line that opened it, not the next one
        line = mark.line + 1 if mark else None
        problem = exc.problem or "格式错误"
        raise SourceError(f"YAML格式错误：{_problem_zh(problem)}（{problem}）", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other reader errors (control characters)
        raise SourceError(f"YAML格式错误：{exc}", None) from None
    source = Source(path=path, data=None, text=text)
    if root is None:
        raise SourceError("文件里没有内容：请用 govreport init 生成模板后填写", 1)
    source.lines[()] = root.start_mark.line + 1
    source.data = _build(root, (), source.lines)
    return source


def load_file(path: Path) -> Source:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError("文件不存在") from None
    except IsADirectoryError:
        raise SourceError("这是一个目录，不是文件") from None
    except OSError as exc:
        raise SourceError(f"无法读取文件：{exc.strerror}") from None
    return load_text(decode(raw), Path(path))


def _problem_zh(problem: str) -> str:
    table = {
        "mapping values are not allowed": "此处不能出现“键: 值”（检查冒号后是否缺空格、缩进是否对齐）",
        "could not find expected ':'": "缺少冒号“:”",
        "found character '\\t' that cannot start any token": "不能用Tab缩进，请用空格",
        "found character that cannot start any token": "此处有不能作为开头的字符（常见原因：用了Tab缩进，请用空格）",  # libyaml's wording
        "expected <block end>, but found '-'": "列表缩进不对齐",
        "found undefined alias": "未定义的别名",
        "did not find expected ',' or ']'": "列表没有闭合：缺少逗号或右方括号“]”",
        "did not find expected ',' or '}'": "映射没有闭合：缺少逗号或右花括号“}”",
    }
    for key, value in table.items():
        if problem.startswith(key):
            return value
    if "indentation" in problem or "block end" in problem:
        return "缩进不对齐"
    return "无法解析"


def _build(node: yaml.Node, loc: Path_, lines: dict[Path_, int]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError("键必须是简单文字", key_node.start_mark.line + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError("不支持YAML合并键“<<”", key_node.start_mark.line + 1)
            key = str(key_node.value)
            here = loc + (key,)
            if key in result:
                first = lines.get(here)
                raise SourceError(f"键“{key}”重复出现（第{first}行已有），请只保留一个", key_node.start_mark.line + 1)
            lines[here] = key_node.start_mark.line + 1
            result[key] = _build(value_node, here, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            here = loc + (index,)
            lines[here] = item.start_mark.line + 1
            items.append(_build(item, here, lines))
        return items
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        text = value.replace("_", "")
        try:
            # YAML 1.1 reads 017 as octal; a clerk means seventeen.
            return int(text, 10)
        except ValueError:
            try:
                return int(text, 0)
            except ValueError:
                return value
    if tag == "tag:yaml.org,2002:float":
        try:
            number = Decimal(value.replace("_", ""))
        except ArithmeticError:
            return value
        return number if number.is_finite() else value
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("t", "T"))
        except ValueError:
            return value
    return value
