"""文号 parser and normaliser on real variants."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from govinspect.extract.docnumber import parse

CASES = yaml.safe_load(resources.files("govinspect.extract").joinpath(
    "data", "docnumber_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["raw"] for c in CASES])
def test_variants_normalise(case):
    parsed = parse(case["raw"])
    assert parsed is not None
    assert parsed.normalized == case["norm"]
    assert bool(parsed.problems) == case["bad"]


def test_problems_name_the_fault():
    assert any("六角括号" in p for p in parse("闽价费[2008]472号").problems)
    assert any("空格" in p for p in parse("豫政 〔2023〕27号").problems)
    assert any("不可见" in p for p in parse("国办发\u200b〔2015〕15号").problems)
    assert any("第" in p for p in parse("国办发〔2015〕第15号").problems)


def test_fields():
    doc = parse("河南省人民政府令第127号")
    assert (doc.issuer, doc.year, doc.serial, doc.kind) == ("河南省人民政府令", None, 127, "ling")
    doc = parse("岚政综〔2023〕26号")
    assert (doc.issuer, doc.year, doc.serial) == ("岚政综", 2023, 26)


@pytest.mark.parametrize("text", ["", "2023年7月27日", "GB17761—1999", "第三条", "电话 0591-123号"])
def test_not_a_doc_number(text):
    assert parse(text) is None
