"""What a pack.yaml may say, typed: every setting a pack can override, with its kind declared by its type.

`PackFile` is one pack.yaml (name, display_name, description, extends, settings) and `Settings` the settings. Each
setting's type says what it is — `Wording` (text with {{ placeholders }}, compiled in the sandbox, naming only the
placeholders it lists), `Text`, `Positive` (a number), `FontNames`, `PageSize`, or a mapping or list of those — and
its validator says in Chinese what is wrong. A pack.yaml gives only the settings it changes (the others are None);
the chain's settings merged, base last, give every one of them: `Pack.style`. The order of the fields is the order
`templates new` lists the settings in, and a setting's description is its comment there.

`problems(path, source)` checks a loaded pack.yaml against `PackFile` and returns every problem, each located by
line and key, in the order of the lines (like MkDocs' config: all of them at once, not the first one only).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Mapping, get_args

from jinja2 import TemplateSyntaxError, meta
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .errors import PackProblem, describe_error, syntax_zh

PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SECTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PART_IDS = ("overview", "active", "applications", "reviews", "problems", "other")  # 一…六, as in document.build
PAGE_SIZES = {"A4": (210, 297), "A5": (148, 210), "B5": (176, 250), "A3": (297, 420)}  # mm, portrait

# The names (placeholders) each wording setting may use (checked when the pack loads, so a typo is caught by `check`).
_REPORT = ("agency", "year", "signer", "issuer", "notice", "contact")
WORDING_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("agency", "year"),
    "preface": _REPORT,
    "contact": _REPORT + ("details",),
    "date_format": ("year", "month", "day"),
    "fee_sentence": ("sent", "amount_sent", "collected"),
    "signature.issuer": _REPORT,
    "sections.heading": ("agency", "year"),
    "sections.text": _REPORT,
}


# --- the kinds of value, each with its check ---------------------------------------------------------------------
def refuse(message: str, offset: int = 0, **values: Any) -> PydanticCustomError:
    """The value being validated is wrong: `message` in Chinese, a `str.format` template of `values` and of what
    `problems` knows about where the value is — {setting} (its dotted name: "sizes.body"), {key} (its own key),
    {item} (the number of the sections item it is in, from 1) and {section} (that item's id as written).
    `offset`: lines from the key's line to the problem's (a syntax error inside a block of text)."""
    return PydanticCustomError("govreport_pack", message, {"message": message, "values": values, "offset": offset})


class Wording:
    """A wording setting: text with {{ placeholders }}, rendered in the sandbox when the document is built. Compiled
    here, so that a syntax error or an unknown placeholder is found when the pack loads, at its line.
    `Annotated[str, Wording("agency", "year")]`."""

    def __init__(self, *placeholders: str):
        self.placeholders = placeholders

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def validate(self, value: Any) -> str:
        if not isinstance(value, str):
            raise refuse("设置 {setting} 应为文字（可含 {{{{ 占位符 }}}}），而不是 {value}", value=repr(value))
        problem = _wording_problem(value, self.placeholders)
        if problem is not None:
            message, offset, values = problem
            raise refuse(message, offset, **dict(values))
        return value


@lru_cache(maxsize=1024)  # a pack.yaml read again, or the merged settings checked for `Pack.style`: compiled once
def _wording_problem(text: str, placeholders: tuple[str, ...]) -> tuple[str, int, tuple] | None:
    """(message, line offset, values) of what is wrong with the wording `text`, or None."""
    env = _checking_sandbox()
    try:
        parsed = env.parse(text)
        unknown = sorted(meta.find_undeclared_variables(parsed) - set(placeholders))
        env.compile(parsed)  # whatever only compiling finds (an assignment to loop, …)
    except TemplateSyntaxError as exc:
        offset = (exc.lineno or 1) - 1 + (1 if "\n" in text else 0)  # a block's text starts on the line after its key
        return "设置 {setting} 的模板语法错误：{detail}", offset, (("detail", syntax_zh(exc.message)),)
    except Exception as exc:  # noqa: BLE001 — whatever Jinja raises on a strange setting is the pack's error
        return "设置 {setting} 有误：{detail}", 0, (("detail", describe_error(exc)),)
    if unknown:
        return "设置 {setting} 用了未知的占位符 {unknown}；可用：{known}", 0, (
            ("unknown", "、".join(unknown)), ("known", "、".join(placeholders)),
        )
    return None


@lru_cache(maxsize=1)
def _checking_sandbox():
    from .environment import text_sandbox

    return text_sandbox()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise refuse("设置 {setting} 应为文字，而不是 {value}", value=repr(value))
    return value


def _positive(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or value <= 0:
        raise refuse("设置 {setting} 应为正数，而不是 {value}", value=repr(value))
    return float(value) if isinstance(value, Decimal) else value  # an int stays an int: CSS says 16pt, not 16.0pt


def _font_names(value: Any) -> list[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise refuse("设置 {setting} 应为字体名或字体名列表，而不是 {value}", value=repr(value))
    return list(names)


def _page_size(value: Any) -> str:
    if value not in PAGE_SIZES:
        raise refuse("设置 {setting} 应为 {sizes} 之一，而不是 {value}", sizes="、".join(PAGE_SIZES), value=repr(value))
    return value


def _label(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise refuse("{key} 应为文字")
    return value


def _pack_name(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not PACK_NAME.match(value)):
        raise refuse("extends 应为模板包名称（字母、数字、下划线、连字符），而不是 {value}", value=repr(value))
    return value


def _section_id(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not SECTION_ID.match(value):
        raise refuse(
            "sections 第{item}项的 id 应为英文小写字母开头的标识（如 proposals），而不是 {value}", value=repr(value)
        )
    seen = info.context.setdefault("section ids", set()) if isinstance(info.context, dict) else set()
    if value in seen:
        raise refuse("sections 里 id “{id}”重复", id=value)
    seen.add(value)
    return value


def _part(value: Any) -> str:
    if value not in PART_IDS:
        raise refuse("章节 {section} 的 part 应为 {parts} 之一（一…六），而不是 {value}", parts="/".join(PART_IDS),
                     value=repr(value))
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise refuse("章节 {section} 的 {key} 应为 true 或 false")
    return value


def _sections_list(value: Any) -> Any:
    if not isinstance(value, list):
        raise refuse("设置 {setting} 应为列表（每项以“- id: …”开头），而不是 {value}", value=repr(value))
    return value


Text = Annotated[str, PlainValidator(_text)]
Positive = Annotated[float, PlainValidator(_positive)]  # points or millimetres; an int as written stays an int
FontNames = Annotated[list[str], PlainValidator(_font_names)]  # a name, or names tried in turn
PageSize = Annotated[Literal["A4", "A5", "B5", "A3"], PlainValidator(_page_size)]
Part = Annotated[Literal["overview", "active", "applications", "reviews", "problems", "other"], PlainValidator(_part)]
Flag = Annotated[bool, PlainValidator(_flag)]
Label = Annotated[str | None, PlainValidator(_label)]
PackName = Annotated[str | None, PlainValidator(_pack_name)]
SectionId = Annotated[str, PlainValidator(_section_id)]


# --- the mappings ----------------------------------------------------------------------------------------------
# The default of a setting a pack.yaml does not give: None. A field's type is what the chain's merged settings hold
# (`Pack.style`, where base gives every setting), so this default is typed Any rather than every type made Optional.
NOT_GIVEN: Any = None


class PackMapping(BaseModel):
    """A mapping of pack.yaml: a value that is not a mapping is refused, and so is each key it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    not_a_mapping: ClassVar[str] = "设置 {setting} 应为“键: 值”的映射，而不是 {value}"
    unknown_key: ClassVar[str] = "未知的设置 {setting}；此处可用：{choices}"

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise refuse(cls.not_a_mapping, value=repr(data))
        return data

    @classmethod
    def keys(cls) -> list[str]:
        """The keys as written in pack.yaml, in order."""
        return [field.alias or name for name, field in cls.model_fields.items()]


class Notices(PackMapping):
    """The full name of each format's notice (国办通知), keyed by the format as pack.yaml writes it: "2021", "2019"."""

    format_2021: Text = Field(NOT_GIVEN, alias="2021")
    format_2019: Text = Field(NOT_GIVEN, alias="2019")

    def of(self, fmt: str) -> str:
        """The notice of the report format `fmt` ("" for a format it does not name)."""
        return getattr(self, f"format_{fmt}", None) or ""


class OverviewAspects(PackMapping):
    active: Text = NOT_GIVEN
    requests: Text = NOT_GIVEN
    management: Text = NOT_GIVEN
    platforms: Text = NOT_GIVEN
    oversight: Text = NOT_GIVEN


class Signature(PackMapping):
    issuer: Annotated[str, Wording(*WORDING_NAMES["signature.issuer"])] = NOT_GIVEN


class Fonts(PackMapping):
    title: FontNames = NOT_GIVEN
    body: FontNames = NOT_GIVEN
    heading1: FontNames = NOT_GIVEN
    heading2: FontNames = NOT_GIVEN
    table: FontNames = NOT_GIVEN
    page_number: FontNames = NOT_GIVEN  # GB/T 9704—2012 7.5: 4号半角宋体


class Sizes(PackMapping):
    """Points."""

    title: Positive = NOT_GIVEN
    body: Positive = NOT_GIVEN
    page_number: Positive = NOT_GIVEN
    table: Positive = NOT_GIVEN
    applications_table: Positive = NOT_GIVEN


class Page(PackMapping):
    """Millimetres, but line_height (points)."""

    size: PageSize = NOT_GIVEN
    margin_top: Positive = NOT_GIVEN
    margin_bottom: Positive = NOT_GIVEN
    margin_left: Positive = NOT_GIVEN
    margin_right: Positive = NOT_GIVEN
    line_height: Positive = NOT_GIVEN

    @property
    def paper(self) -> tuple[int, int]:
        """Width and height of the paper, mm, portrait."""
        return PAGE_SIZES[self.size]


class Section(PackMapping):
    """An extra section inside one of the six parts. A child pack may give only some fields of a parent's section
    (merged by id); the loader then requires heading and part of the merged one."""

    not_a_mapping: ClassVar[str] = "sections 第{item}项应为“键: 值”的映射"
    unknown_key: ClassVar[str] = "未知的章节设置 {key}；可用：{choices}"

    id: SectionId = Field(None, validate_default=True)
    heading: Annotated[str, Wording(*WORDING_NAMES["sections.heading"])] = NOT_GIVEN
    part: Part = NOT_GIVEN
    required: Flag = False
    text: Annotated[str, Wording(*WORDING_NAMES["sections.text"])] = NOT_GIVEN
    numbered: Flag = True


Sections = Annotated[list[Section], BeforeValidator(_sections_list)]


class Settings(PackMapping):
    """Every setting a pack can override."""

    not_a_mapping: ClassVar[str] = "settings 应为“键: 值”的映射"
    unknown_key: ClassVar[str] = "未知的设置 {key}；可用：{choices}"

    title: Annotated[str, Wording(*WORDING_NAMES["title"])] = Field(
        NOT_GIVEN, description="报告标题。占位符：agency（报告机关）、year（年度）"
    )
    preface: Annotated[str, Wording(*WORDING_NAMES["preface"])] = Field(
        NOT_GIVEN,
        description="标准前言，输入文件没有 text.preface 时使用；写 \"\" 表示不要前言。"
        "占位符：agency、year、signer（落款机关）、issuer（输入的 issuer，可能为空）、notice（格式通知全称）、"
        "contact.phone/address/email/website",
    )
    contact: Annotated[str, Wording(*WORDING_NAMES["contact"])] = Field(
        NOT_GIVEN,
        description="输入文件有 contact 时接在前言之后的联系方式，空行分段。占位符同 preface，另有 details"
        "（“（地址：…；电话：…；电子邮箱：…）”）",
    )
    notices: Notices = Field(NOT_GIVEN, description="两种报告格式各自的国办通知全称，供前言引用（占位符 notice）")
    overview_aspects: OverviewAspects = Field(NOT_GIVEN, description="输入按五个方面分别填写“一、总体情况”时的小标题")
    date_format: Annotated[str, Wording(*WORDING_NAMES["date_format"])] = Field(
        NOT_GIVEN, description="落款日期。占位符：year、month、day"
    )
    fee_sentence: Annotated[str, Wording(*WORDING_NAMES["fee_sentence"])] = Field(
        NOT_GIVEN,
        description="2021 格式第六部分的信息处理费标准说法，第六部分文字未提到信息处理费时加在其后。"
        "占位符：sent（收费通知件数）、amount_sent（总金额，元）、collected（实际收取，元）",
    )
    signature: Signature = Field(
        NOT_GIVEN,
        description="落款机关。占位符同 preface，其中 signer 为输入的 issuer（没写则为报告机关）；"
        "其结果即其他设置里的 signer",
    )
    sections: Sections = Field(
        NOT_GIVEN,
        description="附加章节：在六个部分之内追加的（一）（二）…小标题及其文字（六个部分的标题不变）。每项：id（英文小写）、"
        "heading（小标题，不带序号）、part（所在部分：overview/active/applications/reviews/problems/other，"
        "即一…六）、required（true 时输入文件必须在 text.sections.<id> 填写）、text（选填的默认文字）、"
        "numbered（默认 true：自动接续该部分已有的（一）（二）…序号）。子模板包按 id 覆盖父模板包的同名章节。",
    )
    fonts: Fonts = Field(NOT_GIVEN, description="字体：依次尝试的字体名列表；DOCX 使用每个列表的第一个")
    sizes: Sizes = Field(NOT_GIVEN, description="字号（磅）：标题、正文、页码、表格、表三")
    page: Page = Field(NOT_GIVEN, description="版面（毫米；line_height 为磅）：纸张 A4/A5/B5/A3，上下左右页边距，行距")

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """(setting, what it is) for each setting, in order: the comments `templates new` writes."""
        return [(name, field.description or "") for name, field in cls.model_fields.items()]


class PackFile(PackMapping):
    """One pack.yaml."""

    unknown_key: ClassVar[str] = "未知的键“{key}”；pack.yaml 顶层可用：{choices}"

    name: Label = None
    display_name: Label = None
    description: Label = None
    extends: PackName = None
    settings: Settings | None = None


# --- errors → located problems ---------------------------------------------------------------------------------
def problems(path: Path, source: Any) -> list[PackProblem]:
    """Every problem of the pack.yaml `source` (loaded with the line of each key) read from `path`, in line order."""
    data = source.data
    if not isinstance(data, dict):
        return [PackProblem(file=path, line=1, message="pack.yaml 顶层应为“键: 值”的映射")]
    try:
        PackFile.model_validate(data, context={})
    except ValidationError as error:
        found = [_located(path, source, data, detail) for detail in error.errors(include_url=False)]
        return sorted(found, key=lambda problem: (problem.line, problem.message))
    return []


def validate_settings(settings: dict) -> Settings:
    """The typed form of a chain's merged settings (see `Pack.style`); a problem is a `PackError` without lines."""
    from .errors import PackError

    try:
        return Settings.model_validate(settings, context={})
    except ValidationError as error:
        data = {"settings": settings}
        raise PackError(*(
            _located(None, None, data, {**detail, "loc": ("settings", *detail["loc"])})
            for detail in error.errors(include_url=False)
        )) from None


def _located(path: Path | None, source: Any, data: dict, detail: Mapping[str, Any]) -> PackProblem:
    loc = tuple(detail["loc"])
    ctx = detail.get("ctx") or {}
    if detail["type"] == "govreport_pack":
        template, values, offset = ctx["message"], dict(ctx["values"]), ctx["offset"]
    elif detail["type"] == "extra_forbidden":
        owner = _mapping_at(loc[:-1])
        template, values, offset = owner.unknown_key, {"choices": "、".join(owner.keys())}, 0
    else:  # not expected: every check above says what is wrong itself
        template, values, offset = "设置 {setting} 有误（{detail}）", {"detail": detail.get("msg", "")}, 0
    item = loc[2] if len(loc) > 2 and loc[:2] == ("settings", "sections") and isinstance(loc[2], int) else None
    section = None
    if item is not None:
        raw = data.get("settings", {}).get("sections", [])[item]
        section = raw.get("id") if isinstance(raw, dict) else None
    message = template.format(
        setting=".".join(str(part) for part in loc[1:]),
        key=loc[-1] if loc else "",
        item=None if item is None else item + 1,
        section=section,
        **values,
    )
    line = source.line_of(loc) + offset if source is not None else None
    return PackProblem(file=path, line=line, key=".".join(str(part) for part in loc), message=message)


def _mapping_at(loc: tuple) -> type[PackMapping]:
    """The mapping type that holds the value at `loc` (a pack.yaml path), found through the fields' types."""
    model: type[PackMapping] = PackFile
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: its type was found with the list
        field = next(field for name, field in model.model_fields.items() if (field.alias or name) == part)
        model = next(
            candidate for candidate in (field.annotation, *get_args(field.annotation))
            if isinstance(candidate, type) and issubclass(candidate, PackMapping)
        )
    return model
