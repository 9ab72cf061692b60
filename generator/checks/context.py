"""What a rule sees — the validated report, where it came from, last year's report — and how it says where a finding is.

One way to say where: a rule yields `ctx.finding(message, at=path)`, `path` being the full input path
(`labels.KeyPath`, from the top of the input: ("applications", "total", 3), ("date",)) the finding is about. The file
is the input's; the line is the path's (`ctx.line`), the part, row and column are `labels.place(path)`'s and the key
is `labels.dotted(path)`, so line, place and key cannot disagree. A whole column of table 三 is
`labels.table3_column(i)` (key "applications[i]", the line of its 一、本年新收 cell).

A rule never names itself: `run_rules` runs each rule through `ctx.run(rule)`, which tells the context the rule
that is running, and `ctx.finding` stamps its id and severity.

Overrides, keywords of `ctx.finding`, only where needed (None means "none"):
- `row=`, `column=`, `part=`: where the official wording differs from `place()` (T3-BALANCE's row
  "一 + 二 = （七）总计 + 四"; a narrative figure's row and column are the table cell it speaks of);
- `line=`: a line that is not the path's own — one line inside the narrative text at `at` (`NarrativeText.line`),
  or `ctx.line(at, fallback)` where `at` may be missing from the input.
`at=None` is a finding about no single input value (last year's file): the rule's part, no row, column or key, and
the line only if given (`line=ctx.line(("year",))`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..findings import Finding, Rule
from ..model import Loaded
from ..model.labels import KeyPath, Place, dotted, line_path, place
from ..model.placeholders import table_figures
from ..model.source import Source
from ..model.tables import ApplicationsTable, applications_table
from ..packs import ResolvedPack, resolve_pack

_PLACE: Any = object()  # an override not given: as the path says


@dataclass
class CheckContext:
    report: Any
    source: Source | None = None
    file: str | None = None
    previous: Any = None  # crossyear.Previous: last year's report, how it was found (or why there is none)
    templates: Path | None = None  # the agency's own template folder (`--templates`), searched first for the pack
    resolved: ResolvedPack | None = None  # the input's pack, as the pipeline resolved it (else resolved here)
    rule: Rule | None = field(default=None, repr=False, compare=False)  # the rule running (set by `run`)

    @classmethod
    def of(
        cls, loaded: Loaded, previous=None, templates: Path | None = None, pack: ResolvedPack | None = None
    ) -> "CheckContext":
        return cls(loaded.report, loaded.source, loaded.file, previous, templates, pack)

    @cached_property
    def pack(self) -> ResolvedPack:
        """The input's template pack (`template:`): the pipeline's resolution, or loaded here (not tried out)."""
        return self.resolved or resolve_pack(self.report.template, self.templates)

    @cached_property
    def narrative(self) -> list:
        """Every narrative text with its placeholders filled (the narrative checks read the rendered text)."""
        from ..packs.filling import narrative

        return narrative(self.report, self.source)

    @cached_property
    def applications(self) -> ApplicationsTable:
        """Table 三 with its totals computed, once for all the rules."""
        return applications_table(self.report)

    @cached_property
    def figures(self) -> dict:
        """The figures the narrative's placeholders and claims are drawn from (model.placeholders.table_figures)."""
        return table_figures(self.report, self.applications)

    def run(self, rule: Rule) -> list[Finding]:
        """Every finding of `rule` on this report (the rule is the running one while it runs)."""
        assert rule.find is not None, f"{rule.id} has no finder"  # run_rules runs only the rules that have one
        self.rule = rule
        try:
            return list(rule.find(self))
        finally:
            self.rule = None

    def line(self, *paths: KeyPath) -> int | None:
        """The input line of the first of `paths` the input has, else of the last one's nearest ancestor that it has
        (None without a source). Paths are full: ("applications", "new", 0), not ("new", 0)."""
        if self.source is None:
            return None
        lines = self.source.lines
        for path in paths[:-1]:
            if path in lines:
                return lines[path]
        return self.source.line_of(paths[-1])

    def finding(
        self,
        message: str,
        at: KeyPath | None = None,
        *,
        line: int | None = _PLACE,
        part: str | None = _PLACE,
        row: str | None = _PLACE,
        column: str | None = _PLACE,
    ) -> Finding:
        """A finding of the running rule about the input value at `at` (see the module docstring)."""
        rule = self.rule
        if rule is None:
            raise RuntimeError("ctx.finding outside a rule: run rules with ctx.run(rule)")
        where: Place
        if at is None:
            where, key = (rule.part, None, None), None
            if line is _PLACE:
                line = None
        else:
            where, key = place(at, self.report.format), dotted(at)
            if line is _PLACE:
                line = self.line(line_path(at))
        return Finding(
            rule.id,
            rule.severity,
            message,
            self.file,
            line,
            where[0] if part is _PLACE else part,
            where[1] if row is _PLACE else row,
            where[2] if column is _PLACE else column,
            key,
        )
