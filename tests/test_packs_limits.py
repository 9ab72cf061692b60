"""The template sandbox's resource limits, and packs that used to pass `check` or end in a traceback or a hang.

Each pack below is refused by both `check` and `render` (exit 1) within seconds, with a Chinese message naming the
pack's file and line, no traceback and nothing written. Also: a billion-laughs pack.yaml, `templates new` into a
folder it cannot write, and that the limits change nothing for the shipped templates.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from jinja2 import DictLoader
from jinja2.sandbox import SandboxedEnvironment

from generator.cli import app
from generator.limits import MAX_SETTING_CHARS, MAX_TEMPLATE_OUTPUT
from generator.packs import PackError, PackSandbox, load_pack, pack_named, roots_for

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "inputs" / "elunchun-2020-neimenggu.yaml").read_text(encoding="utf-8")
SECONDS = 20  # per command; each takes about one second (the limits stop a runaway template in well under one)
ENGLISH = re.compile(r"[A-Za-z]{3,}[ ,:]+[A-Za-z]{3,}[ ,:]+[A-Za-z]{3,}")  # three English words in a row


def input_for(template: str) -> str:
    return re.sub(r"^template: neimenggu$", f"template: {template}", SOURCE, count=1, flags=re.M)


def template_line(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("template:"))


def make_pack(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for filename, text in files.items():
        (folder / filename).write_text(text, encoding="utf-8")
    return folder


def run(runner, *args: str):
    started = time.monotonic()
    result = runner.invoke(app, list(args))
    return result, time.monotonic() - started


HEADER = '{% extends "base/report.html" %}\n'


def in_header(body: str) -> str:
    """A report.html whose line 2 is `body`, inside the header block."""
    return HEADER + "{% block header %}" + body + "{% endblock %}\n"


LIMITS = {
    # case: (files, the file named, its line, words in the message)
    "repeat-in-setting": ({"pack.yaml": 'extends: base\nsettings:\n  title: "{{ \\"x\\" * 300000000 }}"\n'},
                          "pack.yaml", 3, "个字符"),
    "power-in-setting": ({"pack.yaml": 'extends: base\nsettings:\n  title: "{{ 10 ** 5000 }}"\n'},
                         "pack.yaml", 3, "乘方"),
    "setting-block-line": (
        {"pack.yaml": 'extends: base\nsettings:\n  preface: |\n    第一段。\n    {{ "x" * 10 ** 9 }}\n'},
        "pack.yaml", 5, "个字符",
    ),
    "setting-too-long": ({"pack.yaml": 'extends: base\nsettings:\n  preface: "{{ \\"长\\" * 60000 }}"\n'},
                         "pack.yaml", 3, f"{MAX_SETTING_CHARS:,}"),
    "setting-attribute": ({"pack.yaml": 'extends: base\nsettings:\n  title: "{{ agency.__class__.__mro__ }}"\n'},
                       "pack.yaml", 3, "沙箱不允许访问"),
    "range": (
        {"pack.yaml": "extends: base\n", "report.html": in_header("{% for i in range(1000000000) %}{% endfor %}")},
        "report.html", 2, "range",
    ),
    "nested-loops": (
        {"pack.yaml": "extends: base\n",
         "report.html": in_header("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")},
        "report.html", 2, "循环和调用超过",
    ),
    "power-in-template": ({"pack.yaml": "extends: base\n", "report.html": in_header("{{ 10 ** 5000 }}")},
                          "report.html", 2, "乘方"),
    "number-literal": ({"pack.yaml": "extends: base\n", "report.html": HEADER + "\n{{ 1" + "0" * 5000 + " }}\n"},
                       "report.html", 3, "数字太大"),
    "doubling": (
        {"pack.yaml": "extends: base\n", "report.html": in_header(
            '{% set ns = namespace(s="x") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}')},
        "report.html", 2, "个字符",
    ),
    "format-width": ({"pack.yaml": "extends: base\n", "report.html": in_header('{{ "%0300000000d" % 1 }}')},
                     "report.html", 2, "宽度"),
    "join": ({"pack.yaml": "extends: base\n", "report.html": in_header('{{ (["x" * 1000000] * 20) | join }}')},
             "report.html", 2, "个字符"),
    "output-size": (
        {"pack.yaml": "extends: base\n",
         "report.html": in_header("{% for i in range(100000) %}" + "长" * 200 + "{% endfor %}")},
        "report.html", 2, f"{MAX_TEMPLATE_OUTPUT:,}",
    ),
    "self-extends": ({"pack.yaml": "extends: base\n", "report.html": '{% extends "report.html" %}\n'},
                     "report.html", 1, "成环"),
    "mutual-include": (
        {"pack.yaml": "extends: base\n", "report.html": in_header('{% include "a.html" %}'),
         "a.html": '{% include "b.html" %}\n', "b.html": '\n{% include "a.html" %}\n'},
        "a.html", 1, "成环",
    ),
    "import-cycle": (
        {"pack.yaml": "extends: base\n", "report.html": in_header('{% import "m.html" as m %}{{ m.x }}'),
         "m.html": '{% import "report.html" as r %}\n'},
        "m.html", 1, "成环",
    ),
    "recursive-macro": (
        {"pack.yaml": "extends: base\n", "report.html": HEADER + "{% macro f(n) %}{{ f(n) }}{% endmacro %}\n"
         "{% block header %}{{ f(1) }}{% endblock %}\n"},
        "report.html", 2, "嵌套调用超过",
    ),
    "include-escapes": ({"pack.yaml": "extends: base\n", "report.html": in_header('{% include "../../secret.html" %}')},
                        "report.html", 2, "越出了模板包目录"),
    "import-absolute": ({"pack.yaml": "extends: base\n", "report.html": in_header('{% from "/etc/passwd" import x %}')},
                        "report.html", 2, "越出了模板包目录"),
    "include-variable": ({"pack.yaml": "extends: base\n", "report.html": in_header("{% include doc.title %}")},
                         "report.html", 2, "固定的文字"),
    "include-missing": ({"pack.yaml": "extends: base\n", "report.html": in_header('{% include "nope.html" %}')},
                        "report.html", 2, "找不到"),
    "class-attribute": ({"pack.yaml": "extends: base\n", "report.html": in_header("{{ doc.__class__.__mro__ }}")},
                         "report.html", 2, "沙箱不允许访问"),
    "mutating": ({"pack.yaml": "extends: base\n", "report.html": in_header("{{ doc.sections.append(1) }}")},
                 "report.html", 2, "不能改动列表"),
    "type-error": ({"pack.yaml": "extends: base\n", "report.html": in_header('{{ 1 + "a" }}')}, "report.html", 2,
                   "不能对 int 和 str 做 + 运算"),
    "syntax": (
        {"pack.yaml": "extends: base\n",
         "report.html": HEADER + "{% block header %}\n{{ doc.title }\n{% endblock %}\n"},
        "report.html", 3, "模板语法错误",
    ),
}
STATIC = {"number-literal", "self-extends", "mutual-include", "import-cycle", "include-escapes", "import-absolute",
          "include-variable", "include-missing", "syntax"}  # found when the pack loads: `templates list` shows them


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_pack_over_a_limit_is_refused_by_check_and_render(runner, tmp_path, case):
    files, filename, line, words = LIMITS[case]
    (tmp_path / "secret.html").write_text("不该出现在报告里", encoding="utf-8")
    folder = make_pack(tmp_path / "packs", case, files)
    text = input_for(case)
    source = tmp_path / "report.yaml"
    source.write_text(text, encoding="utf-8")
    packs = str(tmp_path / "packs")
    checked, check_seconds = run(runner, "check", str(source), "--templates", packs)
    out = tmp_path / "out"
    rendered, render_seconds = run(runner, "render", str(source), "-o", str(out), "--templates", packs)
    assert checked.exit_code == 1 and rendered.exit_code == 1, checked.output + rendered.output
    assert check_seconds < SECONDS and render_seconds < SECONDS
    message = next(line for line in checked.output.splitlines() if "[PACK-UNKNOWN]" in line)
    assert f"report.yaml:{template_line(text)}:" in message
    assert f"{folder / filename}:{line}:" in message, message
    assert words in message, message
    both = checked.output + rendered.output
    assert "Traceback" not in both and "unsafe" not in both and "Error" not in both
    assert not ENGLISH.search(message.replace(str(tmp_path), "")), message
    assert not out.exists() or list(out.iterdir()) == []
    listed = runner.invoke(app, ["templates", "list", "--templates", packs])
    assert (listed.exit_code == 1) == (case in STATIC), listed.output


def test_render_of_a_pack_changed_after_check_is_still_located(tmp_path):
    """A template edited while `govreport serve` runs is compiled at render time: the same located error."""
    files = {"pack.yaml": "extends: base\n", "report.html": in_header("{{ doc.title }}")}
    folder = make_pack(tmp_path / "packs", "late", files)
    pack = load_pack("late", roots_for(tmp_path / "packs"))
    (folder / "report.html").write_text(in_header("{{ 10 ** 5000 }}"), encoding="utf-8")
    from generator.pipeline import check_file, document_for
    from generator.writers.html import render_text

    source = tmp_path / "r.yaml"
    source.write_text(input_for("neimenggu"), encoding="utf-8")
    document = document_for(check_file(source).report, pack)
    with pytest.raises(PackError, match=re.escape(f"{folder / 'report.html'}:2:") + ".*乘方"):
        render_text(document, pack)
    (folder / "report.html").write_text(in_header("{{ doc.title }"), encoding="utf-8")
    with pytest.raises(PackError, match=re.escape(f"{folder / 'report.html'}:2:") + ".*模板语法错误"):
        render_text(document, pack)


# --- the sandbox on its own ------------------------------------------------------------------------------------
def render_snippet(snippet: str) -> str:
    env = PackSandbox(loader=DictLoader({"t.html": snippet}), autoescape=True)
    env.pack_name = "demo"
    return env.get_template("t.html").render(doc={"title": "标题", "sections": [1, 2]})


@pytest.mark.parametrize("snippet, words", [
    ('{{ "x" * 300000000 }}', "个字符"),
    ('{{ ["x"] * 1000000 }}', "项"),
    ("{{ 10 ** 5000 }}", "乘方"),
    ("{{ (2 ** 4000) * (2 ** 4000) }}", "乘积"),
    ("{% for i in range(10 ** 20) %}{% endfor %}", "range"),
    ('{{ "{:>300000000}".format(1) }}', "宽度"),
    ('{{ "{:{}}".format(1, 10 ** 9) }}', "宽度"),
    ('{{ "%*d" % (10 ** 9, 1) }}', "宽度"),
    ('{{ "x" | center(10 ** 9) }}', "宽度"),
    ('{{ "x".ljust(10 ** 9) }}', "宽度"),
    ('{{ "a\\nb" | indent(10 ** 9) }}', "宽度"),
    ('{{ ("x" * 1000) | replace("", "y" * 100000) }}', "个字符"),
    ('{{ ("x" * 1000).replace("", "y" * 100000) }}', "个字符"),
    ('{{ "-".join(["x" * 1000000] * 11) }}', "个字符"),
    ('{% set a = ["x" * 1000000] * 5 %}{% set b = [a, a, a] %}{{ b }}', "个字符"),
    ("{{ range(10) | sum(start=[]) }}", "数字"),
    ('{{ [1] | batch(10 ** 9, "x") | list }}', "batch"),
    ("{{ [1] | slice(10 ** 9) | list }}", "slice"),
    ("{{ {} | tojson(indent=10 ** 6) }}", "缩进"),
    ("{{ lipsum(10 ** 9) }}", "lipsum"),
    ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "嵌套调用"),
    ("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}", "嵌套调用"),
    ('{% macro m() %}{% for i in range(100000) %}{{ "y" * 5000 }}{% endfor %}{% endmacro %}{{ m() | length }}',
     "一共生成的文字"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "循环和调用"),
    ("{{ [].append(1) }}", "不能改动列表"),
    ("{{ doc.__class__.__mro__ }}", "沙箱不允许访问"),
    ('{{ "{0.__class__.__mro__}".format(1) }}', "沙箱不允许访问"),
])
def test_sandbox_limits(snippet, words):
    started = time.monotonic()
    with pytest.raises(PackError) as raised:
        render_snippet(snippet)
    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert message.startswith("t.html:1: 模板包“demo”的模板 t.html 有误：") and words in message, message
    assert not ENGLISH.search(message), message


def test_sandbox_leaves_ordinary_templates_alone():
    assert render_snippet('{{ "%.2f" | format(100 * 1 / 3) }}|{{ "ab" * 3 }}|{{ 2 ** 10 }}|{{ "a" ~ 1 }}|'
                          "{{ [1, 2] + [3] }}|{{ range(3) | join(',') }}|{{ '{}-{}'.format(1, 2) }}|"
                          "{% for s in doc.sections %}{{ loop.index }}{{ '/' if not loop.last }}{% endfor %}") == (
        "33.33|ababab|1024|a1|[1, 2, 3]|0,1,2|1-2|1/2"
    )


@pytest.mark.parametrize("stem", ["elunchun-2020-neimenggu", "luzhou-2020-sichuan", "xilinhot-2021"])
def test_shipped_templates_render_exactly_as_in_plain_jinja(stem):
    """The limits change nothing in the normal render: the page is byte for byte what Jinja's own sandbox makes."""
    import dataclasses

    from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE

    from generator.pipeline import check_file, document_for, pack_for
    from generator.writers.html import render_text

    checked = check_file(ROOT / "inputs" / f"{stem}.yaml")
    pack = pack_for(checked.report)
    document = document_for(checked.report, pack)
    plain = SandboxedEnvironment(loader=pack.env.loader, autoescape=pack.env.autoescape, trim_blocks=True,
                                 lstrip_blocks=True)
    plain.filters.update({k: v for k, v in pack.env.filters.items() if k not in DEFAULT_FILTERS})
    plain.globals.update({k: v for k, v in pack.env.globals.items() if k not in DEFAULT_NAMESPACE})
    unlimited = dataclasses.replace(pack)
    unlimited.__dict__["env"] = plain  # Pack.env is a cached property
    assert render_text(document, pack) == render_text(document, unlimited)


