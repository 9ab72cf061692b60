"""Run a batch: units in parallel worker processes (recycled so memory stays flat), resumable through a manifest,
with progress on stderr; then OUT/index.html and OUT/summary.csv.

Workers come from a fork server that has already imported the writers (WeasyPrint and its font configuration) and
rendered one report (batch/warm.py), so a recycled worker starts in milliseconds, warm. Recycling is done by generations: each pool of `jobs` workers takes
`jobs × recycle` units and is then replaced — Python 3.11's `max_tasks_per_child` can deadlock (CPython gh-115634).
A worker that dies (out of memory, a crash in a C library) breaks only its pool: the units it may have held are
retried one at a time in a fresh process, and a unit that kills its process again is reported as `crashed`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..findings import Finding, Severity
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
            "rendered", "timings", "rss_kb", "pid")
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


_CONTEXT = None


def _context():
    """The fork-server context, its server preloaded with the worker module (and so with WeasyPrint), warmed."""
    global _CONTEXT
    if _CONTEXT is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            _CONTEXT = multiprocessing.get_context("forkserver")
            _CONTEXT.set_forkserver_preload(["generator.batch.worker", "generator.batch.warm"])
        else:  # pragma: no cover - Windows
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


class _Pool(ProcessPoolExecutor):
    """A process pool that starts all its workers at its first task, and none later.

    CPython 3.11 starts workers one by one inside `submit()`. When a worker dies while `submit()` is starting another,
    the pool's clean-up terminates the workers it knows, then waits for all of them — the one being started included,
    which nobody stops: `shutdown()` hangs (seen here once in a few hundred crash tests). Starting every worker at once
    is what CPython itself does for the 'fork' start method (`_launch_processes`).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if hasattr(self, "_safe_to_dynamically_spawn_children") and hasattr(self, "_launch_processes"):
            self._safe_to_dynamically_spawn_children = False


def run_tasks(tasks: list[Task], jobs: int, recycle: int, on_result: Callable[[dict], None], work=None) -> None:
    """Run every task in generations of pools; call `on_result` in the parent for each result as it arrives.
    `work(task) -> dict` runs in the workers (default: check and render the unit)."""
    from .worker import ignore_interrupts, run_unit

    work = work or run_unit
    queue = list(tasks)
    suspects: list[Task] = []
    strikes: dict[str, int] = {}
    while queue or suspects:
        if suspects:  # after a pool broke: each unit it held, alone, in a fresh process
            task = suspects.pop(0)
            batch, workers = [task], 1
        else:
            size = max(1, jobs * recycle)
            batch, queue = queue[:size], queue[size:]
            workers = min(jobs, len(batch))
        pool = _Pool(workers, mp_context=_context(), initializer=ignore_interrupts)
        futures = {}
        try:
            futures = {pool.submit(work, task): task for task in batch}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                broken = []
                for future in done:
                    try:
                        on_result(future.result())
                    except BrokenProcessPool:
                        broken.append(futures[future])
                if broken:
                    for future in [f for f in pending if f.done() and not f.exception()]:
                        pending.discard(future)
                        on_result(future.result())
                    held = [futures[f] for f in pending if f.running()] + broken
                    for task in {t.stem: t for t in held}.values():
                        strikes[task.stem] = strikes.get(task.stem, 0) + 1
                        if strikes[task.stem] >= 2 or workers == 1:
                            on_result(_crashed(task, "处理该单位时工作进程意外退出（内存不足或底层库崩溃）；其他单位不受影响"))
                        else:
                            suspects.append(task)
                    held_stems = {t.stem for t in held}
                    queue = [futures[f] for f in pending if futures[f].stem not in held_stems] + queue
                    break
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True, cancel_futures=True)


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
                from .workbook import locate_findings

                result["findings"] = locate_findings(result["findings"], unit)
            results[result["unit"]] = result
            journal.write(_manifest_line(result))
            journal.flush()
            if progress:
                progress(result)

        for stem, result in list(results.items()):  # import failures: recorded like the others
            journal.write(_manifest_line(result))
            if progress:
                progress(result)
        run_tasks(tasks, jobs, options.recycle, finish)
    ordered = [results[unit.stem] for unit in units if unit.stem in results]
    _compact_manifest(out_dir, ordered)
    return BatchRun(ordered, time.perf_counter() - started, jobs)


def _compact_manifest(out_dir: Path, results: Iterable[dict]) -> None:
    from ..writers import write_atomic

    previous = read_manifest(out_dir)
    for result in results:
        previous[result["unit"]] = json.loads(_manifest_line(result))
    text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in previous.values())
    write_atomic(out_dir / MANIFEST, text.encode("utf-8"))


__all__ = ["BatchOptions", "BatchRun", "run_batch", "run_tasks", "read_manifest", "code_version", "default_jobs",
           "STATUS_OK", "STATUS_WARNING", "STATUS_FAILED", "STATUS_CRASHED"]
