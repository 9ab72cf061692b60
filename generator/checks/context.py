"""What a rule sees: the validated report, where it came from, and the line of any input path."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..model import Loaded
from ..model.source import Source


@dataclass
class CheckContext:
    report: Any
    source: Source | None = None
    file: str | None = None
    options: dict = field(default_factory=dict)
    previous: Any = None  # crossyear.Previous: last year's report, how it was found (or why there is none)

    @classmethod
    def of(cls, loaded: Loaded, previous=None, **options) -> "CheckContext":
        return cls(loaded.report, loaded.source, loaded.file, options, previous)

    @cached_property
    def narrative(self) -> list:
        """Every narrative text with its placeholders filled (the narrative checks read the rendered text)."""
        from ..document.placeholders import narrative

        return narrative(self.report, self.source)

    def line(self, path: tuple) -> int | None:
        if self.source is None:
            return None
        prefix = {"applications", "reviews", "active", "text", "fee_notices"} | {
            "format", "year", "agency", "kind", "issuer", "date", "template", "contact"
        }
        full = path if path and path[0] in prefix else ("applications",) + tuple(path)
        return self.source.line_of(full)
