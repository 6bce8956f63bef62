"""Publication dates and page types as real pages write them (issue 15): each case is a form
seen on a labelled real page (tests/realcorpus/labels.jsonl names it)."""

from __future__ import annotations

from govinspect.extract import extract_page

BODY = "<p>" + "根据有关规定，现将有关事项通知如下，请各单位认真贯彻落实。" * 10 + "</p>"


def _facts(inner: str, head: str = "", url: str = "http://www.a.gov.cn/art/2024/3/3/art_1_1.html"):
    html = f"<html><head>{head}</head><body>{inner}</body></html>"
    return extract_page(html.encode("utf-8"), url)


def test_dates_of_the_event_a_page_announces_are_not_its_date():
    # mx-gqcwlmq: a 培训 notice; the date under the headline is the page's
    f = _facts("<h1>关于举办2024年度专业技术人员继续教育培训班的通知</h1>"
               "<div>2024-03-03 15:54:07 来源:自治区文化和旅游厅</div>"
               f"<div class='content'>{BODY}<p>报名时间：2024年3月7日-4月26日</p>"
               "<p>培训时间：2024年3月8日-4月30日</p></div>")
    assert f.pub_date == "2024-03-03" and f.pub_date_source == "headline"


def test_exhibition_dates_are_not_a_publication_date():
    # mx-zcmbeijing: 展会时间 is when the fair runs
    f = _facts(f"<h1>第八届未来医疗生态展会</h1><div class='content'>{BODY}"
               "<p>展会时间：2024年5月8日至2024年5月10日</p></div>")
    assert f.pub_date != "2024-05-08"


def test_headline_broken_by_br_still_anchors_the_date_under_it():
    # mx-lysc: <h2>…在成都举行 <br>现场发布…</h2>, the visible date disagrees with meta PubDate
    f = _facts("<h2>四川省医药健康产业供需对接活动在成都举行 <br>现场发布医药健康产业供需清单</h2>"
               "<ul><li>2024年12月07日 08时01分</li><li>来源: 四川日报</li></ul>"
               f"<div class='content'>{BODY}</div>",
               head="<title>四川省医药健康产业供需对接活动在成都举行 现场发布医药健康产业供需清单</title>"
                    '<meta name="PubDate" content="2024-12-10 08:23:48">')
    assert f.pub_date == "2024-12-07" and f.pub_date_source in ("headline", "label")


def test_bulletin_caption_under_its_issuers_is_not_the_page_date():
    # sx-yichun-2022: the 公报's 题注 (the bureau's release date); the page shows no 发布日期
    f = _facts("<h1>宜春市2022年国民经济和社会发展统计公报</h1>"
               "<p>宜春市统计局 国家统计局宜春调查队</p><p>（2023年4月12日）</p>"
               f"<div class='content'>{BODY}</div>",
               head='<meta name="PubDate" content="2023-05-16 12:34:05">')
    assert f.pub_date == "2023-05-16" and f.pub_date_source == "meta"


def test_bracketed_date_right_under_the_headline_is_the_page_date():
    # pt-guide-col: "(2024年03月23日)" under the guide's headline
    f = _facts("<h1>平潭综合实验区政府信息公开指南</h1><p>(2024年03月23日)</p>"
               f"<div class='content'>{BODY}</div>")
    assert f.pub_date == "2024-03-23" and f.pub_date_source == "headline"


BOX = ("<table><tr><td>索引号：</td><td>K16185922-201704-00036</td><td>发布机构：</td>"
       "<td>蜀山区审计局</td></tr><tr><td>文号：</td><td>{doc}</td><td>发布日期：</td>"
       "<td>2017-04-20</td></tr></table>")


def test_news_item_in_an_index_box_is_an_article():
    # mx-lklhfss / mx-mltjyt-zj: 索引号 and 发布机构, empty 文号
    f = _facts(BOX.format(doc="") + f"<h1>工业设计城打造创新设计“联合国”</h1>"
               f"<div class='content'>{BODY}</div>")
    assert f.page_type == "article"


def test_document_in_an_index_box_is_a_policy():
    f = _facts(BOX.format(doc="蜀审〔2017〕12号") + "<h1>关于印发审计工作要点的通知</h1>"
               f"<div class='content'>{BODY}</div>")
    assert f.page_type == "policy"


def test_reply_to_a_deputys_proposal_is_no_policy():
    # mx-djsc: a 复函 with its own 文号 at the top of the body
    f = _facts("<h1>四川省卫生健康委员会关于四川省第十四届人民代表大会第四次会议第14050218号建议的复函</h1>"
               f"<div class='content'><p>川卫函〔2025〕46号</p>{BODY}</div>",
               head='<meta name="ArticleTitle" content="四川省卫生健康委员会关于第14050218号建议的复函">')
    assert f.page_type == "article"


def test_a_number_containing_404_does_not_make_a_short_page_an_error():
    # a reply to 建议 第14040218号 is a short real page, not a "404" error page
    f = _facts("<h1>关于第14040218号建议的复函</h1><div class='content'><p>川卫函〔2025〕46号</p>"
               "<p>您提出的建议收悉，现答复如下。</p></div>")
    assert f.page_type != "error"
    assert _facts("<h1>404</h1><p>您访问的页面不存在</p>").page_type == "error"
