"""Issue 13: switching a report's format where the year allows it (2019 试行 ↔ 2021) and part 一's shape (one text ↔
the five aspects): every shared value carried, the values that have no place named before the switch and kept in
the file as notes (put back on switching back), nothing typed lost; through the API (TestClient) and in a real
headless Chromium."""

from __future__ import annotations

import hashlib
import re
import shutil
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note about httpx2; httpx is what is installed
    from starlette.testclient import TestClient

from generator.pipeline import check_file
from generator.readers.yaml import load_text
from generator.web.app import create_app
from generator.web.browser import CHROMIUM
from generator.web.fields import form_values
from generator.web.switch import NOTE_MARK, format_choice, notes_of

ROOT = Path(__file__).resolve().parent.parent
X21 = "xilinhot-2021.yaml"
W20 = "wangguanji-2020.yaml"  # a 2020 report in the 2019 试行 format
E20 = "elunchun-2020.yaml"  # one with figures in 二's 2019-only columns


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "reports"
    data.mkdir()
    for name in (X21, W20, E20):
        shutil.copy(ROOT / "inputs" / name, data / name)
    return data


@pytest.fixture
def client(folder: Path) -> TestClient:
    return TestClient(create_app(folder), headers={"Origin": "http://testserver"})


def fields_of(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    data = load_text(text).data
    values = form_values(data, str(data.get("format")))
    values["_base"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return values


def switch(client: TestClient, name: str, values: dict, confirm: bool = False, **target) -> dict:
    query = "&".join(f"{k}={v}" for k, v in target.items()) + ("&confirm=1" if confirm else "")
    response = client.post(f"/api/switch/{name}?{query}", data=values)
    assert response.status_code == 200, response.text
    return response.json()


def errors(path: Path) -> list[str]:
    return [f.format() for f in check_file(path).findings if f.is_error]


# --- which formats a year may take ----------------------------------------------------------------------------
def test_the_year_decides_which_formats_the_report_may_take():
    assert format_choice("2021", "2021") == {
        "allowed": ["2021"], "current": "2021", "fixed": True, "reason": format_choice("2021", "2021")["reason"]
    }
    assert "必须使用2021年格式" in format_choice("2023", "2021")["reason"]
    assert not format_choice("2023", "2019")["fixed"]  # a 2019-format file for 2023 may (must) go to 2021
    for year in ("2019", "2020"):
        choice = format_choice(year, "2019")
        assert choice["allowed"] == ["2019", "2021"] and not choice["fixed"]
        assert "2019年试行格式" in choice["reason"]
    assert format_choice("", "2021")["allowed"] == ["2019", "2021"]


def test_a_2021_report_cannot_be_switched_to_the_2019_format(client, folder):
    before = (folder / X21).read_bytes()
    response = client.post(f"/api/switch/{X21}?format=2019&confirm=1", data=fields_of(folder / X21))
    assert response.status_code == 400
    assert "必须使用2021年格式" in response.json()["error"]
    assert (folder / X21).read_bytes() == before
    page = client.get(f"/report/{X21}").text
    assert re.search(r'<select id="switch-format"[^>]* disabled', page)
    assert "2021年度的报告必须使用2021年格式" in page
    assert check_of(client, folder, X21)["formats"]["fixed"] is True


def check_of(client, folder, name, **changes):
    values = {**fields_of(folder / name), **changes}
    return client.post(f"/api/check/{name}", data=values).json()


def test_the_check_says_which_formats_the_year_as_typed_allows(client, folder):
    assert check_of(client, folder, X21, year="2020")["formats"]["allowed"] == ["2019", "2021"]
    assert check_of(client, folder, W20)["formats"]["fixed"] is False


# --- format -----------------------------------------------------------------------------------------------------
def test_asking_what_a_switch_does_names_the_values_it_cannot_carry_and_writes_nothing(client, folder):
    before = (folder / E20).read_bytes()
    answer = switch(client, E20, fields_of(folder / E20), format="2021")
    assert answer["format"] == "2021" and "2019年试行格式" in answer["title"]
    dropped = {d["label"]: d["value"] for d in answer["dropped"]}
    assert dropped["二、主动公开政府信息情况 · 第二十条第（一）项 · 规章 · 本年新制作数量"] == "1"
    assert dropped["二、主动公开政府信息情况 · 第二十条第（五）项 · 其他对外管理服务事项 · 上一年项目数量"] == "123"
    assert any("处理决定数量" in m for m in answer["moved"])  # 行政许可's decisions are in both formats
    assert answer["carried"] > 100
    assert (folder / E20).read_bytes() == before


def test_switching_to_2021_and_back_carries_every_shared_value_and_loses_nothing(client, folder):
    path = folder / E20
    original = load_text(path.read_text(encoding="utf-8")).data
    values = fields_of(path)
    values["text.other"] = "切换前刚输入、还没保存的一段话。"
    answer = switch(client, E20, values, confirm=True, format="2021")
    assert answer["saved"] and answer["errors"] == 0, answer["findings"]
    text = path.read_text(encoding="utf-8")
    data = load_text(text).data
    assert data["format"] == "2021" and errors(path) == []
    assert data["text"]["other"].rstrip() == "切换前刚输入、还没保存的一段话。"
    assert data["applications"]["new"] == original["applications"]["new"]
    assert data["reviews"] == original["reviews"]
    assert data["active"]["licensing"] == original["active"]["licensing"]["decisions"]
    assert "other_services" not in data["active"] and "procurement" not in data["active"]
    # the values 2021 has no place for: in the file as notes, and on the page
    assert NOTE_MARK in text
    notes = {n.key: n.value for n in notes_of(text)}
    assert notes["active.rules.made"] == "1" and notes["active.other_services.previous"] == "123"
    page = client.get(f"/report/{E20}").text
    assert "切换格式时没能带过的数值" in page and "其他对外管理服务事项" in page
    # the agency's comments stay
    for line in (ROOT / "inputs" / E20).read_text(encoding="utf-8").split("\n")[:3]:
        assert line in text
    # and back: the notes are put back where they came from
    answer = switch(client, E20, fields_of(path), confirm=True, format="2019")
    assert {r["label"].rsplit(" · ", 1)[-1] for r in answer["restored"]} >= {"本年新制作数量", "上一年项目数量"}
    back = load_text(path.read_text(encoding="utf-8")).data
    assert back["active"] == original["active"]
    assert back["applications"]["new"] == original["applications"]["new"]
    assert NOTE_MARK not in path.read_text(encoding="utf-8")
    assert errors(path) == []


def test_2021_s_three_other_rows_are_added_up_into_2019_s_one(client, folder):
    path = folder / W20
    switch(client, W20, fields_of(path), confirm=True, format="2021")
    values = fields_of(path)
    for key, n in (("no_correction", "1"), ("unpaid_fee", "2"), ("other", "3")):
        values[f"applications.other.{key}[0]"] = n
    values["applications.new[0]"] = str(int(values["applications.new[0]"]) + 6)
    values["applications.carried_forward[0]"] = values["applications.carried_forward[0]"]
    values["fee_notices.sent"] = "2"
    answer = switch(client, W20, values, format="2019")
    assert any("相加" in m for m in answer["moved"])
    assert {d["label"] for d in answer["dropped"]} == {"发出收费通知的件数"}
    answer = switch(client, W20, values, confirm=True, format="2019")
    data = load_text(path.read_text(encoding="utf-8")).data
    assert data["applications"]["other"][0] == 6
    assert "fee_notices" not in data
    assert [n.key for n in notes_of(path.read_text(encoding="utf-8"))] == ["fee_notices.sent"]


def test_a_switch_from_an_old_version_is_a_conflict_and_writes_nothing(client, folder):
    values = fields_of(folder / W20)
    (folder / W20).write_text((folder / W20).read_text(encoding="utf-8") + "\n# 另一个人的改动\n", encoding="utf-8")
    before = (folder / W20).read_bytes()
    response = client.post(f"/api/switch/{W20}?format=2021&confirm=1", data=values)
    assert response.status_code == 409
    assert (folder / W20).read_bytes() == before


def test_an_incomplete_post_or_an_unknown_target_is_refused(client, folder):
    values = fields_of(folder / W20)
    del values["text.other"]
    assert client.post(f"/api/switch/{W20}?format=2021", data=values).status_code == 400
    values = fields_of(folder / W20)
    assert client.post(f"/api/switch/{W20}?format=2030", data=values).status_code == 400
    assert client.post(f"/api/switch/{W20}?shape=three", data=values).status_code == 400


# --- part 一 -----------------------------------------------------------------------------------------------------
def test_one_text_to_five_aspects_puts_it_all_in_the_first_and_says_so(client, folder):
    path = folder / X21
    whole = fields_of(path)["text.overview"]
    answer = switch(client, X21, fields_of(path), shape="aspects")
    assert any("全部放在了第一个方面" in m for m in answer["moved"]) and answer["dropped"] == []
    switch(client, X21, fields_of(path), confirm=True, shape="aspects")
    overview = load_text(path.read_text(encoding="utf-8")).data["text"]["overview"]
    assert overview["active"].rstrip() == whole
    assert [overview[a] for a in ("requests", "management", "platforms", "oversight")] == ["", "", "", ""]


def test_five_aspects_to_one_text_joins_them_under_their_headings(client, folder):
    path = folder / X21
    switch(client, X21, fields_of(path), confirm=True, shape="aspects")
    values = fields_of(path)
    for aspect, text in (("requests", "依申请的段落。"), ("management", "管理的段落。"), ("platforms", "平台的段落。"),
                         ("oversight", "监督的段落。\n\n第二段。")):
        values[f"text.overview.{aspect}"] = text
    answer = switch(client, X21, values, confirm=True, shape="single")
    assert answer["errors"] == 0, answer["findings"]
    overview = load_text(path.read_text(encoding="utf-8")).data["text"]["overview"]
    assert isinstance(overview, str)
    assert overview.index("（一）主动公开") < overview.index("（二）依申请公开\n\n依申请的段落。")
    assert "（五）监督保障\n\n监督的段落。\n\n第二段。" in overview
    assert values["text.overview.active"] in overview
    assert errors(path) == []


# --- in the browser ---------------------------------------------------------------------------------------------
browser_only = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does)"
)


