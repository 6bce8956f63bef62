"""GI-L001 dead links (W-D22): realistic link records from a county portal."""

from govinspect.core.types import LinkCheck, LinkClass, LinkFailure, ResourceKind, SiteKind, SiteRef
from govinspect.rules.links import dead_links

SITE = SiteRef(code="3411220001", name="来安县人民政府", homepage="http://www.laian.gov.cn/",
               kind=SiteKind.PORTAL, hosts=("www.laian.gov.cn",))
HOME = "http://www.laian.gov.cn/"
ARTICLE = "http://www.laian.gov.cn/zwgk/tzgg/202206/t20220627_1234567.html"


def check(parent, url, failure, status=None, kind=ResourceKind.PAGE, link_class=LinkClass.IN_SITE,
          text="关于做好2022年防汛工作的通知"):
    return LinkCheck("3411220001", parent, url, text, link_class, kind, status, failure)


def test_broken_links_on_homepage_and_other_pages_are_reported_with_their_parent():
    checks = [
        check(HOME, "http://www.laian.gov.cn/zwgk/zcjd/202101/t20210105_11.html",
              LinkFailure.HTTP_4XX, 404),
        check(ARTICLE, "http://www.chuzhou-old.gov.cn/", LinkFailure.DNS,
              link_class=LinkClass.OUTBOUND, text="滁州市人民政府"),
        check(ARTICLE, "http://www.laian.gov.cn/uploads/2022/fj1.pdf", LinkFailure.HTTP_4XX, 404,
              kind=ResourceKind.ATTACHMENT, text="附件1：申报表.pdf"),
    ]
    findings = dead_links(SITE, checks)
    assert [(f.item, f.evidence.parent_url) for f in findings] == [
        ("homepage", HOME), ("other", ARTICLE), ("other", ARTICLE)]
    assert all(f.indicator_id == "W-D22" and f.rule_id == "GI-L001" for f in findings)
    assert "首页" in findings[0].message and "404" in findings[0].message
    assert "附件" in findings[2].message


def test_working_and_blocked_links_are_not_findings():
    checks = [
        check(HOME, "http://www.laian.gov.cn/zwgk/", None, 200),
        check(ARTICLE, "http://www.gov.cn/zhengce/", LinkFailure.BLOCKED, 412,
              link_class=LinkClass.OUTBOUND, text="中国政府网"),
    ]
    assert dead_links(SITE, checks) == []


def test_same_link_twice_on_one_page_is_one_finding_but_two_pages_give_two():
    url = "http://www.laian.gov.cn/missing.html"
    checks = [check(HOME, url, LinkFailure.HTTP_4XX, 404), check(HOME, url, LinkFailure.HTTP_4XX, 404),
              check(ARTICLE, url, LinkFailure.HTTP_4XX, 404)]
    assert len(dead_links(SITE, checks)) == 2


def test_homepage_match_ignores_fragment_and_trailing_slash():
    findings = dead_links(SITE, [check("http://www.laian.gov.cn#top", "http://www.laian.gov.cn/x",
                                       LinkFailure.HTTP_5XX, 500)])
    assert findings[0].item == "homepage"


def test_fingerprint_is_stable_and_distinguishes_places():
    a = dead_links(SITE, [check(HOME, "http://www.laian.gov.cn/a", LinkFailure.HTTP_4XX, 404)])[0]
    again = dead_links(SITE, [check(HOME, "http://www.laian.gov.cn/a", LinkFailure.HTTP_4XX, 404)])[0]
    other = dead_links(SITE, [check(ARTICLE, "http://www.laian.gov.cn/a", LinkFailure.HTTP_4XX, 404)])[0]
    assert a.fingerprint == again.fingerprint != other.fingerprint
