"""Part 六 and the 信息处理费 (2021 format): the rules and the standard sentence in the rendered report."""

from __future__ import annotations

import pytest

from builders import base_report, dump
from generator.checks import check
from generator.pipeline import document_for, pack_for, render_document
from generator.readers.yaml import load_string
from readback import docx_document, html_text, squash

FEE_RULES = ("FEE-",)


def _fees(data: dict):
    loaded = load_string(dump(data), file="fees.yaml")
    assert loaded.report is not None, [f.format() for f in loaded.findings]
    return loaded, [f for f in check(loaded) if f.rule.startswith(FEE_RULES)]


def _unpaid(data: dict, count: int) -> None:
    data["applications"] = {"new": [count, 0, 0, 0, 0, 0], "other": {"unpaid_fee": [count, 0, 0, 0, 0, 0]}}


def test_unpaid_without_a_notice_is_an_error():
    data = base_report("2021")
    _unpaid(data, 2)
    _loaded, findings = _fees(data)
    (error,) = findings
    assert error.rule == "FEE-UNPAID" and error.is_error and "总计为 2" in error.message
    assert error.part == "六、其他需要报告的事项"
    data["fee_notices"] = {"sent": 2, "amount_sent": 200, "collected": 0}
    assert _fees(data)[1] == []


def test_collected_more_than_notified_is_an_error():
    data = base_report("2021")
    data["fee_notices"] = {"sent": 1, "amount_sent": 100, "collected": 150.5}
    loaded, findings = _fees(data)
    (error,) = [f for f in findings if f.is_error]
    assert [f.rule for f in findings if not f.is_error] == ["FEE-TEXT"]  # base text says 未收取信息处理费
    assert error.rule == "FEE-COLLECTED" and "150.5" in error.message and "100" in error.message
    assert error.line == next(n for n, s in enumerate(dump(data).splitlines(), 1) if s.startswith("fee_notices:"))


def test_amount_without_notice_is_a_warning():
    data = base_report("2021")
    data["fee_notices"] = {"sent": 0, "amount_sent": 300, "collected": 0}
    (warning,) = _fees(data)[1]
    assert warning.rule == "FEE-NOTICE-AMOUNT" and not warning.is_error


@pytest.mark.parametrize(
    "other, fees, warns",
    [
        ("本年度未发出信息处理费收费通知。", {"sent": 2, "amount_sent": 200, "collected": 200}, True),
        ("本年度本部门未收取政府信息公开信息处理费。", {"sent": 2, "amount_sent": 200, "collected": 200}, True),
        ("本年度本部门未收取政府信息公开信息处理费。", {"sent": 0, "amount_sent": 0, "collected": 0}, False),
        ("本年度发出收费通知2件，收取信息处理费200元。", {"sent": 2, "amount_sent": 200, "collected": 200}, False),
    ],
)
def test_part6_text_agrees_with_the_fee_figures(other, fees, warns):
    data = base_report("2021")
    data["text"]["other"] = other
    data["fee_notices"] = fees
    assert [f.rule for f in _fees(data)[1]] == (["FEE-TEXT"] if warns else [])


def test_fee_rules_do_not_apply_to_the_2019_format():
    data = base_report("2019")
    data["applications"] = {"new": [1, 0, 0, 0, 0, 0], "other": [1, 0, 0, 0, 0, 0]}
    assert _fees(data)[1] == []


def _part6(data: dict) -> tuple[str, str]:
    loaded = load_string(dump(data), file="fees.yaml")
    pack = pack_for(loaded.report)
    out = render_document(document_for(loaded.report, pack), pack, ("html", "docx"))
    html = squash(html_text(out["html"]))
    docx = squash("".join(p.text for p in docx_document(out["docx"]).paragraphs))
    return html[html.index("六、其他需要报告的事项"):], docx[docx.index("六、其他需要报告的事项"):]


def test_standard_fee_sentence_is_added_when_part6_lacks_one():
    data = base_report("2021")
    data["text"]["other"] = "本年度人大代表建议和政协提案办理结果均已公开。"
    data["fee_notices"] = {"sent": 3, "amount_sent": 600.5, "collected": 400}
    sentence = "本年度共发出信息处理费收费通知3件，总金额600.5元，实际收取400元。"
    for text in _part6(data):
        assert "人大代表建议和政协提案办理结果均已公开。" + sentence in text
    data["fee_notices"] = {"sent": 0, "amount_sent": 0, "collected": 0}
    for text in _part6(data):
        assert "本年度未发出信息处理费收费通知，未收取信息处理费。" in text


def test_no_sentence_added_when_part6_states_the_fee():
    data = base_report("2021")
    data["text"]["other"] = "本年度本部门未收取政府信息公开信息处理费。"
    for text in _part6(data):
        assert "收费通知" not in text and text.count("信息处理费") == 1


def test_a_pack_may_reword_the_fee_sentence(tmp_path):
    from generator.packs import PackError, pack_named

    (tmp_path / "pack.yaml").write_text(
        'settings:\n  fee_sentence: "本年度发出收费通知{{ sent }}件，收取{{ collected }}元。"\n', encoding="utf-8"
    )
    data = base_report("2021")
    data["text"]["other"] = "无其他需要报告的事项。"
    data["fee_notices"] = {"sent": 1, "amount_sent": 100, "collected": 100}
    loaded = load_string(dump(data), file="fees.yaml")
    pack = pack_named(None, tmp_path)
    html = squash(html_text(render_document(document_for(loaded.report, pack), pack, ("html",))["html"]))
    assert "无其他需要报告的事项。本年度发出收费通知1件，收取100元。" in html
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pack.yaml").write_text('settings:\n  fee_sentence: "{{ fee }}"\n', encoding="utf-8")
    with pytest.raises(PackError, match="fee_sentence"):
        pack_named(None, bad)
