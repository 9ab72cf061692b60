"""What each row and column of tables 二, 三 and 四 counts, in plain words for the clerk filling the form: the help
shown when a cell has focus. One place for the text (written from the 《政府信息公开条例》 articles each row counts
under, with the article named so the clerk can look it up); the page asks `help_for(key, fmt)`."""

from __future__ import annotations

import re

# --- table 二: by item (the row) ------------------------------------------------------------------------------
ACTIVE = {
    "rules": "规章：本机关制定的规章（条例第二十条第（一）项）。制发、废止按本年实际件数填；现行有效件数为年底"
    "仍有效的件数，"
    "一般等于上年现行有效件数加本年制发、减本年废止，如经清理重新统计，请在正文中说明。",
    "normative": "行政规范性文件：本机关制发的、对不特定对象具有约束力的规范性文件（条例第二十条第（一）项）。"
    "现行有效件数一般等于上年件数加本年制发、减本年废止；清理后重新统计的，请在正文中说明。",
    "licensing": "行政许可：本年作出的行政许可决定数量（条例第二十条第（五）项）。2019格式的“上一年项目数量”“本"
    "年增/减”"
    "统计的是许可事项的个数，不是决定的件数。",
    "other_services": "其他对外管理服务事项：行政许可以外、面向社会的管理服务事项（2019格式，条例第二十条第（五"
    "）项）。",
    "punishment": "行政处罚：本年作出的行政处罚决定数量（条例第二十条第（六）项）。",
    "coercion": "行政强制：本年作出的行政强制决定数量（条例第二十条第（六）项）。",
    "fees": "行政事业性收费：2021格式填本年收费金额，单位万元，可有小数；2019格式填收费项目的个数（条例第二十条"
    "第（八）项）。",
    "procurement": "政府集中采购：本年采购项目数量和采购总金额（万元）（2019格式，条例第二十条第（九）项）。",
}

# --- table 三: by row -----------------------------------------------------------------------------------------
APPLICATIONS = {
    "new": "本年新收：本年内收到的政府信息公开申请件数，按申请人类型分列。",
    "carried_over": "上年结转：上年收到、到上年12月31日仍未办结的申请，应等于上年报告的“四、结转下年度继续办理”。",
    "disclosed": "予以公开：申请的信息全部提供，或告知申请人信息已公开及获取途径的（条例第三十六条第（一）（二"
    "）项）。",
    "partly_disclosed": "部分公开：删去不应公开的内容后提供其余部分（区分处理，条例第三十七条）。这样办理的申请"
    "只计在这一行，"
    "不再计入“不予公开”各行。",
    "withheld.state_secret": "不予公开 · 属于国家秘密（条例第十四条）。",
    "withheld.prohibited_by_law": "不予公开 · 其他法律、行政法规禁止公开的（条例第十四条）。",
    "withheld.security_stability": "不予公开 · 公开后可能危及国家安全、公共安全、经济安全和社会稳定（“三安全一"
    "稳定”，条例第十四条）。",
    "withheld.third_party": "不予公开 · 涉及商业秘密、个人隐私等，公开会损害第三方合法权益的（条例第十五条）。",
    "withheld.internal_affairs": "不予公开 · 三类内部事务信息：人事管理、后勤管理、内部工作流程等方面的信息（条"
    "例第十六条第一款）。",
    "withheld.process_info": "不予公开 · 四类过程性信息：讨论记录、过程稿、磋商信函、请示报告等（条例第十六条第"
    "二款）。",
    "withheld.enforcement_files": "不予公开 · 行政执法案卷信息（条例第十六条第二款）。",
    "withheld.query_matters": "不予公开 · 行政查询事项：法律、行政法规对获取另有规定的信息，如工商、不动产登记资料"
    "（条例第三十六条第（七）项）。",
    "unavailable.not_held": "无法提供 · 本机关不掌握，或信息不存在，或应由其他机关负责的（条例第三十六条第（四"
    "）（五）项）。",
    "unavailable.needs_creation": "无法提供 · 没有现成信息，需要对现有信息加工、分析才能形成的（条例第三十八条）。",
    "unavailable.unclear": "无法提供 · 已告知申请人补正，补正后申请内容仍不明确的（条例第三十条）。",
    "not_processed.petition": "不予处理 · 以申请形式提出的信访、投诉、举报（条例第三十九条第一款）。",
    "not_processed.duplicate": "不予处理 · 重复申请：同一申请已经答复过的（条例第三十六条第（六）项）。",
    "not_processed.publication": "不予处理 · 要求提供公报、报刊、书籍等公开出版物的（条例第三十九条第二款）。",
    "not_processed.excessive": "不予处理 · 申请数量、频次明显超过合理范围，又说不出正当理由的（条例第三十五条）。",
    "not_processed.confirmation": "不予处理 · 要求行政机关确认或重新出具申请人已经获取的信息的（2021格式）。",
    "other.no_correction": "其他处理 · 申请人无正当理由逾期不补正，机关不再处理的（条例第三十条）。",
    "other.unpaid_fee": "其他处理 · 申请人收到收费通知后逾期未缴费，机关不再处理的（条例第四十二条）；"
    "有此类情况的，第六部分应报告信息处理费的收取情况。",
    "other.other": "其他处理 · 以上各项以外的其他办理情况。",
    "other": "其他处理：以上各项以外的其他办理情况（2019格式为一行）。",
    "total": "（七）总计：（一）至（六）各行之和，由程序计算。",
    "carried_forward": "结转下年度继续办理：本年收到、到12月31日仍未办结的申请。每一列都应满足：一 + 二 = （七"
    "）总计 + 四。",
}
APPLICANTS = (
    "自然人：以个人名义提出申请的公民。",
    "商业企业：以企业名义提出的申请。",
    "科研机构：以科研院所、高校等科研单位名义提出的申请。",
    "社会公益组织：以社会团体、基金会等公益组织名义提出的申请。",
    "法律服务机构：以律师事务所等法律服务机构名义提出的申请。",
    "其他：其他法人或组织提出的申请。",
    "总计：本行各列之和，由程序计算。",
)

