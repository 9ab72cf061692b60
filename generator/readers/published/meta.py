"""What a published report says outside its tables: title, year, agency, 落款 and date, the narrative parts, and
the figures a report before 2019 states in its text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .chars import normal, simplified
from .tokens import Place, is_page_number

Line = tuple[str, Place]

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """"2021", "二〇二一" (digit by digit), "二十六", "十二", "一" → the number; None when it is none of these."""
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) >= 3:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    if not all(ch in _CN_DIGITS or ch in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


@dataclass
class Meta:
    year: int | None = None
    year_at: Place | None = None
    agency: str | None = None
    agency_at: Place | None = None
    date: dt.date | None = None
    date_at: Place | None = None
    issuer: str | None = None
    issuer_at: Place | None = None
    title_index: int | None = None


_TITLE = re.compile(r"(\d{4})\s*年度?.{0,12}(?:政府信息公开|政务公开|信息公开).{0,8}(?:年度报告|年报|工作报告)")
_DATE = re.compile(r"([0-9〇零○一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月"
                   r"\s*([0-9一二三四五六七八九十]{1,3})\s*日")
_PUBLISHED = re.compile(r"(?:发布|发文|成文|公开)(?:时间|日期)\s*[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_SIGNATURE_WORDS = re.compile(r"(人民政府|办公室|领导小组|局|委员会|委|厅|中心|政府|街道|镇|乡)\s*$")
_DEPARTMENT = re.compile(r"(局|委员会|委|办公室|办|厅|中心|署|院|站|所|队|部|会)$")


def read_meta(lines: list[Line]) -> Meta:
    meta = Meta()
    texts = [simplified(text).strip() for text, _ in lines]
    for index, text in enumerate(texts[:40]):
        found = _TITLE.search(text)
        following = texts[index + 1] if index + 1 < len(texts) else ""
        if not found and len(text) <= 30 and 0 < len(following) <= 30 and _TITLE.search(text + following):
            found, text = _TITLE.search(text + following), text + following  # a title broken over two lines
            index_end = index + 1
        else:
            index_end = index
        if found and len(text) <= 80:
            meta.title_index = index_end
            meta.year, meta.year_at = int(found.group(1)), lines[index][1]
            before = text[: found.start()].strip()
            if before:
                agency = before
            else:
                rest = re.sub(r"^\d{4}\s*年度?", "", text[found.start():])
                agency = re.split(r"政府信息公开|政务公开|信息公开", rest)[0].strip()
            if agency:
                meta.agency, meta.agency_at = _original(lines[index][0], agency), lines[index][1]
            elif index > 0:
                previous = next((i for i in range(index - 1, -1, -1) if texts[i]), None)
                if previous is not None and len(texts[previous]) <= 30:
                    meta.agency, meta.agency_at = lines[previous][0].strip(), lines[previous][1]
            break
    if meta.year is None:
        for index, text in enumerate(texts[:10]):
            found = re.search(r"(\d{4})\s*年", text)
            if found and 2000 <= int(found.group(1)) <= 2100:
                meta.year, meta.year_at = int(found.group(1)), lines[index][1]
                break
    if meta.agency is None:
        for index, text in enumerate(texts[:20]):
            found = re.search(r"现将(.{2,20}?)\d{4}\s*年", text)
            if found:
                meta.agency, meta.agency_at = _original(lines[index][0], found.group(1)), lines[index][1]
                break
    _signature(meta, lines, texts)
    return meta


def _original(line: str, simplified_part: str) -> str:
    """The part of `line` (as written, perhaps in 繁体) that reads `simplified_part` once simplified."""
    start = simplified(line).find(simplified_part)
    return line[start:start + len(simplified_part)].strip() if start >= 0 else simplified_part.strip()


def _signature(meta: Meta, lines: list[Line], texts: list[str]) -> None:
    filled = [i for i, text in enumerate(texts) if text]
    for index in reversed(filled[-8:]):
        found = _DATE.search(texts[index])
        if found and len(texts[index]) <= 30:
            date = _date(*found.groups())
            if date:
                meta.date, meta.date_at = date, lines[index][1]
                before = [i for i in filled if i < index][-1:]
                if before:
                    text = texts[before[0]]
                    raw = lines[before[0]][0]
                    # the issuer: an agency's words, or a short line set far right, as a 落款 is (a PDF's layout)
                    right = len(raw) - len(raw.lstrip()) >= 8
                    named = _SIGNATURE_WORDS.search(text) or right
                    if len(text) <= 40 and not text.endswith(("。", "；", "：")) and named:
                        meta.issuer, meta.issuer_at = lines[before[0]][0].strip(), lines[before[0]][1]
                return
    for index, text in enumerate(texts[:40]):
        found = _PUBLISHED.search(text)
        if found:
            date = _date(*found.groups())
            if date:
                meta.date, meta.date_at = date, lines[index][1]
                return


def _date(year: str, month: str, day: str) -> dt.date | None:
    values = [chinese_number(part) for part in (year, month, day)]
    if any(v is None for v in values):
        return None
    try:
        return dt.date(*values)  # type: ignore[arg-type]
    except ValueError:
        return None


def kind_of(agency: str | None) -> str:
    """"department" for an agency named as a department (…局, …委员会, …办公室), else "government"."""
    if not agency:
        return "government"
    name = simplified(agency).strip()
    if name.endswith("人民政府") or not _DEPARTMENT.search(name):
        return "government"
    return "department"


# --- narrative parts ------------------------------------------------------------------------------------------
_HEADING = re.compile(r"^([一二三四五六七八九十]+)、+(.*)$")
_PART_WORDS = (
    ("overview", ("总体情况", "基本情况", "概述", "总体")),
    ("active", ("主动公开",)),
    ("requests", ("申请",)),
    ("reviews", ("复议", "诉讼")),
    ("problems", ("问题", "改进")),
    ("other", ("其他需要报告", "其他事项", "其它需要报告")),
)
_JUNK = re.compile(r"^(相关词条|热门词条|联络我们|联系我们|【?打印】?|【?关闭】?|字体[:：].*|分享到.*|扫一扫.*)$")


@dataclass(frozen=True)
class Heading:
    index: int  # the line it starts at
    body: int  # the first line of its text
    part: str  # overview, active, requests, reviews, problems, other
    place: Place


def headings(lines: list[Line]) -> list[Heading]:
    """The part headings (一、总体情况 … 六、其他需要报告的事项), a numeral left alone on its line joined to the
    next line ("二、" / "主动公开政府信息情况"). Table rows that read like headings (一、本年新收…) are not parts."""
    found: list[Heading] = []
    index = 0
    while index < len(lines):
        text = normal(lines[index][0])
        match_ = _HEADING.match(text)
        body = index + 1
        if match_ and len(text) <= 40:
            words = match_.group(2)
            if not words and index + 1 < len(lines):
                words, body = normal(lines[index + 1][0]), index + 2
            for part, keys in _PART_WORDS:
                if any(key in words for key in keys) and "本年" not in words and "结转" not in words:
                    if part != "overview" or len(words) <= 20:
                        found.append(Heading(index, body, part, lines[index][1]))
                    break
        index += 1
    return found


def narrative(lines: list[Line], meta: Meta, pdf: bool = False) -> dict[str, tuple[str, Place]]:
    """The narrative parts as input text (paragraphs separated by a blank line), each with the place of its
    heading: preface, overview, problems, other."""
    heads = headings(lines)
    parts: dict[str, tuple[str, Place]] = {}
    first_of: dict[str, Heading] = {}
    for head in heads:
        first_of.setdefault(head.part, head)
    starts = sorted(first_of.values(), key=lambda h: h.index)

    def until_next(head: Heading) -> int:
        later = [h.index for h in starts if h.index > head.index]
        return later[0] if later else len(lines)

    begin = (meta.title_index + 1) if meta.title_index is not None else 0
    while begin < len(lines) and _is_page_furniture(lines[begin][0]):
        begin += 1
    first = starts[0].index if starts else len(lines)
    if "overview" in first_of:
        head = first_of["overview"]
        if head.index > begin:
            parts["preface"] = (_paragraphs(lines[begin:head.index], pdf), lines[begin][1])
        parts["overview"] = (_paragraphs(lines[head.body:until_next(head)], pdf), head.place)
    elif first > begin:
        parts["overview"] = (_paragraphs(lines[begin:first], pdf), lines[begin][1])
    if "problems" in first_of:
        head = first_of["problems"]
        parts["problems"] = (_paragraphs(lines[head.body:until_next(head)], pdf), head.place)
    if "other" in first_of:
        head = first_of["other"]
        end = until_next(head)
        for at in (meta.issuer_at, meta.date_at):
            for i in range(head.body, end):
                if at is not None and lines[i][1] == at:
                    end = min(end, i)
        parts["other"] = (_paragraphs(lines[head.body:end], pdf), head.place)
    return {key: value for key, value in parts.items() if value[0] or key == "other"}


def _is_page_furniture(text: str) -> bool:
    text = simplified(text).strip()
    return not text or bool(re.search(r"(发布时间|发布日期|来源[:：]|浏览|字体[:：]|当前位置|网站首页|【打印】)", text))


def _indented(text: str, pdf: bool) -> bool:
    """A line that starts a paragraph by its indent (空两字): pdftotext's layout keeps it as one space or more."""
    return text[:1].isspace() if pdf else (text[:2].isspace() or text.startswith("\u3000"))


