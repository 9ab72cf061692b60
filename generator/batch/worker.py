"""What a batch worker process does with one unit: check it, render its formats, write them atomically, and send
back only a small result (status, findings as dicts, output sizes, timings, peak RSS).

`serve` is a worker process's main loop: it limits its own address space (`--unit-memory`), then takes units from
the runner one at a time. A unit that runs out of that memory is reported as failed with the reason, and the worker
then retires (the runner starts a fresh one); a unit that runs too long (`--unit-timeout`) is stopped by the runner,
which kills the worker — see runner.py.

Each worker prepares rendering explicitly (`pipeline.prepare_rendering`: every writer loaded, the PDF speed-ups on)
before its first unit; the runner's fork server has done it already (batch/warm.py), so a recycled worker starts
with WeasyPrint loaded and its font configuration built.
"""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..files import write_atomic
from ..findings import Finding, Severity
from ..packs import Pack, PackError
from ..pipeline import Checked, CheckOptions, check_file, check_text, document_for, pack_of, prepare_rendering
from ..writers import FORMATS, render_all

STATUS_OK, STATUS_WARNING, STATUS_FAILED, STATUS_CRASHED = "ok", "warning", "failed", "crashed"


@dataclass(frozen=True)
class Task:
    stem: str
    display: str
    out_dir: str
    formats: tuple[str, ...]
    code: str  # govreport version and code fingerprint
    path: str | None = None
    text: str | None = None
    previous: str | None = None  # last year's input (from --previous-dir), for the cross-year checks
    no_find: bool = False  # --previous-dir given: do not look for last year's file beside the input
    previous_entry: dict | None = None  # this unit's manifest entry from an earlier run
    force: bool = False
    templates: str | None = None  # an agency's own template folder (--templates), searched first

    @property
    def options(self) -> CheckOptions:
        """How the unit is checked: last year's file from --previous-dir, else (YAML files only, unless
        --previous-dir was given) one found beside the input as `govreport check` finds it."""
        return CheckOptions.of(self.previous, find_previous=not self.no_find, templates=self.templates)

    def checked(self) -> Checked:
        """The unit loaded and checked through the pipeline (a workbook sheet as its imported text)."""
        if self.text is not None:
            return check_text(self.text, self.display, self.options)
        assert self.path is not None  # a task is a file's path or an imported sheet's text
        return check_file(self.path, self.display, self.options)


_PACK_HASHES: dict[str, str] = {}
_SETTLED = False  # whether this worker has frozen what it keeps for good (see `_settle`)


def _settle() -> None:
    """After a worker's first unit: collect once, then leave everything alive now out of later collections.

    What is alive after one unit (modules, WeasyPrint's fonts and caches, the pack) lives as long as the worker. A
    full collection walks all of it — about 30 ms after each report — to free the report's own objects, which need
    only a few. `gc.freeze()` moves it out of the collector's sight; the memory stays flat (the benchmark shows RSS).
    """
    global _SETTLED
    if not _SETTLED:
        _SETTLED = True
        gc.collect()
        gc.freeze()


def pack_hash(pack: Pack) -> str:
    """A digest of every file of the pack and the packs it extends: a changed template re-renders its units."""
    key = "/".join(str(d) for d in pack.dirs)
    if key not in _PACK_HASHES:
        digest = hashlib.sha256()
        for directory in pack.dirs:
            for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
                digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
        _PACK_HASHES[key] = digest.hexdigest()
    return _PACK_HASHES[key]


def peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def vm_peak_kb() -> int | None:
    """The process's peak virtual size (what RLIMIT_AS limits), to size `--unit-memory` from real runs."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


_MEMORY_MB = 0  # this worker's address-space limit in MB (0: none), set by `serve`


def limit_memory(megabytes: int) -> None:
    """Limit this process's address space (RLIMIT_AS): past it an allocation fails with MemoryError instead of the
    process growing until the machine swaps or the kernel kills something. Never raises the hard limit."""
    global _MEMORY_MB
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        return
    wanted = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError, OverflowError):  # pragma: no cover - a limit the system refuses: none
        return
    _MEMORY_MB = megabytes


def memory_message(megabytes: int) -> str:
    if megabytes:
        return (f"内存超限：处理该单位所需的内存超过了每个工作进程 {megabytes} MB 的上限（--unit-memory），已停止，"
                "其他单位不受影响。正常的报告远用不了这么多；请检查输入是否异常，确属正常时可用 --unit-memory 调大")
    return "内存不足：处理该单位时内存耗尽，已停止，其他单位不受影响。请检查输入是否异常"


def timeout_message(seconds: float) -> str:
    shown = f"{seconds:g}"
    return (f"处理超时：超过 {shown} 秒（--unit-timeout）仍未完成，已停止，其他单位不受影响。"
            "一份正常的报告几秒内即可生成；请检查输入是否异常（如正文极长），确属正常时可用 --unit-timeout 调大")


def serve(conn, work: Callable[[Task], dict] | None, memory_mb: int) -> None:
    """A worker process: limit its memory, then check and render the units the runner sends one at a time, sending
    back each result. Stops when the runner closes the connection (or sends None), or after a unit ran out of
    memory (the result says `retire`: what was half built may still hold memory, so a fresh worker takes over)."""
    ignore_interrupts()
    try:
        prepare_rendering()  # done in the fork server already (warm.py); a worker started cold does it now
    except Exception:  # noqa: BLE001 - a unit that needs a writer that failed to load reports it as its own failure
        pass
    if memory_mb:
        limit_memory(memory_mb)
    work = work or run_unit
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = _guarded(work, task)
        try:
            conn.send(result)
        except (OSError, ValueError):
            return
        if result.get("retire"):
            return


def _guarded(work: Callable[[Task], dict], task: Task) -> dict:
    """`work(task)`, with a MemoryError or any other exception that escapes it turned into this unit's result."""
    try:
        return work(task)
    except MemoryError:
        pass  # reported below, once the except block has let go of the traceback that holds what filled the memory
    except Exception as exc:  # noqa: BLE001 - run_unit never raises; another `work` might
        tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return {"unit": task.stem, "display": task.display, "status": STATUS_CRASHED, "outputs": {}, "rendered": [],
                "timings": {}, "pid": os.getpid(), "findings": [_internal(task, f"内部错误（请报告此问题）：{tail}")]}
    return {"unit": task.stem, "display": task.display, "status": STATUS_FAILED, "outputs": {}, "rendered": [],
            "timings": {}, "pid": os.getpid(), "findings": [_internal(task, memory_message(_MEMORY_MB))],
            "retire": True}


def ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C goes to the runner, which lets the units in hand finish and then stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _input_bytes(task: Task) -> bytes:
    if task.text is not None:
        return task.text.encode("utf-8")
    assert task.path is not None  # a task is a file's path or an imported sheet's text
    try:
        return Path(task.path).read_bytes()
    except OSError:
        return b""  # the loader reports why it cannot be read


def run_unit(task: Task) -> dict:
    """Check and render one unit; never raises (an unexpected error becomes a `crashed` result)."""
    started = time.perf_counter()
    result: dict = {
        "unit": task.stem,
        "display": task.display,
        "status": STATUS_FAILED,
        "findings": [],
        "outputs": {},
        "rendered": [],
        "timings": {},
        "pid": os.getpid(),
    }
    exhausted = False
    try:
        digest = hashlib.sha256(_input_bytes(task))
        checked = task.checked()
        last_year = checked.previous.path if checked.previous is not None else None
        if last_year is not None:  # last year's figures are part of what was checked
            try:
                digest.update(b"\0previous\0" + Path(last_year).read_bytes())
            except OSError:
                pass
        if checked.previous is not None and checked.previous.note:
            result["previous"] = checked.previous.note
        result["timings"]["check"] = time.perf_counter() - started
        result["findings"] = [finding.to_dict() for finding in checked.findings]
        report = checked.report
        if report is not None:
            result.update(agency=report.agency, year=report.year, format=report.format, kind=report.kind)
        if not checked.ok:
            return result
        try:
            pack = pack_of(checked)
            key = {"input": digest.hexdigest(), "pack": pack_hash(pack), "code": task.code}
        except PackError as exc:
            result["findings"].append(_internal(task, str(exc), "PACK"))
            return result
        result["key"] = key
        out_dir = Path(task.out_dir)
        outputs, todo = {}, []
        entry = task.previous_entry or {}
        for fmt in task.formats:
            target = out_dir / f"{task.stem}.{fmt}"
            size = (entry.get("outputs") or {}).get(fmt)
            if not task.force and entry.get("key") == key and size is not None and _size(target) == size:
                outputs[fmt] = size
            else:
                todo.append(fmt)
        if todo:
            document = document_for(report, pack)
            rendered = {}
            for fmt, (data, seconds) in render_all(document, pack, tuple(todo)).items():
                rendered[fmt] = data
                result["timings"][fmt] = seconds
            for fmt, data in rendered.items():  # every format produced before any is written
                write_atomic(out_dir / f"{task.stem}.{fmt}", data)
                outputs[fmt] = len(data)
        result["outputs"] = {fmt: outputs[fmt] for fmt in task.formats}
        result["rendered"] = todo
        result["status"] = STATUS_WARNING if checked.findings else STATUS_OK
    except MemoryError:
        exhausted = True  # reported below, once this except block has let go of what filled the memory
    except OSError as exc:
        result["status"] = STATUS_CRASHED
        result["findings"].append(_internal(task, f"无法写入输出：{getattr(exc, 'strerror', None) or exc}"))
    except Exception as exc:  # a writer's bug must not stop the batch: report it against this unit
        result["status"] = STATUS_CRASHED
        tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result["findings"].append(_internal(task, f"内部错误（请报告此问题）：{tail}"))
    finally:
        result["timings"]["total"] = time.perf_counter() - started
        result["rss_kb"] = peak_rss_kb()
        result["vm_kb"] = vm_peak_kb()
        if not exhausted:
            _settle()
    if exhausted:
        result.update(status=STATUS_FAILED, outputs={}, rendered=[], retire=True)
        result["findings"].append(_internal(task, memory_message(_MEMORY_MB)))
    return result


def _internal(task: Task, message: str, rule: str = "BATCH") -> dict:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=task.display).to_dict()


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


__all__ = ["Task", "run_unit", "serve", "memory_message", "timeout_message", "STATUS_OK", "STATUS_WARNING",
           "STATUS_FAILED", "STATUS_CRASHED", "FORMATS"]
