"""Every finding of a fixed set of reports, against tests/fixtures/check_findings.json: the seeds in inputs/ (without,
found beside and given last year's file) and reports perturbed to trip every rule (check_variants.py). A change to
how rules locate or word their findings shows here finding by finding.

When a change of findings is intended, rewrite the fixture and review its diff:
    .venv/bin/python tests/test_checks_golden.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from check_variants import dump_findings, write_variants

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "check_findings.json"
COUNT = 160  # perturbed reports besides the seeds


def findings(folder: Path) -> dict[str, list[dict]]:
    """The rules' findings of every report (input errors left out: they are the loader's, not the rules')."""
    found = dump_findings(write_variants(folder, COUNT), folder)
    return {name: [f for f in items if f["rule"] != "INPUT"] for name, items in found.items()}


def test_findings_unchanged(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    found = findings(folder)
    assert found.keys() == expected.keys()
    for name in expected:
        assert found[name] == expected[name], name
    rules = {f["rule"] for items in found.values() for f in items}
    from generator.findings import RULES

    # the set trips every rule that runs on an input (the rules of a published report run in `govreport audit`)
    assert rules == {rule.id for rule in RULES if rule.find is not None}


def _write_fixture() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        here = os.getcwd()
        os.chdir(folder)
        try:
            found = findings(folder)
        finally:
            os.chdir(here)
    FIXTURE.parent.mkdir(exist_ok=True)
    reports = []
    for name, items in found.items():  # one finding a line, for a readable diff
        lines = ",\n".join("  " + json.dumps(f, ensure_ascii=False, sort_keys=True) for f in items)
        reports.append(f"{json.dumps(name)}: [\n{lines}\n ]" if items else f"{json.dumps(name)}: []")
    FIXTURE.write_text("{\n" + ",\n".join(reports) + "\n}\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(found)} reports, {sum(map(len, found.values()))} findings")


if __name__ == "__main__":
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
    _write_fixture()
