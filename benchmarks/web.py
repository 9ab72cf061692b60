"""Benchmark the web form as a clerk meets it (not a test: figures for docs/web.md).

Starts `govreport serve` in a fresh process on a copy of one report, then times, over HTTP: the server ready after
start, the report page, the first PDF download after start, later PDF downloads, the live check (one post of the
whole form) and a save. Each figure is also given as a ratio to a baseline measured in the same run, so runs on
different machines compare: the same work done in this process with no server (`pipeline.check_text` for a check
or a save, the warm PDF render for a PDF), and a static file's round trip for the HTTP cost alone.

Usage: python -m benchmarks.web [INPUT.yaml] [--runs N]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT / "inputs" / "xilinhot-2021.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_ms(function, runs: int) -> float:
    function()
    return statistics.median(timed(function) for _ in range(runs)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()

    from generator.pipeline import check_text, document_for, pack_for, prepare_rendering, render_document
    from generator.readers.yaml import load_text
    from generator.web.fields import form_values

    name = args.input.name
    text = args.input.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(args.input, folder / name)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "generator", "serve", "--data", str(folder), "--port", str(port)]
        start = time.perf_counter()
        server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        try:
            while True:
                try:
                    fetch(url + "/static/form.css")
                    break
                except OSError:
                    if server.poll() is not None or time.perf_counter() - start > 60:
                        raise SystemExit("govreport serve did not start") from None
                    time.sleep(0.02)
            ready = time.perf_counter() - start
            quoted = urllib.parse.quote(name)
            page = timed(lambda: fetch(f"{url}/report/{quoted}"))
            first_pdf = timed(lambda: fetch(f"{url}/report/{quoted}/download/pdf"))
            later_pdf = median_ms(lambda: fetch(f"{url}/report/{quoted}/download/pdf"), max(3, args.runs // 3))
            data = load_text(text).data
            values = form_values(data, str(data.get("format")))
            headers = {"Origin": url, "Accept": "application/json",
                       "Content-Type": "application/x-www-form-urlencoded"}
            body = urllib.parse.urlencode(values).encode()
            check = median_ms(lambda: fetch(f"{url}/api/check/{quoted}", body, headers), args.runs)

            def save() -> None:
                current = (folder / name).read_text(encoding="utf-8")
                fields = {**values, "_base": hashlib.sha256(current.encode("utf-8")).hexdigest()}
                fetch(f"{url}/api/save/{quoted}", urllib.parse.urlencode(fields).encode(), headers)

            save_ms = median_ms(save, args.runs)
            static = median_ms(lambda: fetch(url + "/static/form.css"), args.runs)
        finally:
            server.terminate()
            server.wait(timeout=10)

    # baselines, in this process, no server
    prepare_rendering()
    base_check = median_ms(lambda: check_text(text, name), args.runs)
    checked = check_text(text, name)
    pack = pack_for(checked.report)
    base_pdf = median_ms(lambda: render_document(document_for(checked.report, pack), pack, ("pdf",)), 3)

    print(f"{name}: web form over HTTP (govreport serve in its own process), median of {args.runs} runs")
    rows = [
        ("server ready after start", ready * 1000, None, ""),
        ("report page (first)", page * 1000, None, ""),
        ("first PDF after start", first_pdf * 1000, base_pdf, "warm PDF render in process"),
        ("later PDF", later_pdf, base_pdf, "warm PDF render in process"),
        ("live check round trip", check, base_check, "check_text in process"),
        ("save", save_ms, base_check, "check_text in process"),
        ("static file round trip", static, None, ""),
    ]
    for label, ms, base, what in rows:
        ratio = f"  = {ms / base:4.1f} × {what} ({base:.0f} ms)" if base else ""
        print(f"  {label:<26} {ms:8.0f} ms{ratio}")


if __name__ == "__main__":
    main()
