"""CMS fragment: the report page for pasting into a government CMS editor, which keeps the markup it is given but drops
`<style>` (and `<script>`, `<html>`, `<head>`, `<body>`).

The fragment is the page's `<article>` as a `<div>`, with every style the page gives an element written on the element
itself (`style="…"`), so that it looks as the page does with no stylesheet at all: the rules of the page's `<style>`
that apply on a screen (outside any `@media`, or in `@media screen` / `all`; not print, not `@page`, not a media
query with conditions such as the phone's `max-width`), matched against the fragment as it is pasted (a rule for
`body > .govreport`, the sheet that the page shows, stays out), in cascade order: by specificity, then source order,
the element's own `style` after them, `!important` last; properties of paged media (widows, page breaks) are left
out. Every element that holds text also carries the inherited properties (font, size, line height, alignment,
indent…) it would receive from the elements around it, so that a CMS's own stylesheet for `p` or `td` does not change
it. Classes and section ids are dropped (a CMS's `.title` or `#overview` would apply to them); tables keep their ids,
number cells their `data-key`. A label set line by line keeps its lines as `<br>`, which an editor never folds into
spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import cssselect2
import tinycss2
from lxml import etree
from lxml import html as lxml_html

from ..document import Document
from ..packs import Pack
from .html import render_text

# Properties an element takes from its parent when it does not set them (CSS 2.1 and the text modules), as far as
# they concern its text; a table's own (border-collapse…) are set on the table itself.
INHERITED = frozenset({
    "color", "direction", "font", "font-family", "font-feature-settings", "font-kerning", "font-size",
    "font-stretch", "font-style", "font-variant", "font-variant-east-asian", "font-variant-numeric", "font-weight",
    "hyphens", "letter-spacing", "line-break", "line-height", "overflow-wrap", "tab-size", "text-align",
    "text-align-last", "text-indent", "text-justify", "text-transform", "text-wrap", "white-space", "word-break",
    "word-spacing", "word-wrap", "writing-mode",
})
# Properties of paged media only (page breaks, widows): nothing on a screen, so not written.
PRINT_ONLY = frozenset({"orphans", "widows", "break-before", "break-after", "break-inside", "page-break-before",
                        "page-break-after", "page-break-inside", "page"})
# Units whose length depends on the element's own font or its container: such a value is left to inherit.
_RELATIVE_UNITS = frozenset({"em", "ex", "ch", "rem", "lh", "rlh", "cap", "ic"})
_MEDIA_ON_SCREEN = frozenset({"screen", "all", "only screen", "only all"})


@dataclass(frozen=True)
class _Rule:
    declarations: tuple[tuple[str, str, bool], ...]  # (property, value, important)


def render(document: Document, pack: Pack, page: str | None = None) -> bytes:
    """The CMS fragment of `document`, from its HTML page (`page`, when the caller has made it already)."""
    return fragment(render_text(document, pack) if page is None else page).encode("utf-8")


def fragment(page: str) -> str:
    """The page's report (`<article>`, else the body's content) as a `<div>` with every style inlined."""
    root = lxml_html.document_fromstring(page, parser=lxml_html.HTMLParser(remove_comments=True, remove_pis=True))
    css = "\n".join(style.text or "" for style in root.iter("style"))
    article = next(root.iter("article"), None)
    if article is None:
        article = root.find("body")
        if article is None:
            raise ValueError("the page has no body")
    article.getparent().remove(article)
    article.tail = None
    language = root.get("lang")
    if language and not article.get("lang"):
        article.set("lang", language)  # which glyphs a font shows for a Chinese character: zh-CN's
    for element in list(article.iter("script", "style", "link", "meta")):
        element.drop_tree()  # its tail, text of the parent, stays
    styles = _inline_styles(article, _matcher(css))
    for element, style in styles.items():
        if style:
            element.set("style", style)
        elif "style" in element.attrib:
            del element.attrib["style"]
    _plain_markup(article)
    return lxml_html.tostring(article, encoding="unicode", method="html").rstrip("\n") + "\n"


# --- the page's rules ---------------------------------------------------------------------------------------------
def _matcher(css: str) -> cssselect2.Matcher:
    matcher = cssselect2.Matcher()
    for rule in _screen_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue  # a selector this matcher does not know applies to nothing here
        declarations = tuple(
            (item.lower_name, _value(item.value), item.important)
            for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            if item.type == "declaration" and not item.lower_name.startswith("--") and item.lower_name not in PRINT_ONLY
        )
        if declarations:
            payload = _Rule(declarations)
            for selector in selectors:
                if selector.pseudo_element is None:
                    matcher.add_selector(selector, payload)
    return matcher


def _screen_rules(rules: list) -> list:
    """The qualified rules that apply on any screen: top level, or inside `@media screen` / `all`."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            queries = [" ".join(query.split()).lower() for query in tinycss2.serialize(rule.prelude).split(",")]
            if any(query in _MEDIA_ON_SCREEN for query in queries):
                kept.extend(_screen_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                                  skip_whitespace=True)))
    return kept


