"""The `govreport` command. Each group of subcommands is a module of this package that registers on `app`;
heavy modules (WeasyPrint, the web server) load inside the commands, so `govreport --help` stays fast."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="govreport",
    help="政府信息公开工作年度报告：由 YAML 生成符合官方格式的 HTML、DOCX、PDF，并按督查口径核对。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

from . import report  # noqa: E402,F401  (init, check, render)
from . import batch  # noqa: E402,F401  (batch, xlsx-template, import, rollup)
from . import templates  # noqa: E402,F401  (templates list, templates new)
from . import serve  # noqa: E402,F401  (serve: the web form)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        typer.echo("已中断", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
