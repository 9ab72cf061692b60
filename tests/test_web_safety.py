"""The web form under misuse (issue 10, "nothing lost, nothing hangs, no traceback"): concurrent saves from one
version, partial saves, other sites' posts, bytes that are not UTF-8, hostile files among the reports, and random
form posts. Real parts only: Starlette's TestClient, a real uvicorn server in a thread, and `govreport serve` in a
subprocess where a hang must cost no more than its timeout."""

from __future__ import annotations

import contextlib
import hashlib
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note about httpx2; httpx is what is installed
    from starlette.testclient import TestClient

from generator.limits import MAX_INPUT_BYTES
from generator.readers.yaml import load_text
from generator.web.app import create_app
from generator.web.fields import active_keys, computed_keys, form_values, row_keys

ROOT = Path(__file__).resolve().parent.parent
X21 = "xilinhot-2021.yaml"
L20 = "luzhou-2020.yaml"
ORIGIN = {"Origin": "http://testserver"}
JSON = {"Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "reports"
    data.mkdir()
    for name in (X21, L20):
        shutil.copy(ROOT / "inputs" / name, data / name)
    return data


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fields_of(path: Path) -> dict[str, str]:
    """Exactly what the report page's form posts for the file as it stands."""
    text = path.read_text(encoding="utf-8")
    data = load_text(text).data
    values = form_values(data, str(data.get("format")))
    values["_base"] = sha(text.encode("utf-8"))
    return values


def no_crash(response) -> None:
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text


# --- 1. two saves from one version: exactly one wins ----------------------------------------------------------
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_saves_from_one_version_exactly_one_wins(folder, round_):
    from generator.web.server import background

    path = folder / X21
    values = fields_of(path)
    clients = 6
    barrier = threading.Barrier(clients)
    answers: dict[int, httpx.Response] = {}

    with background(folder) as url:

        def save(i: int) -> None:
            mine = dict(values, **{"text.other": f"第{i}位同事的改动。", "applications.new[1]": str(i)})
            with httpx.Client(base_url=url, headers={"Origin": url, **JSON}, timeout=60) as client:
                barrier.wait()
                answers[i] = client.post(f"/api/save/{X21}", data=mine)

        threads = [threading.Thread(target=save, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    statuses = sorted(r.status_code for r in answers.values())
    assert statuses == [200] + [409] * (clients - 1), statuses
    winner = next(i for i, r in answers.items() if r.status_code == 200)
    for i, response in answers.items():
        if i != winner:
            assert "已被别人（或另一个窗口）保存过" in response.json()["error"]
    saved = path.read_bytes()
    assert sha(saved) == answers[winner].json()["base"]  # the file is the winner's save, whole
    data = load_text(saved.decode("utf-8")).data
    assert data["text"]["other"].rstrip() == f"第{winner}位同事的改动。"
    assert data["applications"]["new"][1] == winner
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_concurrent_new_reports_of_one_name_create_it_once(folder):
    from generator.web.server import background

    clients = 4
    barrier = threading.Barrier(clients)
    answers: dict[int, httpx.Response] = {}
    with background(folder) as url:

        def create(i: int) -> None:
            form = {"name": "某镇-2025.yaml", "year": "2025", "agency": f"某镇{i}", "kind": "government"}
            with httpx.Client(base_url=url, headers={"Origin": url}, timeout=60) as client:
                barrier.wait()
                answers[i] = client.post("/new", data=form)

        threads = [threading.Thread(target=create, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert sorted(r.status_code for r in answers.values()) == [303] + [400] * (clients - 1)
    winner = next(i for i, r in answers.items() if r.status_code == 303)
    assert all("已存在" in r.text for r in answers.values() if r.status_code == 400)
    assert load_text((folder / "某镇-2025.yaml").read_text(encoding="utf-8")).data["agency"] == f"某镇{winner}"


# --- 2. a save carries the whole report ------------------------------------------------------------------------
def test_a_partial_save_is_refused_and_the_file_untouched(folder):
    client = TestClient(create_app(folder), headers=ORIGIN)
    path = folder / X21
    before = path.read_bytes()
    values = fields_of(path)

    partial = client.post(f"/api/save/{X21}", data={"text.problems": "x", "_base": values["_base"]}, headers=JSON)
    assert partial.status_code == 400
    assert "不完整" in partial.json()["error"] and "文件未改动" in partial.json()["error"]
    assert path.read_bytes() == before

    one_short = {k: v for k, v in values.items() if k != "issuer"}
    response = client.post(f"/api/save/{X21}", data=one_short, headers=JSON)
    assert response.status_code == 400 and "缺少“落款机关”字段" in response.json()["error"]
    assert path.read_bytes() == before

    no_base = {k: v for k, v in values.items() if k != "_base"}
    response = client.post(f"/api/save/{X21}", data=no_base, headers=JSON)
    assert response.status_code == 400 and "_base" in response.json()["error"]
    assert path.read_bytes() == before

    extra = dict(values, **{"applications.new[9]": "5"})
    response = client.post(f"/api/save/{X21}", data=extra, headers=JSON)
    assert response.status_code == 400 and "applications.new[9]" in response.json()["error"]
    assert path.read_bytes() == before

    # without JavaScript the refusal is a page, in Chinese
    page = client.post(f"/api/save/{X21}", data={"text.problems": "x"})
    assert page.status_code == 400 and "不完整" in page.text
    assert path.read_bytes() == before

    # the live check answers the same refusal (it would otherwise check a report nobody typed)
    response = client.post(f"/api/check/{X21}", data={"text.problems": "x"})
    assert response.status_code == 400 and "不完整" in response.json()["error"]

    # the whole form saves
    values["text.problems"] = "x"
    assert client.post(f"/api/save/{X21}", data=values, headers=JSON).status_code == 200


def test_a_total_the_file_gives_is_a_field_of_the_form(folder):
    client = TestClient(create_app(folder), headers=ORIGIN)
    path = folder / X21
    text = path.read_text(encoding="utf-8").replace(
        "disclosed:        [8, 0, 0, 0, 0, 0]", "disclosed:        [8, 0, 0, 0, 0, 0, 8]"
    )
    path.write_text(text, encoding="utf-8")
    values = fields_of(path)
    assert values["applications.disclosed[6]"] == "8"
    del values["applications.disclosed[6]"]
    response = client.post(f"/api/save/{X21}", data=values, headers=JSON)
    assert response.status_code == 400 and "不完整" in response.json()["error"]
    assert path.read_text(encoding="utf-8") == text  # the total is not dropped by a post that does not mention it


# --- 3. other sites' posts -------------------------------------------------------------------------------------
CROSS_SITE = [
    pytest.param({"Origin": "null"}, "Origin: null", id="origin-null"),
    pytest.param({"Origin": "http://evil.example"}, "其他网站", id="foreign-origin"),
    pytest.param({"Origin": "http://testserver.evil.example"}, "其他网站", id="lookalike-origin"),
    pytest.param({"Referer": "http://evil.example/page.html"}, "其他网站", id="foreign-referer-no-origin"),
    pytest.param({"Referer": "null"}, "其他网站", id="bad-referer-no-origin"),
    pytest.param({}, "缺少 Origin 和 Referer", id="no-origin-no-referer"),
]


@pytest.mark.parametrize("headers,message", CROSS_SITE)
def test_cross_site_posts_are_refused(folder, headers, message):
    client = TestClient(create_app(folder))  # sends neither Origin nor Referer unless told
    before = (folder / X21).read_bytes()
    values = fields_of(folder / X21)
    values["text.other"] = "冒用"
    save = client.post(f"/api/save/{X21}", data=values, headers={**headers, **JSON})
    assert save.status_code == 403 and message in save.json()["error"]
    assert (folder / X21).read_bytes() == before
    new = client.post("/new", data={"name": "evil.yaml", "year": "2021", "kind": "government"}, headers=headers)
    assert new.status_code == 403 and message in new.text
    assert not (folder / "evil.yaml").exists()
    assert client.post(f"/api/check/{X21}", data=values, headers=headers).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "http://testserver"}, id="same-origin"),
        pytest.param({"Referer": f"http://testserver/report/{X21}"}, id="same-referer-no-origin"),
    ],
)
def test_this_servers_own_pages_may_post(folder, headers):
    client = TestClient(create_app(folder))
    values = fields_of(folder / X21)
    values["text.other"] = "本机页面的改动"
    assert client.post(f"/api/save/{X21}", data=values, headers={**headers, **JSON}).status_code == 200
    assert "本机页面的改动" in (folder / X21).read_text(encoding="utf-8")
    response = client.post(
        "/new", data={"name": "ok.yaml", "year": "2021", "kind": "government"}, headers=headers, follow_redirects=False
    )
    assert response.status_code == 303 and (folder / "ok.yaml").exists()


def test_pages_are_still_open_to_any_get(folder):
    client = TestClient(create_app(folder))
    assert client.get("/").status_code == 200
    assert client.get(f"/report/{X21}").status_code == 200


# --- 4. bytes that are not UTF-8, and characters a report cannot hold ------------------------------------------
@pytest.mark.parametrize(
    "body,message",
    [
        pytest.param(b"text.other=%FF%FE", "不是UTF-8", id="percent-ff"),
        pytest.param(b"text.other=%E4%B8", "不是UTF-8", id="cut-utf8"),
        pytest.param(b"text.other=%ED%A0%80", "不是UTF-8", id="surrogate"),
        pytest.param(b"text.other=%C0%AF", "不是UTF-8", id="overlong"),
        pytest.param(
            "text.other=第一行%0A第二行%0B".encode(), "第2行有一个看不见的控制字符（U+000B", id="vertical-tab"
        ),
        pytest.param(b"agency=a%00b", "控制字符（U+0000", id="nul"),
        pytest.param(b"text.other=a&text.other=b", "提交了两次", id="twice"),
    ],
)
def test_undecodable_or_invisible_input_is_refused(folder, body, message):
    client = TestClient(create_app(folder), headers=ORIGIN)
    values = fields_of(folder / X21)
    rest = urlencode({k: v for k, v in values.items() if k not in ("text.other", "agency")}).encode()
    if b"agency=" not in body:
        rest += b"&agency=" + quote(values["agency"]).encode()
    if b"text.other=" not in body:
        rest += b"&text.other=x"
    before = (folder / X21).read_bytes()
    for url in (f"/api/save/{X21}", f"/api/check/{X21}"):
        response = client.post(url, content=body + b"&" + rest, headers={**FORM, **JSON})
        assert response.status_code == 400 and message in response.json()["error"], response.text
    assert (folder / X21).read_bytes() == before
    assert "\ufffd" not in (folder / X21).read_text(encoding="utf-8")


# --- 6 (the cases found): number cells ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed,saved",
    [("７", 7), ("１２", 12), ("08", 8), ("0007", 7), ("+5", 5), ("　３　", 3), ("-0", 0)],
)
def test_full_width_digits_and_leading_zeros_are_the_plain_number(folder, typed, saved):
    client = TestClient(create_app(folder), headers=ORIGIN)
    values = fields_of(folder / X21)
    values["applications.new[1]"] = typed
    response = client.post(f"/api/save/{X21}", data=values, headers=JSON)
    assert response.status_code == 200, response.text
    data = load_text((folder / X21).read_text(encoding="utf-8")).data
    assert data["applications"]["new"][1] == saved and type(data["applications"]["new"][1]) is int


