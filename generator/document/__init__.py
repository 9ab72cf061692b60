"""The document stage: a validated report → one `Document` that every writer renders."""

from .build import build, number, paragraphs
from .nodes import Block, Cell, Document, Heading, Paragraph, Row, Section, Signature, Table

__all__ = [
    "build",
    "number",
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
