"""Every reading path on the project's own renders: the HTML, DOCX and PDF of every inputs/*.yaml read back give the
input's tables; the same page copied as text (one cell per line, cells separated by "|", number cells run
together) gives them too, or says which cells it could not settle.

Expected tables come from the YAML itself (yaml.safe_load), never from the reader or the writers.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from generator.model import validate
from generator.readers.published import Published, read_html, read_published, read_text

ROOT = Path(__file__).resolve().parents[1]
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rendered")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "render", *map(str, INPUTS), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def expected_tables(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rows(node: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            flat.update(rows(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def assert_same_tables(published: Published, source: dict, uncertain_ok: bool = False) -> None:
    """The reading's tables equal the input's: every typed figure, and each 总计 read equal to its row's sum."""
    uncertain = set(published.uncertain) if uncertain_ok else set()
    assert not published.uncertain or uncertain_ok, published.uncertain
    active = rows(published.data["active"])
    for key, value in rows(source["active"]).items():
        if active[key] is None and f"active.{key}".rsplit(".", 1)[0] in uncertain | {f"active.{key}"} & uncertain:
            continue
        if active[key] is None and f"active.{key.split('.')[0]}" in uncertain:
            continue
        assert Decimal(str(active[key])) == Decimal(str(value)), (key, active[key], value)
    for table, width in (("applications", 6), ("reviews", 4)):
        got = rows(published.data[table])
        typed = rows(source.get(table, {}))
        for key, value in got.items():
            assert isinstance(value, list)
            if f"{table}.{key}" in uncertain:
                want = list(typed.get(key, [0] * width))[:width]
                assert all(v is None or v == w for v, w in zip(value, want + [sum(want)])), key
                continue
            if key == "total" and "total" not in typed:
                continue  # （七）总计: computed, not typed in the input
            assert value[:width] == list(typed.get(key, [0] * width))[:width], (table, key, value)
            if len(value) > width:
                assert value[width] == sum(value[:width]), (table, key, value)
        if table == "applications" and "total" in got and "total" not in typed:
            results = [k for k in got if k not in ("new", "carried_over", "total", "carried_forward")]
            assert got["total"][:width] == [sum(got[k][i] for k in results) for i in range(width)]


@pytest.mark.parametrize("suffix", ["html", "docx", "pdf"])
@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_rendered_documents_read_back(rendered: Path, source: Path, suffix: str) -> None:
    published = read_published(rendered / f"{source.stem}.{suffix}")
    data = expected_tables(source)
    assert published.kind == suffix
    assert published.format == str(data.get("format") or ("2021" if data["year"] >= 2021 else "2019"))
    assert_same_tables(published, data)
    assert published.data["year"] == data["year"] and published.data["agency"] == data["agency"]
    assert published.data["date"] == data["date"]
    assert published.notes == [], [n.format() for n in published.notes]
    loaded = validate(published.source(), published.file)
    assert loaded.ok, [f.format() for f in loaded.findings]
    where = published.locations["applications.new[0]"].describe()
    assert where.startswith("表三（文档第2个表格） 第4行") if suffix != "pdf" else where.startswith("第")


# --- the same page copied as plain text ---------------------------------------------------------------------
def page_as_text(path: Path, mode: str) -> str:
    """A rendered page as a browser's copy gives it: paragraphs as lines; table cells one per line ("lines"), a row
    per line with cells between "|" ("pipes"), or a row per line whose number cells lost their separators ("runs")."""
    root = lxml_html.document_fromstring(path.read_text(encoding="utf-8"))
    lines: list[str] = []
    for element in root.find("body").iter("p", "h1", "h2", "h3", "h4", "div", "tr"):
        if element.tag == "tr":
            cells = [" ".join(c.text_content().split()) for c in element if c.tag in ("td", "th")]
            numbers = [c for c in cells if c.replace("+", "").replace("-", "").replace(".", "").isdigit()]
            labels = [c for c in cells if c not in numbers]
            if mode == "lines":
                for cell in cells:
                    lines += [cell, ""]
            elif mode == "pipes":
                lines.append("| " + " | ".join(cells) + " |")
            else:
                joined = "".join(numbers) if all(n.isdigit() for n in numbers) else " ".join(numbers)
                lines.append(" ".join(labels + [joined]))
        elif element.tag != "div" and element.find(".//table") is None and element.getparent().tag != "td":
            text = " ".join(element.text_content().split())
            if text:
                lines.append(text)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("mode", ["lines", "pipes"])
