"""Speed-ups for WeasyPrint when one process renders report after report (batch workers, the web form, benchmarks).

WeasyPrint treats every document as if it were the first and every cell as if it were the only one: it copies each
whole font file (25 MB for the four Fandol faces) into Python, lays out each of table 三's 180 figure cells although
most hold "0", and lays out a table that is kept on one page (`break-inside: avoid`) at the foot of a page where it
cannot fit before moving it on. The patches here remember what they have done already:

- `font_files`: the bytes of each font face are copied once per process, not once per document (+25 MB resident).
- `font_subsets`: a face subset to the same glyphs as last time (the headings' faces, in every report of a pack)
  is not subset again; the last four subsets of each face are kept.
- `kept_tables`: a table kept on one page is not laid out where less room is left than it needs at least, known from
  an earlier layout of the same table (same stylesheet, same label cells, any figures); see `_least_height`.
- `table_cells`: a cell like one laid out before on the page's same table (same text, attributes, width, borders)
  is a copy of it, moved into place; a label cell is laid out once per process, for the first page with its table
  (same stylesheet, same labels), and later pages take a copy with their own styles; see `_install_cells`.
- `long_texts`: a long paragraph is laid out in time proportional to its length, not to its length squared: WeasyPrint
  encodes the whole text again for every line to find where the line starts; see `_install_long_texts`.

None of them changes a byte of the PDF: the tests render reports with and without them and compare, random ones
included. One more changes bytes but not content:

- `compression`: streams are deflated at zlib level 6, not pydyf's 9 (5 % faster, files 0.3 % larger).

(HarfBuzz's `hb_subset_preprocess` was tried as well: under 2 ms less per report for 150 MB more per process.)

Each is installed only when the code it wraps has the shape it was written for (`installed()` says which); otherwise
WeasyPrint runs as shipped, slower but the same. `disabled()` turns off all but the compression for a while.
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
import re
import threading
import xml.etree.ElementTree as ET
import zlib
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, cast

_ENABLED = True
_INSTALLED: list[str] = []
_LOCK = threading.Lock()  # the web form may render in several threads; the memories shared between pages use it
# What the speed-ups did in this process (the tests read it).
STATS = {"tables_skipped": 0, "cells_copied": 0, "labels_reused": 0, "long_texts": 0}


@contextmanager
def disabled():
    """Render without the speed-ups inside this block."""
    global _ENABLED
    before, _ENABLED = _ENABLED, False
    try:
        yield
    finally:
        _ENABLED = before


def installed() -> list[str]:
    return list(_INSTALLED)


def active() -> bool:
    """Whether the speed-ups are installed in this process and not turned off for the moment (`disabled`)."""
    return bool(_INSTALLED) and _ENABLED


# --- font files, once per process -------------------------------------------------------------------------------------

class _Faces:
    """Font faces that Pango handed to WeasyPrint, by address, each held by a reference of ours so its address is never
    reused while it is remembered. At most `limit` faces (a report uses four or five); the oldest are let go."""

    def __init__(self, ffi, harfbuzz, limit: int = 8):
        self.ffi, self.harfbuzz, self.limit = ffi, harfbuzz, limit
        self.faces: OrderedDict[int, dict] = OrderedDict()

    def address(self, face) -> int:
        return int(self.ffi.cast("uintptr_t", face))

    def remember(self, face) -> None:
        key = self.address(face)
        with _LOCK:
            if key in self.faces:
                self.faces.move_to_end(key)
                return
            self.faces[key] = {"ref": self.harfbuzz.hb_face_reference(face)}
            while len(self.faces) > self.limit:
                _, entry = self.faces.popitem(last=False)
                self.harfbuzz.hb_face_destroy(entry["ref"])

    def get(self, face) -> dict | None:
        return self.faces.get(self.address(face))


def _install_fonts() -> None:
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text import ffi as text_ffi

    if not (
        hasattr(pdf_fonts, "get_hb_object_data")
        and hasattr(pdf_fonts, "get_pango_font_hb_face")
        and "get_hb_object_data(self.hb_face)" in inspect.getsource(pdf_fonts.Font.__init__)
    ):
        return
    faces = _Faces(text_ffi.ffi, text_ffi.harfbuzz)
    pango_face, object_data = pdf_fonts.get_pango_font_hb_face, pdf_fonts.get_hb_object_data

    def get_pango_font_hb_face(pango_font):
        face = pango_face(pango_font)
        if _ENABLED:
            faces.remember(face)
        return face

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        entry = faces.get(hb_object) if _ENABLED and ot_color is None else None
        if entry is None:
            return object_data(hb_object, ot_color, glyph)
        if "data" not in entry:
            entry["data"] = object_data(hb_object)
        return entry["data"]

    pdf_fonts.get_pango_font_hb_face = get_pango_font_hb_face
    pdf_fonts.get_hb_object_data = get_hb_object_data
    _INSTALLED.append("font_files")

    subset = pdf_fonts.Font.subset
    if "self._harfbuzz_subset(to_unicode, hinting)" not in inspect.getsource(subset):
        return

    def subset_once(font, to_unicode, hinting):
        """Font.subset, remembered: the same glyphs of the same whole face give the same subset."""
        entry = faces.get(font.hb_face) if _ENABLED and to_unicode else None
        if entry is None or font.file_content is not entry.get("data"):
            return subset(font, to_unicode, hinting)
        key = (tuple(sorted(to_unicode)), bool(hinting), bool(font.missing))
        with _LOCK:
            subsets = entry.setdefault("subsets", OrderedDict())
            known = subsets.get(key)
        if known is not None:
            font.file_content = known
            return None
        subset(font, to_unicode, hinting)
        with _LOCK:
            subsets[key] = font.file_content
            while len(subsets) > 4:
                subsets.popitem(last=False)
        return None

    pdf_fonts.Font.subset = subset_once
    _INSTALLED.append("font_subsets")


# --- tables kept on one page ------------------------------------------------------------------------------------------

# The key of each table of the documents being rendered, by id() of its element: see `table_keys`.
_TABLE_KEYS: dict[int, str] = {}
# The key of each cell whose layout may be reused, by id() of its element: (id() of its table, what it holds).
_CELL_KEYS: dict[int, tuple] = {}
# Cell layouts of each table being rendered, by id() of the table element: see `_install_cells`.
_CELL_LAYOUTS: dict[int, dict] = {}
# Label cell layouts by table key, kept from page to page without the page's styles and elements: see `_install_cells`.
_LABEL_LAYOUTS: OrderedDict[str, dict] = OrderedDict()
# For each table key, a height that every table with that key needs at least (see `_least_height`).
_LEAST_HEIGHTS: dict[str, float] = {}


@contextmanager
def table_keys(root):
    """Key the tables of a page (an element tree), and the cells of each table, while the page renders.

    Two tables share a key when their pages have the same stylesheets (`<style>`), their ancestors the same
    tags and attributes, and the tables the same markup except the text of their figure cells (`data-key`): their label
    cells are then laid out alike, whatever the figures. Tables outside such a block are never skipped.

    Two cells of one table share a key when they have the same tag, attributes (but `data-key`, unless a stylesheet
    names it), text and row: with no stylesheet selecting by position among siblings (`:nth-child`, `+`, …), they get
    the same style, and laid out at the same width they are the same boxes, only elsewhere (see `_install_cells`).
    """
    # the style sheets, not <title>: it names the agency
    sheets = [element for element in root.iter() if element.tag in ("style", "link")]
    page = hashlib.sha1()
    for element in sheets:
        page.update(ET.tostring(element, encoding="utf-8"))
    css = "".join(element.text or "" for element in sheets if element.tag == "style")
    # A linked stylesheet may change between pages under the same link; a selector by position or content may style
    # two alike cells, or the same cell on two pages, apart. Such pages render without keys.
    keyed = not any(element.tag == "link" for element in sheets) and not _BY_POSITION.search(css)
    keep_figure_keys = "data-key" in css
    tables, cells = [], []
    for ancestors, table in (_tables(root) if keyed else ()):
        digest = page.copy()
        digest.update(repr(ancestors).encode())
        for element in table.iter():
            figure = element.get("data-key") is not None
            digest.update(repr((element.tag, sorted(element.attrib.items()), None if figure else element.text,
                                element.tail if element is not table else None)).encode())
        _TABLE_KEYS[id(table)] = digest.hexdigest()
        tables.append(id(table))
        _CELL_LAYOUTS[id(table)] = {}
        cells.extend(_key_cells(table, keep_figure_keys))
    try:
        yield
    finally:
        for key in tables:
            _TABLE_KEYS.pop(key, None)
            _CELL_LAYOUTS.pop(key, None)
        for key in cells:
            _CELL_KEYS.pop(key, None)


# Selectors by position among siblings or by content.
_BY_POSITION = re.compile(r":(?:first|last|nth|only)-|:empty|:blank|:has\(|:not\(|:is\(|:where\(|[+~]")


def _key_cells(table, keep_figure_keys: bool) -> list[int]:
    """Key every cell of `table` that holds text only; returns the ids of the keyed cell elements."""
    keyed = []
    for group in table:
        rows = [group] if group.tag == "tr" else [row for row in group if row.tag == "tr"]
        for row in rows:
            for cell in row:
                if cell.tag not in ("td", "th") or len(cell):
                    continue
                attributes = tuple(sorted((name, value) for name, value in cell.attrib.items()
                                          if keep_figure_keys or name != "data-key"))
                held = (group.tag, tuple(sorted(group.attrib.items())), tuple(sorted(row.attrib.items())), cell.tag,
                        attributes, cell.text)
                _CELL_KEYS[id(cell)] = (id(table), held, cell.get("data-key") is not None)
                keyed.append(id(cell))
    return keyed


def _tables(root):
    """Every table of the page, with the tags and attributes of the elements around it (outermost first)."""
    stack: list[tuple[Any, tuple]] = [(root, ())]
    while stack:
        element, ancestors = stack.pop()
        for child in reversed(list(element)):
            if not isinstance(child.tag, str):
                continue
            if child.tag == "table":
                yield ancestors, child
            else:
                stack.append((child, ancestors + ((child.tag, tuple(sorted(child.attrib.items()))),)))


def _install_tables() -> None:
    from weasyprint.layout import block
    from weasyprint.layout import table as table_module

    found = getattr(table_module, "table_layout", None)
    if found is None or getattr(block, "table_layout", None) is not found:
        return
    layout = cast(Callable[..., Any], found)  # WeasyPrint's own, wrapped below
    parameters = list(inspect.signature(layout).parameters)
    if parameters[:6] != ["context", "table", "bottom_space", "skip_stack", "containing_block", "page_is_empty"]:
        return
    source = inspect.getsource(layout)
    if "if resume_at and not page_is_empty and avoid_break:" not in source or "return table, resume_at, next_page, " \
            "adjoining_margins, collapsing_through" not in source:
        return
    avoid_page_break = block.avoid_page_break

    def table_layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty, *args, **kwargs):
        key = None
        if (_ENABLED and skip_stack is None and not page_is_empty and table.element is not None
                and avoid_page_break(table.style["break_inside"], context)):
            key = _TABLE_KEYS.get(id(table.element))
            least = _LEAST_HEIGHTS.get(key) if key is not None else None
            if least is not None and context.overflows_page(bottom_space, table.position_y + least - 0.01):
                # What WeasyPrint returns for a table kept on one page that does not fit (end of table_layout).
                STATS["tables_skipped"] += 1
                return None, None, {"break": "any", "page": None}, [], False
        result = layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty, *args, **kwargs)
        if key is not None and key not in _LEAST_HEIGHTS and result[0] is not None and result[1] is None:
            least = _least_height(result[0], table.position_y)
            if least is not None:
                if len(_LEAST_HEIGHTS) > 10_000:
                    _LEAST_HEIGHTS.clear()
                _LEAST_HEIGHTS[key] = least
        return result

    block.table_layout = table_layout
    _INSTALLED.append("kept_tables")


def _least_height(table, top: float) -> float | None:
    """From a table laid out whole: how far below `top` its last body row must end, whatever its figures.

    A row ends below the bottom of every cell that ends in it, and a figure can only make a cell taller. So each cell
    puts a floor under the rows it spans: a label cell (no `data-key`) the height it took before it was stretched to
    its rows, a figure cell its borders and padding. The longest chain of floors from the first body row to the last is
    the least height. Nothing is known for a table with a footer or without body rows.
    """
    if any(group.is_footer for group in table.children):
        return None
    rows, group_ends = [], []
    for group in table.children:
        if not group.is_header:
            rows.extend(group.children)
            group_ends.extend([len(rows)] * len(group.children))
    if not rows:
        return None
    ending: list[list[tuple[int, float]]] = [[] for _ in range(len(rows) + 1)]
    for index, row in enumerate(rows):
        for cell in row.children:
            own = cell.border_top_width + cell.border_bottom_width
            own += _px(cell.style["padding_top"]) + _px(cell.style["padding_bottom"])
            if cell.element is None or cell.element.get("data-key") is None:
                own += cell.height
            end = min(index + max(cell.rowspan, 1), group_ends[index])  # a row span ends with its row group
            ending[end].append((index, own))
    floor = [0.0] * (len(rows) + 1)
    for boundary in range(1, len(rows) + 1):
        floor[boundary] = max([floor[boundary - 1]] + [floor[start] + own for start, own in ending[boundary]])
    return rows[0].position_y - top + floor[-1]


def _px(value) -> float:
    """A computed padding in pixels; a percentage counts as nothing (a lower bound stays one)."""
    return float(value.value) if getattr(value, "unit", None) == "px" else 0.0


# --- table cells ------------------------------------------------------------------------------------------------------

_CELL_SIZES = ("width", "colspan", "margin_top", "margin_right", "margin_bottom", "margin_left", "padding_top",
               "padding_right", "padding_bottom", "padding_left", "border_top_width", "border_right_width",
               "border_bottom_width", "border_left_width", "height", "min_height", "max_height", "min_width",
               "max_width")


def _install_cells() -> None:
    """Lay out each distinct cell of a table once per page: the other cells like it get a copy, moved into place.

    Table 三 has some 180 figure cells and most hold "0"; each took WeasyPrint a full block layout. A copy is used only
    for a cell keyed alike (see `table_keys`) at the same width, borders and padding, laid out whole, with no float on
    the page, and only where the whole cell fits on the page as it did before — where WeasyPrint would lay it out the
    same, only elsewhere.

    Label cells (no `data-key`) are the same on every page with the same table key, so their layouts are also kept
    from page to page (`_LABEL_LAYOUTS`), stripped of the page's styles and elements (`_unbound`); a later page binds
    them to the styles and elements of its own cell (`_bound`), which the key guarantees are computed alike.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import block
    from weasyprint.layout import table as table_module

    layout = getattr(block, "block_container_layout", None)
    if layout is None:
        return
    parameters = list(inspect.signature(layout).parameters)
    if parameters != ["context", "box", "bottom_space", "skip_stack", "page_is_empty", "absolute_boxes",
                      "fixed_boxes", "adjoining_margins", "first_letter_style", "first_line_style", "discard",
                      "max_lines"]:
        return
    if "new_cell, cell_resume_at, _, _, _, _ = block_container_layout(" not in inspect.getsource(table_module):
        return
    cell_type, box_type = boxes.TableCellBox, boxes.Box

    def block_container_layout(context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes, fixed_boxes,
                               adjoining_margins, first_letter_style, first_line_style, discard, max_lines):
        key: Any = None
        cache: Any = None
        labels: Any = None
        if (type(box) is cell_type and _ENABLED and skip_stack is None and adjoining_margins is None
                and first_letter_style is None and first_line_style is None and not discard and max_lines is None):
            cell: Any = _CELL_KEYS.get(id(box.element)) if box.element is not None else None
            cache = _CELL_LAYOUTS.get(cell[0]) if cell is not None else None
            if cache is not None and not context.excluded_shapes:
                # The children's count tells a cell from the empty copy that WeasyPrint lays out when a cell
                # does not fit at the foot of a page.
                key = (cell[1], len(box.children), tuple(getattr(box, name, None) for name in _CELL_SIZES),
                       frozenset(box.remove_decoration_sides))
                known = cache.get(key)
                labels = None if cell[2] else _labels(cell[0])
                if known is None and labels is not None and key in labels:
                    known = _bound(labels[key], box)  # laid out on an earlier page: take this page's styles
                    if known is not None:
                        cache[key] = known
                        STATS["labels_reused"] += 1
                if known is not None and not context.overflows_page(bottom_space, box.position_y + known[2] + 1):
                    changed, children, _, top, left, next_page, collapsing_through = known
                    copies = [child.deepcopy() for child in children]
                    for child in copies:
                        child.translate(box.position_x - left, box.position_y - top)
                    new_box = box.copy_with_children(copies)
                    for name, value in changed.items():
                        setattr(new_box, name, value)
                    STATS["cells_copied"] += 1
                    return new_box, None, dict(next_page), [], collapsing_through, None
        before: Any = dict(vars(box)) if key is not None else None
        result = layout(context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes, fixed_boxes,
                        adjoining_margins, first_letter_style, first_line_style, discard, max_lines)
        new_box = result[0]
        if (key is not None and key not in cache and new_box is not None and result[1] is None and result[3] == []
                and result[5] is None and not context.excluded_shapes):
            changed = {name: value for name, value in vars(new_box).items()
                       if name != "children" and (name not in before or _differs(before[name], value))}
            if not ({"position_x", "position_y"} & changed.keys()) and not any(
                    isinstance(value, (box_type, list, dict, set)) for value in changed.values()):
                bottom = new_box.position_y + new_box.margin_height() - box.position_y
                cache[key] = (changed, [child.deepcopy() for child in new_box.children], bottom, box.position_y,
                              box.position_x, dict(result[2]), result[4])
                if labels is not None and key not in labels:
                    unbound = _unbound(cache[key], box)
                    if unbound is not None:
                        labels[key] = unbound
        return result

    block.block_container_layout = block_container_layout
    _INSTALLED.append("table_cells")


