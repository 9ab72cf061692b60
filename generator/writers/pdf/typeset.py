"""Chinese typesetting for WeasyPrint: justified lines end on the right edge, and figures are never split by a line.

Justification. WeasyPrint 70 justifies a line by widening its spaces only (`layout.inline.justify_line`). A line of
Chinese has no spaces, so it stops wherever its last character does: short by a fraction of a character when it holds
digits or Latin letters, by a whole one where a closing mark may not begin the next line. CSS Text 3
(`text-justify: auto`) spreads the extra space of a Chinese line over the gaps between its characters as well; so
does `chinese_justification`, for every justified line of WeasyPrint's layout —

- `justify_line`: the line's extra width is shared equally by its spaces (as WeasyPrint) and by every gap between
  two characters of which one is Chinese (a full-width character: ideographs, kana, full-width punctuation). Each text
  box is widened by its share and the boxes after it move right, as WeasyPrint does for spaces. A line without such a
  gap is left to WeasyPrint.
- `draw_first_line`: when a text box is drawn, the glyph before each of its gaps is made wider by the gap's share
  (Pango's glyph geometry, which WeasyPrint turns into the positions of the PDF's text), so the text is drawn where the
  layout put it.

Figures kept whole. Line breaking (UAX 14, as Pango does it) allows a break inside 2020年1月1日, 〔2021〕30号,
DB51/T 2660—2019 or 37.62万条. `figures_whole` gives Pango, for every text it lays out, the figures of
document.figures.unbroken as ranges where no break is allowed (PANGO_ATTR_ALLOW_BREAKS): the line breaks before such a
figure, not inside it. (A span with `white-space: nowrap` around each figure in the page would do the same, at the
cost of an element and an inline box for each: a tenth of the time of a report with many figures.)

This changes the layout, so it is not one of the speed-ups (speedups.py, which change no byte): it is
installed whatever GOVREPORT_PDF_SPEEDUPS says, and each part only when the WeasyPrint code it wraps has the shape it
was written for (`installed()`); otherwise lines of Chinese stay ragged, or figures may be split, as before.
"""

from __future__ import annotations

import inspect
import unicodedata
from bisect import bisect_left
from itertools import accumulate

from ...model.figures import unbroken_spans

_INSTALLED: list[str] = []
# A line this close to full (in CSS px, 0.13 mm) is left as it is: a line of 28 Chinese characters on the 156 mm line
# of GB/T 9704 falls short by 0.1 px only (writers/html.py page_grid), and spreading that costs time and shows nothing.
NEGLIGIBLE = 0.5


def installed() -> list[str]:
    return list(_INSTALLED)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _spaces(text: str) -> int:
    return text.count(" ") + text.count("\u00a0")  # what WeasyPrint's count_expandable_spaces counts


def gaps(texts: list[str | None]) -> list[list[int]]:
    """For the texts of a line's boxes in order (None for a box that is not text), the gaps of each: the index of
    each character followed, on the line, by another character where one of the two is full-width and neither is a
    space. A gap after a box's last character is the box's own (the next box starts after it)."""
    found: list[list[int]] = [[] for _ in texts]
    before, before_wide, before_box, before_index = None, False, 0, 0
    for box, text in enumerate(texts):
        if text is None:
            before = None
            continue
        for index, ch in enumerate(text):
            wide = _wide(ch)
            if before is not None and (wide or before_wide) and not ch.isspace() and not before.isspace():
                found[before_box].append(before_index)
            before, before_wide, before_box, before_index = ch, wide, box, index
    return found


