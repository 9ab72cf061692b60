"""WeasyPrint set up for reports. Importing this module loads WeasyPrint (after pointing fontconfig at the open faces,
fonts.py) and installs typeset.py, which is layout, not speed: justified Chinese, figures kept whole. The speed-ups
are not installed here; see `enable_speedups` in this package.

A table goes on to a next page only between two of its row groups (`<tbody class="together">`, runs of rows that no
merged cell crosses, each kept on one page, the header rows repeated): WeasyPrint clips a rowspan cell that crosses a
page break (WeasyPrint issue 663).
"""

from __future__ import annotations

import gc
import re
import threading
from pathlib import Path

from ...document import Document
from ...packs import Pack
from ..html import render_text
from . import fonts, html_tree, speedups, typeset

fonts.configure()

import cssselect2  # noqa: E402
import weasyprint  # noqa: E402  (after the fontconfig file is chosen)
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

typeset.install()  # justified lines of Chinese, figures kept whole (layout, not speed-ups: always on)


def load() -> None:
    """WeasyPrint is loaded and set up for reports (importing this module did it)."""

_FONT_CONFIG = FontConfiguration()


def _report_ua_stylesheet() -> "weasyprint.CSS | None":
    """WeasyPrint's HTML user-agent stylesheet without its ::marker, ::footnote-* and ::note-* rules.

    Those rules match every element, so each one gets several pseudo-element styles computed: about 6 % of a
    report's render. A report has no lists, footnotes or notes. None when this WeasyPrint keeps its sheet elsewhere.
    """
    path = Path(weasyprint.__file__).parent / "css" / "html5_ua.css"
    if not path.is_file() or not hasattr(weasyprint.HTML, "_ua_stylesheets"):
        return None
    kept = _PSEUDO_RULES.sub("", path.read_text(encoding="utf-8"))
    return weasyprint.CSS(string=kept, font_config=_FONT_CONFIG)


_PSEUDO_RULES = re.compile(r"^::(?:marker|footnote-|note-)[^{]*\{[^}]*\}", re.M)
_UA_STYLESHEET = _report_ua_stylesheet()


class ReportHTML(weasyprint.HTML):
    """A report page for WeasyPrint: read by lxml where that gives WeasyPrint's own tree (see html_tree), with the
    report's lean user-agent stylesheet (where this WeasyPrint allows it)."""

    def __init__(self, string: str, base_url: str, folders: tuple[Path, ...] = ()):
        fetcher = ConfinedFetcher(folders)
        root = html_tree.tree(string) if _TREE_SWAPPABLE and speedups.active() else None
        if root is None:
            super().__init__(string=string, base_url=base_url, url_fetcher=fetcher)
            return
        # an empty page for the base URL, the fetcher and the media type; the tree is lxml's
        super().__init__(string="<html></html>", base_url=base_url, url_fetcher=fetcher)
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, *args, **kwargs):
        if _UA_STYLESHEET is None:
            return super()._ua_stylesheets(*args, **kwargs)
        return [_UA_STYLESHEET]


class ConfinedFetcher(weasyprint.urls.URLFetcher):
    """WeasyPrint's URL fetcher, confined: a pack's page may use `data:` URLs and files inside the pack's own folders
    (an image, a stylesheet), never another file of the machine nor the network, where a fetch could hang a batch.
    A refused resource is left out of the page, as WeasyPrint does with any resource it cannot fetch."""

    def __init__(self, folders: tuple[Path, ...]):
        super().__init__(allowed_protocols=("data", "file"))
        self._roots = tuple(Path(folder).resolve() for folder in folders)

    def fetch(self, url, headers=None):
        if url.lower().startswith("file:"):
            from urllib.parse import unquote, urlsplit

            target = Path(unquote(urlsplit(url).path)).resolve()
            if not (target.is_file() and any(root in target.parents for root in self._roots)):
                raise ValueError(f"模板包之外的文件不予读取：{url[:200]}")
        return super().fetch(url, headers)


def _tree_swappable() -> bool:
    """Whether this WeasyPrint's HTML keeps the parsed page in `wrapper_element` / `etree_element`, as 70 does."""
    import inspect

    try:
        source = inspect.getsource(weasyprint.HTML.__init__)
    except (OSError, TypeError):
        return False
    return "self.wrapper_element = cssselect2.ElementWrapper.from_html_root(" in source and (
        "self.etree_element = self.wrapper_element.etree_element" in source
    )


_TREE_SWAPPABLE = _tree_swappable()  # lxml's tree is used only with the speed-ups on


# One PDF at a time per process: the web form renders in a thread pool, and Pango's font map (shared through
# _FONT_CONFIG) is not safe to use from two threads at once. Batch workers are single-threaded: never contended.
_RENDERING = threading.Lock()


def render(document: Document, pack: Pack, page: str | None = None) -> bytes:
    """The PDF of `document`, from its HTML page (`page`, when the caller has made it already)."""
    text = render_text(document, pack) if page is None else page
    with _RENDERING:
        html = ReportHTML(text, base_url=str(pack.dirs[0]), folders=tuple(pack.dirs))
        # One render builds a large graph of short-lived boxes; generational garbage collections that run in the
        # middle of it (and walk every long-lived WeasyPrint object) cost about 15 % of the time. Collect after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with speedups.table_keys(html.etree_element):
                return html.write_pdf(font_config=_FONT_CONFIG)
        finally:
            if collecting:
                gc.enable()
