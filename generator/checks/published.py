"""What only a published report shows (`govreport audit`): its parts and their headings, the labels its tables use,
its title, 落款 and date — and the reader's own notes (READ-*), registered here so that docs/rules.md lists them.

These rules read the document as published (`readers.published.Published`: its lines, headings and the places of
its tables), not an input, so they have no function in the rule table (`find` is None: `check` never runs them on
a YAML input). `published_findings(published)` runs them; `generator.audit` adds them to every other rule's findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from ..findings import RULES, Finding, Rule, Severity
from ..model.forms import PART_GENERAL, PARTS, format_for_year
from ..readers.published import Published
from ..readers.published.chars import normal, simplified
from ..readers.published.labels import TABLE_NAMES
from ..readers.published.meta import headings
from ..readers.published.result import (
    BLANK,
    EXTRA,
    FORMAT,
    FREE_FORM,
    META,
    MISSING,
    REPEATED,
    SPLIT,
    UNCERTAIN,
    UNIT,
    Location,
)
from ..readers.published.tokens import Place

PART_KEYS = ("overview", "active", "requests", "reviews", "problems", "other")
NUMERALS = ("一", "二", "三", "四", "五", "六")
TABLE_OF_PART = {"active": "表二", "requests": "表三", "reviews": "表四"}
DATA_OF_TABLE = {"表二": "active", "表三": "applications", "表四": "reviews"}

PART_MISSING = "PUB-PART-MISSING"
PART_EMPTY = "PUB-PART-EMPTY"
PART_ORDER = "PUB-PART-ORDER"
HEADING = "PUB-HEADING"
OLD_LABEL = "PUB-OLD-LABEL"
TITLE = "PUB-TITLE"
SIGNATURE = "PUB-SIGNATURE"
SIGNATURE_AGENCY = "PUB-SIGNATURE-AGENCY"
DATE_YEAR = "PUB-DATE-YEAR"
UNSURE = "PUB-UNSURE"


def _register(id: str, severity: Severity, title: str, why: str, part: str | None = None) -> Rule:
    return RULES.add(Rule(id, severity, title, why, part))


_register(PART_MISSING, Severity.ERROR, "已发布的报告六个部分齐全（一、总体情况至六、其他需要报告的事项）",
          "年度报告格式规定六个部分；缺少的部分（既无标题也无内容）说明报告不完整（govreport audit）。")
_register(PART_EMPTY, Severity.ERROR, "已发布的报告每一部分标题下都有内容",
          "标题下空白的部分等于没有写；没有需要报告的事项也应写明“无”（govreport audit）。")
_register(PART_ORDER, Severity.WARNING, "已发布的报告各部分按一至六的顺序排列，表二、表三、表四在各自部分的标题之下",
          "部分顺序错乱或表格排在别的部分标题之下，读者会把表格看错（govreport audit）。")
_register(HEADING, Severity.WARNING, "各部分标题与格式规定的写法一致",
          "六个部分的标题由格式规定（如“三、收到和处理政府信息公开申请情况”）；旧写法（“依申请公开政府信息情况”）、"
          "漏字或缺少标题在评估中扣分（govreport audit）。")
_register(OLD_LABEL, Severity.WARNING, "2021年度及以后的报告不再用2019试行格式的表格标签",
          "2021格式改了表二的栏目（本年制发件数、现行有效件数等）；表格已是2021格式却仍夹有“本年新制作数量”"
          "“其他对外管理服务事项”等旧标签，多半是套用了旧模板（govreport audit）。整张表都是旧格式时见 FORMAT-YEAR。",
          PARTS[1])
_register(TITLE, Severity.WARNING, "报告有标题“（机关）（年度）年政府信息公开工作年度报告”",
          "标题写明机关和年度，读者和检索才找得到；没有标题的报告无法确定年度（govreport audit）。", PART_GENERAL)
_register(SIGNATURE, Severity.WARNING, "报告末尾有落款（机关名称）和成文日期",
          "落款和日期是公文的组成部分，也是核对公布期限的依据；网页上的“发布时间”不能代替（govreport audit）。",
          PART_GENERAL)
_register(SIGNATURE_AGENCY, Severity.WARNING, "落款机关与标题中的报告机关相符",
          "落款是另一个机关的名称，多半是套用了别的单位的报告（govreport audit）。", PART_GENERAL)
_register(DATE_YEAR, Severity.ERROR, "落款日期、统计期限与报告年度相符",
          "年度报告在次年公布，统计期为报告年度的1月1日至12月31日；落款日期晚了两年以上、网页发布时间早于落款日期、"
          "或正文写的统计期限是另一年，都说明年份写错（govreport audit）。", PART_GENERAL)
_register(UNSURE, Severity.WARNING, "读不准的格（数字连在一起、有多种拆分）涉及的规则不核对，并说明“无法确定”",
          "宁可说不确定，也不误报：这些格请对照原件核实后再核对（govreport audit）。")

# The reader's notes (readers/published/result.py) are findings too: in the table, so that docs/rules.md lists them.
_register(SPLIT, Severity.WARNING, "表格一行的数字连在一起时，按唯一满足总计和勾稽关系的拆分读取，并说明拆分",
          "网页复制的表格常把一行的数字连成一串（“713000074”）；只有唯一满足该行总计和表三勾稽关系的拆分才采用。")
_register(UNCERTAIN, Severity.WARNING, "读不准的格（多种拆分都满足总计，或数字个数不对）不猜，留空并说明",
          "读错一个数比不读更糟：有几种可能时列出候选，由人核对原件。")
_register(BLANK, Severity.WARNING, "表格中没有空白或“/”的格",
          "格式要求没有的数填 0；空白或“/”的格在核对时按 0 计算，并指出位置。")
_register(REPEATED, Severity.WARNING, "同一张表格在报告中只出现一次",
          "表格重复出现多半是排版或复制时出错；数字不同时按第一次出现的核对。")
_register(MISSING, Severity.WARNING, "表二、表三、表四和它们的各行都能找到",
          "找不到的表格或行无法核对；可能是报告漏了，也可能是原件的排版读不出来，请对照原件。")
_register(EXTRA, Severity.WARNING, "表格中没有归不进任何一行的数字", "多出的数字说明表格的行列与规定的格式不符。")
_register(FORMAT, Severity.WARNING, "表格标签所属的格式与报告年度相符（读取时发现）",
          "2021年度及以后用2021格式的标签，2019、2020年度用2019试行格式。")
_register(UNIT, Severity.WARNING, "金额按表头的单位（万元）填写",
          "写成“元”的金额按万元换算后核对，并指出原文写法。", PARTS[1])
_register(FREE_FORM, Severity.WARNING, "2019年以前的报告没有统一表格：只核对正文写明的数字、标题和落款",
          "国办公开办函〔2019〕60号之前的年度报告格式不统一，表格的勾稽关系等规则不适用。")
_register(META, Severity.WARNING, "能读出报告年度、报告机关和落款日期", "读不出的项无法核对（如公布期限）。",
          PART_GENERAL)


@dataclass(frozen=True)
class Found:
    """A part heading as published: which part, its numeral and words as written, and where."""

    part: str
    numeral: str
    text: str  # as written (joined with the next line when the numeral stood alone)
    place: Place
    index: int  # line index in `published.lines`
    body: int  # first line index of its content


_NUMERAL = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、+")


def found_headings(published: Published) -> list[Found]:
    out = []
    lines = published.lines
    for head in headings(lines):
        text = lines[head.index][0].strip()
        if head.body == head.index + 2:
            text += lines[head.index + 1][0].strip()
        numeral = _NUMERAL.match(normal(text))
        out.append(Found(head.part, numeral.group(1) if numeral else "", text, head.place, head.index, head.body))
    return out


def _where(place: Place | None, table: str | None = None) -> str:
    """The place in words, where the line number alone does not say it (a page, a table cell, a DOCX paragraph)."""
    if place is None or (place.line is not None and place.page is None and place.table is None):
        return ""
    return f"（{place.describe(table)}）"


def _finding(published: Published, rule: str, message: str, place: Place | None = None,
             part: str | None = None, key: str | None = None) -> Finding:
    spec = RULES[rule]
    return Finding(rule, spec.severity, message + _where(place), published.file, place.line if place else None,
                   part or spec.part, None, None, key)


def _position(place: Place | None) -> tuple[int, int] | None:
    """A place comparable with another of the same document: (page, line); None where there is no line (DOCX)."""
    if place is None or place.line is None:
        return None
    return (place.page or 0, place.line)


def table_starts(published: Published) -> dict[str, Location]:
    """Where each table read begins: the first of its cells in reading order."""
    starts: dict[str, Location] = {}
    for location in published.locations.values():
        name = location.table
        if name is None:
            continue
        here, there = _position(location.place), _position(starts[name].place) if name in starts else None
        if name not in starts or (here is not None and there is not None and here < there):
            starts[name] = location
    return starts


_FURNITURE = re.compile(r"(发布时间|发布日期|来源[:：]|浏览|字体[:：]|当前位置|网站首页|【?打印】?|【?关闭】?|"
                        r"分享到|扫一扫|"
                        r"^相关词条$|^热门词条$|^联络我们$|^联系我们$|^[|｜\s]*$)")


def _content(published: Published, start: int, end: int) -> bool:
    """Whether lines [start, end) hold anything but page furniture (navigation, print buttons, "|" rules)."""
    for text, _ in published.lines[start:end]:
        stripped = simplified(text).strip()
        if stripped and not _FURNITURE.search(stripped):
            return True
    return False


def parts(published: Published) -> Iterator[Finding]:
    """PUB-PART-MISSING, PUB-PART-EMPTY, PUB-PART-ORDER and PUB-HEADING."""
    found = found_headings(published)
    first: dict[str, Found] = {}
    for each in found:
        first.setdefault(each.part, each)
    starts = table_starts(published)
    texts = published.data.get("text", {})
    meta = published.meta
    signature = min((p for p in (getattr(meta, "issuer_at", None), getattr(meta, "date_at", None)) if p is not None),
                    key=lambda p: _position(p) or (0, 0), default=None)
    ordered = sorted(first.values(), key=lambda h: h.index)
    for key, official in zip(PART_KEYS, PARTS):
        head = first.get(key)
        table = TABLE_OF_PART.get(key)
        if head is None:
            has_text = key in ("overview", "problems", "other") and bool(texts.get(key, "").strip())
            if table in starts or has_text:
                where = starts[table].place if table in starts else published.locations[f"text.{key}"].place
                what = f"{table}" if table in starts else "这一部分的正文"
                yield _finding(published, HEADING, f"{what}前面缺少“{official}”这一标题", where, official)
            else:
                yield _finding(published, PART_MISSING, f"缺少“{official}”这一部分（没有标题，也没有内容）", None,
                               official)
            continue
        words = normal(head.text)
        if words != normal(official):
            yield _finding(published, HEADING, f"标题写作“{head.text}”，格式规定为“{official}”", head.place, official)
        later = [h.index for h in ordered if h.index > head.index]
        end = later[0] if later else len(published.lines)
        if signature is not None and key == "other":
            end = min(end, next((i for i, (_, p) in enumerate(published.lines) if p == signature), end))
        if table is None and not _content(published, head.body, end):
            yield _finding(published, PART_EMPTY, f"“{official}”标题下没有任何文字（没有需要报告的事项也应写明“无”）",
                           head.place, official)
        if table is not None and table in starts:
            at, heading_at = _position(starts[table].place), _position(head.place)
            next_heads = [h for h in ordered if h.index > head.index]
            if at is not None and heading_at is not None and next_heads:
                following = next_heads[0]
                following_at = _position(following.place)
                if following_at is not None and at > following_at and following.part != key:
                    label = PARTS[PART_KEYS.index(following.part)]
                    yield _finding(published, PART_ORDER,
                                   f"{table}排在“{label}”标题（{following.place.describe()}）之下，"
                                   f"不在“{official}”标题（{head.place.describe()}）之下", starts[table].place,
                                   official)
        elif table is not None and not _content(published, head.body, end):
            yield _finding(published, PART_EMPTY, f"“{official}”标题下没有表格也没有文字", head.place, official)
    numbers = [NUMERALS.index(h.numeral) if h.numeral in NUMERALS else None for h in ordered]
    shown = [n for n in numbers if n is not None]
    if shown != sorted(shown):
        order = "、".join(h.text[:12] for h in ordered)
        yield _finding(published, PART_ORDER, f"各部分的顺序不是一至六：{order}", ordered[0].place)
    for head in ordered:
        wanted = NUMERALS[PART_KEYS.index(head.part)]
        if head.numeral and head.numeral != wanted and head.numeral[0] != wanted:
            yield _finding(published, HEADING, f"“{head.text}”的序号应为“{wanted}、”", head.place,
                           PARTS[PART_KEYS.index(head.part)])


# Labels of the 2019 试行 form that the 2021 form no longer has (normal form).
OLD_LABELS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
              "其他对外管理服务事项",
              "政府集中采购", "采购项目数量", "采购总金额")


def old_labels(published: Published) -> Iterator[Finding]:
    year = published.data.get("year")
    if not isinstance(year, int) or format_for_year(year) != "2021" or published.format != "2021":
        return
    seen: dict[str, Place] = {}
    for text, place in published.lines:
        words = normal(text)
        if len(words) > 30:
            continue
        for label in OLD_LABELS:
            if label in words and label not in seen:
                seen[label] = place
        if re.sub(r"^\d+\.", "", words) == "规范性文件" and "规范性文件" not in seen:
            seen["规范性文件"] = place
    if seen:
        listed = "；".join(f"“{label}”（{place.describe()}）" for label, place in seen.items())
        first = next(iter(seen.values()))
        yield _finding(published, OLD_LABEL, f"{year}年度的报告用2021格式，表中仍有2019试行格式的标签：{listed}",
                       None if first is None else first, PARTS[1])


def title(published: Published) -> Iterator[Finding]:
    meta = published.meta
    if meta is not None and meta.title_index is None:
        first = next((p for t, p in published.lines if t.strip()), None)
        yield _finding(published, TITLE, "未找到标题（应为“（机关）（年度）年政府信息公开工作年度报告”）", first)


_STATISTICS = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－)\s*"
                         r"(?:(\d{4})\s*年\s*)?12\s*月\s*31\s*日")


def _last_lines(published: Published, count: int = 8) -> list[tuple[str, Place]]:
    filled = [(t, p) for t, p in published.lines if t.strip()]
    return filled[-count:]


def signature(published: Published) -> Iterator[Finding]:
    meta = published.meta
    if meta is None:
        return
    tail = [p for _, p in _last_lines(published)]
    signed_date = meta.date if meta.date_at is not None and meta.date_at in tail else None
    page_date = meta.date if meta.date is not None and signed_date is None else None
    last = _last_lines(published, 1)
    issuer = meta.issuer or (_signed_by(published, meta.date_at) if signed_date is not None else None)
    if issuer is None and signed_date is None:
        said = f"，只有网页上的发布时间 {page_date.isoformat()}" if page_date else ""
        yield _finding(published, SIGNATURE, f"报告末尾没有落款机关和成文日期{said}", last[0][1] if last else None)
    elif signed_date is None:
        yield _finding(published, SIGNATURE, "落款没有成文日期", meta.issuer_at)
    elif issuer is None:
        yield _finding(published, SIGNATURE, "成文日期前没有落款机关", meta.date_at)
    year = published.data.get("year")
    agency = published.data.get("agency")
    if meta.issuer and agency and not _same_unit(meta.issuer, agency):
        yield _finding(published, SIGNATURE_AGENCY, f"落款“{meta.issuer}”与标题中的机关“{agency}”不符", meta.issuer_at)
    if not isinstance(year, int):
        return
    if signed_date is not None and signed_date.year >= year + 2:
        yield _finding(published, DATE_YEAR, f"落款日期 {signed_date.year}年{signed_date.month}月{signed_date.day}日 "
                       f"比{year}年度报告应有的{year + 1}年晚了{signed_date.year - year - 1}年：年份多半写错",
                       meta.date_at)
    if signed_date is not None:
        for text, place in published.lines[:40]:
            hit = re.search(r"(?:发布|发文|公开)(?:时间|日期)\s*[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})",
                            simplified(text))
            if hit:
                import datetime as dt

                try:
                    shown = dt.date(*(int(g) for g in hit.groups()))
                except ValueError:
                    break
                if shown < signed_date:
                    yield _finding(published, DATE_YEAR, f"网页发布时间 {shown.isoformat()} 早于落款日期 "
                                   f"{signed_date.isoformat()}：落款日期的年份或月份多半写错", place)
                break
    for text, place in published.lines[:60]:
        hit = _STATISTICS.search(simplified(text))
        if hit:
            stated = {int(hit.group(1))} | ({int(hit.group(2))} if hit.group(2) else set())
            if stated != {year}:
                yield _finding(published, DATE_YEAR, f"正文写统计期限为“{hit.group(0)}”，而报告年度为{year}年", place)
            break


def _signed_by(published: Published, date_at: Place | None) -> str | None:
    """The 落款 on the line before the date when it is the agency's own name (泸州市), which the reader's list of
    signature endings (…人民政府, …办公室) does not take."""
    filled = [(t.strip(), p) for t, p in published.lines if t.strip()]
    index = next((i for i, (_, p) in enumerate(filled) if p == date_at), None)
    agency = published.data.get("agency")
    if not index or not agency:
        return None
    text = filled[index - 1][0]
    if len(text) <= 40 and not text.endswith(("。", "；", "：", ":")) and _same_unit(text, str(agency)):
        return text
    return None


_UNIT_SUFFIX = re.compile(r"(人民政府|政府|政务公开领导小组办公室|政务公开工作领导小组办公室|政务公开办公室|"
                          r"办公室|政务服务局|政务服务管理局)$")


def _same_unit(issuer: str, agency: str) -> bool:
    a, b = simplified(issuer).strip(), simplified(agency).strip()
    core_a, core_b = _UNIT_SUFFIX.sub("", a) or a, _UNIT_SUFFIX.sub("", b) or b
    if core_a in b or core_b in a:
        return True
    prefix = 0
    for x, y in zip(core_a, core_b):
        if x != y:
            break
        prefix += 1
    return prefix >= 2


CHECKS: tuple[Callable[[Published], Iterator[Finding]], ...] = (parts, old_labels, title, signature)


def published_findings(published: Published) -> list[Finding]:
    """Every published-only rule's findings on `published` (a report before 2019 has no six parts to check)."""
    checks: tuple[Callable[[Published], Iterator[Finding]], ...] = CHECKS
    if published.format == "pre-2019":
        checks = (title, signature)
    return [finding for check in checks for finding in check(published)]


__all__ = ["published_findings", "found_headings", "table_starts", "DATA_OF_TABLE", "TABLE_NAMES", "UNSURE"]
