"""The lexicon engine: data-file parsing, matching, exceptions, context and whitelists."""

from pathlib import Path

import pytest

from govinspect.lexicons.engine import (
    LexiconError,
    load_file,
    load_lexicon,
    normalise,
    parse_lexicon,
)


def test_normalise_keeps_length_and_folds_width():
    text = "ＩＣＰ备案　ＡＢＣ１２３"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "icp备案 abc123"


def test_shipped_lists_load_with_every_required_category():
    lex = load_lexicon()
    cats = {t.category for t in lex.terms}
    for required in ("国家领导人", "机构名称", "会议名称", "行政区划", "政治表述", "法律法规",
                     "常见错别字", "敏感词"):
        assert required in cats
    assert "公网安备" in lex.whitelist


def test_renamed_institution_found_with_offsets_and_fix():
    lex = load_lexicon()
    text = "近日，国家工商行政管理总局发布通知。"
    [m] = lex.find(text)
    assert text[m.start:m.end] == "国家工商行政管理总局"
    assert m.term.right == "国家市场监督管理总局"


def test_historical_mention_with_yuan_prefix_is_not_reported():
    lex = load_lexicon()
    assert lex.find("由原国家工商行政管理总局、原国家质检总局职责整合组建。") == []
    assert lex.find("会议由原国家环保局牵头。") == []


def test_exception_string_suppresses_the_short_form():
    lex = load_lexicon()
    assert lex.find("深入学习贯彻习近平新时代中国特色社会主义思想。") == []
    [m] = lex.find("深入学习贯彻新时代中国特色社会主义思想。")
    assert m.term.category == "政治表述" and m.term.severity == "严重"


def test_unless_near_skips_crackdown_news_but_not_spam():
    lex = load_lexicon()
    assert lex.find("公安机关严厉打击六合彩等违法犯罪活动。") == []
    [m] = lex.find("最新六合彩开奖结果，稳赚不赔。")
    assert m.term.category == "敏感词"


def test_longest_match_wins_over_contained_term():
    lex = load_lexicon()
    [m] = lex.find("中国银行保险监督管理委员会印发通知")
    assert m.term.wrong == "中国银行保险监督管理委员会"


def test_office_list_and_whitelist_without_code(tmp_path: Path):
    (tmp_path / "local.yaml").write_text(
        "category: 本地领导\ndefaults: {severity: 严重}\n"
        "terms:\n  - [张三丰市长, 张三峰市长]\nwhitelist: [张三丰市长故居]\n",
        encoding="utf-8")
    lex = load_lexicon([tmp_path])
    [m] = lex.find("张三丰市长调研。")
    assert m.term.category == "本地领导" and m.term.severity == "严重"
    assert lex.find("参观张三丰市长故居。") == []


@pytest.mark.parametrize("data, fragment", [
    ([1, 2], "顶层"),
    ({"terms": [["甲", "乙"]]}, "category"),
    ({"category": "x", "terms": [{"right": "乙"}]}, "wrong"),
    ({"category": "x", "terms": [{"wrong": "甲", "severity": "很严重"}]}, "严重程度"),
    ({"category": "x", "terms": [{"wrong": "甲", "colour": 1}]}, "未知字段"),
])
def test_malformed_lists_name_file_and_entry(data, fragment):
    with pytest.raises(LexiconError) as exc:
        parse_lexicon(data, "local.yaml")
    assert fragment in str(exc.value) and "local.yaml" in str(exc.value)


def test_unreadable_yaml_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("category: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="无法读取"):
        load_file(bad)