# --- table 四 -------------------------------------------------------------------------------------------------
REVIEWS = {
    "reconsideration": "行政复议：申请人对本机关政府信息公开工作不服，申请行政复议的案件。",
    "litigation_direct": "行政诉讼 · 未经复议直接起诉：未经行政复议、直接向法院起诉的案件。",
    "litigation_after_reconsideration": "行政诉讼 · 复议后起诉：经过行政复议后又向法院起诉的案件。",
}
OUTCOMES = (
    "结果维持：复议机关或法院维持了本机关的处理。",
    "结果纠正：被撤销、变更，或被责令履行、重新答复的。",
    "其他结果：申请人撤回、驳回、调解结案等其他结果。",
    "尚未审结：到年底仍未审结的案件。",
    "总计：前四列之和，由程序计算。",
)

# --- texts and other fields -----------------------------------------------------------------------------------
FIELDS = {
    "text.preface": "前言：可不填，不填则用模板的标准前言（说明报告依据和统计期限）。",
    "text.overview": "总体情况：本年政府信息公开工作的总体情况，可按主动公开、依申请公开、政府信息管理、平台建"
    "设、监督保障五个方面写。",
    "text.problems": "存在的主要问题及改进情况：如实写出本年工作中的问题、改进措施，以及上年度问题的改进情况（"
    "条例第五十条）。",
    "text.other": "其他需要报告的事项：人民政府的报告还应写工作考核、社会评议和责任追究结果（条例第五十条）；"
    "2021格式还应报告信息处理费的收取情况，没有收费的写明未收取（条例第四十二条）。",
    "fee_notices.sent": "本年发出信息处理费收费通知的件数；没有收费填 0。",
    "fee_notices.amount_sent": "收费通知载明的总金额，单位元；没有收费填 0。",
    "fee_notices.collected": "实际收取的信息处理费总金额，单位元；没有收费填 0。",
}

_APPLICATION = re.compile(r"applications\.(.+)\[(\d)\]")
_REVIEW = re.compile(r"reviews\.(.+)\[(\d)\]")


def help_for(key: str, fmt: str = "2021") -> str:
    """The help for one field of the form ("" when it has none): the row's meaning, then the column's."""
    if key in FIELDS:
        return FIELDS[key]
    if key.startswith("text.overview."):
        return FIELDS["text.overview"]
    match = _APPLICATION.fullmatch(key)
    if match:
        row, column = match.group(1), int(match.group(2))
        text = APPLICATIONS.get(row, "")
        return f"{text}\n申请人 · {APPLICANTS[column]}" if text and column < len(APPLICANTS) else text
    match = _REVIEW.fullmatch(key)
    if match:
        group, column = match.group(1), int(match.group(2))
        text = REVIEWS.get(group, "")
        return f"{text}\n{OUTCOMES[column]}" if text and column < len(OUTCOMES) else text
    if key.startswith("active."):
        text = ACTIVE.get(key.split(".")[1], "")
        if fmt == "2019" and key.split(".")[1] == "fees":
            text = "行政事业性收费：2019格式填收费项目的个数（上一年项目数量、本年增/减）（条例第二十条第（八）项）。"
        return text
    return ""


__all__ = ["help_for"]
