"""Template packs that must be refused — names reaching outside the template folders, symlinks out, sandbox escapes,
broken pack.yaml or templates — each with a Chinese error naming the file and line, no traceback, nothing written.
Also the pack mechanics: chains, agency folder, section merging and numbering."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import app
from generator.document import build
from generator.packs import PackError, load_pack, pack_named, roots_for
from generator.readers.yaml import load_string

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "inputs" / "elunchun-2020-neimenggu.yaml").read_text(encoding="utf-8")


def input_with(template: str, extra_text: str = "") -> str:
    text = re.sub(r"^template: neimenggu$", f"template: {template}", SOURCE, count=1, flags=re.M)
    return text.replace("text:\n", "text:\n" + extra_text, 1) if extra_text else text


def template_line(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("template:"))


def make_pack(root: Path, name: str, pack_yaml: str, **files: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(pack_yaml, encoding="utf-8")
    for filename, text in files.items():
        (folder / filename.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def check_and_render(runner, tmp_path: Path, text: str, *extra: str):
    source = tmp_path / "report.yaml"
    source.write_text(text, encoding="utf-8")
    checked = runner.invoke(app, ["check", str(source), *extra])
    out = tmp_path / "out"
    rendered = runner.invoke(app, ["render", str(source), "-o", str(out), *extra])
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    return checked, rendered, written


def pack_error_line(output: str) -> str:
    return next(line for line in output.splitlines() if "[PACK-UNKNOWN]" in line)


# --- names that reach outside -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../base", "..", "/etc", "base/../base", "a/b", "~root", "neimenggu/../../x"])
def test_template_name_cannot_leave_template_folders(runner, tmp_path, name):
    text = input_with(f'"{name}"')
    checked, rendered, written = check_and_render(runner, tmp_path, text)
    assert checked.exit_code == 1 and rendered.exit_code == 1
    line = pack_error_line(checked.output)
    assert f"report.yaml:{template_line(text)}:" in line
    assert "不合法" in line and "Traceback" not in checked.output + rendered.output
    assert written == []


def test_unknown_template_is_an_error_at_its_line(runner, tmp_path):
    text = input_with("hubei")
    checked, rendered, written = check_and_render(runner, tmp_path, text)
    assert checked.exit_code == 1
    line = pack_error_line(checked.output)
    assert f":{template_line(text)}:" in line and "找不到模板包“hubei”" in line
    assert written == []


def test_pack_folder_symlinked_out_is_refused(runner, tmp_path):
    outside = make_pack(tmp_path / "elsewhere", "real", "extends: base\n")
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "evil").symlink_to(outside, target_is_directory=True)
    checked, rendered, written = check_and_render(runner, tmp_path, input_with("evil"), "--templates", str(packs))
    assert checked.exit_code == 1
    assert "指向模板目录之外" in pack_error_line(checked.output)
    assert written == []


def test_template_file_symlinked_out_is_refused(runner, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("不该出现在报告里", encoding="utf-8")
    folder = make_pack(tmp_path / "packs", "leaky", "extends: base\n")
    (folder / "report.css").symlink_to(secret)
    checked, rendered, written = check_and_render(
        runner, tmp_path, input_with("leaky"), "--templates", str(tmp_path / "packs")
    )
    assert checked.exit_code == 1 and rendered.exit_code == 1
    assert "report.css" in pack_error_line(checked.output) and "模板包目录之外" in pack_error_line(checked.output)
    assert written == []


def test_loader_refuses_symlink_added_after_loading(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("秘密", encoding="utf-8")
    folder = make_pack(tmp_path / "packs", "late", "extends: base\n")
    pack = load_pack("late", roots_for(tmp_path / "packs"))
    (folder / "extra.html").symlink_to(secret)
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError, match="指向模板包目录之外"):
        pack.env.get_template("extra.html")


def test_sandbox_refuses_escapes_and_writes_nothing(runner, tmp_path):
    make_pack(
        tmp_path / "packs",
        "escape",
        "extends: base\n",
        report_html='{% extends "base/report.html" %}{% block header %}{{ doc.__class__.__mro__ }}{% endblock %}\n',
    )
    checked, rendered, written = check_and_render(
        runner, tmp_path, input_with("escape"), "--templates", str(tmp_path / "packs")
    )
    assert checked.exit_code == 1 and rendered.exit_code == 1  # check tries the pack out as render would
    report_html = tmp_path / "packs" / "escape" / "report.html"
    for output in (checked.output, rendered.output):
        assert f"{report_html}:1: 模板包“escape”的模板 report.html 有误：沙箱不允许访问" in output, output
        assert "Traceback" not in output and "unsafe" not in output
    assert written == []


def test_wording_sandboxed(runner, tmp_path):
    make_pack(tmp_path / "packs", "wording", "extends: base\nsettings:\n  title: \"{{ agency.__class__.__mro__ }}\"\n")
    checked, rendered, written = check_and_render(
        runner, tmp_path, input_with("wording"), "--templates", str(tmp_path / "packs")
    )
    assert checked.exit_code == 1 and rendered.exit_code == 1
    pack_yaml = tmp_path / "packs" / "wording" / "pack.yaml"
    for output in (checked.output, rendered.output):
        assert f"{pack_yaml}:3: 模板包“wording”的设置 title 有误：沙箱不允许访问" in output, output
        assert "Traceback" not in output and "unsafe" not in output
    assert written == []


# --- broken packs -----------------------------------------------------------------------------------------------
BROKEN = {
    # name: (files, expected file, expected line, words in the message)
    "bad-yaml": ({"pack.yaml": "extends: base\nsettings:\n  title: [unclosed\n"}, "pack.yaml", None, "格式错误"),
    "dup-key": ({"pack.yaml": "extends: base\nsettings:\n  title: a\n  title: b\n"}, "pack.yaml", 4, "重复"),
    "jinja-setting": (
        {"pack.yaml": "extends: base\nsettings:\n  preface: |\n    第一段\n    {% if year %}没有结束\n"},
        "pack.yaml",
        5,
        "模板语法错误",
    ),
    "unknown-placeholder": (
        {"pack.yaml": "extends: base\nsettings:\n  title: \"{{ agencyy }}\"\n"},
        "pack.yaml",
        3,
        "未知的占位符 agencyy",
    ),
    "unknown-setting": (
        {"pack.yaml": "extends: base\nsettings:\n  colour: red\n"},
        "pack.yaml",
        3,
        "未知的设置 colour",
    ),
    "wrong-type": (
        {"pack.yaml": "extends: base\nsettings:\n  sizes:\n    body: big\n"},
        "pack.yaml",
        4,
        "sizes.body 应为正数",
    ),
    "bad-page": ({"pack.yaml": "extends: base\nsettings:\n  page:\n    size: A0\n"}, "pack.yaml", 4, "page.size"),
    "bad-section": (
        {"pack.yaml": "extends: base\nsettings:\n  sections:\n    - id: x\n      heading: 某节\n      part: seven\n"},
        "pack.yaml",
        6,
        "part 应为",
    ),
    "jinja-template": (
        {
            "pack.yaml": "extends: base\n",
            "report.html": '{% extends "base/report.html" %}\n{% block header %}\n{{ doc.title }\n{% endblock %}\n',
        },
        "report.html",
        3,
        "模板语法错误",
    ),
    "unknown-top": ({"pack.yaml": "extend: base\n"}, "pack.yaml", 1, "未知的键“extend”"),
    "not-utf8": ({}, "pack.yaml", None, "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_pack_is_refused_with_file_and_line(runner, tmp_path, case):
    files, filename, line, words = BROKEN[case]
    folder = tmp_path / "packs" / case
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if case == "not-utf8":
        (folder / "pack.yaml").write_bytes("extends: base\nsettings:\n  title: 标题\n".encode("gb18030"))
    text = input_with(case)
    checked, rendered, written = check_and_render(runner, tmp_path, text, "--templates", str(tmp_path / "packs"))
    assert checked.exit_code == 1 and rendered.exit_code == 1
    message = checked.output[checked.output.index("[PACK-UNKNOWN]"):]
    assert f"report.yaml:{template_line(text)}:" in pack_error_line(checked.output)
    where = str(folder / filename) + (f":{line}:" if line else ":")
    assert where in message, message
    assert words in message, message
    assert "Traceback" not in checked.output + rendered.output
    assert written == []
    listed = runner.invoke(app, ["templates", "list", "--templates", str(tmp_path / "packs")])
    assert listed.exit_code == 1 and f"{case}  （有错误，不能使用）" in listed.output


def test_console_script_broken_pack_no_traceback(tmp_path):
    make_pack(tmp_path / "packs", "broken", "extends: base\nsettings:\n  preface: \"{% if %}\"\n")
    source = tmp_path / "report.yaml"
    source.write_text(input_with("broken"), encoding="utf-8")
    govreport = Path(sys.executable).parent / "govreport"
    result = subprocess.run(
        [str(govreport), "render", str(source), "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "packs")],
        capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "pack.yaml:3:" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_inheritance_loop_and_name_mismatch(tmp_path):
    make_pack(tmp_path, "a", "extends: b\n")
    make_pack(tmp_path, "b", "extends: a\n")
    with pytest.raises(PackError, match="循环：a → b → a"):
        load_pack("a", roots_for(tmp_path))
    make_pack(tmp_path, "c", "name: d\nextends: base\n")
    with pytest.raises(PackError, match="与目录名“c”不一致"):
        load_pack("c", roots_for(tmp_path))


# --- mechanics --------------------------------------------------------------------------------------------------
def test_agency_folder_overrides_the_named_pack(runner, tmp_path):
    """`--templates DIR` with its own pack.yaml lays over the input's pack (neimenggu) without naming it."""
    agency = tmp_path / "agency"
    agency.mkdir()
    (agency / "pack.yaml").write_text(
        'settings:\n  signature:\n    issuer: "{{ agency }}人民政府办公室"\n', encoding="utf-8"
    )
    pack = pack_named("neimenggu", agency)
    assert pack.chain == ["agency", "neimenggu", "base"]
    assert "自治区有关工作要求" in pack.settings["preface"]  # the rest still from neimenggu
    source = tmp_path / "report.yaml"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["render", str(source), "-o", str(out), "--to", "html,docx", "--templates", str(agency)]
    )
    assert result.exit_code == 0, result.output
    from readback import docx_document, html_text, squash

    html = squash(html_text((out / "report.html").read_bytes()))
    docx = [p.text for p in docx_document((out / "report.docx").read_bytes()).paragraphs]
    assert "鄂伦春自治旗人民政府办公室2021年2月19日" in html and "和自治区有关工作要求" in html
    assert "鄂伦春自治旗人民政府办公室" in docx
    (agency / "pack.yaml").write_text("extends: sichuan\n", encoding="utf-8")  # read again: it changed on disk
    with pytest.raises(PackError, match="不写 extends"):
        pack_named("neimenggu", agency)


