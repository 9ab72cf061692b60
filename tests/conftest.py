"""Shared fixtures: the example inputs and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(params=INPUTS, ids=[p.stem for p in INPUTS])
def input_path(request) -> Path:
    return request.param


# --- rendered inputs, shared by the read-back tests (each input is rendered once per session) -----------------
_RENDERED: dict[Path, dict[str, bytes]] = {}


def render_input(path: Path) -> dict[str, bytes]:
    """HTML, DOCX and PDF bytes of a valid input, rendered through the public pipeline once per session."""
    if path not in _RENDERED:
        from generator.pipeline import check_file, document_for, pack_for, render_document

        checked = check_file(path)
        assert checked.ok, [f.format() for f in checked.findings]
        pack = pack_for(checked.report)
        _RENDERED[path] = render_document(document_for(checked.report, pack), pack, ("html", "docx", "pdf"))
    return _RENDERED[path]


@pytest.fixture
def rendered(input_path) -> dict[str, bytes]:
    return render_input(input_path)


@pytest.fixture(scope="session", autouse=True)
def _rendering_as_in_use():
    """Tests render as `govreport render`, batch workers and the web server do: with the PDF speed-ups switched on
    (explicitly, `pipeline.prepare_rendering`); tests/test_pdf_speedups.py compares the bytes without them."""
    from generator.writers.pdf import enable_speedups

    enable_speedups()
    yield


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium (Debian's, driven by Playwright), one per test module."""
    from playwright.sync_api import sync_playwright

    from generator.web.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
