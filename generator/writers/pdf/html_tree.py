"""Read a report page into the element tree that WeasyPrint builds from it, ten times faster.

WeasyPrint parses HTML with tinyhtml5, a pure-Python HTML5 parser: about 18 ms of a township report's PDF. lxml
(libxml2, already installed with python-docx) reads the same page in 1–2 ms. The two parsers agree on well-formed
markup such as the base templates write; they differ on markup that an HTML5 parser repairs (a `<tr>` outside
`<tbody>`, a self-closed `<div/>`, text inside a table, a heading inside a heading, SVG, comments). `tree()` returns
None for any page where libxml2 reported an error or where such markup appears, and the PDF writer then lets
WeasyPrint parse the page itself: a province's own template never renders differently, only more slowly.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lxml import etree as lxml_etree

_VOID = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
# A self-closed tag that is not a void element (`<div/>`): HTML5 reads it as an opening tag, libxml2 as empty.
_SELF_CLOSED = re.compile(rf"<(?!(?:{_VOID})\b)[A-Za-z][^<>]*/>")
_FOREIGN = re.compile(r"<(?:svg|math|base|template|noscript|frameset)\b|<!--|<!\[CDATA\[", re.I)

_TABLE_PARTS = {"caption", "colgroup", "thead", "tbody", "tfoot"}
_ROW_GROUPS = {"thead", "tbody", "tfoot"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS_CLOSING_P = _HEADINGS | {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure",
    "footer", "form", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul",
}


class _Unsure(Exception):
    """The page has markup on which libxml2 and an HTML5 parser may disagree."""


def tree(html: str) -> ET.Element | None:
    """The page as WeasyPrint's parser would build it (tags without namespace), or None when unsure."""
    if _SELF_CLOSED.search(html) or _FOREIGN.search(html):
        return None
    parser = lxml_etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml_etree.fromstring(html, parser)
    except (lxml_etree.LxmlError, ValueError):
        return None
    if root is None or len(parser.error_log) or root.tag != "html":
        return None
    try:
        converted = _convert(root, None)
    except (_Unsure, RecursionError):
        return None
    _whitespace_as_html5(converted)
    return converted


def _convert(element, parent_tag: str | None) -> ET.Element:
    tag = element.tag
    if not isinstance(tag, str) or ":" in tag or "{" in tag:
        raise _Unsure
    if parent_tag in _HEADINGS and tag in _HEADINGS or parent_tag == "p" and tag in _BLOCKS_CLOSING_P:
        raise _Unsure
    if parent_tag == "table" and tag not in _TABLE_PARTS or tag == "tr" and parent_tag not in _ROW_GROUPS:
        raise _Unsure
    if tag in ("table", "tr", *_ROW_GROUPS) and not _blank(element.text):
        raise _Unsure  # text inside a table is moved out of it by HTML5 ("foster parenting")
    new = ET.Element(tag, dict(element.attrib))
    new.text = element.text
    for child in element:
        if parent_tag is None and tag == "html" and child.tag not in ("head", "body"):
            raise _Unsure
        if tag in ("table", "tr", *_ROW_GROUPS) and not _blank(child.tail):
            raise _Unsure
        converted = _convert(child, tag)
        converted.tail = child.tail
        new.append(converted)
    return new


def _blank(text: str | None) -> bool:
    return text is None or not text.strip(" \t\n\r\f")


def _whitespace_as_html5(root: ET.Element) -> None:
    """Whitespace before `<head>` is dropped by HTML5, and whitespace after `</body>` goes into the body."""
    root.text = None
    body = root.find("body")
    if body is None or not _blank(body.tail):
        return
    if body.tail:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + body.tail
        else:
            body.text = (body.text or "") + body.tail
    body.tail = None
