"""The model and its labels: forms.py carries exactly the official labels of format.md; inputs load with the line of
every key; `govreport init` writes a scaffold with every key and its official label that checks clean once filled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from builders import base_report, dump
from generator.checks import check
from generator.cli import app
from generator.model import forms
from generator.readers.yaml import load, load_string
from official import (
    ACTIVE,
    APPLICANTS,
    CORNER,
    ITEM_HEADER,
    PARTS,
    RESULTS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    application_rows,
)

FORMAT_MD = Path("/work/shared/spec/format.md")


# --- forms.py against the hand-copied labels -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_forms_application_rows_are_official(fmt):
    got = [(row.path, row.group, row.label, row.kind) for row in forms.APPLICATION_ROWS[fmt]]
    assert got == application_rows(fmt)
    assert len(got) == (25 if fmt == "2021" else 23)


def test_forms_columns_and_parts_are_official():
    assert forms.PARTS == PARTS
    assert forms.APPLICANT_COLUMNS == APPLICANTS
    assert forms.APPLICATION_COLUMNS == APPLICANTS + ("总计",)
    assert forms.APPLICATIONS_CORNER == CORNER
    assert forms.RESULTS_LABEL == RESULTS
    assert forms.REVIEW_OUTCOMES == REVIEW_OUTCOMES
    assert [(g.key, g.label) for g in forms.REVIEW_GROUPS] == list(REVIEW_GROUPS)
    assert forms.ACTIVE_ITEM_HEADER == ITEM_HEADER


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_forms_active_blocks_are_official(fmt):
    got = [
        (block.caption, [(c.field, c.label, c.span) for c in block.columns], list(block.rows))
        for block in forms.ACTIVE_BLOCKS[fmt]
    ]
    assert got == ACTIVE[fmt]


@pytest.mark.skipif(not FORMAT_MD.exists(), reason="the shared spec is not on this machine")
def test_hand_copied_labels_stand_in_format_md():
    """The tests' oracle itself is checked against the spec text, so neither can drift."""
    spec = FORMAT_MD.read_text(encoding="utf-8")
    labels = {*PARTS, CORNER, RESULTS, *APPLICANTS, *REVIEW_OUTCOMES, "申请人情况", "法人或其他组织", "行政诉讼"}
    labels |= {label for _key, label in REVIEW_GROUPS}
    for fmt in ("2021", "2019"):
        labels |= {label for _p, _g, label, _k in application_rows(fmt)}
        labels |= {g for _p, g, _l, _k in application_rows(fmt) if g}
        for caption, columns, rows in ACTIVE[fmt]:
            labels |= {caption} | {label for _k, label in rows}
            labels |= {label for _f, label, _s in columns if "单位" not in label}
    missing = sorted(label for label in labels if label not in spec)
    assert missing == []


# --- loading ----------------------------------------------------------------------------------------------------
def test_every_input_loads_with_lines(input_path):
    loaded = load(input_path)
    assert loaded.report is not None, [f.format() for f in loaded.findings]
    text = input_path.read_text(encoding="utf-8").splitlines()
    for key in ("year", "agency", "date"):
        assert text[loaded.source.line_of((key,)) - 1].startswith(f"{key}:")
    line = loaded.source.line_of(("applications", "new", 3))
    assert text[line - 1].lstrip().startswith("new:")


def test_decimals_kept_as_typed():
    data = base_report("2021")
    text = dump(data).replace("fees: 0", "fees: 81123.958785")
    loaded = load_string(text)
    assert loaded.report.active.fees == Decimal("81123.958785")


def test_leading_zero_is_decimal_not_octal():
    text = dump(base_report("2021")).replace("licensing: 0", "licensing: 017")
    assert load_string(text).report.active.licensing == 17


def test_format_from_year_and_number():
    data = base_report("2019")
    del data["format"]
    assert load_string(dump(data)).report.format == "2019"
    data = base_report("2021")
    data["format"] = 2021
    assert load_string(dump(data)).report.format == "2021"


def test_signed_change_may_be_negative_in_2019():
    data = base_report("2019")
    data["active"]["licensing"]["change"] = -51
    loaded = load_string(dump(data))
    assert loaded.report is not None and loaded.report.active.licensing.change == -51


def test_rows_left_out_count_as_zero():
    data = base_report("2021")
    data["applications"] = {"new": [1, 0, 0, 0, 0, 0], "disclosed": [1, 0, 0, 0, 0, 0]}
    loaded = load_string(dump(data))
    assert [f.format() for f in check(loaded) if f.is_error] == []


# --- init -------------------------------------------------------------------------------------------------------
def _fill(text: str) -> str:
    out = []
    for line in text.splitlines():
        out.append(line)
        stripped = line.split("#")[0].rstrip()
        if stripped in ("  overview: |", "  problems: |", "  other: |"):
            out.append("    本年度按规定公开政府信息，存在的问题已逐项整改；工作考核、社会评议和责任追究按要求开展。")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("kind", ["government", "department"])
