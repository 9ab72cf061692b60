"""`govreport templates list` and `templates new`: the template packs found, and a documented skeleton for a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app

templates_app = typer.Typer(
    help="模板包（省、市的定制：前言、附加章节、落款、字体版面）：列出可用的模板包，或新建一个。",
    no_args_is_help=True,
)
app.add_typer(templates_app, name="templates")

TEMPLATES_HELP = "机关或省里自己的模板目录（其中每个子目录是一个模板包），先于内置模板包查找"


@templates_app.command("list")
def list_command(
    templates: Optional[Path] = typer.Option(None, "--templates", help=TEMPLATES_HELP, file_okay=False),
) -> None:
    """列出找到的模板包及其继承链（模板包 → 上一级 → base）。有模板包出错时退出码为 1。"""
    from ..packs import PackError, available_packs, load_pack, roots_for

    broken = 0
    for name, folder in available_packs(templates):
        try:
            pack = load_pack(name, roots_for(templates))
        except PackError as exc:
            broken += 1
            typer.echo(f"{name}  （有错误，不能使用）\n    目录：{folder}\n    " + str(exc).replace("\n", "\n    "))
            continue
        typer.echo(f"{name}  {pack.display_name}")
        typer.echo(f"    继承链：{' → '.join(pack.chain)}")
        typer.echo(f"    目录：{folder}")
        if pack.description:
            typer.echo(f"    说明：{pack.description}")
        for spec in pack.sections:
            need = "必填" if spec.get("required") else "选填"
            typer.echo(f"    附加章节：text.sections.{spec['id']}（{spec['heading']}，{need}，位于 {spec['part']}）")
    if broken:
        typer.echo(f"{broken} 个模板包有错误", err=True)
    raise typer.Exit(1 if broken else 0)


@templates_app.command("new")
def new_command(
    name: str = typer.Argument(
        ..., help="新模板包的名称（字母、数字、下划线、连字符），如 hulunbuir", show_default=False
    ),
    extends: str = typer.Option("base", "--extends", help="继承的模板包，如 base、neimenggu、sichuan"),
    directory: Path = typer.Option(
        Path("."), "--dir", help="写到哪个目录下（新建 <目录>/<名称>/；目录不存在时一并新建）"
    ),
    display_name: str = typer.Option("", "--display-name", help="显示名称，如 呼伦贝尔市"),
) -> None:
    """新建模板包：pack.yaml 列出全部可改的设置（注释掉，写着继承来的值），report.html 列出全部可覆盖的块。原样即可使用。"""  # noqa: E501  (the command's help: a line break would show as a space)
    from ..packs import PACK_NAME, PackError, load_pack, roots_for, scaffold_pack

    if not PACK_NAME.match(name) or name == "base":
        raise typer.BadParameter("只能用字母、数字、下划线和连字符，且不能叫 base", param_hint="NAME")
    target = directory / name
    if target.exists() or target.is_symlink():
        typer.echo(f"错误：{target} 已存在，未改动", err=True)
        raise typer.Exit(1)
    problem = _destination_problem(directory)
    if problem:
        typer.echo(f"错误：不能在 {directory} 下新建模板包：{problem}；未写入任何文件", err=True)
        raise typer.Exit(1)
    try:
        parent = load_pack(extends, roots_for(directory) if directory.is_dir() else roots_for(None))
    except PackError as exc:
        typer.echo(f"错误：不能继承模板包“{extends}”：{exc}", err=True)
        raise typer.Exit(1)
    try:
        _write_pack(target, scaffold_pack(name, parent, display_name))
    except OSError as exc:
        from ..files import os_error_zh

        typer.echo(f"错误：不能在 {directory} 下新建模板包 {name}：{os_error_zh(exc)}；未写入任何文件", err=True)
        raise typer.Exit(1)
    typer.echo(f"已新建模板包：{target}（继承链：{' → '.join([name] + parent.chain)}）")
    typer.echo(f"使用：在输入文件写 template: {name}，并加 --templates {directory}", err=True)


def _destination_problem(directory: Path) -> str | None:
    """Why no pack folder can be made in `directory` (in Chinese), or None. A folder still to be made is judged by
    the nearest one that exists, tried for real (permission bits do not tell for root or a read-only mount)."""
    from ..files import destination_problem

    problem = destination_problem(directory)
    return problem.replace("输出文件夹", "文件夹") if problem else None


def _write_pack(target: Path, files: dict[str, str]) -> None:
    """The pack's files written into a temporary folder beside `target`, which is then renamed: a pack is made
    whole or not at all (a full disk or a vanished folder leaves nothing behind)."""
    import os
    import shutil
    import tempfile

    made = []  # folders made on the way, removed again if the pack cannot be written
    folder = target.parent
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    staging = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
        for filename, text in files.items():
            (staging / filename).write_bytes(text.encode("utf-8"))
            os.chmod(staging / filename, 0o644)
        os.chmod(staging, 0o755)
        os.rename(staging, target)  # refuses to replace a folder that appeared meanwhile
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in made:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break
        raise
