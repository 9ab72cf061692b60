"""`govreport batch` limits each unit in time (`--unit-timeout`) and each worker in memory (`--unit-memory`): a unit
past either is listed as failed with its reason (index.html, summary.csv, the console), its worker is replaced, and
every other unit is still produced. Nothing is mocked: the slow unit really renders for seconds, the greedy one really
allocates until the address-space limit stops it."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from generator.batch.runner import MANIFEST, run_tasks
from generator.batch.synth import township, write_townships
from generator.batch.worker import Task
from generator.yamlout import dump_input

ROOT = Path(__file__).resolve().parent.parent
GOVREPORT = [sys.executable, "-m", "generator"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _summary(out: Path) -> dict[str, dict]:
    rows = csv.DictReader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig")))
    return {row["单位"]: row for row in rows}


def long_report(chars: int = 13_500) -> str:
    """A valid township report with every one of its seven narrative parts `chars` long: by default about 95,000
    characters in all, just under the limit for the whole narrative (MAX_NARRATIVE_CHARS) — a legitimate input whose
    PDF takes seconds, against a fraction of a second for a township's."""
    data = township(random.Random(3))
    base = "依法做好政府信息公开工作，推进决策、执行、管理、服务、结果公开，"
    paragraph = (base * 200)[:4499] + "。"
    body = "\n\n".join([paragraph] * (chars // 4500))
    for aspect in data["text"]["overview"]:
        data["text"]["overview"][aspect] = body
    data["text"]["problems"] = body
    data["text"]["other"] = body
    return dump_input(data)


def _timings(out: Path) -> dict[str, float]:
    import json

    entries = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    return {e["unit"]: e["timings"]["total"] for e in entries}


def test_a_slow_unit_is_stopped_at_the_time_limit_and_the_others_are_produced(tmp_path):
    folder = tmp_path / "in"
    write_townships(folder, 3, seed=21)
    (folder / "slow.yaml").write_text(long_report(), encoding="utf-8")
    goods = ("unit-0001", "unit-0002", "unit-0003")
    # first without a limit: every unit is valid and rendered; how long each takes on this machine, now
    out = tmp_path / "out"
    base = GOVREPORT + ["batch", str(folder), "-o", str(out), "--jobs", "2", "--to", "pdf"]
    free = subprocess.run(base, capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=300)
    assert free.returncode == 0, free.stderr
    took = _timings(out)
    slowest_good = max(took[stem] for stem in goods)
    assert took["slow"] > 3 * slowest_good, took  # the long report really is slow (5–15 times, measured here)
    limit = round((took["slow"] * slowest_good) ** 0.5, 2)  # as far from one as from the other
    # then with a time limit between the two
    started = time.monotonic()
    done = subprocess.run(base + ["--force", "--unit-timeout", str(limit), "--to", "html,pdf"], capture_output=True,
                          text=True, env=ENV, cwd=ROOT, timeout=300)
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - started < took["slow"] + 60
    assert "Traceback" not in done.stderr
    rows = _summary(out)
    assert rows["slow"]["status"] == "failed" and rows["slow"]["输出文件"] == ""
    assert f"处理超时：超过 {limit:g} 秒（--unit-timeout）" in rows["slow"]["问题"], rows["slow"]
    assert "slow.yaml" in rows["slow"]["问题"]
    assert "处理超时" in (out / "index.html").read_text(encoding="utf-8")
    assert "slow.yaml" in done.stderr and "处理超时" in done.stderr  # the console says which unit and why
    for stem in goods:
        assert rows[stem]["status"] in ("ok", "warning"), rows[stem]
        assert rows[stem]["输出文件"] == f"{stem}.html {stem}.pdf"
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
        assert (out / f"{stem}.html").stat().st_size > 10_000
    assert not (out / "slow.html").exists()  # nothing of the stopped unit was written (its PDF is the earlier one)
    assert not list(out.glob(".*.part"))


def test_a_unit_that_exhausts_the_memory_limit_fails_alone_and_its_worker_is_replaced(tmp_path):
    """`hog*` units (tests/test_batch_crashing_worker.py) really allocate, 16 MB at a time, until the worker's
    RLIMIT_AS stops them; the others are real units, checked and rendered by the real worker function."""
    from test_batch_crashing_worker import work

    folder, out = tmp_path / "in", tmp_path / "out"
    out.mkdir()
    paths = write_townships(folder, 4, seed=23)
    tasks = [Task(stem=p.stem, display=str(p), out_dir=str(out), formats=("html", "pdf"), code="test", path=str(p),
                  no_find=True) for p in paths]
    tasks.insert(1, Task(stem="hog", display="hog.yaml", out_dir=str(out), formats=("html",), code="test"))
    results: list[dict] = []
    run_tasks(tasks, jobs=2, recycle=100, on_result=results.append, work=work, timeout=120, memory_mb=1024)
    by_unit = {r["unit"]: r for r in results}
    assert len(results) == 5 and set(by_unit) == {t.stem for t in tasks}
    hog = by_unit["hog"]
    assert hog["status"] == "failed" and hog["outputs"] == {}
    assert "内存超限" in hog["findings"][0]["message"] and "1024 MB" in hog["findings"][0]["message"]
    for path in paths:
        result = by_unit[path.stem]
        assert result["status"] in ("ok", "warning"), result["findings"]
        assert (out / f"{path.stem}.pdf").read_bytes().startswith(b"%PDF")
    # the worker that ran out of memory took no further unit: a fresh one did
    after = results[results.index(hog) + 1:]
    assert hog["pid"] not in {r.get("pid") for r in after}


def test_the_default_memory_limit_leaves_room_for_real_renders(tmp_path):
    """The workers' peak virtual size over real PDF renders (VmPeak, what RLIMIT_AS limits) stays far below the
    default `--unit-memory`, so the default never stops a normal report."""
    from generator.limits import UNIT_MEMORY_MB

    folder, out = tmp_path / "in", tmp_path / "out"
    write_townships(folder, 4, seed=29)
    done = subprocess.run(GOVREPORT + ["batch", str(folder), "-o", str(out), "--to", "pdf"], capture_output=True,
                          text=True, env=ENV, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    import json

    entries = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    peaks = [e["vm_kb"] for e in entries]
    assert all(isinstance(p, int) and p > 0 for p in peaks)
    assert max(peaks) < UNIT_MEMORY_MB * 1024 / 2, peaks


def test_unit_memory_below_the_minimum_is_a_usage_error(tmp_path):
    (tmp_path / "a.yaml").write_text("year: 2025\n", encoding="utf-8")
    done = subprocess.run(GOVREPORT + ["batch", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "out"),
                                       "--unit-memory", "100"], capture_output=True, text=True, env=ENV, cwd=ROOT)
    assert done.returncode == 2 and "--unit-memory" in done.stderr and "512" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_billion_laughs_unit_fails_and_the_others_are_produced(tmp_path):
    """The 342-byte YAML that once took a worker to 4.5 GB and hung the batch."""
    folder = tmp_path / "in"
    write_townships(folder, 2, seed=31)
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    (folder / "laughs.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(GOVREPORT + ["batch", str(folder), "-o", str(out), "--to", "html"], capture_output=True,
                          text=True, env=ENV, cwd=ROOT, timeout=200)
    assert done.returncode == 1, done.stderr
    rows = _summary(out)
    assert rows["laughs"]["status"] == "failed" and rows["laughs"]["问题"]
    assert rows["unit-0001"]["status"] in ("ok", "warning") and (out / "unit-0001.html").exists()
    assert rows["unit-0002"]["status"] in ("ok", "warning") and (out / "unit-0002.html").exists()


def test_sigterm_lets_the_units_in_hand_finish_records_them_and_leaves_no_process(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_townships(folder, 16, seed=37)
    process = subprocess.Popen(GOVREPORT + ["batch", str(folder), "-o", str(out), "--jobs", "2", "--to", "pdf"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 2:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure this test is about
        os.killpg(process.pid, signal.SIGKILL)
        raise
    assert process.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err
    pdfs = {p.stem for p in out.glob("*.pdf")}
    assert 2 <= len(pdfs) < 16
    import json

    recorded = {json.loads(line)["unit"] for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()}
    assert pdfs == recorded  # every unit finished was recorded, none recorded without its output
    # the runner's workers and its fork server are gone with it (zombies only wait for an init that reaps them)
    for _ in range(50):
        listing = subprocess.run(["ps", "-o", "pid=,stat=,cmd=", "-g", str(process.pid)], capture_output=True,
                                 text=True).stdout
        alive = [line for line in listing.splitlines() if line.split()[1:2] and not line.split()[1].startswith("Z")]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, alive
