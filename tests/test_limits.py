"""The input contract's limits (generator/limits.py, docs/limits.md): hostile and careless YAML is refused fast, with a
located Chinese message, exit 1, no traceback and nothing written; random documents never crash the reader."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from generator.checks import check
from generator.limits import MAX_COUNT, MAX_INPUT_BYTES, MAX_PARAGRAPH_CHARS, MAX_PART_CHARS
from generator.readers.yaml import load_string

GOVREPORT = ROOT / ".venv" / "bin" / "govreport"
WANGGUANJI = (ROOT / "inputs" / "wangguanji-2020.yaml").read_text(encoding="utf-8")
XILINHOT = (ROOT / "inputs" / "xilinhot-2021.yaml").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")

LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
) + "\n"


def govreport(*args: str, cwd: Path, timeout: float = 60, user: str | None = None) -> subprocess.CompletedProcess:
    command = [str(GOVREPORT), *args]
    if user:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def assert_refused(result: subprocess.CompletedProcess, *fragments: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Error:" not in output, output
    for fragment in fragments:
        assert fragment in output, (fragment, output)
    return output


def with_problems(text: str, problems: str) -> str:
    """The input with part 五's text replaced (a block scalar, so any characters fit)."""
    start = text.index("  problems:")
    end = text.index("\n  other:", start)
    block = "\n".join("    " + line if line else "" for line in problems.split("\n"))
    return text[:start] + "  problems: |\n" + block + text[end:]


