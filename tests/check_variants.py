"""Reports that trip every rule, made deterministically from a seed: the seeds in inputs/ and minimal reports, with
table cells, dates, fees, texts, template and parts perturbed, and last year's file made from this year's and tweaked.

`write_variants(folder, count)` writes them and returns what to check; `dump_findings(...)` checks them all and
returns every finding as a dict. tests/test_checks_golden.py compares a fixed set with tests/fixtures/; the same
code, with more variants, proves a refactoring of the rules changes no finding.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from builders import base_report
from official import REVIEW_GROUPS, application_rows

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml writes the same text, 4x faster
    pass


def _text(dumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def to_yaml(data: dict, flow: bool) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None if flow else False, width=1000)


@dataclass
class Variant:
    name: str
    path: str  # relative to the folder
    previous: str | None = None  # given last year's file (relative), or None
    find: bool = True  # look for last year's file beside it


# --- this year's report ---------------------------------------------------------------------------------------
def _tables(rng: random.Random, data: dict) -> None:
    """Balanced random tables 三 and 四, and random table 二."""
    fmt = data["format"]
    rows = application_rows(fmt)
    applications: dict = {}
    results = {}
    for path, _group, _label, kind in rows:
        if kind == "result":
            results[path] = [rng.choice((0, 0, 1, 2, 3, 7, 12)) for _ in range(6)] if rng.random() < 0.4 else [0] * 6
    forward = [rng.randint(0, 4) for _ in range(6)]
    total = [sum(r[c] for r in results.values()) for c in range(6)]
    carried = [rng.randint(0, total[c] + forward[c]) for c in range(6)]
    new = [total[c] + forward[c] - carried[c] for c in range(6)]
    values = dict(results)
    values[("new",)], values[("carried_over",)], values[("carried_forward",)] = new, carried, forward
    for path, _group, _label, kind in rows:
        if kind == "total":
            if rng.random() < 0.4:
                applications["total"] = total + ([sum(total)] if rng.random() < 0.5 else [])
            continue
        row = values[path]
        if not any(row) and rng.random() < 0.5:
            continue
        node = applications
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = row + ([sum(row)] if rng.random() < 0.3 else [])
    data["applications"] = applications
    reviews = {}
    for key, _label in REVIEW_GROUPS:
        four = [rng.randint(0, 9) for _ in range(4)]
        reviews[key] = four + ([sum(four)] if rng.random() < 0.5 else [])
    data["reviews"] = reviews
    for key, value in data["active"].items():
        if isinstance(value, dict):
            for field in value:
                value[field] = rng.choice((0, 1, 3, 8, 20, 150))
        else:
            data["active"][key] = rng.choice((0, 1, 3, 8, 20, 150))


def _leaves(node, path=()):
    """(path, value) of every whole number under `node`."""
    if isinstance(node, dict):
        for key, item in node.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _leaves(item, path + (index,))
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path, node


def _set(data, path, value) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _get(data, path, default=None):
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def _rows(data) -> list[tuple]:
    """Paths of the applications rows (lists) the data has."""
    return [p[:-1] for p, _ in _leaves(data.get("applications", {}), ("applications",)) if p[-1] == 0]


def _texts(data) -> list[tuple]:
    text = data["text"]
    paths = [("text", k) for k in ("preface", "problems", "other") if isinstance(text.get(k), str)]
    if isinstance(text.get("overview"), dict):
        paths += [("text", "overview", k) for k in text["overview"]]
    else:
        paths.append(("text", "overview"))
    paths += [("text", "sections", k) for k in (text.get("sections") or {}) if isinstance(text["sections"][k], str)]
    return paths


SENTENCES = (
    "本年度共受理政府信息公开申请{a}件，其中上年结转{b}件。",
    "收到政府信息公开申请{a}件。",
    "全年答复政府信息公开申请{a}件，其余{b}件转下年度继续办理。",
    "已办结的申请中，予以公开{a}件、占{p}%；部分公开{b}件，占{q}%；不予公开{c}件。",
    "无法提供{a}件，占比{p}%；不予处理{b}件；其他处理{c}件、占{q}%。",
    "因政府信息公开提起的行政复议{a}件，其中维持{b}件；行政诉讼{c}件（含尚未审结），其中结果维持{b}件。",
    "现行有效规章{a}件，现行有效规范性文件{b}件。",
    "本年制发规章{a}件，制定行政规范性文件{b}件。",
    "上一年度结转的申请{a}件已全部办结。",
    "本年度未发出收费通知，未收取信息处理费。",
    "本年度发出收费通知{a}件，没有收取任何费用。",
    "开展政务公开工作考核和社会评议，本年度无责任追究情况。",
    "12345热线受理来电{a}件，人大代表建议和答复{b}件。",
    "正在办理的申请{a}件。",
    "依申请公开方面，处理完毕{a}件，尚在办理{b}件。",
)
PLACEHOLDERS = ("{{ 办结 }}", "{{ 予以公开占比 }}", "{{ 本年新收 }}", "{{ 结转下年度 }}", "{{ 行政复议 }}",
                "{{ 未知名称 }}", "{{ report.year }}", "{{ 办结 + 1 }}", "{{ 申请总数 }}", "{{ ", "{% if x %}")


def _sentence(rng: random.Random) -> str:
    numbers = {k: rng.choice((0, 1, 2, 3, 5, 8, 13, 21, 46, 100, 398)) for k in "abc"}
    numbers.update(p=rng.choice(("0", "12.5", "33.5", "50", "100", "7.2")), q=rng.choice(("0.0", "25", "48.4")))
    return rng.choice(SENTENCES).format(**numbers)


def _mutate(rng: random.Random, data: dict) -> None:
    fmt = data.get("format")
    kind = rng.randrange(22)
    if kind in (0, 1, 2):  # one cell of tables 二, 三, 四
        leaves = list(_leaves({k: data.get(k) for k in ("applications", "reviews", "active") if k in data}))
        if leaves:
            path, value = rng.choice(leaves)
            _set(data, path, rng.choice((0, 1, value + 1, max(value - 1, 0), value * 12 + 15, 400)))
    elif kind == 3:  # a given 总计 on a row of table 三
        rows = _rows(data)
        if rows:
            path = rng.choice(rows)
            row = _get(data, path)
            row[6:] = [sum(row[:6]) + rng.choice((0, 1, -1, 5))]
    elif kind == 4:  # the （七）总计 row
        if "applications" in data:
            size = rng.choice((6, 7))
            data["applications"]["total"] = [rng.randint(0, 30) for _ in range(size)]
    elif kind == 5:  # a given 总计 of table 四
        if isinstance(data.get("reviews"), dict) and data["reviews"]:
            key = rng.choice(sorted(data["reviews"]))
            four = data["reviews"][key][:4]
            data["reviews"][key] = four + [sum(four) + rng.choice((0, 1, 2))]
    elif kind in (6, 7):  # the publication date
        year = data.get("year", 2021)
        data["date"] = rng.choice((dt.date(year, 6, 1), dt.date(year, 12, 31), dt.date(year + 1, 1, 15),
                                   dt.date(year + 1, 1, 31), dt.date(year + 1, 2, 10), dt.date(year + 1, 3, 31),
                                   dt.date(year + 1, 4, 1), dt.date(year + 2, 1, 1)))
    elif kind == 8:
        data["kind"] = "department" if data.get("kind") == "government" else "government"
    elif kind == 9:  # format and year disagree
        data["year"] = rng.choice((2019, 2020, 2021, 2022, 2023))
    elif kind in (10, 11):  # a figure of a text changed
        path = rng.choice(_texts(data))
        text = _get(data, path)
        numbers = list(re.finditer(r"\d+", text))
        if numbers:
            m = rng.choice(numbers)
            _set(data, path, text[: m.start()] + str(int(m.group()) + rng.choice((1, 2, 10, 100))) + text[m.end():])
    elif kind in (12, 13):  # a sentence about the tables added
        path = rng.choice(_texts(data))
        text = _get(data, path)
        _set(data, path, text.rstrip("\n") + ("\n" if rng.random() < 0.6 else "") + _sentence(rng) + "\n")
    elif kind == 14:  # a placeholder
        path = rng.choice(_texts(data))
        text = _get(data, path)
        cut = rng.randint(0, len(text))
        _set(data, path, text[:cut] + "本年办结" + rng.choice(PLACEHOLDERS) + "件。" + text[cut:])
    elif kind == 15:  # part 五 says nothing
        data["text"]["problems"] = rng.choice(("无", "无。", "暂无", "没有", "—", "无相关情况。", "存在问题：无。"))
    elif kind == 16:  # 信息处理费
        data["fee_notices"] = {"sent": rng.choice((0, 0, 1, 3)), "amount_sent": rng.choice((0, 0, 100, 250.5)),
                               "collected": rng.choice((0, 0, 50, 100, 300.25))}
        other = data.get("applications", {}).get("other") if fmt == "2021" else None
        if (
            fmt == "2021"
            and rng.random() < 0.5
            and "applications" in data
            and (other is None or isinstance(other, dict))
        ):
            data["applications"].setdefault("other", {})["unpaid_fee"] = [rng.randint(0, 2)] + [0] * 5
    elif kind == 17:  # 第五十条 not covered
        for path in _texts(data):
            text = _get(data, path)
            _set(data, path, re.sub("考核|考评|评议|评价|问责|追责|追究|满意度", "工作", text))
    elif kind == 18:  # template pack and its sections
        data["template"] = rng.choice(("base", "sichuan", "neimenggu", "nonexistent", "../base"))
        if rng.random() < 0.6:
            sid = rng.choice(("standardization", "proposals", "key_tasks", "unknown_section"))
            data["text"]["sections"] = {sid: rng.choice(("", "办理建议提案。", _sentence(rng)))}
    elif kind == 19:  # a part left out or emptied
        key = rng.choice(("applications", "reviews", "fee_notices", "text.other", "text.preface", "active.fees"))
        head, _, tail = key.partition(".")
        node = data.get(head) if tail else data
        if isinstance(node, dict):
            node.pop(tail or head, None)
    elif kind == 20:  # the overview split into aspects
        overview = data["text"]["overview"]
        if isinstance(overview, str):
            parts = [p for p in overview.split("\n\n") if p.strip()] or [overview]
            aspects = ("active", "requests", "management", "platforms", "oversight")
            data["text"]["overview"] = {a: parts[i % len(parts)] for i, a in enumerate(aspects)}
    else:  # a row of table 三 unbalanced in one column
        rows = _rows(data)
        if rows:
            path = rng.choice(rows)
            row = _get(data, path)
            column = rng.randrange(min(6, len(row)))
            row[column] += rng.choice((1, 2, 30))


# --- last year's report ----------------------------------------------------------------------------------------
def _previous(rng: random.Random, this: dict) -> dict:
    """Last year's report made from this year's: 结转 rows, 现行有效 and 上一年项目数量 matched, then tweaked."""
    fmt = this.get("format", "2021")
    if rng.random() < 0.15:  # last year in the other format
        fmt = "2019" if fmt == "2021" else "2021"
        last = base_report(fmt, this.get("kind", "government"))
        last["agency"] = this.get("agency", last["agency"])
        _tables(rng, last)
    else:
        last = copy.deepcopy(this)
    year = this.get("year", 2021) - 1
    last["year"] = year
    last["date"] = dt.date(year + 1, 1, 20)
    applications = last.setdefault("applications", {})
    carried = _get(this, ("applications", "carried_over"), [0] * 6)
    if isinstance(carried, list):
        forward = list(carried[:6])
        if rng.random() < 0.3:
            forward[rng.randrange(6)] += rng.choice((1, 3))
        applications["carried_forward"] = forward
    active, now = last.get("active", {}), this.get("active", {})
    if fmt == "2021" and this.get("format") == "2021":
        for key in ("rules", "normative"):
            if isinstance(now.get(key), dict) and isinstance(active.get(key), dict):
                n = now[key]
                active[key]["in_force"] = max(0, n.get("in_force", 0) - n.get("issued", 0) + n.get("repealed", 0)
                                              + (rng.choice((1, -1, 4)) if rng.random() < 0.3 else 0))
    if fmt == "2019" and this.get("format") == "2019":
        for key in ("licensing", "other_services", "punishment", "coercion", "fees"):
            if isinstance(now.get(key), dict) and isinstance(active.get(key), dict):
                change = active[key].get("change", 0)
                active[key]["previous"] = max(0, now[key].get("previous", 0) - change) + (
                    rng.choice((1, 2)) if rng.random() < 0.3 else 0
                )
    if rng.random() < 0.4:  # figures that jump more than tenfold
        for path, value in list(_leaves({k: this.get(k) for k in ("applications", "reviews", "active") if k in this})):
            if value >= 20 and rng.random() < 0.3 and _get(last, path) is not None and path[0] != "applications":
                _set(last, path, max(1, value // rng.choice((11, 20, 50))))
    roll = rng.random()
    if roll < 0.08:
        last["agency"] = "另一个" + str(last.get("agency", "机关"))
    elif roll < 0.14:
        last["year"] = year - 1
    elif roll < 0.18:
        last["kind"] = "不存在的种类"  # last year's file has an error
    return last


@lru_cache(maxsize=None)
def _seed(source: Path) -> dict:
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _base(rng: random.Random) -> tuple[dict, str]:
    if rng.random() < 0.5:
        source = rng.choice(INPUTS)
        return copy.deepcopy(_seed(source)), source.stem
    fmt = rng.choice(("2021", "2019"))
    data = base_report(fmt, rng.choice(("government", "department")))
    if rng.random() < 0.8:
        _tables(rng, data)
    return data, f"base-{fmt}"


def write_variants(folder: Path, count: int, seed: int = 11) -> list[Variant]:
    """Write the inputs and `count` perturbed reports (with last year's files) under `folder`; what to check."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():  # emptied, not removed: it may be the current directory
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    (folder / "inputs").mkdir()
    out: list[Variant] = []
    rng = random.Random(seed)
    for source in INPUTS:  # the seeds as they are: without last year's file, found beside them, and given
        shutil.copy(source, folder / "inputs" / source.name)
        out.append(Variant(source.stem, f"inputs/{source.name}", find=False))
        out.append(Variant(source.stem + "+find", f"inputs/{source.name}"))
        data = copy.deepcopy(_seed(source))
        last = folder / "inputs" / f"last-{source.name}"
        last.write_text(to_yaml(_previous(rng, data), flow=True), encoding="utf-8")
        out.append(Variant(source.stem + "+previous", f"inputs/{source.name}", previous=f"inputs/{last.name}"))
    for number in range(count):
        data, origin = _base(rng)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            _mutate(rng, data)
        flow = rng.random() < 0.7
        sub = folder / f"v{number:04d}"
        sub.mkdir()
        year = data.get("year", 2021) if isinstance(data.get("year"), int) else 2021
        name = f"v{number:04d}-{origin}"
        how = rng.random()
        this = sub / f"town-{year}.yaml"
        this.write_text(to_yaml(data, flow), encoding="utf-8")
        if how < 0.35:
            out.append(Variant(name, f"{sub.name}/{this.name}", find=False))
            continue
        last = _previous(rng, data)
        text = to_yaml(last, rng.random() < 0.7)
        if rng.random() < 0.03:
            text = text.replace("\n", "\n\t", 1)  # last year's file does not parse
        if how < 0.7:
            (sub / f"town-{year - 1}.yaml").write_text(text, encoding="utf-8")
            out.append(Variant(name + "+find", f"{sub.name}/{this.name}"))
        else:
            (sub / "last.yaml").write_text(text, encoding="utf-8")
            out.append(Variant(name + "+previous", f"{sub.name}/{this.name}", previous=f"{sub.name}/last.yaml"))
    return out


def dump_findings(variants: list[Variant], folder: Path) -> dict[str, list[dict]]:
    """Every finding of every variant, as dicts, in check order (paths relative to `folder`, which must be the
    current directory)."""
    from generator.pipeline import check_file

    assert Path.cwd().resolve() == folder.resolve()
    root = str(ROOT)
    out = {}
    for variant in variants:
        checked = check_file(variant.path, previous=variant.previous, find_previous=variant.find)
        out[variant.name] = [
            {k: (v.replace(root, "<ROOT>") if isinstance(v, str) else v) for k, v in f.to_dict().items()}
            for f in checked.findings
        ]
    return out
