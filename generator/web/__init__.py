"""The web form for agency staff (`govreport serve`): the official tables as the input grid, live checks through
the same rule table as `govreport check`, save to YAML, downloads of HTML, DOCX, PDF and YAML."""

from __future__ import annotations


def create_app(*args, **kwargs):
    from .app import create_app as create

    return create(*args, **kwargs)


__all__ = ["create_app"]
