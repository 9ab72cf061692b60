"""Not tests: a worker function for tests/test_batch.py, in its own module so worker processes can import it;
a unit named `boom*` kills its worker process outright."""

import os

from generator.batch.worker import Task


def work(task: Task) -> dict:
    if task.stem.startswith("boom"):
        os._exit(3)  # as the kernel's OOM killer or a crash in a C library would end it
    return {"unit": task.stem, "display": task.display, "status": "ok", "findings": [], "outputs": {}, "pid": os.getpid()}
