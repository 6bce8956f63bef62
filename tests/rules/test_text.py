"""Text rules: lexicon findings, spelling findings, commercial-media referrals, check-text."""

import json

from click.testing import CliRunner

from govinspect.cli import main
from govinspect.core.types import Confidence
from govinspect.rules.base import all_rules
from govinspect.rules.text import (
    REVIEW,
    check_commercial_referral,
    check_lexicon,
    check_spelling,
    check_text,
)

ARTICLE = ("2024年3月5日，县政府召开常务会议，传达学习习近平新时期中国特色社会主义思想，"
           "研究部署安全生产工作。会议要求县工商行政管理局加强市场监管。")


def test_text_rules_are_registered_with_docs():
    ids = {r.id for r in all_rules()}
    assert {"GI-T001", "GI-T002", "GI-I001", "GI-P001", "GI-S001", "GI-S002"} <= ids


def test_severe_term_feeds_w_v1_and_waits_for_review():
    findings = check_lexicon(ARTICLE, url="http://www.xx.gov.cn/a.html", subject="3411000001")
    severe = [f for f in findings if f.indicator_id == "W-V1"]
    assert len(severe) == 1
    f = severe[0]
    assert f.confidence == Confidence.SUSPECTED and f.item == "serious_error"
    span = f.evidence.context[f.evidence.span.start:f.evidence.span.end]
    assert span == "习近平新时期中国特色社会主义思想"
    assert f.details["suggestion"] == "习近平新时代中国特色社会主义思想"
    assert ARTICLE[f.details["start"]:f.details["end"]] == span


def test_ordinary_term_is_a_review_item():
    [f] = [f for f in check_lexicon(ARTICLE) if f.indicator_id == REVIEW]
    assert f.details["text"] == "工商行政管理局" and f.details["category"] == "机构名称"


def test_clean_policy_text_has_no_lexicon_findings():
    text = ("为深入贯彻落实党中央、国务院决策部署，根据《中华人民共和国民法典》和"
            "国家市场监督管理总局有关规定，结合我市实际，制定本办法。浙公网安备33010002000001号")
    assert check_lexicon(text) == []
    assert check_spelling(text) == []


def test_spelling_finding_is_suspected_with_suggestion():
    text = "健全依法刑政制度体系，加快推进政府治理规范化程序化法治化"  # real odw.train sentence
    [f] = check_spelling(text)
    assert f.rule_id == "GI-T002" and f.confidence == Confidence.SUSPECTED
    assert f.details["text"] == "刑" and f.details["suggestion"] == "行"


def test_commercial_referral_in_reply():
    reply = "网友您好！关于稳岗补贴的具体政策，请您自行百度搜索查看。感谢您的留言。"
    [f] = check_commercial_referral(reply)
    assert f.indicator_id == "W-D19" and "百度" in f.details["text"]


def test_proper_reply_is_not_a_referral():
    reply = ("网友您好！稳岗补贴政策详见本网站“政策文件”栏目《关于做好稳岗返还工作的通知》，"
             "也可拨打12345热线咨询。今年我局在百度地图上标注了办事大厅位置。")
    assert check_commercial_referral(reply) == []


def test_check_text_orders_all_findings():
    text = ARTICLE + "申请人身份证号341102199001011237。"
    findings = check_text(text)
    starts = [f.details["start"] for f in findings]
    assert starts == sorted(starts)
    assert {"GI-T001", "GI-P001"} <= {f.rule_id for f in findings}


def test_check_text_cli_plain_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["check-text", str(path), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    for item in items:
        assert {"rule", "indicator", "category", "start", "end", "text", "suggestion",
                "confidence"} <= set(item)
        assert ARTICLE[item["start"]:item["end"]] == item["text"]
        assert "text_extracted" not in item


def test_check_text_cli_html_offsets_point_into_extracted_text(tmp_path):
    html = ("<html><head><title>通知</title></head><body><div class='content'>"
            f"<p>{ARTICLE}</p></div></body></html>")
    path = tmp_path / "a.html"
    path.write_text(html, encoding="utf-8")
    result = CliRunner().invoke(main, ["check-text", str(path), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert items
    for item in items:
        assert item["text_extracted"][item["start"]:item["end"]] == item["text"]


def test_check_text_cli_missing_file_is_a_chinese_error(tmp_path):
    result = CliRunner().invoke(main, ["check-text", str(tmp_path / "none.txt")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "无法读取" in result.output


def test_check_text_cli_bad_lexicon_is_a_chinese_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("terms: [[甲, 乙]]\n", encoding="utf-8")
    path = tmp_path / "a.txt"
    path.write_text("甲", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-text", str(path), "--lexicon-dir", str(tmp_path)])
    assert result.exit_code != 0 and "category" in result.output


# --- institution names by date (issue 15) ----------------------------------------------------

def _institutions(text, **kw):
    from govinspect.rules.text import check_lexicon

    return [f.details["text"] for f in check_lexicon(text, **kw) if f.details["category"] == "机构名称"]


def test_institution_name_is_judged_by_the_page_date():
    import datetime as dt

    text = "会议由县农业部门主持，农业部有关负责同志出席并讲话。"
    assert _institutions(text, as_of=dt.date(2016, 5, 3)) == []  # right in 2016
    assert _institutions(text, as_of=dt.date(2024, 5, 3)) == ["农业部"]
    assert _institutions(text) == ["农业部"]  # no date given: judged by every reform
    assert _institutions(text, as_of=None) == []  # date unknown: not judged


def test_local_names_follow_the_later_local_deadline():
    import datetime as dt

    text = "县环保局对辖区企业开展执法检查。"
    assert _institutions(text, as_of=dt.date(2018, 12, 1)) == []  # local reform still under way
    assert _institutions(text, as_of=dt.date(2020, 1, 1)) == ["环保局"]


def test_names_of_past_acts_and_past_events_are_not_errors():
    import datetime as dt

    today = dt.date(2025, 6, 1)
    assert _institutions("根据《国土资源部关于加强城市地质工作的指导意见》要求，开展调查。",
                         as_of=today) == []
    assert _institutions("依照农业部令2017年第8号执行。", as_of=today) == []
    assert _institutions("董寿平美术馆，1990年10月落成剪彩，文化部艺术局代表出席。", as_of=today) == []
    assert _institutions("印尼农业部长最近披露，将兴修水利。", as_of=today) == []
    assert _institutions("自然资源部对外保留国家海洋局牌子。", as_of=today) == []
    # the same name in a present-day sentence is still reported
    assert _institutions("近日，国土资源部印发通知，部署年度工作。", as_of=today) == ["国土资源部"]


def test_every_dated_name_is_a_lexicon_term():
    from govinspect.lexicons.engine import default_lexicon
    from govinspect.rules.text import reform_dates

    names = {t.wrong for t in default_lexicon().terms if t.category == "机构名称"}
    assert set(reform_dates()) <= names
