"""The document stage: a validated report → one `Document` that every writer renders."""

from .build import build, paragraphs
from ..model.figures import number, percent
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table

__all__ = [
    "build",
    "number",
    "percent",
    "paragraphs",
    "Block",
    "Cell",
    "Document",
    "Heading",
    "Paragraph",
    "Row",
    "Section",
    "Signature",
    "Table",
]
