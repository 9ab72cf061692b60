"""`govreport batch`, `xlsx-template`, `import` and `rollup`: a whole jurisdiction at once (generator.batch)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..limits import MIN_UNIT_MEMORY_MB, UNIT_MEMORY_MB, UNIT_TIMEOUT_SECONDS
from .app import app

SOURCES_HELP = "YAML 文件、包含 YAML 文件的目录（含子目录），或采集表（.xlsx）；可多个"


def _units(sources: list[Path], writes_outputs: bool = True):
    from ..batch.sources import SourceProblem, collect_units, name_clashes, unique_units

    try:
        units = unique_units(collect_units(sources))
    except SourceProblem as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    clashes = name_clashes(units) if writes_outputs else []
    if clashes:
        for message in clashes:
            typer.echo(f"错误：{message}", err=True)
        typer.echo("未生成任何文件。", err=True)
        raise typer.Exit(1)
    return units


def _destination(folder: Path, create: bool, what: str) -> None:
    """Refuse, before anything is read or written, a destination that cannot be written: a read-only or missing
    folder (`create=False`: the folder of an output file must exist), a file where a folder should be."""
    from ..files import destination_problem

    problem = destination_problem(folder, create=create)
    if problem:
        typer.echo(f"错误：{problem}；{what}", err=True)
        raise typer.Exit(1)


def _write(path: Path, data: bytes, what: str) -> None:
    from ..files import os_error_zh, write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        typer.echo(f"错误：无法写入 {path}：{os_error_zh(exc)}；{what}", err=True)
        raise typer.Exit(1) from None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _why(result: dict) -> str:
    """A failed unit on one console line: its first error, located (all of them are in index.html)."""
    from ..batch.summary import findings_of

    errors = [f for f in findings_of(result) if f.is_error]
    if not errors:
        return result["display"]
    more = f"（另有 {len(errors) - 1} 个错误，见 index.html）" if len(errors) > 1 else ""
    return errors[0].format() + more


class _Progress:
    """A rich progress bar on a terminal; on a pipe or CI log only one line per failed unit."""

    def __init__(self, total: int):
        self.total = total
        self.done = self.failed = 0
        self.started: float | None = None  # set on entering
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("[bold]批量生成"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("失败 [red]{task.fields[failed]}"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self.task = self.bar.add_task("batch", total=total, failed=0, rate="")

    def __enter__(self):
        import time

        self.started = time.perf_counter()
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)

    def __call__(self, result: dict) -> None:
        import time

        self.done += 1
        bad = result["status"] in ("failed", "crashed")
        self.failed += bad
        assert self.started is not None  # called inside `with _Progress(…)`
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        if self.bar:
            rate = f"{self.done / elapsed * 3600:,.0f} 份/小时"
            self.bar.update(self.task, advance=1, failed=self.failed, rate=rate)
            if bad:
                from rich.markup import escape

                self.bar.console.print(f"[red]未通过[/red] {escape(_why(result))}", highlight=False, markup=True)
        elif bad:
            typer.echo(f"未通过：{_why(result)}", err=True)


@app.command("batch")
def batch_command(
    sources: List[Path] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    out: Path = typer.Option(..., "-o", "--out", help="输出目录：每个单位的报告，以及 index.html、summary.csv"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="并行进程数（默认每个CPU核一个）"),
    to: str = typer.Option("html,docx,pdf", "--to", help="输出格式，逗号分隔：html,docx,pdf"),
    previous_dir: Optional[Path] = typer.Option(
        None, "--previous-dir", help="上一年度输入文件所在目录（按同名文件对应），用于跨年度核对"
    ),
    force: bool = typer.Option(False, "--force", help="全部重新生成（默认跳过输入、模板和程序都未变的单位）"),
    recycle: int = typer.Option(100, "--recycle", min=1, help="每个工作进程处理多少个单位后更换（保持内存平稳）"),
    templates: Optional[Path] = typer.Option(
        None, "--templates", help="模板目录：先在其中查找模板包（同 render --templates）", file_okay=False
    ),
    unit_timeout: float = typer.Option(
        UNIT_TIMEOUT_SECONDS, "--unit-timeout",
        help="每个单位最多处理多少秒，超时即停止并列为未通过（0 表示不限）"),
    unit_memory: int = typer.Option(
        UNIT_MEMORY_MB, "--unit-memory",
        help="每个工作进程最多使用多少 MB 内存（地址空间），超出即停止该单位并列为未通过"
             f"（0 表示不限；至少 {MIN_UNIT_MEMORY_MB}）"),
) -> None:
    """批量核对并生成：一个目录、多个文件或一份采集表，并行处理；结果见 OUT/index.html 和 OUT/summary.csv。

    一个单位出错不影响其他单位；有任何单位未通过时退出码为 1。中断后再次运行同一命令，从中断处继续。"""
    from .report import output_formats

    formats = output_formats(to)
    if previous_dir is not None and not previous_dir.is_dir():
        raise typer.BadParameter(f"不是目录：{previous_dir}", param_hint="--previous-dir")
    if not 0 <= unit_timeout <= 1_000_000:  # also NaN
        raise typer.BadParameter(f"应为 0 到 1000000 之间的秒数（默认 {UNIT_TIMEOUT_SECONDS}；0 表示不限）",
                                 param_hint="--unit-timeout")
    if unit_memory != 0 and not MIN_UNIT_MEMORY_MB <= unit_memory <= 1_048_576:
        raise typer.BadParameter(f"应为 {MIN_UNIT_MEMORY_MB} 到 1048576 之间的 MB 数"
                                 f"（默认 {UNIT_MEMORY_MB}；0 表示不限）：工作进程载入排版程序和字体后就要约 320 MB",
                                 param_hint="--unit-memory")
    _destination(out, True, "没有生成任何文件")
    units = _units(sources)
    from ..batch.runner import BatchOptions, run_batch
    from ..batch.summary import write_reports

    options = BatchOptions(out_dir=out, formats=formats, jobs=jobs, recycle=recycle, previous_dir=previous_dir,
                           force=force, templates=templates, unit_timeout=unit_timeout, unit_memory=unit_memory)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill`: stop like Ctrl-C, keeping every finished unit
    try:
        with _Progress(len(units)) as progress:
            run = run_batch(units, options, progress)
        write_reports(out, run.results)
    except OSError as exc:
        from ..files import os_error_zh

        typer.echo(f"错误：无法写入输出目录 {out}：{os_error_zh(exc)}", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        typer.echo("已中断：已完成的单位都已保存；再次运行同一命令将从中断处继续。", err=True)
        raise typer.Exit(130)
    skipped = len(run.results) - run.rendered - run.failed
    rate = len(run.results) / run.seconds * 3600 if run.seconds else 0
    typer.echo(
        f"共 {len(run.results)} 个单位：通过 {len(run.results) - run.failed}（其中有警告 {run.count('warning')}），"
        f"未通过 {run.failed}；本次生成 {run.rendered}，已是最新而跳过 {skipped}。"
        f"用时 {run.seconds:.1f} 秒（{run.jobs} 个进程，{rate:,.0f} 份/小时）。结果：{out / 'index.html'}",
        err=True,
    )
    raise typer.Exit(1 if run.failed else 0)


@app.command("xlsx-template")
def xlsx_template_command(
    out: Path = typer.Option(..., "-o", "--out", help="写入的采集表（.xlsx）"),
    units_file: Optional[Path] = typer.Option(
        None, "--units", help="单位名单：每行一个单位名称（UTF-8）；不给则只有一张空白表"
    ),
    year: Optional[int] = typer.Option(None, "--year", min=2008, max=2100, help="报告年度（默认上一年）"),
    fmt: Optional[str] = typer.Option(None, "--format", help="报告格式 2021 或 2019（默认按年度）"),
    kind: str = typer.Option(
        "government", "--kind", help="机关类型：government（人民政府，含乡镇、街道）或 department（部门）"
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
) -> None:
    """生成发给各单位的数据采集表（Excel、WPS、LibreOffice 均可填写）：每个单位一张工作表，官方表格格式。"""
    import datetime as dt

    if fmt is not None and fmt not in ("2021", "2019"):
        raise typer.BadParameter("应为 2021 或 2019", param_hint="--format")
    if kind not in ("government", "department"):
        raise typer.BadParameter("应为 government 或 department", param_hint="--kind")
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter("采集表文件名应以 .xlsx 结尾", param_hint="-o")
    if out.is_dir():
        typer.echo(f"错误：{out} 是一个文件夹；请给出采集表的文件名，如 {out / 'collect.xlsx'}", err=True)
        raise typer.Exit(1)
    if out.exists() and not force:
        typer.echo(f"错误：{out} 已存在；如要覆盖请加 --force", err=True)
        raise typer.Exit(1)
    _destination(out.parent, False, "采集表没有生成")
    names: list[str] = []
    if units_file is not None:
        from ..batch.workbook import unit_names

        try:
            text = units_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "不是UTF-8编码"
            typer.echo(f"错误：无法读取单位名单 {units_file}：{reason}", err=True)
            raise typer.Exit(2)
        names, problems = unit_names(text, str(units_file))
        if problems:
            for line in problems:
                typer.echo(f"错误：{line}", err=True)
            typer.echo("采集表没有生成。", err=True)
            raise typer.Exit(1)
        if not names:
            typer.echo(f"错误：单位名单 {units_file} 是空的", err=True)
            raise typer.Exit(2)
    from ..batch.workbook import write_template

    year = year or dt.date.today().year - 1
    try:
        sheets = write_template(out, names, year, fmt, kind)
    except OSError as exc:
        from ..files import os_error_zh

        typer.echo(f"错误：无法写入 {out}：{os_error_zh(exc)}；采集表没有生成", err=True)
        raise typer.Exit(1) from None
    listed = "、".join(sheets[:5]) + ("…" if len(sheets) > 5 else "")
    typer.echo(f"已生成采集表：{out}（{len(sheets)} 张工作表：{listed}）", err=True)


@app.command("import")
def import_command(
    workbook: Path = typer.Argument(
        ..., help="填好的采集表（.xlsx），或已发布的报告（.html、.docx、.pdf、.txt）", show_default=False),
    out: Path = typer.Option(
        ..., "-o", "--out",
        help="采集表：输出目录，每张已填写的工作表写一个 <工作表名>.yaml；"
             "已发布的报告：写入的 YAML 文件（或已有目录）"),
    force: bool = typer.Option(False, "--force", help="覆盖已有的 YAML 文件"),
) -> None:
    """把采集表导入为 YAML：每张已填写且核对无误的工作表一个文件；错误指明工作表和单元格（如 D14）。
    也可导入已发布的报告（网页、DOCX、PDF、复制的文本）：数字和正文写成输入文件，总计由程序计算不写入，读不准的格留空并注明候选，
    供下一年度 govreport init --previous 使用。"""
    if workbook.suffix.lower() != ".xlsx":
        from .audit import import_published

        import_published(workbook, out, force)
        return
    from ..batch.sources import name_clashes
    from ..batch.workbook import WorkbookError, read_workbook
    from ..findings import format_findings

    _destination(out, True, "没有导入任何单位")
    try:
        sheets, problems = read_workbook(workbook)
    except WorkbookError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(1)
    filled = [sheet for sheet in sheets if sheet.filled]
    clashes = name_clashes(filled)
    if clashes:
        for message in clashes:
            typer.echo(f"错误：{message}", err=True)
        raise typer.Exit(1)
    failed = bool(problems)
    if problems:
        typer.echo(format_findings(str(workbook), [finding for _sheet, finding in problems]))
    written = 0
    for sheet in sheets:
        shown = [f for f in sheet.findings if sheet.filled or f.is_error]
        if shown:
            typer.echo(format_findings(sheet.display, shown))
        if not sheet.filled:
            continue
        if not sheet.ok:
            failed = True
            typer.echo(f"未导入：{sheet.display}（请先在采集表中改正上面列出的错误）", err=True)
            continue
        assert sheet.text is not None  # sheet.ok
        target = out / f"{sheet.stem}.yaml"
        if target.exists() and not force:
            typer.echo(f"错误：{target} 已存在；如要覆盖请加 --force", err=True)
            failed = True
            continue
        _write(target, sheet.text.encode("utf-8"), f"已导入 {written} 个单位，其余未导入")
        written += 1
    skipped = sum(1 for sheet in sheets if not sheet.filled)
    bad = sum(1 for s in sheets if s.filled and not s.ok)
    typer.echo(f"已导入 {written} 个单位到 {out}；未填写而跳过 {skipped} 张工作表；有错误的工作表 {bad} 张"
               + (f"，缺少的工作表 {len(problems)} 张" if problems else "") + "。", err=True)
    raise typer.Exit(1 if failed else 0)


@app.command("rollup")
def rollup_command(
    sources: List[Path] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    out: Path = typer.Option(..., "-o", "--out", help="写入的汇总输入（YAML）"),
    agency: str = typer.Option(..., "--agency", help="汇总报告的机关名称，如 某某县人民政府"),
    date: Optional[str] = typer.Option(None, "--date", help="发布日期 YYYY-MM-DD（默认为期限：人民政府次年3月31日）"),
    kind: str = typer.Option("government", "--kind", help="government 或 department"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
) -> None:
    """把多个单位的表二、表三、表四相加，生成本地区汇总报告的输入；正文留空由编辑撰写，汇总单位列在文件开头。"""
    import datetime as dt

    from ..batch.rollup import RollupError, roll_up
    from ..findings import format_findings

    if kind not in ("government", "department"):
        raise typer.BadParameter("应为 government 或 department", param_hint="--kind")
    when = None
    if date:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD，而不是 {date}", param_hint="--date")
    if not agency.strip():
        raise typer.BadParameter("不能为空", param_hint="--agency")
    if out.is_dir():
        typer.echo(f"错误：{out} 是一个文件夹；请给出汇总输入的文件名，如 {out / '汇总.yaml'}", err=True)
        raise typer.Exit(1)
    if out.exists() and not force:
        typer.echo(f"错误：{out} 已存在；如要覆盖请加 --force", err=True)
        raise typer.Exit(1)
    _destination(out.parent, False, "未生成汇总文件")
    units = _units(sources, writes_outputs=False)
    try:
        result = roll_up(units, agency.strip(), when, kind)
    except RollupError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        typer.echo("未生成汇总文件。", err=True)
        raise typer.Exit(1)
    if result.findings:
        typer.echo(format_findings(str(out), result.findings))
    if any(f.is_error for f in result.findings):
        typer.echo("汇总后的表格有错误，未生成汇总文件。", err=True)
        raise typer.Exit(1)
    _write(out, result.text.encode("utf-8"), "未生成汇总文件")
    typer.echo(
        f"已汇总 {len(result.units)} 个单位：{out}。正文（一、五、六）留空，请编辑后运行 govreport check {out}",
        err=True,
    )
