"""What can go wrong with a template pack, and how it is said in Chinese.

A pack that cannot be used raises `PackError`, which carries every problem found as a `PackProblem` located by file,
line and key (a broken pack.yaml reports all its problems at once); `str()` of the error is those problems one per
line, "file:line: message", as the CLI prints them. A template that cannot be rendered raises `TemplateFailure` (a
pack's template: a `PackError` naming the pack), and a template over one of the sandbox's limits `SandboxLimit`.
`describe_error` and `syntax_zh` put Jinja's and Python's own errors into Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import SecurityError, TemplateNotFound, TemplatesNotFound, UndefinedError


@dataclass(frozen=True, kw_only=True)
class PackProblem:
    """One thing wrong with a pack: `file` (its pack.yaml or template file, or a template's name), `line` (1-based),
    `key` (the pack.yaml key it is about, dotted: "settings.sizes.body") and the Chinese `message`. Unknown parts are
    None: a pack that cannot be found has no file yet."""

    file: str | Path | None = None
    line: int | None = None
    key: str | None = None
    message: str

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class PackError(Exception):
    """A template pack cannot be found, read or used: one or more `problems`, each Chinese and located.

    `PackError("message")` is a problem without a place (or with the place written into the message, as a writer
    does); `PackError.at(file, line, message)` a located one. `str(error)` shows them one per line.
    """

    def __init__(self, *problems: PackProblem | str):
        self.problems: list[PackProblem] = [
            problem if isinstance(problem, PackProblem) else PackProblem(message=str(problem)) for problem in problems
        ]
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def at(cls, file: str | Path | None, line: int | None, message: str, key: str | None = None) -> "PackError":
        return cls(PackProblem(file=file, line=line, key=key, message=message))

    def __reduce__(self):  # pickled (a batch worker's result) with its problems, not only its text
        return (type(self), tuple(self.problems))


class SandboxLimit(SecurityError):
    """A template went over one of the sandbox's limits (the message is Chinese)."""


class TemplateFailure(Exception):
    """A template could not be rendered: `detail` is Chinese; `filename` and `lineno` say where, when known."""

    def __init__(self, detail: str, filename: str | None = None, lineno: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.filename = filename
        self.lineno = lineno


# --- Jinja's and Python's errors in Chinese --------------------------------------------------------------------
_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "模板结尾",
    "name": "名称",
    "integer": "整数",
    "float": "小数",
    "string": "文字",
    "begin of print statement": "{{",
    "begin of statement block": "{%",
}


def _token(text: str) -> str:
    text = text.strip("'\"")
    return _TOKENS.get(text, text)


_SYNTAX_ZH = [
    (re.compile(r"unexpected end of template, expected '(.+?)'\.?$", re.I),
     lambda m: f"模板意外结束，缺少“{_token(m[1])}”"),
    (re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. The innermost block "
                r"that needs to be closed is '(.+?)'\.", re.S),
     lambda m: f"模板意外结束：“{m[2]}”没有结束（缺少 {m[1]}）"),
    (re.compile(r"Encountered unknown tag '(.+?)'\.(?: Jinja was looking for the following tags: (.+?)\. The innermost "
                r"block that needs to be closed is '(.+?)'\.)?", re.S),
     lambda m: f"未知的标签“{m[1]}”" + (f"（“{m[3]}”还没有结束，应为 {m[2]}）" if m[2] else "")),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), lambda m: f"此处应为“{_token(m[1])}”，却是“{_token(m[2])}”"),
    (re.compile(r"unexpected '(.+?)'"), lambda m: f"此处不应出现“{_token(m[1])}”"),
    (re.compile(r"unexpected char '(.+?)' at (\d+)"), lambda m: f"不能识别的字符“{m[1]}”"),
    (re.compile(r"unexpected end of template", re.I), lambda m: "模板意外结束（缺少结束标记？）"),
    (re.compile(r"No filter named '(.+?)'", re.I), lambda m: f"没有名为“{m[1]}”的过滤器"),
    (re.compile(r"No test named '(.+?)'", re.I), lambda m: f"没有名为“{m[1]}”的测试"),
    (re.compile(r"tag name expected"), lambda m: "{% 之后缺少标签名"),
    (re.compile(r"expected (?:name|an expression)"), lambda m: "此处缺少名称或表达式"),
    (re.compile(r"[Bb]lock '(.+?)' defined twice"), lambda m: f"块“{m[1]}”定义了两次"),
    (re.compile(r"missing end of comment tag"), lambda m: "注释缺少结尾“#}”"),
    (re.compile(r"extended multiple times"), lambda m: "模板写了不止一个 extends"),
    (re.compile(r"Can't assign to special loop variable"), lambda m: "不能给循环变量 loop 赋值"),
    (re.compile(r"(?:cannot|can't) assign attribute on non-namespace object"),
     lambda m: "只能给 namespace 对象的属性赋值"),
]


