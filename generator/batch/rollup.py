"""Roll-up: the tables of many units summed into one input for the jurisdiction's aggregated report.

Every unit must check clean and share the year and the format. The narrative is left empty on purpose: the summed
report then fails `govreport check` (“不能为空”, at the right lines) until the editor writes it, so no placeholder
text can ever be published. The units included are listed as comments at the top of the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..findings import Finding
from ..model.forms import APPLICATION_ROWS, REVIEW_GROUPS
from ..pipeline import Checked, CheckOptions, check_file, check_text
from ..yamlout import dump_input
from .sources import Unit


class RollupError(Exception):
    """The units cannot be summed; `problems` are Chinese lines naming the units."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Rollup:
    data: dict
    units: list[tuple[str, str]]  # (display, agency)
    findings: list[Finding] = field(default_factory=list)  # of the summed tables
    text: str = ""


def _add(total, value):
    """Sum two values of the same shape (numbers, lists of numbers, mappings of those)."""
    if isinstance(total, dict):
        return {key: _add(total[key], value[key]) for key in total}
    if isinstance(total, list):
        return [a + b for a, b in zip(total, value)]
    return total + value


def tables_of(report) -> dict:
    """The summable part of a report, as plain input values (applicant rows of six, review rows of four)."""
    active = report.active.model_dump()
    applications: dict = {}
    for spec in APPLICATION_ROWS[report.format]:
        if spec.kind == "total":
            continue
        row = list(report.applications.row(spec.path)[:6])
        node = applications
        for name in spec.path[:-1]:
            node = node.setdefault(name, {})
        node[spec.path[-1]] = row
    reviews = {group.key: list(getattr(report.reviews, group.key)[:4]) for group in REVIEW_GROUPS}
    out = {"active": active, "applications": applications, "reviews": reviews}
    if report.format == "2021":
        out["fee_notices"] = report.fee_notices.model_dump()
    return out


def _checked(unit: Unit, options: CheckOptions) -> Checked:
    if unit.text is not None:
        return check_text(unit.text, unit.display, options)
    assert unit.path is not None  # a unit is a file's path or an imported sheet's text
    return check_file(unit.path, unit.display, options)


def roll_up(units: list[Unit], agency: str, date: dt.date | None = None, kind: str = "government") -> Rollup:
    """Sum the units' tables; raises RollupError when a unit has errors or the years or formats differ."""
    options = CheckOptions(find_previous=False)  # the units as they stand: no cross-year rules
    problems: list[str] = []
    reports = []
    for unit in units:
        if not unit.imported_ok:
            problems += [f.format() for f in unit.findings if f.is_error]
            continue
        checked = _checked(unit, options)
        if not checked.ok:
            problems += [f.format() for f in checked.findings if f.is_error]
            continue
        reports.append((unit, checked.report))
    if problems:
        raise RollupError(["以下单位有错误，改正后才能汇总："] + problems)
    if not reports:
        raise RollupError(["没有可汇总的单位"])
    years = {report.year for _, report in reports}
    formats = {report.format for _, report in reports}
    if len(years) > 1 or len(formats) > 1:
        lines = [f"  {unit.display}：{report.year}年，{report.format}格式" for unit, report in reports]
        raise RollupError(["各单位的报告年度和格式必须相同才能汇总："] + lines)
    year, fmt = years.pop(), formats.pop()
    summed = tables_of(reports[0][1])
    for _unit, report in reports[1:]:
        summed = _add(summed, tables_of(report))
    data = {
        "format": fmt,
        "year": year,
        "agency": agency,
        "kind": kind,
        "date": date or (dt.date(year + 1, 3, 31) if kind == "government" else dt.date(year + 1, 1, 31)),
        "text": {"overview": "", "problems": "", "other": ""},
        **summed,
    }
    # check the summed tables (the narrative is the editor's; a stand-in lets the model load for the table rules)
    probe = dict(data, text={"overview": "-", "problems": "-", "other": "-"})
    probed = check_text(dump_input(probe), "汇总", options).findings
    narrative_parts = ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
    findings = [f for f in probed if f.part not in narrative_parts]
    included = [(unit.display, report.agency) for unit, report in reports]
    header = [
        f"{agency}{year}年政府信息公开工作年度报告 — 汇总输入（govreport rollup 生成）",
        f"表二、表三、表四为下列 {len(included)} 个单位之和；正文（一、五、六）留空，请编辑后再运行 govreport check。",
        "汇总单位：",
        *(f"  {number}. {name}（{display}）" for number, (display, name) in enumerate(included, 1)),
    ]
    text = dump_input(data, header)
    return Rollup(data=data, units=included, findings=findings, text=text)

