"""Batch generation for a jurisdiction: many units checked and rendered in parallel worker processes, collection
workbooks (xlsx) to gather the figures, roll-up of many units into one report, and a seeded generator of test units.

Clients of the pipeline (generator/pipeline.py): sources.py (the units: YAML files, folders, workbook sheets),
runner.py and worker.py (parallel, resumable; a worker checks and renders one unit through the pipeline),
summary.py (OUT/index.html, OUT/summary.csv), workbook/ (the collection workbook: layout, writer, reader, findings
on cells), rollup.py (the units' tables summed), synth.py (synthetic townships), names.py (output names)."""
