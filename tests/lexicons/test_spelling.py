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
