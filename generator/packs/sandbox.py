"""The sandbox: Jinja with resource limits.

A pack's templates and wording are rendered in `LimitedSandbox`: Jinja's immutable sandbox (no attribute starting
with "_", no list or dict changed in place) that also bounds what a template can cost, so that a slip such as
{{ "x" * 300000000 }}, {% for i in range(10**9) %}, {{ 10 ** 5000 }} or a macro calling itself ends in a located
Chinese error in well under a second instead of minutes, a traceback or all the memory:
  - no string or list longer than MAX_TEMPLATE_OUTPUT (checked before it is made: repetition, +, ~, %, format,
    join, center, indent, replace…), no list or range of more than MAX_TEMPLATE_ITEMS items, no number of more
    than MAX_TEMPLATE_INT_BITS bits (checked before * and ** compute it), no number literal that big either;
  - per render, at most MAX_TEMPLATE_STEPS loop iterations and calls, MAX_TEMPLATE_WORK characters made in all,
    MAX_TEMPLATE_DEPTH nested calls, MAX_TEMPLATE_OUTPUT characters of output (a wording setting:
    MAX_SETTING_CHARS), and MAX_TEMPLATE_SECONDS of CPU time (for slow steps the counts do not weigh);
  - filters that work character by character in Python take at most MAX_TEMPLATE_SLOW_TEXT characters, and list
    filters at most MAX_TEMPLATE_ITEMS items;
  - extends/include/import name fixed templates inside the pack's folders and never come back to where they
    started (checked when the pack loads: `environment.check_templates`).
Every failure is a `TemplateFailure` (a `PackError` for a pack's templates) with a Chinese message, the file and the
line. The bookkeeping is a few additions per loop iteration, call and {{ … }}: the normal render does not notice it
(attribute lookups, which it does thousands of times, are even faster than Jinja's own: see `getattr`).
"""

from __future__ import annotations

import re
import time
import types
from collections import abc, deque
from contextvars import ContextVar
from decimal import Decimal
from itertools import islice
from string import Formatter
from typing import Any, Generator, cast

from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, modifies_known_mutable
from jinja2.utils import Namespace, _PassArg, generate_lorem_ipsum, pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from ..limits import (
    MAX_TEMPLATE_DEPTH,
    MAX_TEMPLATE_INT_BITS,
    MAX_TEMPLATE_ITEMS,
    MAX_TEMPLATE_OUTPUT,
    MAX_TEMPLATE_SECONDS,
    MAX_TEMPLATE_SLOW_TEXT,
    MAX_TEMPLATE_STEPS,
    MAX_TEMPLATE_WORK,
)
from .errors import PackError, SandboxLimit, TemplateFailure, describe_error
from .paths import TEMPLATES_DIR

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
    about = "" if size is None else f"（约 {size:,}）"
    return SandboxLimit(f"{what}会超过 {MAX_TEMPLATE_OUTPUT:,} 个字符{about}，已拒绝")


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
        digits = MAX_TEMPLATE_INT_BITS * 3 // 10
        raise SandboxLimit(f"乘积会超过 {MAX_TEMPLATE_INT_BITS} 位二进制（约 {digits} 位数字），已拒绝")


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


_LIMITED_FILTERS = {
    name: _limited_filter(name, DEFAULT_FILTERS[name], check) for name, check in _filter_checks().items()
}


def _loop_guard(iterable: nodes.Node, chars: int, lineno: int) -> nodes.Call:
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
        node = cast(nodes.For, self.generic_visit(node))  # generic_visit returns the node it was given
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
        if (
            isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "loop"
            and node.args
        ):
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
            self.write(f", {int(cast(nodes.Const, node.args[1]).value)})")  # _loop_guard's character count
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
        stream: Generator[str, None, None] | None = None
        try:
            context = self.new_context(dict(*args, **kwargs))
            limit = getattr(self.environment, "max_output", MAX_TEMPLATE_OUTPUT)
            parts, total = [], 0
            # a compiled template's root render function is a generator: closed below, whatever happens
            stream = cast(Generator[str, None, None], self.root_render_func(context))
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
            where = raised_at(exc)
            raise TemplateFailure(describe_error(exc), *(where or (_file_of(self), None))) from None
        finally:
            _BUDGET.reset(token)
            if stream is not None:
                stream.close()


def raised_at(exc: BaseException) -> tuple[str | None, int | None] | None:
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
    chosen = own or frames
    return chosen[-1] if chosen else None


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
