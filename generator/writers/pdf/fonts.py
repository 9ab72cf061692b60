"""Fonts for the PDF: make the open Fandol faces (Debian's texlive-lang-chinese) visible to fontconfig.

Fandol ships inside TeX Live's tree, which fontconfig does not scan. Before WeasyPrint loads, point
FONTCONFIG_FILE at a small file that includes the system configuration and adds those folders — unless the
user has set FONTCONFIG_FILE already. The official faces (仿宋_GB2312 …), where installed, still come first in
the CSS font stacks.
"""

from __future__ import annotations

import os
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"),
    Path("/usr/share/texmf/fonts/opentype/public/fandol"),
)
SYSTEM_CONF = Path("/etc/fonts/fonts.conf")


def extra_dirs() -> list[Path]:
    return [d for d in FONT_DIRS if d.is_dir()]


def configure() -> Path | None:
    """Write and select the fontconfig file once per process; returns it, or None when nothing is needed."""
    if os.environ.get("FONTCONFIG_FILE"):
        return None
    dirs = extra_dirs()
    if not dirs:
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govreport"
    conf = cache / "fonts.conf"
    body = "\n".join(
        ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>"]
        + ([f'  <include ignore_missing="yes">{SYSTEM_CONF}</include>'] if SYSTEM_CONF.exists() else [])
        + [f"  <dir>{d}</dir>" for d in dirs]
        + ["</fontconfig>", ""]
    )
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if not conf.exists() or conf.read_text(encoding="utf-8") != body:
            tmp = conf.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, conf)
    except OSError:
        return None
    os.environ["FONTCONFIG_FILE"] = str(conf)
    return conf
