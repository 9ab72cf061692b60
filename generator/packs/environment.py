"""The Jinja environments of a pack, and the check of its template files when it loads.

`pack_environment` is the sandbox a pack's templates (report.html, report.css, …) render in: templates resolve first
match wins through the chain's folders, and `base/…` (any pack name of the chain) names that pack's own file so an
override can extend it; `css_fonts` is its one filter. `text_sandbox` is the sandbox of pack.yaml's wording settings.
`check_templates` compiles every template file of the chain and follows its extends/include/import, so that `check`
and `templates list` find what `render` would, with file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    nodes,
    select_autoescape,
)
from jinja2.exceptions import SecurityError, TemplateNotFound

from ..limits import MAX_SETTING_CHARS, MAX_TEMPLATE_BYTES
from .errors import PackError, PackProblem, TemplateFailure, describe_error, syntax_zh
from .sandbox import LimitedSandbox, LimitedTemplate, raised_at

TEMPLATE_SUFFIXES = (".html", ".css")


class PackLoader(FileSystemLoader):
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


class PackTemplate(LimitedTemplate):
    """A pack template: a failure is a `PackError` naming the pack, the file and the line."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except TemplateFailure as failure:
            raise PackError(located(self.environment, failure)) from None


def located(env: Any, failure: TemplateFailure) -> PackProblem:
    """A pack template's failure as a problem of that pack, at the template's file and line."""
    filename = failure.filename or "report.html"
    return PackProblem(
        file=filename,
        line=failure.lineno,
        message=f"模板包“{getattr(env, 'pack_name', '?')}”的模板 {Path(filename).name} 有误：{failure.detail}",
    )


class PackSandbox(LimitedSandbox):
    """The sandbox a pack's templates (report.html, report.css, …) render in."""

    template_class = PackTemplate
    pack_name = "?"

    def _load_template(self, name: str, globals: Any) -> Template:
        try:
            return super()._load_template(name, globals)
        except TemplateSyntaxError as exc:  # a template edited after the pack was loaded (govreport serve)
            where = raised_at(exc) or (exc.filename or name, None)
            raise PackError(located(self, TemplateFailure(describe_error(exc), *where))) from None


def pack_environment(name: str, dirs: list[Path], chain: list[str]) -> PackSandbox:
    """The sandbox of a pack's templates: `dirs` searched most specific first, and "<pack>/…" for each of `chain`."""
    loader = ChoiceLoader(
        [PackLoader(d) for d in dirs] + [PrefixLoader({pack: PackLoader(d) for pack, d in zip(chain, dirs)})]
    )
    env = PackSandbox(
        loader=loader,
        autoescape=select_autoescape(["html", "htm", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.pack_name = name
    env.filters["css_fonts"] = css_fonts
    return env


def css_fonts(names: list[str] | str) -> str:
    """A CSS font-family list, each name quoted (the quotes must never be HTML-escaped inside <style>)."""
    if isinstance(names, str):
        names = [names]
    quoted = ['"' + name.replace('\\', '').replace('"', '') + '"' for name in names]
    return ", ".join(quoted + ["serif"])


def text_sandbox() -> LimitedSandbox:
    """The sandbox of wording settings: plain text, unknown names are errors, at most MAX_SETTING_CHARS out."""
    env = LimitedSandbox(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
    env.max_output = MAX_SETTING_CHARS
    return env


# --- the pack's template files, checked when it loads ----------------------------------------------------------
_REFERENCES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)
_Reference = nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport  # each has a .template


def check_templates(env: PackSandbox, dirs: list[Path]) -> None:
    """Every template file of every folder of the chain is readable, compiles in the sandbox, names the templates it
    extends, includes or imports as fixed text, and those exist; and no chain of extends/include/import comes back
    to where it started (a report.html extending "report.html" is itself) — all found here, when the pack loads,
    so `check` and `templates list` report them with their file and line and `render` never meets them."""
    edges: dict[str, list[tuple[str, int, str]]] = {}  # file → (file it uses, line, how: 'extends "x"')
    for directory in dirs:
        root = directory.resolve()
        for path in sorted(directory.iterdir()):
            if path.suffix not in TEMPLATE_SUFFIXES:
                continue
            if not path.resolve().is_relative_to(root):
                raise PackError.at(path, None, f"模板文件指向模板包目录之外（{path.resolve()}），已拒绝")
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
            raise PackError.at(path, 1, f"模板文件超过 {MAX_TEMPLATE_BYTES:,} 字节，已拒绝")
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError.at(path, None, f"无法读取（应为 UTF-8 文本）：{exc}") from None
    try:
        tree = env.parse(source, path.name, str(path))
        env.compile(tree, path.name, str(path))
    except TemplateSyntaxError as exc:
        raise PackError.at(path, exc.lineno or 1, f"模板语法错误：{syntax_zh(exc.message)}") from None
    except Exception as exc:  # noqa: BLE001 — whatever Jinja raises on a strange template is the pack's error
        raise PackError.at(path, getattr(exc, "lineno", None) or 1, f"模板有误：{describe_error(exc)}") from None
    found = []
    for node in tree.find_all(_REFERENCES):
        how = {nodes.Extends: "extends", nodes.Include: "include"}.get(type(node), "import")
        target = cast(_Reference, node).template
        names = [target.value] if isinstance(target, nodes.Const) else (
            [cast(nodes.Const, item).value for item in target.items] if isinstance(target, (nodes.List, nodes.Tuple))
            and all(isinstance(item, nodes.Const) for item in target.items) else None
        )
        if names is None or not all(isinstance(n, str) for n in names):
            raise PackError.at(
                path, node.lineno, f"{how} 的模板名应写成固定的文字（如 \"base/report.html\"），不能用变量或表达式"
            )
        for name in names:
            if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name:
                raise PackError.at(
                    path, node.lineno, f"{how} 的模板名“{name}”越出了模板包目录（不能含 .. 或以 / 开头），已拒绝"
                )
        found.append((how, node.lineno, names, bool(getattr(node, "ignore_missing", False)) or len(names) > 1))
    if len(_CHECKED) > 512:
        _CHECKED.clear()
    _CHECKED[key] = found
    return found


def _template_references(env: PackSandbox, path: Path) -> list[tuple[str, int, str]]:
    """(file it uses, line, how) for each template `path` extends, includes or imports, found as the pack would."""
    found = []
    loader = env.loader
    assert loader is not None  # a pack's environment always has its loader
    for how, line, names, optional in _references(env, path):
        for name in names:
            try:
                _source, filename, _uptodate = loader.get_source(env, name)
            except TemplateNotFound:
                if optional:
                    continue
                raise PackError.at(
                    path, line, f"{how} 的模板“{name}”找不到（模板包链：{' → '.join(_env_chain(env))}）"
                ) from None
            except SecurityError as exc:
                raise PackError.at(path, line, str(exc)) from None
            assert filename is not None  # the pack's loaders read files, and give their names
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
                raise PackError.at(
                    first, first_line, f"模板引用成环（extends/include/import 最终又回到了自己，会无限递归）：{shown}"
                )
            if state.get(target) is None:
                visit(target, step)
        state[node] = 2

    for node in edges:
        if state.get(node) is None:
            visit(node, [])
