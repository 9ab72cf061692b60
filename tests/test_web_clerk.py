"""Issue 13: the web form as a township clerk uses it, in a real headless Chromium (Debian's `chromium` driven by
Playwright): number entry that cannot crash, work that is never lost (no cached page, Back after a save, the draft
kept as the clerk types and offered again after the tab is closed and the server restarted, the choice when a save
meets a newer file), failures shown in red, plain language and help on focus, spreadsheet keys and pasting, last
year's figures, the preview, and the layout at 390 px, 1366 px and 200 % zoom."""

from __future__ import annotations

import re
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from generator.web.browser import CHROMIUM

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does)"
)

ROOT = Path(__file__).resolve().parent.parent
NAME = "xilinhot-2021.yaml"
NEW = 'td[data-key="applications.new[0]"]'


def cell(key: str) -> str:
    return f'input[name="{key}"]'


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(ROOT / "inputs" / NAME, folder / NAME)
    return folder


@pytest.fixture
def site(data):
    from generator.web.server import background

    with background(data) as url:
        yield url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def open_report(page, url: str, name: str = NAME):
    page.goto(f"{url}/report/{name}")
    page.wait_for_selector("form[data-ready]")


def counts(page) -> str:
    return page.locator("#summary-counts").inner_text()


# --- number entry ---------------------------------------------------------------------------------------------
def test_full_width_digits_and_leading_zeros_become_the_plain_number_as_typed(page, site, data):
    from playwright.sync_api import expect

    open_report(page, site)
    box = page.locator(cell("applications.new[1]"))
    box.click()
    page.keyboard.insert_text("０")  # as a Chinese IME in full-width mode types
    page.keyboard.insert_text("８")
    expect(box).to_have_value("8")
    box.fill("")
    box.type("007")
    expect(box).to_have_value("7")
    box.fill("１２")
    expect(box).to_have_value("12")
    # the identity 一 + 二 = （七）总计 + 四 now fails in column 1, on its cells, and nothing answered 500
    expect(page.locator('td[data-key="applications.new[1]"]')).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator("#summary-counts")).to_contain_text("错误")
    expect(page.locator("#problem")).to_be_hidden()


