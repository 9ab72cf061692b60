"""The official forms as data: parts, table rows and columns, and the Chinese label of every input key.

Everything that names a row or a column of the official tables (国办公开办函〔2021〕30号 and 〔2019〕60号) is here,
so the model, the checks, the document, the scaffold and the error messages all use the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FORMATS = ("2021", "2019")
# 国办公开办函〔2021〕30号: the 2021 format from the 2021 report on; 〔2019〕60号 for 2019 and 2020
FIRST_YEAR_2021 = 2021


def format_for_year(year: int) -> str:
    """The official format a year's report takes: "2021" for 2021 and later, "2019" for 2019–2020 (and before).

    The one place that decides it: the loader (an input without `format:`), the scaffold, the collection workbook,
    the web form, synthetic units and the FORMAT-YEAR rule all ask here."""
    return "2021" if year >= FIRST_YEAR_2021 else "2019"


def example_year(fmt: str) -> int:
    """A report year that takes `fmt` (its latest for 2019, its first for 2021): for a form with no year yet."""
    return FIRST_YEAR_2021 if fmt == "2021" else FIRST_YEAR_2021 - 1


PARTS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
PART_GENERAL = "基本信息"

APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
ORGANISATION_COLUMNS = APPLICANT_COLUMNS[1:6]
TOTAL = "总计"
APPLICATION_COLUMNS = APPLICANT_COLUMNS + (TOTAL,)
APPLICATIONS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

REVIEW_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")
REVIEW_COLUMNS = REVIEW_OUTCOMES + (TOTAL,)


@dataclass(frozen=True)
class ApplicationRow:
    """One number row of table 三: its input path, official label and the merged group label it sits under."""

    path: tuple[str, ...]
    label: str
    kind: str  # "intake" (一、二), "result" (（一）–（六）), "total" (（七）), "forward" (四)
    group: str | None = None  # e.g. "（三）不予公开" for its numbered sub-rows

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def full_label(self) -> str:
        return f"{self.group} · {self.label}" if self.group else self.label


RESULTS_LABEL = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"

_ROWS_HEAD = (
    ApplicationRow(("new",), "一、本年新收政府信息公开申请数量", "intake"),
    ApplicationRow(("carried_over",), "二、上年结转政府信息公开申请数量", "intake"),
    ApplicationRow(("disclosed",), "（一）予以公开", "result"),
    ApplicationRow(("partly_disclosed",), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "result"),
    *(
        ApplicationRow(("withheld", key), label, "result", _WITHHELD)
        for key, label in (
            ("state_secret", "1.属于国家秘密"),
            ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("security_stability", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal_affairs", "5.属于三类内部事务信息"),
            ("process_info", "6.属于四类过程性信息"),
            ("enforcement_files", "7.属于行政执法案卷"),
            ("query_matters", "8.属于行政查询事项"),
        )
    ),
    *(
        ApplicationRow(("unavailable", key), label, "result", _UNAVAILABLE)
        for key, label in (
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        )
    ),
    *(
        ApplicationRow(("not_processed", key), label, "result", _NOT_PROCESSED)
        for key, label in (
            ("petition", "1.信访举报投诉类申请"),
            ("duplicate", "2.重复申请"),
            ("publication", "3.要求提供公开出版物"),
            ("excessive", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        )
    ),
)
_ROWS_OTHER_2021 = tuple(
    ApplicationRow(("other", key), label, "result", _OTHER)
    for key, label in (
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    )
)
_ROWS_OTHER_2019 = (ApplicationRow(("other",), _OTHER, "result"),)
_ROWS_TAIL = (
    ApplicationRow(("total",), "（七）总计", "total"),
    ApplicationRow(("carried_forward",), "四、结转下年度继续办理", "forward"),
)

APPLICATION_ROWS = {
    "2021": _ROWS_HEAD + _ROWS_OTHER_2021 + _ROWS_TAIL,
    "2019": _ROWS_HEAD + _ROWS_OTHER_2019 + _ROWS_TAIL,
}


def application_row(fmt: str, key: str) -> ApplicationRow:
    for row in APPLICATION_ROWS[fmt]:
        if row.key == key:
            return row
    raise KeyError(key)


@dataclass(frozen=True)
class ReviewGroup:
    key: str
    label: str  # as it stands in the table header
    full_label: str  # for messages


REVIEW_GROUPS = (
    ReviewGroup("reconsideration", "行政复议", "行政复议"),
    ReviewGroup("litigation_direct", "未经复议直接起诉", "行政诉讼 · 未经复议直接起诉"),
    ReviewGroup("litigation_after_reconsideration", "复议后起诉", "行政诉讼 · 复议后起诉"),
)


# --- Table 二: blocks of 第二十条 items; each block has a caption, a header and rows of (label, cells).
@dataclass(frozen=True)
class ActiveColumn:
    field: str | None  # attribute of the row model; None for a row whose value is the item itself
    label: str
    span: int = 1
    signed: bool = False  # 本年增/减 may be negative
    decimal: bool = False  # 万元 amounts


@dataclass(frozen=True)
class ActiveBlock:
    caption: str
    columns: tuple[ActiveColumn, ...]
    rows: tuple[tuple[str, str], ...]  # (input key, label)


_MADE = (
    ActiveColumn("made", "本年新制作数量"),
    ActiveColumn("published", "本年新公开数量"),
    ActiveColumn("total", "对外公开总数量"),
)
_ITEMS_2019 = (
    ActiveColumn("previous", "上一年项目数量"),
    ActiveColumn("change", "本年增/减", signed=True),
    ActiveColumn("decisions", "处理决定数量"),
)
ACTIVE_BLOCKS = {
    "2021": (
        ActiveBlock(
            "第二十条第（一）项",
            (
                ActiveColumn("issued", "本年制发件数"),
                ActiveColumn("repealed", "本年废止件数"),
                ActiveColumn("in_force", "现行有效件数"),
            ),
            (("rules", "规章"), ("normative", "行政规范性文件")),
        ),
        ActiveBlock("第二十条第（五）项", (ActiveColumn(None, "本年处理决定数量", 3),), (("licensing", "行政许可"),)),
        ActiveBlock(
            "第二十条第（六）项",
            (ActiveColumn(None, "本年处理决定数量", 3),),
            (("punishment", "行政处罚"), ("coercion", "行政强制")),
        ),
        ActiveBlock(
            "第二十条第（八）项",
            (ActiveColumn(None, "本年收费金额（单位：万元）", 3, decimal=True),),
            (("fees", "行政事业性收费"),),
        ),
    ),
    "2019": (
        ActiveBlock("第二十条第（一）项", _MADE, (("rules", "规章"), ("normative", "规范性文件"))),
        ActiveBlock(
            "第二十条第（五）项", _ITEMS_2019, (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))
        ),
        ActiveBlock("第二十条第（六）项", _ITEMS_2019, (("punishment", "行政处罚"), ("coercion", "行政强制"))),
        ActiveBlock(
            "第二十条第（八）项",
            (ActiveColumn("previous", "上一年项目数量"), ActiveColumn("change", "本年增/减", 2, signed=True)),
            (("fees", "行政事业性收费"),),
        ),
        ActiveBlock(
            "第二十条第（九）项",
            (
                ActiveColumn("projects", "采购项目数量"),
                ActiveColumn("amount", "采购总金额（单位：万元）", 2, decimal=True),
            ),
            (("procurement", "政府集中采购"),),
        ),
    ),
}
ACTIVE_ITEM_HEADER = "信息内容"

# --- Labels of the scalar keys, for the scaffold's comments and for error messages.
KEY_LABELS: dict[str, str] = {
    "format": "报告格式",
    "year": "报告年度",
    "agency": "报告机关",
    "kind": "机关类型",
    "issuer": "落款机关",
    "date": "发布日期",
    "template": "模板包",
    "contact": "联系方式",
    "contact.phone": "联系电话",
    "contact.address": "联系地址",
    "contact.email": "电子邮箱",
    "contact.website": "网址",
    "text": "正文",
    "text.preface": "前言",
    "text.overview": "一、总体情况",
    "text.overview.active": "（一）主动公开",
    "text.overview.requests": "（二）依申请公开",
    "text.overview.management": "（三）政府信息管理",
    "text.overview.platforms": "（四）政府信息公开平台建设",
    "text.overview.oversight": "（五）监督保障",
    "text.problems": "五、存在的主要问题及改进情况",
    "text.other": "六、其他需要报告的事项",
    "fee_notices": "信息处理费",
    "fee_notices.sent": "发出收费通知的件数",
    "fee_notices.amount_sent": "收费通知总金额（元）",
    "fee_notices.collected": "实际收取的总金额（元）",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "applications.withheld": _WITHHELD,
    "applications.unavailable": _UNAVAILABLE,
    "applications.not_processed": _NOT_PROCESSED,
    "applications.other": _OTHER,
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
}
OVERVIEW_ASPECTS = ("active", "requests", "management", "platforms", "oversight")

def deadline(kind: str, year: int) -> dt.date:
    """Publication deadline (条例 第四十九条): 1月31日 of the next year for a department; 3月31日 for a 人民政府's
    report (published by its 政府信息公开工作主管部门)."""
    return dt.date(year + 1, 1, 31) if kind == "department" else dt.date(year + 1, 3, 31)


KINDS = {"government": "人民政府（含乡镇、街道）", "department": "县级以上人民政府部门"}


# The labels of the tables' narrow columns, line by line ("|") as the official form (and the reports that copy it)
# sets them: 商业/企业, （三）不予/公开, 结果/维持; 自然人 on one line; 三、本年度办理结果 one character a line, read
# downwards in its column two characters wide. Every client that draws a table sets them so (the document, the web
# form's grid); other labels are wide enough for their column, or are sentences, which break anywhere.
LABEL_LINES: dict[str, tuple[str, ...]] = {
    lines.replace("|", ""): tuple(lines.split("|"))
    for lines in (
        "自然人", "商业|企业", "科研|机构", "社会|公益|组织", "法律|服务|机构", "其他", "总计",
        "（三）不予|公开", "（四）无法|提供", "（五）不予|处理", "（六）其他|处理", "三、|本|年|度|办|理|结|果",
        "结果|维持", "结果|纠正", "其他|结果", "尚未|审结",
    )
}