def _object(text: str) -> str:
    """"'int object'" → "int 对象"."""
    text = text.strip("'\"")
    return text[:-len(" object")] + " 对象" if text.endswith(" object") else text


_RUNTIME_ZH = [
    (re.compile(r"^'(.+?)' is undefined$"), lambda m: f"未定义的名称“{m[1]}”"),
    (re.compile(r"^'(.+?)' has no attribute '(.+?)'$"), lambda m: f"{_object(m[1])}没有属性“{m[2]}”"),
    (re.compile(r"^'(.+?)' has no attribute (.+)$", re.S), lambda m: f"{_object(m[1])}没有这个属性"),
    (re.compile(r"^(.+?) has no element (.+)$", re.S), lambda m: f"{_object(m[1])}没有这个元素"),
    (re.compile(r"No aggregated item, sequence was empty"), lambda m: "列表是空的，没有最大值或最小值"),
    (re.compile(r"'in <string>' requires string as left operand, not (\w+)"),
     lambda m: f"在文字里只能查找文字，不能查找 {m[1]}"),
    (re.compile(r"bad operand type for (?:unary )?(.+?)\(?\)?: '(.+?)'"), lambda m: f"{m[2]} 不能做 {m[1]} 运算"),
    (re.compile(r"type (\w+) doesn't define __round__ method"), lambda m: f"{m[1]} 不能四舍五入"),
    (re.compile(r"Object of type (\w+) is not JSON serializable"), lambda m: f"{m[1]} 不能转成 JSON"),
    (re.compile(r"cannot unpack non-iterable (\w+) object"), lambda m: f"{m[1]} 对象不能拆开赋值"),
    (re.compile(r"(?:too many|not enough) values to unpack"), lambda m: "拆开赋值时个数不对"),
    (re.compile(r"must be (\w+)(?: or None)?, not (\w+)"), lambda m: f"这里要 {m[1]}，不能用 {m[2]}"),
    (re.compile(r"macro '(.+?)' was invoked with two values for the special caller argument"),
     lambda m: f"宏 {m[1]} 的 caller 参数给了两次"),
    (re.compile(r"macro '(.+?)' takes (?:no|not more than \d+) (?:keyword )?arguments?|"
                r"macro '(.+?)' was invoked with two values"), lambda m: "调用宏时参数的个数或名称不对"),
    (re.compile(r"unsupported operand type\(s\) for (.+?): '(.+?)' and '(.+?)'"),
     lambda m: f"不能对 {m[2]} 和 {m[3]} 做 {m[1]} 运算"),
    (re.compile(r'can only concatenate (\w+) \(not "(\w+)"\) to \w+'),
     lambda m: f"{m[1]} 只能与 {m[1]} 相加，不能加 {m[2]}"),
    (re.compile(r"can't multiply sequence by non-int of type '(.+?)'"),
     lambda m: f"文字或列表只能乘以整数，不能乘以 {m[1]}"),
    (re.compile(r"'(.+?)' object is not callable"), lambda m: f"{m[1]} 对象不能调用"),
    (re.compile(r"'(.+?)' object is not iterable"), lambda m: f"{m[1]} 对象不能用于循环"),
    (re.compile(r"object of type '(.+?)' has no len\(\)"), lambda m: f"{m[1]} 对象没有长度"),
    (re.compile(r"'(.+?)' not supported between instances of '(.+?)' and '(.+?)'"),
     lambda m: f"不能比较 {m[2]} 和 {m[3]}（{m[1]}）"),
    (re.compile(r"takes (.+?) positional arguments? but (.+?) (?:was|were) given|missing \d+ required|"
                r"got an unexpected keyword argument '(.+?)'|too many (?:positional )?arguments|"
                r"takes (?:exactly |at most |at least |no )?\w* ?(?:positional )?(?:keyword )?arguments?"),
     lambda m: "参数的个数或名称不对"),
    (re.compile(r"invalid literal for int\(\) with base \d+: (.+)"), lambda m: f"{m[1]} 不是整数"),
    (re.compile(r"'(.+?)' object cannot be interpreted as an integer"), lambda m: f"这里要整数，不能用 {m[1]}"),
    (re.compile(r"could not convert string to float: (.+)"), lambda m: f"{m[1]} 不是数字"),
    (re.compile(r"Exceeds the limit \(\d+ digits\) for integer string conversion"), lambda m: "数字位数太多，无法输出"),
    (re.compile(r"Tried to call non recursive loop"), lambda m: "只有 recursive 循环才能调用 loop(…)"),
    (re.compile(r"not all arguments converted|not enough arguments for format string|format requires|"
                r"unsupported format character|incomplete format|Unknown format code|Replacement index"),
     lambda m: "格式与给出的值不符"),
    (re.compile(r"unhashable type: '(.+?)'"), lambda m: f"{m[1]} 不能用作键"),
    (re.compile(r"tuple index out of range|list index out of range|string index out of range"),
     lambda m: "下标超出范围"),
]


