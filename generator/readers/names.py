"""Output names: the file name stem a unit (a YAML file, a workbook sheet) is written under."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_stem(name: str) -> str:
    """A file name stem from a unit or sheet name: path separators and characters Windows refuses become “_”."""
    stem = _UNSAFE.sub("_", name).strip().strip(".") or "_"
    return stem[:120]
