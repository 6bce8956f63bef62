"""评分靠前 by the indicator set's rule (issue 14 item 7): at least 90 points, no 单项否决,
never a site the 主要问题 section names, highest first, at most ``max``; the 文号 above the
title; the 政务公开 section's empty state."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Evidence, Finding, SiteKind, SiteRef
from govinspect.indicators.round import SiteEntry, score_round
from govinspect.reports.notice import NoticeMeta, build_notice
from govinspect.reports.notice.build import OPENNESS_EMPTY, top_sites

META = NoticeMeta("示例市人民政府办公室", 2022, 2, dt.date(2022, 6, 23), dt.date(2022, 6, 30),
                  dt.date(2022, 7, 27), dt.date(2022, 8, 10))


def _site(n: int) -> SiteEntry:
    code = f"34110000{n:02d}"
    return SiteEntry(SiteRef(code, f"示例市第{n}局网站", f"http://s{n}.gov.cn/",
                             SiteKind.DEPARTMENT), "市直部门", f"市第{n}局")


def _f(site: SiteEntry, indicator: str, item: str, n: int = 0) -> Finding:
    return Finding(f"MANUAL.{indicator}", indicator, site.site.code, "人工检查",
                   Evidence(url=f"{site.site.homepage}{indicator}/{n}"), item=item)


def _notice(iset, sites, findings, meta=META):
    summary = score_round(iset, sites, findings)
    return summary, build_notice(summary, iset, meta)


def test_top_sites_follow_the_sets_rule():
    iset = load_indicator_set("national-2019")
    sites = [_site(n) for n in range(1, 15)]
    findings = [_f(sites[0], "W-D22", "homepage")]  # 99.80, named under 功能 (W-D22)
    findings += [_f(sites[1], "W-V1", "serious_error")]  # vetoed
    findings += [_f(sites[2], "W-D9", "stale", n) for n in range(4)] + [
        _f(sites[2], "W-D6", "stale"), _f(sites[2], "W-D7", "not_interpreted")]  # 90.00
    findings += [_f(sites[3], "W-D6", "stale")]  # 95.00, named under 内容保障
    summary, notice = _notice(iset, sites, findings)
    text = notice.text
    top = re.search(r"分以上的\d+家。(.*?)评分靠前", text).group(1)
    top_names = top.removesuffix("等部门网站").split("、")
    problems = text[text.index("二、主要问题"):text.index("三、下一步工作要求")]
    assert len(top_names) == 10  # the 10 sites with 100 points, none of them criticised
    for name in top_names:
        assert name not in problems, name
    for name in ("市第1局", "市第3局", "市第4局"):  # criticised: never 评分靠前
        assert name in problems and name not in top_names
    assert "市第2局" not in top_names  # vetoed
    named = [r.entry.label for r in top_sites(summary, iset, {"市第1局"})]
    assert len(named) == 10  # max 10 of the national set
    assert "市第1局" not in named and "市第2局" not in named

    # a set without a limit and that allows criticised sites (as 滁州 2022 published)
    loose = dataclasses.replace(iset, scoring={**iset.scoring, "top": {
        "at_least": 90, "max": None, "not_named_in_problems": False}})
    assert len(top_sites(summary, loose, {"市第1局"})) == 13


def test_doc_number_and_openness_empty_state():
    iset = load_indicator_set("national-2019")
    sites = [_site(1)]
    _, plain = _notice(iset, sites, [])
    assert plain.paragraphs[0].style == "title"
    assert OPENNESS_EMPTY in plain.text
    meta = dataclasses.replace(META, doc_number="示政办秘〔2022〕45号",
                               openness_text="本次抽查了各县政务公开专栏。\n重点领域信息公开较好。")
    _, notice = _notice(iset, sites, [], meta)
    assert [(p.style, p.text) for p in notice.paragraphs[:2]] == [
        ("docno", "示政办秘〔2022〕45号"), ("title", plain.paragraphs[0].text)]
    assert "本次抽查了各县政务公开专栏。" in notice.text and OPENNESS_EMPTY not in notice.text
    body = [p.text for p in notice.paragraphs]
    assert "重点领域信息公开较好。" in body  # one paragraph per line
