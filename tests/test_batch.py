"""`govreport batch`: a mixed folder gives exactly the expected outputs and summary; an interrupted batch resumed
gives the same result as an uninterrupted one; current outputs are skipped; clashing output names are refused."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.batch.runner import MANIFEST
from generator.batch.synth import townships, write_townships
from generator.cli import app
from readback import docx_document, html_tables

ROOT = Path(__file__).resolve().parent.parent
GOVREPORT = [sys.executable, "-m", "generator"]


def _summary(out: Path) -> list[dict]:
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "summary.csv must start with a UTF-8 byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _files(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name != MANIFEST}


def _new_total(yaml_text: str) -> int:
    from generator.readers.yaml import load_string

    report = load_string(yaml_text).report
    return sum(report.applications.new) + sum(report.applications.carried_over)


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Three valid townships (one with markup in its name), one invalid, one GBK-encoded, one broken YAML,
    one dangling symlink, and a file that is not YAML (ignored)."""
    folder = tmp_path / "in"
    folder.mkdir()
    units = townships(3, seed=7)
    for stem, text in units:
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    marked = (folder / "unit-0003.yaml").read_text(encoding="utf-8")
    agency = marked.split('agency: "', 1)[1].split('"', 1)[0]
    (folder / "unit-0003.yaml").write_text(marked.replace(agency, "<script>alert(1)</script>&镇", 1), encoding="utf-8")
    bad = re.sub(r"carried_forward: \[(\d+)", lambda m: f"carried_forward: [{int(m.group(1)) + 7}", units[0][1])
    assert bad != units[0][1]
    (folder / "sub").mkdir()
    (folder / "sub" / "invalid.yaml").write_text(bad, encoding="utf-8")
    (folder / "gbk.yaml").write_bytes("year: 2025\nagency: 某镇人民政府\n".encode("gb18030"))
    (folder / "broken.yaml").write_text("year: [2025\nagency: x\n", encoding="utf-8")
    os.symlink(folder / "nowhere.yaml", folder / "dangling.yaml")
    (folder / "notes.txt").write_text("not an input", encoding="utf-8")
    return folder


def test_mixed_folder_outputs_and_summary(runner, mixed, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(mixed), "-o", str(out), "--jobs", "2", "--to", "html,docx,pdf"])
    assert result.exit_code == 1, result.output
    valid = ["unit-0001", "unit-0002", "unit-0003"]
    assert _files(out) == {f"{stem}.{fmt}" for stem in valid for fmt in ("html", "docx", "pdf")} | {
        "index.html",
        "summary.csv",
    }
    rows = {row["单位"]: row for row in _summary(out)}
    assert set(rows) == set(valid) | {"invalid", "gbk", "broken", "dangling"}
    for stem in valid:
        assert rows[stem]["status"] in ("ok", "warning")
        assert rows[stem]["输出文件"] == f"{stem}.html {stem}.docx {stem}.pdf"
    for stem in ("invalid", "gbk", "broken", "dangling"):
        assert rows[stem]["status"] == "failed" and int(rows[stem]["错误数"]) >= 1 and rows[stem]["输出文件"] == ""
    assert "T3-BALANCE" in rows["invalid"]["问题"] and "invalid.yaml:" in rows["invalid"]["问题"]
    assert "UTF-8" in rows["gbk"]["问题"]
    assert "broken.yaml:1" in rows["broken"]["问题"] or "broken.yaml:2" in rows["broken"]["问题"]
    assert "文件不存在" in rows["dangling"]["问题"]
    # every unit listed in index.html, markup escaped, outputs linked
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;镇" in page
    for stem in valid:
        assert f'href="{stem}.pdf"' in page
    assert "T3-BALANCE" in page and page.count("<tr class=") == 7
    # the outputs carry the unit's own figures
    for stem, text in townships(2, seed=7):
        table = html_tables((out / f"{stem}.html").read_bytes())["table-applications"]
        cells = {cell["key"]: cell["text"] for row in table for cell in row if cell["key"]}
        new, carried = cells["applications.new[6]"], cells["applications.carried_over[6]"]
        assert int(new) + int(carried) == _new_total(text)
        document = docx_document((out / f"{stem}.docx").read_bytes())
        assert [c.text for c in document.tables[1].rows[3].cells][-1] == new
    assert (out / "unit-0001.pdf").read_bytes().startswith(b"%PDF")


