"""What the web form's routes call: the folder of reports (safe file names, the list with each file's status, one
save at a time), checking the form's values through the pipeline as `govreport check` checks a file, and new reports
(the scaffold, or carried over from last year's file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..files import os_error_zh
from ..findings import Finding, has_errors, sort_key
from ..limits import SAVE_WAIT_SECONDS
from ..model.forms import PART_GENERAL, PARTS, format_for_year
from ..model.labels import dotted, key_path
from ..model.scaffold import scaffold
from ..model.source import SourceError
from ..model.tables import carried_figures, typed_totals
from ..packs import PackError, load_pack
from ..pipeline import Checked, check_text
from ..readers.yaml import decode, load_text, read_bounded
from .fields import OVERVIEW_SHAPE, computed_keys, field_keys, form_values, row_keys, to_yaml
from .yamledit import DRAFT_MARK, set_draft

SECTION_OF_PART = {PART_GENERAL: "general", "正文": "general"} | dict(
    zip(PARTS, ("overview", "active", "applications", "reviews", "problems", "other"))
)
_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]{1,120}\.ya?ml")  # used with fullmatch: "a.yaml\n" is not a name


class BadName(ValueError):
    """A file name the form refuses; the message is Chinese."""


class Busy(Exception):
    """Another save of the same file did not finish in time."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Folder:
    """The reports in one directory; every name is checked to stay inside it."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, name: str, must_exist: bool = True) -> Path:
        if not _NAME.fullmatch(name or "") or name.startswith(".") or Path(name).name != name or ".." in name:
            raise BadName("文件名不合法：只能是本目录下的 .yaml 文件名，不能含“/”“..”或以“.”开头")
        path = self.root / name
        root = self.root.resolve()
        if path.is_symlink() or path.exists():
            if not path.resolve().is_relative_to(root):
                raise BadName("该文件指向数据目录之外，已拒绝")
        if must_exist and not path.is_file():
            raise FileNotFoundError(name)
        return path

    def names(self) -> list[str]:
        out = []
        for path in sorted(self.root.iterdir()):
            if path.suffix in (".yaml", ".yml") and not path.name.startswith("."):
                try:
                    self.path(path.name)
                except (BadName, FileNotFoundError):
                    continue
                out.append(path.name)
        return out

    def read(self, name: str) -> str:
        """The file's text; a file over MAX_INPUT_BYTES (or not a regular file) is refused before it is read."""
        path = self.path(name)
        try:
            return decode(read_bounded(path))
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise SourceError(f"无法读取文件：{os_error_zh(exc)}") from None

    # --- writing: one save of a file at a time, each one a compare-and-swap on what was read
    _locks: dict[str, list] = {}  # resolved path → [lock, users]; an entry goes away with its last user
    _guard = threading.Lock()

    @contextlib.contextmanager
    def lock(self, path: Path, wait: float = SAVE_WAIT_SECONDS):
        """Hold the lock of one file (shared by every Folder in this process); Busy after `wait` seconds."""
        key = str(path.resolve())
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            if not entry[0].acquire(timeout=wait):
                raise Busy(key)
            try:
                yield
            finally:
                entry[0].release()
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]

    def create(self, path: Path, data: bytes) -> bool:
        """Write a new file whole (temporary file, then a link that fails if the name exists): False, and nothing
        written, when the file already exists. Call with the file's lock held."""
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links (FAT): the lock keeps this server's writes apart
                if path.exists():
                    return False
                os.replace(tmp, path)
            return True
        finally:
            Path(tmp).unlink(missing_ok=True)


@dataclass
class Entry:
    name: str
    agency: str = ""
    year: str = ""
    format: str = ""
    status: str = "clean"  # "errors" | "warnings" | "clean" | "unreadable"
    errors: int = 0
    warnings: int = 0
    draft: bool = False
    first: str = ""  # the first error, as `govreport check` prints it


