"""Writers: render a `Document` as HTML, PDF or DOCX. Each reads the document only; the PDF writer reads its HTML.

`WRITERS` maps a format name to its module path; modules are imported on first use, so `govreport --help`
never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
import time
from typing import Callable

FORMATS = ("html", "docx", "pdf")
_MODULES = {"html": "generator.writers.html", "docx": "generator.writers.docx", "pdf": "generator.writers.pdf"}


def writer(fmt: str) -> Callable[..., bytes]:
    """The `render(document, pack) -> bytes` function of a format."""
    return importlib.import_module(_MODULES[fmt]).render


def render_all(document, pack, formats: tuple[str, ...] = FORMATS) -> dict[str, tuple[bytes, float]]:
    """Every requested format as bytes, with the seconds it took. The HTML page is made once: the PDF writer reads
    the same page the HTML writer returns."""
    rendered: dict[str, tuple[bytes, float]] = {}
    shared = "html" in formats and "pdf" in formats
    page = None  # the HTML page, when both formats are asked for
    for fmt in formats:
        begin = time.perf_counter()
        if shared and page is None and fmt in ("html", "pdf"):
            page = importlib.import_module(_MODULES["html"]).render_text(document, pack)
        if fmt == "html" and page is not None:
            data = page.encode("utf-8")
        elif fmt == "pdf":
            data = writer("pdf")(document, pack, page=page)
        else:
            data = writer(fmt)(document, pack)
        rendered[fmt] = (data, time.perf_counter() - begin)
    return rendered
