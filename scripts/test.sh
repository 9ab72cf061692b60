#!/usr/bin/env bash
# Run the lint, the type check and the test suite; sets the machine up first when it is not (same steps as
# scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-samples
echo "==> ruff check (lint, import order)"
.venv/bin/ruff check generator tests benchmarks
echo "==> mypy generator"
.venv/bin/mypy
exec .venv/bin/python -m pytest -q "$@"