def _value(tokens: list) -> str:
    """A declaration's value as written, strings in single quotes (they go inside a double-quoted attribute)."""
    parts = []
    for token in tokens:
        if token.type == "string":
            parts.append("'" + token.value.replace("\\", "\\\\").replace("'", "\\'") + "'")
        elif token.type == "whitespace":
            parts.append(" ")
        elif token.type != "comment":
            parts.append(tinycss2.serialize([token]))
    return "".join(parts).strip()


def _declarations(style: str) -> list[tuple[str, str, bool]]:
    """An element's own `style` attribute as (property, value, important)."""
    return [
        (item.lower_name, _value(item.value), item.important)
        for item in tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True)
        if item.type == "declaration"
    ]


def _relative(value: str) -> bool:
    for token in tinycss2.parse_component_value_list(value):
        if token.type == "percentage" or token.type == "dimension" and token.lower_unit in _RELATIVE_UNITS:
            return True
    return False


# --- the cascade, element by element ------------------------------------------------------------------------------
def _inline_styles(article: etree._Element, matcher: cssselect2.Matcher) -> dict[etree._Element, str]:
    """Each element's inline style: the declarations that apply to it, in cascade order (the last one of a property
    is the one that counts, and a shorthand written after a longhand overrides it as in the stylesheet)."""
    styles: dict[etree._Element, str] = {}
    inherited_by: dict[etree._Element, dict[str, str]] = {}
    for wrapper in cssselect2.ElementWrapper.from_html_root(article).iter_subtree():
        element = wrapper.etree_element
        matched = [payload for _spec, _order, pseudo, payload in matcher.match(wrapper) if pseudo is None]
        normal = [(name, value) for rule in matched for name, value, important in rule.declarations if not important]
        own = _declarations(element.get("style", ""))
        important = [(name, value) for rule in matched for name, value, imp in rule.declarations if imp]
        ordered = normal + [(name, value) for name, value, imp in own if not imp] + important + [
            (name, value) for name, value, imp in own if imp
        ]
        declared = _last_of_each(ordered)
        parent = element.getparent()
        received = inherited_by.get(parent, {}) if parent is not None else {}
        passed = dict(received)
        for name, value in declared:
            if name in INHERITED:
                passed[name] = value
                if _relative(value):  # 1.2em of this element's parent is not 1.2em of its child: left to inherit
                    del passed[name]
        inherited_by[element] = passed
        if _holds_text(element):
            names = {name for name, _value in declared}
            declared = [(name, value) for name, value in received.items() if name not in names] + declared
        styles[element] = "; ".join(f"{name}: {value}" for name, value in declared)
    return styles


def _last_of_each(declarations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = {name: index for index, (name, _value) in enumerate(declarations)}
    return [(name, value) for index, (name, value) in enumerate(declarations) if last[name] == index]


def _holds_text(element: etree._Element) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)


# --- markup that survives an editor -------------------------------------------------------------------------------
def _plain_markup(article: etree._Element) -> None:
    """The article and its sections as `<div>`s; no classes, no section ids; a label's lines split by `<br>`; each
    column's width also as an attribute, for an editor that drops `style` on `<col>`."""
    for element in list(article.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("td", "th") and "\n" in (element.text or "") and "lines" in element.get("class", "").split():
            _lines_as_breaks(element)
        if element.tag == "col":
            width = _width_of(element.get("style", ""))
            if width:
                element.set("width", width)
        if element.tag in ("article", "section"):
            element.tag = "div"
            element.attrib.pop("id", None)
        element.attrib.pop("class", None)


def _lines_as_breaks(cell: etree._Element) -> None:
    first, *rest = (cell.text or "").split("\n")
    cell.text = first
    at = 0
    for line in rest:
        br = etree.Element("br")
        br.tail = line
        cell.insert(at, br)
        at += 1


def _width_of(style: str) -> str | None:
    return next((value for name, value, _imp in _declarations(style) if name == "width"), None)
