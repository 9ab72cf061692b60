"""What a reader gives the model: the values of an input as plain Python data and the line of every key
(`Source`), and the one error a reader raises (`SourceError`, in Chinese with a line). Reading YAML is
`readers/yaml.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


class SourceError(Exception):
    """The file cannot be read as YAML at all; carries a Chinese message and a line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Source:
    """A loaded input: its values and where each key stands (1-based lines)."""

    path: Path | None
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, loc: Path_) -> int | None:
        """The line of `loc`, or of its nearest ancestor that is in the file."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


MISSING: Any = object()  # what `value_at` gives for a path the data does not have


def value_at(data: Any, path: Path_) -> Any:
    """The value at an input path in plain data as loaded (`("applications", "new", 0)`), or MISSING where the data
    has no such key or index — also where a value on the way is of another type (data not yet valid)."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or key >= len(data):
                return MISSING
            data = data[key]
        else:
            if not isinstance(data, dict) or key not in data:
                return MISSING
            data = data[key]
    return data


def set_at(data: dict, path: Path_, value: Any) -> None:
    """Put `value` at an input path in plain data, making the mappings and lists on the way (a list is lengthened
    with None): the writing counterpart of `value_at`."""
    node: Any = data
    for step, following in zip(path, path[1:]):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            while len(node) <= step:
                node.append(None)
            if node[step] is None:
                node[step] = empty
            node = node[step]
        else:
            node = node.setdefault(step, empty)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value