def test_init_scaffold(runner, tmp_path, fmt, kind):
    year = 2024 if fmt == "2021" else 2020
    target = tmp_path / "report.yaml"
    result = runner.invoke(
        app, ["init", str(target), "--year", str(year), "--agency", "某某镇人民政府", "--kind", kind, "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()
    data = yaml.safe_load(text)  # valid YAML
    assert data["format"] == fmt and data["year"] == year and data["kind"] == kind

    # every key is there, each with its official label as a comment
    for path, group, label, kind_ in application_rows(fmt):
        if kind_ == "total":
            assert "# total:" in text and "（七）总计" in text
            continue
        line = next(s for s in lines if s.lstrip().startswith(f"{path[-1]}:") and label in s)
        assert line.split("#")[1].strip() == label
        if group:
            assert any(s.lstrip().startswith(f"{path[0]}:") and group in s for s in lines)
    for caption, columns, rows in ACTIVE[fmt]:
        assert caption in text
        for key, label in rows:
            assert any(s.lstrip().startswith(f"{key}:") and s.rstrip().endswith(f"# {label}") for s in lines)
        for _field, label, _span in columns:
            assert label in text
    for key, label in REVIEW_GROUPS:
        assert any(s.lstrip().startswith(f"{key}:") and label in s for s in lines)
    for outcome in REVIEW_OUTCOMES:
        assert outcome in text
    for column in APPLICANTS:
        assert column in text
    for key in ("format", "year", "agency", "kind", "issuer", "date", "template", "contact"):
        assert key in data
    assert set(data["text"]) >= {"preface", "overview", "problems", "other"}
    assert ("fee_notices" in data) == (fmt == "2021")

    # unfilled: the narrative is missing; filled: it checks clean
    assert runner.invoke(app, ["check", str(target)]).exit_code == 1
    target.write_text(_fill(text), encoding="utf-8")
    result = runner.invoke(app, ["check", str(target)])
    assert result.exit_code == 0, result.output
    loaded = load(target)
    assert [f.format() for f in check(loaded) if f.is_error] == []


def test_init_to_stdout_is_the_same_scaffold(runner, tmp_path):
    target = tmp_path / "a.yaml"
    runner.invoke(app, ["init", str(target), "--year", "2021", "--agency", "甲"])
    result = runner.invoke(app, ["init", "--year", "2021", "--agency", "甲"])
    assert result.exit_code == 0
    assert result.stdout == target.read_text(encoding="utf-8")


def test_init_refuses_to_overwrite(runner, tmp_path):
    target = tmp_path / "report.yaml"
    target.write_text("# 已经填好的报告\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target), "--year", "2021"])
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "# 已经填好的报告\n"
    result = runner.invoke(app, ["init", str(target), "--year", "2021", "--force"])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("#") and "applications:" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["report.yaml"]


@pytest.mark.parametrize("args", [["--kind", "乡镇"], ["--format", "2020"], ["--year", "1999"]])
def test_init_bad_options_are_usage_errors(runner, tmp_path, args):
    base = ["init", str(tmp_path / "x.yaml"), "--year", "2021"]
    result = runner.invoke(app, base + args)
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    "typed, says",
    [
        ("８", "“８”是全角数字：请改为半角数字 8"),
        ("１２", "“１２”是全角数字：请改为半角数字 12"),
        ("08", "“08”前面多了 0：请写 8"),
        ("'7'", "“7”加了引号，是文字：请去掉引号，写 7"),
        ("1" * 40, "数值过大"),
        ("七", "应为整数，而不是“七”"),
    ],
)
def test_a_number_kept_as_text_says_what_to_type(typed, says):
    """What a clerk types that YAML keeps as text — full-width digits (an input method in full-width mode), a leading
    zero, quotes — is a located error that says what to type instead; nothing is changed silently."""
    text = (Path(__file__).resolve().parent.parent / "inputs" / "xilinhot-2021.yaml").read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if row.startswith("  new:"))
    bad = text.replace(line, line.replace("[8,", f"[{typed},", 1))
    loaded = load_string(bad, "t.yaml")
    errors = [f for f in loaded.findings if f.is_error]
    assert len(errors) == 1 and says in errors[0].message and errors[0].column == "自然人", errors
    assert errors[0].line == bad.splitlines().index(line.replace("[8,", f"[{typed},", 1)) + 1


@pytest.mark.parametrize(
    "key", ["year", "applications.withheld.third_party[2]", "reviews.reconsideration[4]", "text.overview.active"]
)
def test_a_key_reads_back_as_its_path_and_is_written_there(key):
    """labels.key_path is the inverse of labels.dotted, and source.set_at writes where source.value_at reads,
    making the mappings and lists on the way (the workbook reader, the audit and import all write through it)."""
    from generator.model.labels import dotted, key_path
    from generator.model.source import set_at, value_at

    path = key_path(key)
    assert dotted(path) == key
    data: dict = {}
    set_at(data, path, 7)
    assert value_at(data, path) == 7
    if isinstance(path[-1], int):
        assert len(value_at(data, path[:-1])) == path[-1] + 1  # lengthened with None up to the index
