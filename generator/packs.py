"""Template packs: a search path of folders (agency → province pack → the packs it extends → base).

Settings merge parent first, child last (like MkDocs theme variables); templates resolve first match wins
through one sandboxed Jinja environment, and `base/…` names the base pack's own file so an override can extend it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class PackError(Exception):
    """A template pack cannot be found or read; the message is Chinese and names the file."""


@dataclass(eq=False)  # hashed by identity: load_pack caches one object per chain
class Pack:
    name: str
    display_name: str
    dirs: list[Path]  # most specific first
    chain: list[str]  # pack names, most specific first
    settings: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def env(self) -> SandboxedEnvironment:
        loader = ChoiceLoader(
            [
                FileSystemLoader([str(d) for d in self.dirs]),
                PrefixLoader({name: FileSystemLoader(str(d)) for name, d in zip(self.chain, self.dirs)}),
            ]
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
            return self.text_env.from_string(template).render(**context).strip()
        except Exception as exc:  # jinja2 syntax, undefined or security errors in a pack's wording
            raise PackError(f"模板包“{self.name}”的设置 {where} 有误：{exc}") from None

    def file(self, name: str) -> Path | None:
        for d in self.dirs:
            candidate = d / name
            if candidate.is_file():
                return candidate
        return None


def css_fonts(names: list[str] | str) -> str:
    """A CSS font-family list, each name quoted (the quotes must never be HTML-escaped inside <style>)."""
    if isinstance(names, str):
        names = [names]
    quoted = ['"' + name.replace('\\', '').replace('"', '') + '"' for name in names]
    return ", ".join(quoted + ["serif"])


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_pack_yaml(directory: Path) -> dict:
    path = directory / "pack.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise PackError(f"模板包目录 {directory} 里没有 pack.yaml") from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise PackError(f"{path}:{line}: pack.yaml 格式错误：{exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: pack.yaml 顶层应为“键: 值”的映射")
    return data


def find_pack_dir(name: str, roots: tuple[Path, ...]) -> Path:
    if not PACK_NAME.match(name):
        raise PackError(f"模板包名称“{name}”不合法：只能用字母、数字、下划线和连字符")
    for root in roots:
        candidate = root / name
        if (candidate / "pack.yaml").is_file():
            resolved = candidate.resolve()
            if not resolved.is_relative_to(root.resolve()):
                raise PackError(f"模板包“{name}”指向模板目录之外（{resolved}），已拒绝")
            return candidate
    raise PackError(f"找不到模板包“{name}”（已查找：{'、'.join(str(r) for r in roots)}）")


@lru_cache(maxsize=64)
def load_pack(name: str = "base", roots: tuple[Path, ...] = (TEMPLATES_DIR,)) -> Pack:
    dirs: list[Path] = []
    chain: list[str] = []
    layers: list[dict] = []
    current: str | None = name
    while current:
        if current in chain:
            raise PackError(f"模板包继承出现循环：{' → '.join(chain + [current])}")
        directory = find_pack_dir(current, roots)
        data = _read_pack_yaml(directory)
        dirs.append(directory)
        chain.append(current)
        layers.append(data)
        current = data.get("extends") or (None if current == "base" else "base")
    settings: dict = {}
    for data in reversed(layers):
        settings = _deep_merge(settings, data.get("settings") or {})
    display = layers[0].get("display_name") or name
    return Pack(name=name, display_name=str(display), dirs=dirs, chain=chain, settings=settings)
