"""Indicator sets as data: every row of INDICATORS.md §1–§5, inheritance, office variants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govinspect.core.indicator_sets import IndicatorSetError, load_indicator_set

SECTION_IDS = (
    [f"W-V{i}" for i in range(1, 7)] + [f"W-D{i}" for i in range(1, 30)]
    + [f"W-B{i}" for i in range(1, 11)] + ["NM-V1", "NM-V2", "NM-V3"]
    + [f"NM-D{i}" for i in range(1, 5)])


def _caps(iset, family):
    return sum(Decimal(str(iset.indicators[i]["cap"])) for i in iset.ids(family))


def test_national_has_every_row_with_the_published_totals():
    iset = load_indicator_set("national-2019")
    assert set(SECTION_IDS) <= set(iset.indicators)
    assert _caps(iset, "deduction") == 100  # 31 + 25 + 23 + 21
    assert _caps(iset, "bonus") == 30  # 7 + 6 + 8 + 6 + 3
    groups = {}
    for i in iset.ids("deduction"):
        groups[iset.indicators[i]["group"]] = groups.get(iset.indicators[i]["group"], 0) + \
            Decimal(str(iset.indicators[i]["cap"]))
    assert groups == {"发布解读": 31, "办事服务": 25, "互动交流": 23, "功能设计": 21}
    # the skeleton's W-D22 shape, used by rules/links.py
    assert iset.item_points("W-D22", "homepage") == 0.2
    assert iset.item_points("W-D22", "other") == 0.1
    assert iset.cap("W-D22") == 1
    assert iset.indicators["W-V4"]["items"]["long_stale_column"]["threshold"] == 10
    assert iset.applies_to("W-B1") == ("门户",)
    assert iset.indicators["NM-V2"]["window"] == {"days": 14}


def test_chuzhou_overrides_only_what_differs():
    nat = load_indicator_set("national-2019")
    cz = load_indicator_set("chuzhou-2022")
    assert cz.indicators["NM-V2"]["window"] == {"days": 7}
    assert cz.sentence("NM-V2") == "超过一周未更新"
    assert cz.problem("NM-V2", "stale") == "一周内未更新"
    assert cz.applies("W-B6", "部门") and not nat.applies("W-B6", "部门")
    assert not cz.applies("W-D22", "专项") and nat.applies("W-D22", "专项")
    assert cz.applies("W-V4", "专项")
    assert cz.base_for("部门") == 70 and nat.base_for("部门") == 100
    # inherited unchanged
    assert cz.indicators["W-D13"] == nat.indicators["W-D13"]
    assert cz.document_title == "滁州市政府网站与政务新媒体检查指标"


def test_office_writes_its_own_variant_without_code(tmp_path):
    (tmp_path / "myoffice-2023.yaml").write_text(
        "id: myoffice-2023\ninherits: chuzhou-2022\n"
        "scoring: {bonus_total: 20}\n"
        "indicators:\n  W-D22: {items: {homepage: {points: 0.5}}}\n", encoding="utf-8")
    iset = load_indicator_set("myoffice-2023", search=(tmp_path,))
    assert iset.item_points("W-D22", "homepage") == 0.5
    assert iset.item_points("W-D22", "other") == 0.1  # from national
    assert iset.scoring["bonus_total"] == 20
    assert iset.indicators["NM-V2"]["window"] == {"days": 7}  # from chuzhou


@pytest.mark.parametrize("body, words", [
    ("indicators:\n  W-X1: {family: penalty}\n", ["W-X1", "family"]),
    ("indicators:\n  W-X1: {family: deduction, items: {a: {points: 1}}}\n", ["W-X1", "cap"]),
    ("indicators:\n  W-X1: {family: deduction, cap: 2, items: {a: {points: abc}}}\n",
     ["W-X1", "points"]),
    ("families: {bonus: {applies_to: [门户, 县区]}}\n", ["县区"]),
    ("inherits: loop-b\n", ["循环"]),
    ("indicators: [\n", ["YAML"]),
])
def test_bad_variant_is_a_clear_chinese_error(tmp_path, body, words):
    (tmp_path / "loop-b.yaml").write_text("inherits: bad\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("id: bad\n" + body, encoding="utf-8")
    with pytest.raises(IndicatorSetError) as exc:
        load_indicator_set("bad", search=(tmp_path,))
    for word in words:
        assert word in str(exc.value)


def test_unknown_set_names_where_it_looked(tmp_path):
    with pytest.raises(IndicatorSetError, match="找不到指标体系 nope"):
        load_indicator_set("nope", search=(tmp_path,))
