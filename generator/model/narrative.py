"""The narrative texts of a report: each with its key path and the input line its text starts on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .forms import OVERVIEW_ASPECTS

_BLOCK_VALUE = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line inside the text
    message: str


@dataclass
class NarrativeText:
    """One narrative text of the input after its placeholders were filled."""

    path: tuple[str, ...]  # e.g. ("text", "overview", "requests")
    raw: str
    text: str  # filled; equal to raw when it had problems or no placeholders
    start_line: int | None  # the input line of the text's first line
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def line(self, offset: int) -> int | None:
        """The input line of the 1-based line `offset` inside the text."""
        return None if self.start_line is None else self.start_line + offset - 1


def text_paths(report) -> list[tuple[tuple[str, ...], str]]:
    """(input path, text) of every narrative text the report has, in document order."""
    text = report.text
    out: list[tuple[tuple[str, ...], str]] = []
    if text.preface:
        out.append((("text", "preface"), text.preface))
    if isinstance(text.overview, str):
        out.append((("text", "overview"), text.overview))
    else:
        out += [(("text", "overview", aspect), getattr(text.overview, aspect)) for aspect in OVERVIEW_ASPECTS]
    out += [(("text", "problems"), text.problems), (("text", "other"), text.other)]
    for section, body in (getattr(text, "sections", None) or {}).items():  # a template pack's extra sections
        if body:
            out.append((("text", "sections", section), body))
    return out


def start_line(source, path: tuple) -> int | None:
    """Where the text of `path` begins in the input: the line after `key: |`, or the key's own line."""
    if source is None:
        return None
    line = source.line_of(path)
    if line is None:
        return None
    lines = source.text.splitlines()
    if 0 < line <= len(lines) and _BLOCK_VALUE.search(lines[line - 1]):
        return line + 1
    return line
