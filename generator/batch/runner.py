"""Run a batch: units in parallel worker processes (recycled so memory stays flat), resumable through a manifest,
with progress on stderr; then OUT/index.html and OUT/summary.csv.

Workers come from a fork server that has already imported the writers (WeasyPrint and its font configuration) and
rendered one report (batch/warm.py), so a recycled worker starts in milliseconds, warm. The runner keeps its workers
itself (`_Workers`), each with its own pipe and one unit at a time, so it always knows which unit a worker holds and
since when. That is what the limits need: a unit past `--unit-timeout` has its worker killed and replaced, and is
reported as failed; a unit past `--unit-memory` (RLIMIT_AS, set by the worker itself) fails with MemoryError and its
worker retires. A worker that dies (the kernel's OOM killer, a crash in a C library) costs only the unit it held,
which is tried once more in another worker and reported as `crashed` if that one dies too.

Not `concurrent.futures.ProcessPoolExecutor`: it cannot stop one overdue unit without breaking the whole pool, its
`max_tasks_per_child` can deadlock on Python 3.11 (CPython gh-115634), and a worker dying while `submit()` starts
another can hang its `shutdown()` (seen here once in a few hundred crash tests).
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import multiprocessing
import multiprocessing.process
import os
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as connection_wait
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Callable, Iterable

from ..findings import Finding, Severity
from ..limits import UNIT_MEMORY_MB, UNIT_TIMEOUT_SECONDS
from .sources import Unit
from .worker import STATUS_CRASHED, STATUS_FAILED, STATUS_OK, STATUS_WARNING, Task

MANIFEST = ".govreport-batch.jsonl"
DEFAULT_RECYCLE = 100  # units per worker before it is replaced
_GENERATOR_DIR = Path(__file__).resolve().parent.parent


def code_version() -> str:
    """govreport's version plus a digest of its source, so outputs of a changed generator are never taken as current."""
    try:
        from importlib.metadata import version

        release = version("govreport")
    except Exception:  # pragma: no cover - running from a checkout without installing
        release = "0"
    digest = hashlib.sha256()
    for path in sorted(_GENERATOR_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(_GENERATOR_DIR)).encode() + b"\0" + path.read_bytes())
    return f"{release}+{digest.hexdigest()[:16]}"


# --- the manifest: one JSON line per finished unit, appended as results arrive --------------------------------
def read_manifest(out_dir: Path) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    try:
        text = (out_dir / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return entries
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by an interruption
        if isinstance(entry, dict) and isinstance(entry.get("unit"), str):
            entries[entry["unit"]] = entry
    return entries


def _manifest_line(result: dict) -> str:
    keep = ("unit", "display", "status", "key", "outputs", "agency", "year", "format", "kind", "findings",
            "rendered", "timings", "rss_kb", "vm_kb", "pid")
    return json.dumps({k: result[k] for k in keep if k in result}, ensure_ascii=False) + "\n"


def remove_stale_parts(out_dir: Path) -> int:
    """Temporary files of writes cut short by a kill (write_atomic's `.<name>.*.part`)."""
    count = 0
    for path in out_dir.glob(".*.part"):
        try:
            path.unlink()
            count += 1
        except OSError:
            pass
    return count


# --- running ------------------------------------------------------------------------------------------------
@dataclass
class BatchOptions:
    out_dir: Path
    formats: tuple[str, ...]
    jobs: int = 0  # 0: one worker per core
    recycle: int = DEFAULT_RECYCLE
    previous_dir: Path | None = None
    force: bool = False
    templates: Path | None = None  # an agency's own template folder, as `render --templates`
    unit_timeout: float = UNIT_TIMEOUT_SECONDS  # seconds per unit (0: no limit)
    unit_memory: int = UNIT_MEMORY_MB  # MB of address space per worker (0: no limit)


@dataclass
class BatchRun:
    results: list[dict] = field(default_factory=list)  # in unit order
    seconds: float = 0.0
    jobs: int = 1

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.results if r["status"] in statuses)

    @property
    def failed(self) -> int:
        return self.count(STATUS_FAILED, STATUS_CRASHED)

    @property
    def rendered(self) -> int:
        return sum(1 for r in self.results if r.get("rendered"))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _previous_for(unit: Unit, previous_dir: Path | None) -> str | None:
    if previous_dir is None:
        return None
    for suffix in (".yaml", ".yml"):
        candidate = previous_dir / f"{unit.stem}{suffix}"
        if candidate.is_file():
            return str(candidate)
    return None


