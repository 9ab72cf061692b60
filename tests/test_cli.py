"""The command line: bad input is a Chinese error with file and line, exit 1, no traceback and no output file;
the named example (（七）总计 disagreeing with its rows) is refused while a valid file in the same call renders."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator.cli import app

GOVREPORT = ROOT / ".venv" / "bin" / "govreport"
XILINHOT = ROOT / "inputs" / "xilinhot-2021.yaml"
LUZHOU = ROOT / "inputs" / "luzhou-2020.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first line that starts with `needle` (indentation included), below `after` if given."""
    lines = text.splitlines()
    start = line_of(text, after) if after else 0
    for number in range(start, len(lines)):
        if lines[number].startswith(needle):
            return number + 1
    raise AssertionError(f"{needle!r} not in text")


def replace_line(text: str, needle: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    index = line_of(text, needle) - 1
    lines[index] = new + "\n"
    return "".join(lines)


def insert_after(text: str, needle: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    index = line_of(text, needle)
    lines.insert(index, new + "\n")
    return "".join(lines)


def _remove_other_2021(text: str) -> str:
    start = line_of(text, "  other:", after="applications:") - 1
    lines = text.splitlines(keepends=True)
    end = start + 1
    while lines[end].startswith("    "):
        end += 1
    return "".join(lines[:start] + ["  other: [0, 0, 0, 0, 0, 0]\n"] + lines[end:])


X = XILINHOT.read_text(encoding="utf-8")
L = LUZHOU.read_text(encoding="utf-8")
NEW = "  new:              [8, 0, 0, 0, 0, 0]"

# name: (source text or bytes, expected line, fragments of the message)
BAD: dict[str, tuple[str | bytes, int | None, tuple[str, ...]]] = {
    # the unclosed "[" is found where the next line starts, as YAML parsers report it (see LINES_ACCEPTED)
    "malformed-yaml": (replace_line(X, "  new:", "  new: [8, 0, 0, 0, 0, 0"), line_of(X, "  new:"), ("YAML格式错误",)),
    "tab-indent": (replace_line(X, "  licensing:", "\tlicensing: 22212"), line_of(X, "  licensing:"), ("Tab",)),
    "unknown-key": (
        insert_after(X, "  licensing:", "  licencing: 1"),
        line_of(X, "  licensing:") + 1,
        ("未知的键“licencing”", "是否应为“licensing”"),
    ),
    "unknown-top-key": (
        insert_after(X, "year:", "agnecy: 某机关"),
        line_of(X, "year:") + 1,
        ("未知的键“agnecy”", "agency"),
    ),
    "wrong-type-count": (
        replace_line(X, "  punishment:", "  punishment: 三千"),
        line_of(X, "  punishment:"),
        ("行政处罚", "本年处理决定数量", "应为整数", "三千"),
    ),
    "wrong-type-row": (
        replace_line(X, "  carried_over:", "  carried_over: 0"),
        line_of(X, "  carried_over:"),
        ("二、上年结转政府信息公开申请数量", "应为一行数字"),
    ),
    "wrong-type-text": (
        replace_line(X, "agency:", "agency: [甲, 乙]"),
        line_of(X, "agency:"),
        ("报告机关", "应为文字"),
    ),
    "wrong-type-bool": (
        replace_line(X, "  coercion:", "  coercion: yes"),
        line_of(X, "  coercion:"),
        ("行政强制", "整数"),
    ),
    "negative-count": (
        replace_line(X, "  new:", "  new: [8, -1, 0, 0, 0, 0]"),
        line_of(X, "  new:"),
        ("一、本年新收政府信息公开申请数量", "商业企业", "不能为负数"),
    ),
    "negative-review": (
        replace_line(X, "  litigation_direct:", "  litigation_direct: [0, 0, -2, 0]"),
        line_of(X, "  litigation_direct:"),
        ("行政诉讼 · 未经复议直接起诉", "其他结果", "不能为负数"),
    ),
    "fractional-count": (
        replace_line(X, "  new:", "  new: [7.5, 0, 0, 0, 0, 0]"),
        line_of(X, "  new:"),
        ("一、本年新收政府信息公开申请数量", "自然人", "不能有小数", "7.5"),
    ),
    "fractional-active": (
        replace_line(X, "  licensing:", "  licensing: 22212.5"),
        line_of(X, "  licensing:"),
        ("行政许可", "不能有小数"),
    ),
    "row-too-short": (
        replace_line(X, "  new:", "  new: [8, 0, 0, 0, 0]"),
        line_of(X, "  new:"),
        ("一、本年新收政府信息公开申请数量", "应有6个数", "现在有5个"),
    ),
    "row-too-long": (
        replace_line(X, "  new:", "  new: [8, 0, 0, 0, 0, 0, 8, 1]"),
        line_of(X, "  new:"),
        ("应有6个数", "现在有8个"),
    ),
    "review-row-wrong-length": (
        replace_line(X, "  reconsideration:", "  reconsideration: [0, 0, 0]"),
        line_of(X, "  reconsideration:"),
        ("行政复议", "应有4个数", "现在有3个"),
    ),
    "2019-key-in-2021": (
        insert_after(X, "  licensing:", "  procurement: {projects: 1, amount: 2}"),
        line_of(X, "  licensing:") + 1,
        ("未知的键“procurement”", "2019格式", 'format: "2019"'),
    ),
    "2019-field-in-2021": (
        replace_line(X, "  rules:", "  rules: {made: 0, published: 0, total: 0}"),
        line_of(X, "  rules:"),
        ("未知的键“made”", "2019格式"),
    ),
    "2021-key-in-2019": (
        insert_after(L, "year:", "fee_notices: {sent: 0, amount_sent: 0, collected: 0}"),
        line_of(L, "year:") + 1,
        ("未知的键“fee_notices”", "2021格式", 'format: "2021"'),
    ),
    "2021-field-in-2019": (
        replace_line(L, "  rules:", "  rules: {issued: 0, repealed: 0, in_force: 2}"),
        line_of(L, "  rules:"),
        ("未知的键“issued”", "2021格式"),
    ),
    "bad-date-day": (
        replace_line(X, "date:", "date: 2022-02-30"),
        line_of(X, "date:"),
        ("发布日期", "日期不存在", "2022-02-30"),
    ),
    "bad-date-text": (
        replace_line(X, "date:", "date: 明年一月"),
        line_of(X, "date:"),
        ("发布日期", "YYYY-MM-DD", "明年一月"),
    ),
    "bad-format": (replace_line(X, "format:", 'format: "2020"'), line_of(X, "format:"), ("报告格式", "2020")),
    "bad-kind": (replace_line(X, "kind:", "kind: 乡镇"), line_of(X, "kind:"), ("机关类型", "government", "department")),
    "missing-required": (replace_line(X, "agency:", "# agency removed"), None, ("缺少必填项", "agency", "报告机关")),
    "empty-narrative": (
        X.replace("  other: |\n    本年度本部门未收取政府信息公开信息处理费。\n", '  other: ""\n'),
        line_of(X, "  other: |"),
        ("六、其他需要报告的事项", "不能为空"),
    ),
    "duplicate-key": (
        insert_after(X, "year:", "year: 2022"),
        line_of(X, "year:") + 1,
        ("键“year”重复出现", f"第{line_of(X, 'year:')}行"),
    ),
    "duplicate-row": (
        insert_after(X, "  new:", "  new:              [9, 0, 0, 0, 0, 0]"),
        line_of(X, "  new:") + 1,
        ("键“new”重复出现",),
    ),
    "slash-in-cell": (
        replace_line(X, "  new:", "  new: [8, 0, /, 0, 0, 0]"),
        line_of(X, "  new:"),
        ("一、本年新收政府信息公开申请数量", "科研机构", "不能填“/”"),
    ),
    "dash-in-cell": (
        replace_line(X, "  new:", '  new: [8, 0, 0, "-", 0, 0]'),
        line_of(X, "  new:"),
        ("社会公益组织", "不能填“-”"),
    ),
    "blank-cell": (
        replace_line(X, "  new:", "  new: [8, 0, 0, 0, ~, 0]"),
        line_of(X, "  new:"),
        ("法律服务机构", "不能留空"),
    ),
    "top-level-list": ("- 一\n- 二\n", 1, ("映射",)),
    "empty-file": ("", 1, ("文件是空的",)),
    "only-comments": ("# 只有注释\n\n", 1, ("没有内容",)),
}
# a GBK file whose first non-ASCII byte stands on a known line (comments removed so it is not line 1)
_PLAIN = "\n".join(line for line in X.splitlines() if not line.startswith("#")) + "\n"
BAD["gbk-encoded"] = (_PLAIN.encode("gbk"), line_of(_PLAIN, "agency:"), ("不是UTF-8编码", "GBK"))


# an unclosed flow sequence is reported on the line where the parser gives up: the next one
LINES_ACCEPTED = {"malformed-yaml": (0, 1)}


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _assert_clean_error(output: str, path: Path, line: int | None, fragments: tuple[str, ...]) -> None:
    assert "Traceback" not in output and "Error:" not in output, output
    if path.stem in LINES_ACCEPTED:
        assert any(f"{path}:{line + d}: 错误" in output for d in LINES_ACCEPTED[path.stem]), (line, output)
    elif line is None:
        assert re.search(rf"{re.escape(str(path))}:\d+: 错误", output), output
    else:
        assert f"{path}:{line}: 错误" in output, (line, output)
    for fragment in fragments:
        assert fragment in output, (fragment, output)
    assert CJK.search(output)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_check(runner, tmp_path, name):
    content, line, fragments = BAD[name]
    path = _write(tmp_path, name, content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _assert_clean_error(result.output, path, line, fragments)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_render_writes_nothing(runner, tmp_path, name):
    content, line, fragments = BAD[name]
    path = _write(tmp_path, name, content)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(path), "-o", str(out), "--to", "html,docx"])
    assert result.exit_code == 1, result.output
    _assert_clean_error(result.output, path, line, fragments)
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_file(runner, tmp_path):
    path = tmp_path / "没有这个文件.yaml"
    for args in (["check", str(path)], ["render", str(path), "-o", str(tmp_path / "out")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert f"{path}: 错误" in result.output and "文件不存在" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_directory_given_as_file(runner, tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1 and "目录" in result.output and "Traceback" not in result.output


def test_2019_other_row_in_2021_report(runner, tmp_path):
    path = _write(tmp_path, "other-single-row", _remove_other_2021(X))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "（六）其他处理" in result.output and "2021格式" in result.output, result.output


def test_2021_other_rows_in_2019_report(runner, tmp_path):
    text = re.sub(r"\n  other: +\[11, 0, 0, 0, 1, 0\][^\n]*", "\n  other:\n    no_correction: [11, 0, 0, 0, 1, 0]", L)
    assert text != L
    path = _write(tmp_path, "other-sub-rows", text)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "2021格式" in result.output, result.output


def test_all_errors_listed_at_once(runner, tmp_path):
    text = replace_line(X, "  new:", "  new: [8, -1, 0, 0, 0, 0]")
    text = replace_line(text, "  punishment:", "  punishment: 多")
    path = _write(tmp_path, "two-errors", text)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:{line_of(X, '  new:')}:" in result.output and f"{path}:{line_of(X, '  punishment:')}:" in result.output
    )


# --- the named example: （七）总计 disagreeing with its rows ----------------------------------------------------
def _wrong_total(tmp_path: Path) -> tuple[Path, int]:
    text = insert_after(X, "    other:", "  total:            [7, 0, 0, 0, 0, 0]")
    path = _write(tmp_path, "wrong-total", text)
    return path, line_of(text, "  total:")


def test_check_refuses_wrong_total(runner, tmp_path):
    path, line = _wrong_total(tmp_path)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    (message,) = [m for m in result.output.splitlines() if m.startswith(f"{path}:{line}: 错误 [T3-RESULTS-TOTAL]")]
    assert re.search(r"（七）总计 · 自然人：各项办理结果之和 8 ≠ 填报的总计 7$", message), message
    assert "三、收到和处理政府信息公开申请情况" in result.output


def test_check_json_names_the_cell(runner, tmp_path):
    import json

    path, line = _wrong_total(tmp_path)
    result = runner.invoke(app, ["check", "--json", str(path)])
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout) if f["severity"] == "error"]
    assert finding["rule"] == "T3-RESULTS-TOTAL" and finding["severity"] == "error"
    assert (finding["row"], finding["column"], finding["line"], finding["file"]) == (
        "（七）总计",
        "自然人",
        line,
        str(path),
    )
    assert finding["key"] == "applications.total[0]"


def test_render_refuses_wrong_total_and_renders_the_valid_file(runner, tmp_path):
    path, line = _wrong_total(tmp_path)
    good = tmp_path / "good.yaml"
    good.write_text(X, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(path), str(good), "-o", str(out), "--to", "html,docx"])
    assert result.exit_code == 1, result.output
    assert "各项办理结果之和 8 ≠ 填报的总计 7" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.docx", "good.html"]  # nothing for wrong-total, no temp files


