"""Checks: the rule table run over a validated report. Each rule yields located findings.

`check(loaded)` returns the input findings plus every rule's findings, errors first. Each rule runs through
`CheckContext.run`, so the context knows the rule running and `ctx.finding(message, at=path)` needs no rule id
(context.py says how a finding is located).
"""

from __future__ import annotations

from pathlib import Path

from ..findings import RULES, Finding, Severity, has_errors
from ..model import Loaded
from ..packs import ResolvedPack

# The rule modules register their rules in the order they run and are listed: keep these imports in this order.
# isort: off
from . import identities  # noqa: F401  (registers the identity rules)
from . import crossyear, deadlines, fees, narrative, parts  # noqa: F401  (register the supervisor's rules)
from . import pack_rules  # noqa: F401  (registers the template pack rules)
from . import published  # noqa: F401  (registers the rules of a published report: govreport audit)
# isort: on
from .context import CheckContext


def run_rules(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if rule.find is not None:
            findings.extend(ctx.run(rule))
    return findings


def check(
    loaded: Loaded, previous=None, *, templates: Path | None = None, pack: ResolvedPack | None = None
) -> list[Finding]:
    """All findings for one loaded input: input errors, or else every rule's findings.

    `previous` is a `crossyear.Previous` (last year's report); without it the cross-year rules find nothing.
    `pack` is the input's template pack as the pipeline resolved (and tried) it; without it the pack is loaded from
    `templates` (the agency's folder) and the shipped packs."""
    findings = list(loaded.findings)
    if loaded.report is not None:
        findings.extend(run_rules(CheckContext.of(loaded, previous, Path(templates) if templates else None, pack)))
    return sorted(findings, key=lambda f: (not f.is_error,))


__all__ = ["check", "run_rules", "CheckContext", "Finding", "Severity", "RULES", "has_errors"]
