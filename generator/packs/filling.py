"""Filling a narrative's placeholders: `{{ 予以公开 }}` becomes the table's figure.

The narrative is untrusted input: only `{{ 名称 }}` with a known name is allowed — no expressions, attributes,
filters, statements or imports — and what is allowed renders in a sandboxed Jinja environment that refuses
attribute access and calls as a second line of defence, with the same resource limits as a template pack's
(`LimitedSandbox`: no huge strings, numbers or loops, bounded output) as a third. Problems come back located
(text key, line), never raised.
"""

from __future__ import annotations

from jinja2 import StrictUndefined, TemplateError, nodes

from ..model.narrative import NarrativeText, Problem, start_line, text_paths
from ..model.placeholders import MARKERS, TAG, values
from .errors import TemplateFailure, describe_error
from .sandbox import LimitedSandbox


class _NarrativeEnvironment(LimitedSandbox):
    """No attribute is safe and nothing may be called: a narrative can only name a value."""

    def is_safe_attribute(self, obj, attr, value) -> bool:  # noqa: ARG002
        return False

    def is_safe_callable(self, obj) -> bool:  # noqa: ARG002
        return False


_ENV = _NarrativeEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV.globals.clear()
_ENV.filters.clear()
_ENV.tests.clear()


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _shown(tag: str) -> str:
    return tag if len(tag) <= 40 else tag[:37] + "…"


def fill(text: str, known: dict[str, str]) -> tuple[str, list[Problem]]:
    """The text with its placeholders filled, and the problems found; on any problem the text comes back as is."""
    if not any(marker in text for marker in MARKERS):
        return text, []
    problems: list[Problem] = []
    names = "、".join(known)
    for match in TAG.finditer(text):
        line, tag = _line_at(text, match.start()), _shown(match.group(0))
        inner = match.group(1)
        if inner is None:
            problems.append(Problem(line, f"正文里不能写模板语句或注释“{tag}”：只能写 {{{{ 名称 }}}} 形式的占位符"))
            continue
        name = inner.strip()
        if not name.isidentifier():
            problems.append(
                Problem(
                    line, f"占位符“{tag}”已拒绝：只能写 {{{{ 名称 }}}}，不能计算、访问属性或调用（正文不执行任何代码）"
                )
            )
        elif name not in known:
            problems.append(Problem(line, f"未知的占位符“{tag}”；可用的占位符：{names}"))
    if problems:
        return text, problems
    try:
        template = _ENV.parse(text)
        for node in template.find_all(nodes.Node):
            if not isinstance(node, (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name)):
                return text, [Problem(getattr(node, "lineno", 1) or 1, "正文里只能写 {{ 名称 }} 形式的占位符")]
        return _ENV.from_string(template).render(known), []
    except TemplateFailure as failure:  # a sandbox limit or refusal while filling in
        return text, [Problem(failure.lineno or 1, f"占位符无法填入：{failure.detail}")]
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or 1
        return text, [Problem(line, f"占位符写法有误（如缺少“}}}}”）：{describe_error(exc)}")]


def narrative(report, source=None) -> list[NarrativeText]:
    """Every narrative text of the report, filled, with its problems and its place in the input."""
    known: dict[str, str] | None = None
    out = []
    for path, raw in text_paths(report):
        if any(marker in raw for marker in MARKERS):
            known = known if known is not None else values(report)
            filled, problems = fill(raw, known)
        else:
            filled, problems = raw, []
        out.append(NarrativeText(path, raw, filled, start_line(source, path), problems))
    return out


def filled_report(report):
    """A copy of the report whose narrative has its placeholders filled (texts with problems stay as typed)."""
    texts = {item.path: item.text for item in narrative(report) if item.text != item.raw}
    if not texts:
        return report
    text = report.text
    overview = text.overview
    if not isinstance(overview, str):
        overview = overview.model_copy(update={p[2]: t for p, t in texts.items() if len(p) == 3 and p[1] == "overview"})
    else:
        overview = texts.get(("text", "overview"), overview)
    update = {"overview": overview}
    for key in ("preface", "problems", "other"):
        if ("text", key) in texts:
            update[key] = texts[("text", key)]
    sections = {p[2]: t for p, t in texts.items() if len(p) == 3 and p[1] == "sections"}
    if sections:
        update["sections"] = {**text.sections, **sections}
    return report.model_copy(update={"text": text.model_copy(update=update)})




__all__ = ["fill", "narrative", "filled_report", "NarrativeText", "Problem"]
