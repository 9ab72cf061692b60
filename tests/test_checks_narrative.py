"""Narrative = tables (TEXT-FIGURE, TEXT-PERCENT) on the seeds' real narratives and on look-alike sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import base_report, dump
from generator.checks import check
from generator.checks.narrative import claims
from generator.packs.filling import narrative
from generator.readers.yaml import load, load_string

ROOT = Path(__file__).resolve().parent.parent
LUZHOU = ROOT / "inputs" / "luzhou-2020.yaml"
NARRATIVE_RULES = {"TEXT-FIGURE", "TEXT-PERCENT"}


def _findings(text: str, rules=NARRATIVE_RULES, name: str = "报告.yaml"):
    loaded = load_string(text, file=name)
    assert loaded.report is not None, [f.format() for f in loaded.findings]
    return [f for f in check(loaded) if f.rule in rules]


def _report(overview: str, fmt: str = "2021", **rows) -> str:
    data = base_report(fmt)
    data["text"]["overview"] = overview
    applications = {}
    for key, total in rows.items():
        if key in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
            data.setdefault("reviews", {})[key] = total
        elif "." in key:
            group, sub = key.split(".")
            applications.setdefault(group, {})[sub] = [total, 0, 0, 0, 0, 0]
        else:
            applications[key] = [total, 0, 0, 0, 0, 0]
    data["applications"] = applications
    return dump(data)


def _luzhou(old: str, new: str) -> str:
    text = LUZHOU.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --- the seeds ----------------------------------------------------------------------------------------------------
def test_luzhou_true_figures_are_all_read_and_all_match():
    loaded = load(LUZHOU)
    read = [
        ("+".join(c.rows) or c.metric.key, c.value, c.percent and str(c.percent), c.kept)
        for item in narrative(loaded.report, loaded.source)
        for c in claims(item.text, "2019")
    ]
    assert read == [
        ("intake", 398, None, None),
        ("carried_over", 18, None, None),
        ("total", 376, None, None),
        ("carried_forward", 22, None, None),
        ("disclosed", 126, "33.5", None),
        ("partly_disclosed", 27, "7.2", None),
        ("withheld", 24, "6.4", None),
        ("withheld.state_secret", 1, None, None),  # a sentence naming a sub-row is compared to that row
        ("withheld.third_party", 6, None, None),
        ("withheld.internal_affairs", 6, None, None),
        ("withheld.enforcement_files", 1, None, None),
        ("withheld.query_matters", 10, None, None),
        ("unavailable", 182, "48.4", None),
        ("unavailable.not_held", 163, None, None),
        ("unavailable.needs_creation", 15, None, None),
        ("unavailable.unclear", 4, None, None),
        ("not_processed.petition+not_processed.duplicate", 5, None, None),  # 信访举报投诉类、重复申请不予处理5件
        ("other", 12, "3.2", None),
        ("reconsideration", 46, None, 9),
        ("litigation", 27, None, 17),
    ]
    assert [f for f in check(loaded) if f.rule in NARRATIVE_RULES] == []


def test_every_seed_narrative_agrees_with_its_tables(input_path):
    # The seeds' narratives were checked figure by figure: none of them disagrees with its own tables.
    loaded = load(input_path)
    assert [f.format() for f in check(loaded) if f.rule in NARRATIVE_RULES] == []


def test_xilinhot_and_elunchun_figures_are_read():
    for name, expected in (
        ("xilinhot-2021", [("intake", 8), ("total", 8), ("carried_forward", 0)]),
        ("elunchun-2020", [("intake", 0), ("total", 0)]),
    ):
        loaded = load(ROOT / "inputs" / f"{name}.yaml")
        read = [(c.metric.key, c.value) for i in narrative(loaded.report) for c in claims(i.text, loaded.report.format)]
        assert read == expected, name


def test_a_changed_figure_in_luzhou_is_found_with_sentence_figure_and_table_value():
    text = _luzhou("予以公开126件、占33.5%", "予以公开128件、占33.5%")
    (finding,) = _findings(text, {"TEXT-FIGURE"}, "luzhou.yaml")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "予以公开128件" in s)
    assert finding.line == line and finding.severity.value == "warning"
    assert (
        "予以公开128件、占33.5%" in finding.message
        and "128" in finding.message
        and "（一）予以公开 126" in finding.message
    )
    assert finding.part == "一、总体情况" and finding.key == "text.overview"


def test_a_wrong_percentage_in_luzhou_is_found():
    (finding,) = _findings(_luzhou("无法提供182件、占48.4%", "无法提供182件、占58.4%"), {"TEXT-PERCENT"})
    assert "58.4%" in finding.message and "48.4%" in finding.message


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("受理政府信息公开申请398 件", "受理政府信息公开申请390 件", ("390", "一、本年新收 380", "398")),
        ("其余22件转下年度", "其余20件转下年度", ("20", "22")),
        ("行政复议申请46件", "行政复议申请45件", ("45", "行政复议总计 46")),
        ("其中维持具体行政行为17件", "其中维持具体行政行为7件", ("维持 7", "结果维持为 17")),
        ("答复政府信息公开申请376件", "答复政府信息公开申请367件", ("367", "376")),
    ],
)
def test_other_changed_luzhou_figures_are_found(old, new, words):
    (finding,) = _findings(_luzhou(old, new), {"TEXT-FIGURE"})
    for word in words:
        assert word in finding.message, (word, finding.message)


# --- 收到 N 件: 新收 or 新收 + 上年结转 -----------------------------------------------------------------------------
@pytest.mark.parametrize("stated, warns", [("10", False), ("12", False), ("11", True), ("十二", False), ("十", False)])
def test_received_may_mean_new_or_new_plus_carried(stated, warns):
    text = _report(
        f"本年度共收到政府信息公开申请{stated}件，均已按时答复。",
        new=10, carried_over=2, disclosed=12,
    )
    assert bool(_findings(text)) is warns


# --- Chinese numerals and percentages -----------------------------------------------------------------------------
def test_chinese_numerals_match_the_tables():
    text = _report(
        "本年度新收政府信息公开申请一百零三件，上年结转两件，办结一百零五件。其中予以公开八十件，部分公开十二件，"
        "不予公开三件，无法提供八件，不予处理两件。",
        new=103, carried_over=2, disclosed=80, partly_disclosed=12, **{"withheld.third_party": 3,
        "unavailable.not_held": 8, "not_processed.duplicate": 2},
    )
    assert _findings(text) == []


def test_a_wrong_chinese_numeral_is_found():
    text = _report("本年度新收政府信息公开申请一百零三件，予以公开八件。", new=103, disclosed=103)
    (finding,) = _findings(text)
    assert "予以公开 8 件" in finding.message and "103" in finding.message


@pytest.mark.parametrize(
    "percent, warns",
    [
        ("33.5%", False),
        ("33.50%", False),
        ("33.52%", True),
        ("34%", False),
        ("33%", False),
        ("35.5%", True),
        ("33.5％", False),
    ],
)
def test_percentages(percent, warns):
    text = _report(
        f"共受理申请200件，予以公开67件、占比{percent}。", new=200, disclosed=67, **{"unavailable.not_held": 133}
    )
    assert [f.rule for f in _findings(text)] == (["TEXT-PERCENT"] if warns else [])


# --- look-alikes: no false alarm ----------------------------------------------------------------------------------
LOOK_ALIKES = [
    "2021年1月5日收到申请后，于2021年1月20日答复。",
    "依申请公开咨询电话：0470-5621203，传真0470-5621204。",
    "根据《条例》第三十三条，行政机关收到申请之日起20个工作日内予以答复；依据第三十六条第三项作出答复。",
    "全年主动公开政府信息1651条，召开新闻发布会6次，发布政策解读9篇。",
    "全盟12345热线共计受理来电来件70457件，共办结68999件，办结率98%。",
    "办理人大代表建议35件、政协提案28件，办结率100%。",
    "受理办件16979件，办件结果对外公布。",
    "收到群众信访举报申请12件，已全部办结12件。",
    "其中，市政府各部门受理申请230件，区县受理申请168件。",
    "全年移交现行文件164份，公开现行有效的行政许可事项清单88项。",
    "印发通知5件，出台工作方案3件。",
    "上年度收到申请同比增长10.2%，予以公开比例提高3个百分点。",
    "做到件件有着落，事事有回音。",
    "依申请公开工作规范有序；全年公开人大代表建议和答复385件、政协提案和答复565件。",
]


@pytest.mark.parametrize("sentence", LOOK_ALIKES)
def test_look_alike_sentences_are_not_figures(sentence):
    text = _report(sentence, new=8, disclosed=8)
    assert _findings(text) == [], sentence


# --- reviews, documents --------------------------------------------------------------------------------------------
def test_reviews_and_litigation():
    base = dict(
        new=0,
        reconsideration=[1, 1, 0, 1],
        litigation_direct=[1, 0, 0, 0],
        litigation_after_reconsideration=[0, 0, 1, 0],
    )
    assert _findings(_report("本年度发生行政复议案件3件，其中维持1件；行政诉讼案件2件。", **base)) == []
    (finding,) = _findings(_report("本年度发生行政复议案件4件；行政诉讼2件。", **base))
    assert "行政复议 4 件" in finding.message and "行政复议总计 3" in finding.message


def test_documents_in_force_and_issued_2021():
    data = base_report("2021")
    data["active"]["rules"] = {"issued": 1, "repealed": 0, "in_force": 5}
    data["active"]["normative"] = {"issued": 4, "repealed": 1, "in_force": 30}
    good = "本年制发规范性文件4件、规章1件；现行有效规范性文件30件，现行有效规章5件。"
    data["text"]["overview"] = good
    assert _findings(dump(data)) == []
    data["text"]["overview"] = "现行有效规范性文件31件。"
    (finding,) = _findings(dump(data))
    assert "现行有效 31 件" in finding.message and "行政规范性文件 30" in finding.message


def test_narrative_is_read_after_placeholders_are_filled():
    text = _report(
        "共受理申请{{ 申请总数 }}件，予以公开{{ 予以公开 }}件、占{{ 予以公开占比 }}。",
        new=9,
        carried_over=1,
        disclosed=3,
        **{"unavailable.not_held": 7},
    )
    assert _findings(text, NARRATIVE_RULES | {"TEXT-PLACEHOLDER"}) == []


# --- a sentence is compared to what it names (issue 14) ----------------------------------------------------------
COMBINED_ROWS = dict(new=81, disclosed=22, partly_disclosed=20, **{"unavailable.not_held": 30,
                                                                    "unavailable.needs_creation": 9})


@pytest.mark.parametrize(
    "sentence, warns",
    [
        ("予以公开及部分公开42件，占51.85%。", []),  # 22 + 20, of 81
        ("予以公开和部分公开42件、占比51.9%。", []),
        ("予以公开及部分公开43件，占51.85%。", ["TEXT-FIGURE"]),
        ("予以公开及部分公开42件，占50.85%。", ["TEXT-PERCENT"]),
        ("予以公开22件，部分公开20件。", []),
        ("因本机关不掌握等原因无法提供39件。", []),  # the whole （四）无法提供 group: 30 + 9
        ("因本机关不掌握等原因无法提供30件。", ["TEXT-FIGURE"]),
        ("其中因本机关不掌握相关政府信息无法提供30件。", []),  # the sub-row 1.本机关不掌握相关政府信息
        ("其中因本机关不掌握相关政府信息无法提供39件。", ["TEXT-FIGURE"]),
        ("无法提供39件，其中30件属本机关不掌握相关政府信息，9件没有现成信息需要另行制作。", []),
        ("无法提供39件，其中31件属本机关不掌握相关政府信息，8件没有现成信息需要另行制作。",
         ["TEXT-FIGURE", "TEXT-FIGURE"]),
        ("本机关不掌握相关政府信息、没有现成信息需要另行制作而无法提供39件。", []),  # two sub-rows: their sum
    ],
)
def test_a_sentence_is_compared_to_what_it_names(sentence, warns):
    text = _report("本年度新收政府信息公开申请81件。" + sentence, **COMBINED_ROWS)
    assert [f.rule for f in _findings(text)] == warns, [f.message for f in _findings(text)]


def test_sub_rows_of_not_processed_named_together_are_summed():
    rows = dict(new=5, **{"not_processed.petition": 3, "not_processed.duplicate": 2})
    assert _findings(_report("信访举报投诉类、重复申请不予处理5件。", **rows)) == []
    (finding,) = _findings(_report("信访举报投诉类、重复申请不予处理6件。", **rows))
    assert "信访举报投诉类申请、重复申请 6 件" in finding.message and "合计 5" in finding.message
    (finding,) = _findings(_report("不予处理5件，其中重复申请3件。", **rows))
    assert "重复申请 3 件" in finding.message and "2.重复申请 2" in finding.message
