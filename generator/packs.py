"""Template packs: a search path of folders (agency → province pack → the packs it extends → base).

Settings merge parent first, child last (like MkDocs theme variables); templates resolve first match wins
through one sandboxed Jinja environment, and `base/…` names the base pack's own file so an override can extend it.
Every pack.yaml is checked against `SETTINGS` when it is loaded, so a broken pack is refused with its file and line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateSyntaxError,
    meta,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

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
        return source, filename, uptodate


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

    @cached_property
    def env(self) -> SandboxedEnvironment:
        loader = ChoiceLoader(
            [_PackLoader(d) for d in self.dirs]
            + [PrefixLoader({name: _PackLoader(d) for name, d in zip(self.chain, self.dirs)})]
        )
        env = SandboxedEnvironment(
            loader=loader,
            autoescape=select_autoescape(["html", "htm", "xml"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["css_fonts"] = css_fonts
        return env

    @cached_property
    def text_env(self) -> SandboxedEnvironment:
        """For wording strings from pack.yaml: plain text, no autoescaping, unknown names are errors."""
        return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)

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
        except Exception as exc:  # jinja2 syntax, undefined or security errors in a pack's wording
            raise PackError(f"模板包“{self.name}”的设置 {where} 有误：{exc}") from None

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
        self.env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)

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
        except TemplateSyntaxError as exc:
            line = (self.source.line_of(loc) or 1) + (exc.lineno or 1) - 1 + (1 if "\n" in value else 0)
            self.add(loc, f"设置 {name} 的模板语法错误：{exc.message}", line)
            return
        unknown = sorted(meta.find_undeclared_variables(parsed) - set(placeholders)) if placeholders is not None else []
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


def _read_pack_yaml(directory: Path) -> dict:
    from .model.source import SourceError, decode, load_text

    path = directory / "pack.yaml"
    try:
        text = decode(path.read_bytes())
        source = load_text(text, path) if text.strip() else None
    except FileNotFoundError:
        raise PackError(f"模板包目录 {directory} 里没有 pack.yaml") from None
    except SourceError as exc:
        raise PackError(f"{path}:{exc.line or 1}: pack.yaml 格式错误：{exc.message}") from None
    except OSError as exc:
        raise PackError(f"{path}: 无法读取：{exc.strerror or exc}") from None
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
    return _plain(data)


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


def _check_templates(directory: Path, env: SandboxedEnvironment) -> None:
    """Every template file of a pack folder compiles, and none is a symlink out of the folder."""
    root = directory.resolve()
    for path in sorted(directory.iterdir()):
        if path.suffix not in TEMPLATE_SUFFIXES:
            continue
        if not path.resolve().is_relative_to(root):
            raise PackError(f"{path}: 模板文件指向模板包目录之外（{path.resolve()}），已拒绝")
        if not path.is_file():
            continue
        try:
            env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
        except TemplateSyntaxError as exc:
            raise PackError(f"{path}:{exc.lineno}: 模板语法错误：{exc.message}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PackError(f"{path}: 无法读取（应为 UTF-8 文本）：{exc}") from None


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
    if agency is not None:
        data = _read_pack_yaml(agency) if (agency / "pack.yaml").is_file() else {}
        if data.get("extends"):
            raise PackError(
                f"{agency / 'pack.yaml'}: 机关自己的模板目录不写 extends：它叠加在输入文件 template: 指定的模板包之上"
            )
        dirs.append(agency)
        chain.append(str(data.get("name") or agency.name))
        layers.append(data)
    current: str | None = name
    while current:
        if current in seen:
            raise PackError(f"模板包继承出现循环：{' → '.join(seen + [current])}")
        seen.append(current)
        directory = find_pack_dir(current, roots)
        data = _read_pack_yaml(directory)
        if data.get("name") and data["name"] != current:
            raise PackError(f"{directory / 'pack.yaml'}: name 为“{data['name']}”，与目录名“{current}”不一致")
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
            raise PackError(
                f"{dirs[0] / 'pack.yaml'}: 章节 {section.get('id')} 缺少 {'、'.join(missing)}（模板包链：{' → '.join(chain)}）"
            )
    pack = Pack(
        name=name,
        display_name=str(top.get("display_name") or name),
        dirs=dirs,
        chain=chain,
        settings=settings,
        description=str(top.get("description") or ""),
    )
    for directory in dirs:
        _check_templates(directory, pack.env)
    stamp = _stamp(dirs)
    # A pack.yaml written while it was being read (or within the file system's clock step) is read again next time.
    pack.stamp = tuple(None if part and part[0] >= started - 2_000_000_000 else part for part in stamp)
    return pack


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
