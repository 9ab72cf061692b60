"""Benchmark a batch (`make bench-batch`): N synthetic township units (seeded), `govreport check` of all of them,
then `govreport batch` of all of them in every format; prints reports/hour, per-format medians and peak RSS per worker.

Usage: python -m benchmarks.batch [--units 1000] [--jobs N] [--to html,docx,pdf] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.batch.runner import MANIFEST, default_jobs
from generator.batch.synth import write_townships

GOVREPORT = [sys.executable, "-m", "generator"]


def _machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {default_jobs()} 核, Python {platform.python_version()}"


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(GOVREPORT + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr)
        raise SystemExit(f"govreport {args[0]} failed with exit code {done.returncode}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--to", default="html,docx,pdf")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep inputs and outputs in this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    inputs, out = root / "inputs", root / "out"
    shutil.rmtree(inputs, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    files = write_townships(inputs, args.units, args.seed)
    jobs = args.jobs or default_jobs()
    try:
        check_seconds = _run(["check", "--no-previous", *map(str, files)])
        batch_seconds = _run(["batch", str(inputs), "-o", str(out), "--jobs", str(jobs), "--to", args.to, "--force"])
        entries = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    formats = args.to.split(",")
    per_format = {fmt: [e["timings"][fmt] for e in entries if fmt in e.get("timings", {})] for fmt in formats}
    peaks: dict[int, int] = {}
    for entry in entries:
        if "pid" in entry:
            peaks[entry["pid"]] = max(peaks.get(entry["pid"], 0), entry.get("rss_kb", 0))
    failed = sum(1 for e in entries if e["status"] in ("failed", "crashed"))
    print(f"机器：{_machine()}")
    print(f"单位：{args.units}（seed {args.seed}），格式：{args.to}，进程：{jobs}，失败：{failed}")
    print(f"check {args.units} 个文件：{check_seconds:.2f} 秒（含启动）")
    per_hour = args.units / batch_seconds * 3600
    print(f"batch {args.units} 个单位：{batch_seconds:.1f} 秒（含启动），{per_hour:,.0f} 份/小时")
    for fmt, times in per_format.items():
        if times:
            print(f"  {fmt.upper():5} 中位数 {statistics.median(times) * 1000:7.1f} ms/份（{len(times)} 份）")
    if peaks:
        values = sorted(peaks.values())
        print(f"工作进程峰值 RSS：{len(values)} 个进程（含轮换），最小 {values[0] / 1024:.0f} MB，"
              f"中位数 {statistics.median(values) / 1024:.0f} MB，最大 {values[-1] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
