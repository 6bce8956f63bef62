"""Availability rule: the homepage cannot be opened too often (indicator W-V2 站点无法访问).

Thresholds come from the indicator set's ``W-V2`` entry (keys ``window: {days: N}``,
``probes_per_day``, ``timeout_s``, ``fail_ratio``) and fall back to the national values
(7 days, 20 a day, 15 s, 5 %) only where a key is absent.

Counting: only visits count — a slot the prober never probed (down, too late), one whose
visit was interrupted by the prober dying, or one refused by the round's address policy is
neither a failure nor part of the total. The monitoring is complete when at least
``window days × probes_per_day`` visits were made. Complete and failures / visits ≥
``fail_ratio`` → a veto finding (确定). Incomplete but already at or over the ratio → the same
finding as 疑似, for a person to confirm. Below the ratio → nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govinspect.core.probes import OUTCOME_LABELS, ProbeOutcome, ProbeResult
from govinspect.core.types import Confidence, Evidence, Finding, LinkFailure, SiteRef
from govinspect.rules.base import Rule, Scope, register
from govinspect.rules.links import FAILURE_LABELS

INDICATOR = "W-V2"
FIRST_FAILURES = 10  # how many failed visits the evidence lists


@dataclass(frozen=True)
class AvailabilityThresholds:
    window_days: int = 7
    probes_per_day: int = 20
    timeout_s: float = 15.0
    fail_ratio: Decimal = Decimal("0.05")

    @property
    def required(self) -> int:
        """Visits needed for complete monitoring."""
        return self.window_days * self.probes_per_day

    @classmethod
    def from_indicator(cls, entry: Mapping[str, Any] | None) -> AvailabilityThresholds:
        """From an indicator set's ``W-V2`` entry; absent keys keep the national values."""
        entry = entry or {}
        d = cls()
        window = entry.get("window") or {}
        days = window.get("days") if isinstance(window, Mapping) else None
        return cls(
            window_days=int(days if days is not None else entry.get("window_days", d.window_days)),
            probes_per_day=int(entry.get("probes_per_day", d.probes_per_day)),
            timeout_s=float(entry.get("timeout_s", d.timeout_s)),
            fail_ratio=Decimal(str(entry.get("fail_ratio", d.fail_ratio))),
        )


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def unreachable_homepage(site: SiteRef, probes: Iterable[ProbeResult],
                         thresholds: AvailabilityThresholds | None = None) -> list[Finding]:
    """At most one finding per site: the W-V2 veto when failed visits reach the ratio."""
    t = thresholds or AvailabilityThresholds()
    probes = sorted(probes, key=lambda p: p.slot)
    visits = [p for p in probes if p.outcome.counted]
    failures = [p for p in visits if p.outcome.failed]
    if not visits or not failures:
        return []
    ratio = Decimal(len(failures)) / Decimal(len(visits))
    if ratio < t.fail_ratio:
        return []
    complete = len(visits) >= t.required
    by_class = Counter(p.outcome.value for p in failures)
    not_counted = Counter(p.outcome.value for p in probes if not p.outcome.counted)
    classes = "、".join(f"{OUTCOME_LABELS[ProbeOutcome(c)]}{n}次"
                       for c, n in by_class.most_common())
    message = (f"首页在监测期内无法访问{len(failures)}次，占全部{len(visits)}次访问的"
               f"{_percent(ratio)}（不低于{_percent(t.fail_ratio)}；{classes}）")
    if not complete:
        message += f"；监测未满（应至少访问{t.required}次），需人工确认"
    first = [{"slot": p.slot, "planned_at": p.planned_at.isoformat(),
              "probed_at": p.probed_at.isoformat() if p.probed_at else None,
              "outcome": p.outcome.value, "label": OUTCOME_LABELS[p.outcome],
              "status": p.status, "latency_ms": p.latency_ms, "error": p.error}
             for p in failures[:FIRST_FAILURES]]
    context = "；".join(f"{f['probed_at'] or f['planned_at']} {f['label']}"
                       + (f"（{f['status']}）" if f["status"] else "") for f in first[:3])
    return [Finding(
        rule_id=UNREACHABLE_HOMEPAGE.id, indicator_id=INDICATOR, subject=site.code,
        message=message, evidence=Evidence(url=site.homepage, context=context),
        confidence=Confidence.CERTAIN if complete else Confidence.SUSPECTED,
        item="unreachable",
        details={
            "visits": len(visits), "failures": len(failures), "ratio": str(ratio),
            "fail_ratio": str(t.fail_ratio), "required": t.required, "complete": complete,
            "window_days": t.window_days, "probes_per_day": t.probes_per_day,
            "timeout_s": t.timeout_s, "failures_by_class": dict(by_class),
            "not_counted": dict(not_counted), "late": sum(p.late for p in visits),
            "first_failures": first,
        },
    )]

def homepage_probes(probe, ctx) -> list[Finding]:
    """GI-A001 over one site's homepage probes, thresholds from the indicator set."""
    return unreachable_homepage(probe.site, probe.probes, AvailabilityThresholds.from_indicator(
        ctx.indicator_set.indicators.get(INDICATOR)))



