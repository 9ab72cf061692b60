"""Warm the fork server: render one synthetic township in every format, in memory, before any worker is forked.

The runner preloads this module (after `worker`) in the fork server. Every worker, first or recycled, then starts
with what its first report would otherwise have to build: Pango's fonts loaded, the font files and the base pack's
table heights remembered (writers/pdf/speedups.py, switched on here), the DOCX skeleton made. That is about
0.2 s of each new worker's first report — over a batch of 1,000 recycled every 100 units, about 3 s. Nothing is
written; any failure is ignored (the workers then start cold, as they would without this module).
"""

from __future__ import annotations


def warm() -> bool:
    try:
        import gc

        from ..pipeline import document_for, pack_for, prepare_rendering
        from ..readers.yaml import load_string
        from ..writers import FORMATS, render_all
        from .synth import townships

        prepare_rendering()  # every writer loaded, the PDF speed-ups on
        (_stem, text), = townships(1, seed=20261127)
        loaded = load_string(text, "<warm-up>")
        if loaded.report is None:
            return False
        pack = pack_for(loaded.report)
        render_all(document_for(loaded.report, pack), pack, FORMATS)
        gc.collect()
        return True
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        return False


WARMED = warm()
