"""What reading a published report gives: the input data, where every figure stands, and what the reader noticed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...findings import Finding, Severity
from ...model.labels import key_path
from ...model.source import Source
from .tokens import Place

# Rule ids of the reader's notes (all warnings: the project's findings have no lower severity).
SPLIT = "READ-SPLIT"  # a run of digits cut into cells: the one split that satisfies the row
UNCERTAIN = "READ-UNCERTAIN"  # cells the reader could not settle (several splits, or none)
BLANK = "READ-BLANK"  # a blank or "/" cell, read as 0
MISSING = "READ-MISSING"  # a table or a row not found
EXTRA = "READ-EXTRA"  # numbers no row of the table takes
REPEATED = "READ-REPEATED"  # a table printed twice
FORMAT = "READ-FORMAT"  # the labels are of the other format than the year's
UNIT = "READ-UNIT"  # an amount written in 元 where the form has 万元
FREE_FORM = "READ-FREE-FORM"  # a report before 2019, without the official tables
META = "READ-META"  # year, agency or date not found


@dataclass(frozen=True)
class Location:
    """Where a value of the input data was read: its place, the table it is in, and the text written there."""

    place: Place
    table: str | None = None  # "表二" | "表三" | "表四" | None (the text)
    text: str = ""

    def describe(self) -> str:
        return self.place.describe(self.table)

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.describe(), "text": self.text, **self.place.to_dict()}


@dataclass
class Published:
    """A published report read back.

    `data` has the shape of a YAML input (input.md), ready for `generator.model.validate(Source(...))`; a table
    row is written as published, 总计 included (seven numbers in table 三, five in each group of table 四), so the
    model and the rules check it. A cell the reader could not settle is None in `data`, with its candidate rows in
    `alternatives` and a READ-UNCERTAIN note. `locations` maps every key read (dotted, as findings name them:
    "applications.new[0]", "active.rules.made", "reviews.reconsideration[4]", "text.overview") to where it stands.
    """

    file: str
    kind: str  # "text" | "html" | "docx" | "pdf"
    format: str | None  # "2021" | "2019" | "pre-2019" | None when no table and no year was found
    data: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)
    alternatives: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)  # "active"/"applications"/"reviews" → times found
    traditional: bool = False  # written in 繁体
    figures: dict[str, int] = field(default_factory=dict)  # a pre-2019 report: the figures its text states
    lines: list[tuple[str, Place]] = field(default_factory=list, repr=False)  # the document's lines, as read
    meta: Any = field(default=None, repr=False)  # meta.Meta: title, year, agency, 落款 and date, each with its place

    @property
    def uncertain(self) -> list[str]:
        """Keys of the cells left uncertain."""
        return sorted({note.key for note in self.notes if note.rule == UNCERTAIN and note.key})

    def note(self, rule: str, message: str, location: Location | None = None, key: str | None = None,
             part: str | None = None, row: str | None = None, column: str | None = None) -> Finding:
        where = f"（{location.describe()}）" if location else ""
        finding = Finding(
            rule=rule,
            severity=Severity.WARNING,
            message=message + where,
            file=self.file,
            line=location.place.line if location else None,
            part=part,
            row=row,
            column=column,
            key=key,
        )
        self.notes.append(finding)
        return finding

    def source(self) -> Source:
        """The reading as the model's `Source`: its data, and the line of every key that has one, so that
        `generator.model.validate(published.source(), file)` locates its findings in the published text."""
        lines: dict[tuple[str | int, ...], int] = {(): 1}
        for dotted, location in self.locations.items():
            if location.place.line is not None:
                path = key_path(dotted)
                lines[path] = location.place.line
                for depth in range(1, len(path)):
                    lines.setdefault(path[:depth], location.place.line)
        return Source(path=Path(self.file), data=self.data, lines=lines, text="")

