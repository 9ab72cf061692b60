"""A loaded pack: its chain of folders, its merged settings, its Jinja environments, and its wording rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from .environment import PackSandbox, pack_environment, text_sandbox
from .errors import PackError, PackProblem, TemplateFailure, describe_error
from .paths import TEMPLATES_DIR
from .sandbox import LimitedSandbox
from .schema import Settings, validate_settings


@dataclass(eq=False)  # hashed by identity: load_pack caches one object per chain
class Pack:
    name: str
    display_name: str
    dirs: list[Path]  # most specific first
    chain: list[str]  # pack names, most specific first
    # The chain's settings merged (base first, each pack over it): plain values as pack.yaml wrote them (a font
    # list or one name, an int or a float), as the templates and today's writers read them. `style` is the typed form.
    settings: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)
    stamp: tuple = field(default=(), repr=False)  # the chain's pack.yaml files when loaded (see load_pack)
    # where each wording setting was written: "title", "signature.issuer", "sections.<id>.text" →
    # (pack.yaml, line of its key, whether the text starts on the next line)
    origins: dict[str, tuple[Path, int, bool]] = field(default_factory=dict, repr=False)

    @cached_property
    def style(self) -> Settings:
        """The merged settings, typed (schema.Settings): every setting base declares, with what the chain changed."""
        return validate_settings(self.settings)

    @cached_property
    def env(self) -> PackSandbox:
        return pack_environment(self.name, self.dirs, self.chain)

    @cached_property
    def text_env(self) -> LimitedSandbox:
        """For wording strings from pack.yaml: plain text, no autoescaping, unknown names are errors."""
        return text_sandbox()

    @property
    def custom(self) -> bool:
        """Whether any folder of the chain is not one of the packs shipped in templates/ (whose templates are
        tested)."""
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

    def _setting_error(self, where: str, detail: str, lineno: int | None) -> PackProblem:
        message = f"模板包“{self.name}”的设置 {where} 有误：{detail}"
        origin = self.origins.get(where)
        if origin is None:
            return PackProblem(message=message)
        path, line, block = origin
        return PackProblem(file=path, line=line + (lineno or 1) - 1 + (1 if block else 0), message=message)

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