@pytest.mark.parametrize(
    "typed", ["1e300", "9" * 5000, "1" * 101, "12345678901", "٣", "²", "1_000", "0x10", "１.５", "abc"]
)
def test_a_cell_that_is_not_a_plain_count_is_a_finding_on_that_cell(folder, typed):
    client = TestClient(create_app(folder), headers=ORIGIN)
    values = fields_of(folder / X21)
    values["applications.new[1]"] = typed
    for url in (f"/api/check/{X21}", f"/api/save/{X21}"):
        response = client.post(url, data=values, headers=JSON)
        assert response.status_code == 200, response.text
        on_cell = [
            f for f in response.json()["findings"] if "applications.new[1]" in f["targets"] and f["severity"] == "error"
        ]
        assert on_cell, response.json()["findings"]
    saved = load_text((folder / X21).read_text(encoding="utf-8")).data["applications"]["new"][1]
    assert str(saved) == typed.translate(FULL_WIDTH)  # kept as typed (a draft), never lost


@pytest.mark.parametrize(
    "typed",
    [
        "a\n  \nb",
        "\n  缩进的第二行\n第三行",
        " \n0",
        "  缩进开头\n 第二行",
        "第一段\u2028同一段",
        "制表\t符",
        "- 列表\n# 井号\nkey: v",
    ],
)
def test_every_text_is_saved_as_typed(folder, typed):
    client = TestClient(create_app(folder), headers=ORIGIN)
    values = fields_of(folder / X21)
    values["text.other"] = typed
    response = client.post(f"/api/save/{X21}", data=values, headers=JSON)
    assert response.status_code == 200, response.text
    assert load_text((folder / X21).read_text(encoding="utf-8")).data["text"]["other"].rstrip() == typed


