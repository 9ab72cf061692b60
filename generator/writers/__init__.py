"""Writers: render a `Document` as HTML, PDF or DOCX. Each reads the document only; the PDF writer reads its HTML.

`WRITERS` maps a format name to its module path; modules are imported on first use, so `govreport --help`
never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Callable

FORMATS = ("html", "docx", "pdf")
_MODULES = {"html": "generator.writers.html", "docx": "generator.writers.docx", "pdf": "generator.writers.pdf"}


def writer(fmt: str) -> Callable[..., bytes]:
    """The `render(document, pack) -> bytes` function of a format."""
    return importlib.import_module(_MODULES[fmt]).render


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
