"""A long paragraph costs the PDF writer time in proportion to its length (issue 10), and the same bytes as before.

WeasyPrint 70 encodes a paragraph's whole text to UTF-8 again for every line it lays out, so a paragraph took time
growing with the square of its length (50,000 characters: 5 s; 200,000: 33 s). The `long_texts` speed-up
(writers/pdf/speedups.py) finds each line's start from the previous line's. These tests count the characters that go
through `str.encode` and `bytes.decode` while a report renders, and the Python and C calls made: for four times the
text, four times the work — not sixteen, as WeasyPrint alone does (the test checks that the count sees that, too).
No wall-clock time is asserted.
"""

from __future__ import annotations

import hashlib
import inspect
import random
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from generator.document import build
from generator.pipeline import check_file, pack_for
from generator.writers import pdf
from generator.writers.html import render_text
from generator.writers.pdf import engine
from generator.writers.pdf import speedups as pdf_speedups

pdf.enable_speedups()  # as batch workers, the web server and `govreport render` do

_CJK = (
    "本机关坚持以公开为常态不公开为例外推进决策执行管理服务结果公开"
    "政府信息依申请办理答复时限规范渠道平台网站栏目更新维护"
)
_PUNCTUATION = "，。；、：“”《》（）"
_WORDS = ["GB/T", "9704", "PDF", "WeasyPrint", "café", "naïve", "Ωmega", "e-mail", "https://www.gov.cn/zhengce/"]
_ASTRAL = ["𠀀", "𪚥", "😀"]  # four bytes in UTF-8 (a font may lack them: they are drawn all the same in both runs)


def _text(chars: int, seed: int = 1, mixed: bool = False) -> str:
    """Report-like text of `chars` characters: Chinese with figures and punctuation; `mixed` adds Latin words between
    spaces (lines then start after a space), accented letters and characters of four UTF-8 bytes."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < chars:
        piece = "".join(rng.choice(_CJK) for _ in range(rng.randint(6, 30)))
        if rng.random() < 0.4:
            piece += f"{rng.randint(1, 99_999)}{rng.choice(['件', '条', '%', '人次'])}"
        if mixed and rng.random() < 0.5:
            piece += " " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6))) + " "
        if mixed and rng.random() < 0.2:
            piece += rng.choice(_ASTRAL)
        piece += rng.choice(_PUNCTUATION)
        out.append(piece)
        size += len(piece)
    return "".join(out)[:chars]


_BASE = check_file(next(p for p in INPUTS if p.stem == "wangguanji-2020")).report
_PACK = pack_for(_BASE)


def _document(problems: str):
    """The wangguanji report with part 五 replaced (not validated: this is about the writer, not the input limits)."""
    report = _BASE.model_copy(update={"text": _BASE.text.model_copy(update={"problems": problems})})
    return build(report, _PACK)


def _page(problems: str) -> str:
    """The report's page with part 五 only (its title, stylesheet and signature kept): the work of laying out the
    narrative, and little else, is what gets counted."""
    page = render_text(_document(problems), _PACK)
    return re.sub(r'<section id="(?!problems")[^"]*".*?</section>\n?', "", page, flags=re.S)


def _render(page: str, pack=_PACK) -> bytes:
    return pdf.render(_EMPTY, pack, page=page)


def _plain(page: str, pack=_PACK) -> bytes:
    """The PDF as WeasyPrint makes it from the page: its own HTML parser, no speed-up but the compression level."""
    swappable, engine._TREE_SWAPPABLE = engine._TREE_SWAPPABLE, False
    try:
        with pdf_speedups.disabled():
            return _render(page, pack)
    finally:
        engine._TREE_SWAPPABLE = swappable


_EMPTY = _document("")  # what pdf.render is given with a page made already (it reads only the page)


@pytest.fixture
def every_text_long(monkeypatch):
    """Every text goes through the `long_texts` speed-up, not only those of LONG_TEXT characters or more."""
    monkeypatch.setattr(pdf_speedups, "LONG_TEXT", 0)


def test_long_texts_speedup_applies():
    """It re-states three functions of WeasyPrint 70 and is installed only over their exact source (a digest)."""
    from weasyprint.layout import inline

    assert "long_texts" in pdf_speedups.installed()
    for name, digest in pdf_speedups._LONG_TEXT_SOURCES.items():
        source = inspect.getsource(pdf_speedups._SHIPPED[name])
        assert hashlib.sha1(source.encode()).hexdigest() == digest, name
    assert {name: getattr(inline, name).__module__ for name in pdf_speedups._LONG_TEXT_SOURCES} == dict.fromkeys(
        pdf_speedups._LONG_TEXT_SOURCES, pdf_speedups.__name__)


_UNICODE = "政府 a  é𠀀　 😀，12 "  # one to four bytes in UTF-8, spaces alone and in runs, an ideographic space


def test_offsets_find_each_character_from_its_byte():
    text = _UNICODE * 40
    starts = {len(text[:index].encode()): index for index in range(len(text) + 1)}
    size = len(text.encode())
    offsets = pdf_speedups._Offsets(text)
    order = list(range(-2, size + 3))
    random.Random(5).shuffle(order)  # the remembered offsets are found from in any order, not only line after line
    for offset in order + order[::-1]:
        assert offsets.char(offset) == starts.get(offset), offset
    assert offsets.char(1.0) is None and offsets.char(True) is None


@pytest.mark.parametrize("white_space", ["normal", "pre-wrap"])
def test_skip_first_whitespace_as_weasyprint(white_space, every_text_long):
    """At every byte of a text (inside characters and past the end too), as WeasyPrint's own: the spaces skipped,
    'continue' at the end."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    shipped = pdf_speedups._SHIPPED["skip_first_whitespace"]
    for text in (_UNICODE * 3, "  " + _UNICODE, _UNICODE.strip() + "   "):
        box = boxes.TextBox("p", {"white_space": white_space}, None, text)
        assert inline.skip_first_whitespace(box, None) == shipped(box, None)
        for index in range(len(text.encode()) + 3):
            assert inline.skip_first_whitespace(box, {index: None}) == shipped(box, {index: None}), (text, index)


