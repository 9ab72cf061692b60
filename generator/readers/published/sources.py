"""Each kind of published document as lines of text (for the title, the 落款 and the narrative) and a stream of
tokens (for the tables): an HTML page as saved from a government site, a DOCX, a PDF's text layer, plain text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .meta import Line
from .tokens import Place, Token, cell_tokens, line_tokens, text_tokens

MAX_SPAN = 100  # a rowspan or colspan beyond this is a broken page, not a table
PDF_SECONDS = 60


class ReadError(Exception):
    """The document cannot be read at all; carries a Chinese message."""


# --- plain text -------------------------------------------------------------------------------------------------
def from_text(text: str, pdf: bool = False) -> tuple[list[Line], list[Token]]:
    lines: list[Line] = []
    if pdf:
        for page_no, page in enumerate(text.split("\f"), start=1):
            for line_no, line in enumerate(page.splitlines(), start=1):
                lines.append((line, Place(line=line_no, page=page_no)))
    else:
        lines = [(line, Place(line=n)) for n, line in enumerate(text.splitlines(), start=1)]
    return lines, text_tokens(text, pdf=pdf)


# --- HTML -------------------------------------------------------------------------------------------------------
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header", "footer", "br",
    "tr", "td", "th", "title", "blockquote", "pre", "center", "dd", "dt", "dl", "form", "hr", "main", "nav", "aside",
}
_SKIP = {"script", "style", "noscript", "head", "template", "svg", "iframe", "object"}


def decode_html(raw: bytes) -> str:
    """The page's text: the charset it declares, else UTF-8, else GB18030 (what government sites use)."""
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", raw[:4096])
    names = ([declared.group(1).decode("ascii", "replace")] if declared else []) + ["utf-8", "gb18030"]
    for name in names:
        try:
            return raw.decode("gb18030" if name.lower() in ("gb2312", "gbk") else name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", "replace")


class _HtmlWalk:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.tokens: list[Token] = []
        self.buffer: list[str] = []
        self.line: int | None = None
        self.tables = 0

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if not self.buffer:
                self.line = line
            self.buffer.append(text)

    def flush(self) -> None:
        text = re.sub(r"\s*\n\s*", "", "".join(self.buffer))
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        self.buffer = []
        if text.strip():
            place = Place(line=self.line)
            self.lines.append((text, place))
            self.tokens.extend(line_tokens(text, place))

    def walk(self, element: Any) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table":
            self.flush()
            self.table(element)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
        self.add(element.text, element.sourceline)
        for child in element:
            self.walk(child)
            self.add(child.tail, child.sourceline)
        if block:
            self.flush()

    def table(self, table: Any) -> None:
        rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
        cells = [[c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")] for tr in rows]
        if any(cell.find(".//table") is not None for row in cells for cell in row):  # a table laying out a page
            for row in cells:
                for cell in row:
                    self.walk(cell)
            return
        self.tables += 1
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(cells, start=1):
            c = 1
            for cell in row:
                while (r, c) in taken:
                    c += 1
                rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                text = re.sub(r"\s+", " ", cell.text_content()).strip()
                place = Place(line=cell.sourceline, table=self.tables, row=r, column=c)
                self.tokens.extend(cell_tokens(text, place))
                c += colspan


def _span(value: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


def from_html(raw: bytes | str) -> tuple[list[Line], list[Token]]:
    from lxml import html as lxml_html

    text = decode_html(raw) if isinstance(raw, bytes) else raw
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str with an encoding declaration
    if not text.strip():
        raise ReadError("网页是空的")
    try:
        root = lxml_html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError and others for pages it cannot make a tree of
        raise ReadError(f"无法解析网页：{exc}") from None
    walk = _HtmlWalk()
    body = root.find("body")
    walk.walk(body if body is not None else root)
    walk.flush()
    return walk.lines, walk.tokens


# --- DOCX -------------------------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(element: Any) -> str:
    paragraphs = []
    for paragraph in element.iter(f"{_W}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{_W}t")))
    return "\n".join(paragraphs)


def from_docx(path: Path) -> tuple[list[Line], list[Token]]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a DOCX
        raise ReadError(f"无法打开DOCX文件：{exc}") from None
    lines: list[Line] = []
    tokens: list[Token] = []
    counters = {"paragraph": 0, "table": 0}

    def body(element: Any) -> None:
        for child in element.iterchildren():
            if child.tag == f"{_W}p":
                counters["paragraph"] += 1
                text = "".join(node.text or "" for node in child.iter(f"{_W}t"))
                if text.strip():
                    place = Place(paragraph=counters["paragraph"])
                    lines.append((text, place))
                    tokens.extend(line_tokens(text, place))
            elif child.tag == f"{_W}tbl":
                counters["table"] += 1
                tokens.extend(_docx_table(child, counters["table"]))
            elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
                body(child)

    body(document.element.body)
    return lines, tokens


def _docx_table(table: Any, number: int) -> list[Token]:
    tokens: list[Token] = []
    for r, tr in enumerate(table.findall(f"{_W}tr"), start=1):
        c = 1
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            c += _span(before.get(f"{_W}val"))
        for tc in tr.findall(f"{_W}tc"):
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            colspan = _span(span.get(f"{_W}val")) if span is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is None or merge.get(f"{_W}val") == "restart":
                text = re.sub(r"\s+", " ", _docx_text(tc)).strip()
                tokens.extend(cell_tokens(text, Place(table=number, row=r, column=c)))
            c += colspan
    return tokens


# --- PDF --------------------------------------------------------------------------------------------------------
def pdf_text(path: Path) -> str:
    """The text layer of a PDF, laid out as on the page (poppler's pdftotext -layout; pypdf where it is missing)."""
    tool = shutil.which("pdftotext")
    if tool:
        try:
            done = subprocess.run(
                [tool, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=PDF_SECONDS
            )
        except subprocess.TimeoutExpired:
            raise ReadError(f"读取PDF超过{PDF_SECONDS}秒，已放弃") from None
        if done.returncode != 0:
            said = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            detail = f"（pdftotext：{said[-1][:160]}）" if said else ""
            raise ReadError(f"PDF 文件损坏，或不是 PDF{detail}")
        return done.stdout.decode("utf-8", "replace")
    try:
        import pypdf
    except ImportError:
        raise ReadError("读取PDF需要 pdftotext（poppler-utils）或 pypdf，两者都没有安装") from None
    try:
        reader = pypdf.PdfReader(str(path))
        return "\f".join(page.extract_text(extraction_mode="layout") or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise ReadError(f"无法读取PDF：{exc}") from None


def from_pdf(path: Path) -> tuple[list[Line], list[Token], str]:
    text = pdf_text(path)
    if not text.strip():
        raise ReadError("PDF没有文字层（可能是扫描件），无法读取")
    lines, tokens = from_text(text, pdf=True)
    return lines, tokens, text
