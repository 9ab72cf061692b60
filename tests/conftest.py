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
