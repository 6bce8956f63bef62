"""The 通报's settings are the round's (issue 14 item 7): city, issuer and 文号 set at
`round create` (options or a settings file), the 政务公开 paragraph with `review openness`,
kept with the round and used by the 通报; GOVINSPECT_CITY / GOVINSPECT_ISSUER stay defaults."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from docx import Document
from review_scenario import make_roster, make_round

from govinspect.cli import main
from govinspect.reports.notice.build import OPENNESS_EMPTY
from govinspect.web.rounds import round_settings
from govinspect.web.rounds.notice import city_name, issuer_name, write_round_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(settings, tmp_path):
    settings.WORKSPACE = tmp_path / "ws"  # the round's folder (settings.json) is per test
    settings.GOVINSPECT_CITY = "环境市"
    settings.GOVINSPECT_ISSUER = "环境市人民政府办公室"
    return settings.WORKSPACE


def _docx_text(path) -> list[str]:
    return [p.text for p in Document(path).paragraphs if p.text.strip()]


def test_round_create_settings_are_kept_and_used(workspace, tmp_path):
    sites, _ = make_roster()
    make_round(sites=sites)
    runner = CliRunner()

    # nothing set: the environment's defaults, and the 通报 says 政务公开 was not entered
    r = round_settings.Round.objects.get(name="2022Q2")
    assert (city_name(r), issuer_name(r)) == ("环境市", "环境市人民政府办公室")
    out = write_round_notice(r, tmp_path / "a", issued_on=dt.date(2022, 7, 27))
    text = _docx_text(out[0])
    assert text[0].startswith("环境市人民政府办公室关于") and OPENNESS_EMPTY in text

    settings_file = tmp_path / "通报设置.yaml"
    settings_file.write_text("城市: 滁州市\n发文机关: 滁州市人民政府办公室\n文号: 草拟〔2022〕1号\n",
                             encoding="utf-8")
    result = runner.invoke(main, ["round", "create", "2022Q2", "--t", "2022-06-30T18:00",
                                  "--set", "chuzhou-2022", "--settings", str(settings_file),
                                  "--doc-number", "滁政办秘〔2022〕45号"])
    assert result.exit_code == 0, result.output
    assert "文号：滁政办秘〔2022〕45号" in result.output and "城市：滁州市；" in result.output
    assert round_settings.read(r) == {"city": "滁州市", "issuer": "滁州市人民政府办公室",
                                      "doc_number": "滁政办秘〔2022〕45号"}
    assert (workspace / "rounds" / "2022Q2" / "settings.json").is_file()

    result = runner.invoke(main, ["review", "openness", "--round", "2022Q2", "--text",
                                  "本次检查了各县政务公开专栏。\n重点领域公开较好。"])
    assert result.exit_code == 0 and "已录入" in result.output, result.output

    out = write_round_notice(r, tmp_path / "b", issued_on=dt.date(2022, 7, 27))
    text = _docx_text(out[0])
    assert text[0] == "滁政办秘〔2022〕45号"
    assert text[1].startswith("滁州市人民政府办公室关于2022年第二季度")
    assert "本次检查了各县政务公开专栏。" in text and "重点领域公开较好。" in text
    assert OPENNESS_EMPTY not in text
    sign = text.index("2022年7月27日")
    assert text[sign - 1] == "滁州市人民政府办公室"
    html = out[2].read_text(encoding="utf-8")
    assert "滁政办秘〔2022〕45号" in html
    # the city shortens the names in the body text (滁州市审计局 → 市审计局)
    assert any("市审计局" in t and "滁州市审计局" not in t for t in text)

    # a later create without options keeps the settings; a wrong key is named
    runner.invoke(main, ["round", "create", "2022Q2", "--t", "2022-06-30T18:00",
                         "--set", "chuzhou-2022"])
    assert round_settings.read(r)["doc_number"] == "滁政办秘〔2022〕45号"
    bad = tmp_path / "bad.yaml"
    bad.write_text("城巿: 滁州市\n", encoding="utf-8")
    result = runner.invoke(main, ["round", "create", "2022Q2", "--t", "2022-06-30T18:00",
                                  "--settings", str(bad)])
    assert result.exit_code != 0 and "城巿" in result.output and "文号" in result.output
