"""Findings and rules: what every check reports, and the rule table it reports through.

A `Rule` is data (id, severity, Chinese title, the part it concerns, and the function that finds violations);
a `Finding` is one located violation. The CLI, the renderer, the batch runner and the web form all show findings.
A rule's function takes a `checks.context.CheckContext`, run with that rule as the running one, and yields
`ctx.finding(message, at=path)`: the rule's id and severity, located from the one input path.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Callable, Iterable, Iterator


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def zh(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    part: str | None = None  # e.g. "三、收到和处理政府信息公开申请情况"
    row: str | None = None  # official row label
    column: str | None = None  # official column label
    key: str | None = None  # input path, e.g. "applications.withheld.third_party[2]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        place = f"{self.file or '<输入>'}"
        if self.line:
            place += f":{self.line}"
        return place

    def cell(self, with_part: bool = True) -> str:
        return " · ".join(part for part in ((self.part if with_part else None), self.row, self.column) if part)

    def format(self, with_part: bool = True) -> str:
        """One line: `file:line: 错误 [RULE] part · row · column：message` (the part left out under a part heading)."""
        cell = self.cell(with_part)
        return f"{self.where()}: {self.severity.zh} [{self.rule}] {cell + '：' if cell else ''}{self.message}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # what it checks, in Chinese
    why: str  # the reason, for the README and --rules
    part: str | None = None
    find: Callable[..., Iterable[Finding]] | None = field(default=None, compare=False, repr=False)

    def finding(self, message: str, **where) -> Finding:
        """A finding located by hand (file, line, row, column, key as keywords). Rules say `ctx.finding(message,
        at=path)` instead (checks/context.py), which locates it from the one input path."""
        part = where.pop("part", self.part)
        return Finding(rule=self.id, severity=self.severity, message=message, part=part, **where)


class RuleTable:
    """The ordered rule table; later stages register more rules with `add`."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        if rule.id in self._rules:
            raise ValueError(f"duplicate rule id {rule.id}")
        self._rules[rule.id] = rule
        return rule

    def rule(self, id: str, severity: Severity, title: str, why: str, part: str | None = None):
        """Decorator: register `find(context) -> Iterable[Finding]` under a rule."""

        def register(find: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
            self.add(Rule(id, severity, title, why, part, find))
            return find

        return register

    def __getitem__(self, id: str) -> Rule:
        return self._rules[id]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)


RULES = RuleTable()


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.is_error for finding in findings)


_PART_ORDER = (
    "基本信息",
    "正文",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def sort_key(finding: Finding) -> tuple:
    part = _PART_ORDER.index(finding.part) if finding.part in _PART_ORDER else len(_PART_ORDER)
    return (not finding.is_error, part, finding.line or 0)


def format_findings(file: str, findings: Iterable[Finding]) -> str:
    """The human form, grouped by part under a 【part】 heading: parts with errors first (in report order), then the
    parts with only warnings; within a part errors first, then by line."""
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=sort_key):
        groups.setdefault(finding.part or "其他", []).append(finding)
    lines = []
    for part, items in groups.items():
        lines.append(f"【{part}】")
        lines.extend(f.format(with_part=False) for f in sorted(items, key=lambda f: (not f.is_error, f.line or 0)))
    return "\n".join(lines)
