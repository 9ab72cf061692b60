"""A seeded generator of realistic township inputs for tests and the batch benchmark: most townships receive few or
no applications, a few receive dozens; the narrative has the length of a real township report (about 2,000 字)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from ..model.forms import APPLICATION_ROWS, format_for_year
from ..yamlout import dump_input

_COUNTIES = ("青山", "柳河", "石桥", "白沙", "龙泉", "桃源", "新华", "永安", "清水", "长乐",
             "丰宁", "安平", "兴隆", "平山")
_PLACES = ("东风", "红旗", "和平", "前进", "黄庄", "李集", "王营", "双河", "三里", "古城",
           "新村", "马家", "杨柳", "南湖", "北岭", "西园", "高桥", "大王", "小河", "花园")
_SUFFIXES = (("镇人民政府", 6), ("乡人民政府", 3), ("街道办事处", 2))

_ACTIVE = (
    "围绕镇党委、政府中心工作，通过政府门户网站乡镇专栏、政务公开栏和微信公众号及时发布政策文件、通知公告和工作动态。",
    "全年主动公开政府信息{items}条，其中机构职能、领导分工等基础信息{basic}条，财政预决算、“三公”经费等信息{budget}条。",
    "重点做好乡村振兴、社会救助、惠农补贴、耕地保护、人居环境整治等领域的信息公开，按时公开各类补贴发放名单。",
    "在各行政村设置村务公开栏，做到村务、财务每季度公开一次，接受群众监督。",
    "及时公开安全生产、防汛抗旱、疫情防控等突发事件应对信息，正确引导社会舆论。",
)
_REQUESTS = (
    "严格执行《中华人民共和国政府信息公开条例》，规范依申请公开受理、审查、答复等环节，在法定期限内答复申请人。",
    "依申请公开实行登记、审核、答复、归档全过程管理，答复文书规范，告知救济途径。",
)
_MANAGEMENT = (
    "落实政府信息公开审查制度，信息发布前严格履行“先审查、后公开”和“一事一审”程序，全年未发生泄密事件。",
    "对本机关制发的政府信息逐件确定公开属性，对已公开的信息定期清理，及时更新失效信息。",
    "建立健全信息公开工作台账，做到底数清、情况明。",
)
_PLATFORMS = (
    "依托县政府门户网站乡镇专栏集中发布政府信息，栏目设置规范，内容及时更新。",
    "加强政务新媒体管理，微信公众号全年发布信息{posts}篇，做到内容准确、更新及时。",
    "在便民服务中心设立政府信息查阅点，配备查阅设备，方便群众查阅。",
)
_OVERSIGHT = (
    "成立由镇长任组长的政务公开工作领导小组，明确分管领导和具体经办人员，将政务公开工作纳入年度工作考核。",
    "组织开展政务公开业务培训{trainings}次，提升工作人员业务能力。",
    "主动接受社会评议，畅通意见建议渠道；本年度未发生因政务公开工作不到位被责任追究的情况。",
)
_PROBLEMS = (
    "一是主动公开的深度和广度还不够，部分信息更新不够及时；二是政策解读形式较为单一，图解、视频等形式运用较少；"
    "三是工作人员业务水平有待进一步提高。",
    "下一步，我们将进一步加强组织领导，细化公开内容，丰富解读形式，加强业务培训，推动政务公开工作再上新台阶。",
    "针对上年度存在的信息更新不及时问题，已建立信息发布提醒机制，明确专人负责，按月检查栏目更新情况。",
)


def _agency(rng: random.Random) -> str:
    suffix = rng.choices([s for s, _ in _SUFFIXES], weights=[w for _, w in _SUFFIXES])[0]
    return f"{rng.choice(_COUNTIES)}县{rng.choice(_PLACES)}{suffix}"


def _aspect(rng: random.Random, pool: tuple[str, ...], length: int, **figures) -> str:
    sentences: list[str] = []
    while sum(len(s) for s in sentences) < length:
        sentences.append(rng.choice(pool).format(**figures))
    middle = max(1, len(sentences) // 2)
    return "".join(sentences[:middle]) + "\n\n" + "".join(sentences[middle:]) if len(sentences) > 1 else sentences[0]


def _applications(rng: random.Random, fmt: str) -> tuple[dict, dict]:
    """Rows that satisfy every identity: 一 + 二 = （七）总计 + 四 in every column; and the figures for the text."""
    level = rng.random()
    if level < 0.55:
        new_total = 0
    elif level < 0.9:
        new_total = rng.randint(1, 5)
    else:
        new_total = rng.randint(6, 40)
    carried_total = rng.choice((0, 0, 0, 0, 1, 2)) if new_total else 0
    new = [0] * 6
    for _ in range(new_total):
        new[0 if rng.random() < 0.9 else rng.randint(1, 5)] += 1
    carried = [carried_total, 0, 0, 0, 0, 0]
    forward = [0] * 6
    if new[0] and rng.random() < 0.2:
        forward[0] = 1
    results = [spec for spec in APPLICATION_ROWS[fmt] if spec.kind == "result"]
    weights = {"disclosed": 60, "partly_disclosed": 10, "unavailable.not_held": 15, "not_processed.petition": 5,
               "not_processed.duplicate": 5, "other.other" if fmt == "2021" else "other": 5}
    keys = [spec.key for spec in results if spec.key in weights]
    rows = {spec.key: [0] * 6 for spec in results}
    for column in range(6):
        for _ in range(new[column] + carried[column] - forward[column]):
            rows[rng.choices(keys, weights=[weights[k] for k in keys])[0]][column] += 1
    data: dict = {"new": new, "carried_over": carried}
    for spec in results:
        node = data
        for name in spec.path[:-1]:
            node = node.setdefault(name, {})
        node[spec.path[-1]] = rows[spec.key]
    data["carried_forward"] = forward
    done = sum(new) + sum(carried) - sum(forward)
    return data, {"new": sum(new), "carried": sum(carried), "done": done, "forward": sum(forward),
                  "disclosed": sum(rows["disclosed"])}


def township(rng: random.Random, year: int = 2025) -> dict:
    """One township's input (plain values, as the YAML would load)."""
    fmt = format_for_year(year)
    agency = _agency(rng)
    applications, figures = _applications(rng, fmt)
    if figures["new"] + figures["carried"]:
        requests_text = (
            f"本年度共收到政府信息公开申请{figures['new']}件，上年结转{figures['carried']}件，"
            f"办结{figures['done']}件，其中予以公开{figures['disclosed']}件，结转下年度继续办理{figures['forward']}件。"
        )
    else:
        requests_text = "本年度未收到政府信息公开申请。"
    numbers = {"items": rng.randint(80, 600), "basic": rng.randint(10, 60), "budget": rng.randint(5, 30),
               "posts": rng.randint(50, 400), "trainings": rng.randint(1, 4)}
    overview = {
        "active": _aspect(rng, _ACTIVE, 420, **numbers),
        "requests": requests_text + _aspect(rng, _REQUESTS, 160),
        "management": _aspect(rng, _MANAGEMENT, 260),
        "platforms": _aspect(rng, _PLATFORMS, 260, **numbers),
        "oversight": "将政务公开工作纳入年度工作考核，主动接受社会评议，本年度未发生因政务公开工作被责任追究的情况。"
        + _aspect(rng, _OVERSIGHT, 260, **numbers),
    }
    reviews = {"reconsideration": [0, 0, 0, 0], "litigation_direct": [0, 0, 0, 0],
               "litigation_after_reconsideration": [0, 0, 0, 0]}
    if rng.random() < 0.05:
        reviews["reconsideration"] = [1, 0, 0, 0]
    if fmt == "2021":
        documents = {"issued": rng.randint(0, 3), "repealed": rng.randint(0, 1), "in_force": rng.randint(2, 20)}
        active = {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative": documents,
            "licensing": rng.choice((0, 0, rng.randint(1, 200))),
            "punishment": rng.choice((0, rng.randint(1, 50))),
            "coercion": rng.choice((0, 0, 0, rng.randint(1, 5))),
            "fees": rng.choice((Decimal(0), Decimal(rng.randint(1, 500)) / 100)),
        }
    else:
        items = {"previous": rng.randint(0, 30), "change": rng.randint(-2, 3), "decisions": rng.randint(0, 200)}
        active = {
            "rules": {"made": 0, "published": 0, "total": 0},
            "normative": {"made": rng.randint(0, 3), "published": rng.randint(0, 3), "total": rng.randint(2, 20)},
            "licensing": items, "other_services": dict(items), "punishment": dict(items), "coercion": dict(items),
            "fees": {"previous": rng.randint(0, 5), "change": 0},
            "procurement": {"projects": rng.randint(0, 5), "amount": Decimal(rng.randint(0, 9999)) / 100},
        }
    data = {
        "format": fmt,
        "year": year,
        "agency": agency,
        "kind": "government",
        "date": dt.date(year + 1, 1, rng.randint(10, 31)),
        "text": {
            "overview": overview,
            "problems": _aspect(rng, _PROBLEMS, 300),
            "other": "本年度未收取政府信息公开信息处理费。人大代表建议和政协提案办理结果均已按要求公开。",
        },
        "active": active,
        "applications": applications,
        "reviews": reviews,
    }
    if fmt == "2021":
        data["fee_notices"] = {"sent": 0, "amount_sent": 0, "collected": 0}
    return data


def townships(count: int, seed: int = 1, year: int = 2025) -> list[tuple[str, str]]:
    """`count` units as (stem, YAML text); the same seed gives the same units."""
    rng = random.Random(seed)
    width = max(4, len(str(count)))
    return [
        (
            f"unit-{number:0{width}d}",
            dump_input(township(rng, year), [f"合成的测试单位（seed {seed}，第 {number} 个）"]),
        )
        for number in range(1, count + 1)
    ]


def write_townships(folder: Path, count: int, seed: int = 1, year: int = 2025) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, text in townships(count, seed, year):
        path = folder / f"{stem}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
