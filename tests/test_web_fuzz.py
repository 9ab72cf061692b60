"""Issue 13: no value the page can send gives a 500 or a traceback — random strings in every field and every cell at
once (not a few of them, as tests/test_web_safety.py does), posted to the live check and to save, in both formats
and both shapes of part 一; and the answers the page reads after a save (the file's current values, the preview)."""

from __future__ import annotations

import hashlib
import shutil
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from generator.readers.yaml import load_text
from generator.web.app import create_app
from generator.web.fields import form_values

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = {"Origin": "http://testserver"}
JSON = {"Accept": "application/json"}
# what a clerk can type or paste: no control characters (those are refused with a 400 naming the field)
typed = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
value = st.one_of(
    st.text(typed, max_size=10),
    st.text(alphabet="0123456789０１２３４５６７８９+-.,， 　e", max_size=9),
    st.sampled_from(
        ["７", "08", "００８", "1e300", "9" * 300, "-1", "1.5", "NaN", "null", "~", "true", "", "٣", "1,234"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def no_crash(response) -> None:
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text


class Site:
    def __init__(self, root: Path):
        self.folder = root / "reports"
        self.folder.mkdir(exist_ok=True)
        self.client = TestClient(create_app(self.folder), headers=ORIGIN, raise_server_exceptions=False)

    def reset(self, name: str) -> tuple[Path, dict[str, str]]:
        path = self.folder / name
        shutil.copy(ROOT / "inputs" / name, path)
        text = path.read_text(encoding="utf-8")
        data = load_text(text).data
        values = form_values(data, str(data.get("format")))
        values["_base"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return path, values


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return Site(tmp_path_factory.mktemp("fuzz-every-field"))


@pytest.mark.parametrize("name", ["xilinhot-2021.yaml", "luzhou-2020.yaml"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_strings_in_every_field_and_cell_never_give_a_500(site, name, data):
    path, values = site.reset(name)
    post = dict(values)
    for key in values:
        if not key.startswith("_") and key != "format":
            post[key] = data.draw(value, label=key)
    if data.draw(st.booleans(), label="five aspects"):
        overview = post.pop("text.overview", "")
        post["_overview"] = "aspects"
        for aspect in ("active", "requests", "management", "platforms", "oversight"):
            post[f"text.overview.{aspect}"] = data.draw(value, label=aspect) + overview[:5]
    check = site.client.post(f"/api/check/{name}", data=post, headers=JSON)
    no_crash(check)
    assert check.status_code == 200, check.text[:300]
    for finding in check.json()["findings"]:
        assert finding["plain"] and "Traceback" not in finding["text"]
    save = site.client.post(f"/api/save/{name}", data=post, headers=JSON)
    no_crash(save)
    assert save.status_code == 200, save.text[:300]  # every value a clerk can type is saved, as a draft if need be
    for url in (f"/api/current/{name}", f"/report/{name}", f"/report/{name}/preview"):
        no_crash(site.client.get(url))
    assert save.json()["base"] == hashlib.sha256(path.read_bytes()).hexdigest()