def _labels(table_id: int) -> dict | None:
    """The label cell layouts kept for the table key of this page's table (the last 16 keys are kept)."""
    table_key = _TABLE_KEYS.get(table_id)
    if table_key is None:
        return None
    with _LOCK:
        labels = _LABEL_LAYOUTS.get(table_key)
        if labels is None:
            labels = _LABEL_LAYOUTS[table_key] = {}
            while len(_LABEL_LAYOUTS) > 16:
                _LABEL_LAYOUTS.popitem(last=False)
        else:
            _LABEL_LAYOUTS.move_to_end(table_key)
        return labels


def _text_shape(cell) -> tuple | None:
    """The one line box and one text box of a cell's text before layout, or None for any other shape."""
    from weasyprint.formatting_structure import boxes

    if len(cell.children) != 1 or type(cell.children[0]) is not boxes.LineBox:
        return None
    line = cell.children[0]
    if len(line.children) != 1 or type(line.children[0]) is not boxes.TextBox:
        return None
    return line, line.children[0]


def _unbound(known: tuple, cell) -> tuple | None:
    """A cell layout to keep beyond its page: its line and text boxes without the page's styles and elements.

    Only for a cell whose text made line boxes and text boxes alone, each a copy of the one line box and the one
    text box the cell had before layout (so each takes that box's style and element on a later page)."""
    from weasyprint.formatting_structure import boxes

    shape = _text_shape(cell)
    if shape is None:
        return None
    line, text = shape
    for child in known[1]:
        if type(child) is not boxes.LineBox or child.style is not line.style or child.element is not line.element:
            return None
        for piece in child.children:
            if type(piece) is not boxes.TextBox or piece.style is not text.style or piece.element is not text.element:
                return None
    return (known[0], _copies(known[1], None, None), *known[2:])