# --- 5. hostile files among good ones --------------------------------------------------------------------------
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n" for a, b in zip("abcdefgh", "bcdefghi")
)


def hostile_files() -> dict[str, bytes]:
    good = (ROOT / "inputs" / X21).read_bytes()
    assert len(LAUGHS) < 400
    return {
        "xilinhot-2020.yaml": LAUGHS.encode(),  # also where the 2021 report looks for last year's
        "huge.yaml": good + b"# " + b"x" * (MAX_INPUT_BYTES + 10) + b"\n",
        "binary.yaml": bytes(range(256)) * 64,
        "nul.yaml": good.replace(b"agency: ", b"agency: a\x00b", 1),
        "control.yaml": good.replace(b"agency: ", b"agency: a\x1b[31mb", 1),
        "deep.yaml": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    }


@contextlib.contextmanager
def serve(folder: Path):
    """`govreport serve` in a subprocess on a free loopback port, with its memory capped: a request that hangs
    costs the test its timeout, never the machine."""

    def cap():  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(folder)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=cap,
    )
    try:
        line = process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line
        yield match.group(0)
    finally:
        process.kill()
        process.wait(timeout=20)
        process.stderr.close()


def timed_get(client: httpx.Client, url: str) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - start


def test_hostile_files_do_not_slow_or_break_the_list_or_any_page(folder):
    bad = hostile_files()
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    with serve(folder) as url, httpx.Client(base_url=url, timeout=10) as client:
        client.get(f"/report/{L20}")  # the first page of a fresh server imports the checks: not what is timed
        page, seconds = timed_get(client, "/")
        assert page.status_code == 200 and seconds < 1, seconds
        rows = {
            m.group(1): m.group(0)
            for m in re.finditer(r'<tr class="status-\w+">\s*<td>(?:<a [^>]*>)?([^<]+)(.*?)</tr>', page.text, re.S)
        }
        assert set(bad) | {X21, L20} <= set(rows)
        for name in bad:
            assert "无法读取" in rows[name], rows[name]
            first = re.search(r'<td class="first">(.*?)</td>', rows[name], re.S).group(1)
            assert re.search(r"[\u4e00-\u9fff]", first), first  # the problem, in Chinese
        assert "别名" in rows["xilinhot-2020.yaml"] and "过大" in rows["huge.yaml"]
        for name in (X21, L20):
            response, seconds = timed_get(client, f"/report/{quote(name)}")
            assert response.status_code == 200 and seconds < 1, (name, seconds)
        for name in bad:
            response, seconds = timed_get(client, f"/report/{quote(name)}")
            assert response.status_code == 422 and seconds < 1, (name, response.status_code, seconds)
            assert name in response.text and "Traceback" not in response.text


