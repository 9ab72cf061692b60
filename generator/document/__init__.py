"""The document stage: a validated report → one `Document` that every writer renders."""

from ..model.figures import number, percent
from .build import build, paragraphs
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table
from .page import Page, page_of

__all__ = [
    "build",
    "number",
    "percent",
    "page_of",
    "paragraphs",
    "Block",
    "Cell",
    "Document",
    "Heading",
    "Page",
    "Paragraph",
    "Row",
    "Section",
    "Signature",
    "Table",
]
