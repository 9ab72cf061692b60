"""`govreport audit`: published reports checked as a supervisor checks them (generator.audit), and the published
side of `govreport import` (a published report → an input file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from .app import app

AUDIT_EPILOG = (
    "已发布的报告：网页（.html，另存自政府网站）、.docx、.pdf（文字层）、或从网页复制的纯文本（.txt），简体或繁体，"
    "2019试行格式、2021格式，以及2019年以前的报告（只核对写明的数字、标题和落款）。跨年度核对：--previous 给出上年报告"
    "（已发布的报告或 YAML）；不给时，先在同时核对的报告中找同一机关上一年度的报告，"
    "再在文件旁找文件名中年度减一的文件。"
    "读不准的格（数字连在一起、有多种拆分）不猜：涉及它们的规则不核对，并说明“无法确定”。"
)


@app.command("audit", epilog=AUDIT_EPILOG)
def audit_command(
    sources: List[Path] = typer.Argument(..., help="已发布的报告文件或目录（含子目录），可多个", show_default=False),
    previous: Optional[Path] = typer.Option(
        None, "--previous", help="上年的报告（已发布的报告或 YAML），用于跨年度核对", dir_okay=False),
    no_previous: bool = typer.Option(False, "--no-previous", help="不查找上年报告（不做跨年度核对）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出全部问题（每条含 where：在原件中的位置）"),
    out: Optional[Path] = typer.Option(
        None, "-o", "--out", help="写入汇总网页（如 summary.html），并在旁边写同名 .csv：哪个单位未通过哪条规则"),
) -> None:
    """核对已发布的年度报告：规则表的全部规则（勾稽关系、跨年度、正文与表格、期限、五六部分、第五十条），以及只有已发布的
    报告才有的问题（缺少或错序的部分、标题写法、2021年后的旧标签、空白或“/”的格、重复的表格、落款和日期）。每条问题指出
    在原件中的位置（行，或页和表格单元格）。有错误时退出码 1。"""
    from ..audit import AuditError, audit_sources
    from ..audit.summary import as_json as json_of
    from ..audit.summary import write_summary
    from ..findings import format_findings

    if out is not None and out.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter("汇总网页的文件名应以 .html 结尾（同名 .csv 写在旁边）", param_hint="-o")
    if previous is not None and (len(sources) > 1 or sources[0].is_dir()):
        raise typer.BadParameter("只能用于单个文件；核对多个文件时，同一机关上一年度的报告放在一起即可自动找到",
                                 param_hint="--previous")
    if out is not None:
        from ..files import destination_problem

        problem = destination_problem(out.parent, create=False)
        if problem:
            typer.echo(f"错误：{problem}；没有核对", err=True)
            raise typer.Exit(1)
    try:
        results = audit_sources(sources, previous, not no_previous)
    except AuditError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(json_of(results), ensure_ascii=False, indent=2, default=str))
    for result in results:
        note = result.previous.note if result.previous is not None else ""
        if as_json:
            if note:
                typer.echo(f"{result.file}: {note}", err=True)
            continue
        if result.problem is not None:
            typer.echo(f"{result.file}: 错误：无法读取：{result.problem}")
            continue
        if note:
            typer.echo(f"{result.file}: {note}")
        text = format_findings(result.file, result.findings)
        if text:
            typer.echo(text)
    if out is not None:
        from ..files import os_error_zh

        try:
            written = write_summary(results, out)
        except OSError as exc:
            typer.echo(f"错误：无法写入 {out}：{os_error_zh(exc)}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"已写入：{'、'.join(str(p) for p in written)}", err=True)
    bad = [r for r in results if not r.ok]
    errors = sum(1 for r in results for f in r.findings if f.is_error)
    warnings = sum(1 for r in results for f in r.findings if not f.is_error)
    if not as_json:
        typer.echo(f"共 {len(results)} 份报告：{len(results) - len(bad)} 份没有错误，{len(bad)} 份有错误或无法读取"
                   f"（错误 {errors} 条，警告 {warnings} 条）", err=True)
    raise typer.Exit(1 if bad else 0)


def import_published(source: Path, out: Path, force: bool) -> None:
    """`govreport import REPORT -o report.yaml`: a published report as an input file (generator.audit.importing)."""
    from ..audit.importing import to_input
    from ..files import destination_problem, os_error_zh, write_atomic
    from ..readers.published import ReadError, read_published

    target = out / f"{source.stem}.yaml" if out.is_dir() else out
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise typer.BadParameter("导入已发布的报告时，-o 给出 YAML 文件名（如 report.yaml）或一个已有目录",
                                 param_hint="-o")
    if target.exists() and not force:
        typer.echo(f"错误：{target} 已存在；如要覆盖请加 --force", err=True)
        raise typer.Exit(1)
    problem = destination_problem(target.parent, create=False)
    if problem:
        typer.echo(f"错误：{problem}；没有导入", err=True)
        raise typer.Exit(1)
    try:
        published = read_published(source)
    except ReadError as exc:
        typer.echo(f"错误：无法读取 {source}：{exc}", err=True)
        raise typer.Exit(1) from None
    imported = to_input(published)
    try:
        write_atomic(target, imported.text.encode("utf-8"))
    except OSError as exc:
        typer.echo(f"错误：无法写入 {target}：{os_error_zh(exc)}", err=True)
        raise typer.Exit(1) from None
    for item in imported.left:
        typer.echo(f"待填写：{item}", err=True)
    left = "（空着的值请对照原件填写后运行 govreport check）" if imported.left else ""
    typer.echo(f"已导入：{target}{left}", err=True)
