"""Where an input path stands in the official report: its part, row and column by their Chinese labels.

An input path (`KeyPath`) is a tuple of mapping keys and list indexes from the top of the input, e.g.
("applications", "withheld", "third_party", 2). From the one path come its place in the report (`place`), its key
(`dotted`: "applications.withheld.third_party[2]") and the input line a finding about it points to (`line_path`, read
with `Source.line_of`). A whole column of table 三, as a column identity speaks of it, is `table3_column(i)`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .forms import (
    ACTIVE_BLOCKS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    KEY_LABELS,
    PART_GENERAL,
    PARTS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)

KeyPath = tuple[str | int, ...]  # an input path: keys and list indexes, from the top of the input
Place = tuple[str | None, str | None, str | None]  # part, row, column


@lru_cache(maxsize=None)
def _active_places(fmt: str) -> dict[tuple, tuple[str, str | None]]:
    places: dict[tuple, tuple[str, str | None]] = {}
    for block in ACTIVE_BLOCKS[fmt]:
        for key, label in block.rows:
            row = f"{block.caption} · {label}"
            places[("active", key)] = (row, None)
            for column in block.columns:
                if column.field is None:
                    places[("active", key)] = (row, column.label)
                else:
                    places[("active", key, column.field)] = (row, column.label)
    return places


def table3_column(index: int) -> KeyPath:
    """Column `index` of table 三 as a whole (一 + 二 = （七）总计 + 四 holds per column): key "applications[i]", which
    the web form shows on the column's cells; `place` gives its column, and its line is its 一、本年新收 cell's."""
    return ("applications", index)


def line_path(path: KeyPath) -> KeyPath:
    """The path whose input line a finding about `path` points to: `path` itself, except that a whole column of
    table 三 points to its cell in 一、本年新收 (the 总计 column, rarely typed there, to the row's 其他 cell)."""
    if len(path) == 2 and path[0] == "applications" and isinstance(path[1], int):
        return ("applications", "new", min(path[1], 5))
    return path


def place(path: KeyPath, fmt: str) -> Place:
    """The part, row and column of an input path such as ("applications", "withheld", "third_party", 2)."""
    if not path:
        return (PART_GENERAL, None, None)
    head = path[0]
    if head == "applications":
        rest = path[1:]
        names = tuple(p for p in rest if isinstance(p, str))
        index = next((p for p in rest if isinstance(p, int)), None)
        key = ".".join(names)
        row = next((r.full_label for r in APPLICATION_ROWS[fmt] if r.key == key), None)
        if row is None and names:
            row = KEY_LABELS.get(f"applications.{names[0]}")
        column = APPLICATION_COLUMNS[index] if index is not None and index < 7 else None
        return (PARTS[2], row, column)
    if head == "reviews":
        group = next((g.full_label for g in REVIEW_GROUPS if len(path) > 1 and g.key == path[1]), None)
        index = path[2] if len(path) > 2 and isinstance(path[2], int) else None
        column = REVIEW_COLUMNS[index] if index is not None and index < 5 else None
        return (PARTS[3], group, column)
    if head == "active":
        places = _active_places(fmt)
        for size in (3, 2):
            if tuple(path[:size]) in places:
                row, column = places[tuple(path[:size])]
                return (PARTS[1], row, column)
        return (PARTS[1], None, None)
    if head == "text":
        label = KEY_LABELS.get(".".join(str(p) for p in path[:3]))
        which = str(path[1]) if len(path) > 1 else ""  # an index there names no part
        part = {"overview": PARTS[0], "problems": PARTS[4], "other": PARTS[5]}.get(which)
        return (part or "正文", label if label != part else None, None)
    if head == "fee_notices":
        return (PARTS[5], KEY_LABELS.get(".".join(str(p) for p in path[:2])), None)
    return (PART_GENERAL, KEY_LABELS.get(".".join(str(p) for p in path[:2])), None)


_KEY_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def key_path(key: str) -> KeyPath:
    """The path of a dotted key, the inverse of `dotted`: "applications.withheld.third_party[2]" →
    ("applications", "withheld", "third_party", 2)."""
    return tuple(int(index) if index else name for name, index in _KEY_STEP.findall(key))


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
