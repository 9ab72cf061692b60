#!/usr/bin/env bash
# Run the test suite; sets the machine up first when it is not (same steps as scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-samples
exec .venv/bin/python -m pytest -q "$@"
