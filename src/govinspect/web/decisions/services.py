"""Review (复核) services: the review queue, confirm / dismiss with a scope, and applying
decisions to the stored findings of later rounds (no re-crawl, no re-analysis).

A decision sets ``Finding.review_state``; the score and the 通报 read that state through
``rounds.services.counts_for_score``, so they recompute from the reviewed state by themselves.

Which findings a decision reaches (``matching``): findings of the rounds from the decision's
round on, up to its expiry date, that are not in a published round, and
- ``finding``: the same fingerprint;
- ``url``: the same rule at the same URL of the same site or account;
- ``rule_site``: the same rule anywhere on the same site or account;
- ``term``: the same rule flagging exactly the same text (the span of the context), anywhere.
The finding a person decided on directly always takes the decision; other findings take it
only while they are still 待复核, so a decision never overrides another person's explicit one.
When several decisions reach a pending finding, the newest wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.web.decisions.models import Decision, DecisionScope, Flag, Verdict
from govinspect.web.rounds.models import Finding, ReviewState, Round

DEFAULT_VALIDITY = dt.timedelta(days=365)


class DecisionError(Exception):
    """Nothing was decided (message in Chinese)."""


def counts_for_score(row: Finding, iset) -> bool:
    """``rounds.services.counts_for_score``, imported on first use: that module brings the
    crawler (Scrapy) with it, which a web request for a page should not wait for."""
    from govinspect.web.rounds.services import counts_for_score as counts

    return counts(row, iset)


def is_published(round_: Round) -> bool:
    return hasattr(round_, "publication") and round_.publication is not None


def _published_ids() -> QuerySet:
    return Round.objects.filter(publication__isnull=False).values("pk")


def term_of(finding: Finding) -> str:
    """The offending text of a finding (its span of the context), or ''."""
    if finding.span_start is None or finding.span_end is None:
        return ""
    return finding.context[finding.span_start:finding.span_end]


def review_queue(round_: Round) -> list[Finding]:
    """What waits for a person: 待复核 findings that do not count until reviewed (疑似, or of
    an indicator that needs review), and every finding an inspector flagged and nobody has
    decided since."""
    iset = load_indicator_set(round_.indicator_set)
    flagged = set(Flag.objects.filter(finding__round=round_, resolved_by__isnull=True)
                  .values_list("finding_id", flat=True))
    rows = (Finding.objects.filter(round=round_)
            .filter(Q(review_state=ReviewState.PENDING) | Q(pk__in=flagged))
            .select_related("site", "account")
            .order_by("site__code", "account__code", "rule_id", "url", "id"))
    return [r for r in rows if r.pk in flagged
            or (r.review_state == ReviewState.PENDING and not counts_for_score(r, iset))]


def open_flags(finding: Finding) -> QuerySet:
    return Flag.objects.filter(finding=finding, resolved_by__isnull=True)


def flag(finding: Finding, user, reason: str) -> Flag:
    if not reason.strip():
        raise DecisionError("请填写需要复核的原因")
    if is_published(finding.round):
        raise DecisionError("本轮通报已发布，不能再提交复核")
    return Flag.objects.create(finding=finding, reason=reason.strip(), created_by=user)


def _until(expires_on: dt.date) -> dt.datetime:
    """The first instant after the expiry date (local time)."""
    return timezone.make_aware(dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time()))


def matching(decision: Decision, qs: QuerySet | None = None) -> list[Finding]:
    """The findings ``decision`` reaches (see the module docstring), any review state."""
    qs = Finding.objects.all() if qs is None else qs
    qs = (qs.filter(rule_id=decision.rule_id,
                    round__reference_time__gte=decision.round.reference_time,
                    round__reference_time__lt=_until(decision.expires_on))
          .exclude(round__in=_published_ids()))
    if decision.scope != DecisionScope.TERM:
        qs = qs.filter(site=decision.site, account=decision.account)
    if decision.scope == DecisionScope.FINDING:
        return list(qs.filter(fingerprint=decision.fingerprint))
    if decision.scope == DecisionScope.URL:
        return list(qs.filter(url=decision.url))
    if decision.scope == DecisionScope.RULE_SITE:
        return list(qs)
    return [f for f in qs.filter(context__contains=decision.term) if term_of(f) == decision.term]


def _reason_text(decision: Decision) -> str:
    return f"{decision.reason}（复核决定#{decision.pk}：{decision.get_scope_display()}）"


def _set_state(decision: Decision, rows: list[Finding]) -> int:
    state = Verdict(decision.verdict).review_state
    for row in rows:
        row.review_state, row.review_reason = state, _reason_text(decision)
    Finding.objects.bulk_update(rows, ["review_state", "review_reason"], batch_size=500)
    decision.applied.add(*rows)
    Flag.objects.filter(finding__in=rows, resolved_by__isnull=True).update(resolved_by=decision)
    return len(rows)


def decide(scope, findings: Iterable[Finding], verdict: str, decision_scope: str, reason: str,
           expires_on: dt.date | None = None) -> list[Decision]:
    """Confirm or dismiss ``findings`` (one or many alike) with one reason and scope; returns
    the decisions made (one per distinct target). ``scope`` is the acting user's
    ``accounts.scope.Scope``."""
    if not scope.can_review:
        raise DecisionError("只有组织单位和检查员可以复核")
    findings = list(findings)
    if not findings:
        raise DecisionError("请选择要复核的问题")
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError("请填写复核理由")
    try:
        verdict, decision_scope = Verdict(verdict), DecisionScope(decision_scope)
    except ValueError:
        raise DecisionError("复核结论或适用范围无效") from None
    for f in findings:
        if is_published(f.round):
            raise DecisionError(f"{f.round.name} 的通报已发布，复核结果不能再修改")
        if decision_scope == DecisionScope.TERM and not term_of(f):
            raise DecisionError(f"问题“{f.message}”没有标出词语，不能按词语适用")
    today = timezone.localdate()
    expires_on = expires_on or today + DEFAULT_VALIDITY
    if expires_on < today:
        raise DecisionError("有效期不能早于今天")

    made: list[Decision] = []
    seen: set[tuple] = set()
    with transaction.atomic():
        for f in findings:
            target = _target(f, decision_scope)
            if target in seen:  # already decided with an earlier finding of the batch
                continue
            seen.add(target)
            d = Decision.objects.create(
                verdict=verdict, scope=decision_scope, round=f.round, finding=f,
                rule_id=f.rule_id, site=f.site, account=f.account,
                fingerprint=f.fingerprint, url=f.url if decision_scope == DecisionScope.URL else "",
                term=term_of(f) if decision_scope == DecisionScope.TERM else "",
                reason=reason, expires_on=expires_on, created_by=scope.user)
            direct = [g for g in findings if _target(g, decision_scope) == target]
            others = [g for g in matching(d) if g.review_state == ReviewState.PENDING
                      and g.pk not in {x.pk for x in direct}]
            _set_state(d, direct + others)
            made.append(d)
    return made


def _target(f: Finding, decision_scope: DecisionScope) -> tuple:
    if decision_scope == DecisionScope.FINDING:
        return (f.rule_id, f.site_id, f.account_id, f.fingerprint)
    if decision_scope == DecisionScope.URL:
        return (f.rule_id, f.site_id, f.account_id, f.url)
    if decision_scope == DecisionScope.RULE_SITE:
        return (f.rule_id, f.site_id, f.account_id)
    return (f.rule_id, term_of(f))


def active_decisions(round_: Round) -> QuerySet:
    """Decisions that reach ``round_``: made in it or an earlier round, not expired at its
    reference date, not revoked; newest first."""
    return (Decision.objects.filter(revoked_at__isnull=True,
                                    round__reference_time__lte=round_.reference_time,
                                    expires_on__gte=timezone.localtime(
                                        round_.reference_time).date())
            .select_related("round", "site", "account").order_by("-created_at", "-id"))


def apply_decisions(round_: Round) -> int:
    """Apply the active decisions to ``round_``'s findings still 待复核 (after a new round's
    analysis, or a re-analysis); returns how many findings took a decision. A published
    round is left as it was published."""
    if is_published(round_):
        return 0
    done = 0
    with transaction.atomic():
        for d in active_decisions(round_):
            rows = [f for f in matching(d, Finding.objects.filter(round=round_))
                    if f.review_state == ReviewState.PENDING]
            if rows:
                done += _set_state(d, rows)
    return done


def revoke(scope, decision: Decision) -> int:
    """Withdraw a decision: the findings it set (in rounds not yet published) go back to
    待复核, unless a later decision has decided them since. Returns how many went back."""
    if not scope.can_review:
        raise DecisionError("只有组织单位和检查员可以撤销复核决定")
    if decision.revoked_at is not None:
        raise DecisionError("该复核决定已撤销")
    state = Verdict(decision.verdict).review_state
    with transaction.atomic():
        decision.revoked_at, decision.revoked_by = timezone.now(), scope.user
        decision.save(update_fields=["revoked_at", "revoked_by"])
        rows = list(decision.applied.filter(review_state=state,
                                            review_reason=_reason_text(decision))
                    .exclude(round__in=_published_ids()))
        for row in rows:
            row.review_state, row.review_reason = ReviewState.PENDING, ""
        Finding.objects.bulk_update(rows, ["review_state", "review_reason"], batch_size=500)
    return len(rows)
