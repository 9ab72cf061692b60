"""The web form in a real headless Chromium (Debian's `chromium`, driven by Playwright): type a number that breaks
一 + 二 = （七）总计 + 四, see the error on that cell, fix it, save, download the PDF and read the number back; another
site's page and a data: page posting to the form are refused; of two tabs saving one report, the second is told."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from generator.web.browser import CHROMIUM

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does)"
)

ROOT = Path(__file__).resolve().parent.parent
NAME = "xilinhot-2021.yaml"
NEW = 'td[data-key="applications.new[0]"]'
FORWARD = 'td[data-key="applications.carried_forward[0]"]'


@pytest.fixture
def site(tmp_path):
    from generator.web.server import background

    data = tmp_path / "reports"
    data.mkdir()
    shutil.copy(ROOT / "inputs" / NAME, data / NAME)
    with background(data) as url:
        yield url, data


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def open_report(page, url):
    page.goto(url + "/")
    page.get_by_role("link", name=NAME).click()
    page.wait_for_selector("form[data-ready]")


def test_break_the_balance_see_it_fix_it_save_and_download_the_pdf(page, site):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    url, data = site
    open_report(page, url)
    expect(page.locator("#summary-counts")).not_to_contain_text("错误")

    page.locator(f"{NEW} input").fill("4321")  # 一 + 二 = 4321 ≠ （七）总计 8 + 四 0
    cell = page.locator(NEW)
    expect(cell).to_have_class("num bad")
    expect(cell.locator(".msg")).to_contain_text("错误：一、本年新收 4321 + 二、上年结转 0 = 4321 ≠ （七）总计 8")
    expect(page.locator(f"{NEW} input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('output[data-total="applications.new[6]"]')).to_have_text("4321")
    expect(page.locator("#summary-counts")).to_have_text("错误 2 条，警告 2 条")
    first = page.locator("#summary-list li.error").first
    expect(first).to_contain_text("一 + 二 = （七）总计 + 四 · 自然人：一、本年新收 4321")
    expect(page.locator("#details-list li.error").first).to_contain_text(f"{NAME}:55: 错误 [T3-BALANCE]")

    page.locator(f"{FORWARD} input").fill("4313")  # 4321 + 0 = 8 + 4313
    expect(cell).not_to_have_class("num bad")
    expect(cell.locator(".msg")).to_have_text("")
    expect(page.locator("#summary-counts")).not_to_contain_text("错误")

    page.get_by_role("button", name="保存").click()
    expect(page.locator("#save-status")).to_have_text("已保存")
    saved = (data / NAME).read_text(encoding="utf-8")
    assert re.search(r"\n  new: +\[4321, 0, 0, 0, 0, 0\] +# 原表总计 8\n", saved)  # in place, comment kept
    assert re.search(r"\n  carried_forward: +\[4313, 0, 0, 0, 0, 0\]", saved)

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "4321" in text and "4313" in text


def test_tab_moves_through_the_grid_in_reading_order(page, site):
    url, _ = site
    open_report(page, url)
    page.locator(f"{NEW} input").focus()
    order = []
    for _ in range(7):
        order.append(page.evaluate("document.activeElement.name"))
        page.keyboard.press("Tab")
    assert order == [f"applications.new[{i}]" for i in range(6)] + ["applications.carried_over[0]"]


def test_an_emptied_paragraph_shows_its_error_under_it(page, site):
    from playwright.sync_api import expect

    url, data = site
    open_report(page, url)
    page.locator('textarea[name="text.problems"]').fill("")
    field = page.locator('.field[data-key="text.problems"]')
    expect(field).to_have_class("field area bad")
    expect(field.locator(".msg")).to_contain_text("不能为空")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_contain_text("已保存为草稿")
    assert (data / NAME).read_text(encoding="utf-8").startswith("# 【草稿】")


# --- issue 10: other sites' pages, and two tabs saving one report ----------------------------------------------
def attack_form(url: str, values: dict[str, str]) -> str:
    from html import escape

    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in values.items())
    return (
        f'<html><body><form id="f" method="post" action="{url}/api/save/{NAME}">{inputs}</form>'
        '<script>document.getElementById("f").submit()</script></body></html>'
    )


def report_fields(data: Path) -> dict[str, str]:
    import hashlib

    from generator.readers.yaml import load_text
    from generator.web.fields import form_values

    text = (data / NAME).read_text(encoding="utf-8")
    values = form_values(load_text(text).data, "2021")
    values["_base"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    values["text.other"] = "其他网站写入的内容"
    return values


def test_another_sites_page_cannot_save(page, site):
    """A page on another site (here http://evil.example, served by Playwright) that submits a form to the local
    server: Chromium sends its Origin, the server refuses, the file is unchanged."""
    url, data = site
    before = (data / NAME).read_bytes()
    html = attack_form(url, report_fields(data))
    page.route("http://evil.example/**", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    requests = []
    page.on("request", lambda request: requests.append(request))
    with page.expect_response(f"{url}/api/save/{NAME}") as answer:
        page.goto("http://evil.example/page.html")
    assert answer.value.status == 403
    assert [r.headers.get("origin") for r in requests if r.method == "POST"] == ["http://evil.example"]
    assert (data / NAME).read_bytes() == before


def test_a_page_with_no_origin_cannot_save(page, site):
    """A data: page (as a sandboxed frame or a file opened from disk) submitting the form: Chromium sends
    `Origin: null`, and the server refuses."""
    from urllib.parse import quote

    url, data = site
    before = (data / NAME).read_bytes()
    requests = []
    page.on("request", lambda request: requests.append(request))
    with page.expect_response(f"{url}/api/save/{NAME}") as answer:
        page.goto("data:text/html;charset=utf-8," + quote(attack_form(url, report_fields(data))))
    assert answer.value.status == 403
    assert [r.headers.get("origin") for r in requests if r.method == "POST"] == ["null"]
    assert (data / NAME).read_bytes() == before


def test_two_tabs_saving_one_report_the_second_is_told_and_nothing_is_overwritten(browser, site):
    from playwright.sync_api import expect

    url, data = site
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    try:
        first, second = context.new_page(), context.new_page()
        for tab in (first, second):
            open_report(tab, url)
        first.locator('textarea[name="text.other"]').fill("第一位同事的改动")
        second.locator('textarea[name="text.other"]').fill("第二位同事的改动")
        first.keyboard.press("Control+s")
        expect(first.locator("#save-status")).to_have_text("已保存")
        second.keyboard.press("Control+s")
        expect(second.locator("#save-status")).to_contain_text("没有保存")
        saved = (data / NAME).read_text(encoding="utf-8")
        assert "第一位同事的改动" in saved and "第二位同事的改动" not in saved
        # the second tab's text is still in its form (and the choice is offered: see test_web_clerk.py)
        assert second.locator('textarea[name="text.other"]').input_value() == "第二位同事的改动"
    finally:
        context.close()
