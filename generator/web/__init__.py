"""The web form for agency staff (`govreport serve`): the official tables as the input grid, live checks through
the pipeline as `govreport check` checks a file, save to YAML, downloads of HTML, DOCX, PDF and YAML.

app.py (routes), service.py (the folder of reports, checking the form, new reports), fields.py (the form's fields,
named by input path, and the YAML they write), yamledit.py (writing values into the original text in place)."""

from __future__ import annotations


def create_app(*args, **kwargs):
    from .app import create_app as create

    return create(*args, **kwargs)


__all__ = ["create_app"]
