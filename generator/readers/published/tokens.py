"""A published report as a stream of tokens: pieces of text, numbers and blank cells, each at its place.

Every source becomes the same stream, so that one parser reads the tables of all of them: plain text cut at line
ends, "|" and runs of spaces; an HTML page or a DOCX cut at its table cells (and the text around them at its
paragraphs); a PDF's text layer cut as plain text, page by page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .chars import normal, simplified

TEXT, NUMBER, BLANK = "text", "number", "blank"


@dataclass(frozen=True)
class Place:
    """Where a token stands: a line of a text (and its page, for a PDF), or a cell of the n-th table of a page or
    document (rows and columns 1-based, counted on the table's full grid, merged cells at their first slot)."""

    line: int | None = None  # a line of the text (or of the HTML source)
    page: int | None = None  # a PDF page, its lines counted from 1
    table: int | None = None  # the n-th table of an HTML page or a DOCX
    row: int | None = None
    column: int | None = None
    paragraph: int | None = None  # the n-th paragraph of a DOCX

    def describe(self, table_name: str | None = None) -> str:
        if self.table is not None:
            name = f"{table_name}（文档第{self.table}个表格）" if table_name else f"第{self.table}个表格"
            return f"{name} 第{self.row}行 第{self.column}列"
        if self.page is not None:
            return f"第{self.page}页 第{self.line}行"
        if self.paragraph is not None:
            return f"第{self.paragraph}段"
        return f"第{self.line}行" if self.line else "位置不明"

    def to_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Token:
    kind: str  # TEXT | NUMBER | BLANK
    text: str  # as written
    place: Place
    norm: str = ""  # TEXT: the normal form labels are compared in
    value: int | Decimal | None = None  # NUMBER: the value, sign applied
    unit: str | None = None  # NUMBER: "元" or "万元" where written after it
    signed: bool = False  # NUMBER: written with a sign (+2, -51, 增80, 减5)

    @property
    def digits(self) -> str | None:
        """The run of digits, for a NUMBER written as plain digits only (what the digit splitter can cut)."""
        return self.text.strip() if self.kind == NUMBER and _ascii(self.text).isdigit() else None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_NUMBER = re.compile(
    r"^(?P<sign>[+\-－−]|增加?|减少?|減少?)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>元|万元|萬元)?$"
)
_BLANKS = {"/", "／", "-", "－", "—", "–", "——", "无", "無", "空"}
_TRAILING_RUN = re.compile(r"^(?P<label>.*[^\d.,])(?P<run>\d+)$")


def number_token(text: str, place: Place) -> Token | None:
    """A NUMBER token for a piece that is a figure ("713", "+2", "-51", "增80", "56170889元", "81123.958785")."""
    raw = _ascii(text)
    found = _NUMBER.match(raw)
    if not found:
        return None
    sign, frac, unit = found.group("sign"), found.group("frac"), found.group("unit")
    num = found.group("num").replace(",", "")
    value: int | Decimal = Decimal(num + frac) if frac else int(num)
    negative = bool(sign) and sign[0] in "-－−减減"
    if negative:
        value = -value
    return Token(NUMBER, text, place, value=value, unit=simplified(unit) if unit else None, signed=bool(sign))


def piece_tokens(piece: str, place: Place) -> list[Token]:
    """The tokens of one piece of text (no spaces or "|" left in it)."""
    piece = piece.strip()
    if not piece:
        return []
    number = number_token(piece, place)
    if number:
        return [number]
    if piece in _BLANKS:
        return [Token(BLANK, piece, place)]
    run = _TRAILING_RUN.match(piece)
    if run and re.search(r"[\u4e00-\u9fff]", run.group("label")) and len(run.group("label")) <= 60:
        label = run.group("label")
        if not re.search(r"[第年月日号条项]$", label):  # 第5, 2021年: part of the text, not a figure after it
            return [Token(TEXT, label, place, norm=normal(label)), Token(NUMBER, run.group("run"), place,
                                                                          value=int(run.group("run")))]
    return [Token(TEXT, piece, place, norm=normal(piece))]


_SEPARATORS = re.compile(r"[|｜\s\u00a0\u3000]+")


def line_tokens(line: str, place: Place) -> list[Token]:
    """The tokens of a line of plain text: pieces between "|" and runs of spaces."""
    tokens: list[Token] = []
    for piece in _SEPARATORS.split(line):
        tokens.extend(piece_tokens(piece, place))
    return tokens


def cell_tokens(text: str, place: Place) -> list[Token]:
    """The tokens of a table cell: as a line, and one BLANK for a cell with nothing in it."""
    tokens = line_tokens(text, place)
    return tokens or [Token(BLANK, "", place)]


PAGE_NUMBER = re.compile(r"^[\s\-－—–]*\d{1,4}[\s\-－—–]*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$")


def is_page_number(line: str) -> bool:
    """A PDF's page number on a line of its own: "— 1 —", "-2-", "第 3 页" (a bare figure may be a table's cell)."""
    return bool(PAGE_NUMBER.match(line) and re.search(r"[-－—–页]", line))


def text_tokens(text: str, pdf: bool = False) -> list[Token]:
    """The tokens of plain text (or of a PDF's text layer, pages split at form feeds; page numbers left out)."""
    tokens: list[Token] = []
    if pdf:
        for page_no, page in enumerate(text.split("\f"), start=1):
            lines = page.splitlines()
            for line_no, line in enumerate(lines, start=1):
                if is_page_number(line):
                    continue
                tokens.extend(line_tokens(line, Place(line=line_no, page=page_no)))
        return tokens
    for line_no, line in enumerate(text.splitlines(), start=1):
        tokens.extend(line_tokens(line, Place(line=line_no)))
    return tokens