def _bound(unbound: tuple, cell) -> tuple | None:
    """A kept cell layout with this page's styles and elements (those of the cell's own line and text boxes)."""
    shape = _text_shape(cell)
    if shape is None:
        return None
    return (unbound[0], _copies(unbound[1], *shape), *unbound[2:])


def _copies(lines: list, line, text) -> list:
    """Copies of a cell's line boxes and their text boxes, with the style and element of `line` and `text` (or none)."""
    copies = [child.deepcopy() for child in lines]
    for copy in copies:
        _take_page(copy, line)
        for piece in copy.children:
            _take_page(piece, text)
            piece.pango_layout = _layout_without_style(piece.pango_layout)
    return copies


def _take_page(box, source) -> None:
    box.style = source.style if source is not None else None
    box.element = source.element if source is not None else None
    if source is not None:
        box.element_tag = source.element_tag


def _layout_without_style(layout):
    """A copy of a text box's Pango layout holder that keeps no style: drawing sets it up again from the box's style
    before it reads anything else (WeasyPrint's draw_text calls `reactivate(textbox.style)` first)."""
    import copy

    duplicate = copy.copy(layout)
    duplicate.__dict__.pop("style", None)
    return duplicate


def _differs(before, after) -> bool:
    if before is after:
        return False
    try:
        return bool(before != after)
    except Exception:  # values that cannot be compared count as changed
        return True


