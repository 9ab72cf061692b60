"""Reading an input file: bytes → text → YAML nodes → plain Python values, with the line of every key kept.

Duplicate keys are errors (never "the last one wins"); decimals are kept as `Decimal` exactly as typed. Aliases,
deep nesting, too many nodes, control characters and oversized files are refused with a located Chinese message
(generator/limits.py). `load` and `load_string` hand the values to the model to validate.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import yaml

from ..files import read_problem
from ..limits import MAX_INPUT_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
from ..model import Loaded, input_error, validate
from ..model.source import Path_, Source, SourceError

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


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


# What YAML refuses to read (its "non-printable" characters): C0 controls but tab and line ends, DEL, C1 controls,
# surrogates and U+FFFE/U+FFFF. Found before parsing, so the message can say the line and what the character is.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL_NAMES = {"\x00": "空字符 NUL", "\x07": "响铃符", "\x08": "退格符", "\x0b": "垂直制表符", "\x0c": "换页符",
                  "\x1b": "转义符 ESC", "\x7f": "删除符 DEL"}


def _control_character(text: str) -> None:
    found = _NON_PRINTABLE.search(text)
    if found is None:
        return
    char = found.group()
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    name = _CONTROL_NAMES.get(char, "控制字符")
    raise SourceError(
        f"第{line}行第{column}个字符是看不见的{name}（U+{ord(char):04X}），YAML 不允许；"
        "它多半是从网页、Word 或其他软件复制来的，请删去这个字符后再保存",
        line,
    )


def load_text(text: str, path: Path | None = None) -> Source:
    if not text.strip():
        raise SourceError("文件是空的：请用 govreport init 生成模板后填写", 1)
    if len(text) > MAX_INPUT_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise SourceError(_too_big(len(text.encode("utf-8", "surrogatepass"))), 1)
    _control_character(text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context and "flow" in exc.context and exc.context_mark is not None:
            mark = exc.context_mark  # an unclosed [ or {: point at the line that opened it, not the next one
        line = mark.line + 1 if mark else None
        problem = exc.problem or "格式错误"
        raise SourceError(f"YAML格式错误：{_problem_zh(problem)}（{problem}）", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors not caught above
        raise SourceError(f"YAML格式错误：无法解析（{str(exc).splitlines()[0][:200]}）", None) from None
    source = Source(path=path, data=None, text=text)
    if root is None:
        raise SourceError("文件里没有内容：请用 govreport init 生成模板后填写", 1)
    source.lines[()] = root.start_mark.line + 1
    source.data = _Builder(source.lines).build(root, ())
    return source


def _too_big(size: int) -> str:
    return (
        f"文件过大（{size / 1_000_000:.1f} MB），上限为 {MAX_INPUT_BYTES // 1_000_000} MB："
        "一份年度报告的输入通常不到 100 KB，请检查是否把别的内容（图片、整份文件）粘贴了进来"
    )


def read_bounded(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Opened without blocking, so that a named pipe or a
    device among the inputs is refused at once instead of hanging the command."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):
            raise SourceError("这不是一个普通文件（是管道、设备或套接字），无法作为报告读取")
        if status.st_size > limit:
            raise SourceError(_too_big(status.st_size), 1)
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise SourceError(_too_big(len(raw)), 1)
    return raw


def load_file(path: Path) -> Source:
    try:
        raw = read_bounded(Path(path))
    except OSError as exc:
        raise SourceError(read_problem(exc)) from None
    return load_text(decode(raw), Path(path))


def _problem_zh(problem: str) -> str:
    table = {
        "mapping values are not allowed": "此处不能出现“键: 值”（检查冒号后是否缺空格、缩进是否对齐）",
        "could not find expected ':'": "缺少冒号“:”",
        "found character '\\t' that cannot start any token": "不能用Tab缩进，请用空格",
        # libyaml's wording
        "found character that cannot start any token": "此处有不能作为开头的字符（常见原因：用了Tab缩进，请用空格）",
        "exceeded maximum nesting depth": f"嵌套层数过多（报告最多{MAX_YAML_DEPTH}层）",
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


class _Builder:
    """YAML nodes → plain values. A node met twice is an alias (`*name`): refused, so that a few hundred bytes of
    nested aliases cannot unfold into gigabytes ("billion laughs"); depth and node count are bounded as well."""

    def __init__(self, lines: dict[Path_, int]):
        self.lines = lines
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Path_, line: int | None = None) -> Any:
        if id(node) in self.seen:
            raise SourceError(
                "不支持YAML别名（“*名称”引用“&名称”）：报告里的每个数和每段文字请直接写出",
                line or node.start_mark.line + 1,
            )
        self.seen.add(id(node))
        if len(self.seen) > MAX_YAML_NODES:
            raise SourceError(f"文件里的项目过多（超过{MAX_YAML_NODES}个），不像一份年度报告", node.start_mark.line + 1)
        if len(loc) > MAX_YAML_DEPTH:
            raise SourceError(f"嵌套层数过多（报告最多{MAX_YAML_DEPTH}层）", node.start_mark.line + 1)
        lines = self.lines
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
                    raise SourceError(
                        f"键“{key}”重复出现（第{first}行已有），请只保留一个", key_node.start_mark.line + 1
                    )
                lines[here] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, here, lines[here])
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                here = loc + (index,)
                if id(item) not in self.seen:
                    lines[here] = item.start_mark.line + 1
                items.append(self.build(item, here, lines.get(here, line)))
            return items
        return _scalar(cast(yaml.ScalarNode, node))  # neither a mapping nor a sequence: YAML has no other node


_EXPONENT = re.compile(r"[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+")


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:str":
        if not node.style and _EXPONENT.fullmatch(value):  # 1e30: YAML 1.1 wants "1.0e+30"; a person means a number
            return Decimal(value)
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


def load(path: str | Path, display: str | None = None) -> Loaded:
    """An input file, read and validated; what is wrong comes back as located findings, never raised."""
    file = display or str(path)
    try:
        source = load_file(Path(path))
    except SourceError as exc:
        return input_error(exc, file)
    return validate(source, file)


def load_string(text: str, file: str = "<输入>") -> Loaded:
    """An input given as text (the web form's values, a workbook sheet's), named `file` in messages."""
    try:
        source = load_text(text)
    except SourceError as exc:
        return input_error(exc, file)
    return validate(source, file)
