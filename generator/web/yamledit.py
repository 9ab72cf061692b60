"""Write form values back into a YAML input, keeping the agency's text: only the values that changed are rewritten,
in place, with their comments; what cannot be placed in the original is written on the scaffold's layout instead.

The values to write are a tree: dicts (block mappings, or `FlowMap` for `{a: 0, b: 0}` items), lists (rows,
written `[0, 0, …]`) and `Leaf` scalars (a YAML token and the value it reads back as).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from ..limits import MAX_CELL_DIGITS
from ..model.source import MISSING, SourceError, value_at
from ..readers.yaml import load_text

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DRAFT_MARK = "# 【草稿】"
DRAFT_LINE = DRAFT_MARK + "本文件尚有错误，未通过核对（由网页表单保存为草稿；改正后再保存即去掉本行）"
REMOVE = object()  # a node that takes its key out of the file


@dataclass(frozen=True)
class Leaf:
    token: str  # YAML text of the value, e.g. `12`, `"锡林浩特市"`, `null`
    value: Any  # what the token reads back as
    text: bool = False  # narrative: written as a `|` block
    default: bool = False  # equal to leaving the key out


class FlowMap(dict):
    """A mapping written on one line, `{issued: 0, repealed: 0, in_force: 0}`. `exact`: the file's mapping must
    have these keys and no others (a report switched to the other format: `{made: 1, …}` becomes `{issued: 0, …}`);
    otherwise keys the form does not know are left as the file has them."""

    exact = False


class Unsupported(Exception):
    """The original text has a shape this editor does not rewrite in place."""


# --- tokens ---------------------------------------------------------------------------------------------------
_INT = re.compile(r"[+-]?[0-9]+")  # ASCII digits only (used with fullmatch): "٣" or "²" is text, not a number
_DECIMAL = re.compile(r"([+-]?)([0-9]+)\.([0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_PRINTABLE = re.compile(r"^[^\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff]*$")


def quoted(text: str) -> str:
    """A double-quoted YAML scalar on one line."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=10**9)
    return dumped.rstrip("\n").removesuffix("\n...").rstrip("\n")


def string_leaf(text: str, optional: bool = False) -> Leaf:
    return Leaf(quoted(text), text, default=optional and text == "")


def number_leaf(text: str) -> Leaf:
    """A number cell as typed: whole numbers and decimals as numbers, a blank as null, anything else as text
    (so the model's message names what was typed). Full-width digits (“１２”) and leading zeros (“08”) are read as
    the plain number; a run of more than MAX_CELL_DIGITS digits is kept as the text typed."""
    text = text.strip()
    if text == "":
        return Leaf("null", None)
    plain = text.translate(_FULL_WIDTH_DIGITS)
    if _INT.fullmatch(plain):
        digits = plain.lstrip("+-").lstrip("0") or "0"
        if len(digits) <= MAX_CELL_DIGITS:
            number = -int(digits) if plain.startswith("-") else int(digits)
            return Leaf(str(number), number, default=number == 0)
    decimal = _DECIMAL.fullmatch(plain)
    if decimal:
        sign, whole, fraction = decimal.groups()
        whole = whole.lstrip("0") or "0"
        if len(whole) + len(fraction) <= MAX_CELL_DIGITS:
            token = f"{'-' if sign == '-' else ''}{whole}.{fraction}"
            return Leaf(token, Decimal(token))
    return string_leaf(text)


def date_leaf(text: str) -> Leaf:
    import datetime as dt

    text = text.strip()
    if _DATE.fullmatch(text):
        try:
            return Leaf(text, dt.date.fromisoformat(text))
        except ValueError:
            pass
    return string_leaf(text)


def plain_leaf(text: str, allowed: re.Pattern, default: str | None = None) -> Leaf:
    text = text.strip()
    if allowed.match(text) and _reads_as_text(text):
        return Leaf(text, text, default=text == default)
    return string_leaf(text, optional=default is not None and text == "")


def _reads_as_text(text: str) -> bool:
    """Whether `text` written bare reads back as the same text (a pack named "0", "true" or "1e3" must be quoted):
    asked of PyYAML and of the reader the file is read back with (which reads "1e3" as a number)."""
    import yaml

    try:
        if yaml.safe_load(text) != text:
            return False
        return load_text(f"value: {text}\n").data == {"value": text}
    except (yaml.YAMLError, SourceError):
        return False


def text_leaf(text: str, optional: bool = False) -> Leaf:
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return Leaf(quoted(text), text, text=True, default=optional and text == "")


# --- values and comparison ------------------------------------------------------------------------------------
def value_of(node: Any) -> Any:
    if node is REMOVE:
        return None
    if isinstance(node, Leaf):
        return node.value
    if isinstance(node, dict):
        return {key: value_of(child) for key, child in node.items()}
    return [value_of(child) for child in node]


