"""The `govreport` command. Each group of subcommands is a module of this package that registers on `app`;
heavy modules (WeasyPrint, the web server) load inside the commands, so `govreport --help` stays fast."""

from __future__ import annotations

import sys

import typer

# Each module registers its commands on `app`, in the order `govreport --help` lists them.
# isort: off
from . import report  # noqa: F401  (init, check, render)
from . import batch  # noqa: F401  (batch, xlsx-template, import, rollup)
from . import audit  # noqa: F401  (audit: published reports checked as a supervisor checks them)
from . import templates  # noqa: F401  (templates list, templates new)
from . import serve  # noqa: F401  (serve: the web form)
# isort: on
from .app import app


def main() -> None:
    """The console script: the commands, with usage errors said in Chinese (usage.py) and exit code 2."""
    from .usage import click_errors, usage_message

    try:
        code = app(standalone_mode=False, prog_name="govreport")
    except KeyboardInterrupt:  # pragma: no cover - interactive
        typer.echo("已中断", err=True)
        sys.exit(130)
    except click_errors.NoArgsIsHelpError:
        sys.exit(2)  # the help is printed already
    except click_errors.UsageError as exc:
        typer.echo(usage_message(exc), err=True)
        sys.exit(exc.exit_code)
    except click_errors.ClickException as exc:  # a file Typer itself could not open, say
        typer.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
