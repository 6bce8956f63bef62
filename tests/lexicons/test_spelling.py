"""The statistical 错别字 detector on real sentences."""

import json
from pathlib import Path

import pytest

from govinspect.lexicons.spelling import detect

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_flags_real_odw_error_with_the_right_suggestion():
    # a real odw.train sentence: 建射 → 建设
    text = "将天然气产供储销体系重大工程建射纳入相关专项督查。"
    found = {s.start: s.suggestion for s in detect(text)}
    assert found == {text.index("射"): "设"}


def test_corrected_sentence_is_clean():
    assert detect("将天然气产供储销体系重大工程建设纳入相关专项督查。") == []


@pytest.mark.skipif(not (DATA / "clean-official" / "acc_rmrb.json").exists(),
                    reason="shared data missing")
def test_false_alarms_on_clean_official_sentences_stay_low():
    sentences = json.loads((DATA / "clean-official" / "acc_rmrb.json").read_text("utf-8"))
    sample = [x["original_text"] for x in sentences[:400]]
    flagged = sum(1 for s in sample if detect(s))
    assert flagged / len(sample) <= 0.03


def test_skip_spans_are_left_alone():
    text = "将天然气产供储销体系重大工程建射纳入相关专项督查。"
    assert detect(text, skip=[(0, len(text))]) == []


# --- proper nouns: real place names and people's names are not typos ----------------------

PROPER_NOUNS = [
    # place names with rare characters, followed by their cue (村/镇/乡/片区/路)
    "平潭综合实验区北厝镇组织开展海岸线巡查工作，确保沿海村庄安全。",
    "芦洋乡召开乡村振兴工作推进会，部署下一阶段重点任务。",
    "福清市东瀚镇文关村庠边自然村开展人居环境整治。",
    # people's names right after a title or 岁的 (real acc_rmrb sentences)
    "中国驻奥地利大使刘昌业参加了以上的活动。",
    "2、24岁的徐倩雯是上海市电话局的接线员。",
    "复旦大学伍柏麟教授在《经济学家》上撰文指出。",
    # transliterated names
    "今年31岁的瓦西利克·哈努家住康斯坦察。",
    # people's names after a role (real county and ministry pages)
    "这些作品来自中国各地的39位艺术名家，其中湘潭艺术家曾景祥、王志坚、张绪军等应邀参展。",
    "著名导演焦晓雨希望通过《洪湖英雄传》，再现那段金戈铁马的红色征程。",
    "经过两个多月的激烈角逐，许昌市青年戏曲演员张延杰荣获一等奖。",
    "中华画报社副社长、姜锐和全体采编业务人员参加了会议，并开展了交流讨论。",
    "7月9日下午，市文化和旅游局副局级领导干部庄岩带队到企业进行调研。",
    "书法篆刻家梅舒适、书法家受川宗央等出席了开幕式。",
    "出版了《清季洪洞董氏日记六种》等100多册。",
    # organisations and brands: the name ends a few characters on (公司/护理院/艺术公园/智库/数码)
    "杭州普优教育科技有限公司董事长、杭州佰意教育科技有限公司董事长马莉婷分别作报告。",
    "上海特宇盛源文化传媒有限公司执行董事作闭幕讲话。",
    "全县共有民营医院7家（博视眼科医院、泰康老年护理院、百年颐康老年护理院）。",
    "感受陈文令溪岸艺术公园的艺术气息，品尝地道的安溪茶餐。",
    "王佳，华熠智库专家、中国东方文化研究会美育工作委员会客座教授。",
    "较大项目有：投资10亿元的帛士数码、投资达8亿元的云镜电子商务。",
    "广東老年书画家协会名誉理事。",
    # a 文号's organ abbreviation
    "关于开展2024年高校宣传教育活动的通知\n教思政厅函〔2024〕10号\n各省、自治区、直辖市教育厅。",
    # current terms missing from jieba's 2013 dictionary
    "卫生数据来自县卫健委；城镇就业人员数据来自县人社局。",
    "要从供给端和需求端入手，精准打通产业发展痛点难点堵点。",
    "出台了《白云区化妆品产业提质增效三年行动计划》。",
    "信息经济作为经济发展的新引擎初显成效。",
]

# A passage in traditional script (or a rare character used on purpose, twice) is not a run of
# typos for the simplified form; a lone odd character in simplified text still is.
TRADITIONAL = [
    "作品以傳統筆墨技法為主，在形態、色彩、構圖、筆調上的表現清新可喜，雅俗共賞。",
    "一寸山河一寸血，一抔黄土一抔魂，吾辈应继承先辈遗志。",
]


