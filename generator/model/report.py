"""The report model: the YAML contract of input.md as pydantic models, one class per format where they differ.

Types and shapes only. The identities (勾稽关系) are rules in `generator.checks`, so each finding keeps its own cell.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictInt,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..limits import (
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_FIELD_CHARS,
    MAX_NARRATIVE_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_PART_CHARS,
)
from .forms import APPLICANT_COLUMNS, OVERVIEW_ASPECTS, REVIEW_OUTCOMES

Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
SignedCount = Annotated[StrictInt, Field(ge=-MAX_COUNT, le=MAX_COUNT)]


def _money(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("money_type", "应为数字（金额）")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # only when built from Python, not from YAML
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    raise PydanticCustomError("money_type", "应为数字（金额），不能是文字；没有则填 0")


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("money_negative", "金额不能为负数")
    if value > MAX_AMOUNT:
        raise PydanticCustomError(
            "money_too_large", "金额过大（{value}）：上限为 {limit}，请检查是否多打了数字",
            {"value": shown(value), "limit": f"{MAX_AMOUNT:,}"},
        )
    return value


def shown(value: Any, size: int = 24) -> str:
    """A typed value as a message shows it: a long one is cut, with its length (a 5,000-digit number stays readable)."""
    text = str(value)
    return text if len(text) <= size else f"{text[:size]}…（共{len(text)}个字符）"


Money = Annotated[Decimal, BeforeValidator(_money), AfterValidator(_non_negative)]

_TEXT_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _TEXT_DATE.match(value)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise PydanticCustomError("date_value", "日期不存在：{value}", {"value": value}) from None
    raise PydanticCustomError(
        "date_format", "日期格式应为 YYYY-MM-DD（如 2022-01-20），而不是“{value}”", {"value": value}
    )


Date = Annotated[dt.date, BeforeValidator(_date)]


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise PydanticCustomError("text_type", "应为文字")


def _required_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "不能为空")
    return value


def _field_length(value: str) -> str:
    if len(value) > MAX_FIELD_CHARS:
        raise PydanticCustomError(
            "field_too_long", "这一项有{count}个字，上限为{limit}个字：这里只填名称、电话或地址",
            {"count": len(value), "limit": MAX_FIELD_CHARS},
        )
    return value


def _narrative_length(value: str) -> str:
    """A narrative part of at most MAX_PART_CHARS characters, in paragraphs of at most MAX_PARAGRAPH_CHARS
    (paragraphs are separated by a blank line, as document/build.py splits them)."""
    if len(value) > MAX_PART_CHARS:
        raise PydanticCustomError(
            "part_too_long", "这一部分有{count}个字，上限为{limit}个字：年度报告的一个部分通常不到一万字",
            {"count": f"{len(value):,}", "limit": f"{MAX_PART_CHARS:,}"},
        )
    if len(value) > MAX_PARAGRAPH_CHARS:
        for index, chunk in enumerate(re.split(r"\n\s*\n", value.strip()), start=1):
            if len(chunk) > MAX_PARAGRAPH_CHARS:
                raise PydanticCustomError(
                    "paragraph_too_long",
                    "第{index}段有{count}个字，每段上限为{limit}个字：请分段（段与段之间空一行）",
                    {"index": index, "count": f"{len(chunk):,}", "limit": f"{MAX_PARAGRAPH_CHARS:,}"},
                )
    return value


Text = Annotated[str, BeforeValidator(_text), AfterValidator(_required_text), AfterValidator(_field_length)]
OptionalText = Annotated[str, BeforeValidator(_text), AfterValidator(_field_length)]
NarrativeText = Annotated[
    str, BeforeValidator(_text), AfterValidator(_required_text), AfterValidator(_narrative_length)
]
OptionalNarrative = Annotated[str, BeforeValidator(_text), AfterValidator(_narrative_length)]


def _row_length(size: int, labels: tuple[str, ...]):
    names = "、".join(labels)

    def check(values: list[int]) -> list[int]:
        if len(values) not in (size, size + 1):
            raise PydanticCustomError(
                "row_length",
                "应有{size}个数（{names}），可再加第{extra}个数作为总计供核对；现在有{count}个",
                {"size": size, "names": names, "extra": size + 1, "count": len(values)},
            )
        return values

    return check


def _is_list(value: Any) -> Any:
    if not isinstance(value, list):
        raise PydanticCustomError("row_type", "应为一行数字，写成 [0, 0, 0, 0, 0, 0] 的形式")
    return value


ApplicantRow = Annotated[
    list[Count], BeforeValidator(_is_list), AfterValidator(_row_length(6, APPLICANT_COLUMNS))
]
ReviewRow = Annotated[list[Count], BeforeValidator(_is_list), AfterValidator(_row_length(4, REVIEW_OUTCOMES))]

ZERO6 = [0] * 6
ZERO4 = [0] * 4


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Contact(Strict):
    phone: OptionalText | None = None
    address: OptionalText | None = None
    email: OptionalText | None = None
    website: OptionalText | None = None


class Overview(Strict):
    active: NarrativeText
    requests: NarrativeText
    management: NarrativeText
    platforms: NarrativeText
    oversight: NarrativeText


def _overview_shape(value: Any) -> str:
    return "aspects" if isinstance(value, dict) else "single"


OverviewText = Annotated[
    Union[Annotated[NarrativeText, Tag("single")], Annotated[Overview, Tag("aspects")]],
    Discriminator(_overview_shape),
]


class Narrative(Strict):
    preface: OptionalNarrative | None = None
    overview: OverviewText
    problems: NarrativeText
    other: NarrativeText
    sections: dict[str, OptionalNarrative] | None = None  # a template pack's extra sections, by id (docs/packs.md)

    @model_validator(mode="after")
    def _bounded(self) -> "Narrative":
        """All the narrative together is bounded too: the PDF takes time in proportion to it."""
        parts = [self.preface or "", self.problems, self.other, *(self.sections or {}).values()]
        parts += [self.overview] if isinstance(self.overview, str) else list(self.overview.model_dump().values())
        count = sum(len(part) for part in parts)
        if count > MAX_NARRATIVE_CHARS:
            raise PydanticCustomError(
                "narrative_too_long",
                "正文各部分合计{count}个字，上限为{limit}个字：年度报告的正文通常不到两万字",
                {"count": f"{count:,}", "limit": f"{MAX_NARRATIVE_CHARS:,}"},
            )
        return self


class FeeNotices(Strict):
    sent: Count = 0
    amount_sent: Money = Decimal(0)
    collected: Money = Decimal(0)


# --- 二、主动公开 ---------------------------------------------------------------------------------------------
class Documents2021(Strict):
    issued: Count
    repealed: Count
    in_force: Count


class Active2021(Strict):
    rules: Documents2021
    normative: Documents2021
    licensing: Count
    punishment: Count
    coercion: Count
    fees: Money


class Documents2019(Strict):
    made: Count
    published: Count
    total: Count


class Items2019(Strict):
    previous: Count
    change: SignedCount
    decisions: Count


class FeeItems2019(Strict):
    previous: Count
    change: SignedCount


class Procurement2019(Strict):
    projects: Count
    amount: Money


class Active2019(Strict):
    rules: Documents2019
    normative: Documents2019
    licensing: Items2019
    other_services: Items2019
    punishment: Items2019
    coercion: Items2019
    fees: FeeItems2019
    procurement: Procurement2019


# --- 三、申请 -------------------------------------------------------------------------------------------------
class Withheld(Strict):
    state_secret: ApplicantRow = ZERO6
    prohibited_by_law: ApplicantRow = ZERO6
    security_stability: ApplicantRow = ZERO6
    third_party: ApplicantRow = ZERO6
    internal_affairs: ApplicantRow = ZERO6
    process_info: ApplicantRow = ZERO6
    enforcement_files: ApplicantRow = ZERO6
    query_matters: ApplicantRow = ZERO6


class Unavailable(Strict):
    not_held: ApplicantRow = ZERO6
    needs_creation: ApplicantRow = ZERO6
    unclear: ApplicantRow = ZERO6


class NotProcessed(Strict):
    petition: ApplicantRow = ZERO6
    duplicate: ApplicantRow = ZERO6
    publication: ApplicantRow = ZERO6
    excessive: ApplicantRow = ZERO6
    confirmation: ApplicantRow = ZERO6


class OtherHandling(Strict):
    no_correction: ApplicantRow = ZERO6
    unpaid_fee: ApplicantRow = ZERO6
    other: ApplicantRow = ZERO6


class _Applications(Strict):
    new: ApplicantRow = ZERO6
    carried_over: ApplicantRow = ZERO6
    disclosed: ApplicantRow = ZERO6
    partly_disclosed: ApplicantRow = ZERO6
    withheld: Withheld = Field(default_factory=Withheld)
    unavailable: Unavailable = Field(default_factory=Unavailable)
    not_processed: NotProcessed = Field(default_factory=NotProcessed)
    total: ApplicantRow | None = None
    carried_forward: ApplicantRow = ZERO6

    def row(self, path: tuple[str, ...]) -> list[int] | None:
        """The row at an input path such as ("withheld", "third_party"), as given (six or seven numbers)."""
        node: Any = self
        for key in path:
            node = getattr(node, key)
        return node


class Applications2021(_Applications):
    other: OtherHandling = Field(default_factory=OtherHandling)


class Applications2019(_Applications):
    other: ApplicantRow = ZERO6


class Reviews(Strict):
    reconsideration: ReviewRow = ZERO4
    litigation_direct: ReviewRow = ZERO4
    litigation_after_reconsideration: ReviewRow = ZERO4


# --- the report -----------------------------------------------------------------------------------------------
class _Report(Strict):
    format: Literal["2021", "2019"]
    year: Annotated[StrictInt, Field(ge=2008, le=2100)]
    agency: Text
    kind: Literal["government", "department"]
    issuer: OptionalText | None = None
    date: Date
    template: OptionalText = "base"
    contact: Contact | None = None
    text: Narrative
    reviews: Reviews = Field(default_factory=Reviews)

    @property
    def signer(self) -> str:
        return self.issuer.strip() if self.issuer and self.issuer.strip() else self.agency

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


class Report2021(_Report):
    format: Literal["2021"]
    fee_notices: FeeNotices = Field(default_factory=FeeNotices)
    active: Active2021
    applications: Applications2021 = Field(default_factory=Applications2021)


class Report2019(_Report):
    format: Literal["2019"]
    active: Active2019
    applications: Applications2019 = Field(default_factory=Applications2019)


Report = Union[Report2021, Report2019]
REPORT_CLASSES: dict[str, type[Report2021] | type[Report2019]] = {"2021": Report2021, "2019": Report2019}
__all__ = ["Report", "Report2021", "Report2019", "REPORT_CLASSES", "OVERVIEW_ASPECTS"]