def entry(folder: Folder, name: str) -> Entry:
    item = Entry(name)
    try:
        text = folder.read(name)
    except SourceError as exc:
        item.status, item.errors, item.first = "unreadable", 1, exc.message
        return item
    except OSError as exc:
        item.status, item.errors, item.first = "unreadable", 1, f"无法读取：{exc.strerror}"
        return item
    try:
        checked = _check(text, name, folder.path(name))  # the text read above: one read, one parse
    except Exception as exc:  # noqa: BLE001 - one file must never break the list of all the others
        item.status, item.errors = "unreadable", 1
        item.first = f"无法核对此文件（程序内部错误：{type(exc).__name__}），请用 govreport check 查看并报告此问题"
        return item
    loaded, findings = checked.loaded, checked.findings
    item.draft = DRAFT_MARK in text
    if loaded.source is None:
        item.status = "unreadable"
    data = loaded.source.data if loaded.source else None
    if isinstance(data, dict):
        item.agency, item.year = str(data.get("agency") or ""), str(data.get("year") or "")
        item.format = str(data.get("format") or "")
    item.errors = sum(1 for f in findings if f.is_error)
    item.warnings = len(findings) - item.errors
    if item.status != "unreadable":
        item.status = "errors" if item.errors else ("warnings" if item.warnings else "clean")
    ordered = sorted(findings, key=sort_key)
    item.first = ordered[0].format() if ordered else ""
    return item


# --- checking the form ----------------------------------------------------------------------------------------
@dataclass
class Result:
    text: str  # the YAML the form's values make (what Save writes)
    findings: list[Finding]
    data: Any
    fmt: str
    in_place: bool
    names: list[str] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return has_errors(self.findings)

    def to_json(self) -> dict:
        errors = sum(1 for f in self.findings if f.is_error)
        return {
            "errors": errors,
            "warnings": len(self.findings) - errors,
            "draft": self.draft,
            "in_place": self.in_place,
            "findings": [finding_json(f, self.names) for f in sorted(self.findings, key=sort_key)],
            "totals": totals(self.data, self.fmt),
        }


def _check(text: str, name: str, path: Path | None) -> Checked:
    """`govreport check` on `text` as if it were saved at `path` (last year's file is looked for beside it)."""
    return check_text(text, name, at=path)


def check_fields(
    fields: Mapping[str, str], original: str | None, name: str, path: Path | None = None, switched: bool = False
) -> Result:
    """The form's values → the YAML that Save would write → the same loader and rule table as `govreport check`.
    `switched`: the values are the report switched to the other format (`fields.tree`)."""
    fmt = "2019" if fields.get("format") == "2019" else "2021"
    text, in_place = to_yaml(fields, original, switched)
    drafted = set_draft(text, True)
    checked = _check(drafted, name, path)
    if not has_errors(checked.findings):
        drafted = set_draft(text, False)
        checked = _check(drafted, name, path)
    if not drafted.endswith("\n"):
        drafted += "\n"
    names = field_keys(fmt, str(fields.get(OVERVIEW_SHAPE) or "single")) + computed_keys(fmt)
    data = checked.loaded.source.data if checked.loaded.source else None
    findings = checked.findings + _behind(fields, original, name, path, checked.findings, names, switched)
    return Result(drafted, findings, data, fmt, in_place, names)


