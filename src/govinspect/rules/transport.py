"""Transport rules: HTTPS (G13, reported only in the national set) and IPv6 (W-D29).

Pure functions over ``TransportFacts`` (core/types.py) that the collector records per site;
nothing is judged when a fact is ``None`` (not measured)."""

from __future__ import annotations

from govinspect.core.types import Confidence, Evidence, Finding, SiteRef, TransportFacts
from govinspect.rules.base import Rule, Scope, register


def _finding(rule: Rule, site: SiteRef, facts: TransportFacts, indicator: str, item: str,
             message: str, confidence: Confidence = Confidence.CERTAIN, **details) -> Finding:
    return Finding(rule_id=rule.id, indicator_id=indicator, subject=site.code,
                   message=message, evidence=Evidence(url=facts.url or site.homepage),
                   confidence=confidence, item=item,
                   details={"checked_at": facts.checked_at, **details})


def https_findings(site: SiteRef, facts: TransportFacts, iset=None) -> list[Finding]:
    """GI-X001: G13 HTTPS problems, from one site's transport facts."""
    conf = (iset.indicators.get("G13") if iset is not None else None) or {}
    warn = int(conf.get("cert_warn_days", 30))
    out: list[Finding] = []

    def add(item: str, message: str, **details) -> None:
        out.append(_finding(HTTPS, site, facts, "G13", item, message, **details))

    if facts.https_available is False:
        add("no_https", "网站未提供HTTPS访问")
    elif facts.https_available:
        if facts.redirects_to_https is False:
            add("no_redirect", "HTTP访问未自动跳转至HTTPS")
        if facts.cert_valid is False:
            reason = {"cert_error": facts.cert_error} if facts.cert_error else {}
            add("cert_invalid", _cert_message(facts), **reason)
        elif facts.cert_days_left is not None and facts.cert_days_left < warn:
            add("cert_expiring", f"HTTPS证书将在{facts.cert_days_left}天后过期")
        if facts.hsts is False:
            add("no_hsts", "HTTPS响应未设置HSTS（Strict-Transport-Security）")
    return out


def ipv6_findings(site: SiteRef, facts: TransportFacts) -> list[Finding]:
    """GI-X002: W-D29 no IPv6, from one site's transport facts."""
    if facts.ipv6 is not False:
        return []
    return [_finding(IPV6, site, facts, "W-D29", "no_ipv6", _ipv6_message(facts),
                     _ipv6_confidence(facts), aaaa=facts.ipv6_aaaa,
                     prober_ipv6=facts.prober_ipv6)]


def check_transport(site: SiteRef, facts: TransportFacts, iset=None) -> list[Finding]:
    """Both transport rules on one site's facts (for callers outside the engine)."""
    return https_findings(site, facts, iset) + ipv6_findings(site, facts)


def _ipv6_message(facts: TransportFacts) -> str:
    if facts.ipv6_aaaa is False:
        return "网站域名没有AAAA记录，无法通过IPv6访问"
    if facts.ipv6_aaaa:
        return "网站域名有AAAA记录，但首页无法通过IPv6访问"
    return "网站首页无法通过IPv6访问"


def _ipv6_confidence(facts: TransportFacts) -> Confidence:
    """No AAAA record is certain once the probe reached some other site over IPv6 in the same
    run (its own network has IPv6, so no resolver in its path strips AAAA answers). Everything
    else stays suspected: without working IPv6 at the probe the lookup or the fetch may fail on
    its side, and a failed fetch over an existing AAAA record is one try that a transient
    outage or a broken route between the probe and the site also explains."""
    if facts.ipv6_aaaa is False and facts.prober_ipv6:
        return Confidence.CERTAIN
    return Confidence.SUSPECTED


def _cert_message(facts: TransportFacts) -> str:
    """Why the certificate is invalid, as far as the verification said."""
    reason = facts.cert_error or ""
    if reason == "expired":
        days = -facts.cert_days_left if facts.cert_days_left is not None else None
        return f"HTTPS证书已过期{f'（{days}天前）' if days and days > 0 else ''}"
    if reason == "hostname_mismatch":
        return "HTTPS证书与网站域名不符"
    if reason == "untrusted":
        return "HTTPS证书不受信任（自签名或证书链不完整）"
    if reason == "not_yet_valid":
        return "HTTPS证书尚未生效"
    return "HTTPS证书无效（过期、域名不符或证书链不完整）"


def https_check(data, ctx) -> list[Finding]:
    """GI-X001, when the collector recorded transport facts for the site."""
    return [] if data.transport is None else https_findings(data.site, data.transport,
                                                            ctx.indicator_set)


def ipv6_check(data, ctx) -> list[Finding]:
    """GI-X002, when the collector recorded transport facts for the site."""
    return [] if data.transport is None else ipv6_findings(data.site, data.transport)


HTTPS = register(Rule(
    id="GI-X001",
    title="未启用HTTPS或HTTPS配置不规范",
    indicators=("G13",),
    what="依据采集器记录的传输层事实判断：首页无法通过HTTPS访问；可以访问但HTTP不跳转HTTPS、"
    "证书无效（已过期、与域名不符、不受信任，写明原因）、证书将在 cert_warn_days 天内过期、"
    "未设置HSTS，各报一条。"
    "国家指标体系中不计分，地方指标体系可为 G13 设置分值。",
    why="明文HTTP传输的页面可能被运营商或中间人篡改、插入广告或暗链，用户提交的留言和个人信息"
    "也可能被窃听；证书失效会让浏览器拦截访问。",
    example="http://www.example.gov.cn/ 正常访问，https://www.example.gov.cn/ 连接失败。",
    fix="部署有效的HTTPS证书并设置自动续期；HTTP访问301跳转至HTTPS；开启HSTS。",
    basis="G13 HTTPS（《政府网站发展指引》安全防护要求，国家检查指标未计分，未确认）。",
    check=https_check,
    scope=Scope.SITE, emits=(("G13", "no_https"), ("G13", "no_redirect"), ("G13", "cert_invalid"), ("G13", "cert_expiring"), ("G13", "no_hsts")),
    needs=("transport",),
))

IPV6 = register(Rule(
    id="GI-X002",
    title="未完成IPv6改造",
    indicators=("W-D29",),
    what="依据采集器记录的传输层事实：网站域名没有AAAA记录，或有AAAA记录但首页无法通过IPv6访问"
    "时报告（写明是哪一种）。同一轮检查中检查机器已通过IPv6访问到其他网站（本机IPv6网络可用）时，"
    "没有AAAA记录的结果为确定；其余情况（检查机器的IPv6网络可能不通，或一次访问失败可能是临时"
    "故障）结果为疑似，由人工确认。",
    why="国家要求政府网站完成IPv6改造，检查指标对未完成的扣1分。",
    example="dig AAAA www.example.gov.cn 无记录；或有AAAA记录，但 curl -6 http://www.example.gov.cn/ "
    "连接被重置。",
    fix="为网站配置IPv6地址和AAAA记录，或接入支持IPv6的云服务/CDN，并验证首页和主要栏目可访问。",
    basis="W-D29 IPv6改造（国办秘函〔2019〕19号 扣分指标 功能设计）。",
    check=ipv6_check,
    scope=Scope.SITE, emits=(("W-D29", "no_ipv6"),),
    needs=("transport",),
))
