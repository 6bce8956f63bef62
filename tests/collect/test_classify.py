"""Pure parts of the collector: decoding, link extraction, failure classes, resolver policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from OpenSSL import SSL
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web.client import ResponseNeverReceived

from govinspect.collect.classify import (
    classify_response,
    is_challenge_page,
    is_homepage_redirect,
    is_soft404_page,
    link_class,
    registrable_domain,
    resource_kind,
)
from govinspect.collect.errors import RedirectLoop, classify_exception
from govinspect.collect.html import declared_charset, decode_body, parse_html
from govinspect.collect.resolver import AddressRefused, GovResolver
from govinspect.core.types import LinkClass, LinkFailure, ResourceKind

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "realpages"
if not REAL.exists():
    REAL = Path("/work/shared/data/realpages")
LABELS = [json.loads(line) for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines()
          if line.strip()] if REAL.exists() else []


def _norm(s: str) -> str:
    return "".join(ch for ch in s if ch.isalnum())


@pytest.mark.skipif(not LABELS, reason="shared real pages not available")
@pytest.mark.parametrize("label", LABELS, ids=lambda lb: lb["id"])
def test_real_pages_decode_and_are_not_error_pages(label):
    body = (REAL / "pages" / f"{label['id']}.html").read_bytes()
    text, used = decode_body(body, declared_charset("text/html", body))
    page = parse_html(text, label.get("url") or "http://www.example.gov.cn/")
    assert _norm(label["title"]) in _norm(page.title) or _norm(page.title) in _norm(label["title"])
    assert "\ufffd" not in page.title
    assert not is_soft404_page(page.title, page.text_sample)
    assert not is_challenge_page(page.title, page.text_sample[:2500])
    assert len(page.links) > 5
    if label["encoding_actual"].lower() in ("gb2312", "gbk", "gb18030"):
        assert used == "gb18030"


@pytest.mark.skipif(not LABELS, reason="shared real pages not available")
def test_gb2312_page_served_as_utf8_still_decodes():
    body = (REAL / "pages" / "cwce-chinaneast.html").read_bytes()
    label = next(lb for lb in LABELS if lb["id"] == "cwce-chinaneast")
    text, used = decode_body(body, declared_charset("text/html; charset=utf-8", body))
    assert declared_charset("text/html; charset=utf-8", body) == "utf-8"
    assert used == "gb18030"
    assert _norm(label["title"]) in _norm(parse_html(text, "http://x/").title)


def test_decode_utf8_labelled_gbk_and_bom():
    s = "<title>市人民政府办公室关于印发通知</title>"
    assert decode_body(s.encode("utf-8"), "gbk") == (s, "utf-8")
    assert decode_body(b"\xef\xbb\xbf" + s.encode(), None) == (s, "utf-8")
    assert decode_body(s.encode("gb18030"), None) == (s, "gb18030")


def test_links_resolved_skipped_and_labelled():
    html = """<html><head><base href="/zwgk/"><title>政务公开</title></head><body>
      <a href="tzgg/index.html">通知公告</a> <a href="#top">顶部</a>
      <a href="mailto:a@b.cn">信箱</a> <a href="JavaScript:void(0)">x</a> <a href="tel:12345">热线</a>
      <a href="/files/a.pdf#page=2"><img src="/img/pdf.png" alt="下载附件"></a>
      <img src="//cdn.example.com/logo.png" alt="徽标"><iframe src="/frame.html"></iframe>
      <script>var a = "<a href='/no.html'>";</script></body></html>"""
    page = parse_html(html, "http://www.shishi.gov.cn/index.html")
    got = [(link.url, link.text, link.tag) for link in page.links]
    assert got == [
        ("http://www.shishi.gov.cn/zwgk/tzgg/index.html", "通知公告", "a"),
        ("http://www.shishi.gov.cn/files/a.pdf", "下载附件", "a"),
        ("http://www.shishi.gov.cn/img/pdf.png", "下载附件", "img"),
        ("http://cdn.example.com/logo.png", "徽标", "img"),
        ("http://www.shishi.gov.cn/frame.html", "", "iframe"),
    ]


def test_link_class_and_kind():
    hosts = frozenset({"www.shishi.gov.cn", "shishi.gov.cn"})
    domains = frozenset(registrable_domain(h) for h in hosts)
    assert domains == {"shishi.gov.cn"}
    assert link_class("www.shishi.gov.cn", hosts, domains) is LinkClass.IN_SITE
    assert link_class("jyj.shishi.gov.cn", hosts, domains) is LinkClass.SAME_DOMAIN
    assert link_class("www.gov.cn", hosts, domains) is LinkClass.OUTBOUND
    assert link_class("www.other.gov.cn", hosts, domains) is LinkClass.OUTBOUND
    assert resource_kind("http://x/a/b.DOCX", "a") is ResourceKind.ATTACHMENT
    assert resource_kind("http://x/a/b.ofd?x=1", "a") is ResourceKind.ATTACHMENT
    assert resource_kind("http://x/a.b/c", "a") is ResourceKind.PAGE
    assert resource_kind("http://x/a.html", "img") is ResourceKind.IMAGE


# Realistic error pages of TRS / Hanweb style CMSs (positive) and normal pages (negative).
SOFT404_TRS = ("页面提示", "对不起，您访问的页面不存在或已被删除！ 5秒后自动返回首页 返回首页")
SOFT404_TITLE = ("404", "石市人民政府 返回首页 联系我们")
NORMAL_SHORT = ("政务公开", "政务公开 通知公告 政策文件 404 件 找不到办事入口？请拨打12345 热线")
NORMAL_ARTICLE = ("群众反映找不到办事大厅的整改情况", "关于群众反映找不到办事大厅的答复。" * 200)


def test_soft404_pages():
    assert is_soft404_page(*SOFT404_TRS)
    assert is_soft404_page(*SOFT404_TITLE)
    assert not is_soft404_page(*NORMAL_SHORT)
    assert not is_soft404_page(*NORMAL_ARTICLE)


def test_response_classes():
    home = "http://www.shishi.gov.cn/"
    deep = "http://www.shishi.gov.cn/zwgk/2019/t123.html"
    assert classify_response(200, deep, deep, title="x", text="正文" * 900) is None
    assert classify_response(200, deep, home, text=None) is LinkFailure.SOFT_404
    assert classify_response(200, deep, home + "index.html", text=None) is LinkFailure.SOFT_404
    assert classify_response(200, home, home + "index.html", text=None) is None
    assert classify_response(200, deep, "http://www.shishi.gov.cn/zwgk/", text=None) is None
    assert classify_response(404, deep, deep) is LinkFailure.HTTP_4XX
    assert classify_response(503, deep, deep) is LinkFailure.HTTP_5XX
    waf = ("访问拦截", "您的请求带有不合法参数，已被网站管理员设置拦截！ 网站防火墙 安全狗")
    assert classify_response(403, deep, deep, title=waf[0], text=waf[1]) is LinkFailure.BLOCKED
    assert classify_response(403, deep, deep, title="403 Forbidden", text="Forbidden") \
        is LinkFailure.HTTP_4XX
    assert classify_response(403, deep, deep) is LinkFailure.HTTP_4XX  # HEAD: no body to judge
    assert not is_homepage_redirect(deep, "http://www.other.gov.cn/")


def test_exceptions_map_to_failure_classes():
    def wrapped(inner: Exception, outer: type[Exception]) -> Exception:
        try:
            try:
                raise inner
            except Exception as e:
                raise outer(str(e)) from e
        except Exception as e:  # noqa: BLE001
            return e

    assert classify_exception(wrapped(tx_error.DNSLookupError("x"), CannotResolveHostError)) \
        is LinkFailure.DNS
    assert classify_exception(tx_error.ConnectionRefusedError()) is LinkFailure.REFUSED
    assert classify_exception(wrapped(tx_error.TimeoutError(), DownloadTimeoutError)) \
        is LinkFailure.TIMEOUT
    tls = ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", "certificate verify failed")]))])
    assert classify_exception(tls) is LinkFailure.TLS
    assert classify_exception(RedirectLoop("a → b")) is LinkFailure.REDIRECT_LOOP
    assert classify_exception(wrapped(AddressRefused("x"), CannotResolveHostError)) \
        is LinkFailure.OTHER
    assert classify_exception(tx_error.ConnectionLost()) is LinkFailure.OTHER


def _resolve(resolver: GovResolver, name: str):
    out = []
    resolver.getHostByName(name).addBoth(out.append)
    return out[0]


def test_resolver_closed_world_and_private_policy():
    closed = GovResolver(None, 0, 5.0, {"www.shishi.gov.cn": "127.0.0.2"}, allow_private=True)
    assert _resolve(closed, "WWW.shishi.gov.cn") == "127.0.0.2"
    failed = _resolve(closed, "www.baidu.com")
    assert isinstance(failed, Failure) and failed.check(tx_error.DNSLookupError)
    assert _resolve(closed, "127.0.0.1") == "127.0.0.1"
    assert isinstance(_resolve(closed, "8.8.8.8"), Failure)  # outside the closed world
    strict = GovResolver(None, 0, 5.0, {"www.shishi.gov.cn": "127.0.0.2"}, allow_private=False)
    refused = _resolve(strict, "www.shishi.gov.cn")
    assert isinstance(refused, Failure) and refused.check(AddressRefused)
    assert isinstance(_resolve(strict, "10.1.2.3"), Failure)