def test_clashing_output_names_refused_before_anything_is_written(runner, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _stem, text = townships(1, seed=2)[0]
    (tmp_path / "a" / "town.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b" / "Town.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)])
    assert result.exit_code == 1
    assert "同名" in result.output and not out.exists()
    (tmp_path / "b" / "Town.yaml").rename(tmp_path / "b" / "index.yaml")
    result = runner.invoke(app, ["batch", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)])
    assert result.exit_code == 1 and "index.html" in result.output and not out.exists()


def test_current_outputs_skipped_changed_unit_rerendered(runner, tmp_path):
    folder = tmp_path / "in"
    write_townships(folder, 4, seed=11)
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(out), "--jobs", "2", "--to", "html,docx"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "本次生成 4，已是最新而跳过 0" in first.output
    before = (out / "unit-0002.docx").stat().st_mtime_ns
    again = runner.invoke(app, args)
    assert "本次生成 0，已是最新而跳过 4" in again.output
    assert (out / "unit-0002.docx").stat().st_mtime_ns == before
    changed = folder / "unit-0003.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("本年度未收取", "本年度没有收取"), encoding="utf-8")
    (out / "unit-0004.html").unlink()  # a deleted output is rendered again
    third = runner.invoke(app, args)
    assert "本次生成 2，已是最新而跳过 2" in third.output
    assert "本年度没有收取" in (out / "unit-0003.html").read_text(encoding="utf-8")
    forced = runner.invoke(app, args + ["--force"])
    assert "本次生成 4，已是最新而跳过 0" in forced.output


def test_interrupted_batch_resumed_equals_uninterrupted(tmp_path):
    folder = tmp_path / "in"
    write_townships(folder, 12, seed=5)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    base = ["batch", str(folder), "--jobs", "2", "--to", "html,docx,pdf"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(GOVREPORT + base + ["-o", str(whole)], check=True, capture_output=True, env=env, cwd=ROOT)

    process = subprocess.Popen(GOVREPORT + base + ["-o", str(cut)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cut.glob("*.pdf"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the runner, its fork server and its workers, all at once
    process.wait()
    assert 3 <= len(list(cut.glob("*.pdf"))) < 12, "the batch was not cut mid-way"
    assert not (cut / "index.html").exists()

    resumed = subprocess.run(GOVREPORT + base + ["-o", str(cut)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert resumed.returncode == 0, resumed.stderr
    skipped = int(resumed.stderr.split("已是最新而跳过 ")[1].split("。")[0])
    assert skipped >= 1, resumed.stderr
    assert _files(cut) == _files(whole)
    assert not list(cut.glob(".*.part"))
    assert (cut / "summary.csv").read_bytes() == (whole / "summary.csv").read_bytes()
    assert (cut / "index.html").read_bytes() == (whole / "index.html").read_bytes()
    for name in _files(whole):
        if name.endswith((".html", ".docx")):
            assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
        elif name.endswith(".pdf"):
            assert (cut / name).read_bytes().startswith(b"%PDF") and (cut / name).stat().st_size > 10_000


def test_changed_template_pack_rerenders(runner, tmp_path):
    folder = tmp_path / "in"
    write_townships(folder, 2, seed=13)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "pack.yaml").write_text(
        'settings:\n  title: "{{ agency }}{{ year }}年度年报（一）"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(out), "--to", "html", "--templates", str(templates)]
    assert "本次生成 2，已是最新而跳过 0" in runner.invoke(app, args).output
    assert "年度年报（一）" in (out / "unit-0001.html").read_text(encoding="utf-8")
    assert "本次生成 0，已是最新而跳过 2" in runner.invoke(app, args).output
    (templates / "pack.yaml").write_text(
        'settings:\n  title: "{{ agency }}{{ year }}年度年报（二）"\n', encoding="utf-8"
    )
    assert "本次生成 2，已是最新而跳过 0" in runner.invoke(app, args).output
    assert "年度年报（二）" in (out / "unit-0001.html").read_text(encoding="utf-8")


def test_previous_dir_feeds_the_cross_year_checks(runner, tmp_path):
    this_year, last_year = tmp_path / "2025", tmp_path / "2024"
    this_year.mkdir()
    last_year.mkdir()
    (stem, text), = townships(1, seed=17)
    (this_year / f"{stem}.yaml").write_text(text, encoding="utf-8")
    previous = text.replace("year: 2025", "year: 2024").replace("date: 2026-", "date: 2025-")
    previous = re.sub(r"carried_forward: \[\d+", "carried_forward: [9", previous)  # ≠ this year's 上年结转
    (last_year / f"{stem}.yaml").write_text(previous, encoding="utf-8")
    out = tmp_path / "out"
    given = runner.invoke(
        app, ["batch", str(this_year), "-o", str(out), "--to", "html", "--previous-dir", str(last_year)]
    )
    assert given.exit_code == 1
    row = _summary(out)[0]
    assert row["status"] == "failed" and "XY-CARRIED" in row["问题"]
    # without --previous-dir, last year's file is found beside the input as `check` finds it (2024/ beside 2025/)
    found = runner.invoke(app, ["batch", str(this_year), "-o", str(out), "--to", "html"])
    assert found.exit_code == 1 and "XY-CARRIED" in _summary(out)[0]["问题"]
    # --previous-dir names the only place to look: a folder without the unit means no cross-year check
    empty = tmp_path / "none"
    empty.mkdir()
    alone = runner.invoke(app, ["batch", str(this_year), "-o", str(out), "--to", "html", "--previous-dir", str(empty)])
    assert alone.exit_code == 0, alone.output


@pytest.mark.parametrize("recycle", [1, 100])
def test_a_unit_that_kills_its_worker_does_not_stop_the_others(recycle):
    from generator.batch.runner import run_tasks
    from generator.batch.worker import Task
    from test_batch_crashing_worker import work

    stems = ["a", "b", "boom", "c", "d", "e", "f"]
    tasks = [Task(stem=s, display=f"{s}.yaml", out_dir="", formats=(), code="") for s in stems]
    results: dict[str, dict] = {}
    run_tasks(tasks, jobs=2, recycle=recycle, on_result=lambda r: results.__setitem__(r["unit"], r), work=work)
    assert set(results) == set(stems)
    assert results["boom"]["status"] == "crashed" and "工作进程意外退出" in results["boom"]["findings"][0]["message"]
    assert all(results[s]["status"] == "ok" for s in stems if s != "boom")


def test_fork_server_warm_up_renders():
    """batch/warm.py (preloaded in the fork server) renders one report in every format, in memory."""
    from generator.batch import warm

    assert warm.warm() is True
