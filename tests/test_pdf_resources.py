"""A pack's page may load files from its own folders and data: URLs; never the network or another file of the
machine (a fetch could hang a batch, or put a file of the server into a published report)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.writers.pdf.engine import ConfinedFetcher

BASE = Path(__file__).resolve().parent.parent / "templates" / "base"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.invalid/x.png",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        f"file://{BASE}/../../pyproject.toml",
        f"file://{BASE}",
    ],
)
def test_outside_resources_are_refused_at_once(url: str) -> None:
    fetcher = ConfinedFetcher((BASE,))
    begin = time.perf_counter()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert time.perf_counter() - begin < 1


def test_the_packs_own_files_and_data_urls_are_fetched() -> None:
    fetcher = ConfinedFetcher((BASE,))
    assert b"@page" in fetcher.fetch(f"file://{BASE}/report.css").read()
    assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"
