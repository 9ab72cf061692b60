"""六、信息处理费: the pack's standard sentence when part 六 does not state the fee itself."""

from __future__ import annotations

import re

from ..model.figures import number

FEE_STATEMENT = re.compile(r"信息处理费|收费通知|处理费")


def fee_sentence(report, pack) -> str:
    """The pack's standard 信息处理费 sentence for a 2021-format report whose part 六 does not state the fee."""
    if report.format != "2021" or FEE_STATEMENT.search(report.text.other or ""):
        return ""
    fees = report.fee_notices
    return pack.text(
        "fee_sentence", sent=fees.sent, amount_sent=number(fees.amount_sent), collected=number(fees.collected)
    )
