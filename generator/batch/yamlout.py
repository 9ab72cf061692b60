"""The YAML emitter of `govreport import`, `rollup` and the benchmark's synthetic units, now generator/yamlout.py
(shared with `govreport templates new`); its names stay importable from here."""

from __future__ import annotations

from ..yamlout import dump_input, scalar

__all__ = ["dump_input", "scalar"]
