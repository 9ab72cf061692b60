"""Benchmark one report: median time per stage and per format, warm process (`make bench`).

Usage: python -m benchmarks.report [INPUT.yaml] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from generator.checks import check
from generator.document import build
from generator.packs import load_pack
from generator.pipeline import prepare_rendering
from generator.readers.yaml import load
from generator.writers import FORMATS, writer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT / "inputs" / "wangguanji-2020.yaml"  # a township report


def median_ms(function, runs: int) -> float:
    function()  # warm: imports, caches, font configuration
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    prepare_rendering()  # as `govreport render`, batch workers and the web server: PDF speed-ups on
    loaded = load(args.input)
    if loaded.report is None:
        raise SystemExit(f"{args.input}: invalid input")
    pack = load_pack(loaded.report.template or "base")
    document = build(loaded.report, pack)
    rows = [
        ("load + validate", median_ms(lambda: load(args.input), args.runs)),
        ("check (all rules)", median_ms(lambda: check(loaded), args.runs)),
        ("build document", median_ms(lambda: build(loaded.report, pack), args.runs)),
    ]
    for fmt in FORMATS:
        render = writer(fmt)
        rows.append((fmt.upper(), median_ms(lambda: render(document, pack), args.runs)))
    print(f"{args.input.name}, median of {args.runs} runs, warm process")
    for name, ms in rows:
        print(f"  {name:<20} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
