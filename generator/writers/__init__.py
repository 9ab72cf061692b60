"""Writers: render a `Document` as HTML, PDF, DOCX or a CMS fragment. Each reads the document only; the PDF writer
and the CMS fragment read its HTML.

`writer(fmt)` gives a format's `render(document, pack) -> bytes`; each writer module is imported on first use,
so `govreport --help` never loads WeasyPrint, and the PDF writer loads it only to render (writers/pdf/).
"""

from __future__ import annotations

import time
from typing import Callable

FORMATS = ("html", "docx", "pdf")  # what is rendered when no format is named
# The CMS fragment (writers/cms.py), only when asked for (`--to cms`). A format's name is also its file's suffix:
# <stem>.cms.html, an HTML file that is not a page.
CMS = "cms.html"
ALL_FORMATS = (*FORMATS, CMS)
FORMAT_ALIASES = {"cms": CMS}  # the name a user types


def writer(fmt: str) -> Callable[..., bytes]:
    """The `render(document, pack) -> bytes` function of a format (the PDF's and the CMS fragment's also take the
    HTML page as `page=`, when it is made already)."""
    if fmt == "html":
        from . import html

        return html.render
    if fmt == "docx":
        from . import docx

        return docx.render
    if fmt == "pdf":
        from . import pdf

        return pdf.render
    if fmt == CMS:
        from . import cms

        return cms.render
    raise KeyError(fmt)


def render_all(document, pack, formats: tuple[str, ...] = FORMATS) -> dict[str, tuple[bytes, float]]:
    """Every requested format as bytes, with the seconds it took. The HTML page is made once: the PDF writer and
    the CMS fragment read the same page the HTML writer returns."""
    rendered: dict[str, tuple[bytes, float]] = {}
    from_page = ("html", "pdf", CMS)
    shared = sum(fmt in formats for fmt in from_page) > 1
    page = None  # the HTML page, when two formats made from it are asked for
    for fmt in formats:
        begin = time.perf_counter()
        if shared and page is None and fmt in from_page:
            from .html import render_text

            page = render_text(document, pack)
        if fmt == "html" and page is not None:
            data = page.encode("utf-8")
        elif fmt in ("pdf", CMS):
            data = writer(fmt)(document, pack, page=page)
        else:
            data = writer(fmt)(document, pack)
        rendered[fmt] = (data, time.perf_counter() - begin)
    return rendered
