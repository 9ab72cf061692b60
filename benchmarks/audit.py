"""Benchmark `govreport audit` on a folder of published reports: reports per second, by kind of document
(`make bench-audit`).

The folder: the seeds (plain text copied from government pages, tests/fixtures/seeds) and the rendered samples
(samples/*.html, .docx, .pdf), each copied `--copies` times under another name, so that a supervisor's folder of a
county's units is imitated. Reading (the published reader), the rules and the summary page are timed apart.

Usage: python -m benchmarks.audit [--copies N] [--seeds DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from generator.audit import Audited, audit_sources, collect, read, run, unit_name
from generator.audit.summary import csv_text, html_page

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def folder(target: Path, copies: int, seeds: Path) -> list[Path]:
    sources = sorted(seeds.glob("*.txt")) + sorted(p for p in (ROOT / "samples").iterdir()
                                                   if p.suffix in (".html", ".docx", ".pdf"))
    for copy in range(copies):
        for source in sources:
            shutil.copyfile(source, target / f"{copy:03d}-{source.name}")
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        folder(target, args.copies, args.seeds)
        files = collect([target])
        audit_sources([files[0]])  # warm: imports, the template pack, the rule table
        kinds = Counter(p.suffix for p in files)
        by_kind: dict[str, float] = {}
        started = time.perf_counter()
        read_seconds = 0.0
        results = []
        for path in files:
            began = time.perf_counter()
            result = read(path)
            read_seconds += time.perf_counter() - began
            results.append(result)
            by_kind[path.suffix] = by_kind.get(path.suffix, 0.0) + time.perf_counter() - began
        checked = time.perf_counter()
        pool: dict[tuple[str, int], Audited] = {}
        for result in results:
            if result.report is not None:
                pool.setdefault((unit_name(result.report.agency), result.report.year), result)
        for result in results:
            began = time.perf_counter()
            run(result, None, True, pool)
            by_kind[result.path.suffix] += time.perf_counter() - began
        rules_seconds = time.perf_counter() - checked
        began = time.perf_counter()
        html_page(results)
        csv_text(results)
        summary_seconds = time.perf_counter() - began
        total = time.perf_counter() - started
    print(f"{len(files)} published reports ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), one process")
    print(f"  read               {read_seconds:8.2f} s")
    print(f"  rules              {rules_seconds:8.2f} s")
    print(f"  summary page + CSV {summary_seconds:8.2f} s")
    print(f"  total              {total:8.2f} s   {len(files) / total:6.1f} reports/s")
    for kind, seconds in sorted(by_kind.items()):
        print(f"  {kind:<6} {kinds[kind] / seconds:8.1f} reports/s")


if __name__ == "__main__":
    main()
