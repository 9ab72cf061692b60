"""Findings placed on a collection sheet's cells: a finding about an input key (e.g. `applications.new[2]`, or the
column identity `applications[2]`) is reported at `book.xlsx:sheet!E44` instead of a YAML line."""

from __future__ import annotations

from dataclasses import replace

from ...findings import Finding
from .layout import Layout, layout_for


def locate(finding: Finding, layout: Layout, display: str) -> Finding:
    """A finding about an imported sheet, placed on the sheet's cell instead of a YAML line."""
    item = layout.cell_of(finding.key)
    where = f"{display}!{item.coord}" if item else display
    return replace(finding, file=where, line=None)


def locate_findings(findings: list[dict], fmt: str | None, display: str) -> list[dict]:
    """Findings as dicts (a batch worker's result) about the sheet `display` of format `fmt`, placed on its cells;
    unchanged when `fmt` is None (not a workbook sheet)."""
    if fmt is None:
        return findings
    layout = layout_for(fmt)
    out = []
    for data in findings:
        item = layout.cell_of(data.get("key"))
        data = dict(data)
        data["file"] = f"{display}!{item.coord}" if item else display
        data["line"] = None
        out.append(data)
    return out
