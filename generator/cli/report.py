"""`govreport init`, `check` and `render`: thin wrappers over `generator.pipeline`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from .app import app

FILES_HELP = "输入的 YAML 文件（可多个）"
PREVIOUS_HELP = "上年报告的 YAML，用于跨年度核对；不给则自动查找（见下文）"
PREVIOUS_EPILOG = (
    "跨年度核对（上年结转、现行有效件数、上一年项目数量）：不给 --previous 时，在输入文件旁自动查找上年报告——"
    "文件名中的年度减一（luzhou-2021.yaml → luzhou-2020.yaml），或上年年度目录中的同名文件"
    "（2021/luzhou.yaml → 2020/luzhou.yaml），且须是同一机关上一年度的报告。输出的第一行说明是否用了上年报告。"
)
NO_PREVIOUS_HELP = "不自动查找上年报告（不做跨年度核对）"
TEMPLATES_HELP = (
    "机关自己的模板目录：先在其中查找模板包，目录里直接放的 pack.yaml、report.html 覆盖所用模板包（见 docs/packs.md）"
)


def _echo_findings(checked_list, as_json: bool) -> None:
    from ..findings import format_findings

    if as_json:
        data = [f.to_dict() for checked in checked_list for f in checked.findings]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        for checked in checked_list:  # which last-year file was used: on stderr, so stdout stays one JSON list
            if checked.previous is not None and checked.previous.note:
                typer.echo(f"{checked.loaded.file}: {checked.previous.note}", err=True)
        return
    for checked in checked_list:
        if checked.previous is not None and checked.previous.note:
            typer.echo(f"{checked.loaded.file}: {checked.previous.note}")
        text = format_findings(checked.loaded.file, checked.findings)
        if text:
            typer.echo(text, err=False)


def _check_options(files: List[Path], previous: Optional[Path], no_previous: bool, templates: Optional[Path]):
    """--previous, --no-previous and --templates as the pipeline's CheckOptions."""
    from ..pipeline import CheckOptions

    if previous is not None and len(files) > 1:
        raise typer.BadParameter(
            "只能用于单个文件；核对多个文件时请把上年文件放在旁边，程序会自动查找", param_hint="--previous"
        )
    return CheckOptions.of(previous, find_previous=not no_previous, templates=templates)


def _summary(checked_list) -> str:
    bad = sum(1 for c in checked_list if not c.ok)
    warnings = sum(1 for c in checked_list for f in c.findings if not f.is_error)
    errors = sum(1 for c in checked_list for f in c.findings if f.is_error)
    return (
        f"共 {len(checked_list)} 个文件：{len(checked_list) - bad} 个通过，{bad} 个有错误"
        f"（错误 {errors} 条，警告 {warnings} 条）"
    )


@app.command("check", epilog=PREVIOUS_EPILOG)
def check_command(
    files: List[Path] = typer.Argument(..., help=FILES_HELP, show_default=False),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出全部问题（供批处理和网页表单使用）"),
    strict: bool = typer.Option(False, "--strict", help="警告也视为错误"),
    templates: Optional[Path] = typer.Option(None, "--templates", help=TEMPLATES_HELP, file_okay=False),
    previous: Optional[Path] = typer.Option(None, "--previous", help=PREVIOUS_HELP, dir_okay=False),
    no_previous: bool = typer.Option(False, "--no-previous", help=NO_PREVIOUS_HELP),
) -> None:
    """核对报告：格式、勾稽关系、跨年度、正文与表格、期限等，全部问题按部分列出（错误在前）。全部通过退出码 0，有错误 1，用法错误 2。"""  # noqa: E501
    from ..pipeline import check_file

    options = _check_options(files, previous, no_previous, templates)
    results = [check_file(path, options=options) for path in files]
    _echo_findings(results, as_json)
    failed = any(not c.ok for c in results) or (strict and any(c.findings for c in results))
    if not as_json:
        typer.echo(_summary(results), err=True)
    raise typer.Exit(1 if failed else 0)


OUT_HELP = "输出目录（写入 <文件名>.html/.docx/.pdf，--to cms 时 <文件名>.cms.html）"
TO_HELP = (
    "输出格式，逗号分隔：html（网页，电脑和手机上都可阅读）、docx、pdf，"
    "以及 cms（写入 <文件名>.cms.html：粘贴到网站内容管理系统编辑器用的 HTML 片段，样式全部写在各元素上，"
    "编辑器去掉 <style> 后表格的对齐和框线也不变；须明确指定）"
)


def output_formats(value: str) -> tuple[str, ...]:
    """The formats named in `--to` (render and batch), in order: html, docx, pdf, cms (file <stem>.cms.html)."""
    from ..writers import ALL_FORMATS, FORMAT_ALIASES

    named = (part.strip().lower() for part in value.split(",") if part.strip())
    chosen = tuple(dict.fromkeys(FORMAT_ALIASES.get(name, name) for name in named))
    unknown = [fmt for fmt in chosen if fmt not in ALL_FORMATS]
    if unknown or not chosen:
        shown = "、".join(unknown) or "（空）"
        raise typer.BadParameter(f"未知的输出格式：{shown}；可选 html、docx、pdf、cms", param_hint="--to")
    return chosen


