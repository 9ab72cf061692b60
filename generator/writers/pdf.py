"""PDF writer: WeasyPrint renders the same HTML page, with the GB/T 9704 page rules of the pack's CSS.

The applications table is kept on one page (`break-inside: avoid`): WeasyPrint clips a rowspan cell that
crosses a page break (WeasyPrint issue 663).
"""

from __future__ import annotations

from ..document import Document
from ..packs import Pack
from . import fonts
from .html import render_text

fonts.configure()

import weasyprint  # noqa: E402  (after the fontconfig file is chosen)
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

_FONT_CONFIG = FontConfiguration()


def render(document: Document, pack: Pack) -> bytes:
    html = render_text(document, pack)
    return weasyprint.HTML(string=html, base_url=str(pack.dirs[0])).write_pdf(font_config=_FONT_CONFIG)
