"""The web form in a real headless Chromium (Debian's `chromium`, driven by Playwright): type a number that breaks
一 + 二 = （七）总计 + 四, see the error on that cell, fix it, save, download the PDF and read the number back."""

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


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from generator.web.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


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
    expect(cell.locator(".msg")).to_contain_text("[T3-BALANCE] 一、本年新收 4321 + 二、上年结转 0 = 4321 ≠ （七）总计 8")
    expect(page.locator(f"{NEW} input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('output[data-total="applications.new[6]"]')).to_have_text("4321")
    expect(page.locator("#summary-counts")).to_have_text("错误 2 条，警告 2 条")
    expect(page.locator("#summary-list li.error").first).to_contain_text(f"{NAME}:55: 错误 [T3-BALANCE]")

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