def test_child_overrides_a_parent_section_by_id(runner, tmp_path):
    make_pack(
        tmp_path / "packs",
        "strict",
        "extends: neimenggu\nsettings:\n  sections:\n    - id: key_tasks\n      required: true\n",
    )
    pack = load_pack("strict", roots_for(tmp_path / "packs"))
    assert [(s["id"], bool(s.get("required"))) for s in pack.sections] == [("proposals", False), ("key_tasks", True)]
    assert pack.sections[1]["heading"] == "年度政务公开工作要点落实情况"
    source = tmp_path / "report.yaml"
    source.write_text(input_with("strict"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--templates", str(tmp_path / "packs")])
    assert (
        result.exit_code == 1
        and "[PACK-SECTION-REQUIRED]" in result.output
        and "年度政务公开工作要点落实情况" in result.output
    )


def test_extra_sections_continue_the_parts_numbering():
    text = input_with(
        "neimenggu",
        "  sections:\n    key_tasks: 要点落实。\n    proposals: 建议提案。\n",
    ).replace("  other: |\n    无。\n", "  other: |\n    （一）信息处理费。本年度未收取。\n\n    （二）其他。无。\n", 1)
    loaded = load_string(text)
    assert loaded.report is not None, loaded.findings
    document = build(loaded.report, pack_named("neimenggu"))
    other = document.sections[-1]
    headings = [b.text for b in other.blocks if getattr(b, "kind", "") == "heading"]
    # pack order (proposals, key_tasks), numbered after the text's own （一）（二）
    assert headings == ["（三）人大代表建议和政协提案办理结果公开情况", "（四）年度政务公开工作要点落实情况"]
    assert [s.heading.text for s in document.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]


def test_signature_default_and_input_issuer():
    loaded = load_string(input_with("neimenggu"))
    assert build(loaded.report, pack_named("neimenggu")).signature.issuer == "鄂伦春自治旗政务公开领导小组办公室"
    loaded = load_string(
        input_with("neimenggu").replace("date: 2021-02-19", "issuer: 鄂伦春自治旗人民政府\ndate: 2021-02-19")
    )
    assert build(loaded.report, pack_named("neimenggu")).signature.issuer == "鄂伦春自治旗人民政府"


def test_an_edited_pack_yaml_is_read_again(tmp_path):
    """A running `govreport serve` sees a provincial office's edit of pack.yaml without a restart."""
    folder = make_pack(tmp_path / "packs", "prov", "display_name: 甲省\n")
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(folder / "pack.yaml", ns=(hour_ago, hour_ago))
    roots = roots_for(tmp_path / "packs")
    first = load_pack("prov", roots)
    assert first.display_name == "甲省"
    assert load_pack("prov", roots) is first  # unchanged: the same, cached pack
    (folder / "pack.yaml").write_text("display_name: 乙省\n", encoding="utf-8")
    os.utime(folder / "pack.yaml", ns=(hour_ago + 10**9, hour_ago + 10**9))
    assert load_pack("prov", roots).display_name == "乙省"
    (folder / "pack.yaml").write_text("display_name: [\n", encoding="utf-8")
    with pytest.raises(PackError):
        load_pack("prov", roots)


def test_every_problem_of_a_pack_yaml_is_located_and_reported_on_its_own(runner, tmp_path):
    """All of a broken pack.yaml's problems at once, each with its file, line and key; `check` gives each its own
    PACK-UNKNOWN finding (at the input's `template:` line, naming the pack's file and line)."""
    import json
    import pickle

    folder = make_pack(
        tmp_path / "packs", "several",
        'extends: base\nsettings:\n  title: "{{ agencyy }}"\n  sizes:\n    body: big\n    colour: red\n'
        "  sections:\n    - id: x\n      heading: 某节\n      part: seven\n",
    )
    pack_yaml = folder / "pack.yaml"
    with pytest.raises(PackError) as raised:
        load_pack("several", roots_for(tmp_path / "packs"))
    problems = raised.value.problems
    assert [(p.file, p.line, p.key) for p in problems] == [
        (pack_yaml, 3, "settings.title"),
        (pack_yaml, 5, "settings.sizes.body"),
        (pack_yaml, 6, "settings.sizes.colour"),
        (pack_yaml, 10, "settings.sections.0.part"),
    ]
    assert "未知的占位符 agencyy" in problems[0].message and "sizes.body 应为正数" in problems[1].message
    assert "未知的设置 sizes.colour" in problems[2].message and "章节 x 的 part 应为" in problems[3].message
    assert str(raised.value) == "\n".join(f"{pack_yaml}:{p.line}: {p.message}" for p in problems)
    copied = pickle.loads(pickle.dumps(raised.value))  # as a batch worker hands it back
    assert copied.problems == problems and str(copied) == str(raised.value)

    text = input_with("several")
    source = tmp_path / "report.yaml"
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--templates", str(tmp_path / "packs"), "--json"])
    assert result.exit_code == 1
    findings = [f for f in json.loads(result.stdout) if f["rule"] == "PACK-UNKNOWN"]
    assert [f["message"] for f in findings] == [f"模板包“several”不可用：{p}" for p in problems]
    assert {(f["file"], f["line"], f["key"]) for f in findings} == {(str(source), template_line(text), "template")}


def test_the_typed_style_of_a_chain():
    """`Pack.style`: the merged settings typed by the schema — what the writers will read instead of the dict."""
    pack = pack_named("neimenggu")
    style = pack.style
    assert style.fonts.body[0] == "仿宋_GB2312" and style.fonts.body == pack.settings["fonts"]["body"]
    assert style.sizes.body == 16 and type(style.sizes.body) is int and style.sizes.applications_table == 10.5
    assert style.page.size == "A4" and style.page.paper == (210, 297) and style.page.line_height == 28.9
    assert style.notices.of("2021") == pack.settings["notices"]["2021"] and style.notices.of("2018") == ""
    assert [(s.id, s.part, s.required, s.numbered) for s in style.sections] == [
        ("proposals", "other", False, True), ("key_tasks", "other", False, True),
    ]
    assert style.signature.issuer == pack.settings["signature"]["issuer"]
    assert set(style.model_dump(by_alias=True, exclude_none=True)) == set(pack.settings)
