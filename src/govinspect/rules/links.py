"""Link rules: broken links on a site (indicator W-D22 可用性)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urldefrag

from govinspect.core.types import Evidence, Finding, LinkCheck, LinkFailure, SiteRef
from govinspect.rules.base import RecheckMode, Rule, Scope, register

# Zh-hans names of failure classes, used in finding messages and reports.
FAILURE_LABELS = {
    LinkFailure.DNS: "域名无法解析",
    LinkFailure.REFUSED: "连接被拒绝",
    LinkFailure.TLS: "证书或加密连接错误",
    LinkFailure.TIMEOUT: "访问超时",
    LinkFailure.HTTP_4XX: "页面不存在或禁止访问",
    LinkFailure.HTTP_5XX: "服务器错误",
    LinkFailure.REDIRECT_LOOP: "循环跳转",
    LinkFailure.SOFT_404: "页面显示不存在（软404）",
    LinkFailure.BLOCKED: "被防火墙拦截",
    LinkFailure.OTHER: "无法访问",
}

RESOURCE_LABELS = {"page": "链接", "attachment": "附件", "image": "图片"}


def _same_page(a: str, b: str) -> bool:
    return urldefrag(a)[0].rstrip("/") == urldefrag(b)[0].rstrip("/")


def dead_links(site: SiteRef, checks: Iterable[LinkCheck]) -> list[Finding]:
    """One finding per broken link per page it appears on.

    Links broken on the homepage feed the ``homepage`` item of W-D22, the others ``other``.
    A WAF or anti-bot answer (``blocked``) is not a broken link.
    """
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for check in checks:
        if not check.broken:
            continue
        key = (check.parent_url, check.url)
        if key in seen:  # the same link twice on one page is one problem
            continue
        seen.add(key)
        on_homepage = _same_page(check.parent_url, site.homepage)
        what = RESOURCE_LABELS.get(check.resource_kind.value, "链接")
        why = FAILURE_LABELS[check.failure]
        status = f"，状态码 {check.status}" if check.status else ""
        where = "首页" if on_homepage else "页面"
        findings.append(
            Finding(
                rule_id=DEAD_LINKS.id,
                indicator_id="W-D22",
                subject=site.code,
                message=f"{where}存在不可用{what}：{check.url}（{why}{status}）",
                evidence=Evidence(url=check.url, parent_url=check.parent_url,
                                  context=check.text),
                item="homepage" if on_homepage else "other",
                details={
                    "failure": check.failure.value,
                    "status": check.status,
                    "link_class": check.link_class.value,
                    "resource_kind": check.resource_kind.value,
                },
            )
        )
    return findings

def dead_link_checks(data, ctx) -> list[Finding]:
    """GI-L001 over the collector's link checks of one site."""
    return dead_links(data.site, data.link_checks)



DEAD_LINKS = register(
    Rule(
        id="GI-L001",
        title="不可用链接（死链）",
        indicators=("W-D22",),
        what="检查网站所有页面上的链接、图片和附件，访问失败（404、5xx、域名无法解析、连接被拒绝、"
        "超时、循环跳转、软404等）即为不可用链接。首页与其他页面分别计数。",
        why="错误链接让公众找不到信息，损害政府网站的可用性和公信力；检查指标对首页每处扣0.2分、"
        "其他页面每处扣0.1分。",
        example='<a href="/zwgk/tzgg/202201/t20220105_1234.html">关于做好春节期间安全生产工作的通知</a>'
        "（该地址返回404）",
        fix="删除或更正失效链接；栏目改版时为旧地址设置跳转；外部链接定期检查，失效后及时撤下。",
        basis="W-D22 可用性（国办秘函〔2019〕19号 扣分指标 功能设计）",
        check=dead_link_checks,
    scope=Scope.SITE, emits=(("W-D22", "homepage"), ("W-D22", "other")),
    recheck=RecheckMode.LINKS,
    needs=("link_checks",),
    )
)
