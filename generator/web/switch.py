"""Switching a report's format (2021 ↔ 2019 试行) and the shape of part 一 (one text ↔ the five aspects).

A switch takes the whole form as the clerk has it (saved or not) and makes the form of the other format or shape:
every value the two formats share is carried as it is; a few values are moved where the other format has their
place (2021's three rows of （六）其他处理 are one row in 2019; 行政许可/处罚/强制 的处理决定数量 are in both); the
rest has no place in the other format and is named before the switch. Those values are not lost: the switch writes
them into the report file as comment lines (`NOTE_MARK`), which the page shows, and switching back puts them back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..model.forms import APPLICATION_ROWS, FIRST_YEAR_2021, FORMATS, KEY_LABELS, OVERVIEW_ASPECTS
from ..model.labels import key_path, place
from .fields import BASE, OVERVIEW_SHAPE, SHAPES, FormError, computed_keys, field_keys
from .yamledit import DRAFT_MARK, number_leaf

FORMAT_NAMES = {"2021": "2021年格式（国办公开办函〔2021〕30号）", "2019": "2019年试行格式（国办公开办函〔2019〕60号）"}
SHAPE_NAMES = {"single": "一段完整的文字", "aspects": "分五个方面（（一）至（五））"}
NOTE_MARK = "# 【切换格式时未带过的数值】"
NOTE_HEAD = NOTE_MARK + (
    "下列数值在所切换的格式中没有对应的位置，没有写入报告，只在此留作记录；改回原来的格式时自动恢复。"
)
_NOTE_LINE = re.compile(r'^#   (?P<key>\S+) = (?P<value>"(?:[^"\\]|\\.)*")  # (?P<fmt>2021|2019)格式 · (?P<label>.*)$')
# 第二十条第（五）（六）项的处理决定数量: one number in 2021, the third column of a row in 2019
_DECISIONS = {f"active.{row}": f"active.{row}.decisions" for row in ("licensing", "punishment", "coercion")}
_OTHER_2021 = [spec.key for spec in APPLICATION_ROWS["2021"] if spec.key.startswith("other.")]


# --- which formats a year may take ----------------------------------------------------------------------------
def format_choice(year: str, current: str) -> dict[str, Any]:
    """The formats the report may be switched to for the year as typed: the 2021 format is required from the 2021
    report on; for 2019 and 2020 (and earlier years) the 2019 试行 format is the official one, and the 2021 format is
    allowed (`govreport check` warns: FORMAT-YEAR). `fixed`: the control is shown disabled, with `reason`."""
    text = str(year or "").strip()
    number = int(text) if text.isdigit() and len(text) <= 4 else None
    if number is not None and number >= FIRST_YEAR_2021:
        allowed = ["2021"]
        reason = f"{number}年度的报告必须使用2021年格式（国办公开办函〔2021〕30号规定2021年度起使用），不能改用其他格式"
    elif number is not None and number >= 2019:
        allowed = ["2019", "2021"]
        reason = f"{number}年度的报告应使用2019年试行格式（国办公开办函〔2019〕60号）；改用2021年格式时核对会提示"
    else:
        allowed = ["2019", "2021"]
        reason = "可选两种格式之一" if number is not None else "请先填写报告年度"
    return {"allowed": allowed, "current": current, "fixed": allowed == [current], "reason": reason}


# --- labels ---------------------------------------------------------------------------------------------------
def full_label(key: str, fmt: str) -> str:
    """Part · row · column of a field, for the list of values a switch cannot carry."""
    if key in KEY_LABELS and not key.startswith("text."):
        return KEY_LABELS[key]
    part, row, column = place(key_path(key), fmt)
    return " · ".join(p for p in (part, row, column) if p) or key


def _blank(value: str) -> bool:
    """A value that holds nothing worth keeping: empty, or a 0."""
    leaf = number_leaf(value)
    return leaf.value is None or (leaf.value == 0 and not isinstance(leaf.value, bool))


def _number(value: str) -> int | None:
    leaf = number_leaf(value)
    return leaf.value if isinstance(leaf.value, int) and not isinstance(leaf.value, bool) else None


# --- the notes kept in the file -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Note:
    key: str
    value: str
    fmt: str
    label: str

    def line(self) -> str:
        value = json.dumps(self.value, ensure_ascii=False)
        for char in "\u0085\u2028\u2029":  # characters YAML would read as the end of the comment line
            value = value.replace(char, f"\\u{ord(char):04x}")
        return f"#   {self.key} = {value}  # {self.fmt}格式 · {self.label}"


def notes_of(text: str) -> list[Note]:
    """The values an earlier switch could not carry, as the file keeps them."""
    out = []
    inside = False
    for line in text.split("\n"):
        if line.startswith(NOTE_MARK):
            inside = True
            continue
        if not inside:
            continue
        match = _NOTE_LINE.match(line)
        if not match:
            break
        try:
            value = json.loads(match.group("value"))
        except ValueError:
            continue
        if isinstance(value, str):
            out.append(Note(match.group("key"), value, match.group("fmt"), match.group("label")))
    return out


def with_notes(text: str, notes: list[Note]) -> str:
    """`text` with its block of notes replaced by `notes` (none: the block goes), at the top of the file, under the
    draft line if there is one; a comment, so the report's data is unchanged."""
    lines = text.split("\n")
    kept: list[str] = []
    inside = False
    for line in lines:
        if line.startswith(NOTE_MARK):
            inside = True
            continue
        if inside and _NOTE_LINE.match(line):
            continue
        inside = False
        kept.append(line)
    if notes:
        at = 1 if kept and kept[0].startswith(DRAFT_MARK) else 0
        kept[at:at] = [NOTE_HEAD, *(note.line() for note in notes)]
    return "\n".join(kept)


