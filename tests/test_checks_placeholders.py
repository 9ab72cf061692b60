"""Narrative placeholders: filled from the tables in HTML, DOCX and PDF alike; anything but a known name is refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.checks import check
from generator.model.placeholders import placeholders, values
from generator.model.scaffold import scaffold
from generator.packs.filling import fill
from generator.pipeline import check_file, document_for, pack_for, render_document
from generator.readers.yaml import load, load_string
from readback import docx_document, html_text, pdf_pages, squash

ROOT = Path(__file__).resolve().parent.parent
LUZHOU = (ROOT / "inputs" / "luzhou-2020.yaml").read_text(encoding="utf-8")
SENTENCE = "全市各级行政机关答复政府信息公开申请376件，其余22件转下年度继续办理。"
WITH_PLACEHOLDERS = (
    "全市各级行政机关答复政府信息公开申请{{ 办结 }}件，其余{{结转下年度}}件转下年度继续办理。已办结的申请中，"
    "予以公开{{ 予以公开 }}件、占{{ 予以公开占比 }}；行政复议{{ 行政复议 }}件，行政诉讼{{ 行政诉讼 }}件。"
)
FILLED = (
    "全市各级行政机关答复政府信息公开申请376件，其余22件转下年度继续办理。"
    "已办结的申请中，予以公开126件、占33.5%；行政复议46件，行政诉讼27件。"
)


def _with_problems_text(body: str) -> str:
    """luzhou-2020.yaml with part 五 replaced by `body` (one line)."""
    start = LUZHOU.index("  problems: |\n")
    end = LUZHOU.index("  # 种子“六、")
    return LUZHOU[:start] + "  problems: |\n    存在的问题：公开形式有待丰富。\n\n    " + body + "\n" + LUZHOU[end:]


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_values_from_luzhou_tables():
    known = values(load(ROOT / "inputs" / "luzhou-2020.yaml").report)
    assert {k: known[k] for k in ("本年新收", "上年结转", "申请总数", "办结", "结转下年度", "予以公开", "予以公开占比",
                                  "部分公开占比", "无法提供占比", "行政复议", "行政诉讼", "行政诉讼结果维持")} == {
        "本年新收": "380", "上年结转": "18", "申请总数": "398", "办结": "376", "结转下年度": "22", "予以公开": "126",
        "予以公开占比": "33.5%", "部分公开占比": "7.2%", "无法提供占比": "48.4%", "行政复议": "46", "行政诉讼": "27",
        "行政诉讼结果维持": "17",
    }


def test_placeholders_render_identically_in_html_docx_and_pdf(tmp_path):
    path = tmp_path / "luzhou-2020.yaml"
    path.write_text(_with_problems_text(WITH_PLACEHOLDERS), encoding="utf-8")
    checked = check_file(path)
    assert checked.ok and [f for f in checked.findings if f.rule.startswith("TEXT-")] == []
    pack = pack_for(checked.report)
    out = render_document(document_for(checked.report, pack), pack, ("html", "docx", "pdf"))
    html = squash(html_text(out["html"]))
    docx = squash("".join(p.text for p in docx_document(out["docx"]).paragraphs))
    pdf = squash("".join(pdf_pages(out["pdf"])))
    for name, text in (("html", html), ("docx", docx), ("pdf", pdf)):
        assert squash(FILLED) in text, name
        assert "{{" not in text and "}}" not in text, name


@pytest.mark.parametrize("tag", ["{{ 7*7 }}", "{{ ''.__class__ }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
                                 "{{ cycler.__init__.__globals__ }}", "{{ 办结|length }}", "{{ 办结() }}"])
def test_expressions_are_refused_not_executed(tag, tmp_path):
    text = _with_problems_text(f"测试{tag}结束。")
    loaded = load_string(text, file="luzhou.yaml")
    errors = [f for f in check(loaded) if f.is_error]
    assert [f.rule for f in errors] == ["TEXT-PLACEHOLDER"]
    (error,) = errors
    assert error.line == _line_of(text, "测试{{") and error.key == "text.problems"
    assert error.part == "五、存在的主要问题及改进情况" and "已拒绝" in error.message
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    assert not check_file(path).ok  # render refuses it like any error
    # even a document built without checking shows the text as typed: nothing was evaluated
    document = document_for(loaded.report)
    (paragraph,) = [b for s in document.sections if s.id == "problems" for b in s.blocks if "测试" in b.text]
    assert paragraph.text == f"测试{tag}结束。"


def test_statements_and_imports_are_refused():
    for tag in ('{% import "os" as os %}', "{% for x in range(3) %}x{% endfor %}", "{# 注释 #}"):
        filled, problems = fill(f"前{tag}后", {"办结": "1"})
        assert filled == f"前{tag}后" and len(problems) >= 1 and "不能写模板语句" in problems[0].message


def test_unknown_placeholder_lists_the_known_ones():
    text = _with_problems_text("本年予以公开{{ 公开件数 }}件。")
    (error,) = [f for f in check(load_string(text, file="x.yaml")) if f.is_error]
    assert error.rule == "TEXT-PLACEHOLDER" and "公开件数" in error.message
    for name in ("本年新收", "上年结转", "办结", "结转下年度", "予以公开", "予以公开占比", "行政复议", "行政诉讼"):
        assert name in error.message


def test_unclosed_placeholder_is_an_error_with_its_line():
    text = _with_problems_text("第一句。\n\n    本年办结{{ 办结 件。")
    (error,) = [f for f in check(load_string(text, file="x.yaml")) if f.is_error]
    assert error.rule == "TEXT-PLACEHOLDER" and error.line == _line_of(text, "本年办结{{")


def test_format_specific_placeholders():
    assert "现行有效" not in "".join(placeholders("2019")) and "规章现行有效件数" in placeholders("2021")
    assert "规章对外公开总数量" in placeholders("2019") and "实收信息处理费" not in placeholders("2019")


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_scaffold_lists_every_placeholder(fmt):
    text = scaffold(2021 if fmt == "2021" else 2020, "某某镇人民政府", "government", fmt)
    comment = "".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for name in placeholders(fmt):
        assert name in comment, name


@pytest.mark.parametrize("tag", ['{{ "x" * 10**9 }}', "{{ 10 ** 5000 }}", "{{ 1" + "0" * 4400 + " }}",
                                 "{% for i in range(10**9) %}x{% endfor %}", '{{ "%0999999999d" % 1 }}',
                                 "{{ 办结 ~ 办结 * 999999999 }}", "{{ lipsum(10**9) }}"])
def test_huge_expressions_are_refused_fast(tag):
    """The narrative is refused before anything is computed: no time, no memory, a located Chinese problem."""
    text = _with_problems_text(f"测试{tag}结束。")
    started = time.monotonic()
    loaded = load_string(text, file="luzhou.yaml")
    errors = [f for f in check(loaded) if f.is_error]
    assert time.monotonic() - started < 5
    assert errors and {f.rule for f in errors} == {"TEXT-PLACEHOLDER"}
    assert errors[0].line == _line_of(text, "测试") and (
        "已拒绝" in errors[0].message or "不能写模板语句" in errors[0].message
    )


def test_narrative_sandbox_has_the_pack_limits():
    """Second and third lines of defence: even what passed the name check renders in the limited sandbox."""
    from generator.packs import LimitedSandbox
    from generator.packs import filling as narrative

    assert isinstance(narrative._ENV, LimitedSandbox)
    assert fill("{{ 办结 }}件{{ 办结", {"办结": "1"})[1][0].message.startswith(
        "占位符写法有误（如缺少“}}”）：模板语法错误"
    )
    template = narrative._ENV.from_string("{{ a }}")
    big = "长" * 6_000_000
    filled, problems = fill("{{ 甲 }}{{ 甲 }}", {"甲": big})
    assert filled == "{{ 甲 }}{{ 甲 }}" and "超过" in problems[0].message  # 12 M characters of output: refused
    assert template.render(a="x") == "x"
