"""Template packs: a search path of folders (agency → province pack → the packs it extends → base).

Settings merge parent first, child last (like MkDocs theme variables); templates resolve first match wins
through one sandboxed Jinja environment, and `base/…` names the base pack's own file so an override can extend it.
Every pack.yaml is checked against `SETTINGS` when it is loaded, so a broken pack is refused with its file and line.
"""

from __future__ import annotations

import re
import time
import types
from collections import abc, deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import islice
from pathlib import Path
from string import Formatter
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    meta,
    nodes,
    select_autoescape,
)
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.exceptions import SecurityError, TemplateNotFound, TemplatesNotFound, UndefinedError
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, modifies_known_mutable
from jinja2.utils import Namespace, _PassArg, generate_lorem_ipsum, pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from .limits import (
    MAX_INPUT_BYTES,
    MAX_SETTING_CHARS,
    MAX_TEMPLATE_BYTES,
    MAX_TEMPLATE_DEPTH,
    MAX_TEMPLATE_INT_BITS,
    MAX_TEMPLATE_ITEMS,
    MAX_TEMPLATE_OUTPUT,
    MAX_TEMPLATE_SECONDS,
    MAX_TEMPLATE_SLOW_TEXT,
    MAX_TEMPLATE_STEPS,
    MAX_TEMPLATE_WORK,
)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SECTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PART_IDS = ("overview", "active", "applications", "reviews", "problems", "other")  # 一…六, as in document.build
TEMPLATE_SUFFIXES = (".html", ".css")
PAGE_SIZES = {"A4": (210, 297), "A5": (148, 210), "B5": (176, 250), "A3": (297, 420)}  # mm, portrait

# Placeholders each wording setting may use (checked when the pack loads, so a typo is caught by `check`).
_REPORT = ("agency", "year", "signer", "issuer", "notice", "contact")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "title": ("agency", "year"),
    "preface": _REPORT,
    "contact": _REPORT + ("details",),
    "date_format": ("year", "month", "day"),
    "fee_sentence": ("sent", "amount_sent", "collected"),
    "signature.issuer": _REPORT,
    "sections.heading": ("agency", "year"),
    "sections.text": _REPORT,
}

# Every setting a pack can override: (kind, what it is). `templates new` writes this list as the skeleton's comments.
SETTINGS: dict[str, tuple[Any, str]] = {
    "title": ("template", "报告标题。占位符：agency（报告机关）、year（年度）"),
    "preface": (
        "template",
        "标准前言，输入文件没有 text.preface 时使用；写 \"\" 表示不要前言。"
        "占位符：agency、year、signer（落款机关）、issuer（输入的 issuer，可能为空）、notice（格式通知全称）、"
        "contact.phone/address/email/website",
    ),
    "contact": (
        "template",
        "输入文件有 contact 时接在前言之后的联系方式，空行分段。占位符同 preface，另有 details"
        "（“（地址：…；电话：…；电子邮箱：…）”）",
    ),
    "notices": ({"2021": "text", "2019": "text"}, "两种报告格式各自的国办通知全称，供前言引用（占位符 notice）"),
    "overview_aspects": (
        {"active": "text", "requests": "text", "management": "text", "platforms": "text", "oversight": "text"},
        "输入按五个方面分别填写“一、总体情况”时的小标题",
    ),
    "date_format": ("template", "落款日期。占位符：year、month、day"),
    "fee_sentence": (
        "template",
        "2021 格式第六部分的信息处理费标准说法，第六部分文字未提到信息处理费时加在其后。"
        "占位符：sent（收费通知件数）、amount_sent（总金额，元）、collected（实际收取，元）",
    ),
    "signature": ({"issuer": "template"}, "落款机关。占位符同 preface，其中 signer 为输入的 issuer（没写则为报告机关）；其结果即其他设置里的 signer"),
    "sections": (
        "sections",
        "附加章节：在六个部分之内追加的（一）（二）…小标题及其文字（六个部分的标题不变）。每项：id（英文小写）、"
        "heading（小标题，不带序号）、part（所在部分：overview/active/applications/reviews/problems/other，"
        "即一…六）、required（true 时输入文件必须在 text.sections.<id> 填写）、text（选填的默认文字）、"
        "numbered（默认 true：自动接续该部分已有的（一）（二）…序号）。子模板包按 id 覆盖父模板包的同名章节。",
    ),
    "fonts": (
        {role: "fonts" for role in ("title", "body", "heading1", "heading2", "table")},
        "字体：依次尝试的字体名列表；DOCX 使用每个列表的第一个",
    ),
    "sizes": (
        {k: "number" for k in ("title", "body", "page_number", "table", "applications_table")},
        "字号（磅）：标题、正文、页码、表格、表三",
    ),
    "page": (
        {
            "size": "page_size",
            "margin_top": "number",
            "margin_bottom": "number",
            "margin_left": "number",
            "margin_right": "number",
            "line_height": "number",
        },
        "版面（毫米；line_height 为磅）：纸张 A4/A5/B5/A3，上下左右页边距，行距",
    ),
}
TOP_LEVEL = ("name", "display_name", "description", "extends", "settings")
SECTION_KEYS = ("id", "heading", "part", "required", "text", "numbered")


class PackError(Exception):
    """A template pack cannot be found or read; the message is Chinese and names the file (and line)."""


class _PackLoader(FileSystemLoader):
    """A pack folder's templates; a file whose real path lies outside the folder (a symlink out) is refused."""

    def __init__(self, directory: Path):
        super().__init__(str(directory))
        self.root = directory.resolve()

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.root):
            raise SecurityError(f"模板文件 {filename} 指向模板包目录之外，已拒绝")
        if len(source) > MAX_TEMPLATE_BYTES:
            raise SecurityError(f"模板文件 {filename} 超过 {MAX_TEMPLATE_BYTES:,} 字节，已拒绝")
        return source, filename, uptodate


# --- the sandbox: Jinja with resource limits -------------------------------------------------------------------
# A pack's templates and wording are rendered in `LimitedSandbox`: Jinja's immutable sandbox (no attribute starting
# with "_", no list or dict changed in place) that also bounds what a template can cost, so that a slip such as
# {{ "x" * 300000000 }}, {% for i in range(10**9) %}, {{ 10 ** 5000 }} or a macro calling itself ends in a located
# Chinese error in well under a second instead of minutes, a traceback or all the memory:
#   - no string or list longer than MAX_TEMPLATE_OUTPUT (checked before it is made: repetition, +, ~, %, format,
#     join, center, indent, replace…), no list or range of more than MAX_TEMPLATE_ITEMS items, no number of more
#     than MAX_TEMPLATE_INT_BITS bits (checked before * and ** compute it), no number literal that big either;
#   - per render, at most MAX_TEMPLATE_STEPS loop iterations and calls, MAX_TEMPLATE_WORK characters made in all,
#     MAX_TEMPLATE_DEPTH nested calls, MAX_TEMPLATE_OUTPUT characters of output (a wording setting:
#     MAX_SETTING_CHARS), and MAX_TEMPLATE_SECONDS of CPU time (for slow steps the counts do not weigh);
#   - filters that work character by character in Python take at most MAX_TEMPLATE_SLOW_TEXT characters, and list
#     filters at most MAX_TEMPLATE_ITEMS items;
#   - extends/include/import name fixed templates inside the pack's folders and never come back to where they
#     started (checked when the pack loads: `_check_templates`).
# Every failure is a `TemplateFailure` (a `PackError` for a pack's templates) with a Chinese message, the file and the
# line. The bookkeeping is a few additions per loop iteration, call and {{ … }}: the normal render does not notice it
# (attribute lookups, which it does thousands of times, are even faster than Jinja's own: see `getattr`).
class SandboxLimit(SecurityError):
    """A template went over one of the sandbox's limits (the message is Chinese)."""


