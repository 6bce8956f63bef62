"""An office's local leaders roster (``leaders:``): misspelled names and wrong titles."""

import pytest

from govinspect.core.types import Confidence
from govinspect.lexicons.engine import LexiconError, load_lexicon, parse_lexicon
from govinspect.lexicons.roster import name_variants
from govinspect.rules.text import check_lexicon

ROSTER = """\
category: 本地领导
leaders:
  - {name: 方建杰, title: 局长, unit: 示例市教育体育局}
  - {name: 梁建林, title: [市委副书记, 市长], unit: 示例市人民政府}
  - {name: 周国华, title: 常务副市长, unit: 示例市人民政府}
  - {name: 王强, title: 副市长, unit: 示例市人民政府}
  - {name: 方建洁, title: 副主任, unit: 示例市发展和改革委员会}
"""


@pytest.fixture(scope="module")
def lex(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lexicons")
    (folder / "local-leaders.yaml").write_text(ROSTER, encoding="utf-8")
    return load_lexicon([folder])


def hits(lex, text):
    return [(text[m.start:m.end], m.term.right) for m in lex.find(text)]


def test_misspelled_local_leader_name_is_a_serious_error(lex):
    text = "6月12日，市教育体育局局长方建结出席全市教育工作会议并讲话。"
    [f] = check_lexicon(text, lexicon=lex)
    assert f.details["text"] == "方建结" and f.details["suggestion"] == "方建杰"
    assert (f.indicator_id, f.item, f.confidence) == ("W-V1", "serious_error",
                                                      Confidence.SUSPECTED)
    assert "本地领导" in f.message


def test_same_sound_and_look_alike_variants_of_three_character_names(lex):
    assert hits(lex, "周国桦同志带队调研安全生产工作。") == [("周国桦", "周国华")]
    # 建 → 健 in a sentence without any title nearby: three characters are enough
    assert hits(lex, "会后，梁健林深入企业一线走访。") == [("梁健林", "梁建林")]


def test_a_variant_that_is_another_listed_leader_is_never_reported(lex):
    # 方建洁 is a listed 副主任, not a misspelled 方建杰
    assert hits(lex, "市发展改革委副主任方建洁主持召开座谈会。") == []


def test_variants_that_read_as_ordinary_text_are_not_generated():
    assert "梁建立" not in {v.wrong for v in name_variants("梁建林")}  # 桥梁建立
    assert "王建设" not in {v.wrong for v in name_variants("王建国")}  # 加快王…建设


def test_ordinary_sentences_around_the_names_are_clean(lex):
    for text in ("要加快推进桥梁建立长效管护机制，确保群众出行安全。",
                 "市长梁建林主持召开市政府常务会议。",
                 "市委副书记、市长梁建林出席活动。",
                 "常务副市长周国华、副市长王强参加调研。",
                 "示例市教育体育局局长方建杰一行到学校检查校园安全。",
                 "副市长周国华在会上作工作部署。",  # a 常务副市长 is a 副市长
                 "时任副市长梁建林参加了2018年的开工仪式。",  # historical mention
                 "我们要增强王强的责任意识。"):  # no title, a listed name: nothing to say
        assert hits(lex, text) == [], text


def test_two_character_names_need_a_title_or_tongzhi(lex):
    assert hits(lex, "副市长王墙同志指出，要压实责任。") == [("王墙", "王强")]
    assert hits(lex, "文件由王墙起草。") == []


def test_wrong_title_before_a_listed_name(lex):
    text = "常务副市长梁建林带队深入企业，实地督导复工复产工作开展情况。"
    [f] = check_lexicon(text, lexicon=lex)
    assert f.details["text"] == "常务副市长梁建林"
    assert f.details["suggestion"] == "市委副书记梁建林"
    assert (f.indicator_id, f.item) == ("W-V1", "serious_error")
    assert hits(lex, "副局长方建杰主持召开全系统安全生产工作会议。") == [
        ("副局长方建杰", "局长方建杰")]
    # a 常务副市长 called 市长, a 副市长 called 市长 (dropping 副 is a promotion)
    assert hits(lex, "市长周国华参加会议。") == [("市长周国华", "常务副市长周国华")]
    assert hits(lex, "市长王强指出。") == [("市长王强", "副市长王强")]


def test_roster_names_are_whitelisted_for_the_statistical_detector(lex):
    assert "方建杰" in lex.whitelist and "王强" in lex.whitelist


def test_generation_is_deterministic():
    a = parse_lexicon({"leaders": [{"name": "方建杰", "title": "局长"}]}, "a")
    b = parse_lexicon({"leaders": [{"name": "方建杰", "title": "局长"}]}, "b")
    assert [(t.wrong, t.right, t.requires_near) for t in a.terms] == [
        (t.wrong, t.right, t.requires_near) for t in b.terms]
    assert a.terms[0].category == "本地领导"


@pytest.mark.parametrize(("data", "message"), [
    ({"leaders": "方建杰"}, "leaders 应为列表"),
    ({"leaders": [{"name": "方建杰"}]}, "第1位领导：职务"),
    ({"leaders": [{"name": "F", "title": "局长"}]}, "姓名"),
    ({"leaders": [{"name": "方建杰", "title": "局长", "phone": "1"}]}, "未知字段 phone"),
])
def test_malformed_rosters_are_named_in_chinese(data, message):
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(data, "local.yaml")