def _pre_failed(unit: Unit) -> dict:
    """A unit whose workbook sheet could not be imported: failed before any worker sees it."""
    return {
        "unit": unit.stem,
        "display": unit.display,
        "status": STATUS_FAILED,
        "findings": [f.to_dict() for f in unit.findings],
        "outputs": {},
        "rendered": [],
        "timings": {},
    }


def _crashed(task: Task, why: str) -> dict:
    finding = Finding(rule="BATCH", severity=Severity.ERROR, message=why, file=task.display)
    return {"unit": task.stem, "display": task.display, "status": STATUS_CRASHED, "findings": [finding.to_dict()],
            "outputs": {}, "rendered": [], "timings": {}}


_CONTEXT: BaseContext | None = None


def _context():
    """The fork-server context, its server preloaded with the worker module (and so with WeasyPrint), warmed."""
    global _CONTEXT
    if _CONTEXT is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["generator.batch.worker", "generator.batch.warm"])
            _CONTEXT = forkserver
        else:  # pragma: no cover - Windows
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


@dataclass
class _Worker:
    """One worker process, its end of the pipe, and the unit it holds (None when idle)."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: Task | None = None
    deadline: float = math.inf
    done: int = 0


class _Workers:
    """The worker processes of a run: at most `jobs`, each fed one unit at a time, replaced after `recycle` units,
    after running out of memory, when it dies, or when its unit passes the time limit (it is then killed)."""

    def __init__(self, work, jobs: int, recycle: int, timeout: float, memory_mb: int):
        self.work, self.jobs, self.recycle, self.timeout, self.memory_mb = work, jobs, recycle, timeout, memory_mb
        self.live: list[_Worker] = []
        self.gone: list[multiprocessing.process.BaseProcess] = []  # stopped or killed, joined at the end
        self.strikes: dict[str, int] = {}  # unit → how many workers died holding it
        self.crashed: list[dict] = []  # results of units given up in `assign`, for the caller to report

    def busy(self) -> list[_Worker]:
        return [w for w in self.live if w.task is not None]

    def _start(self) -> _Worker:
        from .worker import serve

        context = _context()
        mine, theirs = context.Pipe(duplex=True)
        process = context.Process(target=serve, args=(theirs, self.work, self.memory_mb), daemon=True)
        process.start()
        theirs.close()  # the worker holds its end; when it exits, `mine` reads end-of-file
        worker = _Worker(process, mine)
        self.live.append(worker)
        return worker

    def assign(self, queue: deque) -> None:
        """Give every idle worker a unit, starting workers (up to `jobs`) while units are waiting."""
        for worker in list(self.live):
            if worker.task is None and not worker.process.is_alive():
                self.retire(worker)  # died while idle (killed from outside): nothing was lost
        while queue:
            idle = next((w for w in self.live if w.task is None), None)
            if idle is None:
                if len(self.live) >= self.jobs:
                    return
                idle = self._start()
            task = queue.popleft()
            try:
                idle.conn.send(task)
            except (OSError, ValueError):  # it died just now: as if it had died holding the unit
                idle.task = task
                self.retire(idle, kill=True)
                given_up = self.lost(idle, queue)
                if given_up is not None:
                    self.crashed.append(given_up)
                continue
            idle.task = task
            idle.deadline = time.monotonic() + self.timeout if self.timeout else math.inf
        return

    def lost(self, worker: _Worker, queue: deque) -> dict | None:
        """A worker died holding a unit: the unit goes back to the front of the queue once; the second time, its
        result (`crashed`) is returned."""
        task = worker.task
        assert task is not None  # called for a worker that held a unit
        worker.task = None
        self.strikes[task.stem] = self.strikes.get(task.stem, 0) + 1
        if self.strikes[task.stem] < 2:
            queue.appendleft(task)  # once more, in another worker: it may have been killed for another's sake
            return None
        return _crashed(task, "处理该单位时工作进程意外退出（内存不足或底层库崩溃）；其他单位不受影响")

    def retire(self, worker: _Worker, kill: bool = False) -> None:
        """Stop using a worker: an idle one sees its pipe closed and exits; a busy one is killed."""
        if worker in self.live:
            self.live.remove(worker)
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.conn.close()
        self.gone.append(worker.process)
        self.gone = [p for p in self.gone if p.is_alive()]  # reap the ones that have exited

    def wait(self) -> tuple[list[_Worker], list[_Worker]]:
        """Wait until a busy worker has a result or has died, or a deadline passes: (ready, overdue)."""
        busy = self.busy()
        if not busy:
            return [], []
        soonest = min(w.deadline for w in busy)
        pause = 3600.0 if soonest == math.inf else min(3600.0, max(0.0, soonest - time.monotonic()))
        handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        ready_handles = set(connection_wait(handles, timeout=pause))
        ready = [w for w in busy if w.conn in ready_handles or w.process.sentinel in ready_handles]
        now = time.monotonic()
        overdue = [w for w in busy if w not in ready and now >= w.deadline]
        return ready, overdue

    def shutdown(self) -> None:
        for worker in list(self.live):
            self.retire(worker, kill=worker.task is not None)
        for process in self.gone:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - an idle worker that did not exit on end-of-file
                process.kill()
                process.join(timeout=5)
        self.gone = []


def run_tasks(tasks: list[Task], jobs: int, recycle: int, on_result: Callable[[dict], None], work=None,
              timeout: float = UNIT_TIMEOUT_SECONDS, memory_mb: int = UNIT_MEMORY_MB) -> None:
    """Run every task in worker processes; call `on_result` in the parent for each result as it arrives.
    `work(task) -> dict` runs in the workers (default: check and render the unit); it must be importable by name.

    Each unit gets at most `timeout` seconds (0: no limit) — past it, its worker is killed and the unit is reported
    as failed — and each worker at most `memory_mb` MB of address space (0: no limit). A unit whose worker dies is
    tried once more in another worker; if that one dies too, the unit is reported as `crashed`. Other units are
    never affected. On Ctrl-C (KeyboardInterrupt) no new unit is started; the units in hand finish (within their
    time limit) and are reported, then the interruption goes on; a second Ctrl-C stops them at once."""
    from .worker import STATUS_FAILED as failed
    from .worker import timeout_message

    queue: deque[Task] = deque(tasks)
    workers = _Workers(work, max(1, jobs), max(1, recycle), timeout, memory_mb)

    def collect(worker: _Worker) -> None:
        try:
            result = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            result = None
        except Exception:  # noqa: BLE001 - a result that cannot be unpickled: as if the worker had died
            result = None
        if not isinstance(result, dict):  # the worker died holding this unit
            workers.retire(worker, kill=True)
            given_up = workers.lost(worker, queue)
            if given_up is not None:
                on_result(given_up)
            return
        worker.task, worker.deadline = None, math.inf
        worker.done += 1
        if result.pop("retire", False) or worker.done >= workers.recycle:
            workers.retire(worker)
        on_result(result)

    def overdue(worker: _Worker) -> None:
        if worker.conn.poll():  # finished just as the time ran out
            collect(worker)
            return
        task = worker.task
        assert task is not None  # only a worker holding a unit has a deadline
        workers.retire(worker, kill=True)
        _remove_parts(task)
        finding = Finding(rule="BATCH", severity=Severity.ERROR, message=timeout_message(timeout), file=task.display)
        on_result({"unit": task.stem, "display": task.display, "status": failed, "findings": [finding.to_dict()],
                   "outputs": {}, "rendered": [], "timings": {"total": timeout}})

    def step() -> None:
        while workers.crashed:  # units given up while being handed out
            on_result(workers.crashed.pop(0))
        ready, late = workers.wait()
        for worker in ready:
            collect(worker)
        for worker in late:
            overdue(worker)

    try:
        while queue or workers.busy() or workers.crashed:
            workers.assign(queue)
            step()
    except KeyboardInterrupt:
        queue.clear()  # nothing new; the units in hand finish and are recorded
        try:
            while workers.busy() or workers.crashed:
                step()
        except KeyboardInterrupt:
            pass  # a second Ctrl-C: stop them now
        raise
    finally:
        workers.shutdown()


def _remove_parts(task: Task) -> None:
    """Temporary files a killed worker may have left for its unit (the next run would remove them anyway)."""
    if not task.out_dir:
        return
    for path in Path(task.out_dir).glob(f".{glob.escape(task.stem)}.*.part"):
        try:
            path.unlink()
        except OSError:
            pass


def run_batch(
    units: list[Unit],
    options: BatchOptions,
    progress: Callable[[dict], None] | None = None,
) -> BatchRun:
    """Check and render every unit into `options.out_dir`; results come back in unit order."""
    started = time.perf_counter()
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out_dir)
    manifest = {} if options.force else read_manifest(out_dir)
    jobs = options.jobs or default_jobs()
    code = code_version()
    results: dict[str, dict] = {}
    tasks: list[Task] = []
    for unit in units:
        if not unit.imported_ok:
            results[unit.stem] = _pre_failed(unit)
            continue
        tasks.append(
            Task(
                stem=unit.stem,
                display=unit.display,
                out_dir=str(out_dir),
                formats=options.formats,
                code=code,
                path=str(unit.path) if unit.path is not None else None,
                text=unit.text,
                previous=_previous_for(unit, options.previous_dir),
                no_find=options.previous_dir is not None,
                previous_entry=manifest.get(unit.stem),
                force=options.force,
                templates=str(options.templates) if options.templates else None,
            )
        )
    by_stem = {unit.stem: unit for unit in units}
    with open(out_dir / MANIFEST, "a", encoding="utf-8") as journal:

        def finish(result: dict) -> None:
            unit = by_stem.get(result["unit"])
            if unit is not None and unit.book is not None:
                from ..readers.workbook import locate_findings

                result["findings"] = locate_findings(result["findings"], unit.form, unit.display)
            results[result["unit"]] = result
            journal.write(_manifest_line(result))
            journal.flush()
            if progress:
                progress(result)

        for stem, result in list(results.items()):  # import failures: recorded like the others
            journal.write(_manifest_line(result))
            if progress:
                progress(result)
        run_tasks(tasks, jobs, options.recycle, finish, timeout=options.unit_timeout, memory_mb=options.unit_memory)
    ordered = [results[unit.stem] for unit in units if unit.stem in results]
    _compact_manifest(out_dir, ordered)
    return BatchRun(ordered, time.perf_counter() - started, jobs)


def _compact_manifest(out_dir: Path, results: Iterable[dict]) -> None:
    from ..files import write_atomic

    previous = read_manifest(out_dir)
    for result in results:
        previous[result["unit"]] = json.loads(_manifest_line(result))
    text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in previous.values())
    write_atomic(out_dir / MANIFEST, text.encode("utf-8"))


__all__ = ["BatchOptions", "BatchRun", "run_batch", "run_tasks", "read_manifest", "code_version", "default_jobs",
           "STATUS_OK", "STATUS_WARNING", "STATUS_FAILED", "STATUS_CRASHED"]