# --- pack.yaml with nested aliases (billion laughs) ------------------------------------------------------------
LAUGHS = "extends: base\n" + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi")
)


def test_billion_laughs_pack_yaml_is_refused_fast(tmp_path):
    """Needs generator/model/source.py's `load_text` to refuse aliases (it reads every pack.yaml)."""
    folder = make_pack(tmp_path / "packs", "laughs", {"pack.yaml": LAUGHS})
    script = (
        "import sys\nfrom pathlib import Path\nfrom generator.packs import PackError, load_pack, roots_for\n"
        "try:\n    load_pack('laughs', roots_for(Path(sys.argv[1])))\nexcept PackError as exc:\n    print(exc)\n"
        "else:\n    print('loaded')\n"
    )
    try:
        result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "packs")], capture_output=True,
                                text=True, timeout=30, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    except subprocess.TimeoutExpired:
        pytest.fail("a pack.yaml of nested YAML aliases was not refused within 30 s")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert re.search(re.escape(str(folder / "pack.yaml")) + r":\d+: ", result.stdout), result.stdout


# --- templates new into a folder it cannot write ---------------------------------------------------------------
def test_templates_new_under_a_file_is_refused_and_writes_nothing(runner, tmp_path):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for where in (tmp_path / "file.txt" / "sub", tmp_path / "file.txt"):
        result = runner.invoke(app, ["templates", "new", "hulunbuir", "--dir", str(where)])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert "不能在" in result.output and "不是文件夹" in result.output and "未写入任何文件" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_templates_new_into_an_unwritable_folder(runner, tmp_path):
    """/sys refuses new files even to root (tests run as root here, where chmod does not stop writes)."""
    try:
        handle, probe = tempfile.mkstemp(dir="/sys")
    except OSError:
        pass
    else:  # pragma: no cover - a system where /sys is writable
        os.close(handle)
        os.unlink(probe)
        pytest.skip("/sys is writable here")
    for where in ("/sys", "/sys/govreport-test/省模板"):
        result = runner.invoke(app, ["templates", "new", "hulunbuir", "--dir", where])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert f"不能在 {where} 下新建模板包" in result.output and "未写入任何文件" in result.output
    assert not Path("/sys/govreport-test").exists()


