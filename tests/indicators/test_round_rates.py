"""Rates with two decimals and the change against the previous round."""

from decimal import Decimal

import pytest

from govinspect.core.rates import change_phrase, rate


@pytest.mark.parametrize("count, total, text", [
    (50, 53, "94.34"), (228, 229, "99.56"), (31, 53, "58.49"), (35, 53, "66.04"),
    (13, 53, "24.53"), (1, 8, "12.50")])
def test_rate_rounds_half_up_to_two_decimals(count, total, text):
    assert str(rate(count, total)) == text


def test_rate_of_nothing_is_none():
    assert rate(0, 0) is None


def test_change_phrases():
    assert change_phrase(Decimal("66.04"), "64.20") == "较上个季度提高1.84个百分点"
    assert change_phrase(Decimal("24.53"), "24.53") == "与上个季度持平"
    assert change_phrase(Decimal("60.00"), 62.5) == "较上个季度下降2.50个百分点"
    assert change_phrase(Decimal("60.00"), None) == ""
    assert change_phrase(Decimal("60.00"), "58", "上月") == "较上月提高2.00个百分点"
