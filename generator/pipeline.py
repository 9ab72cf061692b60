"""The public API: load and check an input, build its document, render it — one path for the CLI, the batch
runner and the web form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import check
from .document import Document, build
from .findings import Finding, has_errors
from .model import Loaded, load
from .packs import Pack, PackError, load_pack
from .writers import FORMATS, write_atomic, writer


@dataclass
class Checked:
    loaded: Loaded
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.loaded.report is not None and not has_errors(self.findings)

    @property
    def report(self):
        return self.loaded.report


def check_file(path: str | Path, display: str | None = None, **options) -> Checked:
    loaded = load(path, display)
    return Checked(loaded, check(loaded, **options))


def pack_for(report) -> Pack:
    return load_pack(report.template or "base")


def document_for(report, pack: Pack | None = None) -> Document:
    return build(report, pack or pack_for(report))


def render_document(document: Document, pack: Pack, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    """Every requested format as bytes; nothing is written."""
    return {fmt: writer(fmt)(document, pack) for fmt in formats}


def render_to(checked: Checked, out_dir: Path, stem: str, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Render a checked, valid report into `out_dir/<stem>.<fmt>`; all formats are produced before any is written."""
    if not checked.ok:
        raise ValueError("refusing to render a report with errors")
    pack = pack_for(checked.report)
    outputs = render_document(document_for(checked.report, pack), pack, formats)
    written = []
    for fmt, data in outputs.items():
        target = out_dir / f"{stem}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    return written


__all__ = ["Checked", "check_file", "document_for", "render_document", "render_to", "PackError", "FORMATS"]