def _zh(message: str, table: list) -> str | None:
    for pattern, render in table:
        match = pattern.search(message)
        if match:
            return render(match)
    return None


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def syntax_zh(message: str | None) -> str:
    """A Jinja syntax error in Chinese (the original wording kept in brackets when there is no translation)."""
    message = (message or "").strip()
    return _zh(message, _SYNTAX_ZH) or (message if _CHINESE.search(message) else f"无法解析（{message}）")


def describe_error(exc: BaseException) -> str:
    """What went wrong in a template, in Chinese (the original wording kept in brackets where it helps)."""
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, SandboxLimit):
        return message
    if isinstance(exc, TemplateSyntaxError):
        return f"模板语法错误：{syntax_zh(message)}"
    if isinstance(exc, TemplatesNotFound):
        return f"找不到模板 {'、'.join(f'“{n}”' for n in exc.templates)}"
    if isinstance(exc, TemplateNotFound):
        return f"找不到模板“{exc.name}”"
    if isinstance(exc, RecursionError):
        return "模板递归过深（extends、include、import 或宏互相引用成环？）"
    if isinstance(exc, MemoryError):
        return "内存不足：模板要生成的内容太大"
    if isinstance(exc, ZeroDivisionError):
        return "除数为零"
    if isinstance(exc, OverflowError):
        return f"数值太大，超出范围（{message}）"
    if isinstance(exc, SecurityError):
        return message if _CHINESE.search(message) else f"沙箱拒绝了这项操作（{message}）"
    translated = _zh(message, _RUNTIME_ZH) or _zh(message, _SYNTAX_ZH)
    if translated:
        return translated
    if _CHINESE.search(message) and not isinstance(exc, (TypeError, ValueError, KeyError, IndexError, AttributeError)):
        return message
    if isinstance(exc, UndefinedError):
        return f"未定义的值（{message}）"
    kinds: dict[type[BaseException], str] = {TypeError: "类型不对", ValueError: "值不对", KeyError: "没有这个键",
                                             IndexError: "下标超出范围", AttributeError: "没有这个属性"}
    kind = kinds.get(type(exc))
    return f"{kind or '模板执行出错'}（{type(exc).__name__}：{message}）"
