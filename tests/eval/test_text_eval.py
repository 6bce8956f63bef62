"""The statistical 错别字 detector meets issue 15's targets on fixed held-out data (not a
wall-clock test): sentence-level detection F1 on the held-out 30 % of odw.train, and the share
of clean 人民日报 sentences flagged on the held-out half of acc_rmrb."""

from __future__ import annotations

import pytest

from govinspect.eval import text as text_eval

pytestmark = pytest.mark.skipif(not (text_eval.ODW.is_file() and text_eval.RMRB.is_file()),
                                reason="../shared/data (ECSpell odw, acc_rmrb) is not present")


def test_scoring_follows_both_conventions():
    rows = [("建射工程", "建设工程"), ("一切正常", "一切正常"), ("甲乙丙丁", "甲乙丙丁"),
            ("大数局和云", "大数据和云")]
    # flagged: the right position; a clean sentence; nothing; a wrong position
    preds = [{1: "设"}, {0: "x"}, {}, {0: "y"}]
    res = text_eval.score_spelling(rows, preds)
    assert res["sent"][:2] == (2 / 3, 1.0)  # lenient: any flag on an error sentence
    assert res["ecspell"][:2] == (1 / 3, 1 / 2)  # exact positions; flagged sentences count
    assert res["char_det"][:2] == (1 / 3, 1 / 2)


def test_held_out_f1_and_false_alarms_meet_the_targets():
    odw, rmrb = text_eval.splits()
    from govinspect.lexicons.spelling import detect

    held_out = odw["test"]
    preds = [{s.start: s.suggestion for s in detect(src)} for src, _ in held_out]
    f1 = text_eval.score_spelling(held_out, preds)["sent"][2]
    assert f1 >= text_eval.TARGET_F1
    clean = rmrb["test"]
    flagged = sum(1 for sentence in clean if detect(sentence))
    assert flagged / len(clean) <= text_eval.TARGET_FALSE_ALARMS


def test_confusion_pairs_come_from_the_tuning_split_only():
    from govinspect.lexicons.spelling import DATA_DIR

    odw, _ = text_eval.splits()
    shipped = {tuple(line.split()[:2]) for line in
               (DATA_DIR / "confusions.txt").read_text("utf-8").splitlines()
               if line and not line.startswith("#")}
    assert shipped == set(text_eval.learned_pairs(odw["tune"]))