@app.command("render", epilog=PREVIOUS_EPILOG)
def render_command(
    files: List[Path] = typer.Argument(..., help=FILES_HELP, show_default=False),
    out: Path = typer.Option(..., "-o", "--out", help=OUT_HELP),
    to: str = typer.Option("html,docx,pdf", "--to", help=TO_HELP),
    strict: bool = typer.Option(False, "--strict", help="有警告也不生成"),
    templates: Optional[Path] = typer.Option(None, "--templates", help=TEMPLATES_HELP, file_okay=False),
    previous: Optional[Path] = typer.Option(None, "--previous", help=PREVIOUS_HELP, dir_okay=False),
    no_previous: bool = typer.Option(False, "--no-previous", help=NO_PREVIOUS_HELP),
) -> None:
    """生成报告。有错误的文件不生成（与 check 相同的提示），也不留下残缺文件。"""
    formats = output_formats(to)
    stems: dict[str, Path] = {}
    for path in files:
        if path.stem in stems and stems[path.stem] != path:
            typer.echo(f"错误：{stems[path.stem]} 和 {path} 会写出同名文件 {path.stem}.*，请改名后重试", err=True)
            raise typer.Exit(1)
        stems[path.stem] = path
    from ..files import destination_problem, os_error_zh
    from ..packs import PackError
    from ..pipeline import check_file, prepare_rendering, render_to

    problem = destination_problem(out)
    if problem:
        typer.echo(f"错误：{problem}；没有生成任何文件", err=True)
        raise typer.Exit(1)
    options = _check_options(files, previous, no_previous, templates)
    results = [check_file(path, options=options) for path in files]
    _echo_findings(results, as_json=False)
    if any(checked.ok for checked in results):
        prepare_rendering(formats)  # the writers loaded, the PDF speed-ups on (a long text is laid out in linear time)
    failed = False
    for path, checked in zip(files, results):
        if not checked.ok or (strict and checked.findings):
            typer.echo(f"未生成：{path}（请先改正上面列出的错误）", err=True)
            failed = True
            continue
        try:
            written = render_to(checked, out, path.stem, formats)
        except PackError as exc:
            typer.echo(f"{path}: 错误：{exc}", err=True)
            failed = True
            continue
        except OSError as exc:
            typer.echo(f"{path}: 错误：无法写入输出目录 {out}：{os_error_zh(exc)}", err=True)
            failed = True
            continue
        typer.echo(f"已生成：{'、'.join(str(p) for p in written)}")
    raise typer.Exit(1 if failed else 0)


def _last_year(path: Path) -> dict:
    """Last year's report as plain data: a YAML input as typed (need not be valid), or a published report as read."""
    if path.suffix.lower() in (".yaml", ".yml"):
        from ..readers.yaml import load

        loaded = load(path)
        data = loaded.source.data if loaded.source is not None else None
        if not isinstance(data, dict):
            first = next((f for f in loaded.findings if f.is_error), None)
            typer.echo(f"错误：无法读取上年报告 {path}" + (f"：{first.message}" if first else ""), err=True)
            raise typer.Exit(1)
        return data
    from ..readers.published import ReadError, read_published

    try:
        return read_published(path).data
    except ReadError as exc:
        typer.echo(f"错误：无法读取上年报告 {path}：{exc}", err=True)
        raise typer.Exit(1) from None


@app.command("init")
def init_command(
    output: Optional[Path] = typer.Argument(None, help="写入的文件（不给则输出到屏幕）"),
    year: Optional[int] = typer.Option(
        None, "--year", help="报告年度，如 2025（给了 --previous 时默认为上年报告的次年）", min=2008, max=2100),
    agency: str = typer.Option("", "--agency", help="报告机关，如 某某镇人民政府"),
    kind: Optional[str] = typer.Option(
        None, "--kind", help="government（人民政府，含乡镇、街道，默认）或 department（部门）"),
    fmt: Optional[str] = typer.Option(None, "--format", help="报告格式 2021 或 2019（默认按年度）"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
    previous: Optional[Path] = typer.Option(
        None, "--previous", dir_okay=False,
        help="上年的报告（YAML，或已发布的 .html/.docx/.pdf/.txt）：带入二、上年结转，以及现行有效件数"
             "（2021格式）或对外公开总数量、上一年项目数量（2019格式）；机关名称、类型、落款也取自上年"),
) -> None:
    """生成一份填写模板：每个键都带有表格中的正式名称。"""
    carried: dict[str, int] = {}
    issuer = None
    if previous is not None:
        last = _last_year(previous)
        year = year or (last["year"] + 1 if isinstance(last.get("year"), int) else None)
        agency = agency or str(last.get("agency") or "")
        kind = kind or (last.get("kind") if last.get("kind") in ("government", "department") else None)
        issuer = str(last["issuer"]) if last.get("issuer") else None
    if year is None:
        raise typer.BadParameter("请给出报告年度（如 --year 2025）", param_hint="--year")
    kind = kind or "government"
    if previous is not None:
        from ..model.forms import format_for_year
        from ..model.tables import carried_figures

        carried = carried_figures(last, fmt or format_for_year(year))
    if kind not in ("government", "department"):
        raise typer.BadParameter("应为 government 或 department", param_hint="--kind")
    if fmt is not None and fmt not in ("2021", "2019"):
        raise typer.BadParameter("应为 2021 或 2019", param_hint="--format")
    from ..files import destination_problem, os_error_zh, write_atomic
    from ..model.scaffold import scaffold

    text = scaffold(year, agency, kind, fmt, carried, issuer)
    if previous is not None:
        shown = "、".join(f"{key} = {value}" for key, value in carried.items()) or "无（上年报告中没有可带入的数）"
        typer.echo(f"由上年报告 {previous} 带入：{shown}", err=True)
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.exists() and not force:
        typer.echo(f"错误：{output} 已存在；如要覆盖请加 --force", err=True)
        raise typer.Exit(1)
    problem = destination_problem(output.parent)
    if problem:
        typer.echo(f"错误：{problem}；模板没有生成", err=True)
        raise typer.Exit(1)
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        typer.echo(f"错误：无法写入 {output}：{os_error_zh(exc)}；模板没有生成", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"已生成模板：{output}", err=True)
