"""Benchmark long narratives (`make bench-long`, issue 10): time of each format against the length of the text.

The wangguanji report (a township, 7 pages) with part 五 replaced by one paragraph of N characters, or by paragraphs of
about 800 characters totalling N, and the worst case the input limits allow (generator/limits.py: every narrative part
at MAX_PART_CHARS in paragraphs of MAX_PARAGRAPH_CHARS, no more than MAX_INPUT_BYTES of UTF-8 in all). Each PDF's
CPU time is also given as a multiple of the plain report's, measured again just before it (machines differ twofold, and
other work on a shared machine comes and goes), and per 1,000 characters: if time is linear in the text, that last
column stays flat.

Usage: python -m benchmarks.long_text [--cases one:5000,many:200000,...] [--before] [--part-chars N]
       [--paragraph-chars N] [--input-bytes N]

--before also times the PDF with WeasyPrint's own line layout (the `long_texts` speed-up off, all others on).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

from generator import limits
from generator.document import build
from generator.model.report import Overview
from generator.pipeline import check_file, pack_for, prepare_rendering
from generator.writers import writer
from generator.writers.pdf import speedups as pdf_speedups

ROOT = Path(__file__).resolve().parent.parent
INPUT = ROOT / "inputs" / "wangguanji-2020.yaml"
CASES = "one:5000,one:20000,one:50000,one:200000,many:50000,many:200000,many:1MB,limits"

_CJK = (
    "本机关坚持以公开为常态不公开为例外推进决策执行管理服务结果公开"
    "政府信息依申请办理答复时限规范渠道平台网站栏目更新维护培训考核"
)


def text(chars: int, seed: int = 1) -> str:
    """Report-like Chinese of `chars` characters: clauses with figures (件, %, 人次) and punctuation."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < chars:
        piece = "".join(rng.choice(_CJK) for _ in range(rng.randint(8, 30)))
        if rng.random() < 0.4:
            piece += f"{rng.randint(1, 99_999)}{rng.choice(['件', '条', '%', '人次'])}"
        piece += rng.choice("，，，。；、")
        out.append(piece)
        size += len(piece)
    return "".join(out)[:chars]


def paragraphs(total: int, each: int, seed: int = 0) -> str:
    """Paragraphs of `each` characters (the last one shorter) totalling `total`, separated by blank lines."""
    sizes = [each] * (total // each) + ([total % each] if total % each else [])
    return "\n\n".join(text(size, seed + index) for index, size in enumerate(sizes))


def _timed(function, runs: int) -> tuple[float, float, bytes]:
    """Median wall and CPU seconds of `runs` calls, and what the last call returned."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _pages(data: bytes) -> int | str:
    try:
        from pypdf import PdfReader  # installed for the tests
    except ImportError:
        return "?"
    return len(PdfReader(io.BytesIO(data)).pages)


def _with_text(report, **parts):
    narrative = report.text.model_copy(update=parts)  # not validated: the limits are what is being measured
    return report.model_copy(update={"text": narrative})


def _limits_case(report, part_chars: int, paragraph_chars: int, input_bytes: int):
    """Every narrative part (preface, the five aspects of part 一, 五 and 六) at `part_chars` in paragraphs of
    `paragraph_chars`, cut to what `input_bytes` of YAML can hold (a Chinese character is three bytes of UTF-8)."""
    names = ["preface", "active", "requests", "management", "platforms", "oversight", "problems", "other"]
    budget = max(0, input_bytes - 20_000) // 3  # the tables and the rest of the YAML take about 20 KB at most
    each = min(part_chars, budget // len(names))
    parts = {name: paragraphs(each, paragraph_chars, seed=index * 1000) for index, name in enumerate(names)}
    overview = Overview.model_construct(**{name: parts.pop(name) for name in names[1:6]})
    return _with_text(report, overview=overview, **parts), each * len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=CASES, help=f"comma-separated (default {CASES})")
    parser.add_argument("--before", action="store_true", help="also time the PDF without the long_texts speed-up")
    parser.add_argument("--part-chars", type=int, default=limits.MAX_PART_CHARS)
    parser.add_argument("--paragraph-chars", type=int, default=limits.MAX_PARAGRAPH_CHARS)
    parser.add_argument("--input-bytes", type=int, default=limits.MAX_INPUT_BYTES)
    args = parser.parse_args()
    prepare_rendering()  # as `govreport render`, batch workers and the web server: PDF speed-ups on

    report = check_file(INPUT).report
    pack = pack_for(report)
    render = {fmt: writer(fmt) for fmt in ("html", "docx", "pdf")}
    plain = build(report, pack)
    render["pdf"](plain, pack)  # warm: fonts, the tables' label cells

    def baseline() -> float:
        """The plain report's PDF CPU time, measured again before each case (other work on the machine varies)."""
        return _timed(lambda: render["pdf"](plain, pack), 5)[1]

    wall, cpu, data = _timed(lambda: render["pdf"](plain, pack), 11)
    print(f"{INPUT.name}, WeasyPrint speed-ups: {', '.join(pdf_speedups.installed()) or 'off'}")
    print(f"baseline: the report as it is, {_pages(data)} pages, PDF {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms), "
          "median of 11")
    print("PDF: wall and CPU seconds; × base: CPU time over the baseline's, measured again just before; ms of CPU per "
          "1,000 characters")
    header = (f"{'case':<16}{'chars':>9}{'pages':>7}{'HTML s':>8}{'DOCX s':>8}{'PDF s':>8}{'CPU s':>8}{'× base':>8}"
              f"{'ms/1k':>7}")
    print(header + ("   before: CPU s  × base" if args.before else ""))
    for case in args.cases.split(","):
        kind, _, size = case.partition(":")
        if kind == "limits":
            changed, chars = _limits_case(report, args.part_chars, args.paragraph_chars, args.input_bytes)
            case = f"limits {args.part_chars // 1000}k/{args.paragraph_chars // 1000}k"
        else:
            chars = int(size[:-2]) * 1_000_000 // 3 if size.endswith("MB") else int(size)  # 1 MB of UTF-8
            problems = text(chars) if kind == "one" else paragraphs(chars, 800)
            changed = _with_text(report, problems=problems)
        document = build(changed, pack)
        runs = 3 if chars <= 50_000 else 1
        html, _, _ = _timed(lambda: render["html"](document, pack), runs)
        docx, _, _ = _timed(lambda: render["docx"](document, pack), runs)
        base = baseline()
        wall, cpu, data = _timed(lambda: render["pdf"](document, pack), runs)
        line = (f"{case:<16}{chars:>9,}{_pages(data):>7}{html:>8.2f}{docx:>8.2f}{wall:>8.2f}{cpu:>8.2f}"
                f"{cpu / base:>8.1f}{cpu / chars * 1e6:>7.0f}")
        if args.before:
            long_text, pdf_speedups.LONG_TEXT = pdf_speedups.LONG_TEXT, sys.maxsize
            try:
                base = baseline()
                _, before, _ = _timed(lambda: render["pdf"](document, pack), 1)
            finally:
                pdf_speedups.LONG_TEXT = long_text
            line += f"   {before:>13.2f}{before / base:>8.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
