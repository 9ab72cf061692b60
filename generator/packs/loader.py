"""Finding and loading a pack: its chain of folders, each pack.yaml read and checked, the settings merged.

The search path is agency folder → the pack the input names → the packs it extends → base. Settings merge parent
first, child last (like MkDocs theme variables): a mapping key by key, extra sections by id. A loaded pack is
cached, and read again when a pack.yaml of its chain changes on disk (`govreport serve` shows a province's edits).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from ..limits import MAX_INPUT_BYTES
from .environment import check_templates
from .errors import PackError
from .pack import Pack
from .paths import TEMPLATES_DIR
from .schema import PACK_NAME, problems


# --- one pack.yaml ----------------------------------------------------------------------------------------------
def read_pack_yaml(directory: Path, origins: dict | None = None) -> dict:
    """pack.yaml checked against `schema.PackFile`; `origins` gets where each wording setting is (`Pack.origins`)."""
    from ..model.source import SourceError
    from ..readers.yaml import decode, load_text

    path = directory / "pack.yaml"
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise PackError.at(path, 1, f"pack.yaml 超过 {MAX_INPUT_BYTES:,} 字节，不像是模板包的设置，已拒绝")
        text = decode(path.read_bytes())
        source = load_text(text, path) if text.strip() else None
    except FileNotFoundError:
        raise PackError(f"模板包目录 {directory} 里没有 pack.yaml") from None
    except SourceError as exc:
        raise PackError.at(path, exc.line or 1, f"pack.yaml 格式错误：{exc.message}") from None
    except OSError as exc:
        raise PackError.at(path, None, f"无法读取：{exc.strerror or exc}") from None
    except RecursionError:  # a reader without depth limits, on a deeply nested file
        raise PackError.at(path, 1, "pack.yaml 格式错误：嵌套太深") from None
    if source is None:
        return {}
    found = problems(path, source)
    if found:
        raise PackError(*found)
    settings = source.data.get("settings")
    if origins is not None and isinstance(settings, dict):
        _note_origins(path, source, settings, origins)
    return _plain(source.data)


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
                            where = ("settings", key, i, field_name)
                            note(f"sections.{section['id']}.{field_name}", where, section[field_name])
        elif isinstance(value, dict):
            for sub, item in value.items():
                note(f"{key}.{sub}", ("settings", key, sub), item)
        else:
            note(str(key), ("settings", key), value)


def _plain(value: Any) -> Any:
    """Decimals (how the line-keeping reader gives decimals) as floats, for CSS and python-docx."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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


# --- finding and loading a chain ----------------------------------------------------------------------------------
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
    looked = "、".join(str(r) for r in roots)
    raise PackError(f"找不到模板包“{name}”（已查找：{looked}）；可用 govreport templates list 查看")


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
    stamp: list[tuple[int, int] | None] = []
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
        data = read_pack_yaml(agency, origins[-1]) if (agency / "pack.yaml").is_file() else {}
        if data.get("extends"):
            raise PackError.at(
                *_key_line(agency / "pack.yaml", "extends"),
                "机关自己的模板目录不写 extends：它叠加在输入文件 template: 指定的模板包之上",
                key="extends",
            )
        dirs.append(agency)
        chain.append(str(data.get("name") or agency.name))
        layers.append(data)
    current: str | None = name
    while current:
        if current in seen:
            raise PackError.at(
                *_key_line(dirs[-1] / "pack.yaml", "extends"), f"模板包继承出现循环：{' → '.join(seen + [current])}",
                key="extends",
            )
        seen.append(current)
        directory = find_pack_dir(current, roots)
        origins.append({})
        data = read_pack_yaml(directory, origins[-1])
        if data.get("name") and data["name"] != current:
            raise PackError.at(
                *_key_line(directory / "pack.yaml", "name"), f"name 为“{data['name']}”，与目录名“{current}”不一致",
                key="name",
            )
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
            pack_file = dirs[0] / "pack.yaml"
            file, line = _key_line(pack_file, "sections") if pack_file.is_file() else (dirs[0], None)
            raise PackError.at(
                file, line, f"章节 {section.get('id')} 缺少 {'、'.join(missing)}（模板包链：{' → '.join(chain)}）",
                key="settings.sections",
            )
    pack = Pack(
        name=name,
        display_name=str(top.get("display_name") or name),
        dirs=dirs,
        chain=chain,
        settings=settings,
        description=str(top.get("description") or ""),
        origins={key: where for layer in reversed(origins) for key, where in layer.items()},
    )
    check_templates(pack.env, pack.dirs)
    stamp = _stamp(dirs)
    # A pack.yaml written while it was being read (or within the file system's clock step) is read again next time.
    pack.stamp = tuple(None if part and part[0] >= started - 2_000_000_000 else part for part in stamp)
    return pack


def _key_line(path: Path, key: str) -> tuple[Path, int]:
    """(path, line) of the first `key:` in a pack.yaml (already read and checked once), for an error about that key."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return path, 1
    pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}\s*:")
    return path, next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


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


@dataclass(frozen=True)
class ResolvedPack:
    """The pack an input names, resolved once (by the pipeline) for every stage after it: the checks read its
    sections, the document its wording, the writers its style. `failure` is why it cannot be used (located
    problems), when it cannot; a pack that loads may still fail when tried on the report (`trial`)."""

    name: str | None
    pack: Pack | None
    failure: PackError | None = None


def resolve_pack(
    template: str | None, templates: Path | None = None, trial: Callable[[Pack], PackError | None] | None = None
) -> ResolvedPack:
    """Load the pack `template` names (searched first in `templates`); a pack not shipped with govreport is also
    tried out with `trial` (the pipeline renders the report with it, keeping nothing), so that `check` finds what
    `render` would."""
    try:
        pack = pack_named(template, templates)
    except PackError as exc:
        return ResolvedPack(template, None, exc)
    failure = trial(pack) if trial is not None and pack.custom else None
    return ResolvedPack(template, pack, failure)
