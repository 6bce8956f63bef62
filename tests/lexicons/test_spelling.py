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
]


@pytest.mark.parametrize("text", PROPER_NOUNS)
def test_proper_nouns_are_left_alone(text):
    assert detect(text) == []


def test_name_awareness_is_what_keeps_them_clean():
    from dataclasses import replace

    from govinspect.lexicons.spelling import DEFAULT_THRESHOLDS

    blind = replace(DEFAULT_THRESHOLDS, name_penalty=0.0)
    assert sum(1 for text in PROPER_NOUNS if detect(text, blind)) >= 5


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
