"""The HTML page on a phone (390 px), a tablet (768 px) and a desktop (1280 px) and the CMS fragment, measured in a
real headless Chromium (Debian's `chromium`, driven by Playwright), for every input in inputs/:

- the page never scrolls sideways; on a phone a body line holds at least 16 characters and the title keeps its lines;
- no table cell's text is clipped or runs out of its cell (a table wider than the window scrolls in its own box);
- a header label breaks only where the official form breaks it (its lines) or after a mark of its sentence, never
  inside a word; a figure never breaks;
- the CMS fragment (`--to cms`), shown in a page without any stylesheet, looks as the page does: element by element
  the same computed alignment, indent, borders, padding, fonts and weight, and the same sizes; and it holds every
  figure of the three tables (read back as tests/test_readback.py reads the page).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.web.browser import CHROMIUM
from official import PARTS
from readback import (
    application_keys,
    expected_active,
    expected_applications,
    expected_reviews,
    html_grid,
    html_tables,
    html_text,
    raw_input,
    regions,
    report_format,
)

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))
PHONE, TABLET, DESKTOP = 390, 768, 1280
EXPECTED = {"active": expected_active, "applications": expected_applications, "reviews": expected_reviews}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does)"
)

# --- measured in the page -------------------------------------------------------------------------------------------
# Every character of an element's text, in order, with its box and whether one of the label's own lines ends before
# it (a "\n" of a label set line by line, or a <br>); lines are told apart by where the characters stand.
CHARACTERS_JS = r"""
function characters(element) {
  const out = [];
  const range = document.createRange();
  let newline = false;
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        const text = child.textContent;
        for (let i = 0; i < text.length; i++) {
          if (text[i] === "\n") { newline = true; continue; }
          if (/\s/.test(text[i])) continue;
          range.setStart(child, i);
          range.setEnd(child, i + 1);
          const rect = range.getClientRects()[0];
          if (!rect) continue;
          out.push({ch: text[i], top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right, newline});
          newline = false;
        }
      } else if (child.nodeName === "BR") {
        newline = true;
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        walk(child);
      }
    }
  };
  walk(element);
  return out;
}
function lines(chars) {  // the characters grouped by line: a character standing below the one before starts a line
  const out = [];
  chars.forEach((c, i) => {
    const before = chars[i - 1];
    if (!before || c.top > before.top + (before.bottom - before.top) / 2) out.push([c]);
    else out[out.length - 1].push(c);
  });
  return out;
}
"""

LAYOUT_JS = "() => {" + CHARACTERS_JS + r"""
  const MARKS = "，。、；：）〕」』", OPENS = "（〔「『";
  const report = document.querySelector(".govreport");
  const paragraphs = [...report.querySelectorAll("p")].filter(p => !p.closest(".signature")).map(p => {
    return {text: p.textContent.slice(0, 30), lines: lines(characters(p)).map(line => line.length)};
  });
  const title = document.querySelector("h1");
  const titleLines = lines(characters(title)).map(line => line.map(c => c.ch).join(""));
  const titleBreaks = characters(title).filter(c => c.newline).length + 1;
  const cells = [...report.querySelectorAll("th, td")].map(cell => {
    const chars = characters(cell);
    const box = cell.getBoundingClientRect();
    const left = box.left + cell.clientLeft, top = box.top + cell.clientTop;
    const right = left + cell.clientWidth, bottom = top + cell.clientHeight;
    const outside = chars.filter(c => c.left < left - 0.5 || c.right > right + 0.5 || c.top < top - 0.5
                                      || c.bottom > bottom + 0.5).map(c => c.ch).join("");
    const badBreaks = [];
    chars.forEach((c, i) => {
      const before = chars[i - 1];
      if (before && c.top > before.top + (before.bottom - before.top) / 2 && !c.newline
          && !MARKS.includes(before.ch) && !OPENS.includes(c.ch)) badBreaks.push(before.ch + "/" + c.ch);
    });
    return {
      text: cell.textContent.replace(/\n/g, "/"), header: cell.tagName === "TH",
      lines: cell.classList.contains("lines"), figure: cell.hasAttribute("data-key"),
      overflow: cell.scrollWidth > cell.clientWidth, outside, badBreaks, lineCount: lines(chars).length,
    };
  });
  const tables = [...report.querySelectorAll("table")].map(table => ({
    id: table.id, box: table.parentElement.className, overflowX: getComputedStyle(table.parentElement).overflowX,
    width: table.getBoundingClientRect().width, boxWidth: table.parentElement.clientWidth,
  }));
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth, paragraphs,
          titleLines, titleBreaks, cells, tables};
}
"""

# The computed styles compared between the page and the CMS fragment, for each of these elements in order.
COMPARED = "h1, h2, h3, h4, p, span, table, th, td"
PROPERTIES = [
    "text-align", "text-indent", "font-weight", "font-family", "font-size", "font-style", "line-height",
    "letter-spacing", "vertical-align", "white-space", "word-break", "color", "table-layout", "border-collapse",
    *(f"border-{side}-{what}" for side in ("top", "right", "bottom", "left") for what in ("width", "style", "color")),
    *(f"padding-{side}" for side in ("top", "right", "bottom", "left")),
    *(f"margin-{side}" for side in ("top", "bottom")),
]
STYLES_JS = """(args) => [...document.querySelectorAll(args.selector)].map(element => {
  const style = getComputedStyle(element), box = element.getBoundingClientRect();
  return {tag: element.tagName, text: element.textContent.replace(/\\s/g, "").slice(0, 24),
          style: Object.fromEntries(args.properties.map(name => [name, style.getPropertyValue(name)])),
          width: Math.round(box.width), height: Math.round(box.height)};
})"""


# --- fixtures -------------------------------------------------------------------------------------------------------
_RENDERED: dict[Path, dict[str, bytes]] = {}


def rendered(path: Path) -> dict[str, bytes]:
    """The page and the CMS fragment of an input, made once per session."""
    if path not in _RENDERED:
        from generator.pipeline import check_file, document_for, pack_for, render_document
        from generator.writers import CMS

        checked = check_file(path)
        assert checked.ok, [f.format() for f in checked.findings]
        pack = pack_for(checked.report)
        _RENDERED[path] = render_document(document_for(checked.report, pack), pack, ("html", CMS))
    return _RENDERED[path]


def page_html(path: Path) -> bytes:
    return rendered(path)["html"]


def cms_fragment(path: Path) -> str:
    from generator.writers import CMS

    return rendered(path)[CMS].decode("utf-8")


@pytest.fixture(params=INPUTS, ids=[p.stem for p in INPUTS])
def source(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Writes a page (or a fragment in a page without any stylesheet) to a file: its file:// URL."""
    folder = tmp_path_factory.mktemp("pages")

    def write(name: str, data: bytes) -> str:
        target = folder / name
        target.write_bytes(data)
        return target.as_uri()

    return write


