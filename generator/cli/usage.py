"""Usage errors in Chinese: what Typer (click) reports in English when a command is called wrongly — a missing
argument or option, an unknown option or command, a value of the wrong kind — said the way the rest of govreport
speaks, with the command to run for help. Exit code 2, as before."""

from __future__ import annotations

import re

try:
    from typer._click import exceptions as click_errors  # a recent Typer carries its own click
except ImportError:  # pragma: no cover - an older Typer, on the click package
    from click import exceptions as click_errors  # type: ignore[no-redef]

_CJK = re.compile(r"[\u3400-\u9fff]")
# What the value of an option should have been, by the words of the English message.
_KINDS = (
    ("valid integer", "应为整数"),
    ("valid number", "应为数字"),
    ("valid float", "应为数字"),
    ("does not exist", "文件或目录不存在"),
    ("is a directory", "是一个目录，应为文件"),
    ("is a file", "是一个文件，应为目录"),
    ("is not one of", "不是可选的值之一"),
)


def _hint(exc: click_errors.UsageError) -> str:
    param = getattr(exc, "param", None)
    if param is None:
        hint = getattr(exc, "param_hint", None)
        return "、".join(hint) if isinstance(hint, (list, tuple)) else str(hint or "")
    if getattr(param, "param_type_name", "") == "argument":
        return str(getattr(param, "human_readable_name", None) or (param.name or "").upper())
    return " / ".join(param.opts)


def chinese(exc: click_errors.UsageError) -> str:
    """The usage error as one Chinese sentence."""
    message = exc.message or ""
    if isinstance(exc, click_errors.MissingParameter):
        kind = "参数" if getattr(exc.param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{kind} {_hint(exc)}"
    if isinstance(exc, click_errors.NoSuchOption):
        maybe = f"（是不是 {'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{maybe}"
    if isinstance(exc, click_errors.BadOptionUsage) and "requires an argument" in message:
        return f"选项 {exc.option_name} 后面要写一个值"
    if isinstance(exc, click_errors.BadParameter):
        if _CJK.search(message):  # govreport's own message
            return f"{_hint(exc)}：{message}"
        for english, zh in _KINDS:
            if english in message:
                return f"{_hint(exc)} 的值不对：{zh}"
        return f"{_hint(exc)} 的值不对（{message}）"
    command = re.match(r"No such command '(.+)'\.", message)
    if command:
        return f"没有命令 {command.group(1)}：可用的命令见 govreport -h"
    extra = re.match(r"Got unexpected extra arguments? \((.+)\)", message)
    if extra:
        return f"多了参数 {extra.group(1)}"
    return message if _CJK.search(message) else f"用法不对（{message}）"


def usage_message(exc: click_errors.UsageError) -> str:
    path = exc.ctx.command_path if exc.ctx is not None else "govreport"
    return f"用法错误：{chinese(exc)}\n运行 {path} -h 查看用法。"
