"""Policy documents and 解读: GI-D001–GI-D006 on demo pages, realistic HTML and real pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from site_demo import ctx, demo, site_input

from govinspect.core.types import LinkCheck, LinkClass, LinkFailure, ResourceKind
from govinspect.rules import site_policy as sp

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages" / "pages"


def _urls(findings, rule_id, item=None):
    return {f.evidence.url.rstrip("/") for f in findings
            if f.rule_id == rule_id and (item is None or f.item == item)}


def _entries(kind):
    manifest, _inputs, _ = demo()
    return {e["url"].rstrip("/") for e in manifest.select(kind=kind)}


def _all(check):
    _m, inputs, _ = demo()
    return [f for data in inputs.values() for f in check(data, ctx())]


POLICY = """<html><head><title>{title}_示例市发展和改革委员会</title>
<meta name="ColumnName" content="政策文件"><meta name="ColumnType" content="政策文件"></head><body>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件 &gt; 正文</div>
<table class="xxgk"><tr><th>索引号</th><td>11341100553438282X/2022-00012</td><th>信息分类</th><td>政策文件</td></tr>
<tr><th>发布机构</th><td>{issuer}</td><th>主题分类</th><td>就业</td></tr>
<tr><th>名称</th><td>{title}</td><th>文号</th><td>{number}</td></tr>
<tr><th>成文日期</th><td>{written}</td><th>发布日期</th><td>{pub}</td></tr></table>
<h1>{title}</h1><p>各县、区人民政府，市政府各部门：为进一步稳定和扩大就业，现提出如下意见。</p>
<p>一、加大稳岗支持力度。对不裁员或少裁员的参保企业，按规定返还失业保险费。</p>
<p>二、拓宽就业渠道。支持高校毕业生到基层就业，落实各项补贴政策。</p>
{related}</body></html>"""


def policy(url="http://fgw.shishi.gov.cn/zwgk/zcwj/202206/t20220627_1023645.html", *,
           title="示例市发展和改革委员会关于进一步稳定和扩大就业的实施意见",
           issuer="示例市发展和改革委员会", number="示发展〔2022〕6号", written="2022-06-20",
           pub="2022-06-27", related=""):
    html = POLICY.format(title=title, issuer=issuer, number=number, written=written, pub=pub,
                         related=related)
    return url, html.encode("utf-8")


INTERP = """<html><head><title>{title}_示例市发展和改革委员会</title>
<meta name="ColumnName" content="政策解读"><meta name="ColumnType" content="政策解读">
<meta name="PubDate" content="2022-06-28 10:00"></head><body>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策解读 &gt; 正文</div>
<h1>{title}</h1><p>发布时间：2022-06-28 10:00</p>
<p>近日，示例市发展和改革委员会印发了实施意见。现就有关内容解读如下。一、出台背景。二、主要内容。</p>
{related}</body></html>"""


def interp(url="http://fgw.shishi.gov.cn/zwgk/zcjd/202206/t20220628_1023700.html", *,
           title="一图读懂《关于进一步稳定和扩大就业的实施意见》", related=""):
    return url, INTERP.format(title=title, related=related).encode("utf-8")


# --- GI-D001 metadata ---------------------------------------------------------------------


def test_metadata_missing_issuer_and_number_is_reported():
    data = site_input([policy(issuer="", number="")])
    [f] = sp.policy_metadata(data, ctx())
    assert f.indicator_id == "P7" and f.item == "missing_field"
    assert "发布机构" in f.details["missing"]


def test_metadata_complete_on_demo_and_real_policy_pages():
    assert _all(sp.policy_metadata) == []
    pages = [(f"https://www.pingtan.gov.cn/{n}.htm", (REAL / f"{n}.html").read_bytes())
             for n in ("pt-policy-79734", "pt-policy-57240", "cwce-jilin")]
    assert sp.policy_metadata(site_input(pages), ctx()) == []


# --- GI-D002 文号 ---------------------------------------------------------------------------


def test_doc_number_format_matches_the_manifest():
    found = _urls(_all(sp.doc_number_format), "GI-D002")
    assert found == _entries("doc_number_format") and found


def test_doc_number_well_formed_and_real_pages_not_flagged():
    assert sp.doc_number_format(site_input([policy()]), ctx()) == []
    pages = [(f"https://www.pingtan.gov.cn/{n}.htm", (REAL / f"{n}.html").read_bytes())
             for n in ("pt-policy-79734", "pt-policy-57240", "cwce-jilin", "nfra-1")]
    assert sp.doc_number_format(site_input(pages), ctx()) == []


def test_doc_number_with_square_brackets_gives_the_right_form():
    [f] = sp.doc_number_format(site_input([policy(number="示发展[2022]6号")]), ctx())
    assert f.details["suggestion"] == "示发展〔2022〕6号"
    assert f.evidence.context[f.evidence.span.start:f.evidence.span.end] == "示发展[2022]6号"


# --- GI-D003 发布日期 moved ------------------------------------------------------------------


def test_pubdate_moved_matches_the_manifest():
    found = _urls(_all(sp.pubdate_moved), "GI-D003")
    assert found == _entries("pubdate_moved")


def test_pubdate_moved_on_old_url_and_written_date():
    url = "http://fgw.shishi.gov.cn/zwgk/zcwj/202202/t20220225_1023588.html"
    [f] = sp.pubdate_moved(site_input([policy(url, written="2022-02-20", pub="2022-06-24",
                                              number="示发展〔2022〕6号")]), ctx())
    assert f.indicator_id == "W-V1" and f.item == "falsification"
    assert f.confidence.value == "疑似" and f.details["url_date"] == "2022-02-25"


def test_late_publication_with_a_recent_url_is_not_a_move():
    # written in February, created and published in June: late, not falsified
    assert sp.pubdate_moved(site_input([policy(written="2022-02-20", pub="2022-06-27")]),
                            ctx()) == []
    # an old document shown with its old date
    url = "http://fgw.shishi.gov.cn/zwgk/zcwj/202202/t20220225_1023588.html"
    assert sp.pubdate_moved(site_input([policy(url, written="2022-02-20", pub="2022-02-25")]),
                            ctx()) == []


def test_pubdate_moved_when_an_earlier_round_saw_the_page_before_its_date():
    # URL and 成文日期 both recent-looking (a CMS without dates in URLs, 成文日期 edited too):
    # only the office's archive shows the page was online in March.
    url = "http://fgw.shishi.gov.cn/zwgk/zcwj/content_1023588.html"
    data = site_input([policy(url, written="2022-06-20", pub="2022-06-24")])
    assert sp.pubdate_moved(data, ctx()) == []  # no archive: nothing to go on
    data.first_seen = {url: (datetime(2022, 3, 28, 9, 30, tzinfo=UTC), "2022Q1")}
    [f] = sp.pubdate_moved(data, ctx())
    assert f.details["first_seen_round"] == "2022Q1"
    assert f.details["evidence"][0].startswith("2022Q1检查轮次已于2022-03-28采集到该页面")


def test_page_first_seen_after_its_date_is_not_a_move():
    url = "http://fgw.shishi.gov.cn/zwgk/zcwj/content_1023588.html"
    data = site_input([policy(url, written="2022-06-20", pub="2022-06-24")])
    # seen on the day it says it was published (the earlier round ran that day): fine
    data.first_seen = {url: (datetime(2022, 6, 24, 16, 0, tzinfo=UTC), "2022Q2-复查")}
    assert sp.pubdate_moved(data, ctx()) == []


# --- GI-D004 attachments --------------------------------------------------------------------


def test_broken_policy_attachment_reported_without_points():
    url, body = policy()
    data = site_input([(url, body)])
    att = url.rsplit("/", 1)[0] + "/P020220627391022.pdf"
    data.link_checks = [
        LinkCheck(data.site.code, url, att, "申请表.pdf", LinkClass.IN_SITE,
                  ResourceKind.ATTACHMENT, 404, LinkFailure.HTTP_4XX),
        LinkCheck(data.site.code, url, att.replace("P02", "P03"), "附件2.pdf",
                  LinkClass.IN_SITE, ResourceKind.ATTACHMENT, 200, None),
        LinkCheck(data.site.code, "http://fgw.shishi.gov.cn/xwzx/zwyw/x.html", att, "a.pdf",
                  LinkClass.IN_SITE, ResourceKind.ATTACHMENT, 404, LinkFailure.HTTP_4XX),
    ]
    [f] = sp.policy_attachments(data, ctx())
    assert f.item == "attachment_unavailable" and f.evidence.url == att
    assert ctx().indicator_set.family("P7") == "problem"  # W-D22 alone scores it (R9)


# --- GI-D005 / GI-D006 解读 ----------------------------------------------------------------


def test_policy_without_interpretation_matches_the_manifest():
    found = _urls(_all(sp.policy_without_interpretation), "GI-D005")
    assert found == _entries("policy_without_interpretation") and found


def test_interpretation_oneway_link_matches_the_manifest():
    found = _urls(_all(sp.interpretation_links), "GI-D006")
    assert found == _entries("interpretation_oneway_link") and found


def test_linked_pair_is_clean_and_one_way_link_is_found():
    d_url, _ = policy()
    j_url, _ = interp()
    back = f'<div class="related"><span>相关解读：</span><p><a href="{j_url}">一图读懂</a></p></div>'
    fwd = f'<div class="related"><span>相关文件：</span><p><a href="{d_url}">实施意见</a></p></div>'
    both = site_input([policy(related=back), interp(related=fwd)])
    assert sp.policy_without_interpretation(both, ctx()) == []
    assert sp.interpretation_links(both, ctx()) == []
    oneway = site_input([policy(), interp(related=fwd)])
    assert sp.policy_without_interpretation(oneway, ctx()) == []  # it has a 解读: W-D8's case
    [f] = sp.interpretation_links(oneway, ctx())
    assert f.details["missing"] == "document_to_interpretation" and f.item == "missing_link"
    [g] = sp.policy_without_interpretation(site_input([policy()]), ctx())
    assert g.item == "not_interpreted" and g.details["sample"] == [d_url]


def test_sample_is_deterministic_per_round_and_site():
    pages = [policy(f"http://fgw.shishi.gov.cn/zwgk/zcwj/202206/t2022060{i}_10{i}.html",
                    title=f"示例市发展和改革委员会关于第{i}项工作的通知") for i in range(1, 8)]
    data = site_input(pages)
    a = sp.policy_without_interpretation(data, ctx())
    b = sp.policy_without_interpretation(data, ctx())
    assert len(a) == 7 and [f.item for f in a] == [f.item for f in b]
    assert sum(f.item == "not_interpreted" for f in a) == 3
    other = sp.policy_without_interpretation(data, ctx(name="2022Q3"))
    assert {f.details["sampled"] for f in other} == {True, False}


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/zwgk/zcwj/202206/t20220627_1.html", "2022-06-27"),
    ("https://www.gov.cn/zhengce/content/2019-04/18/content_5384134.htm", "2019-04-30"),
    ("http://x.gov.cn/art/2022/6/27/art_1.html", None),
])
def test_url_date(url, expected):
    got = sp.url_date(url)
    assert (got.isoformat() if got else None) == expected


# --- not every page with document facts is a policy (issue 15, real pages) ----------------

@pytest.mark.parametrize("title,number,genre", [
    ("国家金融监督管理总局行政处罚信息公开表", "金罚决字〔2024〕36号", "record"),
    ("某省卫生健康委员会关于省第十四届人民代表大会第四次会议第14040218号建议的复函",
     "某卫函〔2025〕46号", "record"),
    ("教育部办公厅关于举办2024年高校“礼敬中华优秀传统文化”宣传教育活动的通知",
     "教思政厅函〔2024〕10号", "record"),
    ("关于开展2024年“世界家庭医生日”主题宣传活动的通知", "沪卫基层〔2024〕5号", "record"),
    ("某省文化和旅游厅关于2020年度艺术系列专业技术职务任职资格评审结果的公示", None, "record"),
    ("工业设计城打造创新设计“联合国”", None, "news"),
    ("全省教育系统师德师风建设专题培训班举办", None, "record"),  # 培训班
    ("吉林省人民政府关于禁止在嫩江干流补充治理工程建设征占地范围内新增建设项目的通告",
     "吉政明电〔2022〕1号", "policy"),
    ("关于加强全区电动自行车管理的通告", None, "policy"),
    ("示例市促进民营经济高质量发展若干措施", None, "policy"),
])
def test_policy_genre_on_real_titles(title, number, genre):
    from govinspect.extract import extract_page

    html = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            + (f"<p>{number}</p>" if number else "") + "<p>正文。</p></body></html>")
    facts = extract_page(html.encode(), "http://www.example.gov.cn/zwgk/t20240101_123456.html")
    import dataclasses

    facts = dataclasses.replace(facts, title=title, doc_number=number)
    assert sp.policy_genre(facts) == genre


def test_penalty_table_needs_no_interpretation():
    """nfra-1: a 行政处罚信息公开表 is typed policy by extraction but is no policy document."""
    from govinspect.extract import extract_page

    path = REAL / "nfra-1.html"
    if not path.is_file():
        pytest.skip("shared real pages absent")
    facts = extract_page(path.read_bytes(), "http://www.nfra.gov.cn/cn/view/pages/1.html")
    assert not sp.is_policy_doc(facts)