_LAYOUTS: dict[tuple[Path, int], dict] = {}


@pytest.fixture
def layout(browser, pages):
    """The page of an input measured at a window width (measured once per session)."""

    def measure(path: Path, width: int) -> dict:
        if (path, width) not in _LAYOUTS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            try:
                page = context.new_page()
                page.goto(pages(f"{path.stem}.html", page_html(path)))
                _LAYOUTS[(path, width)] = page.evaluate(LAYOUT_JS)
            finally:
                context.close()
        return _LAYOUTS[(path, width)]

    return measure


def bare_page(fragment: str) -> bytes:
    """The fragment as a CMS shows it: in a page of its own, with no stylesheet."""
    head = '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>\n'
    return f"{head}{fragment}</body>\n</html>\n".encode()


# --- the page on a phone and a desktop ------------------------------------------------------------------------------
@needs_chromium
@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_the_page_never_scrolls_sideways(layout, source, width):
    measured = layout(source, width)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["scrollWidth"]


@needs_chromium
def test_body_text_reflows_on_a_phone(layout, source):
    """At 390 px the full lines of a paragraph (all but its last) hold at least 16 characters a line on average (the
    first line indented two); at 1280 px the page is a sheet with lines of 28 characters or more."""
    for width, least in ((PHONE, 16), (DESKTOP, 28)):
        paragraphs = [p for p in layout(source, width)["paragraphs"] if len(p["lines"]) >= 2]
        assert len(paragraphs) >= 3, width
        thin = [(p["text"], p["lines"]) for p in paragraphs if sum(p["lines"][:-1]) / (len(p["lines"]) - 1) < least]
        assert not thin, (width, thin)


@needs_chromium
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_title_keeps_its_lines(layout, source, width):
    """"政府信息公开工作年度报告" is one line, as is the agency's line before it: never 政府信息公/开工作年度/报告."""
    measured = layout(source, width)
    assert len(measured["titleLines"]) == measured["titleBreaks"], measured["titleLines"]


@needs_chromium
@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_every_table_scrolls_in_its_own_box(layout, source, width):
    tables = layout(source, width)["tables"]
    assert [t["id"] for t in tables] == ["table-active", "table-applications", "table-reviews"]
    for table in tables:
        assert table["box"] == "table-scroll" and table["overflowX"] == "auto", table
        assert table["width"] >= table["boxWidth"] - 1, table  # as wide as its box, or wider (then it scrolls)
    if width == DESKTOP:
        assert all(t["width"] <= t["boxWidth"] + 1 for t in tables), tables  # nothing to scroll on a desktop


@needs_chromium
@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_no_text_clipped_or_overlapping_in_table_cells(layout, source, width):
    cells = layout(source, width)["cells"]
    assert len(cells) > 200
    overflowing = [c["text"] for c in cells if c["overflow"]]
    outside = [(c["text"], c["outside"]) for c in cells if c["outside"]]
    assert not overflowing and not outside, (overflowing, outside)
    broken = [c["text"] for c in cells if c["figure"] and c["lineCount"] != 1]
    assert not broken, broken  # a figure on one line


