"""check-text caps the statistical 错别字 pass per file and says so; the other checks still see
the whole text."""

from __future__ import annotations

from govinspect.cli.check_text import run_check_text


def test_spelling_pass_is_capped_with_a_note():
    typo = "将天然气产供储销体系重大工程建射纳入相关专项督查。"
    lexicon_hit = "会议对下阶段工作作出布署。"
    text = (typo + "\n") * 3 + "。" * 400 + typo + lexicon_hit
    notes: list[str] = []
    found, _ = run_check_text(text.encode(), notes=notes, spelling_max_chars=200)
    spelling = [f for f in found if f["rule"] == "GI-T002"]
    assert spelling and all(f["start"] < 200 for f in spelling)
    assert len(spelling) == 3  # the fourth typo is past the cap
    assert any(f["rule"] == "GI-T001" and f["start"] > 200 for f in found)  # lexicon: all text
    assert notes and "只检查了前 200 字" in notes[0]


def test_no_note_under_the_cap():
    notes: list[str] = []
    run_check_text("将天然气产供储销体系重大工程建射纳入相关专项督查。".encode(), notes=notes)
    assert notes == []