class TemplateFailure(Exception):
    """A template could not be rendered: `detail` is Chinese; `filename` and `lineno` say where, when known."""

    def __init__(self, detail: str, filename: str | None = None, lineno: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.filename = filename
        self.lineno = lineno


_BUDGET: ContextVar["_Budget | None"] = ContextVar("govreport_template_budget", default=None)
_clock = getattr(time, "thread_time", time.process_time)


class _Budget:
    """What one render has spent so far (one per `LimitedTemplate.render`, found through a context variable)."""

    __slots__ = ("steps", "chars", "depth", "sizes", "deadline")

    def __init__(self) -> None:
        self.steps = 0
        self.chars = 0
        self.depth = 0
        self.sizes: dict[int, tuple[Any, int]] = {}  # id → (object, estimated characters), kept alive for the render
        self.deadline = _clock() + MAX_TEMPLATE_SECONDS  # CPU time of this thread: other work does not count

    def check(self) -> None:
        """Raise if the render has gone over a limit (also called every 64 steps, to look at the clock)."""
        if _clock() > self.deadline:
            raise SandboxLimit(
                f"模板运行超过 {MAX_TEMPLATE_SECONDS} 秒（CPU 时间），已停止（循环或宏调用太多，或处理的文字太长？）"
            )
        if self.steps > MAX_TEMPLATE_STEPS:
            raise SandboxLimit(
                f"模板执行的循环和调用超过 {MAX_TEMPLATE_STEPS:,} 次（循环套循环、range 太大，或宏反复调用？）"
            )
        if self.chars > MAX_TEMPLATE_WORK:
            raise SandboxLimit(f"模板一共生成的文字超过 {MAX_TEMPLATE_WORK:,} 个字符（在循环里拼接或重复了大段文字？）")


def _spend(chars: int, steps: int = 0) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.chars += chars
        budget.steps += steps
        if budget.chars > MAX_TEMPLATE_WORK or budget.steps > MAX_TEMPLATE_STEPS:
            budget.check()


def _too_long(what: str, size: int | None = None) -> SandboxLimit:
    return SandboxLimit(f"{what}会超过 {MAX_TEMPLATE_OUTPUT:,} 个字符{'' if size is None else f'（约 {size:,}）'}，已拒绝")


_LISTLIKE = (list, tuple, set, frozenset, deque, abc.KeysView, abc.ValuesView, abc.ItemsView)


def _size(value: Any) -> int:
    """About how many characters `str(value)` would have — without making it (a list repeating one long string, or
    lists nested in lists, would be far longer than the memory it takes)."""
    kind = type(value)
    if kind is str or kind is Markup or kind is bytes:
        return len(value)
    if kind is int:
        return value.bit_length() * 3 // 10 + 2
    if kind is float or kind is bool or value is None:
        return 8
    budget = _BUDGET.get()
    return _deep_size(value, budget.sizes if budget is not None else {}, 0)


def _deep_size(value: Any, seen: dict, depth: int) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() * 3 // 10 + 2
    if value is None or isinstance(value, (float, Decimal)):
        return 8 if not isinstance(value, Decimal) else len(str(value))
    if isinstance(value, Undefined):
        return 0
    hit = seen.get(id(value))
    if hit is not None:
        return hit[1]
    if depth > MAX_TEMPLATE_DEPTH:
        raise SandboxLimit(f"数据嵌套超过 {MAX_TEMPLATE_DEPTH} 层（列表套列表？）")
    if isinstance(value, abc.Sized) and len(value) * 4 > MAX_TEMPLATE_OUTPUT:
        return len(value) * 4  # printed, each item takes at least its quotes and a comma: too long anyway
    key, changes = id(value), isinstance(value, Namespace)  # a namespace's attributes can be set again
    seen[key] = (value, 0)  # a list holding itself counts once
    total = 2
    if changes:
        value = object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, abc.Mapping):
        for name, item in value.items():
            total += _deep_size(name, seen, depth + 1) + _deep_size(item, seen, depth + 1) + 6
            if total > MAX_TEMPLATE_OUTPUT:
                break
    elif isinstance(value, _LISTLIKE):
        for item in value:
            total += _deep_size(item, seen, depth + 1) + 4
            if total > MAX_TEMPLATE_OUTPUT:
                break
    else:  # the document's own objects (bounded by the input's limits), loops, macros, ranges: printed as they are
        total = len(str(value))
    if changes:
        del seen[key]
    else:
        seen[key] = (value, total)
    return total


def _text_size_ok(value: Any, what: str = "这段文字") -> int:
    size = _size(value)
    if size > MAX_TEMPLATE_OUTPUT:
        raise _too_long(what, size)
    return size


def _count(value: Any, name: str) -> int:
    """An integer argument (a width, a count) that must stay within MAX_TEMPLATE_OUTPUT."""
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_TEMPLATE_OUTPUT:
        raise SandboxLimit(f"{name}不能超过 {MAX_TEMPLATE_OUTPUT:,}，这里是 {_shown_number(value)}")
    return value if isinstance(value, int) else 0


def _shown_number(value: int) -> str:
    return f"{value:,}" if value.bit_length() < 64 else f"约 10 的 {int(value.bit_length() * 0.30103)} 次方"


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)
_DIGITS = re.compile(r"\d+")
_FORMATTER = Formatter()


def _check_percent(fmt: str, values: Any) -> None:
    """`fmt % values` (and the format filter) would stay within the bounds: widths, precisions and how many times
    a long value is put in."""
    fields = widths = 0
    star = False
    for match in _PERCENT.finditer(fmt):
        if match.group(3) == "%":
            continue
        fields += 1
        for part in (match.group(1), match.group(2)):
            if part == "*":
                star = True
            elif part:
                widths += _count(int(part) if len(part) < 12 else MAX_TEMPLATE_OUTPUT + 1, "格式里的宽度或精度")
    if isinstance(values, abc.Mapping):
        items = list(values.values())
    elif isinstance(values, tuple):
        items = list(values)
    else:
        items = [values]
    if star:
        for item in items:
            _count(item, "格式里的宽度或精度")
    biggest = max((_size(item) for item in items), default=0)
    if len(fmt) + fields * biggest + widths > MAX_TEMPLATE_OUTPUT:
        raise _too_long("格式化的结果", len(fmt) + fields * biggest + widths)


def _check_braces(fmt: str, args: tuple, kwargs: dict) -> None:
    """The same for "{…}".format(…)."""
    try:
        parsed = list(_FORMATTER.parse(fmt))
    except ValueError:
        return  # the call itself reports the broken format
    fields = widths = 0
    nested = False
    for _literal, field_name, spec, _conversion in parsed:
        if field_name is None:
            continue
        fields += 1
        if spec:
            nested = nested or "{" in spec
            for number in _DIGITS.findall(spec):
                widths += _count(int(number) if len(number) < 12 else MAX_TEMPLATE_OUTPUT + 1, "格式里的宽度或精度")
    items = list(args) + list(kwargs.values())
    if nested:
        for item in items:
            _count(item, "格式里的宽度或精度")
    biggest = max((_size(item) for item in items), default=0)
    if len(fmt) + fields * biggest + widths > MAX_TEMPLATE_OUTPUT:
        raise _too_long("格式化的结果", len(fmt) + fields * biggest + widths)


def _check_repeat(sequence: Any, times: Any) -> None:
    if not isinstance(times, int) or times <= 0 or not isinstance(sequence, (str, bytes, list, tuple)):
        return
    if isinstance(sequence, (list, tuple)) and len(sequence) * times > MAX_TEMPLATE_ITEMS:
        raise SandboxLimit(f"列表重复后会超过 {MAX_TEMPLATE_ITEMS:,} 项，已拒绝")
    size = _size(sequence) * times
    if size > MAX_TEMPLATE_OUTPUT:
        raise _too_long("重复后的文字", size)


def _check_int_product(left: int, right: int) -> None:
    if left.bit_length() + right.bit_length() > MAX_TEMPLATE_INT_BITS:
        raise SandboxLimit(f"乘积会超过 {MAX_TEMPLATE_INT_BITS} 位二进制（约 {MAX_TEMPLATE_INT_BITS * 3 // 10} 位数字），已拒绝")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if (abs(base).bit_length() - 1) * exponent > MAX_TEMPLATE_INT_BITS:
            raise SandboxLimit(
                f"乘方 {_shown_number(base)} ** {_shown_number(exponent)} 的结果太大"
                f"（超过约 {MAX_TEMPLATE_INT_BITS * 3 // 10} 位数字），已拒绝"
            )


def _check_sum(left: Any, right: Any) -> None:
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        if len(left) + len(right) > MAX_TEMPLATE_ITEMS:
            raise SandboxLimit(f"相加后的列表会超过 {MAX_TEMPLATE_ITEMS:,} 项，已拒绝")
    if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
        size = _size(left) + _size(right)
        if size > MAX_TEMPLATE_OUTPUT:
            raise _too_long("相加后的文字", size)


def _spent_on(value: Any) -> Any:
    """Count what an operation made against the render's budget."""
    kind = type(value)
    if kind is str or kind is Markup:
        _spend(len(value))
    elif kind is list or kind is tuple:
        _spend(len(value))
    return value


