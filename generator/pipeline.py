"""The public API: load and check an input, build its document, render it — one path for the CLI, the batch
runner and the web form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import check
from .checks.crossyear import Previous, previous_for
from .document import Document, build
from .findings import Finding, has_errors
from .model import Loaded, load
from .packs import Pack, PackError, pack_named
from .writers import FORMATS, render_all, write_atomic


@dataclass
class Checked:
    loaded: Loaded
    findings: list[Finding] = field(default_factory=list)
    options: dict = field(default_factory=dict)  # what it was checked with, e.g. templates (an agency's folder)
    previous: Previous | None = None  # last year's report used for the cross-year rules, or why none was

    @property
    def ok(self) -> bool:
        return self.loaded.report is not None and not has_errors(self.findings)

    @property
    def report(self):
        return self.loaded.report


def check_file(
    path: str | Path,
    display: str | None = None,
    previous: str | Path | None = None,
    find_previous: bool = True,
    **options,
) -> Checked:
    """Load and check one input; `previous` is last year's file, else one is looked for beside it (crossyear.py)."""
    loaded = load(path, display)
    last_year = previous_for(Path(path), loaded, Path(previous) if previous else None, find_previous)
    return Checked(loaded, check(loaded, last_year, **options), options, last_year)


def pack_for(report, templates: Path | None = None) -> Pack:
    """The input's template pack (`template:`), searched first in `templates` (`--templates DIR`)."""
    return pack_named(report.template, templates)


def document_for(report, pack: Pack | None = None) -> Document:
    return build(report, pack or pack_for(report))


def render_document(document: Document, pack: Pack, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    """Every requested format as bytes; nothing is written."""
    return {fmt: data for fmt, (data, _seconds) in render_all(document, pack, formats).items()}


def render_to(checked: Checked, out_dir: Path, stem: str, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Render a checked, valid report into `out_dir/<stem>.<fmt>`; all formats are produced before any is written."""
    if not checked.ok:
        raise ValueError("refusing to render a report with errors")
    pack = pack_for(checked.report, checked.options.get("templates"))
    outputs = render_document(document_for(checked.report, pack), pack, formats)
    written = []
    for fmt, data in outputs.items():
        target = out_dir / f"{stem}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    return written


__all__ = ["Checked", "check_file", "document_for", "render_document", "render_to", "PackError", "FORMATS"]