# --- 6. random form posts ------------------------------------------------------------------------------------
NUMBER_KEYS = {"year", "fee_notices.sent", "fee_notices.amount_sent", "fee_notices.collected"}
for _fmt in ("2021", "2019"):
    NUMBER_KEYS |= set(active_keys(_fmt)) | set(row_keys(_fmt)) | set(computed_keys(_fmt))
STRIPPED = {
    "kind", "issuer", "date", "template", "contact.phone", "contact.address", "contact.email", "contact.website"
}
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

# text a clerk could type or paste (any character but the invisible controls, which are refused — and tested — too)
typed = st.characters(blacklist_categories=("Cs", "Cc"))
cell_text = st.one_of(
    st.text(typed, max_size=12),
    st.text(max_size=4),
    st.text(alphabet="0123456789０１２３４５６７８９+-. 　e", max_size=8),
    st.sampled_from(
        ["７", "08", "1e300", "9" * 5000, "-1", "1.5", "NaN", "null", "~", "true", "\u3000", "٣", "&a", "*a"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
line = st.one_of(
    st.text(st.sampled_from(list("中文 a  \t#:-|>\"'[]{}&*!%@`\\") + ["\u3000"]), max_size=8),
    st.sampled_from(["", " ", "   ", "\t", "  缩进", "- 列表", "# 井号", "key: value", "\u3000全角空格"]),
)
long_text = st.one_of(
    st.text(typed, max_size=80),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.tuples(st.lists(line, max_size=6), st.sampled_from(["\n", "\r\n", "\r"])).map(lambda t: t[1].join(t[0])),
    st.text(st.sampled_from(list("中 \n") + ["\u2028", "\u2029", "\x85", "\ufeff", "\U0001f600"]), max_size=12),
)


def expected(key: str, typed: str) -> str:
    """What the form shows for `key` after a save of `typed`: the value as typed, but for the documented readings
    (number cells: full-width digits and leading zeros read as the plain number; the text areas: line breaks as
    \\n and blanks at the end dropped; the short fields trimmed)."""
    if key in NUMBER_KEYS:
        plain = typed.strip().translate(FULL_WIDTH)
        if re.fullmatch(r"[+-]?[0-9]+", plain) and len(plain.lstrip("+-").lstrip("0")) <= 100:
            return str(int(plain))
        decimal = re.fullmatch(r"([+-]?)([0-9]+)\.([0-9]+)", plain)
        if decimal and len(decimal.group(2).lstrip("0")) + len(decimal.group(3)) <= 100:
            sign, whole, fraction = decimal.groups()
            return f"{'-' if sign == '-' else ''}{whole.lstrip('0') or '0'}.{fraction}"
        return typed.strip()
    if key.startswith("text."):
        return typed.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if key == "template":
        return typed.strip() or "base"
    return typed.strip() if key in STRIPPED else typed


@st.composite
def posts(draw, keys: list[str]):
    values: dict[str, str] = {}
    texts = [k for k in keys if k.startswith("text.") or k == "agency"]
    chosen = draw(st.lists(st.sampled_from(keys), max_size=10, unique=True))
    chosen += draw(st.lists(st.sampled_from(texts), max_size=2))
    for key in chosen:
        values[key] = draw(long_text if key in texts else cell_text)
    missing = []
    if draw(st.integers(0, 3)) == 0:  # now and then, fields left out
        missing = draw(
            st.lists(st.sampled_from(keys + ["_base", "format", "_overview"]), min_size=1, max_size=3, unique=True)
        )
    extra = None
    if draw(st.integers(0, 3)) == 0:  # now and then, a field the form does not have
        extra = draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in keys and not k.startswith("_")))
        values[extra] = draw(st.text(max_size=5))
    return values, missing, extra


class Site:
    """One folder and one app for all the examples of a property; each example starts from the original file."""

    def __init__(self, root: Path):
        self.folder = root / "reports"
        self.folder.mkdir(exist_ok=True)
        self.client = TestClient(create_app(self.folder), headers=ORIGIN, raise_server_exceptions=False)

    def reset(self, name: str) -> Path:
        path = self.folder / name
        shutil.copy(ROOT / "inputs" / name, path)
        return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return Site(tmp_path_factory.mktemp("random-posts"))


SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def post_timed(client: TestClient, url: str, **kwargs):
    start = time.monotonic()
    response = client.post(url, **kwargs)
    assert time.monotonic() - start < 5, f"{url} took {time.monotonic() - start:.1f} s"
    no_crash(response)
    return response


@pytest.mark.parametrize("name", [X21, L20])
@SETTINGS
@given(data=st.data())
def test_random_form_posts_never_crash_lose_or_half_write(site, name, data):
    path = site.reset(name)
    values = fields_of(path)
    keys = sorted(k for k in values if not k.startswith("_") and k != "format")
    changes, missing, extra = data.draw(posts(keys))
    post = {**values, **changes}
    for key in missing:
        post.pop(key, None)
    before = path.read_bytes()
    check = post_timed(site.client, f"/api/check/{name}", data=post, headers=JSON)
    response = post_timed(site.client, f"/api/save/{name}", data=post, headers=JSON)
    event(f"save answered {response.status_code}")
    if "_base" not in missing:  # the live check does not need the version; a save does
        assert response.status_code == check.status_code, (check.text[:300], response.text[:300])
    invisible = any(CONTROL.search(k + v) for k, v in changes.items())
    if not missing and extra is None and not invisible:  # the whole form, as a clerk can type it: always saved
        assert response.status_code == 200, response.text
    if response.status_code != 200:
        assert response.status_code in (400, 413), response.text
        assert re.search(r"[\u4e00-\u9fff]", response.json()["error"])
        assert path.read_bytes() == before  # refused: the file is exactly as it was
        return
    assert not missing and all(k in values or k in NUMBER_KEYS for k in changes)
    saved = path.read_bytes()
    assert sha(saved) == response.json()["base"]
    reread = load_text(saved.decode("utf-8")).data
    shown = form_values(reread, str(reread.get("format")))
    for key, typed in changes.items():
        assert shown.get(key, "") == expected(key, typed), (key, typed, shown.get(key))


@SETTINGS
@given(body=st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_never_crash_or_write(site, body):
    path = site.reset(X21)
    before = path.read_bytes()
    for url in (f"/api/save/{X21}", f"/api/check/{X21}", "/new"):
        post_timed(site.client, url, content=body, headers={**FORM, **JSON})
        post_timed(site.client, url, content=body, headers={"Content-Type": "application/octet-stream"})
    assert path.read_bytes() == before
    assert not [p for p in site.folder.iterdir() if p.name.startswith(".")]  # no temporary file left behind


VALUES = ["[1, 2]", "{a: 1}", "null", "~", "-5", "１２", "08", "abc", "2021-13-45", "true", "1.5", "'x'", "|\n  段落",
          "[[1]]", "{}", "[]", '"\\x07"', '"\\uffff"', "2019", "aspects", "\n  - 1\n  - 2", "9" * 200, "[1, [2]]"]


@st.composite
def odd_files(draw) -> str:
    """A real report with a few of its values replaced by something else: a list, a mapping, a text, a block."""
    lines = (ROOT / "inputs" / draw(st.sampled_from([X21, L20]))).read_text(encoding="utf-8").split("\n")
    keyed = [i for i, line in enumerate(lines) if re.match(r"^ *[a-z_]+:", line)]
    for i in draw(st.lists(st.sampled_from(keyed), min_size=1, max_size=4, unique=True)):
        head = lines[i][: lines[i].index(":") + 1]
        value = draw(st.one_of(st.sampled_from(VALUES), st.text(typed, max_size=6).map(lambda t: json_quoted(t))))
        lines[i] = head + " " + value
    return "\n".join(lines)


def json_quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


@SETTINGS
@given(text=odd_files())
def test_any_readable_file_opens_and_saves_as_it_stands(site, text):
    """Open the page of an odd but readable file and save it unchanged: never a 500; saved, or refused with a
    Chinese reason and the file untouched."""
    path = site.folder / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    page = site.client.get("/report/odd.yaml")
    assert time.monotonic() - start < 5
    no_crash(page)
    listing = site.client.get("/")
    no_crash(listing)
    assert "odd.yaml" in listing.text
    if page.status_code != 200:
        assert page.status_code == 422 and "odd.yaml" in page.text
        return
    data = load_text(text).data
    fmt = "2019" if str(data.get("format", "")) == "2019" or (
        "format" not in data and isinstance(data.get("year"), int) and data["year"] < 2021
    ) else "2021"
    values = form_values(data, fmt)
    values["_base"] = sha(text.encode("utf-8"))
    response = post_timed(site.client, "/api/save/odd.yaml", data=values, headers=JSON)
    event(f"save of an odd file answered {response.status_code}")
    if response.status_code == 200:
        load_text(path.read_text(encoding="utf-8"))  # what was saved reads back
    else:
        assert response.status_code == 400 and "控制字符" in response.json()["error"], response.text
        assert path.read_text(encoding="utf-8") == text


def test_a_mapping_written_as_a_text_is_rewritten_whole(folder):
    path = folder / X21
    text = re.sub(r"(?m)^applications:.*$", "applications: |\n  一段文字", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    client = TestClient(create_app(folder), headers=ORIGIN)
    assert client.get(f"/report/{X21}").status_code == 200
    values = fields_of(path)
    values["applications.new[0]"] = "3"
    response = client.post(f"/api/save/{X21}", data=values, headers=JSON)
    assert response.status_code == 200, response.text
    assert load_text(path.read_text(encoding="utf-8")).data["applications"]["new"] == [3, 0, 0, 0, 0, 0]


def test_a_pack_name_that_yaml_reads_as_a_number_is_saved_quoted(site):
    """Found by the random posts: 模板包 "0" was written bare, read back as the number 0, and the save refused."""
    name = "luzhou-2020.yaml"
    path = site.reset(name)
    post = {**fields_of(path), "template": "0"}
    response = site.client.post(f"/api/save/{name}", data=post, headers=JSON)
    assert response.status_code == 200, response.text
    assert "template: \"0\"" in path.read_text(encoding="utf-8") or "template: '0'" in path.read_text(encoding="utf-8")