def _check_text_method(text: Any, name: str, args: tuple, kwargs: dict) -> tuple:
    """Methods of a string that can make it much longer, checked before they run; returns the (maybe listed) args."""
    if name in ("center", "ljust", "rjust", "zfill"):
        _count(args[0] if args else kwargs.get("width", 0), "宽度")
    elif name == "expandtabs":
        tabsize = _count(args[0] if args else kwargs.get("tabsize", 8), "制表宽度")
        if len(text) + text.count("\t" if isinstance(text, str) else b"\t") * tabsize > MAX_TEMPLATE_OUTPUT:
            raise _too_long("展开制表符后的文字")
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    elif name == "join" and args:
        items = _items(args[0], "join")
        items = list(items) if not isinstance(items, (list, tuple)) else items
        _check_join(items, text)
        args = (items,) + tuple(args[1:])
    elif name in ("striptags", "unescape"):
        _slow_text(text, name)
    elif name == "translate" and args and isinstance(args[0], abc.Mapping):
        longest = max((_size(v) for v in args[0].values()), default=1)
        if len(text) * max(longest, 1) > MAX_TEMPLATE_OUTPUT:
            raise _too_long("替换后的文字")
    return args


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and 0 <= count < times:
        times = count
    size = len(text) + times * (len(new) - len(old))
    if size > MAX_TEMPLATE_OUTPUT:
        raise _too_long("替换后的文字", size)


def _check_join(items: list | tuple, separator: Any) -> None:
    size = sum(_size(item) for item in items) + _size(separator) * max(len(items) - 1, 0)
    if size > MAX_TEMPLATE_OUTPUT:
        raise _too_long("连接后的文字", size)


