"""Where the packs shipped with govreport are: templates/ at the top of the repository, base among them."""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
BASE_DIR = TEMPLATES_DIR / "base"  # ends every chain: it holds every setting the writers read