@needs_chromium
@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_header_labels_break_only_where_the_form_breaks_them(layout, source, width):
    """A header (and a label set line by line, such as 三、/本/年/度…) breaks at its own lines (商业/企业), or after a
    mark of its sentence (the 勾稽关系 note after "，"), never inside a word: no 商业企/业, no 法人或/其他组织."""
    cells = [c for c in layout(source, width)["cells"] if c["header"] or c["lines"]]
    assert any(c["text"] == "商业/企业" for c in cells)
    bad = [(c["text"], c["badBreaks"]) for c in cells if c["badBreaks"]]
    assert not bad, bad


# --- the CMS fragment -----------------------------------------------------------------------------------------------
def test_cms_fragment_is_a_fragment(source):
    fragment = cms_fragment(source)
    assert fragment.startswith("<div ") and fragment.rstrip().endswith("</div>")
    for tag in ("<html", "<head", "<body", "<style", "<script", "<link", "<article", "<section", "class="):
        assert tag not in fragment, tag
    assert 'lang="zh-CN"' in fragment.split(">", 1)[0]
    assert "@media" not in fragment and "var(" not in fragment
    assert "商业<br>企业" in fragment  # a label's lines as <br>: an editor never folds them into a space


@needs_chromium
def test_cms_fragment_without_a_stylesheet_looks_as_the_page(browser, pages, source):
    """The fragment in a page with no stylesheet, and the page itself, both at 1280 px: each heading, paragraph, table
    and cell with the same computed alignment, indent, borders, padding, fonts and weight, and the same size."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    try:
        page = context.new_page()
        args = {"selector": COMPARED, "properties": PROPERTIES}
        page.goto(pages(f"{source.stem}.html", page_html(source)))
        want = page.evaluate(STYLES_JS, args)
        page.goto(pages(f"{source.stem}.cms-in-a-bare-page.html", bare_page(cms_fragment(source))))
        assert page.evaluate("document.styleSheets.length") == 0
        got = page.evaluate(STYLES_JS, args)
    finally:
        context.close()
    assert [(e["tag"], e["text"]) for e in got] == [(e["tag"], e["text"]) for e in want]
    assert sum(e["tag"] in ("TD", "TH") for e in want) > 200
    for page_element, fragment_element in zip(want, got):
        assert fragment_element == page_element, page_element["text"]


def test_cms_fragment_reads_back_every_figure(source):
    """Tables 二, 三 and 四 of the fragment, slot by slot, read exactly the labels and figures of the input, with the
    official merged cells, the input keys on table 三's figures, and the report's parts in order."""
    fragment = cms_fragment(source)
    data = raw_input(source)
    tables = html_tables(fragment)
    assert list(tables) == ["table-active", "table-applications", "table-reviews"]
    for table_id, expected in EXPECTED.items():
        grid = html_grid(tables[f"table-{table_id}"])
        want, want_regions = expected(data)
        assert [[cell["text"].strip() for cell in row] for row in grid] == want, table_id
        assert regions(grid) == want_regions, table_id
    keys = [[cell["key"] for cell in row] for row in html_grid(tables["table-applications"])]
    assert keys == application_keys(report_format(data))
    text = html_text(fragment)
    positions = [text.find(part) for part in PARTS]
    assert -1 not in positions and positions == sorted(positions)


def test_cms_fragment_from_the_shared_page_is_the_fragment_alone():
    """render_all makes the HTML page once for the page, the PDF and the fragment: the same fragment either way."""
    from generator.pipeline import check_file, document_for, pack_for
    from generator.writers import CMS, render_all, writer

    checked = check_file(INPUTS[-1])
    pack = pack_for(checked.report)
    document = document_for(checked.report, pack)
    together = render_all(document, pack, ("html", CMS))
    assert together[CMS][0] == writer(CMS)(document, pack)


# --- the CLI --------------------------------------------------------------------------------------------------------
def test_render_to_cms_writes_the_fragment_only(runner, tmp_path):
    from generator.cli import app

    source = INPUTS[-1]
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(source), "-o", str(out), "--to", "cms"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{source.stem}.cms.html"]
    assert (out / f"{source.stem}.cms.html").read_text(encoding="utf-8") == cms_fragment(source)
    result = runner.invoke(app, ["render", str(source), "-o", str(out), "--to", "html, CMS"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{source.stem}.cms.html", f"{source.stem}.html"]


def test_cms_only_when_asked_and_explained_in_help(runner):
    from generator.cli import app
    from generator.cli.report import output_formats

    assert output_formats("html,docx,pdf") == ("html", "docx", "pdf")
    assert output_formats("cms") == ("cms.html",)
    help_text = re.sub(r"\s+", "", runner.invoke(app, ["render", "--help"]).output)
    assert "cms" in help_text and ".cms.html" in help_text and "[default:html,docx,pdf]" in help_text