# --- the same bytes ------------------------------------------------------------------------------------------------

# One input of each template pack (test_pdf_speedups renders them all, with texts of every length).
_ONE_PER_PACK = [p for p in INPUTS if p.stem in ("wangguanji-2020", "elunchun-2020-neimenggu", "luzhou-2020-sichuan")]


@pytest.mark.parametrize("path", _ONE_PER_PACK, ids=[p.stem for p in _ONE_PER_PACK])
def test_every_text_through_the_speedup_same_bytes(path, every_text_long):
    report = check_file(path).report
    pack = pack_for(report)
    page = render_text(build(report, pack), pack)
    before = pdf_speedups.STATS["long_texts"]
    assert _render(page, pack) == _plain(page, pack)
    assert pdf_speedups.STATS["long_texts"] - before > 20  # headings, paragraphs, cells


def test_long_paragraphs_same_bytes():
    """Paragraphs over LONG_TEXT characters, over several pages, with spaces, Latin words, accents and characters of
    one to four UTF-8 bytes; one Chinese only."""
    problems = "\n\n".join([_text(6_000, seed=2, mixed=True), _text(1_500, seed=3), _text(2_500, seed=4, mixed=True)])
    page = _page(problems)
    before = pdf_speedups.STATS["long_texts"]
    assert _render(page) == _plain(page)
    assert pdf_speedups.STATS["long_texts"] - before == 3


_PIECES = st.sampled_from(list(_CJK[:12]) + list(_PUNCTUATION) + _WORDS + _ASTRAL + [" ", "  ", "0", "12345", "é"])


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=300))
def test_random_paragraphs_same_bytes(pieces, every_text_long):
    text = "".join(pieces).strip() or "空"
    page = _page(text)
    assert _render(page) == _plain(page)


# --- work in proportion to the text ----------------------------------------------------------------------------------

def _work(render) -> tuple[int, int]:
    """(characters through str.encode and bytes.decode, Python and C calls) while `render()` runs."""
    chars = calls = 0

    def profile(frame, event, arg):
        nonlocal chars, calls
        if event == "call":
            calls += 1
        elif event == "c_call":
            calls += 1
            name, owner = getattr(arg, "__name__", ""), getattr(arg, "__self__", None)
            if name == "encode" and type(owner) is str or name == "decode" and type(owner) is bytes:
                chars += len(owner)

    sys.setprofile(profile)
    try:
        render()
    finally:
        sys.setprofile(None)
    return chars, calls


def _ratios(problems_n: str, problems_4n: str) -> tuple[float, float]:
    """The work of rendering part 五 as `problems_4n` over that of rendering it as `problems_n` (characters, calls)."""
    small, large = _page(problems_n), _page(problems_4n)
    chars_n, calls_n = _work(lambda: _render(small))
    chars_4n, calls_4n = _work(lambda: _render(large))
    return chars_4n / chars_n, calls_4n / calls_n


def test_one_paragraph_four_times_as_long_is_at_most_four_times_the_work():
    chars, calls = _ratios(_text(1_500), _text(6_000))
    # The title and the signature are the same in both: linear work gives 4 at most. WeasyPrint alone gives 14.
    assert chars < 4.5, chars
    assert calls < 4.5, calls


def test_many_paragraphs_four_times_as_many_is_at_most_four_times_the_work():
    paragraphs = [_text(800, seed=seed) for seed in range(12)]
    chars, calls = _ratios("\n\n".join(paragraphs[:3]), "\n\n".join(paragraphs))
    assert chars < 4.5, chars
    assert calls < 4.5, calls


def test_the_count_sees_the_square_without_the_speedup():
    """Without the speed-ups, WeasyPrint's own line layout encodes the whole paragraph for every line: the count
    grows with the square of the length, so the tests above would fail if that came back."""
    with pdf_speedups.disabled():
        chars, _calls = _ratios(_text(1_500), _text(6_000))
    assert chars > 8, chars