@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_copied_text_reads_back(rendered: Path, source: Path, mode: str) -> None:
    text = page_as_text(rendered / f"{source.stem}.html", mode)
    published = read_text(text, f"{source.stem}.txt")
    assert published.kind == "text"
    assert_same_tables(published, expected_tables(source))
    assert published.locations["applications.new[0]"].place.line is not None


@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_copied_text_with_runs_of_digits(rendered: Path, source: Path) -> None:
    """Every row's numbers run together: recovered by the splitter (and the table's identities), or uncertain."""
    text = page_as_text(rendered / f"{source.stem}.html", "runs")
    published = read_text(text, f"{source.stem}.txt")
    assert_same_tables(published, expected_tables(source), uncertain_ok=True)
    assert any(note.rule == "READ-SPLIT" for note in published.notes)


def test_html_saved_from_a_site() -> None:
    """A page as a government site serves it: GBK, a layout table around the report, headers in <td>, a "/" cell."""
    rows_html = "".join(
        f"<tr><td colspan=3>{label}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
        for label, values in (
            ("一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 0, 0, 4]),
            ("二、上年结转政府信息公开申请数量", ["/", 0, 0, 0, 0, 0, 0]),
        )
    )
    page = (
        '<html><head><meta charset="gbk"><title>x</title></head><body><table><tr><td>'
        "<p>某县2021年政府信息公开工作年度报告</p>"
        "<table><tr><td colspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan=7>申请人情况</td></tr>" + rows_html + "</table>"
        "<p>某县人民政府</p><p>2022年1月20日</p></td></tr></table></body></html>"
    ).encode("gbk")
    published = read_html(page, "page.html")
    assert published.data["applications"]["new"] == [3, 1, 0, 0, 0, 0, 4]
    assert published.data["applications"]["carried_over"] == [0] * 7
    assert published.locations["applications.new[0]"].describe() == "表三（文档第1个表格） 第2行 第4列"
    assert any(n.rule == "READ-BLANK" and n.key == "applications.carried_over" for n in published.notes)
    assert published.data["year"] == 2021 and published.data["agency"] == "某县"
    assert str(published.data["date"]) == "2022-01-20"


def test_traditional_2021_page(rendered: Path) -> None:
    """The 2021 report copied from a page converted to 繁体 (every character the reader's table knows)."""
    from generator.readers.published.chars import simplified

    to_traditional: dict[int, str] = {}
    for code in range(0x4E00, 0xA000):
        simple = simplified(chr(code))
        if simple != chr(code) and ord(simple) not in to_traditional:
            to_traditional[ord(simple)] = chr(code)
    source = ROOT / "inputs" / "xilinhot-2021.yaml"
    text = page_as_text(rendered / "xilinhot-2021.html", "lines").translate(to_traditional)
    assert "開" in text and "關" in text
    published = read_text(text, "xilinhot-2021.txt")
    assert published.traditional and published.format == "2021"
    assert_same_tables(published, expected_tables(source))


def test_old_form_for_the_year_is_said(rendered: Path) -> None:
    """A 2021 table under a 2020 title: read by its labels (2021), and the mismatch noted."""
    text = page_as_text(rendered / "xilinhot-2021.html", "pipes").replace("锡林浩特市2021年", "锡林浩特市2020年", 1)
    published = read_text(text, "x.txt")
    assert published.data["year"] == 2020 and published.format == "2021"
    assert [n.rule for n in published.notes] == ["READ-FORMAT"]
