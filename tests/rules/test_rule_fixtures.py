"""Every registered rule has fixtures (tests/rules/fixtures/<RULE-ID>/*.yaml): at least one
positive case (it finds something) and one negative case (it finds nothing), each run through
the engine by one parametrised test. A rule added to the registry without fixtures fails here.
See rule_fixtures.py for the format; pages several cases share are kept once in ``_shared/``."""

from __future__ import annotations

import pytest
from rule_fixtures import FIXTURES, MissingRealPage, cases, load_case, run_case, summary

from govinspect.rules.base import all_rules

RULES = [r.id for r in all_rules()]
CASES = [(rule_id, path) for rule_id in RULES for path in cases(rule_id)]


@pytest.mark.parametrize("rule_id", RULES)
def test_every_rule_has_a_positive_and_a_negative_fixture(rule_id):
    loaded = [load_case(p) for p in cases(rule_id)]
    assert loaded, f"{rule_id}: no fixtures in {FIXTURES / rule_id}/"
    assert any(c.get("expect") for c in loaded), f"{rule_id}: no positive fixture"
    assert any(not c.get("expect") for c in loaded), f"{rule_id}: no negative fixture"


def test_every_fixture_folder_names_a_registered_rule():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders <= set(RULES), f"fixtures of unknown rules: {sorted(folders - set(RULES))}"


def _key(d: dict, with_url: bool) -> tuple:
    return (d["rule"], d["indicator"], d["item"], d.get("url") if with_url else None)


@pytest.mark.parametrize(("rule_id", "path"), CASES,
                         ids=[f"{r}/{p.stem}" for r, p in CASES])
def test_fixture(rule_id, path):
    case = load_case(path)
    expect = case.get("expect") or []
    try:
        got = summary(run_case(rule_id, case))
    except MissingRealPage as exc:
        pytest.skip(str(exc))
    with_url = all("url" in e for e in expect)
    assert sorted(_key(d, with_url) for d in got) == sorted(_key(e, with_url) for e in expect), (
        f"{path.relative_to(FIXTURES)}: {case.get('description', '')}")
