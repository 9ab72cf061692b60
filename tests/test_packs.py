"""Template packs, read back from the produced files: each shipped pack's differences show in HTML, DOCX and PDF while
the tables stay exactly as base renders them; `templates new` renders as-is, and its preface, extra section, signature
and style overrides, once edited, reach all three formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.cli import app
from readback import docx_document, docx_grid, html_tables, html_text, pdf_pages, squash

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)


# --- helpers: render through the CLI, read every format back ----------------------------------------------------
def render(runner, tmp_path: Path, name: str, text: str, *extra: str) -> dict[str, object]:
    """Write `text` as <name>.yaml, `govreport render` it, and return the three outputs read back."""
    source = tmp_path / f"{name}.yaml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / f"out-{name}"
    result = runner.invoke(app, ["render", str(source), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return read_outputs(out, name)


def read_outputs(out: Path, name: str) -> dict[str, object]:
    html = (out / f"{name}.html").read_bytes()
    docx = docx_document((out / f"{name}.docx").read_bytes())
    pdf = "\n".join(pdf_pages((out / f"{name}.pdf").read_bytes()))
    return {
        "html": squash(html_text(html)),
        "docx": squash("".join(p.text for p in docx.paragraphs)),
        "pdf": squash(pdf),
        "html_raw": html.decode("utf-8"),
        "docx_doc": docx,
        "pdf_raw": pdf,
        "html_tables": html_tables(html),
    }


def assert_everywhere(outputs: dict, *phrases: str) -> None:
    for phrase in phrases:
        for fmt in ("html", "docx", "pdf"):
            assert squash(phrase) in outputs[fmt], f"{fmt} lacks {phrase!r}"


def assert_nowhere(outputs: dict, *phrases: str) -> None:
    for phrase in phrases:
        for fmt in ("html", "docx", "pdf"):
            assert squash(phrase) not in outputs[fmt], f"{fmt} still has {phrase!r}"


def pdf_tables_text(pdf: str) -> str:
    """The PDF text of parts 二 to 四 (the three tables), page numbers removed."""
    text = PAGE_NUMBER.sub("", pdf)
    start, end = text.index("二、主动公开政府信息情况"), text.index("五、存在的主要问题及改进情况")
    return squash(text[start:end])


def assert_tables_equal(pack: dict, base: dict) -> None:
    assert pack["html_tables"] == base["html_tables"]
    assert len(pack["html_tables"]) == 3
    pack_docx = [docx_grid(t)[0] for t in pack["docx_doc"].tables]
    base_docx = [docx_grid(t)[0] for t in base["docx_doc"].tables]
    assert pack_docx == base_docx and len(pack_docx) == 3
    assert pdf_tables_text(pack["pdf_raw"]) == pdf_tables_text(base["pdf_raw"])
    assert re.search(r"\d", pdf_tables_text(pack["pdf_raw"]))


def with_template(text: str, template: str) -> str:
    new, count = re.subn(r"^template: \S+", f"template: {template}", text, count=1, flags=re.M)
    if not count:
        new = re.sub(r"^(date: .*)$", rf"\1\ntemplate: {template}", text, count=1, flags=re.M)
    return new


def without_sections(text: str) -> str:
    return re.sub(r"\n  sections:\n(?:(?:    .*)?\n)*", "\n", text)


# --- the shipped packs ------------------------------------------------------------------------------------------
NEIMENGGU = INPUTS / "elunchun-2020-neimenggu.yaml"
SICHUAN = INPUTS / "luzhou-2020-sichuan.yaml"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """Each shipped pack's input rendered with its pack and, for comparison, with base."""
    from typer.testing import CliRunner

    runner, tmp = CliRunner(), tmp_path_factory.mktemp("shipped")
    neimenggu = NEIMENGGU.read_text(encoding="utf-8")
    sichuan = SICHUAN.read_text(encoding="utf-8")
    return {
        "neimenggu": render(runner, tmp, "nm", neimenggu),
        "neimenggu-base": render(runner, tmp, "nm-base", with_template(neimenggu, "base")),
        "sichuan": render(runner, tmp, "sc", sichuan),
        "sichuan-base": render(runner, tmp, "sc-base", without_sections(with_template(sichuan, "base"))),
    }


