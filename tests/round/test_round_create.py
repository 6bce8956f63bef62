"""`round create --site` names the codes the roster does not have."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from govinspect.cli import main

pytestmark = pytest.mark.django_db


def test_unknown_site_codes_are_named():
    from govinspect.web.roster.models import Site, Unit
    from govinspect.web.rounds.models import Round

    unit = Unit.objects.create(name="示例市第一局", region="市直", level="市直")
    Site.objects.create(code="3400000001", name="示例1局网站", kind="部门",
                        homepage="http://www.a.gov.test/", unit=unit)
    result = CliRunner().invoke(main, ["round", "create", "R9", "--t", "2022-06-30T17:00",
                                       "--site", "3400000001", "--site", "3499999999",
                                       "--site", "3400000000"])
    assert result.exit_code != 0
    assert "名录中没有这些网站标识码：3400000000、3499999999" in result.output
    assert not Round.objects.filter(name="R9").exists()

    ok = CliRunner().invoke(main, ["round", "create", "R9", "--t", "2022-06-30T17:00",
                                   "--site", "3400000001"])
    assert ok.exit_code == 0, ok.output
    assert list(Round.objects.get(name="R9").sites.values_list("code", flat=True)) == [
        "3400000001"]