# --- the switch -----------------------------------------------------------------------------------------------
@dataclass
class Switch:
    fields: dict[str, str]  # the whole form in the new format and shape
    source: tuple[str, str]  # (format, shape) switched from
    target: tuple[str, str]
    dropped: list[Note] = field(default_factory=list)  # no place in the new format: kept in the file as notes
    restored: list[Note] = field(default_factory=list)  # notes of an earlier switch put back
    moved: list[str] = field(default_factory=list)  # plain sentences: what went where
    added: list[str] = field(default_factory=list)  # the new format's columns that start at 0
    carried: int = 0
    notes: list[Note] = field(default_factory=list)  # the file's notes after the switch

    def to_json(self) -> dict[str, Any]:
        (fmt0, shape0), (fmt1, shape1) = self.source, self.target
        if fmt0 != fmt1:
            title = f"把报告格式从{FORMAT_NAMES[fmt0]}改为{FORMAT_NAMES[fmt1]}"
        else:
            title = f"把“一、总体情况”从{SHAPE_NAMES[shape0]}改为{SHAPE_NAMES[shape1]}"
        return {
            "format": fmt1,
            "shape": shape1,
            "title": title,
            "carried": self.carried,
            "dropped": [{"label": n.label, "value": n.value} for n in self.dropped],
            "restored": [{"label": n.label, "value": n.value} for n in self.restored],
            "moved": self.moved,
            "added": self.added,
        }


def _overview(fields: Mapping[str, str], out: dict[str, str], shape0: str, shape1: str, moved: list[str]) -> None:
    get = lambda key: str(fields.get(key, ""))  # noqa: E731
    if shape0 == shape1:
        for key in ["text.overview"] if shape1 == "single" else [f"text.overview.{a}" for a in OVERVIEW_ASPECTS]:
            out[key] = get(key)
    elif shape1 == "single":  # the five texts, each under its heading: nothing lost
        parts = []
        for aspect in OVERVIEW_ASPECTS:
            text = get(f"text.overview.{aspect}").strip("\n")
            if text.strip():
                parts.append(f"{KEY_LABELS[f'text.overview.{aspect}']}\n\n{text}")
        out["text.overview"] = "\n\n".join(parts)
        if parts:
            moved.append("“一、总体情况”五个方面的文字合成一段，每个方面前保留它的小标题（（一）主动公开……），内容一字不少")
    else:  # the whole text into the first aspect, the others to be written
        whole = get("text.overview")
        out.update({f"text.overview.{a}": "" for a in OVERVIEW_ASPECTS})
        out[f"text.overview.{OVERVIEW_ASPECTS[0]}"] = whole
        if whole.strip():
            moved.append(
                "“一、总体情况”原来的整段文字全部放在了第一个方面“（一）主动公开”中；"
                "请把属于其他方面的段落剪切到（二）至（五）各框里，五个方面都要填写"
            )
        else:
            moved.append("“一、总体情况”分为五个方面，五个框都要填写")


