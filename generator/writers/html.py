"""HTML writer: one self-contained page (CSS inlined) from the pack's Jinja templates."""

from __future__ import annotations

from jinja2 import TemplateError

from ..document import Document
from ..packs import Pack, PackError


def render_text(document: Document, pack: Pack) -> str:
    try:
        template = pack.env.get_template("report.html")
        return template.render(doc=document, settings=pack.settings)
    except TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or getattr(exc, 'name', None) or 'report.html'}"
        line = getattr(exc, "lineno", None)
        raise PackError(f"模板包“{pack.name}”的模板 {where}{':' + str(line) if line else ''} 有误：{exc}") from None


def render(document: Document, pack: Pack) -> bytes:
    return render_text(document, pack).encode("utf-8")
