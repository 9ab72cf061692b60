"""`govreport rollup`: the summed tables equal the sum of the units (computed here from the YAML itself), the units
are listed, the narrative is left for the editor (check fails until it is written), and mixed years are refused."""

from __future__ import annotations

from decimal import Decimal

import yaml

from generator.batch.synth import write_townships
from generator.cli import app
from generator.readers.yaml import load
from readback import application_values, raw_input, review_values


def test_rollup_equals_the_sum_of_the_units(runner, tmp_path):
    files = write_townships(tmp_path / "units", 8, seed=21)
    out = tmp_path / "region.yaml"
    result = runner.invoke(app, ["rollup", str(tmp_path / "units"), "-o", str(out), "--agency", "青山县人民政府"])
    assert result.exit_code == 0, result.output
    region = raw_input(out)
    units = [raw_input(path) for path in files]
    expected = {}
    for unit in units:
        for path, row in application_values(unit).items():
            expected[path] = [a + b for a, b in zip(expected.get(path, [0] * 7), row)]
    assert application_values(region) == expected
    assert review_values(region) == [sum(col) for col in zip(*(review_values(u) for u in units))]
    for key in ("licensing", "punishment", "coercion"):
        assert int(region["active"][key]) == sum(int(u["active"][key]) for u in units)
    for field in ("issued", "repealed", "in_force"):
        assert int(region["active"]["normative"][field]) == sum(int(u["active"]["normative"][field]) for u in units)
    assert Decimal(region["active"]["fees"]) == sum(Decimal(u["active"]["fees"]) for u in units)
    assert region["agency"] == "青山县人民政府" and region["year"] == "2025"
    text = out.read_text(encoding="utf-8")
    for unit in units:
        assert unit["agency"] in text.split("format:")[0]  # listed in the header comment

    # the narrative is the editor's: check fails on exactly 一、五、六 until they are written
    loaded = load(out)
    assert loaded.report is None
    assert sorted(f.key for f in loaded.findings) == ["text.other", "text.overview", "text.problems"]
    data = yaml.safe_load(text)
    data["text"] = {
        "overview": "总体情况。工作考核、社会评议和责任追究。",
        "problems": "问题与改进。",
        "other": "其他事项。",
    }
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["check", "--no-previous", str(edited)])
    assert result.exit_code == 0, result.output


def test_rollup_refuses_mixed_years_and_bad_units(runner, tmp_path):
    write_townships(tmp_path / "a", 2, seed=1, year=2025)
    write_townships(tmp_path / "b", 1, seed=2, year=2024)
    out = tmp_path / "region.yaml"
    result = runner.invoke(
        app, ["rollup", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "--agency", "某县"]
    )
    assert result.exit_code == 1 and "年度和格式必须相同" in result.output and "2024年" in result.output
    assert not out.exists()
    bad = tmp_path / "b" / "unit-0001.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("year: 2024", "year: 2025"), encoding="utf-8")
    bad.write_text(bad.read_text(encoding="utf-8").replace("licensing: ", "licensing: -", 1), encoding="utf-8")
    result = runner.invoke(
        app, ["rollup", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "--agency", "某县"]
    )
    assert result.exit_code == 1 and "有错误" in result.output and "unit-0001.yaml" in result.output
    assert not out.exists()


def test_rollup_of_2019_units(runner, tmp_path):
    files = write_townships(tmp_path / "u", 3, seed=4, year=2020)
    out = tmp_path / "r.yaml"
    result = runner.invoke(app, ["rollup", *map(str, files), "-o", str(out), "--agency", "某县人民政府"])
    assert result.exit_code == 0, result.output
    region, units = raw_input(out), [raw_input(p) for p in files]
    assert region["format"] == "2019"
    assert application_values(region) == {
        path: [sum(col) for col in zip(*(application_values(u)[path] for u in units))]
        for path in application_values(units[0])
    }
    assert int(region["active"]["licensing"]["change"]) == sum(int(u["active"]["licensing"]["change"]) for u in units)
    assert Decimal(region["active"]["procurement"]["amount"]) == sum(
        Decimal(u["active"]["procurement"]["amount"]) for u in units
    )