def is_default(node: Any) -> bool:
    if node is REMOVE:
        return True
    if isinstance(node, Leaf):
        return node.default or node.value is None or node.value == ""
    if isinstance(node, dict):
        return all(is_default(child) for child in node.values())
    return all(isinstance(child, Leaf) and child.value == 0 for child in node)


def _same_leaf(got: Any, leaf: Leaf) -> bool:
    if got is MISSING:
        return is_default(leaf)
    want = leaf.value
    if leaf.text and isinstance(got, str) and isinstance(want, str):
        return got.rstrip() == want
    if got in (None, "") and want in (None, ""):
        return True
    return type(got) is type(want) and got == want


def same(got: Any, node: Any) -> bool:
    """Whether `got` (read from a file) already holds what `node` writes."""
    if node is REMOVE:
        return got is MISSING
    if isinstance(node, Leaf):
        return _same_leaf(got, node)
    if got is MISSING:
        return is_default(node)
    if isinstance(node, dict):
        if isinstance(node, FlowMap) and node.exact and isinstance(got, dict) and set(got) - set(node):
            return False
        return isinstance(got, dict) and all(same(got.get(key, MISSING), child) for key, child in node.items())
    return isinstance(got, list) and len(got) == len(node) and all(same(g, n) for g, n in zip(got, node))


# --- emitting -------------------------------------------------------------------------------------------------
def _literal_reads_back(marker: str, body: list[str], value: str) -> bool:
    """Whether `value` written as a `|` block reads back as itself (a line of only blanks, a first line that is
    blank before an indented one, or a character YAML takes for a line break would not): else it is quoted."""
    probe = "k: " + marker + "\n" + "\n".join("  " + line if line.strip() else "" for line in body) + "\n"
    try:
        got = yaml.load(probe, Loader=_LOADER)
    except yaml.YAMLError:
        return False
    return isinstance(got, dict) and isinstance(got.get("k"), str) and got["k"].rstrip() == value


def flow(node: Any) -> str:
    if isinstance(node, Leaf):
        return node.token
    if isinstance(node, dict):
        return "{" + ", ".join(f"{key}: {flow(child)}" for key, child in node.items()) + "}"
    return "[" + ", ".join(flow(child) for child in node) + "]"


def block(node: Any, indent: int) -> tuple[str, list[str]]:
    """The value part of a key line at `indent`, and the lines that follow it."""
    if isinstance(node, Leaf):
        if node.text and node.value and _PRINTABLE.match(node.value):
            body = node.value.split("\n")
            marker = "|" + ("2" if body[0][:1].isspace() else "")
            if _literal_reads_back(marker, body, node.value):
                pad = " " * (indent + 2)
                return marker, [pad + line if line.strip() else "" for line in body]
        return node.token, []
    if isinstance(node, FlowMap) or isinstance(node, list):
        return flow(node), []
    lines: list[str] = []
    for key, child in node.items():
        if child is not REMOVE:  # a key to take out is simply not written
            lines.extend(_key_lines(key, child, indent + 2))
    return "", lines


def _key_lines(key: str, node: Any, indent: int) -> list[str]:
    value, rest = block(node, indent)
    return [f"{' ' * indent}{key}:{' ' + value if value else ''}"] + rest


# --- the line editor ------------------------------------------------------------------------------------------
_KEY_LINE = re.compile(
    r"""^(?P<indent> *)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#'"\-][^:#]*?))[ \t]*:(?=[ \t]|$)"""
)