def _install() -> None:
    from weasyprint.draw import text as draw_text
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.ffi import TO_UNITS, ffi, pango
    from weasyprint.text.line_break import create_layout

    if not callable(getattr(inline, "justify_line", None)) or not callable(getattr(draw_text, "draw_first_line", None)):
        return
    source = inspect.getsource(inline.text_align)
    if "justify_line(context, line, offset)" not in source or "def justify_line" in source:
        return
    drawing = inspect.getsource(draw_text.draw_first_line)
    if not all(part in drawing for part in (
            "pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)",
            "first_line, index = textbox.pango_layout.get_first_line()",
            "width = glyph_info.geometry.width")):
        return
    if "first_line.runs[0]" not in drawing or "draw_first_line(" not in inspect.getsource(draw_text.draw_text):
        return

    shipped_justify = inline.justify_line
    shipped_draw = draw_text.draw_first_line

    def in_order(box, out: list) -> None:
        """The in-flow boxes of a line, in order: text boxes, and None for any other box (an inline-block, an image)."""
        if isinstance(box, boxes.TextBox):
            out.append(box)
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    in_order(child, out)
        else:
            out.append(None)

    def justify_line(context, line, extra_width):
        if line.style["direction"] != "ltr" or extra_width < NEGLIGIBLE:
            return shipped_justify(context, line, extra_width)
        texts: list = []
        in_order(line, texts)
        found = gaps([box.text if box is not None else None for box in texts])
        count = sum(map(len, found))
        if not count:
            return shipped_justify(context, line, extra_width)
        count += sum(_spaces(box.text) for box in texts if box is not None)
        own = {id(box): tuple(indices) for box, indices in zip(texts, found) if box is not None and indices}
        spread(context, line, extra_width / count, own, 0)

    def spread(context, box, spacing, own, x_advance):
        """WeasyPrint's add_word_spacing, with each text box widened by its gaps as well as by its spaces."""
        if isinstance(box, boxes.TextBox):
            box.justification_spacing = spacing
            box.position_x += x_advance
            spaces = _spaces(box.text)
            if spaces:
                layout = create_layout(
                    box.text, box.style, context, max_width=None, justification_spacing=spacing)
                layout.deactivate()
                box.pango_layout = layout
            indices = own.get(id(box), ())
            if indices:
                box.justification_gaps = (spacing, indices)
            extra = spacing * (spaces + len(indices))
            box.width += extra
            return x_advance + extra
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = spread(context, child, spacing, own, x_advance)
            box.width += x_advance - before
            return x_advance
        box.translate(x_advance, 0)
        return x_advance

    def widen(textbox, spacing, indices) -> None:
        """Widen the glyph before each gap of `textbox` by `spacing`, in the Pango layout about to be drawn."""
        layout, text = textbox.pango_layout, textbox.text
        if layout.text != text:
            return
        # As draw_first_line does first: set now, so that it does not lay the text out again (and lose the widths).
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _ = layout.get_first_line()
        # the UTF-8 byte at which each character starts (and where the text ends)
        starts = list(accumulate(_utf8_sizes(text), initial=0))
        wanted = sorted(indices)
        done, units, next_gap = 0.0, 0, 0  # the rounding to Pango units is shared out over the gaps
        run = first_line.runs[0]
        while run != ffi.NULL and next_gap < len(wanted):
            glyph_item = run.data
            run = run.next
            item = glyph_item.item
            first, last = bisect_left(starts, item.offset), bisect_left(starts, item.offset + item.length)
            if last >= len(starts) or starts[first] != item.offset or starts[last] != item.offset + item.length:
                return  # not a run of whole characters: leave the line as it is
            glyphs = glyph_item.glyphs
            count, clusters = glyphs.num_glyphs, glyphs.log_clusters
            if item.analysis.level % 2:
                return  # right to left: leave the line as it is
            while next_gap < len(wanted) and wanted[next_gap] < last:
                gap = wanted[next_gap]
                next_gap += 1
                if gap < first:
                    continue
                cluster = starts[gap] - item.offset
                # the last glyph of the gap's character: the glyph of the same index where glyphs are characters
                glyph = gap - first if count == last - first and clusters[gap - first] == cluster else None
                if glyph is None:
                    candidates = [i for i in range(count) if clusters[i] == cluster]
                    if not candidates:
                        continue
                    glyph = candidates[-1]
                done += spacing * TO_UNITS
                step = round(done) - units
                units += step
                glyphs.glyphs[glyph].geometry.width += step

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        justified = getattr(textbox, "justification_gaps", None)
        if justified is not None and text_overflow != "ellipsis" and block_ellipsis == "none":  # else it is set again
            widen(textbox, *justified)
        return shipped_draw(stream, textbox, text_overflow, block_ellipsis, matrix)

    inline.justify_line = justify_line
    draw_text.draw_first_line = draw_first_line
    _INSTALLED.append("chinese_justification")


def _utf8_sizes(text: str) -> list[int]:
    return [1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4 for ch in text]


def _install_figures() -> None:
    """No line break inside a figure that a line must not split, in every text Pango lays out for WeasyPrint."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    layout_class = getattr(line_break, "Layout", None)
    if layout_class is None or not callable(getattr(layout_class, "set_text", None)):
        return
    source = inspect.getsource(layout_class.set_text)
    if "pango.pango_layout_set_text(self.layout, text, -1)" not in source or "self.text = text" not in source:
        return
    try:
        allow_breaks = pango.pango_attr_allow_breaks_new
    except AttributeError:
        try:
            ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);")
            allow_breaks = pango.pango_attr_allow_breaks_new  # Pango 1.44 and later
        except Exception:  # an older Pango, or a cffi that refuses a late declaration
            return
    shipped_set_text = layout_class.set_text

    def set_text(self, text, justify=False):
        # WeasyPrint sets the text of a layout again only to a text with the same start (the whole text after the first
        # part of it, the first line, the first line and the next word): the ranges set before still hold, or cover the
        # first part of a figure cut off at the end of a part.
        shipped_set_text(self, text, justify)
        if justify:
            return  # a text laid out to be drawn, on one line already: no break to prevent
        spans = unbroken_spans(self.text)
        if not spans:
            return
        sizes = list(accumulate(_utf8_sizes(self.text), initial=0))
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == ffi.NULL:
            attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        for start, end in spans:
            attribute = allow_breaks(False)
            attribute.start_index, attribute.end_index = sizes[start], sizes[end]
            pango.pango_attr_list_insert(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)

    layout_class.set_text = set_text
    _INSTALLED.append("figures_whole")


def install() -> None:
    if not _INSTALLED:
        _install()
        _install_figures()