# --- long paragraphs --------------------------------------------------------------------------------------------------

# A text at least this long (in characters) has its line offsets remembered; shorter ones take WeasyPrint's own path,
# where encoding the whole text again for each line costs nothing worth saving. The tests set it to 0.
LONG_TEXT = 1_000

# What WeasyPrint 70's functions that `long_texts` re-states look like, to the byte (sha1 of their source).
_LONG_TEXT_SOURCES = {
    "skip_first_whitespace": "f479d5e0de5dd64b0dcf115876236951f58d14dd",
    "split_inline_level": "404f5ca4a1eb01a3fed612e3c36135da1de42f31",
    "split_text_box": "71b41e63bc9df0b8e3e8a01793d94fd70f1b5abc",
}
_SHIPPED: dict = {}  # WeasyPrint's own three, by name, once `long_texts` is installed (the tests compare with them)


class _Offsets:
    """Byte offsets in one text's UTF-8 and the characters they start at, remembered as the text is laid out.

    WeasyPrint keeps its place in a text box as a byte offset into the UTF-8 of the whole text, and for each line it
    encodes the whole text again (and decodes what is left) to find it: time grows with the square of a paragraph's
    length. Here each offset is found from the nearest one found before it (the previous line's), by encoding only
    the characters in between, so a paragraph costs time in proportion to its length.
    """

    __slots__ = ("text", "size", "bytes", "chars")

    def __init__(self, text: str):
        self.text = text
        self.size = len(text.encode())  # raises UnicodeEncodeError (a lone surrogate) as WeasyPrint would
        self.bytes, self.chars = [0, self.size], [0, len(text)]

    def char(self, offset) -> int | None:
        """The index of the character that starts at byte `offset` (the text's length at its end), or None where no
        character starts there (or `offset` is not a byte offset in the text)."""
        if type(offset) is not int or not 0 <= offset <= self.size:
            return None
        at = bisect.bisect_right(self.bytes, offset) - 1
        byte, char = self.bytes[at], self.chars[at]
        if byte == offset:
            return char
        ahead = offset - byte  # at most this many characters (each is one byte or more)
        try:
            char += len(self.text[char:char + ahead].encode()[:ahead].decode())
        except UnicodeDecodeError:  # `offset` falls inside a character
            return None
        self.bytes.insert(at + 1, offset)
        self.chars.insert(at + 1, char)
        return char


