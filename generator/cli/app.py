"""The `govreport` Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="govreport",
    help="政府信息公开工作年度报告：由 YAML 生成符合官方格式的 HTML、DOCX、PDF，并按督查口径核对。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