def test_neimenggu_differences_in_all_formats(shipped):
    pack, base = shipped["neimenggu"], shipped["neimenggu-base"]
    # preface citing 自治区 requirements, contact block on separate lines, 落款 of the 政务公开领导小组办公室
    assert_everywhere(pack, "和自治区有关工作要求，编制本报告并向社会公开。", "联系电话：0470—5621203",
                      "如对本报告有任何疑问，请与鄂伦春自治旗政务公开领导小组办公室联系。",
                      "鄂伦春自治旗政务公开领导小组办公室2021年2月19日")
    assert_nowhere(base, "和自治区有关工作要求", "联系电话：", "鄂伦春自治旗政务公开领导小组办公室2021年2月19日")
    assert_everywhere(base, "鄂伦春自治旗2021年2月19日")
    # the contact lines are paragraphs of their own in DOCX (not one run-on sentence)
    assert "联系电话：0470—5621203" in [p.text for p in pack["docx_doc"].paragraphs]


def test_sichuan_differences_in_all_formats(shipped):
    pack, base = shipped["sichuan"], shipped["sichuan-base"]
    assert_everywhere(pack, "2020年泸州市政府信息公开工作年度报告", "DB51/T 2660—2019",
                      "（一）人大代表建议和政协提案办理结果公开情况",
                      "全市公开人大代表建议和答复385件、政协提案和答复565件。")
    assert_nowhere(
        base, "2020年泸州市政府信息公开工作年度报告", "DB51/T", "（一）人大代表建议和政协提案办理结果公开情况"
    )
    assert_everywhere(base, "泸州市2020年政府信息公开工作年度报告")
    # the extra section is a second-level heading inside 六, after its text; the official headings stay verbatim
    headings = [p.text for p in pack["docx_doc"].paragraphs if p.style.name.startswith("Heading")]
    assert headings[-2:] == ["六、其他需要报告的事项", "（一）人大代表建议和政协提案办理结果公开情况"]
    assert [h for h in headings if re.match(r"^[一二三四五六]、", h)] == [
        h for h in (p.text for p in base["docx_doc"].paragraphs if p.style.name.startswith("Heading"))
        if re.match(r"^[一二三四五六]、", h)
    ]


@pytest.mark.parametrize("pack", ["neimenggu", "sichuan"])
def test_shipped_pack_tables_unchanged(shipped, pack):
    assert_tables_equal(shipped[pack], shipped[f"{pack}-base"])


def test_templates_list_shows_chains(runner):
    result = runner.invoke(app, ["templates", "list"])
    assert result.exit_code == 0, result.output
    assert "继承链：neimenggu → base" in result.output
    assert "继承链：sichuan → base" in result.output
    assert "text.sections.proposals（人大代表建议和政协提案办理结果公开情况，必填" in result.output