def switch(fields: Mapping[str, str], fmt1: str, shape1: str, original: str) -> Switch:
    """The form `fields` (a complete post, in the file's current format and shape) in format `fmt1` and shape
    `shape1`; `original` is the file's text (its notes of earlier switches are put back where they now fit)."""
    if fmt1 not in FORMATS:
        raise FormError("报告格式应为 2021 或 2019；文件未改动")
    if shape1 not in SHAPES:
        raise FormError("总体情况的写法应为 single 或 aspects；文件未改动")
    fmt0 = "2019" if fields.get("format") == "2019" else "2021"
    shape0 = "aspects" if fields.get(OVERVIEW_SHAPE) == "aspects" else "single"
    choice = format_choice(str(fields.get("year", "")), fmt0)
    if fmt1 != fmt0 and fmt1 not in choice["allowed"]:
        raise FormError(choice["reason"] + "；文件未改动")
    out: dict[str, str] = {"format": fmt1, OVERVIEW_SHAPE: shape1}
    if BASE in fields:
        out[BASE] = str(fields[BASE])
    moved: list[str] = []
    _overview(fields, out, shape0, shape1, moved)
    used = {"format", OVERVIEW_SHAPE, BASE} | {k for k in fields if k.startswith("text.overview")}
    new_keys = field_keys(fmt1, shape1)
    carried = 0
    for key in new_keys + computed_keys(fmt1):  # the keys both formats have, as they are
        if key in out or key not in fields:
            continue
        out[key] = str(fields[key])
        used.add(key)
        carried += 1
    if fmt0 != fmt1:
        pairs = _DECISIONS.items() if fmt0 == "2021" else ((b, a) for a, b in _DECISIONS.items())
        for source, target in pairs:
            if source in fields:
                out[target] = str(fields[source])
                used.add(source)
                if not _blank(str(fields[source])):
                    moved.append(
                        f"{full_label(source, fmt0)}（{fields[source]}）放在了{full_label(target, fmt1)}"
                    )
        _other_row(fields, out, used, fmt0, fmt1, moved)
    added = []
    for key in new_keys:  # the new format's own cells start at 0
        if key not in out:
            out[key] = "0" if key.startswith(("active.", "fee_notices.", "applications.", "reviews.")) else ""
            if fmt0 != fmt1:
                added.append(key)
    old = notes_of(original)
    restored = [n for n in old if n.fmt == fmt1 and n.key in added and _blank(out[n.key])]
    for note in restored:
        out[note.key] = note.value
    dropped = [
        Note(key, str(value), fmt0, full_label(key, fmt0))
        for key, value in fields.items()
        if key not in used and not _blank(str(value))
    ]
    gone = {(n.fmt, n.key) for n in restored} | {(n.fmt, n.key) for n in dropped}
    notes = [n for n in old if (n.fmt, n.key) not in gone] + dropped
    labels = sorted({full_label(k, fmt1).rsplit(" · ", 1)[-1] for k in added if k.startswith("active.")})
    added_text = []
    if labels:
        added_text.append(f"二、主动公开的{'、'.join(labels)}等栏目（从 0 开始，请补填）")
    if fmt1 == "2021" and fmt0 != fmt1:
        added_text.append("六、其他需要报告的事项中的信息处理费（发出收费通知的件数、金额，从 0 开始）")
    return Switch(
        fields=out, source=(fmt0, shape0), target=(fmt1, shape1), dropped=dropped, restored=restored,
        moved=moved, added=added_text, carried=carried, notes=notes,
    )


def _other_row(
    fields: Mapping[str, str], out: dict[str, str], used: set[str], fmt0: str, fmt1: str, moved: list[str]
) -> None:
    """（六）其他处理: three rows in 2021, one in 2019 (their sum, as the 2019 form counts them)."""
    if fmt0 == "2021":
        rows = [[str(fields.get(f"applications.{k}[{i}]", "")) for i in range(6)] for k in _OTHER_2021]
        any_given = False
        for i in range(6):
            values = [row[i] for row in rows]
            numbers = [_number(v) for v in values]
            if all(n is not None for n in numbers):
                out[f"applications.other[{i}]"] = str(sum(n for n in numbers if n is not None))
                used.update(f"applications.{k}[{i}]" for k in _OTHER_2021)
                any_given = any_given or any(numbers)
            else:  # a cell that is not a number: the numbers are added up, the rest is named
                out[f"applications.other[{i}]"] = str(sum(n for n in numbers if n is not None))
                used.update(f"applications.{k}[{i}]" for k, n in zip(_OTHER_2021, numbers) if n is not None)
        if any_given:
            moved.append(
                "三、（六）其他处理的1、2、3三行（逾期不补正、逾期未缴费、其他）按列相加，合为2019年格式的一行"
            )
    else:
        for i in range(6):
            value = str(fields.get(f"applications.other[{i}]", ""))
            out[f"applications.other.other[{i}]"] = value
            out[f"applications.other.no_correction[{i}]"] = "0"
            out[f"applications.other.unpaid_fee[{i}]"] = "0"
            used.add(f"applications.other[{i}]")
        if any(not _blank(str(fields.get(f"applications.other[{i}]", ""))) for i in range(6)):
            moved.append(
                "三、（六）其他处理（2019年格式为一行）的数放在了2021年格式的“3.其他”行；"
                "其中属于逾期不补正或逾期未缴费的，请移到1、2两行"
            )


__all__ = ["FORMAT_NAMES", "NOTE_MARK", "Note", "Switch", "format_choice", "notes_of", "switch", "with_notes"]
