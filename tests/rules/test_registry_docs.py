from pathlib import Path

from govinspect.rules.base import all_rules
from govinspect.rules.docs import render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_every_registered_rule_has_a_doc_entry_and_the_page_is_current():
    text = DOCS.read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"## {rule.id} " in text, f"{rule.id} missing from docs/rules.md"
    assert text == render(), "docs/rules.md is stale: run python -m govinspect.rules.docs --write"