def _split_value(rest: str) -> tuple[str, str, str]:
    """`rest` after `key:` → (value, gap, comment); a `#` starts a comment only after a blank, outside quotes."""
    quote = None
    for i, ch in enumerate(rest):
        if quote:
            if ch == quote and not (quote == '"' and rest[i - 1] == "\\"):
                quote = None
            continue
        if ch in "\"'" and (i == 0 or rest[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or rest[i - 1] in " \t"):
            value = rest[:i].rstrip()
            return value.strip(), rest[len(value) : i], rest[i:]
    return rest.strip(), "", ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class Editor:
    """Edits on the lines of one text, all addressed by the original line numbers, applied together at the end."""

    def __init__(self, text: str):
        source = load_text(text)
        self.data = source.data
        self.keylines = {path: line - 1 for path, line in source.lines.items()}
        self.lines = text.split("\n")
        self.edits: list[tuple[int, int, int, list[str]]] = []  # (start, end, order, new lines)

    # where things are
    def _key(self, path: tuple) -> tuple[int, int, int, str, str, str]:
        """(line index, key indent, where the value starts, value, gap, comment) of a block-mapping key."""
        index = self.keylines[path]
        if len(path) > 1 and self.keylines.get(path[:-1]) == index:
            raise Unsupported(f"{path} is inside a one-line collection")
        line = self.lines[index]
        match = _KEY_LINE.match(line)
        if not match or (match.group("dq") or match.group("sq") or match.group("plain") or "").strip() != path[-1]:
            raise Unsupported(f"line {index + 1} is not the key {path[-1]}")
        start = match.end()
        value, gap, comment = _split_value(line[start:])
        return index, len(match.group("indent")), start, value, gap, comment

    def _end(self, path: tuple, index: int, indent: int) -> int:
        """One past the last line of the node at `path`: its descendants and any continuation lines."""
        last = max((i for p, i in self.keylines.items() if p[: len(path)] == path), default=index)
        end = last + 1
        while end < len(self.lines) and (not self.lines[end].strip() or _indent(self.lines[end]) > indent):
            end += 1
        while end > last + 1 and not self.lines[end - 1].strip():
            end -= 1
        return end

    def _add(self, start: int, end: int, lines: list[str]) -> None:
        order = 0 if start == end else 1  # at one place, an insertion goes before a replacement
        self.edits.append((start, end, order * 10**6 + len(self.edits), lines))

    # the edit
    def write(self, path: tuple, node: Any, before: tuple[str, ...] = ()) -> None:
        """Write `node` at `path`; `before` names the keys that come before it in its mapping."""
        if node is REMOVE:
            if path in self.keylines:
                index, indent = self._key(path)[:2]
                self._add(index, self._end(path, index, indent), [])
            return
        if path not in self.keylines:
            if not is_default(node) or (isinstance(node, FlowMap) and node.exact):
                self._insert(path, node, before)
            return
        if same(value_at(self.data, path), node):
            return
        index, indent, start, value, gap, comment = self._key(path)
        if (
            value == "" and isinstance(node, dict) and not isinstance(node, FlowMap)
            and isinstance(value_at(self.data, path), dict)
        ):
            keys = tuple(node)
            for i, (key, child) in enumerate(node.items()):
                self.write(path + (key,), child, keys[:i])
            return
        end = self._end(path, index, indent)
        new_value, following = block(node, indent)
        original = self.lines[index]
        rest = original[start:]
        line = original[:start]
        if new_value:
            leading = rest[: len(rest) - len(rest.lstrip())] if value else " "
            line += (leading or " ") + new_value
        if comment:
            line += " " * max(1, len(original) - len(comment) - len(line)) + comment
        self._add(index, end, [line] + following)

    def _insert(self, path: tuple, node: Any, before: tuple[str, ...]) -> None:
        parent = path[:-1]
        if parent and parent not in self.keylines:
            raise Unsupported(f"{parent} is missing")
        siblings = [p for p in self.keylines if len(p) == len(path) and p[:-1] == parent and isinstance(p[-1], str)]
        if parent:
            p_index, p_indent, _, p_value, _, _ = self._key(parent)
            if p_value:
                raise Unsupported(f"{parent} is written on one line")
            indent = _indent(self.lines[self.keylines[siblings[0]]]) if siblings else p_indent + 2
            at = p_index + 1
        else:
            indent = 0
            at = min((self.keylines[p] for p in siblings), default=len(self.lines))
        for sibling in before:
            candidate = parent + (sibling,)
            if candidate in self.keylines:
                at = self._end(candidate, self.keylines[candidate], _indent(self.lines[self.keylines[candidate]]))
        self._add(at, at, _key_lines(path[-1], node, indent))

    def text(self) -> str:
        lines = list(self.lines)
        for start, end, _, new in sorted(self.edits, key=lambda e: (e[0], e[2]), reverse=True):
            lines[start:end] = new
        return "\n".join(lines)


def apply(text: str, tree: dict) -> str:
    """`text` with the values of `tree` written in; raises Unsupported (or SourceError) when it cannot be done."""
    editor = Editor(text)
    keys = tuple(tree)
    for i, (key, node) in enumerate(tree.items()):
        editor.write((key,), node, keys[:i])
    result = editor.text()
    check = load_text(result).data
    for key, node in tree.items():
        if not same(value_at(check, (key,)), node):
            raise Unsupported(f"{key} did not read back")
    return result


def set_draft(text: str, draft: bool) -> str:
    lines = [line for line in text.split("\n") if not line.startswith(DRAFT_MARK)]
    if draft:
        lines.insert(0, DRAFT_LINE)
    return "\n".join(lines)


def header_comments(text: str) -> list[str]:
    """The comment lines at the top of a file, before its first key (the agency's notes on the source)."""
    out = []
    for line in text.split("\n"):
        if line.startswith("#") and not line.startswith(DRAFT_MARK):
            out.append(line)
        elif line.strip():
            break
    return out


__all__ = [
    "DRAFT_MARK",
    "REMOVE",
    "FlowMap",
    "Leaf",
    "SourceError",
    "Unsupported",
    "apply",
    "date_leaf",
    "header_comments",
    "number_leaf",
    "plain_leaf",
    "set_draft",
    "string_leaf",
    "text_leaf",
]