def _behind(
    fields: Mapping[str, str], original: str | None, name: str, path: Path | None, findings: list[Finding],
    names: list[str], switched: bool = False,
) -> list[Finding]:
    """The findings a cell that is not a number hides: a report with such a cell cannot be built, so the rules
    on the whole report (the identities, the cross-year rules) do not run. They are found by checking once more with
    those cells read as 0, keeping only what does not concern them (an identity through such a cell is left out: its
    sum is not known). So one mistyped cell never hides the other problems."""
    numbers = set(row_keys("2019" if fields.get("format") == "2019" else "2021")) | {
        n for n in names if n.startswith(("active.", "fee_notices.", "applications.", "reviews."))
    }
    bad = {f.key for f in findings if f.is_error and f.rule == "INPUT" and f.key in numbers and f.key in fields}
    if not bad:
        return []
    stand_in = {**fields, **{key: "0" for key in bad}}
    try:
        text, _ = to_yaml(stand_in, original, switched)
        more = _check(set_draft(text, True), name, path).findings
    except Exception:  # noqa: BLE001 - the first check stands as it is
        return []
    unknown = set(bad)  # and the sums through them: the row's 总计, the column's （七）总计, that column's identity
    for key in bad:
        match = re.fullmatch(r"(applications|reviews)\.(.+)\[(\d)\]", key)
        if match and match.group(1) == "applications":
            column = match.group(3)
            unknown |= {f"applications.{match.group(2)}[6]", f"applications.total[{column}]", "applications.total[6]"}
            unknown |= {f"applications[{column}]", "applications[6]"}
        elif match:
            unknown.add(f"reviews.{match.group(2)}[4]")
    skip = set(_FROM_FIGURES)
    if any(key.startswith("fee_notices.") for key in bad):
        skip |= {"FEE-UNPAID", "FEE-COLLECTED", "FEE-NOTICE-AMOUNT"}
    if any(key.startswith("active.") for key in bad):
        skip |= {"XY-IN-FORCE", "XY-ITEMS"}
    seen = {(f.rule, f.key, f.message) for f in findings}
    return [
        f for f in more
        if (f.rule, f.key, f.message) not in seen and f.rule not in skip and f.key not in unknown
        and not unknown & set(targets(f.key, names))
    ]


_FROM_FIGURES = {"INPUT", "TEXT-FIGURE", "TEXT-PERCENT", "FEE-TEXT", "XY-JUMP"}  # would quote a stand-in 0


def targets(key: str | None, names: list[str]) -> list[str]:
    """The fields a finding is shown on: its own cell, the cells of a column identity, or everything under it."""
    if not key:
        return []
    if key in names:
        return [key]
    column = re.fullmatch(r"applications\[(\d)\]", key)
    if column:  # 一 + 二 = （七）总计 + 四, one column
        rows = ("new", "carried_over", "total", "carried_forward")
        return [f"applications.{row}[{column.group(1)}]" for row in rows]
    under = [n for n in names if n.startswith(key + ".") or n.startswith(key + "[")]
    if under:
        return under
    path = key_path(key)
    for size in range(len(path) - 1, 0, -1):
        ancestor = dotted(path[:size])
        if ancestor in names:
            return [ancestor]
    return []


def finding_json(finding: Finding, names: list[str]) -> dict:
    data = finding.to_dict()
    data["text"] = finding.format()  # as `govreport check` prints it: for the 详情 view
    cell = finding.cell()
    data["plain"] = f"{cell}：{finding.message}" if cell else finding.message  # for the clerk: no file, line or rule
    data["targets"] = targets(finding.key, names)
    data["section"] = SECTION_OF_PART.get(finding.part or "", "general")
    return data


def totals(data: Any, fmt: str) -> dict[str, str]:
    """The computed 总计 cells for the values as they stand ("" where a cell is not a whole number yet)."""
    return {key: "" if value is None else str(value) for key, value in typed_totals(data, fmt).items()}


# --- last year's report ------------------------------------------------------------------------------------------
def last_year_figures(path: Path, text: str) -> dict[str, str]:
    """Last year's figure of every cell of tables 二, 三 and 四, by this form's field names, from last year's file
    found beside this one as `govreport check` finds it (`checks.crossyear.candidates`: the name with the year one
    less, or a sibling folder named for last year) and only when it is the same agency's. {} when there is none."""
    from ..checks.crossyear import candidates
    from ..model.source import value_at
    from .fields import active_keys

    try:
        data = load_text(text).data
        year = int(data["year"])
    except Exception:  # noqa: BLE001 - no year, no last year
        return {}
    agency = re.sub(r"\s+", "", str(data.get("agency") or ""))
    for candidate in candidates(path, year):
        if not candidate.is_file():
            continue
        try:
            last = load_text(decode(read_bounded(candidate))).data
        except (SourceError, OSError):
            continue
        if not isinstance(last, dict) or last.get("year") != year - 1:
            continue
        if agency and re.sub(r"\s+", "", str(last.get("agency") or "")) != agency:
            continue
        fmt = "2019" if str(last.get("format")) == "2019" else "2021"
        out: dict[str, str] = {}
        for key in (*row_keys(fmt), *active_keys(fmt)):
            value = value_at(last, key_path(key))
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                out[key] = str(value)
        out.update((k, str(v)) for k, v in typed_totals(last, fmt).items() if v is not None)
        return out
    return {}