@pytest.fixture
def site(folder):
    from generator.web.server import background

    with background(folder) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    yield context.new_page()
    context.close()


def open_report(page, url: str, name: str):
    page.goto(f"{url}/report/{name}")
    page.wait_for_selector("form[data-ready]")


@browser_only
def test_in_the_browser_a_2020_report_goes_to_2021_and_back_with_nothing_lost(page, site, folder):
    from playwright.sync_api import expect

    path = folder / E20
    open_report(page, site, E20)
    page.locator('textarea[name="text.other"]').fill("切换之前刚写的一句话。")  # typed, not saved
    new = page.locator('input[name="applications.new[0]"]').input_value()
    page.select_option("#switch-format", "2021")
    box = page.locator("#switch-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("不能带过")
    expect(box).to_contain_text("规章 · 本年新制作数量：1")
    assert "2021" not in load_text(path.read_text(encoding="utf-8")).data["format"]  # nothing before the choice
    page.get_by_role("button", name="切换并保存").click()
    page.wait_for_url(re.compile(r"switched=1"))
    page.wait_for_selector("form[data-ready]")
    expect(page.locator("#save-status")).to_have_text("已切换并保存")
    assert page.locator('input[name="format"]').input_value() == "2021"
    expect(page.locator('textarea[name="text.other"]')).to_have_value("切换之前刚写的一句话。")
    expect(page.locator('input[name="applications.new[0]"]')).to_have_value(new)
    expect(page.locator('input[name="active.rules.issued"]')).to_have_value("0")
    expect(page.locator("#switch-notes")).to_contain_text("本年新制作数量")
    expect(page.locator("#draft-offer")).to_be_hidden()
    assert errors(path) == []
    # back to the 2019 format: the values left as notes are put back
    page.select_option("#switch-format", "2019")
    expect(box).to_contain_text("放回原处")
    page.get_by_role("button", name="切换并保存").click()
    page.wait_for_url(re.compile(r"switched=1"))
    page.wait_for_selector("form[data-ready]")
    expect(page.locator('input[name="active.rules.made"]')).to_have_value("1")
    expect(page.locator("#switch-notes")).to_have_count(0)
    assert load_text(path.read_text(encoding="utf-8")).data["format"] == "2019"
    assert errors(path) == []


@browser_only
def test_in_the_browser_cancel_switches_nothing_and_a_2021_report_says_why_it_cannot(page, site, folder):
    from playwright.sync_api import expect

    before = (folder / W20).read_bytes()
    open_report(page, site, W20)
    page.select_option("#switch-format", "2021")
    expect(page.locator("#switch-box")).to_be_visible()
    page.get_by_role("button", name="取消，不切换").click()
    expect(page.locator("#switch-box")).to_be_hidden()
    expect(page.locator("#switch-format")).to_have_value("2019")
    assert (folder / W20).read_bytes() == before
    open_report(page, site, X21)
    expect(page.locator("#switch-format")).to_be_disabled()
    expect(page.locator("#switch-format-why")).to_contain_text("必须使用2021年格式")
    page.locator('input[name="year"]').fill("2020")  # the year as typed decides
    expect(page.locator("#switch-format")).to_be_enabled()
    expect(page.locator("#switch-format-why")).to_contain_text("2019年试行格式")


@browser_only
def test_in_the_browser_part_one_goes_to_five_aspects_and_back_to_one_text(page, site, folder):
    from playwright.sync_api import expect

    path = folder / X21
    open_report(page, site, X21)
    whole = page.locator('textarea[name="text.overview"]').input_value()
    page.select_option("#switch-shape", "aspects")
    box = page.locator("#switch-box")
    expect(box).to_contain_text("全部放在了第一个方面")
    page.get_by_role("button", name="切换并保存").click()
    page.wait_for_url(re.compile(r"switched=1"))
    page.wait_for_selector("form[data-ready]")
    expect(page.locator('textarea[name="text.overview.active"]')).to_have_value(whole)
    expect(page.locator('[data-key="text.overview.requests"]')).to_have_class(re.compile(r"\bbad\b"))  # to write
    for aspect in ("requests", "management", "platforms", "oversight"):
        page.locator(f'textarea[name="text.overview.{aspect}"]').fill(f"{aspect}方面的段落。")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("已保存")
    page.select_option("#switch-shape", "single")
    expect(box).to_contain_text("合成一段")
    expect(box).to_contain_text("没有丢失")
    page.get_by_role("button", name="切换并保存").click()
    page.wait_for_url(re.compile(r"switched=1"))
    page.wait_for_selector("form[data-ready]")
    text = page.locator('textarea[name="text.overview"]').input_value()
    assert text.startswith("（一）主动公开\n\n" + whole.strip()[:20])
    assert "（四）政府信息公开平台建设\n\nplatforms方面的段落。" in text
    assert errors(path) == []
    assert isinstance(load_text(path.read_text(encoding="utf-8")).data["text"]["overview"], str)
