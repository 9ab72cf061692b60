"""Readers: the stage that turns a source into the model's input, keeping where every value came from.

- `yaml`: an input file (YAML) → `Source` (values and the line of every key), validated by the model;
- `workbook`: a sheet of the collection workbook → the same input data, each key at its cell;
- `published`: a published report (HTML page, DOCX, PDF text, plain text) → the same input data, each figure at
  its place in the document.

Readers import the model's vocabulary (the official labels, the table grids) and nothing after it.
"""
