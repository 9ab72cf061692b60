"""Every command that writes (`xlsx-template`, `import`, `rollup`, `batch`) checks its destination first: a read-only
folder, a folder that does not exist (for an output file), or a path through a regular file is a located Chinese
error with exit code 1 — no traceback, and nothing written.

The tests run as root here, where permission bits do not stop a write: the read-only folder is a real read-only
tmpfs mount (or, for a non-root user, a folder without write permission); without either the test is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from test_workbook import UNITS, fill

ROOT = Path(__file__).resolve().parent.parent
GOVREPORT = [sys.executable, "-m", "generator"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
EXAMPLE = ROOT / "inputs" / "xilinhot-2021.yaml"


def govreport(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(GOVREPORT + [str(a) for a in args], capture_output=True, text=True, env=ENV, cwd=ROOT,
                          timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody can write into: a read-only tmpfs when we may mount one, else (not root) mode 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0 and shutil.which("mount"):
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                                 capture_output=True).returncode == 0
        if not mounted:
            pytest.skip("running as root without permission to mount a read-only tmpfs")
    else:
        folder.chmod(0o555)
    try:
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.write_bytes(b"x")  # the folder really refuses writes
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            folder.chmod(0o755)


@pytest.fixture
def workbook(tmp_path) -> Path:
    units = tmp_path / "units.txt"
    units.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    path = tmp_path / "collect.xlsx"
    assert govreport("xlsx-template", "-o", path, "--units", units, "--year", "2025").returncode == 0
    wb = openpyxl.load_workbook(path)
    fill(wb[UNITS[0]])
    wb.save(path)
    return path


def _nothing_in(folder: Path) -> bool:
    return not any(folder.iterdir())


def test_read_only_folder(read_only, workbook):
    for args, what in (
        (["xlsx-template", "-o", read_only / "c.xlsx"], "采集表没有生成"),
        (["import", workbook, "-o", read_only], "没有导入任何单位"),
        (["import", workbook, "-o", read_only / "new"], "没有导入任何单位"),
        (["rollup", EXAMPLE, "-o", read_only / "r.yaml", "--agency", "某某县人民政府"], "未生成汇总文件"),
        (["batch", EXAMPLE, "-o", read_only / "out", "--to", "html"], "没有生成任何文件"),
    ):
        done = govreport(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert f"错误：无法写入输出文件夹 {read_only}" in done.stderr and what in done.stderr, done.stderr
        assert _nothing_in(read_only)


def test_folder_that_is_a_file_or_missing(tmp_path, workbook):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    for args, message in (
        (["xlsx-template", "-o", afile / "c.xlsx"], f"{afile}：它是一个文件，不是文件夹"),
        (["xlsx-template", "-o", tmp_path / "missing" / "c.xlsx"], f"输出文件夹 {tmp_path / 'missing'} 不存在"),
        (["import", workbook, "-o", afile], f"无法写入 {afile}：它是一个文件，不是文件夹"),
        (["import", workbook, "-o", afile / "sub"], f"{afile} 是一个文件，不是文件夹"),
        (
            ["rollup", EXAMPLE, "-o", afile / "r.yaml", "--agency", "某某县人民政府"],
            f"{afile}：它是一个文件，不是文件夹",
        ),
        (["rollup", EXAMPLE, "-o", tmp_path / "missing" / "r.yaml", "--agency", "某某县人民政府"], "不存在"),
        (["rollup", EXAMPLE, "-o", tmp_path, "--agency", "某某县人民政府"], "是一个文件夹"),
        (["xlsx-template", "-o", tmp_path / "dir.xlsx"], None),
        (["batch", EXAMPLE, "-o", afile, "--to", "html"], f"无法写入 {afile}：它是一个文件，不是文件夹"),
    ):
        if message is None:  # a folder named like the workbook to write
            (tmp_path / "dir.xlsx").mkdir()
            before.append("dir.xlsx")
            message = "是一个文件夹"
        done = govreport(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert "错误：" in done.stderr and message in done.stderr, (args, done.stderr)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before), args
    assert afile.read_text(encoding="utf-8") == "x" and list((tmp_path / "dir.xlsx").iterdir()) == []


def test_an_output_folder_that_does_not_exist_yet_is_made(tmp_path, workbook):
    """`import -o DIR` and `batch -o DIR` make their folder, as `render -o` does (documented)."""
    out = tmp_path / "new" / "2025"
    done = govreport("import", workbook, "-o", out)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == [f"{UNITS[0]}.yaml"]


def test_import_cannot_replace_a_folder_with_a_yaml(tmp_path, workbook):
    """The destination passes the check, but the file to write is a folder: a located error, exit 1."""
    out = tmp_path / "out"
    (out / f"{UNITS[0]}.yaml").mkdir(parents=True)
    done = govreport("import", workbook, "-o", out, "--force")
    assert done.returncode == 1
    assert f"错误：无法写入 {out / (UNITS[0] + '.yaml')}" in done.stderr
    assert [p.name for p in out.iterdir()] == [f"{UNITS[0]}.yaml"] and (out / f"{UNITS[0]}.yaml").is_dir()