@pytest.mark.parametrize("text", TRADITIONAL)
def test_traditional_script_passages_are_left_alone(text):
    assert detect(text) == []


def test_a_lone_variant_character_is_still_scored():
    from govinspect.lexicons.spelling import _traditional_passage

    text = "常参予各种艺术活动，获菓家自然科学奖。"
    assert not _traditional_passage(text, text.index("菓"))


def test_real_errors_next_to_names_are_still_found():
    # real pages: 参予 → 参与 (a biography), 溶为一体 → 融为一体
    text = "1979年移居澳门并加入行隐画艺学会，常参予各种艺术活动。"
    assert [s.suggestion for s in detect(text)] == ["与"]
    text = "并与绮丽的晋祠自然风光溶为一体，使千年园林焕发出新的魅力。"
    assert [s.suggestion for s in detect(text)] == ["融"]


@pytest.mark.parametrize("text", PROPER_NOUNS)
def test_proper_nouns_are_left_alone(text):
    assert detect(text) == []


def test_name_awareness_is_what_keeps_them_clean():
    from dataclasses import replace

    from govinspect.lexicons.spelling import DEFAULT_THRESHOLDS

    blind = replace(DEFAULT_THRESHOLDS, name_penalty=0.0)
    assert sum(1 for text in PROPER_NOUNS if detect(text, blind)) >= 15


def test_certain_only_for_very_confident_corrections():
    from govinspect.lexicons.spelling import DEFAULT_THRESHOLDS

    found = detect("将天然气产供储销体系重大工程建射纳入相关专项督查。")
    assert [s.certain for s in found] == [found[0].gain >= DEFAULT_THRESHOLDS.certain_gain]


def test_fuzzy_pinyin_candidates_are_penalised_not_ignored():
    from govinspect.lexicons.spelling import model

    cands = model().candidates("应", 200)  # ying: 因 (yin) only by fuzzy pinyin
    assert cands["因"] == ("音近", True)
    assert cands["英"] == ("音近", False)


# --- linear time --------------------------------------------------------------------------

def _work(text: str) -> tuple[int, float]:
    """(positions scored, CPU seconds) for one detect() call, with cold caches."""
    import time

    from govinspect.lexicons import spelling

    m = spelling.model()
    m._gate_cache.clear()
    calls = 0
    real = spelling._score

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    spelling._score = counting
    try:
        started = time.process_time()
        detect(text)
        return calls, time.process_time() - started
    finally:
        spelling._score = real


def _random_text(n: int, seed: int = 16) -> str:
    """Common characters in random order: almost nothing is a word, the worst case for the
    pass (every position is scored), with sentence punctuation so that runs stay short."""
    import random

    from govinspect.lexicons.spelling import model

    rng = random.Random(seed)
    common = sorted(c for c, f in model().char_freq.items() if 2000 <= f < 200_000)
    out = []
    while len(out) < n:
        out.extend(rng.choice(common) for _ in range(rng.randint(8, 30)))
        out.append("，")
    return "".join(out[:n])


def test_pass_is_linear_in_text_length():
    # 年×N was super-linear (issue 16); random text is the worst case for the scorer.
    for make in (lambda n: "年" * n, _random_text):
        small, large = make(2_000), make(40_000)
        w_small, t_small = _work(small)
        w_large, t_large = _work(large)
        # Work per character is bounded: 20× the text is at most ~20× the positions scored.
        assert w_large <= 20 * w_small * 1.2 + 50
        # CPU time grows no faster than the text (generous factor for a loaded machine).
        assert t_large <= 20 * max(t_small, 0.01) * 3


# --- a pair written the same way in several sentences is meant ----------------------------

def test_a_name_repeated_across_sentences_is_left_alone():
    # a real magazine profile names its subject in almost every sentence (孙启勤 …)
    text = ("正是彩票让本文的主人公孙启勤在短短4年间经历了一场浓缩的人生戏剧。"
            "正在河边洗青菜的孙启勤见到我们，擦擦湿漉漉的手，将我们引进他的办公室。"
            "透过窗外折进的阳光，孙启勤开始向记者讲述自己奖金得而复失的经历。")
    assert detect(text) == []
    # once, the same name is still a suspect (no cue says it is a name)
    assert [s.char for s in detect(text.split("。")[1] + "。")] == ["勤"]


def test_a_typo_pasted_three_times_is_still_a_typo():
    sentence = "将天然气产供储销体系重大工程建射纳入相关专项督查。"
    found = detect(sentence * 3)
    assert [s.suggestion for s in found] == ["设"] * 3
