"""PDF writer: WeasyPrint renders the report's HTML page with the GB/T 9704 page rules of the pack's CSS.

    render(document, pack, page=None)  the PDF as bytes; WeasyPrint is loaded on the first call, not on import
    enable_speedups()                  switch on speedups.py for this process — called by the processes that render
                                       report after report (batch workers, the web server) and by `govreport render`

    engine.py     WeasyPrint set up for reports: the fonts (fonts.py), justified Chinese (typeset.py), the report's
                  HTML class with its lean user-agent sheet and confined URL fetcher, one render at a time
    typeset.py    justified lines of Chinese ending on the text block's edge, figures kept whole (layout: always on)
    speedups.py   what WeasyPrint does again for every document, done once per process; changes no byte
    html_tree.py  the page read by lxml into the tree WeasyPrint would build (a speed-up, with the others)
    fonts.py      the open Fandol faces made visible to fontconfig

Importing this package has no side effect: nothing of WeasyPrint is loaded or patched until a PDF is rendered or
the speed-ups are switched on.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...document import Document
    from ...packs import Pack


def render(document: Document, pack: Pack, page: str | None = None) -> bytes:
    """The PDF of `document`, from its HTML page (`page`, when the caller has made it already)."""
    from . import engine

    return engine.render(document, pack, page)


def speedups_wanted() -> bool:
    """GOVREPORT_PDF_SPEEDUPS=0 keeps WeasyPrint as shipped (but for typeset.py): the same PDF, more slowly — a way
    out should a WeasyPrint release ever disagree with the speed-ups."""
    return os.environ.get("GOVREPORT_PDF_SPEEDUPS", "1").strip() != "0"


def enable_speedups() -> list[str]:
    """Switch on the speed-ups (speedups.py) for this process, unless GOVREPORT_PDF_SPEEDUPS=0; the names of those
    that apply to this WeasyPrint. Loads WeasyPrint (the speed-ups wrap its functions)."""
    if not speedups_wanted():
        return []
    from . import engine, speedups

    engine.load()
    speedups.install()
    return speedups.installed()


__all__ = ["enable_speedups", "render", "speedups_wanted"]