def test_templates_new_makes_a_missing_folder_and_leaves_no_staging(runner, tmp_path):
    where = tmp_path / "省模板" / "市"
    result = runner.invoke(app, ["templates", "new", "hulunbuir", "--dir", str(where)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in where.iterdir()) == ["hulunbuir"]
    assert sorted(p.name for p in (where / "hulunbuir").iterdir()) == ["pack.yaml", "report.html"]
    assert pack_named("hulunbuir", where).chain == ["hulunbuir", "base"]


def test_templates_new_failing_midway_leaves_nothing(runner, tmp_path, monkeypatch):
    """A write that fails after the destination was found writable (a full disk): no half pack, no folders made."""
    import errno

    def full_disk(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "rename", full_disk)
    result = runner.invoke(app, ["templates", "new", "hulunbuir", "--dir", str(tmp_path / "省模板" / "市")])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "磁盘已满" in result.output and "未写入任何文件" in result.output
    assert list(tmp_path.iterdir()) == []


def test_include_through_a_symlinked_folder_is_refused_at_its_line(runner, tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.html").write_text("不该出现在报告里", encoding="utf-8")
    folder = make_pack(tmp_path / "packs", "linked", {"pack.yaml": "extends: base\n",
                                                      "report.html": in_header('{% include "sub/secret.html" %}')})
    (folder / "sub").symlink_to(tmp_path / "outside", target_is_directory=True)
    source = tmp_path / "report.yaml"
    source.write_text(input_for("linked"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--templates", str(tmp_path / "packs")])
    assert result.exit_code == 1 and f"{folder / 'report.html'}:2:" in result.output and "目录之外" in result.output
    assert "不该出现" not in result.output and "Traceback" not in result.output
