"""The public API: load and check an input, build its document, render it — one path for the CLI, the batch
runner, the roll-up, the collection workbook and the web form.

    options = CheckOptions(previous=None, find_previous=True, templates=None)
    checked = check_file(path, display, options)         # a YAML file: `govreport check`
    checked = check_text(text, display, options, at=path)  # text not (yet) in a file: the web form, a workbook sheet
    checked = check_loaded(loaded, options)              # data already loaded (a workbook sheet read cell by cell)
    if checked.ok: render_to(checked, out_dir, stem, formats)

Last year's report (the cross-year rules): `options.previous` when given; else, when `options.find_previous` and
the input has a place (`path`, `at`), the file found beside it (checks/crossyear.py, `previous_for`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import check
from .checks.crossyear import Previous, previous_for
from .document import Document, build
from .files import write_atomic
from .findings import Finding, has_errors
from .model import Loaded
from .packs import Pack, PackError, ResolvedPack, pack_named, resolve_pack
from .readers.yaml import load, load_string
from .writers import FORMATS, render_all, writer
from .writers.html import render_text


@dataclass(frozen=True)
class CheckOptions:
    """How an input is checked (`--previous`, `--no-previous`, `--templates`)."""

    previous: Path | None = None  # last year's input; None: look for it beside the input (if `find_previous`)
    find_previous: bool = True  # look for last year's file beside the input when `previous` is not given
    templates: Path | None = None  # an agency's own template folder, searched first for the input's pack

    @classmethod
    def of(cls, previous: str | Path | None = None, find_previous: bool = True,
           templates: str | Path | None = None) -> "CheckOptions":
        return cls(Path(previous) if previous else None, find_previous, Path(templates) if templates else None)


@dataclass
class Checked:
    loaded: Loaded
    findings: list[Finding] = field(default_factory=list)
    options: CheckOptions = field(default_factory=CheckOptions)  # what it was checked with
    previous: Previous | None = None  # last year's report used for the cross-year rules, or why none was
    pack: ResolvedPack | None = None  # the input's template pack, resolved (and tried) once for every later stage

    @property
    def ok(self) -> bool:
        return self.loaded.report is not None and not has_errors(self.findings)

    @property
    def report(self):
        return self.loaded.report


def check_loaded(loaded: Loaded, options: CheckOptions | None = None, at: str | Path | None = None) -> Checked:
    """Check a loaded input: every rule, with last year's report from `options.previous`, or found beside `at` (the
    input's place) when `options.find_previous`. Without `at` nothing is looked for."""
    options = options or CheckOptions()
    where = Path(at) if at is not None else Path(loaded.file)
    find = options.find_previous and at is not None
    last_year = previous_for(where, loaded, options.previous, find)
    resolved = None
    if loaded.report is not None:
        report = loaded.report
        resolved = resolve_pack(report.template, options.templates, lambda pack: trial_render(pack, report))
    findings = check(loaded, last_year, templates=options.templates, pack=resolved)
    return Checked(loaded, findings, options, last_year, resolved)


def trial_render(pack: Pack, report) -> PackError | None:
    """What rendering `report` with `pack` would report about the pack (located problems, in Chinese), or None.

    Builds the document (the pack's wording) and renders the HTML page from the pack's templates, as `render`
    does, keeping nothing. DOCX reads only settings checked when the pack loaded, and PDF reads this page."""
    try:
        render_text(build(report, pack), pack)
    except PackError as exc:
        return exc
    except Exception:  # noqa: BLE001 — not the pack's: a report with errors of its own, reported by their rules
        return None
    return None


def check_file(
    path: str | Path,
    display: str | None = None,
    options: CheckOptions | None = None,
    *,
    previous: str | Path | None = None,
    find_previous: bool = True,
    templates: str | Path | None = None,
) -> Checked:
    """Load and check one input file (`govreport check`). `display` names it in messages (default: the path).
    Options as `CheckOptions`, or as the keywords `previous`, `find_previous`, `templates`."""
    options = options or CheckOptions.of(previous, find_previous, templates)
    return check_loaded(load(path, display), options, at=path)


def check_text(
    text: str, display: str, options: CheckOptions | None = None, at: str | Path | None = None
) -> Checked:
    """Load and check an input given as text, named `display` in messages: the web form's values (`at`: the file
    they will be saved to, so last year's file is found beside it), a workbook sheet (no `at`)."""
    return check_loaded(load_string(text, display), options, at)


def pack_for(report, templates: Path | None = None) -> Pack:
    """The input's template pack (`template:`), searched first in `templates` (`--templates DIR`)."""
    return pack_named(report.template, templates)


def document_for(report, pack: Pack | None = None) -> Document:
    return build(report, pack or pack_for(report))


def render_document(document: Document, pack: Pack, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    """Every requested format as bytes; nothing is written."""
    return {fmt: data for fmt, (data, _seconds) in render_all(document, pack, formats).items()}


def prepare_rendering(formats: tuple[str, ...] = FORMATS, speedups: bool = True) -> list[str]:
    """Load the writers of `formats` now and, with `speedups`, switch on the PDF speed-ups (writers/pdf/speedups.py)
    for this process: called by the processes that render report after report (batch workers, the web server) and
    by `govreport render`. Returns the speed-ups on (none when GOVREPORT_PDF_SPEEDUPS=0). Nothing of this happens on
    import: a process that only checks (`check`, `rollup`) never loads or patches WeasyPrint."""
    on: list[str] = []
    if "pdf" in formats and speedups:
        from .writers.pdf import enable_speedups

        on = enable_speedups()
    for fmt in formats:
        writer(fmt)
    return on


def pack_of(checked: Checked) -> Pack:
    """The pack a checked report renders with: the one its check resolved, else its `template:` looked up."""
    if checked.pack is not None and checked.pack.pack is not None:
        return checked.pack.pack
    return pack_for(checked.report, checked.options.templates)


def render_checked(checked: Checked, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    """Every requested format of a checked, valid report as bytes; nothing is written (the web form's downloads)."""
    if not checked.ok:
        raise ValueError("refusing to render a report with errors")
    pack = pack_of(checked)
    return render_document(document_for(checked.report, pack), pack, formats)


def render_to(checked: Checked, out_dir: Path, stem: str, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Render a checked, valid report into `out_dir/<stem>.<fmt>`; all formats are produced before any is written."""
    outputs = render_checked(checked, formats)
    written = []
    for fmt, data in outputs.items():
        target = out_dir / f"{stem}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    return written


__all__ = [
    "CheckOptions",
    "Checked",
    "check_file",
    "check_loaded",
    "check_text",
    "document_for",
    "pack_for",
    "pack_of",
    "render_checked",
    "prepare_rendering",
    "render_document",
    "render_to",
    "PackError",
    "FORMATS",
]
