"""Not tests: a worker function for tests/test_batch.py and tests/test_batch_limits.py, in its own module so worker
processes can import it. A unit named `boom*` kills its worker process outright; a unit named `hog*` allocates memory
16 MB at a time until the worker's address-space limit stops it; a unit with an output folder is checked and rendered
by the real worker function; any other unit succeeds at once."""

import os

from generator.batch.worker import Task, run_unit


def work(task: Task) -> dict:
    if task.stem.startswith("boom"):
        os._exit(3)  # as the kernel's OOM killer or a crash in a C library would end it
    if task.stem.startswith("hog"):
        hoard = []
        while True:  # ends in MemoryError once RLIMIT_AS is reached; every chunk is written, so really in memory
            hoard.append(b"\x01" * (16 << 20))
    if task.out_dir:
        return run_unit(task)
    return {
        "unit": task.stem,
        "display": task.display,
        "status": "ok",
        "findings": [],
        "outputs": {},
        "pid": os.getpid(),
    }
