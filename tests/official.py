"""The official labels, transcribed by hand from format.md and the input keys from input.md: the tests' oracle.

Deliberately NOT imported from generator.model.forms, so a typo there is caught rather than copied.
"""

from __future__ import annotations

PARTS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
ORGANISATIONS = APPLICANTS[1:]
RESULTS = "三、本年度办理结果"

# (input path, group label or None, row label, kind) in the official order of table 三.
_HEAD = [
    (("new",), None, "一、本年新收政府信息公开申请数量", "intake"),
    (("carried_over",), None, "二、上年结转政府信息公开申请数量", "intake"),
    (("disclosed",), None, "（一）予以公开", "result"),
    (("partly_disclosed",), None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "result"),
]
_GROUPS = [
    (
        "withheld",
        "（三）不予公开",
        [
            ("state_secret", "1.属于国家秘密"),
            ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("security_stability", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal_affairs", "5.属于三类内部事务信息"),
            ("process_info", "6.属于四类过程性信息"),
            ("enforcement_files", "7.属于行政执法案卷"),
            ("query_matters", "8.属于行政查询事项"),
        ],
    ),
    (
        "unavailable",
        "（四）无法提供",
        [
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        "not_processed",
        "（五）不予处理",
        [
            ("petition", "1.信访举报投诉类申请"),
            ("duplicate", "2.重复申请"),
            ("publication", "3.要求提供公开出版物"),
            ("excessive", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
]
_OTHER_2021 = (
    "other",
    "（六）其他处理",
    [
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    ],
)
_TAIL = [
    (("total",), None, "（七）总计", "total"),
    (("carried_forward",), None, "四、结转下年度继续办理", "forward"),
]


def application_rows(fmt: str) -> list[tuple[tuple[str, ...], str | None, str, str]]:
    rows = list(_HEAD)
    groups = _GROUPS + ([_OTHER_2021] if fmt == "2021" else [])
    for key, group, subrows in groups:
        rows += [((key, sub), group, label, "result") for sub, label in subrows]
    if fmt == "2019":
        rows.append((("other",), None, "（六）其他处理", "result"))
    return rows + _TAIL


REVIEW_GROUPS = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "复议后起诉"),
)
REVIEW_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")

# Table 二: blocks of (caption, [(column field or None, label, span)], [(key, label)])
ACTIVE = {
    "2021": [
        (
            "第二十条第（一）项",
            [("issued", "本年制发件数", 1), ("repealed", "本年废止件数", 1), ("in_force", "现行有效件数", 1)],
            [("rules", "规章"), ("normative", "行政规范性文件")],
        ),
        ("第二十条第（五）项", [(None, "本年处理决定数量", 3)], [("licensing", "行政许可")]),
        ("第二十条第（六）项", [(None, "本年处理决定数量", 3)], [("punishment", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", [(None, "本年收费金额（单位：万元）", 3)], [("fees", "行政事业性收费")]),
    ],
    "2019": [
        (
            "第二十条第（一）项",
            [("made", "本年新制作数量", 1), ("published", "本年新公开数量", 1), ("total", "对外公开总数量", 1)],
            [("rules", "规章"), ("normative", "规范性文件")],
        ),
        (
            "第二十条第（五）项",
            [("previous", "上一年项目数量", 1), ("change", "本年增/减", 1), ("decisions", "处理决定数量", 1)],
            [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
        ),
        (
            "第二十条第（六）项",
            [("previous", "上一年项目数量", 1), ("change", "本年增/减", 1), ("decisions", "处理决定数量", 1)],
            [("punishment", "行政处罚"), ("coercion", "行政强制")],
        ),
        (
            "第二十条第（八）项",
            [("previous", "上一年项目数量", 1), ("change", "本年增/减", 2)],
            [("fees", "行政事业性收费")],
        ),
        (
            "第二十条第（九）项",
            # format.md names the column 采购总金额; the generator adds the unit, as table 二 （八） does.
            [("projects", "采购项目数量", 1), ("amount", "采购总金额（单位：万元）", 2)],
            [("procurement", "政府集中采购")],
        ),
    ],
}
ITEM_HEADER = "信息内容"