_OFFSETS = threading.local()  # per thread: each thread's last long texts, each an _Offsets


def _offsets(text) -> _Offsets | None:
    """The remembered offsets of a long text (kept for the last 8 long texts laid out in this thread), or None for a
    short one, or when the speed-ups are off."""
    if not _ENABLED or type(text) is not str or len(text) < LONG_TEXT:
        return None
    texts = getattr(_OFFSETS, "texts", None)
    if texts is None:
        texts = _OFFSETS.texts = OrderedDict()
    entry = texts.get(id(text))
    if entry is not None and entry.text is text:  # it holds the text, so no other text can have its id meanwhile
        texts.move_to_end(id(text))
        return entry
    try:
        entry = _Offsets(text)
    except UnicodeError:
        return None
    texts[id(text)] = entry
    while len(texts) > 8:
        texts.popitem(last=False)
    STATS["long_texts"] += 1
    return entry


def _install_long_texts() -> None:
    """Lay out a long paragraph line by line in time proportional to its length, not to its length squared.

    WeasyPrint 70 lays out the text of a paragraph (one text box) line after line, keeping its place as a byte offset
    into the UTF-8 of the whole text. Three of its functions turn that offset back into text by encoding the whole text
    and decoding the rest (or the start) for every line: `split_text_box` (the rest of the text, to fit the next line),
    `skip_first_whitespace` (twice a line) and `split_inline_level` (the last letter before the break). For a
    paragraph of 50,000 characters that is 2,000 lines each encoding 150 KB several times, and it grows with the
    square of the length. These re-statements of the three find the character at an offset with `_Offsets` and hand
    WeasyPrint's `split_first_line` the very same text as before: every line, and every byte of the PDF, is the same.
    (That text is still the rest of the paragraph, a copy made in C for each line: 0.05 s of the 9 s that one paragraph
    of 200,000 characters takes.) Texts shorter than LONG_TEXT characters, and anything else, go to WeasyPrint's own
    functions; so does a text box with a ::first-line style, or any offset that does not start a character.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    for name, digest in _LONG_TEXT_SOURCES.items():
        function: Any = getattr(inline, name, None)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            return
        if hashlib.sha1(source.encode()).hexdigest() != digest:
            return
    text_box = boxes.TextBox
    _SHIPPED.update((name, getattr(inline, name)) for name in _LONG_TEXT_SOURCES)
    skip_first_whitespace = inline.skip_first_whitespace
    split_inline_level = inline.split_inline_level
    split_text_box = inline.split_text_box

    def skip_first_whitespace_(box, skip_stack):
        offsets = _offsets(box.text) if isinstance(box, text_box) else None
        if offsets is None or skip_stack is not None and len(skip_stack) != 1:
            return skip_first_whitespace(box, skip_stack)
        (index, next_skip_stack), = skip_stack.items() if skip_stack is not None else ((0, None),)
        start = offsets.char(index)
        if next_skip_stack is not None or start is None:
            return skip_first_whitespace(box, skip_stack)
        # As WeasyPrint: the end of the text is 'continue'; with collapsing white space, skip the spaces (b' ') there.
        if index == offsets.size:
            return "continue"
        if box.style["white_space"] in ("normal", "nowrap", "pre-line"):
            text, end = offsets.text, start
            while end < len(text) and text[end] == " ":
                end += 1
            index += end - start  # a space is one byte
        return {index: None} if index else None

    def split_text_box_(context, box, available_width, skip, is_line_start=True):
        offsets = _offsets(box.text) if isinstance(box, text_box) else None
        start = offsets.char(skip) if offsets is not None else None
        if offsets is None or start is None:
            return split_text_box(context, box, available_width, skip, is_line_start)
        # WeasyPrint 70's split_text_box, but for where the rest of the text and the text between lines come from.
        font_size = box.style["font_size"]
        text = offsets.text[start:]  # = box.text.encode()[skip:].decode()
        if font_size == 0 or not text:
            return None, None, False
        layout, length, resume_index, width, height, baseline = inline.split_first_line(
            text, box.style, context, available_width, box.justification_spacing, is_line_start=is_line_start)
        assert resume_index != 0

        if length > 0:
            box = box.copy_with_text(layout.text)
            box.width = width
            box.pango_layout = layout
            box.height = height
            line_height, _ = inline.strut(box.style)
            half_leading = (line_height - height) / 2
            box.margin_top = half_leading
            box.margin_bottom = half_leading
            box.baseline = baseline
            box.baseline += box.margin_top
        else:
            box = None

        preserved_line_break: Any
        if resume_index is None:
            preserved_line_break = False
        else:
            end, resume = offsets.char(skip + length), offsets.char(skip + resume_index)
            if end is None or resume is None or length < 0 or resume_index < 0:
                between = text.encode()[length:resume_index].decode()  # as WeasyPrint, whatever it gives
            else:
                between = offsets.text[end:resume]
            preserved_line_break = (length != resume_index) and between.strip(" ")
            if preserved_line_break:
                line_breaks = ("\n", "\t", "\f", "\u0085", "\u2028", "\u2029")
                assert between in line_breaks, (
                    "Got %r between two lines. Expected nothing or a preserved line break" % (between,))
            resume_index += skip

        return box, resume_index, preserved_line_break

    def split_inline_level_(context, box, position_x, max_x, bottom_space, skip_stack, containing_block,
                            absolute_boxes, fixed_boxes, line_placeholders, waiting_floats, line_children,
                            first_letter_style, first_line_style):
        if (type(box) is not text_box or first_line_style or skip_stack is not None and len(skip_stack) != 1
                or _offsets(box.text) is None):
            return split_inline_level(
                context, box, position_x, max_x, bottom_space, skip_stack, containing_block, absolute_boxes,
                fixed_boxes, line_placeholders, waiting_floats, line_children, first_letter_style, first_line_style)
        # WeasyPrint 70's split_inline_level for a text box (without ::first-line), but for the last letter.
        inline.resolve_percentages(box, containing_block)
        float_widths = {"left": 0, "right": 0}
        box.position_x = position_x
        if skip_stack is None:
            skip = 0
        else:
            (skip, skip_stack), = skip_stack.items()
            skip = skip or 0
            assert skip_stack is None

        is_line_start = len(line_children) == 0
        new_box, skip, preserved_line_break = inline.split_text_box(
            context, box, max_x - position_x, skip, is_line_start=is_line_start)

        if skip is None:
            resume_at = None
        else:
            resume_at = {skip: None}
        if box.text:
            first_letter = box.text[0]
            if skip is None:
                last_letter = box.text[-1]
            else:
                offsets = _offsets(box.text)
                end = offsets.char(skip) if offsets is not None else None
                if end is None:
                    last_letter = box.text.encode()[:skip].decode()[-1]
                else:
                    last_letter = box.text[max(end - 1, 0):end][-1]  # IndexError at 0, as WeasyPrint
        else:
            first_letter = last_letter = None
        return new_box, resume_at, preserved_line_break, first_letter, last_letter, float_widths

    inline.skip_first_whitespace = skip_first_whitespace_
    inline.split_text_box = split_text_box_
    inline.split_inline_level = split_inline_level_
    _INSTALLED.append("long_texts")


# --- compression ------------------------------------------------------------------------------------------------------

COMPRESSION_LEVEL = 6


class _Zlib:
    """zlib for pydyf, which asks for level 9: level 6 writes a report 5 % faster and 0.3 % larger."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=-1, *args, **kwargs):
        return zlib.compressobj(COMPRESSION_LEVEL, *args, **kwargs)


def _install_compression() -> None:
    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib or "zlib.compressobj(level=9)" not in inspect.getsource(pydyf):
        return
    pydyf.zlib = _Zlib()
    _INSTALLED.append("compression")


def install() -> None:
    if _INSTALLED:
        return
    _install_fonts()
    _install_tables()
    _install_cells()
    _install_long_texts()
    _install_compression()