def test_sichuan_required_section_enforced(runner, tmp_path):
    bad = tmp_path / "luzhou.yaml"
    bad.write_text(without_sections(SICHUAN.read_text(encoding="utf-8")), encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "[PACK-SECTION-REQUIRED]" in result.output
    assert "四川省" in result.output and "人大代表建议和政协提案办理结果公开情况" in result.output
    assert "text.sections.proposals" in result.output
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", str(bad), "-o", str(out)]).exit_code == 1
    assert not out.exists() or not any(out.iterdir())


# --- `templates new`: the skeleton renders as-is, and each edited override shows everywhere ---------------------
def uncomment(text: str, key: str) -> str:
    """Remove the "# " of a commented setting block in a skeleton pack.yaml, as a user would."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  # {key}:"))
    i = start
    while i < len(lines) and lines[i].startswith("  # ") and (i == start or lines[i].startswith("  #   ")):
        lines[i] = "  " + lines[i][4:]
        i += 1
    return "\n".join(lines)


@pytest.fixture
def skeleton(runner, tmp_path):
    folder = tmp_path / "packs"
    result = runner.invoke(app, ["templates", "new", "demo", "--extends", "base", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def demo_input() -> str:
    """A report without its own preface or issuer, with contact details: every pack wording shows."""
    return with_template(NEIMENGGU.read_text(encoding="utf-8"), "demo")


def test_new_pack_renders_as_is(runner, tmp_path, skeleton, demo_input):
    text = (skeleton / "demo" / "pack.yaml").read_text(encoding="utf-8")
    assert "extends: base" in text
    for key in ("title", "preface", "contact", "signature", "sections", "fonts", "sizes", "page", "date_format"):
        assert f"  # {key}:" in text, key
    html = (skeleton / "demo" / "report.html").read_text(encoding="utf-8")
    for block in ("extra_css", "header", "preface", "sections", "signature"):
        assert block in html
    demo = render(runner, tmp_path, "demo", demo_input, "--templates", str(skeleton))
    base = render(runner, tmp_path, "base", with_template(demo_input, "base"))
    for fmt in ("html", "docx", "pdf"):
        assert demo[fmt] == base[fmt], fmt
    assert_tables_equal(demo, base)


def test_edited_overrides_show_in_all_formats(runner, tmp_path, skeleton, demo_input):
    pack_yaml = skeleton / "demo" / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    for key in ("preface", "signature", "sections", "sizes", "page", "title"):
        text = uncomment(text, key)
    text = text.replace(
        "本报告根据《中华人民共和国政府信息公开条例》",
        "（测试前言）本报告根据{{ agency }}的要求和《中华人民共和国政府信息公开条例》",
        1,
    )
    text = text.replace('issuer: "{{ signer }}"', 'issuer: "{{ agency }}政务公开办公室（测试落款）"', 1)
    text = text.replace('title: "{{ agency }}{{ year }}年', 'title: "{{ agency }}{{ year }}年度（测试标题）', 1)
    text = text.replace("    body: 16\n", "    body: 15\n", 1).replace(
        "    margin_left: 28\n", "    margin_left: 30\n", 1
    )
    pack_yaml.write_text(text, encoding="utf-8")
    source = demo_input.replace(
        "text:\n", "text:\n  sections:\n    proposals: |\n      测试附加章节：本年度办理人大代表建议12件。\n", 1
    )
    demo = render(runner, tmp_path, "demo", source, "--templates", str(skeleton))
    assert_everywhere(
        demo,
        "（测试前言）本报告根据鄂伦春自治旗的要求",
        "鄂伦春自治旗2020年度（测试标题）政府信息公开工作年度报告",
        "（一）人大代表建议和政协提案办理结果公开情况",
        "测试附加章节：本年度办理人大代表建议12件。",
        "（二）年度政务公开工作要点落实情况",  # the example's second section, from its default text
        "2020年，本机关按照年度政务公开工作要点逐项落实。",
        "鄂伦春自治旗政务公开办公室（测试落款）2021年2月19日",
        "请与鄂伦春自治旗政务公开办公室（测试落款）联系",  # the contact sentence names the same signer
    )
    # style settings reach the DOCX skeleton and the HTML/PDF stylesheet
    docx = demo["docx_doc"]
    assert docx.styles["Normal"].font.size.pt == 15
    assert round(docx.sections[0].left_margin.mm) == 30
    assert "font-size: 15pt" in demo["html_raw"]
    assert re.search(r"margin: 37mm 26mm 35mm 30mm", demo["html_raw"])
    base = render(runner, tmp_path, "base", with_template(demo_input, "base"))
    assert_tables_equal(demo, base)


def test_required_section_of_new_pack(runner, tmp_path, skeleton, demo_input):
    pack_yaml = skeleton / "demo" / "pack.yaml"
    pack_yaml.write_text(uncomment(pack_yaml.read_text(encoding="utf-8"), "sections"), encoding="utf-8")
    source = tmp_path / "demo.yaml"
    source.write_text(demo_input, encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--templates", str(skeleton), "--json"])
    assert result.exit_code == 1
    finding = next(f for f in json.loads(result.stdout) if f["rule"] == "PACK-SECTION-REQUIRED")
    assert "模板包“demo”（demo）要求填写章节“人大代表建议和政协提案办理结果公开情况”" in finding["message"]
    assert finding["part"] == "六、其他需要报告的事项"
    assert finding["key"] == "text.sections.proposals"
    assert finding["line"] == demo_input.split("\n").index("text:") + 1  # no text.sections: the line of `text`
    # a section the pack does not declare is refused, so its text is never silently dropped
    source.write_text(
        demo_input.replace("text:\n", "text:\n  sections:\n    proposals: 有\n    budget: 无\n", 1), encoding="utf-8"
    )
    result = runner.invoke(app, ["check", str(source), "--templates", str(skeleton)])
    assert result.exit_code == 1
    assert "[PACK-SECTION-UNKNOWN]" in result.output and "“budget”" in result.output
    assert "[PACK-SECTION-REQUIRED]" not in result.output


def test_new_refuses_bad_names_and_existing(runner, tmp_path):
    for name in ("../evil", "/tmp/evil", "a/b", "base", ".hidden"):
        result = runner.invoke(app, ["templates", "new", name, "--dir", str(tmp_path)])
        assert result.exit_code == 2, (name, result.output)
    assert runner.invoke(app, ["templates", "new", "ok", "--dir", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "ok" / "pack.yaml").read_bytes()
    result = runner.invoke(app, ["templates", "new", "ok", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "已存在" in result.output
    assert (tmp_path / "ok" / "pack.yaml").read_bytes() == before
    result = runner.invoke(app, ["templates", "new", "x", "--extends", "../base", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "不合法" in result.output
    assert not (tmp_path / "x").exists()
