# Benchmarks. `make bench`: one report, per-stage and per-format medians. `make bench-batch`: 1,000 synthetic
# township reports in all three formats through `govreport batch` (see docs/batch.md for the figures).
# `make bench-long`: long narratives, time against the length of the text (BEFORE=1 adds WeasyPrint's own line layout).
# `make bench-audit`: `govreport audit` on a folder of published reports (the seeds and samples/), reports per second.
PYTHON ?= .venv/bin/python
UNITS ?= 1000

.PHONY: bench bench-batch bench-long bench-audit

bench:
	$(PYTHON) -m benchmarks.report

bench-batch:
	$(PYTHON) -m benchmarks.batch --units $(UNITS)

bench-long:
	$(PYTHON) -m benchmarks.long_text $(if $(BEFORE),--before)

bench-audit:
	$(PYTHON) -m benchmarks.audit