def test_render_to_xls_is_a_usage_error(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(XILINHOT), "-o", str(out), "--to", "xls"])
    assert result.exit_code == 2
    assert "xls" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_check_usage_error_exit_2(runner):
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["check", "--no-such-option", str(XILINHOT)]).exit_code == 2


def test_check_valid_inputs_exit_0(runner):
    result = runner.invoke(app, ["check", *map(str, sorted((ROOT / "inputs").glob("*.yaml")))])
    assert result.exit_code == 0, result.output


def test_render_writes_the_three_formats(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(XILINHOT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["xilinhot-2021.docx", "xilinhot-2021.html", "xilinhot-2021.pdf"]
    assert (out / "xilinhot-2021.pdf").read_bytes().startswith(b"%PDF-")


# --- real processes: no traceback, the console script and its exit codes ----------------------------------------
def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([str(GOVREPORT), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_console_script_bad_inputs_no_traceback(tmp_path):
    paths = [
        _write(tmp_path, name, BAD[name][0])
        for name in ("malformed-yaml", "gbk-encoded", "empty-file", "slash-in-cell")
    ]
    wrong, _line = _wrong_total(tmp_path)
    for args in (["check", *map(str, paths), str(wrong)], ["render", *map(str, paths), str(wrong), "-o", "out"]):
        proc = _run(*args, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        both = proc.stdout + proc.stderr
        assert "Traceback" not in both
        for path in paths:
            _assert_clean_error(both, path, BAD[path.stem][1], BAD[path.stem][2])
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert _run("render", str(XILINHOT), "-o", "out", "--to", "xls", cwd=tmp_path).returncode == 2
    assert _run("check", str(XILINHOT), cwd=tmp_path).returncode == 0


# --- init -------------------------------------------------------------------------------------------------------
def test_help_does_not_import_weasyprint():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from generator.cli import app\n"
        "for args in (['--help'], ['check', '--help'], ['render', '--help'], ['init', '--help']):\n"
        "    result = CliRunner().invoke(app, args)\n"
        "    assert result.exit_code == 0, result.output\n"
        "loaded = sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('weasyprint', 'docx', 'pydantic', 'generator'))\n"
        "assert not any(m.startswith(('weasyprint', 'generator.writers.pdf')) for m in loaded), loaded\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_console_help_is_chinese():
    proc = _run("--help", cwd=ROOT)
    assert proc.returncode == 0
    for command in ("init", "check", "render"):
        assert command in proc.stdout
    assert "政府信息公开工作年度报告" in proc.stdout


@pytest.mark.parametrize(
    "args, says",
    [
        (("check",), "缺少参数 FILES"),
        (("check", "--bogus", "x.yaml"), "没有选项 --bogus"),
        (("nocmd",), "没有命令 nocmd"),
        (("render", "x.yaml"), "缺少选项 -o / --out"),
        (("init", "--year", "abc"), "--year 的值不对：应为整数"),
        (("check", "--previous"), "选项 --previous 后面要写一个值"),
    ],
)
def test_usage_errors_are_said_in_chinese(tmp_path, args, says):
    """A command called wrongly: one Chinese line naming what is wrong and the command to run for help, exit
    code 2 — not click's English ("Missing argument", "No such option")."""
    done = _run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "-h 查看用法" in done.stderr, done.stderr
    assert not re.search(r"Missing|No such|Invalid value|Error", done.stderr), done.stderr