def _range(*args: Any) -> range:
    numbers = range(*args)
    try:
        count, shown = len(numbers), None
    except OverflowError:
        count, shown = MAX_TEMPLATE_ITEMS + 1, "极多"
    if count > MAX_TEMPLATE_ITEMS:
        raise SandboxLimit(
            f"range 最多产生 {MAX_TEMPLATE_ITEMS:,} 个数，这里要产生 {shown or _shown_number(count)} 个（循环次数太多）"
        )
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 (Jinja's names)
    if not all(isinstance(v, int) for v in (n, min, max)) or n > 100 or max > 1000 or min > 1000:
        raise SandboxLimit("lipsum 最多 100 段、每段最多 1000 词")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _finalize(value: Any) -> Any:
    """Every {{ … }} on its way out: counted, and a list or mapping far too long to print is refused."""
    kind = type(value)
    if kind is str or kind is Markup:
        budget = _BUDGET.get()
        if budget is not None:
            budget.chars += len(value)
            if budget.chars > MAX_TEMPLATE_WORK:
                budget.check()
        return value
    if kind is int or kind is float or kind is bool or value is None or isinstance(value, Undefined):
        return value
    size = _text_size_ok(value, "要输出的内容")
    _spend(size)
    return value


# The filters that can make their result much longer than their input, or print a whole list: checked before they
# run. They take the context, which also keeps Jinja from running them while it compiles a template.
def _items(value: Any, name: str) -> Any:
    """The items a list filter is given, at most MAX_TEMPLATE_ITEMS of them (a generator is read into a list)."""
    if isinstance(value, (str, bytes, abc.Sized)):
        count = len(value)
    else:
        try:
            value = list(islice(value, MAX_TEMPLATE_ITEMS + 1))
        except TypeError:
            return value  # not iterable: the filter says so itself
        count = len(value)
    if count > MAX_TEMPLATE_ITEMS:
        raise SandboxLimit(f"{name} 的列表超过 {MAX_TEMPLATE_ITEMS:,} 项，已拒绝")
    return value


def _slow_text(value: Any, name: str) -> int:
    """Text into a filter that works character by character in Python (urlize, striptags, title…)."""
    size = _size(value)
    if size > MAX_TEMPLATE_SLOW_TEXT:
        raise SandboxLimit(f"{name} 只能处理 {MAX_TEMPLATE_SLOW_TEXT:,} 个字符以内的文字（这里约 {size:,}）")
    return size


def _filter_checks() -> dict[str, Any]:
    def text_in(value, args, kwargs):
        _text_size_ok(value)
        return value, args, kwargs

    def slow_text(name):
        def check(value, args, kwargs):
            _slow_text(value, name)
            return value, args, kwargs
        return check

    def items_in(name):
        def check(value, args, kwargs):
            return _items(value, name), args, kwargs
        return check

    def center(value, args, kwargs):
        _text_size_ok(value)
        _count(args[0] if args else kwargs.get("width", 80), "center 的宽度")
        return value, args, kwargs

    def indent(value, args, kwargs):
        size = _text_size_ok(value)
        width = args[0] if args else kwargs.get("width", 4)
        each = len(width) if isinstance(width, str) else _count(width, "indent 的宽度")
        lines = (str(value).count("\n") + 1) if size else 1
        if size + lines * each > MAX_TEMPLATE_OUTPUT:
            raise _too_long("缩进后的文字", size + lines * each)
        return value, args, kwargs

    def replace(value, args, kwargs):
        _text_size_ok(value)
        if len(args) >= 2:
            _check_replace(str(value), str(args[0]), str(args[1]), args[2] if len(args) > 2 else kwargs.get("count"))
        return value, args, kwargs

    def wordwrap(value, args, kwargs):
        size = _slow_text(value, "wordwrap")
        width = args[0] if args else kwargs.get("width", 79)
        wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring") or "\n"
        lines = size // max(width, 1) + 1 if isinstance(width, int) else size + 1
        if size + lines * _size(wrap) > MAX_TEMPLATE_OUTPUT:
            raise _too_long("折行后的文字", size + lines * _size(wrap))
        return value, args, kwargs

    def format_(value, args, kwargs):
        _text_size_ok(value)
        _check_percent(str(value), kwargs or tuple(args))
        return value, args, kwargs

    def join(value, args, kwargs):
        items = _items(value, "join")
        items = list(items) if not isinstance(items, (list, tuple)) else items
        attribute = args[1] if len(args) > 1 else kwargs.get("attribute")
        if attribute is None:
            _check_join(items, args[0] if args else kwargs.get("d", ""))
        return items, args, kwargs

    def tojson(value, args, kwargs):
        indent_by = args[0] if args else kwargs.get("indent")
        each = len(indent_by) if isinstance(indent_by, str) else (indent_by if isinstance(indent_by, int) else 0)
        if each > 100:
            raise SandboxLimit("tojson 的缩进不能超过 100")
        size = _slow_text(value, "tojson")
        if size * (1 + each) > MAX_TEMPLATE_OUTPUT:
            raise _too_long("JSON 文字", size * (1 + each))
        return value, args, kwargs

    def urlize(value, args, kwargs):
        _slow_text(value, "urlize")
        extra = sum(_size(kwargs.get(k) or "") for k in ("target", "rel")) + sum(_size(a) for a in args[2:4])
        if extra > 1000:
            raise SandboxLimit("urlize 的 target、rel 太长")
        return value, args, kwargs

    def batch(value, args, kwargs):
        linecount = args[0] if args else kwargs.get("linecount", 1)
        if isinstance(linecount, int) and linecount > MAX_TEMPLATE_ITEMS:
            raise SandboxLimit(f"batch 的每组个数不能超过 {MAX_TEMPLATE_ITEMS:,}")
        return _items(value, "batch"), args, kwargs

    def slice_(value, args, kwargs):
        slices = args[0] if args else kwargs.get("slices", 1)
        if isinstance(slices, int) and slices > MAX_TEMPLATE_ITEMS:
            raise SandboxLimit(f"slice 的份数不能超过 {MAX_TEMPLATE_ITEMS:,}")
        return _items(value, "slice"), args, kwargs

    def sum_(value, args, kwargs):
        start = args[1] if len(args) > 1 else kwargs.get("start", 0)
        if isinstance(start, bool) or not isinstance(start, (int, float, Decimal)):
            raise SandboxLimit("sum 只能对数字求和（start 应为数字）")
        return _items(value, "sum"), args, kwargs

    checks = {name: text_in for name in (
        "string", "e", "escape", "forceescape", "upper", "lower", "capitalize", "trim", "truncate", "safe",
    )}
    checks.update({name: slow_text(name) for name in ("title", "striptags", "urlencode", "wordcount", "xmlattr",
                                                       "pprint")})
    checks.update({name: items_in(name) for name in (
        "sort", "unique", "groupby", "map", "select", "reject", "selectattr", "rejectattr", "min", "max", "list",
        "reverse", "dictsort", "items",
    )})
    checks.update(center=center, indent=indent, replace=replace, wordwrap=wordwrap, format=format_, join=join,
                  tojson=tojson, urlize=urlize, batch=batch, slice=slice_, sum=sum_)
    return checks


def _limited_filter(name: str, original: Any, check: Any) -> Any:
    mode = _PassArg.from_obj(original)

    @pass_context
    def limited(context, value, *args, **kwargs):
        value, args, kwargs = check(value, args, kwargs)
        if mode is _PassArg.context:
            result = original(context, value, *args, **kwargs)
        elif mode is _PassArg.eval_context:
            result = original(context.eval_ctx, value, *args, **kwargs)
        elif mode is _PassArg.environment:
            result = original(context.environment, value, *args, **kwargs)
        else:
            result = original(value, *args, **kwargs)
        return _spent_on(result)

    limited.__name__ = limited.__qualname__ = f"limited_{name}"
    return limited


_LIMITED_FILTERS = {name: _limited_filter(name, DEFAULT_FILTERS[name], check) for name, check in _filter_checks().items()}


def _loop_guard(iterable: nodes.Expr, chars: int, lineno: int) -> nodes.Call:
    """The iterable of a {% for %}, counted item by item (`chars`: the loop body's own text, spent each time).
    An EnvironmentAttribute call, which no template can write; `_LimitedCodeGenerator` calls it directly."""
    return nodes.Call(nodes.EnvironmentAttribute("guard_loop"), [iterable, nodes.Const(chars)], [], None, None,
                      lineno=lineno)


def _static_chars(body: list) -> int:
    """The literal text of a loop body, without the bodies of loops and macros inside it (they count themselves)."""
    total, stack = 0, list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif not isinstance(node, (nodes.For, nodes.Macro, nodes.CallBlock)):
            stack.extend(node.iter_child_nodes())
    return total


class _Guards(NodeTransformer):
    """Refuses number literals too big to print, and wraps each loop's iterable in a `LoopGuard`."""

    def __init__(self, name: str | None, filename: str | None):
        self.name, self.filename = name, filename

    def visit_Const(self, node: nodes.Const) -> nodes.Node:
        if type(node.value) is int and node.value.bit_length() > MAX_TEMPLATE_INT_BITS:
            raise TemplateSyntaxError(
                f"数字太大（超过约 {MAX_TEMPLATE_INT_BITS * 3 // 10} 位）", node.lineno, self.name, self.filename
            )
        return node

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        chars = _static_chars(node.body) + _static_chars(node.else_)
        node.iter = _loop_guard(node.iter, chars, node.lineno)
        if node.recursive:  # loop(children) starts the body again over new items: counted the same way
            for call in _loop_calls(node.body):
                call.args[0] = _loop_guard(call.args[0], chars, call.lineno)
        return node


def _loop_calls(body: list) -> list:
    calls, stack = [], list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "loop" and node.args:
            calls.append(node)
        if not isinstance(node, nodes.For):
            stack.extend(node.iter_child_nodes())
    return calls


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ~, list and mapping literals and loops going through the sandbox's checks."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.guard_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_Call(self, node: nodes.Call, frame, forward_caller: bool = False) -> None:
        if isinstance(node.node, nodes.EnvironmentAttribute) and node.node.name == "guard_loop":
            self.write("environment.guard_loop(")
            self.visit(node.args[0], frame)
            self.write(f", {int(node.args[1].value)})")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def visit_List(self, node: nodes.List, frame) -> None:
        self.write("environment.guard_size(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame) -> None:
        self.write("environment.guard_size(")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame) -> None:
        if node.ctx != "load":
            return super().visit_Tuple(node, frame)
        self.write("environment.guard_size(")
        super().visit_Tuple(node, frame)
        self.write(")")


def _counted(iterable: Any, chars: int, budget: _Budget):
    for item in iterable:
        budget.steps += 1
        budget.chars += chars
        if not budget.steps & 63 or budget.steps > MAX_TEMPLATE_STEPS or budget.chars > MAX_TEMPLATE_WORK:
            budget.check()
        yield item


class LimitedTemplate(Template):
    """A template whose render is bounded by the sandbox's limits; any failure is a `TemplateFailure`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        budget = _Budget()
        token = _BUDGET.set(budget)
        stream = None
        try:
            context = self.new_context(dict(*args, **kwargs))
            limit = getattr(self.environment, "max_output", MAX_TEMPLATE_OUTPUT)
            parts, total = [], 0
            stream = self.root_render_func(context)
            for part in stream:
                total += len(part)
                if total > limit:
                    where = _suspended_at(stream)
                    raise TemplateFailure(
                        f"模板生成的内容超过 {limit:,} 个字符，已停止（循环重复输出了大段内容？）",
                        *(where or (_file_of(self), None)),
                    )
                parts.append(part)
            return "".join(parts)
        except (TemplateFailure, PackError):
            raise
        except Exception as exc:
            where = _raised_at(exc)
            raise TemplateFailure(describe_error(exc), *(where or (_file_of(self), None))) from None
        finally:
            _BUDGET.reset(token)
            if stream is not None:
                stream.close()


def _raised_at(exc: BaseException) -> tuple[str | None, int | None] | None:
    """The template file and line where `exc` was raised (the innermost template frame; see `_innermost`)."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.filename or exc.name, exc.lineno
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            frames.append((_file_of(template), template.get_corresponding_lineno(tb.tb_lineno)))
        tb = tb.tb_next
    return _innermost(frames)


def _innermost(frames: list[tuple[str | None, int]]) -> tuple[str | None, int] | None:
    """The innermost template frame that is the pack's own rather than a shipped template's: a limit reached, or an
    error met, inside base's report.html while the pack's block or macro is running is the pack's line to fix."""
    shipped = str(TEMPLATES_DIR) + "/"
    own = [frame for frame in frames if not (frame[0] or "").startswith(shipped)]
    return (own or frames or [None])[-1]


def _file_of(template: Template) -> str | None:
    """The template's file, or its name when it has none (a template from a string or a test's DictLoader)."""
    filename = template.filename
    return filename if filename and not filename.startswith("<") else template.name


def _suspended_at(stream: Any) -> tuple[str | None, int | None] | None:
    """The template line a render stream is paused at (it just gave out the part that went over the limit)."""
    frames, generator = [], stream
    while generator is not None and getattr(generator, "gi_frame", None) is not None:
        frame = generator.gi_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            frames.append((_file_of(template), template.get_corresponding_lineno(frame.f_lineno)))
        generator = getattr(generator, "gi_yieldfrom", None)
    return _innermost(frames)


_PLAIN_VALUES = frozenset({str, Markup, int, float, bool, type(None), list, tuple, dict, Decimal})
# objects all or some of whose attributes Jinja's sandbox treats as internal (is_internal_attribute)
_INTERNAL_OWNERS = frozenset({
    types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.BuiltinMethodType, type, types.CodeType,
    types.TracebackType, types.FrameType, types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType,
})


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the resource limits above (see the comment that opens this section)."""

    code_generator_class = _LimitedCodeGenerator
    template_class = LimitedTemplate
    intercepted_binops = frozenset({"+", "*", "**", "%"})
    max_output = MAX_TEMPLATE_OUTPUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", _finalize)
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self.filters.update(_LIMITED_FILTERS)
        self.static_chars: dict[str | None, int] = {}

    # parsing: number literals, loops
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            tree = super()._parse(source, name, filename)
        except ValueError:  # Python refuses to read a number literal of more than 4,300 digits
            match = re.search(r"\d{4000,}", source)
            line = source.count("\n", 0, match.start()) + 1 if match else 1
            raise TemplateSyntaxError("数字太大（超过 4300 位）", line, name, filename) from None
        tree = _Guards(name, filename).visit(tree)
        self.static_chars[name] = sum(len(node.data) for node in tree.find_all(nodes.TemplateData))
        return tree

    def _load_template(self, name: str, globals: Any) -> Template:
        template = super()._load_template(name, globals)
        _spend(self.static_chars.get(name, 0), 1)  # an include or import inside a loop costs its text each time
        return template

    # running
    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                _check_int_product(left, right)
            elif isinstance(right, int):
                _check_repeat(left, right)
            elif isinstance(left, int):
                _check_repeat(right, left)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+":
            _check_sum(left, right)
        elif operator == "%" and isinstance(left, str):
            _text_size_ok(left)
            _check_percent(left, right)
        return _spent_on(self.binop_table[operator](left, right))

    def guard_concat(self, join: Any, parts: tuple) -> str:
        size = 0
        for part in parts:
            size += len(part) if type(part) is str else _size(part)
        if size > MAX_TEMPLATE_OUTPUT:
            raise _too_long("用 ~ 连接的文字", size)
        _spend(size)
        return join(parts)

    def guard_size(self, value: Any) -> Any:
        if len(value) > MAX_TEMPLATE_ITEMS:
            raise SandboxLimit(f"列表超过 {MAX_TEMPLATE_ITEMS:,} 项，已拒绝")
        _text_size_ok(value, "这个列表")
        return value

    def guard_loop(self, iterable: Any, chars: int) -> Any:
        budget = _BUDGET.get()
        return iterable if budget is None else _counted(iterable, chars, budget)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's spelling)
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"沙箱不允许调用 {getattr(__obj, '__name__', type(__obj).__name__)}")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (str, bytes)):
            args = _check_text_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        budget = _BUDGET.get()
        if budget is None:
            return __context.call(__obj, *args, **kwargs)
        budget.steps += 1
        budget.depth += 1
        try:
            if budget.depth > MAX_TEMPLATE_DEPTH:
                raise SandboxLimit(f"宏、块或循环嵌套调用超过 {MAX_TEMPLATE_DEPTH} 层（是否调用了自己？）")
            if not budget.steps & 63 or budget.steps > MAX_TEMPLATE_STEPS:
                budget.check()
            result = __context.call(__obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        kind = type(result)
        if kind is str or kind is Markup:
            budget.chars += len(result)
            if budget.chars > MAX_TEMPLATE_WORK:
                budget.check()
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed attribute lookup, with a fast way for the common case — a plain value (text, number,
        list, mapping) of an ordinary object — which is what a report template reads thousands of times."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)
        if type(value) in _PLAIN_VALUES and not attribute.startswith("_") and type(obj) not in _INTERNAL_OWNERS:
            return value
        wrapped = self.wrap_str_format(value)  # the rest as in SandboxedEnvironment.getattr, with the value in hand
        if wrapped is not None:
            return wrapped
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)

    def wrap_str_format(self, value: Any) -> Any:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        text, is_map = value.__self__, value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            if is_map and len(args) == 1 and isinstance(args[0], abc.Mapping):
                _check_braces(text, (), dict(args[0]))
            else:
                _check_braces(text, args, kwargs)
            return _spent_on(wrapper(*args, **kwargs))

        return checked

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        hint = "（模板不能改动列表、字典）" if modifies_known_mutable(obj, attribute) else ""
        return self.undefined(
            f"沙箱不允许访问 {type(obj).__name__} 对象的属性“{attribute}”{hint}",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )


# --- errors in Chinese ---------------------------------------------------------------------------------------------
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
    (re.compile(r"unexpected end of template, expected '(.+?)'\.?$", re.I), lambda m: f"模板意外结束，缺少“{_token(m[1])}”"),
    (re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. The innermost block "
                r"that needs to be closed is '(.+?)'\.", re.S), lambda m: f"模板意外结束：“{m[2]}”没有结束（缺少 {m[1]}）"),
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
    (re.compile(r"(?:cannot|can't) assign attribute on non-namespace object"), lambda m: "只能给 namespace 对象的属性赋值"),
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
    (re.compile(r'can only concatenate (\w+) \(not "(\w+)"\) to \w+'), lambda m: f"{m[1]} 只能与 {m[1]} 相加，不能加 {m[2]}"),
    (re.compile(r"can't multiply sequence by non-int of type '(.+?)'"), lambda m: f"文字或列表只能乘以整数，不能乘以 {m[1]}"),
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


def syntax_zh(message: str) -> str:
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
    kind = {TypeError: "类型不对", ValueError: "值不对", KeyError: "没有这个键", IndexError: "下标超出范围",
            AttributeError: "没有这个属性"}.get(type(exc))
    return f"{kind or '模板执行出错'}（{type(exc).__name__}：{message}）"


class PackTemplate(LimitedTemplate):
    """A pack template: a failure is a `PackError` naming the pack, the file and the line."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except TemplateFailure as failure:
            raise PackError(_located(self.environment, failure)) from None


def _located(env: Any, failure: TemplateFailure) -> str:
    filename = failure.filename or "report.html"
    where = f"{filename}:{failure.lineno}" if failure.lineno else filename
    return f"{where}: 模板包“{getattr(env, 'pack_name', '?')}”的模板 {Path(filename).name} 有误：{failure.detail}"


class PackSandbox(LimitedSandbox):
    """The sandbox a pack's templates (report.html, report.css, …) render in."""

    template_class = PackTemplate
    pack_name = "?"

    def _load_template(self, name: str, globals: Any) -> Template:
        try:
            return super()._load_template(name, globals)
        except TemplateSyntaxError as exc:  # a template edited after the pack was loaded (govreport serve)
            where = _raised_at(exc) or (exc.filename or name, None)
            raise PackError(_located(self, TemplateFailure(describe_error(exc), *where))) from None


@dataclass(eq=False)  # hashed by identity: load_pack caches one object per chain
class Pack:
    name: str
    display_name: str
    dirs: list[Path]  # most specific first
    chain: list[str]  # pack names, most specific first
    settings: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)
    stamp: tuple = field(default=(), repr=False)  # the chain's pack.yaml files when loaded (see load_pack)
    # where each wording setting was written: "title", "signature.issuer", "sections.<id>.text" →
    # (pack.yaml, line of its key, whether the text starts on the next line)
    origins: dict[str, tuple[Path, int, bool]] = field(default_factory=dict, repr=False)

    @cached_property
    def env(self) -> PackSandbox:
        loader = ChoiceLoader(
            [_PackLoader(d) for d in self.dirs]
            + [PrefixLoader({name: _PackLoader(d) for name, d in zip(self.chain, self.dirs)})]
        )
        env = PackSandbox(
            loader=loader,
            autoescape=select_autoescape(["html", "htm", "xml"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.pack_name = self.name
        env.filters["css_fonts"] = css_fonts
        return env

    @cached_property
    def text_env(self) -> LimitedSandbox:
        """For wording strings from pack.yaml: plain text, no autoescaping, unknown names are errors."""
        return _text_sandbox()

    @property
    def custom(self) -> bool:
        """Whether any folder of the chain is not one of the packs shipped in templates/ (whose templates are tested)."""
        shipped = TEMPLATES_DIR.resolve()
        return any(not d.resolve().is_relative_to(shipped) for d in self.dirs)

    def text(self, key: str, **context: Any) -> str:
        template = self.settings.get(key)
        if template is None:
            return ""
        return self.render_text(str(template), f"{key}", **context)

    def render_text(self, template: str, where: str, **context: Any) -> str:
        try:
            compiled = self._compiled.get(template)
            if compiled is None:  # compiled once per pack: a batch renders the same wording thousands of times
                compiled = self._compiled[template] = self.text_env.from_string(template)
            return compiled.render(**context).strip()
        except TemplateFailure as failure:  # a sandbox limit, an unknown name, a refused attribute…
            raise PackError(self._setting_error(where, failure.detail, failure.lineno)) from None
        except TemplateSyntaxError as exc:  # checked when the pack loaded; only a setting given in code gets here
            raise PackError(self._setting_error(where, describe_error(exc), exc.lineno)) from None
        except PackError:
            raise
        except Exception as exc:  # anything else the sandbox let through: still a located, Chinese error
            raise PackError(self._setting_error(where, describe_error(exc), None)) from None

    def _setting_error(self, where: str, detail: str, lineno: int | None) -> str:
        message = f"模板包“{self.name}”的设置 {where} 有误：{detail}"
        origin = self.origins.get(where)
        if origin is None:
            return message
        path, line, block = origin
        return f"{path}:{line + (lineno or 1) - 1 + (1 if block else 0)}: {message}"

    def file(self, name: str) -> Path | None:
        for d in self.dirs:
            candidate = d / name
            if candidate.is_file():
                return candidate
        return None

    @property
    def sections(self) -> list[dict]:
        """The pack's extra sections, in order (validated when the pack loaded)."""
        return list(self.settings.get("sections") or [])


def css_fonts(names: list[str] | str) -> str:
    """A CSS font-family list, each name quoted (the quotes must never be HTML-escaped inside <style>)."""
    if isinstance(names, str):
        names = [names]
    quoted = ['"' + name.replace('\\', '').replace('"', '') + '"' for name in names]
    return ", ".join(quoted + ["serif"])


def _merge_sections(base: list, override: list) -> list:
    """Extra sections merge by id: a child redefines a parent's section field by field, or adds new ones."""
    out = [dict(s) for s in base]
    index = {s.get("id"): i for i, s in enumerate(out)}
    for section in override:
        if section.get("id") in index:
            out[index[section["id"]]].update(section)
        else:
            out.append(dict(section))
    return out


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if key == "sections" and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_sections(out[key], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


# --- reading and checking one pack.yaml ------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """Decimals (how the line-keeping reader gives decimals) as floats, for CSS and python-docx."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Checker:
    """Collects every problem of one pack.yaml with its line, then raises them together (like MkDocs' config)."""

    def __init__(self, path: Path, source):
        self.path = path
        self.source = source
        self.problems: list[tuple[int, str]] = []
        self.env = _text_sandbox()

    def add(self, loc: tuple, message: str, line: int | None = None) -> None:
        self.problems.append((line or self.source.line_of(loc) or 1, message))

    def raise_if_any(self) -> None:
        if self.problems:
            lines = [f"{self.path}:{line}: {message}" for line, message in sorted(self.problems)]
            raise PackError("\n".join(lines))

    def template(self, loc: tuple, value: Any, placeholders: tuple[str, ...] | None) -> None:
        name = ".".join(str(p) for p in loc[1:])
        if not isinstance(value, str):
            self.add(loc, f"设置 {name} 应为文字（可含 {{{{ 占位符 }}}}），而不是 {value!r}")
            return
        try:
            parsed = self.env.parse(value)
            unknown = sorted(meta.find_undeclared_variables(parsed) - set(placeholders)) if placeholders is not None else []
            self.env.compile(parsed)  # whatever only compiling finds (an assignment to loop, …)
        except TemplateSyntaxError as exc:
            line = (self.source.line_of(loc) or 1) + (exc.lineno or 1) - 1 + (1 if "\n" in value else 0)
            self.add(loc, f"设置 {name} 的模板语法错误：{syntax_zh(exc.message)}", line)
            return
        except Exception as exc:  # noqa: BLE001 — whatever Jinja raises on a strange setting is the pack's error
            self.add(loc, f"设置 {name} 有误：{describe_error(exc)}")
            return
        if unknown:
            self.add(loc, f"设置 {name} 用了未知的占位符 {'、'.join(unknown)}；可用：{'、'.join(placeholders)}")

    def value(self, loc: tuple, kind: Any, value: Any) -> None:
        name = ".".join(str(p) for p in loc[1:])
        if isinstance(kind, dict):
            if not isinstance(value, dict):
                self.add(loc, f"设置 {name} 应为“键: 值”的映射，而不是 {value!r}")
                return
            for key, item in value.items():
                if key not in kind:
                    self.add(loc + (key,), f"未知的设置 {name}.{key}；此处可用：{'、'.join(kind)}")
                else:
                    self.value(loc + (key,), kind[key], item)
        elif kind == "template":
            self.template(loc, value, PLACEHOLDERS[name])
        elif kind == "text":
            if not isinstance(value, str):
                self.add(loc, f"设置 {name} 应为文字，而不是 {value!r}")
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value <= 0:
                self.add(loc, f"设置 {name} 应为正数，而不是 {value!r}")
        elif kind == "fonts":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
                self.add(loc, f"设置 {name} 应为字体名或字体名列表，而不是 {value!r}")
        elif kind == "page_size":
            if value not in PAGE_SIZES:
                self.add(loc, f"设置 {name} 应为 {'、'.join(PAGE_SIZES)} 之一，而不是 {value!r}")
        elif kind == "sections":
            self.sections(loc, value)
        elif kind == "any_template":
            self.template(loc, value, None)
        elif kind == "list":
            if not isinstance(value, list):
                self.add(loc, f"设置 {name} 应为列表，而不是 {value!r}")

    def sections(self, loc: tuple, value: Any) -> None:
        if not isinstance(value, list):
            self.add(loc, f"设置 sections 应为列表（每项以“- id: …”开头），而不是 {value!r}")
            return
        seen: set[str] = set()
        for i, section in enumerate(value):
            here = loc + (i,)
            if not isinstance(section, dict):
                self.add(here, f"sections 第{i + 1}项应为“键: 值”的映射")
                continue
            for key in section:
                if key not in SECTION_KEYS:
                    self.add(here + (key,), f"未知的章节设置 {key}；可用：{'、'.join(SECTION_KEYS)}")
            sid = section.get("id")
            if not isinstance(sid, str) or not SECTION_ID.match(sid):
                self.add(here, f"sections 第{i + 1}项的 id 应为英文小写字母开头的标识（如 proposals），而不是 {sid!r}")
            elif sid in seen:
                self.add(here, f"sections 里 id “{sid}”重复")
            else:
                seen.add(sid)
            if "part" in section and section["part"] not in PART_IDS:
                self.add(here + ("part",), f"章节 {sid} 的 part 应为 {'/'.join(PART_IDS)} 之一（一…六），而不是 {section['part']!r}")
            for key in ("required", "numbered"):
                if key in section and not isinstance(section[key], bool):
                    self.add(here + (key,), f"章节 {sid} 的 {key} 应为 true 或 false")
            for key in ("heading", "text"):
                if key in section:
                    self.template(here + (key,), section[key], PLACEHOLDERS[f"sections.{key}"])


def _read_pack_yaml(directory: Path, origins: dict | None = None) -> dict:
    """pack.yaml checked against `SETTINGS`; `origins` gets where each wording setting is (see `Pack.origins`)."""
    from .model.source import SourceError, decode, load_text

    path = directory / "pack.yaml"
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise PackError(f"{path}:1: pack.yaml 超过 {MAX_INPUT_BYTES:,} 字节，不像是模板包的设置，已拒绝")
        text = decode(path.read_bytes())
        source = load_text(text, path) if text.strip() else None
    except FileNotFoundError:
        raise PackError(f"模板包目录 {directory} 里没有 pack.yaml") from None
    except SourceError as exc:
        raise PackError(f"{path}:{exc.line or 1}: pack.yaml 格式错误：{exc.message}") from None
    except OSError as exc:
        raise PackError(f"{path}: 无法读取：{exc.strerror or exc}") from None
    except RecursionError:  # a reader without depth limits, on a deeply nested file
        raise PackError(f"{path}:1: pack.yaml 格式错误：嵌套太深") from None
    if source is None:
        return {}
    data = source.data
    if not isinstance(data, dict):
        raise PackError(f"{path}:1: pack.yaml 顶层应为“键: 值”的映射")
    checker = _Checker(path, source)
    for key in data:
        if key not in TOP_LEVEL:
            checker.add((key,), f"未知的键“{key}”；pack.yaml 顶层可用：{'、'.join(TOP_LEVEL)}")
    for key in ("name", "display_name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            checker.add((key,), f"{key} 应为文字")
    extends = data.get("extends")
    if extends is not None and (not isinstance(extends, str) or not PACK_NAME.match(extends)):
        checker.add(("extends",), f"extends 应为模板包名称（字母、数字、下划线、连字符），而不是 {extends!r}")
    settings = data.get("settings")
    if settings is not None:
        if not isinstance(settings, dict):
            checker.add(("settings",), "settings 应为“键: 值”的映射")
        else:
            known = setting_kinds()
            for key, value in settings.items():
                if key in known:
                    checker.value(("settings", key), known[key], value)
                elif directory.resolve() != BASE_DIR:  # base declares the settings; a pack can only override them
                    checker.add(("settings", key), f"未知的设置 {key}；可用：{'、'.join(known)}")
    checker.raise_if_any()
    if origins is not None and isinstance(settings, dict):
        _note_origins(path, source, settings, origins)
    return _plain(data)


def _note_origins(path: Path, source, settings: dict, origins: dict) -> None:
    """Where each text setting of this pack.yaml is, keyed as `Pack.render_text` names it."""

    def note(key: str, loc: tuple, value: Any) -> None:
        line = source.lines.get(loc)
        if line is not None and isinstance(value, str):
            origins[key] = (path, line, "\n" in value)

    for key, value in settings.items():
        if key == "sections" and isinstance(value, list):
            for i, section in enumerate(value):
                if isinstance(section, dict) and isinstance(section.get("id"), str):
                    for field_name in ("heading", "text"):
                        if field_name in section:
                            note(f"sections.{section['id']}.{field_name}", ("settings", key, i, field_name), section[field_name])
        elif isinstance(value, dict):
            for sub, item in value.items():
                note(f"{key}.{sub}", ("settings", key, sub), item)
        else:
            note(str(key), ("settings", key), value)


BASE_DIR = TEMPLATES_DIR / "base"


def _inferred_kind(value: Any) -> Any:
    """The kind of a setting base declares that `SETTINGS` does not describe: inferred from base's own value."""
    if isinstance(value, dict):
        return {key: _inferred_kind(item) for key, item in value.items()}
    if isinstance(value, str):
        return "any_template"
    if isinstance(value, list):
        return "list"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return "number"
    return None


@lru_cache(maxsize=1)
def setting_kinds() -> dict[str, Any]:
    """Every setting a pack may override: `SETTINGS`, then any other setting the base pack declares."""
    from .model.source import load_file

    kinds = {key: kind for key, (kind, _) in SETTINGS.items()}
    try:
        declared = load_file(BASE_DIR / "pack.yaml").data.get("settings") or {}
    except Exception:  # base itself broken: reported when it is loaded
        declared = {}
    for key, value in declared.items():
        kinds.setdefault(key, _inferred_kind(value))
    return kinds


def _text_sandbox() -> LimitedSandbox:
    """The sandbox of wording settings: plain text, unknown names are errors, at most MAX_SETTING_CHARS out."""
    env = LimitedSandbox(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
    env.max_output = MAX_SETTING_CHARS
    return env


_REFERENCES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


def _check_templates(pack: Pack) -> None:
    """Every template file of every folder of the chain is readable, compiles in the sandbox, names the templates it
    extends, includes or imports as fixed text, and those exist; and no chain of extends/include/import comes back
    to where it started (a report.html extending "report.html" is itself) — all found here, when the pack loads,
    so `check` and `templates list` report them with their file and line and `render` never meets them."""
    env = pack.env
    edges: dict[str, list[tuple[str, int, str]]] = {}  # file → (file it uses, line, how: 'extends "x"')
    for directory in pack.dirs:
        root = directory.resolve()
        for path in sorted(directory.iterdir()):
            if path.suffix not in TEMPLATE_SUFFIXES:
                continue
            if not path.resolve().is_relative_to(root):
                raise PackError(f"{path}: 模板文件指向模板包目录之外（{path.resolve()}），已拒绝")
            if not path.is_file():
                continue
            edges[str(path)] = _template_references(env, path)
    _refuse_cycles(edges)


_CHECKED: dict[tuple[str, int, int], list[tuple[str, int, list[str], bool]]] = {}  # see _references


def _references(env: PackSandbox, path: Path) -> list[tuple[str, int, list[str], bool]]:
    """The template file compiled in the sandbox, and what it extends, includes or imports: (how, line, names,
    ignore missing). Remembered by file, time and size, so that loading many packs compiles base's templates once."""
    try:
        status = path.stat()
        key = (str(path), status.st_mtime_ns, status.st_size)
        if key in _CHECKED:
            return _CHECKED[key]
        if status.st_size > MAX_TEMPLATE_BYTES:
            raise PackError(f"{path}:1: 模板文件超过 {MAX_TEMPLATE_BYTES:,} 字节，已拒绝")
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: 无法读取（应为 UTF-8 文本）：{exc}") from None
    try:
        tree = env.parse(source, path.name, str(path))
        env.compile(tree, path.name, str(path))
    except TemplateSyntaxError as exc:
        raise PackError(f"{path}:{exc.lineno or 1}: 模板语法错误：{syntax_zh(exc.message)}") from None
    except Exception as exc:  # noqa: BLE001 — whatever Jinja raises on a strange template is the pack's error
        raise PackError(f"{path}:{getattr(exc, 'lineno', None) or 1}: 模板有误：{describe_error(exc)}") from None
    found = []
    for node in tree.find_all(_REFERENCES):
        how = {nodes.Extends: "extends", nodes.Include: "include"}.get(type(node), "import")
        target = node.template
        names = [target.value] if isinstance(target, nodes.Const) else (
            [item.value for item in target.items] if isinstance(target, (nodes.List, nodes.Tuple))
            and all(isinstance(item, nodes.Const) for item in target.items) else None
        )
        if names is None or not all(isinstance(n, str) for n in names):
            raise PackError(
                f"{path}:{node.lineno}: {how} 的模板名应写成固定的文字（如 \"base/report.html\"），不能用变量或表达式"
            )
        for name in names:
            if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name:
                raise PackError(f"{path}:{node.lineno}: {how} 的模板名“{name}”越出了模板包目录（不能含 .. 或以 / 开头），已拒绝")
        found.append((how, node.lineno, names, bool(getattr(node, "ignore_missing", False)) or len(names) > 1))
    if len(_CHECKED) > 512:
        _CHECKED.clear()
    _CHECKED[key] = found
    return found


def _template_references(env: PackSandbox, path: Path) -> list[tuple[str, int, str]]:
    """(file it uses, line, how) for each template `path` extends, includes or imports, found as the pack would."""
    found = []
    for how, line, names, optional in _references(env, path):
        for name in names:
            try:
                _source, filename, _uptodate = env.loader.get_source(env, name)
            except TemplateNotFound:
                if optional:
                    continue
                raise PackError(f"{path}:{line}: {how} 的模板“{name}”找不到（模板包链：{' → '.join(_env_chain(env))}）") from None
            except SecurityError as exc:
                raise PackError(f"{path}:{line}: {exc}") from None
            found.append((str(Path(filename)), line, f'{how} "{name}"'))
    return found


def _env_chain(env: PackSandbox) -> list[str]:
    loaders = getattr(env.loader, "loaders", [])
    prefix = next((loader for loader in loaders if isinstance(loader, PrefixLoader)), None)
    return list(prefix.mapping) if prefix is not None else []


def _refuse_cycles(edges: dict[str, list[tuple[str, int, str]]]) -> None:
    """A chain of extends/include/import that comes back to its start would recurse without end: refused."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[tuple[str, int, str]]) -> None:
        state[node] = 1
        for target, line, how in edges.get(node, ()):
            step = path + [(node, line, how)]
            if state.get(target) == 1:
                start = next(i for i, (n, _, _) in enumerate(step) if n == target)
                loop = step[start:]
                shown = " → ".join(f"{Path(n).name}:{ln} {h}" for n, ln, h in loop)
                first, first_line, _ = loop[0]
                raise PackError(
                    f"{first}:{first_line}: 模板引用成环（extends/include/import 最终又回到了自己，会无限递归）：{shown}"
                )
            if state.get(target) is None:
                visit(target, step)
        state[node] = 2

    for node in edges:
        if state.get(node) is None:
            visit(node, [])


# --- finding and loading packs -----------------------------------------------------------------------------
def find_pack_dir(name: str, roots: tuple[Path, ...]) -> Path:
    if not isinstance(name, str) or not PACK_NAME.match(name):
        raise PackError(f"模板包名称“{name}”不合法：只能用字母、数字、下划线和连字符（不能含 / 或 ..）")
    if name == "base":  # the shipped base always ends the chain: it holds every setting the writers read
        roots = (TEMPLATES_DIR,)
    for root in roots:
        candidate = root / name
        if (candidate / "pack.yaml").is_file():
            resolved = candidate.resolve()
            if not resolved.is_relative_to(root.resolve()):
                raise PackError(f"模板包“{name}”指向模板目录之外（{resolved}），已拒绝")
            return candidate
    raise PackError(f"找不到模板包“{name}”（已查找：{'、'.join(str(r) for r in roots)}）；可用 govreport templates list 查看")


def load_pack(name: str = "base", roots: tuple[Path, ...] = (TEMPLATES_DIR,), agency: Path | None = None) -> Pack:
    """The pack `name` with its chain; `agency` is an agency's own folder laid over the whole chain.

    Loaded once per process, and again when a `pack.yaml` of the chain changes on disk, so that a running
    `govreport serve` shows a provincial office's edits (Jinja notices edited templates by itself).
    """
    pack = _load_pack(name, roots, agency)
    if pack.stamp != _stamp(pack.dirs):
        _load_pack.cache_clear()
        pack = _load_pack(name, roots, agency)
    return pack


def _stamp(dirs: list[Path]) -> tuple:
    """When and how big each folder's pack.yaml is (None where it is gone)."""
    stamp = []
    for directory in dirs:
        try:
            status = (directory / "pack.yaml").stat()
            stamp.append((status.st_mtime_ns, status.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


@lru_cache(maxsize=64)
def _load_pack(name: str, roots: tuple[Path, ...], agency: Path | None) -> Pack:
    started = time.time_ns()
    dirs: list[Path] = []
    chain: list[str] = []  # names of the layers, most specific first
    seen: list[str] = []  # pack names met, for loops
    layers: list[dict] = []
    origins: list[dict] = []  # per layer, where its wording settings are
    if agency is not None:
        origins.append({})
        data = _read_pack_yaml(agency, origins[-1]) if (agency / "pack.yaml").is_file() else {}
        if data.get("extends"):
            raise PackError(
                f"{_key_line(agency / 'pack.yaml', 'extends')}: 机关自己的模板目录不写 extends："
                "它叠加在输入文件 template: 指定的模板包之上"
            )
        dirs.append(agency)
        chain.append(str(data.get("name") or agency.name))
        layers.append(data)
    current: str | None = name
    while current:
        if current in seen:
            raise PackError(f"{_key_line(dirs[-1] / 'pack.yaml', 'extends')}: 模板包继承出现循环：{' → '.join(seen + [current])}")
        seen.append(current)
        directory = find_pack_dir(current, roots)
        origins.append({})
        data = _read_pack_yaml(directory, origins[-1])
        if data.get("name") and data["name"] != current:
            raise PackError(f"{_key_line(directory / 'pack.yaml', 'name')}: name 为“{data['name']}”，与目录名“{current}”不一致")
        dirs.append(directory)
        chain.append(current)
        layers.append(data)
        current = data.get("extends") or (None if current == "base" else "base")
    settings: dict = {}
    for data in reversed(layers):
        settings = _deep_merge(settings, data.get("settings") or {})
    top = layers[1] if agency is not None and len(layers) > 1 and not layers[0].get("display_name") else layers[0]
    for section in settings.get("sections") or []:  # a child may set only some fields of a parent's section
        missing = [key for key in ("heading", "part") if not section.get(key)]
        if missing:
            where = _key_line(dirs[0] / "pack.yaml", "sections") if (dirs[0] / "pack.yaml").is_file() else dirs[0]
            raise PackError(f"{where}: 章节 {section.get('id')} 缺少 {'、'.join(missing)}（模板包链：{' → '.join(chain)}）")
    pack = Pack(
        name=name,
        display_name=str(top.get("display_name") or name),
        dirs=dirs,
        chain=chain,
        settings=settings,
        description=str(top.get("description") or ""),
        origins={key: where for layer in reversed(origins) for key, where in layer.items()},
    )
    _check_templates(pack)
    stamp = _stamp(dirs)
    # A pack.yaml written while it was being read (or within the file system's clock step) is read again next time.
    pack.stamp = tuple(None if part and part[0] >= started - 2_000_000_000 else part for part in stamp)
    return pack


def _key_line(path: Path, key: str) -> str:
    """"path:line" of the first `key:` in a pack.yaml (already read and checked once), for an error about that key."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"{path}:1"
    pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}\s*:")
    return f"{path}:{next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)}"


def roots_for(templates: Path | None) -> tuple[Path, ...]:
    return (Path(templates).resolve(), TEMPLATES_DIR) if templates else (TEMPLATES_DIR,)


def pack_named(template: str | None, templates: Path | None = None) -> Pack:
    """The pack an input asks for (`template:`), searched first in an agency's `--templates DIR`.

    DIR holds packs as sub-folders (DIR/<name>/pack.yaml); files directly in DIR (its own pack.yaml with settings,
    report.html, report.css) override the whole chain for this run, like MkDocs' custom_dir.
    """
    roots = roots_for(templates)
    agency = None
    if templates is not None:
        folder = Path(templates).resolve()
        if not folder.is_dir():
            raise PackError(f"模板目录 {templates} 不存在或不是目录")
        if (folder / "pack.yaml").is_file() or any(folder.glob("*.html")) or any(folder.glob("*.css")):
            agency = folder
    return load_pack(template or "base", roots, agency)


def available_packs(templates: Path | None = None) -> list[tuple[str, Path]]:
    """Every pack folder found (name, folder), the agency's first; a name found twice is listed once (first wins)."""
    found: dict[str, Path] = {}
    for root in roots_for(templates):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / "pack.yaml").is_file() and PACK_NAME.match(folder.name) and folder.name not in found:
                found[folder.name] = folder
    return sorted(found.items(), key=lambda item: (item[0] != "base", item[0]))


# --- `govreport templates new`: a documented skeleton pack ----------------------------------------------------
BLOCKS = {
    "extra_css": "追加的 CSS（只影响 HTML 和 PDF），如 .govreport .title { letter-spacing: 2pt; }",
    "header": "标题区（默认一行 <h1 class=\"title\">）；可在标题前后加一行，如文号",
    "preface": "前言区",
    "sections": "六个部分（标题、正文和表格）",
    "signature": "落款区（发文机关和日期）",
}


def _yaml_scalar(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _yaml_lines(key: str, value: Any, indent: int) -> list[str]:
    """`key: value` as YAML lines (multi-line text as a literal block, font lists in flow style)."""
    pad = " " * indent
    if isinstance(value, str) and "\n" in value.strip():
        # blank lines keep the block's indentation, so that uncommenting them leaves the block whole
        return [f"{pad}{key}: |"] + [f"{pad}  {line}" for line in value.strip().split("\n")]
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for k, v in value.items():
            lines += _yaml_lines(_yaml_scalar(k) if not str(k).isidentifier() else str(k), v, indent + 2)
        return lines
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [f"{pad}{key}: [{', '.join(_yaml_scalar(v) for v in value)}]"]
        lines = [f"{pad}{key}:"]
        for item in value:
            first = True
            for k, v in item.items():
                sub = _yaml_lines(k, v, indent + 4)
                if first:
                    sub[0] = f"{pad}  - " + sub[0].lstrip()
                    first = False
                lines += sub
        return lines
    return [f"{pad}{key}: {_yaml_scalar(value)}"]


def _commented(lines: list[str]) -> list[str]:
    return ["  # " + line[2:] for line in lines]


SECTION_EXAMPLE = [
    {"id": "proposals", "heading": "人大代表建议和政协提案办理结果公开情况", "part": "other", "required": True},
    {
        "id": "key_tasks",
        "heading": "年度政务公开工作要点落实情况",
        "part": "other",
        "required": False,
        "text": "{{ year }}年，本机关按照年度政务公开工作要点逐项落实。",
    },
]


def scaffold_pack(name: str, parent: Pack, display_name: str = "") -> dict[str, str]:
    """The files of a new pack extending `parent`: pack.yaml listing every setting (commented out, with the value
    it inherits) and report.html listing every block. As written it renders exactly like `parent`."""
    kinds = setting_kinds()
    chain = " → ".join([name] + parent.chain)
    lines = [
        f"# 模板包 {name}：继承 {parent.name}（{parent.display_name}）。模板包链：{chain}。",
        "# 只写要改的设置：去掉该设置各行开头的“# ”再修改；没写的设置全部继承上一级，上一级以后的修改也随之生效。",
        "# 映射类设置（fonts、sizes、page、notices…）只需写要改的那一项，如只改正文字号：",
        "#   sizes:",
        "#     body: 15",
        "# 文字类设置可用 {{ 占位符 }}（每项注释列出可用的占位符），按 Jinja 语法，在沙箱中渲染。",
        "# 凡 pack.yaml 里的设置都同时作用于 HTML、DOCX 和 PDF；report.html 的块覆盖只影响 HTML 和 PDF。",
        "# 使用：输入文件写 template: " + name + "，核对与生成时加 --templates <本目录的上一级目录>：",
        "#   govreport check 报告.yaml --templates DIR",
        "#   govreport render 报告.yaml -o 输出目录 --templates DIR",
        "# 详见 docs/packs.md。",
        f"name: {name}",
        f"display_name: {_yaml_scalar(display_name or name)}",
        'description: ""',
        f"extends: {parent.name}",
        "",
        "settings:",
    ]
    for key in kinds:
        doc = SETTINGS[key][1] if key in SETTINGS else "（base 模板包声明的设置，说明见 templates/base/pack.yaml）"
        lines.append(f"  # —— {key}：{doc}")
        value = parent.settings.get(key)
        if key == "sections":
            lines.append("  # 例（子模板包按 id 覆盖父模板包的同名章节；输入文件在 text.sections.<id> 写该节文字）：")
            value = parent.sections or SECTION_EXAMPLE
        if value is None:
            continue
        lines += _commented(_yaml_lines(key, value, 2))
        lines.append("")
    base_html = next((f"{n}/report.html" for n, d in zip(parent.chain, parent.dirs) if (d / "report.html").is_file()),
                     "base/report.html")
    block_lines = "\n".join(f"    {block}：{doc}" for block, doc in BLOCKS.items())
    html = (
        "{#- 模板包 " + name + " 的版式覆盖：只写要改的块，其余继承 " + base_html + "。\n"
        "    注意：这里的改动只影响 HTML 和 PDF。报告的文字（标题、前言、附加章节、落款）请改 pack.yaml，\n"
        "    它们在生成文档时就已确定，所以 HTML、DOCX、PDF 三者一致。\n"
        "    可覆盖的块：\n" + block_lines + "\n"
        "    写法（去掉外层注释后生效），{{ super() }} 保留上一级的内容：\n"
        "    {% block header %}{{ super() }}<p class=\"doc-number\">（此处加一行）</p>{% endblock %}\n"
        "    {% block extra_css %}.govreport .doc-number { text-align: center; text-indent: 0; }{% endblock %}\n"
        "    模板在沙箱中渲染，可用的变量：doc（文档：title、preface、sections、signature、meta）、settings。\n"
        "-#}\n"
        '{% extends "' + base_html + '" %}\n'
    )
    return {"pack.yaml": "\n".join(lines).rstrip() + "\n", "report.html": html}
