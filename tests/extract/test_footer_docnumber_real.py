"""Footer identity and 文号 as real pages write them (issue 15): each case is a form seen on a
labelled real page (tests/realcorpus/labels.jsonl names the page)."""

from __future__ import annotations

import pytest

from govinspect.extract import docnumber, extract_page

ARTICLE = ("<p>" + "为进一步做好安全生产工作，现将有关事项通知如下。" * 12 + "</p>") * 2


def _page(footer: str, body: str = ARTICLE, head: str = "") -> bytes:
    return (f"<html><head>{head}</head><body><h1>关于做好安全生产工作的通知</h1>"
            f'<div class="content">{body}</div><div class="footer">{footer}</div>'
            "</body></html>").encode()


def _footer(footer: str, **kw):
    return extract_page(_page(footer, **kw), "http://www.a.gov.cn/art/2024/1/2/art_1_1.html").footer


@pytest.mark.parametrize(("written", "page"), [
    ("蜀ICP备：19007388号", "mx-lysctcm-sc"),
    ("鄂ICP备05009168 鄂公网安备 42011102000076号", "mx-zxwhongshan"),
    ("蒙ICP备 05006530", "cwce-500b350d"),
    ("备案号：晋ICP备05003854", "mx-dyqtaiyuan"),
    ("鄂ICP备19031037-2号", "mx-zxwwuhan"),
    ("京ICP备05000001号-2", "classic"),
])
def test_icp_variants(written, page):
    icp = _footer(f"版权所有：某市人民政府 {written}").icp
    assert icp is not None and icp.startswith(written.split("备案号：")[-1][:6])


@pytest.mark.parametrize(("written", "page"), [
    ("京公网安备:11010202007633", "mx-jrbjxch"),
    ("鄂公网安备 42010202000465号", "mx-zxwwuhan"),
    ("京公网安备11010602060030号", "mx-hjhbjft"),
])
def test_police_filing_variants(written, page):
    psb = _footer(f"版权所有：某市人民政府 {written}").psb
    assert psb is not None and psb.replace(" ", "").endswith(written[-6:].replace(" ", ""))


def test_police_filing_needs_digits():
    assert _footer("版权所有：某市人民政府 京公网安备：待办理").psb is None


def test_icp_needs_digits():
    assert _footer("版权所有：某市人民政府 京ICP备案中").icp is None


@pytest.mark.parametrize(("written", "sponsor"), [
    ("巴彦淖尔市人民政府办公室（主办） 巴彦淖尔市大数据中心（承办）", "巴彦淖尔市人民政府办公室"),
    ("西安市人民政府办公厅主办 西安市大数据局承办", "西安市人民政府办公厅"),
    ("主办单位：武汉市洪山区政府办公室 | 承办单位：洪山区大数据中心", "武汉市洪山区政府办公室"),
])
def test_sponsor_written_before_the_word(written, sponsor):
    assert _footer(f"{written} 网站标识码：6101000007").sponsor == sponsor


def test_body_sponsor_and_phone_are_not_the_sites():
    # mx-wjmoe: the 主办单位 and phones in the article belong to the activity, not the site
    body = ARTICLE + "<p>主办单位：上海交通大学</p><p>联系电话：021-34206231</p>"
    foot = _footer("版权所有：中华人民共和国教育部 京ICP备10028400号", body=body)
    assert foot.sponsor is None
    assert foot.contact is False


def test_page_without_footer_has_no_contact_from_its_body():
    # mx-wmlct-zj / mx-lgcwsjkw-sh: saved copies without a footer, a phone in the body
    body = ARTICLE + "<p>联系电话：0571-87052140</p>"
    foot = _footer("", body=body)
    assert foot.contact is False and foot.sponsor is None


@pytest.mark.parametrize("written", ["运维电话：0551-65000000", "E-mail：webmaster@hebei.gov.cn",
                                     "联系电话：0478-8655532", "电话：(0478)8655532"])
def test_footer_contact_channels(written):
    assert _footer(f"版权所有：某市人民政府 {written}").contact is True


def test_footer_only_in_comments_is_reported():
    html = _page("<!-- 版权所有：某市人民政府 网站标识码：3411000001 皖ICP备05000001号 -->")
    facts = extract_page(html, "http://www.a.gov.cn/a.html")
    assert facts.footer.only_in_comments is True
    assert facts.footer.icp is None and facts.footer.site_id_code is None
    assert any("注释" in note for note in facts.notes)


def test_visible_footer_is_not_in_comments_only():
    html = _page("<!-- old footer 京ICP备1号 --> 版权所有：某市人民政府 皖ICP备05000001号")
    facts = extract_page(html, "http://www.a.gov.cn/a.html")
    assert facts.footer.only_in_comments is False
    assert facts.notes == ()


@pytest.mark.parametrize(("field", "normalized", "problem"), [
    ("豫政〔2023〕号27", "豫政〔2023〕27号", "“号”字应在发文顺序号之后"),
    ("豫政〔2023〕27", "豫政〔2023〕27号", "文号缺少“号”字"),
    ("豫政〔〕〔2023〕27号", "豫政〔2023〕27号", "文号含多余的空括号"),
    ("豫政〔2023〕27号（）", "豫政〔2023〕27号", "文号含多余的空括号"),
    ("豫政〔2023〕2 7号", "豫政〔2023〕27号", "文号含多余空格"),
])
def test_malformed_doc_number_in_the_field_is_kept_with_its_problem(field, normalized, problem):
    body = (f"<table><tr><td>索引号：</td><td>11410000-2023-00027</td><td>发文字号：</td>"
            f"<td>{field}</td></tr><tr><td>成文日期：</td><td>2023-05-06</td></tr></table>"
            + ARTICLE)
    facts = extract_page(_page("版权所有：河南省人民政府", body=body), "http://www.a.gov.cn/a.html")
    assert facts.doc_number == field
    assert facts.doc_number_normalized == normalized
    assert problem in facts.doc_number_problems


@pytest.mark.parametrize("field", ["某省人民政府令第182号", "某委公告2017年第9号", "豫政〔2023〕27号"])
def test_well_formed_numbers_have_no_problem(field):
    found = docnumber.parse_field(field)
    assert found is not None and found.problems == () and found.normalized == field


@pytest.mark.parametrize("field", ["", "无", "/", "—", "暂无"])
def test_empty_field_is_no_number(field):
    assert docnumber.parse_field(field) is None


def test_visible_date_wins_over_meta_pubdate():
    head = '<meta name="PubDate" content="2024-03-08 10:00">'
    body = "<p>发布日期：2024-03-03</p>" + ARTICLE
    facts = extract_page(_page("版权所有：某市人民政府", body=body, head=head),
                         "http://www.a.gov.cn/a.html")
    assert facts.pub_date == "2024-03-03"
    assert any("不一致" in p for p in facts.date_problems)
