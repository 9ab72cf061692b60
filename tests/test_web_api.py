"""The web form's endpoints through Starlette's TestClient: pages, live checks, save, downloads, new reports, and
the refusals (bad names, oversized or malformed posts, other sites' posts)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note about httpx2; httpx is what is installed
    from starlette.testclient import TestClient

from generator.model.forms import ACTIVE_BLOCKS, APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_OUTCOMES
from generator.pipeline import check_file
from generator.readers.yaml import load_text
from generator.web.app import create_app
from generator.web.fields import form_values
from generator.web.yamledit import DRAFT_MARK

ROOT = Path(__file__).resolve().parent.parent
X21 = "xilinhot-2021.yaml"
L20 = "luzhou-2020.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "reports"
    data.mkdir()
    for name in (X21, L20):
        shutil.copy(ROOT / "inputs" / name, data / name)
    return data


def web_client(folder: Path, **options) -> TestClient:
    """A client that posts as the form's own page does: with this server as its Origin."""
    return TestClient(create_app(folder, **options), headers={"Origin": "http://testserver"})


@pytest.fixture
def client(folder: Path) -> TestClient:
    return web_client(folder)


def fields_of(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    data = load_text(text).data
    values = form_values(data, str(data.get("format")))
    values["_base"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return values


def check(client: TestClient, name: str, values: dict) -> dict:
    response = client.post(f"/api/check/{name}", data=values)
    assert response.status_code == 200, response.text
    return response.json()


def save(client: TestClient, name: str, values: dict) -> dict:
    response = client.post(f"/api/save/{name}", data=values, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


# --- the list -------------------------------------------------------------------------------------------------
def test_list_shows_each_report_and_a_bad_file_as_an_entry(client, folder):
    (folder / "broken.yaml").write_text("year: [2021\n", encoding="utf-8")
    (folder / "notes.txt").write_text("不是报告", encoding="utf-8")
    bad = (folder / X21).read_text(encoding="utf-8").replace("new:              [8,", "new:              [9,")
    (folder / "bad-2021.yaml").write_text(bad, encoding="utf-8")
    page = client.get("/")
    assert page.status_code == 200
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<tr class="status-\w+">\s*<td>(?:<a [^>]*>)?([^<]+)(.*?)</tr>', page.text, re.S)
    }
    assert set(rows) == {"bad-2021.yaml", "broken.yaml", L20, X21}
    assert "无法读取" in rows["broken.yaml"] and "YAML格式错误" in rows["broken.yaml"]
    assert "错误 2" in rows["bad-2021.yaml"] and "T3-BALANCE" in rows["bad-2021.yaml"]
    assert "锡林浩特市" in rows[X21] and "2021" in rows[X21] and "错误" not in rows[X21]
    assert "notes.txt" not in page.text


def test_list_skips_a_symlink_out_of_the_folder(client, folder, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text((folder / X21).read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(outside, folder / "link.yaml")
    assert "link.yaml" not in client.get("/").text
    assert client.get("/report/link.yaml").status_code == 400
    assert client.get("/report/link.yaml/download/yaml").status_code == 400


# --- the report page ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,fmt", [(X21, "2021"), (L20, "2019")])
def test_report_page_is_the_official_grid(client, name, fmt):
    page = client.get(f"/report/{name}")
    assert page.status_code == 200
    html = page.text.replace("<br>", "")  # a narrow column's label is set line by line (商业<br>企业)
    for spec in APPLICATION_ROWS[fmt]:
        assert spec.label in html
        key = f"applications.{spec.key}"
        if spec.kind == "total":
            assert f'name="{key}[0]"' not in html  # （七）总计 is computed, not typed
            assert f'data-total="{key}[6]"' in html
        else:
            for i in range(6):
                assert f'name="{key}[{i}]"' in html
            assert f'data-total="{key}[6]"' in html and f'<input name="{key}[6]"' not in html
    for column in APPLICANT_COLUMNS + REVIEW_OUTCOMES:
        assert f">{column}</th>" in html
    for block in ACTIVE_BLOCKS[fmt]:
        assert block.caption in html
        for _, label in block.rows:
            assert f">{label}</th>" in html
    assert 'colspan="3" rowspan="3"' in html  # the merged corner of table 三
    assert ("fee_notices.sent" in html) is (fmt == "2021")
    assert "tabindex" not in html  # the grid is in reading order; Tab follows it
    assert "http://" not in html and "https://" not in html  # nothing from a CDN


def test_every_user_string_is_escaped(client, folder):
    text = (folder / X21).read_text(encoding="utf-8")
    text = text.replace("agency: 锡林浩特市", 'agency: "<script>alert(1)</script>"')
    text = text.replace("本年度本部门未收取", "</textarea><b>粗</b>本年度本部门未收取")
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    html = client.get("/report/x.yaml").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</textarea><b>" not in html and "&lt;/textarea&gt;&lt;b&gt;" in html
    assert "<script>alert" not in client.get("/").text


def test_report_page_of_an_unreadable_file_says_why(client, folder):
    (folder / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    page = client.get("/report/broken.yaml")
    assert page.status_code == 422 and "YAML格式错误" in page.text and "第2行" in page.text


# --- live checks ----------------------------------------------------------------------------------------------
def test_check_puts_the_balance_error_on_the_cell_with_the_cli_message(client, folder):
    values = fields_of(folder / X21)
    values["applications.new[0]"] = "9"
    data = check(client, X21, values)
    balance = [f for f in data["findings"] if f["rule"] == "T3-BALANCE"]
    assert data["errors"] == 2 and len(balance) == 2 and data["draft"]
    assert "applications.new[0]" in balance[0]["targets"]
    assert balance[0]["column"] == "自然人" and "一、本年新收 9" in balance[0]["message"]
    assert data["totals"]["applications.new[6]"] == "9" and data["totals"]["applications.total[0]"] == "8"
    # the same message as `govreport check` gives on the file Save writes
    save(client, X21, values)
    cli = [f.format() for f in check_file(folder / X21, display=X21).findings if f.rule == "T3-BALANCE"]
    assert [f["text"] for f in balance] == cli
    values["applications.new[0]"] = "8"
    values["_base"] = hashlib.sha256((folder / X21).read_bytes()).hexdigest()
    fixed = check(client, X21, values)
    assert fixed["errors"] == 0 and not fixed["draft"]


def test_check_names_what_was_typed_on_its_cell(client, folder):
    values = fields_of(folder / X21)
    values["applications.withheld.third_party[2]"] = "abc"
    values["active.licensing"] = ""
    values["text.problems"] = ""
    data = check(client, X21, values)
    by_target = {t: f for f in data["findings"] for t in f["targets"]}
    assert "应为整数，而不是“abc”" in by_target["applications.withheld.third_party[2]"]["message"]
    assert by_target["applications.withheld.third_party[2]"]["column"] == "科研机构"
    assert "不能留空" in by_target["active.licensing"]["message"]
    assert by_target["text.problems"]["section"] == "problems"
    assert data["totals"]["applications.withheld.third_party[6]"] == ""  # no total until the row is numbers


def test_check_of_a_2019_report(client, folder):
    values = fields_of(folder / L20)
    values["reviews.reconsideration[0]"] = "5"
    data = check(client, L20, values)
    assert data["totals"]["reviews.reconsideration[4]"] == str(
        5 + sum(int(values[f"reviews.reconsideration[{i}]"]) for i in (1, 2, 3))
    )
    assert "applications.other[0]" in values  # 2019: （六）其他处理 is one row


# --- save -----------------------------------------------------------------------------------------------------
def test_save_changes_only_the_edited_line_and_marks_a_draft(client, folder):
    path = folder / X21
    before = path.read_text(encoding="utf-8").splitlines()
    values = fields_of(path)
    values["applications.new[0]"] = "9"
    result = save(client, X21, values)
    assert result["saved"] and result["draft"] and result["in_place"]
    after = path.read_text(encoding="utf-8").splitlines()
    assert after[0].startswith(DRAFT_MARK)
    changed = [(a, b) for a, b in zip(before, after[1:]) if a != b]
    assert changed == [
        (
            "  new:              [8, 0, 0, 0, 0, 0]   # 原表总计 8",
            "  new:              [9, 0, 0, 0, 0, 0]   # 原表总计 8",
        )
    ]
    assert len(after) == len(before) + 1
    assert not check_file(path).ok  # a draft is saved as typed, errors and all
    values["applications.new[0]"] = "8"
    values["_base"] = result["base"]
    fixed = save(client, X21, values)
    assert not fixed["draft"]
    assert path.read_text(encoding="utf-8").splitlines() == before


def test_save_keeps_comments_when_text_changes(client, folder):
    path = folder / L20
    values = fields_of(path)
    values["text.other"] = "第一段。\r\n\r\n第二段：含“引号”和 # 号。"
    values["agency"] = "泸州市: 人民政府"
    save(client, L20, values)
    text = path.read_text(encoding="utf-8")
    data = load_text(text).data
    assert data["text"]["other"].rstrip() == "第一段。\n\n第二段：含“引号”和 # 号。"
    assert data["agency"] == "泸州市: 人民政府"
    original = (ROOT / "inputs" / L20).read_text(encoding="utf-8")
    kept = [line for line in original.splitlines() if "#" in line and not line.lstrip().startswith(("agency", "other"))]
    assert all(line in text for line in kept)


def test_given_totals_are_kept_checked_and_can_be_dropped(client, folder):
    path = folder / X21
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "disclosed:        [8, 0, 0, 0, 0, 0]", "disclosed:        [8, 0, 0, 0, 0, 0, 8]"
        ),
        encoding="utf-8",
    )
    html = client.get(f"/report/{X21}").text
    assert re.search(r'<input class="given" name="applications.disclosed\[6\]" value="8"', html)
    values = fields_of(path)
    values["applications.disclosed[0]"] = "7"
    values["applications.new[0]"] = "7"
    data = check(client, X21, values)
    row_total = [f for f in data["findings"] if f["rule"] == "T3-ROW-TOTAL"]
    assert row_total and row_total[0]["targets"] == ["applications.disclosed[6]"]
    values["applications.disclosed[6]"] = ""
    save(client, X21, values)
    assert load_text(path.read_text(encoding="utf-8")).data["applications"]["disclosed"] == [7, 0, 0, 0, 0, 0]


def test_save_rewrites_other_layouts_in_place(client, folder):
    path = folder / "blocky.yaml"
    text = (folder / X21).read_text(encoding="utf-8").replace(
        "  new:              [8, 0, 0, 0, 0, 0]   # 原表总计 8",
        "  new:\n    - 8\n    - 0\n    - 0\n    - 0\n    - 0\n    - 0",
    )
    text = text.replace(
        "  rules:     {issued: 0, repealed: 0, in_force: 0}", "  rules: {issued: 0,\n    repealed: 0, in_force: 0}"
    )
    path.write_text(text, encoding="utf-8")
    values = fields_of(path)
    values["active.rules.issued"] = "2"
    values["applications.new[1]"] = "1"
    values["applications.disclosed[1]"] = "1"
    assert save(client, "blocky.yaml", values)["in_place"] is True
    saved = path.read_text(encoding="utf-8")
    data = load_text(saved).data
    assert data["active"]["rules"] == {"issued": 2, "repealed": 0, "in_force": 0}
    assert data["applications"]["new"] == [8, 1, 0, 0, 0, 0]
    assert check_file(path).ok
    assert saved.count("#") == text.count("#")  # every comment kept


def test_save_regenerates_on_the_scaffold_when_the_layout_cannot_take_the_values(client, folder):
    import json
    from decimal import Decimal

    path = folder / "json.yaml"
    data = load_text((folder / X21).read_text(encoding="utf-8")).data
    as_json = json.dumps(data, ensure_ascii=False, default=lambda o: float(o) if isinstance(o, Decimal) else str(o))
    path.write_text("# 来源：由另一系统导出\n" + as_json + "\n", encoding="utf-8")
    values = fields_of(path)
    values["applications.new[1]"] = "1"
    values["applications.disclosed[1]"] = "1"
    assert save(client, "json.yaml", values)["in_place"] is False
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# 来源：由另一系统导出\n")  # the agency's header comments are kept
    assert "# 一、本年新收政府信息公开申请数量" in saved  # the scaffold's labels as comments
    assert load_text(saved).data["applications"]["new"] == [8, 1, 0, 0, 0, 0]
    assert check_file(path).ok


def test_save_refuses_when_the_file_changed_since_it_was_opened(client, folder):
    path = folder / X21
    values = fields_of(path)
    path.write_text(path.read_text(encoding="utf-8") + "\n# 别人刚改过\n", encoding="utf-8")
    before = path.read_bytes()
    response = client.post(f"/api/save/{X21}", data=values, headers={"Accept": "application/json"})
    assert response.status_code == 409 and "已被别人（或另一个窗口）保存过" in response.json()["error"]
    assert path.read_bytes() == before


def test_save_without_javascript_redirects_back(client, folder):
    values = fields_of(folder / X21)
    response = client.post(f"/api/save/{X21}", data=values, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/report/{X21}?saved=1"


# --- downloads ------------------------------------------------------------------------------------------------
def test_downloads(client, folder):
    yaml = client.get(f"/report/{X21}/download/yaml")
    assert yaml.status_code == 200 and yaml.content == (folder / X21).read_bytes()
    assert "xilinhot-2021.yaml" in yaml.headers["content-disposition"]
    html = client.get(f"/report/{X21}/download/html")
    assert html.status_code == 200 and "锡林浩特市2021年政府信息公开工作年度报告" in html.text and "22212" in html.text
    docx = client.get(f"/report/{X21}/download/docx")
    assert docx.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
    assert "22212" in body
    assert client.get(f"/report/{X21}/download/exe").status_code == 404


def test_download_of_a_report_with_errors_is_refused_with_the_errors(client, folder):
    values = fields_of(folder / X21)
    values["applications.new[0]"] = "9"
    save(client, X21, values)
    response = client.get(f"/report/{X21}/download/pdf")
    assert response.status_code == 409
    assert "T3-BALANCE" in response.text and "一、本年新收 9" in response.text


# --- new reports ----------------------------------------------------------------------------------------------
def test_new_report_from_the_scaffold(client, folder):
    assert "新建报告" in client.get("/new").text
    response = client.post(
        "/new",
        data={"name": "某镇-2025", "year": "2025", "agency": "某镇人民政府", "kind": "government"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    path = folder / "某镇-2025.yaml"
    data = load_text(path.read_text(encoding="utf-8")).data
    assert data["year"] == 2025 and data["format"] == "2021" and data["agency"] == "某镇人民政府"
    assert path.read_text(encoding="utf-8").startswith(DRAFT_MARK)  # the narrative is still empty
    assert client.get(response.headers["location"]).status_code == 200


def test_new_report_carries_last_years_figures(client, folder):
    response = client.post(
        "/new",
        data={
            "name": "luzhou-2021.yaml",
            "year": "2021",
            "agency": "泸州市",
            "kind": "government",
            "format": "2019",
            "last": L20,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    last = load_text((folder / L20).read_text(encoding="utf-8")).data
    new = load_text((folder / "luzhou-2021.yaml").read_text(encoding="utf-8")).data
    assert new["applications"]["carried_over"] == last["applications"]["carried_forward"]
    assert new["active"]["rules"]["total"] == last["active"]["rules"]["total"]
    licensing = last["active"]["licensing"]
    assert new["active"]["licensing"]["previous"] == licensing["previous"] + licensing["change"]
    assert new["issuer"] == last["issuer"]
    response = client.post(
        "/new",
        data={"name": "xilinhot-2022.yaml", "year": "2022", "agency": "锡林浩特市", "kind": "government", "last": X21},
    )
    new = load_text((folder / "xilinhot-2022.yaml").read_text(encoding="utf-8")).data
    assert new["format"] == "2021" and new["applications"]["carried_over"] == [0, 0, 0, 0, 0, 0]
    assert new["active"]["rules"]["in_force"] == 0


@pytest.mark.parametrize(
    "form,message",
    [
        ({"name": X21, "year": "2021"}, "已存在"),
        ({"name": "../evil.yaml", "year": "2021"}, "文件名不合法"),
        ({"name": "/tmp/evil.yaml", "year": "2021"}, "文件名不合法"),
        ({"name": "ok.yaml", "year": "20x1"}, "报告年度"),
        ({"name": "ok.yaml", "year": "2021", "kind": "bureau"}, "机关类型"),
        ({"name": "ok.yaml", "year": "2021", "last": "nope.yaml"}, "找不到上年报告"),
    ],
)
def test_new_report_refusals(client, folder, form, message):
    response = client.post("/new", data={"kind": "government", **form})
    assert response.status_code == 400 and message in response.text
    assert not (folder / "ok.yaml").exists() and not (folder.parent / "evil.yaml").exists()


# --- refusals -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url,status",
    [
        ("/report/nope.yaml", 404),
        ("/report/..%2F..%2Fetc%2Fpasswd", 404),
        ("/report/.hidden.yaml", 400),
        ("/report/notes.txt", 400),
        ("/report/nope.yaml/download/pdf", 404),
    ],
)
def test_names_are_confined_to_the_folder(client, url, status):
    assert client.get(url).status_code == status


def test_api_errors_are_json_in_chinese(client):
    response = client.post("/api/check/nope.yaml", data={"year": "2021"})
    assert response.status_code == 404 and "找不到报告文件" in response.json()["error"]


def test_oversized_and_malformed_posts_are_refused(folder):
    client = web_client(folder, max_body=20_000)
    values = fields_of(folder / X21)
    values["text.other"] = "很长" * 20_000
    response = client.post(f"/api/check/{X21}", data=values)
    assert response.status_code == 413 and "过大" in response.json()["error"]
    before = (folder / X21).read_bytes()
    assert client.post(f"/api/save/{X21}", data=values, headers={"Accept": "application/json"}).status_code == 413
    assert (folder / X21).read_bytes() == before

    def chunks():
        for _ in range(30):
            yield b"a=" + b"x" * 1000 + b"&"

    streamed = client.post(
        f"/api/check/{X21}", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413
    many = "&".join(f"k{i}=1" for i in range(2500))
    assert web_client(folder).post(
        f"/api/check/{X21}", content=many, headers={"Content-Type": "application/x-www-form-urlencoded"}
    ).status_code == 413
    assert client.post(f"/api/check/{X21}", json={"year": 2021}).status_code == 415
    latin = client.post(
        f"/api/check/{X21}", content=b"agency=\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert latin.status_code == 400 and "UTF-8" in latin.json()["error"]


def test_posts_from_other_sites_are_refused(client, folder):
    before = (folder / X21).read_bytes()
    response = client.post(f"/api/save/{X21}", data=fields_of(folder / X21), headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert (folder / X21).read_bytes() == before
    same_origin = client.post(f"/api/check/{X21}", data=fields_of(folder / X21), headers={"Origin": "http://testserver"})
    assert same_origin.status_code == 200


def test_loopback_server_refuses_other_host_names(folder):
    client = TestClient(create_app(folder, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "rebind.example"}).status_code == 400


def test_static_files_are_vendored(client):
    js = client.get("/static/form.js")
    assert js.status_code == 200 and "fetch(" in js.text and "T3" not in js.text  # no rule in JavaScript
    assert client.get("/static/form.css").status_code == 200


# --- the command ----------------------------------------------------------------------------------------------
def test_serve_warns_when_not_bound_to_loopback(folder):
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--host", "0.0.0.0", "--port", "0", "--data", str(folder)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        lines = [process.stderr.readline(), process.stderr.readline()]
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert lines[0].startswith("警告：监听 0.0.0.0") and "没有登录验证" in lines[0]
    assert lines[1].startswith("填报表单已启动：http://0.0.0.0:")


def test_serve_refuses_a_missing_folder(runner, tmp_path):
    from generator.cli import app

    result = runner.invoke(app, ["serve", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "不存在" in result.output


# --- issue 13 ---------------------------------------------------------------------------------------------------
def test_pages_and_answers_are_not_cached_but_static_files_may_be(client):
    for url in ("/", f"/report/{X21}", f"/api/current/{X21}", "/new"):
        assert client.get(url).headers["cache-control"] == "no-store", url
    assert "no-store" not in client.get("/static/form.js").headers.get("cache-control", "")


def test_current_gives_the_files_version_and_values(client, folder):
    answer = client.get(f"/api/current/{X21}").json()
    assert answer["base"] == fields_of(folder / X21)["_base"]
    assert answer["values"]["applications.new[0]"] == "8"


def test_a_cell_that_is_not_a_number_does_not_hide_the_identities(client, folder):
    values = fields_of(folder / X21)
    values["applications.new[0]"] = "4321"
    values["applications.new[2]"] = "abc"
    found = check(client, X21, values)
    rules = sorted((f["rule"], f["key"]) for f in found["findings"] if f["severity"] == "error")
    assert rules == [("INPUT", "applications.new[2]"), ("T3-BALANCE", "applications[0]")]
    assert all(":" not in f["plain"].split("：")[0] and "[" not in f["plain"][:1] for f in found["findings"])


def test_the_preview_is_the_published_html_or_the_list_of_errors(client, folder):
    page = client.get(f"/report/{X21}/preview")
    assert page.status_code == 200 and "政府信息公开工作年度报告" in page.text
    bad = (folder / X21).read_text(encoding="utf-8").replace("new:              [8,", "new:              [9,")
    (folder / X21).write_text(bad, encoding="utf-8")
    page = client.get(f"/report/{X21}/preview")
    assert page.status_code == 200 and "还不能预览" in page.text and "T3-BALANCE" not in page.text


def test_every_row_of_tables_2_3_4_has_help():
    from generator.web.fields import active_keys, row_keys
    from generator.web.help import help_for

    for fmt in ("2021", "2019"):
        for key in (*row_keys(fmt), *active_keys(fmt)):
            assert help_for(key, fmt), (fmt, key)
    assert "第十六条第一款" in help_for("applications.withheld.internal_affairs[0]")
