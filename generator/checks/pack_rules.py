"""Rules of the template pack an input names: the pack must load, and its required extra sections must be filled.

The pack is the input's `template:`, searched first in the agency's `--templates DIR`, resolved once by the
pipeline (`packs.resolve_pack`), which also tries a pack that is not one of the shipped ones on the report — its
wording and its report.html rendered, nothing written — so that `check` finds whatever `render` would (a sandbox
limit, a refused attribute).
"""

from __future__ import annotations

from typing import Iterator

from ..findings import RULES, Finding, Severity
from ..model.forms import PART_GENERAL, PARTS
from ..packs import PART_IDS, Pack
from .context import CheckContext

PART_OF = dict(zip(PART_IDS, PARTS))


def _pack(ctx: CheckContext) -> Pack | None:
    return ctx.pack.pack  # None: reported by PACK-UNKNOWN


@RULES.rule(
    "PACK-UNKNOWN",
    Severity.ERROR,
    "template: 指定的模板包存在且可用",
    "模板包找不到、名称越出模板目录、或 pack.yaml/模板有错时无法生成报告；错误指明模板包的文件和行。",
    PART_GENERAL,
)
def pack_loads(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per problem of the pack (a broken pack.yaml has all of its problems listed), each naming the
    pack's file and line; the finding itself stands at the input's `template:` line."""
    failure = ctx.pack.failure
    for problem in failure.problems if failure is not None else ():
        yield ctx.finding(f"模板包“{ctx.report.template}”不可用：{problem}", at=("template",), row=None)


@RULES.rule(
    "PACK-SECTION-REQUIRED",
    Severity.ERROR,
    "模板包要求的附加章节已填写",
    "省级模板包可要求在某一部分内增加章节（如人大代表建议和政协提案办理结果公开情况），其文字写在 text.sections.<id>。",
)
def required_sections(ctx: CheckContext) -> Iterator[Finding]:
    pack = _pack(ctx)
    if pack is None:
        return
    given = ctx.report.text.sections or {}
    for spec in pack.sections:
        text = given.get(spec["id"])
        if spec.get("required") and not (text and text.strip()):
            yield ctx.finding(
                f"模板包“{pack.display_name}”（{pack.name}）要求填写章节“{spec['heading']}”："
                f"请在 text.sections.{spec['id']} 写入该章节的文字",
                at=("text", "sections", spec["id"]),
                part=PART_OF[spec["part"]],
            )


@RULES.rule(
    "PACK-SECTION-UNKNOWN",
    Severity.ERROR,
    "text.sections 里的每一节都是模板包声明的章节",
    "模板包没有声明的章节不会出现在报告里；为免填写的文字被悄悄丢掉，按错误处理。",
    PART_GENERAL,
)
def unknown_sections(ctx: CheckContext) -> Iterator[Finding]:
    given = ctx.report.text.sections or {}
    if not given:
        return
    pack = _pack(ctx)
    if pack is None:
        return
    declared = {spec["id"]: spec["heading"] for spec in pack.sections}
    choices = "、".join(f"{sid}（{heading}）" for sid, heading in declared.items()) or "无（该模板包没有附加章节）"
    for sid in given:
        if sid not in declared:
            yield ctx.finding(
                f"模板包“{pack.display_name}”（{pack.name}）没有章节“{sid}”，这段文字不会出现在报告里；可用：{choices}",
                at=("text", "sections", sid),
                part=PART_GENERAL,
            )
