"""The scaffold written by `govreport init`: every key of the contract, each with its official label as a comment."""

from __future__ import annotations

from .forms import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    KINDS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    deadline,
    format_for_year,
)

_ACTIVE_ZERO = {
    "2021": {"rules": "{issued: 0, repealed: 0, in_force: 0}", "normative": "{issued: 0, repealed: 0, in_force: 0}"},
    "2019": {
        "rules": "{made: 0, published: 0, total: 0}",
        "normative": "{made: 0, published: 0, total: 0}",
        "licensing": "{previous: 0, change: 0, decisions: 0}",
        "other_services": "{previous: 0, change: 0, decisions: 0}",
        "punishment": "{previous: 0, change: 0, decisions: 0}",
        "coercion": "{previous: 0, change: 0, decisions: 0}",
        "fees": "{previous: 0, change: 0}",
        "procurement": "{projects: 0, amount: 0}",
    },
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _placeholder_comment(fmt: str) -> list[str]:
    """The narrative placeholders of the format, as comment lines (docs/rules.md explains them)."""
    from .placeholders import placeholders

    lines = [
        "  # 正文中可写占位符 {{ 名称 }}，生成时由表格数字填入"
        "（如：予以公开{{ 予以公开 }}件、占{{ 予以公开占比 }}）。可用的名称："
    ]
    row: list[str] = []
    for name in placeholders(fmt):
        if row and len("、".join(row + [name])) > 48:
            lines.append("  #   " + "、".join(row))
            row = []
        row.append(name)
    lines.append("  #   " + "、".join(row))
    return lines


def _carried_active(fmt: str, key: str, carried: dict[str, int]) -> str:
    """A table 二 row of the scaffold: zeros, with the figures carried over from last year (tables.carried_figures)."""
    value = _ACTIVE_ZERO[fmt].get(key, "0")
    fields = [name for name in ("in_force", "total", "previous") if f"active.{key}.{name}" in carried]
    for name in fields:
        value = value.replace(f"{name}: 0", f"{name}: {carried[f'active.{key}.{name}']}")
    return value


def scaffold(year: int, agency: str, kind: str, fmt: str | None = None,
             carried: dict[str, int] | None = None, issuer: str | None = None) -> str:
    """The scaffold of a report (`issuer`: the 落款, where known); `carried` (model.tables.carried_figures of last
    year's input) fills in what a new year starts from: 二、上年结转, and 现行有效件数 (2021) or 对外公开总数量
    and 上一年项目数量 (2019)."""
    carried = carried or {}
    fmt = fmt or format_for_year(year)
    notice = "国办公开办函〔2021〕30号" if fmt == "2021" else "国办公开办函〔2019〕60号（试行）"
    due = deadline(kind, year)
    out = [
        f"# {agency or '（机关名称）'}{year}年政府信息公开工作年度报告 — govreport 输入文件",
        "# 填写说明：每个键后的注释是表格中的正式名称。没有的数填 0，不要填“/”或“-”或留空。",
        "# 各表的“总计”由程序计算；如在一行末尾多写一个数作为总计，程序会核对它。",
        "# 填完后运行：govreport check 本文件.yaml，再运行 govreport render 本文件.yaml -o 输出目录",
        "",
        f'format: "{fmt}"          # 报告格式：{notice}',
        f"year: {year}              # 报告年度（统计期 {year}年1月1日至12月31日）",
        f"agency: {_quote(agency)}   # 报告机关；标题为“{{机关}}{{年度}}年政府信息公开工作年度报告”",
        f"kind: {kind}        # 机关类型：government（{KINDS['government']}）| department（{KINDS['department']}）",
        (f"issuer: {_quote(issuer)}   # 落款机关（可选，默认同报告机关）" if issuer
         else "issuer:               # 落款机关（可选，默认同报告机关）"),
        f"date: {due.isoformat()}     # 发布日期（落款日期）；期限：部门 次年1月31日前，人民政府 次年3月31日前",
        "template: base       # 模板包（可选）",
        "contact:             # 联系方式（可选，写入前言）",
        '  phone: ""          # 联系电话',
        '  address: ""        # 联系地址',
        '  email: ""          # 电子邮箱',
        '  website: ""        # 网址',
        "",
        "text:                # 正文；段落之间空一行",
        *_placeholder_comment(fmt),
        "  preface: |         # 前言（可选；不填则使用模板的标准前言）",
        "",
        "  overview: |        # 一、总体情况"
        "（可写成一段文字，或写成 active/requests/management/platforms/oversight 五项）",
        "  problems: |        # 五、存在的主要问题及改进情况（含上年度问题的改进情况）",
        "  other: |           # 六、其他需要报告的事项",
        "  # sections:         # 模板包要求的附加章节（可选），"
        "按章节编号填写，如 proposals: | …；见 govreport templates list",
        "",
    ]
    if fmt == "2021":
        out += [
            "fee_notices:         # 六、信息处理费",
            "  sent: 0            # 发出收费通知的件数",
            "  amount_sent: 0     # 收费通知总金额（元）",
            "  collected: 0       # 实际收取的总金额（元）",
            "",
        ]
    out.append("active:              # 二、主动公开政府信息情况")
    for block in ACTIVE_BLOCKS[fmt]:
        out.append(f"  # {block.caption}：{' / '.join(c.label for c in block.columns)}")
        for key, label in block.rows:
            value = _carried_active(fmt, key, carried)
            out.append(f"  {key}: {value}".ljust(58) + f"# {label}")
    out += [
        "",
        "applications:        # 三、收到和处理政府信息公开申请情况",
        f"  # 每行六个数：[{', '.join(APPLICANT_COLUMNS)}]",
    ]
    group = None
    for row in APPLICATION_ROWS[fmt]:
        if row.kind == "total":
            out.append("  # total: [0, 0, 0, 0, 0, 0]   # （七）总计 — 由程序计算；如填写则核对")
            continue
        indent = "  "
        if row.group:
            if row.group != group:
                out.append(f"  {row.path[0]}:".ljust(24) + f"# {row.group}")
                group = row.group
            indent = "    "
        key = row.path[-1]
        values = [carried.get(f"applications.{row.key}[{i}]", 0) for i in range(6)]
        out.append(f"{indent}{key}:".ljust(24) + f"[{', '.join(map(str, values))}]".ljust(22) + f"# {row.label}")
    out += [
        "",
        "reviews:             # 四、政府信息公开行政复议、行政诉讼情况",
        f"  # 每行四个数：[{', '.join(REVIEW_OUTCOMES)}]",
    ]
    for group_spec in REVIEW_GROUPS:
        out.append(f"  {group_spec.key}: [0, 0, 0, 0]".ljust(49) + f"  # {group_spec.full_label}")
    return "\n".join(out) + "\n"
