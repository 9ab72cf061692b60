"""Part 六 and the 信息处理费 (2021 format; format.md check 9, 国办函〔2020〕109号): fee notices, the money and
what the text says about them. The standard fee sentence itself is added by the document (placeholders.fee_sentence).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..model.forms import PARTS, application_row
from .context import CheckContext

PART6 = PARTS[5]
# Part 六 saying that no fee notice was sent / no fee was collected.
_NO_NOTICE = re.compile(r"(?:未|没有|无)(?:发出|发送|开具|下发)?[^。；，]{0,6}收费通知")
_NO_FEE = re.compile(r"(?:未|没有|无|不存在)(?:收取|征收|收)[^。；，]{0,12}(?:信息处理费|处理费|费用)")


def _is_2021(ctx: CheckContext) -> bool:
    return ctx.report.format == "2021"


@RULES.rule(
    "FEE-UNPAID",
    Severity.ERROR,
    "（六）2 逾期未缴费 > 0 时，必须发过收费通知（fee_notices.sent > 0）",
    "只有收到收费通知而逾期未缴费的申请才会记入（六）其他处理 2；"
    "没有发过通知却有这类申请，两处数字必有一处错（format.md 核对9）。",
    PART6,
)
def unpaid_needs_notice(ctx: CheckContext) -> Iterator[Finding]:
    if not _is_2021(ctx):
        return
    unpaid = ctx.applications.by_key["other.unpaid_fee"].total
    if unpaid > 0 and ctx.report.fee_notices.sent == 0:
        row = application_row("2021", "other.unpaid_fee")
        sent = ("fee_notices", "sent")
        yield ctx.finding(
            f"表三（六）其他处理 {row.label} 总计为 {unpaid}，但发出收费通知的件数（fee_notices.sent）为 0",
            at=sent,
            line=ctx.line(sent, ("applications", "other", "unpaid_fee")),  # fee_notices may be left out
        )


@RULES.rule(
    "FEE-COLLECTED",
    Severity.ERROR,
    "实际收取的信息处理费不超过收费通知总金额",
    "收取的只能是通知过的费用；实收大于通知金额说明两个金额有一个填错（国办函〔2020〕109号）。",
    PART6,
)
def collected_within_notices(ctx: CheckContext) -> Iterator[Finding]:
    if not _is_2021(ctx):
        return
    fees = ctx.report.fee_notices
    if fees.collected > fees.amount_sent:
        yield ctx.finding(
            f"实际收取 {format(fees.collected, 'f')} 元 > 收费通知总金额 {format(fees.amount_sent, 'f')} 元",
            at=("fee_notices", "collected"),
        )


@RULES.rule(
    "FEE-NOTICE-AMOUNT",
    Severity.WARNING,
    "没有发出收费通知时，收费通知总金额应为 0",
    "通知金额来自发出的通知；件数为 0 而金额不为 0，多半是件数漏填。",
    PART6,
)
def amount_needs_notice(ctx: CheckContext) -> Iterator[Finding]:
    if not _is_2021(ctx):
        return
    fees = ctx.report.fee_notices
    if fees.sent == 0 and fees.amount_sent > 0:
        yield ctx.finding(
            f"发出收费通知 0 件，收费通知总金额却为 {format(fees.amount_sent, 'f')} 元",
            at=("fee_notices", "amount_sent"),
        )


@RULES.rule(
    "FEE-TEXT",
    Severity.WARNING,
    "六、其他需要报告的事项的文字与信息处理费数字一致",
    "发过收费通知（或（六）2 有逾期未缴费）时，第六部分不能写未发出收费通知；收过费时不能写未收取（format.md 核对9）。",
    PART6,
)
def text_agrees_with_fees(ctx: CheckContext) -> Iterator[Finding]:
    if not _is_2021(ctx):
        return
    item = next((i for i in ctx.narrative if i.path == ("text", "other")), None)
    if item is None or item.problems:
        return
    fees = ctx.report.fee_notices
    unpaid = ctx.applications.by_key["other.unpaid_fee"].total
    for offset, line in enumerate(item.text.split("\n"), start=1):
        said = None
        if (fees.sent > 0 or unpaid > 0) and (match := _NO_NOTICE.search(line)):
            unpaid_said = f"，（六）2 逾期未缴费 {unpaid} 件" if unpaid else ""
            said = (match.group(0), f"发出收费通知 {fees.sent} 件" + unpaid_said)
        elif fees.collected > 0 and (match := _NO_FEE.search(line)):
            said = (match.group(0), f"实际收取 {format(fees.collected, 'f')} 元")
        if said:
            yield ctx.finding(
                f"第六部分写“{said[0]}”，而信息处理费数字为：{said[1]}", at=item.path, line=item.line(offset)
            )


__all__ = ["unpaid_needs_notice", "collected_within_notices", "amount_needs_notice", "text_agrees_with_fees"]
