"""docs/rules.md, generated from the rule table and the placeholder list: `python -m generator.checks.ruledoc`.

tests/test_checks_rules_doc.py fails when the file and the code disagree, so the documentation cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..files import write_atomic
from ..findings import RULES
from ..model import INPUT_RULE
from ..model.placeholders import PLACEHOLDERS
from . import check  # noqa: F401  (imports every rule module)

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"

_INTRO = """\
# 核对规则

<!-- 本文件由 `python -m generator.checks.ruledoc` 从规则表（generator/findings.py RULES）生成，请勿手改；
     tests/test_checks_rules_doc.py 核对它与代码一致。 -->

`govreport check`（以及 `render`、批处理、网页表单）按下表逐条核对，每条问题都有规则编号、级别、中文说明和位置
（文件、行、部分、表格行、列）。**错误**（error）使 `check` 退出码为 1、`render` 不生成；**警告**（warning）只提示，
退出码仍为 0，加 `--strict` 时警告也算失败。用法错误退出码为 2。

## 输出

- 人读的输出按部分分组（`【三、收到和处理政府信息公开申请情况】`），有错误的部分在前，部分内错误在前、再按行号；
  每条一行：`文件:行: 错误 [规则] 表格行 · 列：说明`。每个文件先有一行说明是否做了跨年度核对、用的是哪个上年报告。
- `--json` 输出一个列表，每条问题一个对象：`rule`、`severity`（`error`/`warning`）、`file`、`line`、`part`、`row`、
  `column`、`message`、`key`（输入路径，如 `applications.total[0]`）。用了哪个上年报告那一行写到标准错误，标准输出只有
  这个列表。
"""

_CROSS_YEAR = """\
## 跨年度核对用哪个上年报告

`govreport check FILE --previous LAST.yaml`（`render` 同样有此选项）指定上年报告；指定的文件有错误或不是上一年度的，
是错误 XY-PREVIOUS。不给 `--previous` 时在输入文件旁自动查找：

1. 文件名中的报告年度减一：`luzhou-2021.yaml` → `luzhou-2020.yaml`；
2. 输入文件在以年度命名的目录中时，上年目录中的同名文件：`2021/luzhou.yaml` → `2020/luzhou.yaml`
   （以及 `2020/luzhou-2020.yaml`）。

找到的文件只有是**同一机关**（`agency` 相同）**上一年度**的报告时才使用；`--no-previous` 关闭查找。
两年格式不同时（如2021年度报告的上年是2019格式的2020年度报告）：上年结转照样逐列核对；“现行有效件数”在2019格式中
没有对应项（“对外公开总数量”是另一口径），“上一年项目数量”在2021格式中没有，这两项不核对，输出的说明行会写明。
"""

_NARRATIVE = """\
## 正文中的数字怎样识别（TEXT-FIGURE、TEXT-PERCENT）

核对的是填入占位符之后的正文。只有“关于表格的说法”里紧跟的件数才算：

| 说法 | 对应表格 |
|---|---|
| 收到／受理／新收／接收……申请 N 件（如“受理政府信息公开申请398件”“收到依申请公开8件”） | 一、本年新收，或本年新收 + 二、上年结转（两种都算对） |
| 上年结转……N 件 | 二、上年结转 |
| 办结／答复……N 件（所在句子须说到“申请”） | （七）总计 |
| 结转下年度／转下年度／正在办理……N 件，或“N 件转下年度” | 四、结转下年度继续办理 |
| 予以公开、部分公开、不予公开、无法提供、不予处理、其他处理 N 件，可带“占 x%” | （一）至（六）（各项之和） |
| 行政复议……N 件、行政诉讼……N 件，可带“其中维持 N 件” | 表四 行政复议总计、行政诉讼（两组）总计、结果维持 |
| 现行有效……N 件（2021格式）；制发／制定／出台……规章或规范性文件 N 件 | 表二 第二十条第（一）项 |

- 数字可以是阿拉伯数字（398、３９８）或汉字（八件、十二件、一百零三件、两件）。
- 占比按办结总数计算，也接受按收到申请数计算；允许末位四舍五入或截断的差异。
- 不算：日期、电话号码、《条例》条款号、其他单位的数量（信息 N 条、新闻发布会 N 次、12345 热线受理／办结 N 件、
  人大代表建议 N 件）——说法里夹有“复议、诉讼、信访、建议、提案、举报、投诉、来电、热线、工单”等词的也不算收到申请。
- “其中”之后是细分（如“其中，市政府各部门受理申请230件”），只核对各项办理结果，不核对收到、办结、结转和复议诉讼。
"""  # noqa: E501  (a Markdown table row cannot be wrapped)

_PLACEHOLDERS = """\
## 正文占位符