# --- hostile files: refused at once, located -----------------------------------------------------------------
HOSTILE = {
    # name: (bytes, line, fragments)
    "billion-laughs": (LAUGHS.encode(), 2, ["不支持YAML别名"]),
    "alias-in-report": (
        WANGGUANJI.replace("agency: ", "x0: &name 王官集镇\nagency: *name #", 1).encode(),
        None,
        ["不支持YAML别名"],
    ),
    "bell-character": ("year: 2021\nagency: 某\x07镇\n".encode(), 2, ["第2行第10个字符", "响铃符", "U+0007"]),
    "nul-byte": (b"year: 2021\nagency: a\x00b\n", 2, ["空字符 NUL", "U+0000"]),
    "escape-in-narrative": (with_problems(WANGGUANJI, "问题\x1b[31m红字").encode(), None, ["转义符 ESC"]),
    "too-deep": (("a: " + "[" * 200 + "]" * 200 + "\n").encode(), 1, ["嵌套层数过多"]),
    "very-deep-for-libyaml": (("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(), 1, ["嵌套层数过多"]),
    "too-big": (b"a: " + b"x" * (MAX_INPUT_BYTES + 10) + b"\n", 1, ["文件过大", "上限为 1 MB"]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_fast_and_located(tmp_path: Path, name: str) -> None:
    raw, line, fragments = HOSTILE[name]
    (tmp_path / "bad.yaml").write_bytes(raw)
    begin = time.perf_counter()
    result = govreport("render", "bad.yaml", "-o", "out", cwd=tmp_path, timeout=30)
    elapsed = time.perf_counter() - begin
    output = assert_refused(result, *fragments)
    assert CJK.search(output)
    if line is not None:
        assert f"bad.yaml:{line}:" in output, output
    else:
        assert re.search(r"bad\.yaml:\d+:", output), output
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True
    assert elapsed < 20, elapsed  # a hang would hit the subprocess timeout; this only names the case


def test_billion_laughs_is_refused_in_process_without_unfolding() -> None:
    loaded = load_string(LAUGHS)
    assert loaded.report is None
    assert [f.line for f in loaded.findings] == [2]


def test_a_named_pipe_among_the_inputs_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(XILINHOT, encoding="utf-8")
    result = govreport("check", "pipe.yaml", "good.yaml", "--no-previous", cwd=tmp_path, timeout=30)
    output = assert_refused(result, "pipe.yaml", "不是一个普通文件")
    assert "good.yaml" in output


# --- figures and texts: bounded, with the official labels --------------------------------------------------------
def _findings(text: str) -> list:
    loaded = load_string(text, "r.yaml")
    return loaded.findings if loaded.report is None else check(loaded, None)


def test_a_count_beyond_the_bound_is_an_error_with_its_cell() -> None:
    text = WANGGUANJI.replace("new:              [0, 0", f"new:              [{MAX_COUNT + 1}, 0", 1)
    (finding,) = [f for f in _findings(text) if f.is_error]
    assert finding.row == "一、本年新收政府信息公开申请数量" and finding.column == "自然人"
    assert "数值过大" in finding.message and "1,000,000,000" in finding.message
    at_bound = _findings(text.replace(str(MAX_COUNT + 1), str(MAX_COUNT)))
    assert not [f for f in at_bound if f.rule == "INPUT"]  # the bound itself is allowed (the identities then fail)


@pytest.mark.parametrize(
    "typed, fragment",
    [
        ("1" + "0" * 30, "数值过大"),
        ("9" * 5000, "共5000个字符"),
        ("1.0e+300", "数值过大"),
        ("1e30", "数值过大"),
        ("2.5", "不能有小数"),
    ],
)
def test_huge_figures_are_refused_and_the_message_stays_short(typed: str, fragment: str) -> None:
    text = WANGGUANJI.replace("new:              [0, 0", f"new:              [{typed}, 0", 1)
    errors = [f for f in _findings(text) if f.is_error]
    assert len(errors) == 1 and fragment in errors[0].message, errors
    assert len(errors[0].message) < 120
    assert errors[0].column == "自然人"


def test_a_signed_change_is_bounded_both_ways() -> None:
    text = WANGGUANJI.replace(
        "licensing:      {previous: 0, change: 0", f"licensing:      {{previous: 0, change: -{MAX_COUNT + 1}", 1
    )
    (error,) = [f for f in _findings(text) if f.is_error]
    assert "减少的数目过大" in error.message and error.column == "本年增/减"


def test_an_amount_beyond_the_bound_is_an_error() -> None:
    text = re.sub(r"amount_sent: [^\s,}]+", "amount_sent: 1e20", XILINHOT, count=1)
    errors = [f for f in _findings(text) if f.is_error]
    assert len(errors) == 1 and "金额过大" in errors[0].message, errors


def test_a_paragraph_and_a_part_beyond_their_bounds_are_errors_naming_the_part() -> None:
    long_paragraph = "问" * (MAX_PARAGRAPH_CHARS + 1)
    errors = [f for f in _findings(with_problems(WANGGUANJI, "第一段。\n\n" + long_paragraph)) if f.is_error]
    assert len(errors) == 1 and "第2段" in errors[0].message and "请分段" in errors[0].message, errors
    assert errors[0].part == "五、存在的主要问题及改进情况"
    paragraphs = "\n\n".join(["问" * 1000] * (MAX_PART_CHARS // 1000 + 1))
    errors = [f for f in _findings(with_problems(WANGGUANJI, paragraphs)) if f.is_error]
    assert len(errors) == 1 and "这一部分有" in errors[0].message, errors
    fits = "\n\n".join(["问" * 1000] * (MAX_PART_CHARS // 1001))
    assert not [f for f in _findings(with_problems(WANGGUANJI, fits)) if f.is_error]


def test_a_name_field_is_bounded() -> None:
    text = re.sub(r"^agency: .*$", "agency: " + "某" * 1000, WANGGUANJI, count=1, flags=re.M)
    errors = [f for f in _findings(text) if f.is_error]
    assert len(errors) == 1 and "上限为500个字" in errors[0].message


def test_a_figure_ten_times_last_years_is_a_warning(tmp_path: Path) -> None:
    last = XILINHOT.replace("year: 2021", "year: 2020", 1)
    this = re.sub(r"^year: 2021", "year: 2022", XILINHOT, count=1, flags=re.M)
    (tmp_path / "x-2021.yaml").write_text(this.replace("year: 2022", "year: 2021"), encoding="utf-8")
    # this year's 自然人 new requests are 150; last year's were 8 (and the carried-over figures still match)
    match = re.search(r"^  new: +\[(\d+),", XILINHOT, flags=re.M)
    assert match
    bumped = XILINHOT.replace(match.group(0), match.group(0).replace(match.group(1), "1500"), 1)
    (tmp_path / "x-2021.yaml").write_text(bumped, encoding="utf-8")
    (tmp_path / "x-2020.yaml").write_text(last, encoding="utf-8")
    result = govreport("check", "x-2021.yaml", "--json", cwd=tmp_path)
    assert "XY-JUMP" in result.stdout, result.stdout + result.stderr
    assert "1500 是上年（2020年）同一格" in result.stdout
    same = govreport("check", "x-2020.yaml", "--previous", "x-2020.yaml", "--json", cwd=tmp_path)
    assert "XY-JUMP" not in same.stdout


# --- where output goes: checked before any work --------------------------------------------------------------
def test_init_and_render_into_a_path_under_a_file_are_located_errors(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    (tmp_path / "in.yaml").write_text(XILINHOT, encoding="utf-8")
    assert_refused(
        govreport("init", "plain/x.yaml", "--year", "2025", cwd=tmp_path), "无法写入", "plain", "模板没有生成"
    )
    assert_refused(
        govreport("render", "in.yaml", "-o", "plain/out", "--no-previous", cwd=tmp_path),
        "无法写入输出文件夹",
        "没有生成任何文件",
    )


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as nobody")
def test_init_and_render_into_a_read_only_folder_as_an_ordinary_user(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    (tmp_path / "in.yaml").write_text(XILINHOT, encoding="utf-8")
    (tmp_path / "in.yaml").chmod(0o644)
    for parent in tmp_path.parents:  # nobody must be able to reach the folder
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    init = govreport("init", "ro/x.yaml", "--year", "2025", cwd=tmp_path, user="nobody")
    assert_refused(init, "没有写入权限", "模板没有生成")
    render = govreport("render", "in.yaml", "-o", "ro", "--no-previous", "--to", "html", cwd=tmp_path, user="nobody")
    assert_refused(render, "没有写入权限")
    assert list(folder.iterdir()) == []


# --- random documents: never a traceback, never a hang -------------------------------------------------------
_leaf = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.text(max_size=30),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["０", "08", "1e300", "-0", "/", "—", "2021-02-30", "2022-01-20", "~", "null", "&a", "*a"]),
)
_KEYS = ["format", "year", "agency", "kind", "issuer", "date", "template", "contact", "text", "fee_notices",
         "active", "applications", "reviews", "new", "withheld", "other", "overview", "problems", "rules", "in_force"]
_tree = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=8),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=8)), inner, max_size=8),
    ),
    max_leaves=40,
)


def _assert_quiet(text: str) -> None:
    begin = time.perf_counter()
    loaded = load_string(text, "r.yaml")
    findings = loaded.findings if loaded.report is None else check(loaded, None)
    assert time.perf_counter() - begin < 5
    for finding in findings:
        assert finding.message and finding.file == "r.yaml"
        assert len(finding.message) < 2000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tree)
def test_random_documents_never_crash_the_reader(tree) -> None:
    import yaml

    _assert_quiet(yaml.safe_dump(tree, allow_unicode=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(XILINHOT)),
            st.integers(min_value=0, max_value=20),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_random_edits_of_a_real_input_never_crash_the_reader(edits) -> None:
    text = XILINHOT
    for start, length, insert in edits:
        text = text[:start] + insert + text[start + length :]
    _assert_quiet(text)


def test_the_whole_narrative_is_bounded() -> None:
    import yaml

    from generator.limits import MAX_NARRATIVE_CHARS

    part = "\n\n".join(["问" * (MAX_PARAGRAPH_CHARS - 10)] * 8)  # under the part's bound
    assert len(part) < MAX_PART_CHARS and 3 * len(part) > MAX_NARRATIVE_CHARS
    data = yaml.safe_load(WANGGUANJI)
    data["text"].update(preface=part, problems=part, other=part)
    errors = [f for f in _findings(yaml.safe_dump(data, allow_unicode=True)) if f.is_error]
    assert len(errors) == 1 and "正文各部分合计" in errors[0].message and errors[0].line, errors
    data["text"].update(preface="前言。")
    assert not [f for f in _findings(yaml.safe_dump(data, allow_unicode=True)) if f.rule == "INPUT"]