def _width(text: str) -> int:
    """A printed line's width in half characters, the spaces pdftotext puts for a justified line's gaps left out."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text if not ch.isspace())


def _paragraphs(lines: list[Line], pdf: bool) -> str:
    """The lines as paragraphs. A PDF's text layer has a line per printed line: a line goes on the paragraph before
    it unless it starts a new one — indented (空两字), where the document indents its paragraphs' first lines, or
    after a short line that ends a sentence (a paragraph's last line; pdftotext loses the indent of a page's first
    line)."""
    kept = []
    for text, _ in lines:
        stripped = text.strip().replace("\u00a0", " ").strip()
        if not stripped or _JUNK.match(simplified(stripped)) or (pdf and is_page_number(stripped)):
            continue  # nothing, a site's furniture, or a PDF's page number ("— 1 —") between two pages' lines
        kept.append((text, stripped))
    indents = sum(1 for text, _ in kept if _indented(text, pdf))
    by_indent = pdf and 0 < indents < 0.8 * len(kept)  # first lines indented, the others not
    widths = sorted(_width(stripped) for _, stripped in kept)
    full = widths[int(0.8 * (len(widths) - 1))] if widths else 0  # a full line's width: most lines are full
    paragraphs: list[str] = []
    last = ""  # the line before, as printed
    for text, stripped in kept:
        ended = last.endswith(("。", "：", ":", "！", "？"))
        if not paragraphs:
            new = True
        elif by_indent:
            new = _indented(text, pdf) or (ended and _width(last) < 0.9 * full)
        else:
            new = ended
        if pdf and not new:
            paragraphs[-1] += stripped
        else:
            paragraphs.append(stripped)
        last = stripped
    return "\n\n".join(paragraphs)


# --- the figures of a report before 2019 (no tables) ---------------------------------------------------------
_NUM = r"(\d+|[一二两三四五六七八九十百〇零]+)"
_FREE_FIGURES: tuple[tuple[str, re.Pattern[str], int | None], ...] = (
    ("active.published", re.compile(r"主动公开(?:政府)?信息" + _NUM + r"条"), None),
    ("applications.received", re.compile(r"收到(?:政府信息公开)?(?:申请)?" + _NUM + r"(?:起|件|个|份|条)"), None),
    ("applications.received", re.compile(r"(?:未|没有)收到[^。]{0,12}申请"), 0),
    ("reviews.reconsideration", re.compile(r"(?:未发生|没有发生|无)[^。]{0,30}行政复议"), 0),
    ("reviews.litigation", re.compile(r"(?:未发生|没有发生|无)[^。]{0,40}行政诉讼"), 0),
    ("fees.collected", re.compile(r"(?:没有|未)[^。]{0,30}收取[^。]{0,20}费"), 0),
)


def free_figures(lines: list[Line]) -> dict[str, tuple[int, Place, str]]:
    """The figures the text of a report before 2019 states: key → (value, place, the words it was read from)."""
    found: dict[str, tuple[int, Place, str]] = {}
    for text, place in lines:
        plain = simplified(text)
        for key, pattern, fixed in _FREE_FIGURES:
            if key in found:
                continue
            hit = pattern.search(plain)
            if hit is None:
                continue
            value = fixed if fixed is not None else chinese_number(hit.group(1))
            if value is not None:
                found[key] = (value, place, text[hit.start():hit.end()])
    return found
