"""What a rule sees: the validated report, where it came from, and the line of any input path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Loaded
from ..model.source import Source


@dataclass
class CheckContext:
    report: Any
    source: Source | None = None
    file: str | None = None
    options: dict = field(default_factory=dict)

    @classmethod
    def of(cls, loaded: Loaded, **options) -> "CheckContext":
        return cls(loaded.report, loaded.source, loaded.file, options)

    def line(self, path: tuple) -> int | None:
        if self.source is None:
            return None
        prefix = {"applications", "reviews", "active", "text", "fee_notices"}
        full = path if path and path[0] in prefix else ("applications",) + tuple(path)
        return self.source.line_of(full)