正文（`text` 下各段）可以写 `{{ 名称 }}`，生成时由表格数字填入，写了占位符的数字就不会与表格不一致，例如：

```yaml
  overview: |
    本年新收政府信息公开申请{{ 本年新收 }}件，上年结转{{ 上年结转 }}件；予以公开{{ 予以公开 }}件、占{{ 予以公开占比 }}。
```

正文是用户输入：只能写 `{{ 名称 }}`，不能计算（`{{ 7*7 }}`）、访问属性（`{{ ''.__class__ }}`）、调用、写
`{% … %}` 语句或导入——这些都被拒绝（错误 TEXT-PLACEHOLDER，指出文字所在的键和行），不会执行。未知的名称也是错误，
并列出可用的名称。占位符在 HTML、DOCX、PDF 中填入的是同一个值。

| 占位符 | 格式 | 填入 |
|---|---|---|
"""

_FEES = """\
## 六、信息处理费的标准说法

2021 格式的报告，第六部分的文字没有提到信息处理费（“信息处理费”“收费通知”“处理费”）时，生成的报告在第六部分末尾
加上一句标准说法，由 `fee_notices` 的数字填入。说法在模板包 `pack.yaml` 的 `settings.fee_sentence` 中，省级模板包可以改写：

```yaml
  fee_sentence: "{% if sent %}本年度共发出信息处理费收费通知{{ sent }}件，总金额{{ amount_sent }}元，实际收取{{ collected }}元。{% else %}本年度未发出信息处理费收费通知，未收取信息处理费。{% endif %}"
```
"""  # noqa: E501  (the setting as templates/base/pack.yaml writes it, on one line)


_AUDIT = """\
## 核对已发布的报告（govreport audit）

`govreport audit 报告.pdf`（或 .html、.docx、复制的 .txt，或一个目录）对已发布的报告逐条核对上表的全部规则，另加只有
已发布的报告才有的规则（PUB-*）和读取时的说明（READ-*）。每条问题指出在原件中的位置：行号，PDF 为页和行，网页和 DOCX
的表格为第几个表格的第几行第几列。

- 原件的总计照原样核对（表三每行的总计、（七）总计、表四各组的总计）。
- 读不准的格（一行数字连在一起、有几种拆分都满足总计）不猜：涉及这些格的规则不核对，改为一条 PUB-UNSURE 说明
  “无法确定”，列出涉及的行。
- 原件缺少的部分、落款日期或机关名称只由 PUB-* 规则报告，依赖它们的规则（如缺日期时的 DATE-*）不核对。
- 繁体原件的正文按简体核对（引用的句子是简体），位置仍是原件的行。
- 跨年度：`--previous` 给出上年报告（已发布的报告或 YAML）；不给时先在同时核对的报告中找同一机关上一年度的报告，再在
  文件旁找文件名中年度减一的文件。
- `-o summary.html` 写汇总网页（各规则未通过的报告数的条形图、哪个单位未通过哪条规则、各单位历年情况、每份报告的问题）
  和同名的 summary.csv。有错误时退出码为 1。
"""


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    rows = [
        "## 规则",
        "",
        "| 规则 | 级别 | 部分 | 核对什么 | 为什么 |",
        "|---|---|---|---|---|",
        f"| {INPUT_RULE} | 错误 | （所在位置） | 输入文件能读、符合输入约定：键名、类型、整数、行长度、必填项 | "
        "读不懂的输入无法核对，更不能生成；每个问题指出行号和表格中的正式名称（docs 见 input.md）。 |",
    ]
    for rule in RULES:
        part = _cell(rule.part) or "（问题所在部分）"
        rows.append(f"| {rule.id} | {rule.severity.zh} | {part} | {_cell(rule.title)} | {_cell(rule.why)} |")
    placeholder_rows = []
    seen: dict[str, list] = {}
    for item in PLACEHOLDERS:
        seen.setdefault(item.name, []).append(item)
    for name, items in seen.items():
        for item in items:
            formats = "、".join(item.formats) if len(items) == 1 else item.formats[0]
            placeholder_rows.append(f"| `{{{{ {name} }}}}` | {formats} | {_cell(item.meaning)} |")
    return "\n".join(
        [_INTRO, "\n".join(rows), "", _CROSS_YEAR, _NARRATIVE, _AUDIT, _PLACEHOLDERS + "\n".join(placeholder_rows), "",
         _FEES]
    )


def main() -> int:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(DOC, markdown().encode("utf-8"))
    print(f"已写入 {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