UNREACHABLE_HOMEPAGE = register(
    Rule(
        id="GI-A001",
        title="站点无法访问（首页可用性监测）",
        indicators=(INDICATOR,),
        what="在监测期（1周）内每天定时访问网站首页不少于20次，超过15秒仍无法打开（超时、域名无法"
        "解析、连接被拒绝、证书错误、服务器返回4xx/5xx等）即为一次访问失败；失败次数占全部访问"
        "次数的比例不低于5%即单项否决。探测程序停机而未做的探测不计入分子和分母；监测次数不足时"
        "只提示疑似，由人工确认。",
        why="首页打不开，公众就无法获取信息和办理服务；检查指标将其列为单项否决，一经认定网站"
        "即为不合格。",
        example="2022-06-25 09:00 访问 http://www.example.gov.cn/ 超过15秒无响应；"
        "一周168次访问中失败12次（7.14%）。",
        fix="排查服务器、网络线路、域名解析和证书；配置监控告警与冗余；计划内停机应在非工作时间"
        "并尽量缩短，改版或迁移前做好切换预案。",
        basis="W-V2 站点无法访问（国办秘函〔2019〕19号 单项否决指标）",
        check=homepage_probes,
    scope=Scope.PROBE, emits=(("W-V2", "unreachable"),),
    needs=("probes",),
    )
)


# ── the round could not inspect the site (GI-A002) ───────────────────────────────────────
def _monitoring(probes: list[ProbeResult], t: AvailabilityThresholds) -> str:
    """What the W-V2 probes say, in a sentence for the office."""
    visits = [p for p in probes if p.outcome.counted]
    if not visits:
        return ("本轮没有首页可用性监测记录，不能据此认定站点无法访问（W-V2），"
                "请核实后再评分")
    failures = sum(p.outcome.failed for p in visits)
    ratio = Decimal(failures) / Decimal(len(visits))
    if len(visits) < t.required:
        return (f"首页可用性监测未满（已访问{len(visits)}次，应至少{t.required}次，"
                f"失败{failures}次），不能据此认定站点无法访问，请核实后再评分")
    if ratio >= t.fail_ratio:
        return f"首页可用性监测认定站点无法访问（失败{failures}/{len(visits)}次，W-V2 单项否决）"
    return (f"首页可用性监测期内首页可以访问（失败{failures}/{len(visits)}次，"
            f"低于{_percent(t.fail_ratio)}），本轮采集失败的原因请核实后再评分")


def not_inspected(site: SiteRef, collected: Mapping[str, Any] | None,
                  probes: Iterable[ProbeResult] = (),
                  thresholds: AvailabilityThresholds | None = None) -> list[Finding]:
    """At most one finding per site: the crawl of the round got no homepage or no page.

    ``collected`` is the site's row of the collector's summary.json (``homepage_failure``,
    ``homepage_status``, ``homepage_redirect``, ``pages``); None when the collector has none
    (an unfinished collect is the round's guard's business, not a finding)."""
    if not collected:
        return []
    t = thresholds or AvailabilityThresholds()
    target = collected.get("homepage_redirect")
    failure = collected.get("homepage_failure")
    status = collected.get("homepage_status")
    pages = int(collected.get("pages") or 0)
    details: dict[str, Any] = {"pages": pages, "homepage_status": status,
                               "homepage_failure": failure}
    if target:
        item = "homepage_offsite"
        what = f"本轮采集时首页跳转到名录以外的网站 {target}，未作为本站首页采集"
        context = f"{site.homepage} → {target}"
        details["target"] = target
    elif failure or (status is not None and int(status) >= 400):
        item = "homepage_failed"
        try:
            label = FAILURE_LABELS[LinkFailure(failure)] if failure else "服务器返回错误状态"
        except ValueError:
            label = "无法访问"
        label += f"（状态码 {status}）" if status else ""
        what = f"本轮采集时首页无法打开：{label}"
        context = label
    elif pages == 0:
        item = "no_pages"
        what = "本轮采集未获取到本站任何页面（可能全部被拒绝或拦截）"
        context = what
    else:
        return []
    return [Finding(
        rule_id=NOT_INSPECTED.id, indicator_id=INDICATOR, subject=site.code,
        message=f"{what}；本站未能检查。{_monitoring(sorted(probes, key=lambda p: p.slot), t)}",
        evidence=Evidence(url=site.homepage, context=context),
        confidence=Confidence.CERTAIN, item=item, details=details,
    )]


def not_inspected_site(data, ctx) -> list[Finding]:
    return not_inspected(data.site, data.collected, data.probes,
                         AvailabilityThresholds.from_indicator(
                             ctx.indicator_set.indicators.get(INDICATOR)))


NOT_INSPECTED = register(
    Rule(
        id="GI-A002",
        title="本轮未能检查（首页无法获取或未采集到页面）",
        indicators=(INDICATOR,),
        what="本轮采集时首页无法打开（连接被拒绝、域名无法解析、超时、证书错误、服务器返回错误状态、"
        "被拦截），首页跳转到名录以外的网站，或整站没有采集到任何页面：本站未能检查。这条问题本身"
        "不否决、不扣分：首页可用性监测（GI-A001）认定无法访问时按 W-V2 单项否决；否则该网站"
        "结果为“待核实”，不计分、不参加排名，由检查人员核实（复核确认后补采或人工评分）。",
        why="未能检查的网站若按满分计，会以100分排在通报前列；无法检查本身就是需要说明的情况。",
        example="http://www.example.gov.cn/ 本轮采集时连接被拒绝；监测期内1周140次访问中失败"
        "20次（14.29%）→ 单项否决；没有监测记录 → 待核实。",
        fix="排查服务器、网络线路、域名解析、证书和防火墙策略；首页跳转到其他网站的，应恢复本站"
        "首页或在名录中登记新的网址。",
        basis="W-V2 站点无法访问（国办秘函〔2019〕19号 单项否决指标）；INDICATORS.md R11",
        check=not_inspected_site,
    scope=Scope.SITE, emits=(("W-V2", "homepage_failed"), ("W-V2", "homepage_offsite"), ("W-V2", "no_pages")),
    needs=("collected", "probes"), gate=True,
    )
)