def test_a_click_on_a_cell_selects_it_so_typing_replaces_the_zero(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    box = page.locator(cell("applications.new[2]"))
    expect(box).to_have_value("0")
    box.click()
    page.keyboard.type("9")
    expect(box).to_have_value("9")
    page.locator(cell("applications.new[3]")).focus()
    page.keyboard.type("5")
    expect(page.locator(cell("applications.new[3]"))).to_have_value("5")


def test_a_cell_that_is_not_a_number_does_not_hide_the_other_errors(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    page.locator(cell("applications.new[0]")).fill("4321")
    expect(page.locator("#summary-counts")).to_contain_text("错误 2 条")
    page.locator(cell("applications.new[2]")).fill("abc")
    # first the answer to this edit (abc marked), then what it says: the counts shown before it would pass too
    expect(page.locator('td[data-key="applications.new[2]"]')).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator("#summary-counts")).to_contain_text("错误 2 条")  # abc, and column 0's identity still shown
    expect(page.locator(NEW)).to_have_class(re.compile(r"\bbad\b"))


# --- never lose work ------------------------------------------------------------------------------------------
def test_pages_are_not_cached_and_back_after_a_save_shows_the_saved_version(page, site, data):
    from playwright.sync_api import expect

    response = page.goto(f"{site}/report/{NAME}")
    assert response.headers["cache-control"] == "no-store"
    page.wait_for_selector("form[data-ready]")
    page.locator('textarea[name="text.other"]').fill("第一次保存的内容")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("已保存")
    page.get_by_role("link", name="报告列表").first.click()
    page.wait_for_url(f"{site}/")
    page.go_back()
    page.wait_for_selector("form[data-ready]")
    expect(page.locator('textarea[name="text.other"]')).to_have_value("第一次保存的内容")
    page.locator('textarea[name="text.other"]').fill("返回之后又改的内容")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("已保存")  # not refused as a conflict
    assert "返回之后又改的内容" in (data / NAME).read_text(encoding="utf-8")


def test_back_from_the_refused_pdf_page_then_save(page, site, data):
    from playwright.sync_api import expect

    open_report(page, site)
    page.locator('textarea[name="text.problems"]').fill("")  # an error: the PDF is refused
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_contain_text("已保存为草稿")
    page.get_by_role("link", name="下载 PDF").click()
    expect(page.locator("h1")).to_contain_text("未生成 PDF")
    page.go_back()
    page.wait_for_selector("form[data-ready]")
    page.locator('textarea[name="text.problems"]').fill("问题与改进：已改正")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("已保存")
    assert "问题与改进：已改正" in (data / NAME).read_text(encoding="utf-8")


def test_the_draft_survives_closing_the_tab_and_restarting_the_server(context, data):
    from playwright.sync_api import expect

    from generator.web.server import background, bind

    # the address is held by this socket from the first server to the second: no other program (another test run
    # on this machine) can take the port in between, as it could after a probe socket was closed
    with closing(bind("127.0.0.1", 0)) as address:
        before = (data / NAME).read_bytes()
        with background(data, sock=address) as url:
            page = context.new_page()
            open_report(page, url)
            page.locator('textarea[name="text.other"]').fill("还没保存的一段话")
            page.locator(cell("applications.new[3]")).fill("2")
            # the draft as stored holds both edits (written 200 ms after the last key): waited for, not slept
            page.wait_for_function(
                """name => { const d = JSON.parse(localStorage.getItem('govreport-draft:' + name) || 'null');
                return !!d && d.fields['text.other'] === '还没保存的一段话'
                  && d.fields['applications.new[3]'] === '2'; }""",
                arg=NAME,
            )
            page.close()  # the tab closed without saving
        assert (data / NAME).read_bytes() == before
        with background(data, sock=address) as url:  # the server started again at the same address
            page = context.new_page()
            open_report(page, url)
            offer = page.locator("#draft-offer")
            expect(offer).to_be_visible()
            expect(page.locator('textarea[name="text.other"]')).not_to_have_value("还没保存的一段话")
            page.get_by_role("button", name="恢复未保存的草稿").click()
            expect(page.locator('textarea[name="text.other"]')).to_have_value("还没保存的一段话")
            expect(page.locator(cell("applications.new[3]"))).to_have_value("2")
            page.keyboard.press("Control+s")
            # new[3] = 2 alone breaks 一 + 二 = （七）总计 + 四 in that column: saved, as a draft
            expect(page.locator("#save-status")).to_contain_text("已保存为草稿")
            saved = (data / NAME).read_text(encoding="utf-8")
            assert "还没保存的一段话" in saved
            page.reload()
            page.wait_for_selector("form[data-ready]")
            expect(offer).to_be_hidden()  # saved: no draft left to offer


def test_a_save_that_meets_a_newer_file_offers_keep_mine_take_theirs_or_compare(context, site, data):
    from playwright.sync_api import expect

    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        open_report(tab, site)
    first.locator('textarea[name="text.other"]').fill("第一位同事的改动")
    first.keyboard.press("Control+s")
    expect(first.locator("#save-status")).to_have_text("已保存")
    second.locator('textarea[name="text.other"]').fill("第二位同事的改动")
    second.keyboard.press("Control+s")
    box = second.locator("#conflict")
    expect(box).to_be_visible()
    expect(second.locator("#save-status")).to_contain_text("没有保存")
    expect(second.locator("#save-status")).to_have_class("error")
    assert "复制" not in box.inner_text()
    second.get_by_role("button", name="比较两份").click()
    table = second.locator("table.compare")
    expect(table).to_contain_text("第二位同事的改动")
    expect(table).to_contain_text("第一位同事的改动")
    second.get_by_role("button", name=re.compile("保留我的")).click()
    expect(second.locator("#save-status")).to_have_text("已保存")
    expect(box).to_be_hidden()
    expect(second.locator("#problem")).to_be_hidden()
    saved = (data / NAME).read_text(encoding="utf-8")
    assert "第二位同事的改动" in saved and "第一位同事的改动" not in saved
    # the first tab now meets the second's file: it takes theirs
    first.locator('textarea[name="text.other"]').fill("又一次改动")
    first.keyboard.press("Control+s")
    expect(first.locator("#conflict")).to_be_visible()
    first.get_by_role("button", name=re.compile("采用文件中的")).click()
    first.wait_for_selector("form[data-ready]")
    expect(first.locator('textarea[name="text.other"]')).to_have_value("第二位同事的改动")
    expect(first.locator("#draft-offer")).to_be_hidden()


def test_failures_are_red_and_stay_until_resolved_and_the_badge_only_when_true(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    expect(page.locator("#draft-badge")).to_be_hidden()
    page.route("**/api/check/**", lambda route: route.abort())  # the server gone
    page.locator(cell("applications.new[1]")).fill("3")
    problem = page.locator("#problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("无法连接填报程序")
    expect(page.locator("#summary-counts")).to_have_text("未能核对")
    color = problem.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(197, 34, 31)"
    page.wait_for_timeout(800)
    expect(problem).to_be_visible()  # stays
    page.unroute("**/api/check/**")
    page.locator(cell("applications.new[1]")).fill("0")
    expect(problem).to_be_hidden()
    expect(page.locator("#summary-counts")).not_to_have_text("未能核对")
    page.locator('textarea[name="text.problems"]').fill("")
    expect(page.locator("#draft-badge")).to_be_visible()
    page.locator('textarea[name="text.problems"]').fill("已有改进")
    expect(page.locator("#draft-badge")).to_be_hidden()


# --- plain language and help ----------------------------------------------------------------------------------
def test_the_page_speaks_plainly_and_keeps_the_technical_words_in_details(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    page.locator(cell("applications.new[0]")).fill("4321")
    expect(page.locator(NEW)).to_have_class(re.compile(r"\bbad\b"))
    visible = page.evaluate(
        "() => { const d = document.getElementById('details'); d.open = false;"
        " return document.body.innerText.replace(d.innerText, ''); }"
    )
    for word in ("YAML", NAME, "T3-BALANCE", ":55", "govreport"):
        assert word not in visible, word
    assert "一、本年新收政府信息公开申请数量 · 自然人" in visible
    page.locator("#details summary").click()
    expect(page.locator("#details-list")).to_contain_text(f"{NAME}:55: 错误 [T3-BALANCE]")
    expect(page.locator("#details")).to_contain_text("YAML")


def test_a_row_s_definition_is_shown_on_focus_and_errors_are_tied_to_inputs(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    page.locator(cell("applications.withheld.internal_affairs[0]")).focus()
    tip = page.locator("#tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("人事管理")
    expect(tip).to_contain_text("第十六条")
    page.locator(cell("applications.partly_disclosed[0]")).focus()
    expect(tip).to_contain_text("只计在这一行")
    page.locator(cell("applications.new[0]")).fill("4321")
    expect(page.locator(NEW)).to_have_class(re.compile(r"\bbad\b"))
    described = page.locator(cell("applications.new[0]")).get_attribute("aria-describedby")
    text = page.evaluate(f"document.getElementById({described!r}).textContent")
    assert "一、本年新收 4321" in text
    live = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log], output:not([aria-live=off])"
    assert page.evaluate(f"document.querySelectorAll({live!r}).length") == 1


def test_each_part_shows_how_complete_it_is(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    state = page.locator('nav.parts [data-state="applications"]')
    expect(state).to_have_text("已完成")
    page.locator(cell("applications.new[3]")).fill("")
    expect(state).to_contain_text("错误")
    page.locator('textarea[name="text.problems"]').fill("")
    expect(page.locator('nav.parts [data-state="problems"]')).to_contain_text("错误")


# --- spreadsheet habits ---------------------------------------------------------------------------------------
def test_enter_and_the_arrow_keys_move_between_cells_and_enter_never_submits(page, site, data):
    before = (data / NAME).read_bytes()
    open_report(page, site)
    page.evaluate(
        "window.__posts = []; const f = window.fetch; window.fetch = (url, options) => {"
        " if (String(url).includes('/api/save/')) window.__posts.push(String(url)); return f(url, options); };"
    )
    page.locator(cell("applications.new[0]")).click()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "applications.carried_over[0]"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "applications.disclosed[0]"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.name") == "applications.disclosed[1]"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == "applications.carried_over[1]"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.name") == "applications.carried_over[0]"
    page.keyboard.press("Shift+Enter")
    assert page.evaluate("document.activeElement.name") == "applications.new[0]"
    page.locator('input[name="agency"]').click()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "year"
    # nothing was submitted: no save was posted (each post is recorded as the page makes it, no waiting needed),
    # the page did not navigate, and the file is as it was
    assert page.evaluate("window.__posts") == []
    assert page.url == f"{site}/report/{NAME}"
    assert (data / NAME).read_bytes() == before


def test_a_block_pasted_from_a_spreadsheet_fills_the_cells_it_covers_and_ctrl_z_undoes_it(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    start = page.locator(cell("applications.withheld.state_secret[0]"))
    start.focus()
    block = "1\t2\t３\n4\t5\t06\r\n"  # as Excel or WPS copies two rows of three cells
    page.evaluate(
        """text => { const dt = new DataTransfer(); dt.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true,
        cancelable: true})); }""",
        block,
    )
    values = {
        "applications.withheld.state_secret[0]": "1", "applications.withheld.state_secret[1]": "2",
        "applications.withheld.state_secret[2]": "3", "applications.withheld.prohibited_by_law[0]": "4",
        "applications.withheld.prohibited_by_law[1]": "5", "applications.withheld.prohibited_by_law[2]": "6",
    }
    for key, value in values.items():
        expect(page.locator(cell(key))).to_have_value(value)
    expect(page.locator("#save-status")).to_contain_text("已粘贴 2 行 × 3 列")
    expect(page.locator('output[data-total="applications.withheld.state_secret[6]"]')).to_have_text("6")
    page.keyboard.press("Control+z")
    for key in values:
        expect(page.locator(cell(key))).to_have_value("0")


# --- last year, preview ---------------------------------------------------------------------------------------
def test_a_new_report_from_last_year_shows_last_years_figures_and_narrative(page, site, data):
    from playwright.sync_api import expect

    page.goto(f"{site}/new")
    page.fill("#name", "xilinhot-2022.yaml")
    page.fill("#agency", "锡林浩特市")  # the same agency as last year's file
    page.fill("#year", "2022")
    page.select_option("#last", NAME)
    page.get_by_role("button", name="新建并打开").click()
    page.wait_for_selector("form[data-ready]")
    # last year's figure beside the cell: 一、本年新收 · 自然人 was 8
    expect(page.locator(f"{NEW} .last")).to_have_text("上年 8")
    expect(page.locator('td[data-key="reviews.reconsideration[0]"] .last')).to_contain_text("上年")
    overview = page.locator('textarea[name="text.overview"]')
    text = overview.input_value()
    assert text.strip(), "last year's narrative is the starting text"
    assert "{{ 年度 }}" in text or "2022" in text
    overview.fill(text + "\n\n本年新增内容。")  # editable
    expect(overview).to_have_value(re.compile("本年新增内容"))


def test_the_preview_shows_the_published_report_and_updates_on_save(page, site):
    from playwright.sync_api import expect

    open_report(page, site)
    frame_el = page.locator("#preview")
    frame_el.scroll_into_view_if_needed()
    frame = page.frame_locator("#preview")
    expect(frame.locator("body")).to_contain_text("政府信息公开工作年度报告", timeout=15000)
    page.locator('textarea[name="text.other"]').fill("预览中应出现的这句话。")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("已保存")
    expect(frame.locator("body")).to_contain_text("预览中应出现的这句话", timeout=15000)
    expect(page.get_by_role("button", name="打印")).to_be_visible()


# --- layout ---------------------------------------------------------------------------------------------------
def no_overflow(page):
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_at_390_px_nothing_overflows_and_number_cells_hold_seven_digits(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(site + "/")
        no_overflow(page)
        open_report(page, site)
        no_overflow(page)
        box = page.locator(cell("applications.new[0]"))
        box.fill("1234567")
        page.wait_for_selector(f"{NEW}.bad")
        no_overflow(page)
        for key in ("applications.new[0]", "reviews.reconsideration[0]", "active.rules.issued"):
            page.locator(cell(key)).fill("1234567")
            assert page.evaluate(
                "k => { const e = document.querySelector(`input[name=\"${k}\"]`);"
                " return e.scrollWidth <= e.clientWidth; }",
                key,
            ), key
        box.focus()
        tip = page.locator("#tip")
        right = tip.evaluate("e => e.getBoundingClientRect().right")
        assert right <= 390
        no_overflow(page)
    finally:
        context.close()


def test_at_1366_px_an_error_bubble_in_the_total_column_stays_on_the_page(page, site):
    open_report(page, site)
    page.locator(cell("applications.new[5]")).fill("9999")
    page.wait_for_selector('td[data-key="applications.new[5]"].bad')
    page.locator(cell("applications.new[5]")).focus()
    assert page.locator("#tip").evaluate("e => e.getBoundingClientRect().right") <= 1366
    no_overflow(page)


def test_at_200_percent_zoom_the_bar_does_not_hide_the_focused_cell(browser, site):
    # 200 % zoom in a 1366 × 860 window: a 683 × 430 CSS-pixel viewport at device scale 2
    context = browser.new_context(viewport={"width": 683, "height": 430}, device_scale_factor=2)
    try:
        page = context.new_page()
        open_report(page, site)
        no_overflow(page)
        bar_height = page.evaluate("document.querySelector('.bar').getBoundingClientRect().height")
        for key in ("applications.new[0]", "applications.carried_forward[3]", "reviews.reconsideration[2]"):
            page.locator(cell(key)).focus()
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowUp")
            top, bottom = page.evaluate(
                "() => { const r = document.activeElement.getBoundingClientRect(); return [r.top, r.bottom]; }"
            )
            sticky = page.evaluate("getComputedStyle(document.querySelector('.bar')).position") == "sticky"
            bar_bottom = page.evaluate("document.querySelector('.bar').getBoundingClientRect().bottom") if sticky else 0
            assert top >= bar_bottom - 1 and bottom <= 430, (key, top, bottom, bar_bottom, bar_height)
        no_overflow(page)
    finally:
        context.close()
