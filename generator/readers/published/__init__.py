"""Published reports read back: an HTML page, a DOCX, a PDF (its text layer) or plain text copied from a page →
the input data of the report (input.md's shape), where every figure stands, and notes on what was unsure.

    published = read_published(Path("report.pdf"))
    loaded = validate(published.source(), "report.pdf")   # generator.model.validate: the model's findings

Tables 二, 三 and 四 are read by their official row labels (generator.model.forms), in the 2021 format and the
2019 试行 format, simplified or traditional; a report before 2019 (free form, no tables) gives the figures its
text states (`Published.figures`). Rows whose digits ran together are cut by the digit splitter (digits.py), and
a cell it cannot settle is left None and reported, never guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...files import read_problem
from ...limits import MAX_INPUT_BYTES
from ...model.forms import format_for_year
from .chars import traditional_share
from .labels import ACTIVE, APPLICATIONS, FORMAT_SIGNALS, REVIEWS
from .meta import Line, Meta, free_figures, kind_of, narrative, read_meta
from .result import FORMAT, FREE_FORM, META, MISSING, Location, Published
from .sources import ReadError, decode_html, from_docx, from_html, from_pdf, from_text
from .tables import NARRATIVE, Parser, fill
from .tokens import TEXT, Place, Token

MAX_DOCUMENT_BYTES = 50 * MAX_INPUT_BYTES  # a published DOCX or PDF with pictures is larger than any YAML input
FIRST_TABLE_YEAR = 2019  # 国办公开办函〔2019〕60号: the first year with the official tables

__all__ = [
    "Location", "Published", "ReadError", "read_published", "read_text", "read_html", "read_docx", "read_pdf",
]


def read_published(path: Path | str, display: str | None = None) -> Published:
    """Read a published report by its suffix: .html/.htm, .docx, .pdf; anything else as plain text."""
    path = Path(path)
    file = display or str(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path, file)
    if suffix == ".pdf":
        return read_pdf(path, file)
    if suffix in (".doc", ".wps"):
        raise ReadError("旧版 Word/WPS 文件（.doc、.wps）读不了：请在 Word 或 WPS 中另存为 .docx 后再试")
    raw = _bounded(path)
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        return read_html(raw, file)
    if b"\x00" in raw[:8192]:
        raise ReadError("不是文本文件（也不是网页、.docx 或 .pdf）：已发布的报告请存为这几种格式之一")
    return read_text(decode_html(raw), file)


def read_text(text: str, file: str = "<文本>") -> Published:
    lines, tokens = from_text(text)
    return _assemble(file, "text", lines, tokens, text)


def read_html(raw: bytes | str, file: str = "<网页>") -> Published:
    lines, tokens = from_html(raw)
    return _assemble(file, "html", lines, tokens, "\n".join(text for text, _ in lines))


def read_docx(path: Path | str, file: str | None = None) -> Published:
    _bounded(Path(path), read=False)
    lines, tokens = from_docx(Path(path))
    return _assemble(file or str(path), "docx", lines, tokens, "\n".join(text for text, _ in lines))


def read_pdf(path: Path | str, file: str | None = None) -> Published:
    _bounded(Path(path), read=False)
    lines, tokens, text = from_pdf(Path(path))
    return _assemble(file or str(path), "pdf", lines, tokens, text)


def _bounded(path: Path, read: bool = True) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ReadError(f"文件过大（{size / 1_000_000:.1f} MB），不像一份年度报告")
        return path.read_bytes() if read else b""
    except OSError as exc:
        raise ReadError(read_problem(exc)) from None


def _formats(tokens: list[Token]) -> str | None:
    """The format the table labels are of: "2021", "2019", or None when they do not say."""
    labels = "".join(t.norm for t in tokens if t.kind == TEXT and len(t.norm) <= NARRATIVE)
    score = {fmt: sum(1 for word in words if word in labels) for fmt, words in FORMAT_SIGNALS.items()}
    if score["2021"] > score["2019"]:
        return "2021"
    if score["2019"] > score["2021"]:
        return "2019"
    return None


def _assemble(file: str, kind: str, lines: list[Line], tokens: list[Token], text: str) -> Published:
    meta = read_meta(lines)
    by_labels = _formats(tokens)
    by_year = format_for_year(meta.year) if meta.year else None
    fmt = by_labels or by_year or "2021"
    out = Published(file=file, kind=kind, format=fmt, traditional=traditional_share(text) > 0.02, lines=lines,
                    meta=meta)
    parser = Parser(fmt)
    parser.feed(tokens)
    found_tables = any(read.rows for reads in parser.reads.values() for read in reads)
    if not found_tables and meta.year is not None and meta.year < FIRST_TABLE_YEAR:
        out.format = "pre-2019"
        _free_form(out, lines, meta.year)
    else:
        fill(out, parser, fmt)
        if by_labels and by_year and by_labels != by_year:
            names = {"2021": "2021年格式（国办公开办函〔2021〕30号）", "2019": "2019年试行格式（〔2019〕60号）"}
            out.note(FORMAT, f"{meta.year}年度的报告应使用{names[by_year]}，表格却是{names[by_labels]}",
                     Location(meta.year_at) if meta.year_at else None, "format")
    _meta(out, meta, lines, kind == "pdf")
    return out


def _free_form(out: Published, lines: list[Line], year: int) -> None:
    out.note(FREE_FORM, f"{year}年度的报告早于2019年的统一表格，没有表二、表三、表四：只读取正文中写明的数字")
    for key, (value, place, words) in free_figures(lines).items():
        out.figures[key] = value
        out.locations[f"figures.{key}"] = Location(place, None, words)


def _meta(out: Published, meta: Meta, lines: list[Line], pdf: bool) -> None:
    data: dict[str, Any] = {}
    if out.format in ("2021", "2019"):
        data["format"] = out.format
    for key, value, at, label in (
        ("year", meta.year, meta.year_at, "报告年度"),
        ("agency", meta.agency, meta.agency_at, "报告机关"),
        ("date", meta.date, meta.date_at, "落款日期"),
    ):
        if value is None:
            out.note(META, f"未找到{label}", None, key)
            continue
        data[key] = value
        out.locations[key] = Location(at or Place(), None, str(value))
    data["kind"] = kind_of(meta.agency)
    if meta.issuer:
        data["issuer"] = meta.issuer
        out.locations["issuer"] = Location(meta.issuer_at or Place(), None, meta.issuer)
    texts: dict[str, str] = {}
    for part, (body, place) in narrative(lines, meta, pdf).items():
        texts[part] = body
        out.locations[f"text.{part}"] = Location(place, None, body[:20])
    for part, label in (("overview", "一、总体情况"), ("problems", "五、存在的主要问题及改进情况"),
                        ("other", "六、其他需要报告的事项")):
        if part not in texts and out.format != "pre-2019":
            out.note(MISSING, f"未找到“{label}”这一部分", None, f"text.{part}", label)
    data["text"] = texts
    out.data = {**data, **{k: v for k, v in out.data.items() if k in (ACTIVE, APPLICATIONS, REVIEWS)}}