# --- packs and new reports ------------------------------------------------------------------------------------
def packs() -> list[tuple[str, str]]:
    """(name, display name) of every template pack found under templates/."""
    from ..packs import available_packs

    out = []
    for name, _ in available_packs():
        try:
            out.append((name, load_pack(name).display_name))
        except PackError:
            continue
    return out


def carried_over(last: Any, fmt: str) -> dict[str, str]:
    """Fields of a new report pre-filled from last year's data: who, and the figures that carry over (the model's
    `carried_figures`: 二、上年结转, 现行有效件数, 2019's 对外公开总数量 and 上一年项目数量)."""
    out: dict[str, str] = {}
    if not isinstance(last, dict):
        return out
    for key in ("issuer", "template"):
        if isinstance(last.get(key), str):
            out[key] = last[key]
    contact = last.get("contact")
    if isinstance(contact, dict):
        for key, value in contact.items():
            if isinstance(value, str):
                out[f"contact.{key}"] = value
    out.update((key, str(value)) for key, value in carried_figures(last, fmt).items())
    return out


def new_report(year: int, agency: str, kind: str, fmt: str | None, last_text: str | None) -> str:
    """The YAML of a new report: the scaffold, with last year's carried figures filled in where given."""
    fmt = fmt or format_for_year(year)
    base = scaffold(year, agency, kind, fmt)
    if last_text is None:
        return set_draft(base, True)
    fields = form_values(load_text(base).data, fmt)
    fields.update(carried_over(load_text(last_text).data, fmt))
    fields.update(carried_texts(last_text, fmt))
    text, _ = to_yaml(fields, base)
    return set_draft(text, True)


_UNIT = r"(?=\s*(?:件|项|个|人次|起|次|家|万元|元))"


def carried_texts(last_text: str, fmt: str) -> dict[str, str]:
    """Last year's narrative as the new report's starting text, to be edited: its year written as `{{ 年度 }}` and
    each figure that is one of last year's table figures (and only one) as that figure's placeholder, so the
    words follow this year's tables (`{{ 本年新收 }}件`). Fields of the form, by name ({} when last year's file
    cannot be read as a report)."""
    from ..model.placeholders import placeholders, values
    from ..readers.yaml import load_string

    loaded = load_string(last_text, "上年报告")
    data = loaded.source.data if loaded.source else None
    if loaded.report is None or not isinstance(data, dict) or not isinstance(data.get("text"), dict):
        return {}
    known = placeholders(fmt)
    figures: dict[str, list[str]] = {}
    for name, value in values(loaded.report).items():
        if name in known and name != "年度" and re.fullmatch(r"[1-9][0-9]*", value):
            figures.setdefault(value, []).append(name)
    year = str(loaded.report.year)

    def carry(text: str) -> str:
        text = re.sub(rf"(?<![0-9]){year}(?=\s*年)", "{{ 年度 }}", text)
        for value, names in figures.items():
            if len(names) == 1:
                text = re.sub(rf"(?<![0-9.{{]){value}{_UNIT}", f"{{{{ {names[0]} }}}}", text)
        return text

    out: dict[str, str] = {}
    texts = data["text"]
    for key in ("preface", "problems", "other"):
        if isinstance(texts.get(key), str):
            out[f"text.{key}"] = carry(texts[key]).rstrip("\n")
    overview = texts.get("overview")
    if isinstance(overview, str):
        out["text.overview"] = carry(overview).rstrip("\n")
    elif isinstance(overview, dict):
        out[OVERVIEW_SHAPE] = "aspects"
        for aspect, value in overview.items():
            if isinstance(value, str):
                out[f"text.overview.{aspect}"] = carry(value).rstrip("\n")
    return out
