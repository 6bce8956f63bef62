"""Rectification services: publish a round (its 整改清单 become items), move an item through
its states with an audit entry each time, list what is overdue; the automatic re-check is ``recheck.py``.

States of an item (docs/platform.md):

    待整改 ──unit: 已整改 (note, optional file)──▶ 已整改 ──office/inspector/re-check──▶ 已核验
       ▲                                            │
       └──── 未通过 ◀──office/inspector/re-check────┘ (未通过 ──unit──▶ 已整改 again)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govinspect.core.indicator_sets import IndicatorSet, load_indicator_set
from govinspect.core.types import Finding as CoreFinding
from govinspect.reports.rectification import RectificationGroup, group_findings
from govinspect.web.decisions.services import counts_for_score
from govinspect.web.rectify.models import (
    OPEN_STATES,
    AuditEntry,
    Item,
    ItemState,
    Publication,
)
from govinspect.web.roster.models import Account, Site
from govinspect.web.rounds.models import Finding, ReviewState, Round

MAX_FILE_BYTES = 20 * 1024 * 1024

# (from, to) → who may make the move: "unit" (the unit's own users) or "verify" (office,
# inspectors and the automatic re-check, ``platform_transition``).
TRANSITIONS: dict[tuple[str, str], str] = {
    (ItemState.OPEN, ItemState.FIXED): "unit",
    (ItemState.FAILED, ItemState.FIXED): "unit",
    (ItemState.FIXED, ItemState.VERIFIED): "verify",
    (ItemState.FIXED, ItemState.FAILED): "verify",
}


class RectifyError(Exception):
    """The change was refused; nothing was written (message in Chinese)."""


def _actor_name(user) -> str:
    if user is None:
        return "平台自动复查"
    full = (user.get_full_name() or "").strip()
    return f"{full}（{user.get_username()}）" if full else user.get_username()


def allowed_moves(scope, item: Item) -> list[str]:
    """The states ``scope``'s user may move ``item`` to now."""
    moves = []
    for (src, dst), who in TRANSITIONS.items():
        if src != item.state:
            continue
        if (who == "unit" and scope.can_rectify) or (who == "verify" and scope.can_verify):
            moves.append(dst)
    return moves


# ── publication: findings → items ────────────────────────────────────────────────────────

@dataclass(frozen=True)
class PublishResult:
    publication: Publication
    items: int
    counted: int


def rectification_findings(round_: Round, iset: IndicatorSet) -> list[tuple[CoreFinding, bool]]:
    """The round's problems a unit must fix, each with whether it counts for the score:
    stored findings that review did not dismiss (bonus evidence is no problem), and the
    manual findings entered for the round (they always count)."""
    from govinspect.reports.findings import is_bonus
    from govinspect.web.review.services import manual_findings

    out: list[tuple[CoreFinding, bool]] = []
    rows = (Finding.objects.filter(round=round_).exclude(review_state=ReviewState.DISMISSED)
            .select_related("site", "account"))
    for row in rows:
        core = row.to_core()
        if not is_bonus(core, iset):
            out.append((core, counts_for_score(row, iset)))
    out += [(f, True) for f in manual_findings(round_)]
    return out


def _subjects(round_: Round, codes: set[str]) -> dict[str, Site | Account]:
    found: dict[str, Site | Account] = {s.code: s for s in Site.objects.filter(code__in=codes)}
    found.update({a.code: a for a in Account.objects.filter(code__in=codes - found.keys())})
    return found


def _title(iset: IndicatorSet, group: RectificationGroup) -> str:
    """The indicator's name and what is wrong, in the set's words (可用性：首页存在不可用链接)."""
    k = group.key
    indicator = iset.indicators.get(k.indicator_id)
    if indicator is None:
        return k.indicator_id
    entry = (indicator.get("items") or {}).get(k.item) or {}
    name = indicator.get("name", k.indicator_id)
    detail = entry.get("problem") or entry.get("sentence") or iset.problem(k.indicator_id)
    return name if detail in ("", name) else f"{name}：{detail}"


def default_deadline() -> dt.date:
    """The 通报's rectification deadline for a 通报 issued today."""
    from govinspect.web.rounds.notice import RECTIFY_DAYS

    return timezone.localdate() + dt.timedelta(days=RECTIFY_DAYS)


def publish_round(round_: Round, user, deadline: dt.date | None = None) -> PublishResult:
    """Publish ``round_``: every unit gets its items (grouped by ``group_findings``) with the
    deadline (default: the 通报's, ``default_deadline``), each with a first audit entry.
    Units see the round from now on; its review results are frozen."""
    if Publication.objects.filter(round=round_).exists():
        raise RectifyError(f"{round_.name} 的通报已发布")
    iset = load_indicator_set(round_.indicator_set)
    deadline = deadline or default_deadline()
    found = rectification_findings(round_, iset)
    counted_fps = {f.fingerprint for f, counted in found if counted}
    subjects = _subjects(round_, {f.subject for f, _ in found})
    groups = group_findings((f for f, _ in found),
                            {code: str(s.unit_id) for code, s in subjects.items()})
    rows_by_fp: dict[str, list[int]] = {}
    for pk, fp in Finding.objects.filter(round=round_).values_list("pk", "fingerprint"):
        rows_by_fp.setdefault(fp, []).append(pk)
    with transaction.atomic():
        publication = Publication.objects.create(round=round_, published_by=user,
                                                 deadline=deadline)
        counted = 0
        for group in groups:
            subject = subjects[group.key.subject]
            is_counted = any(fp in counted_fps for fp in group.fingerprints)
            counted += is_counted
            item = Item.objects.create(
                round=round_, unit_id=subject.unit_id,
                site=subject if isinstance(subject, Site) else None,
                account=subject if isinstance(subject, Account) else None,
                group_id=group.key.id, rule_id=group.key.rule_id,
                indicator_id=group.key.indicator_id, item=group.key.item,
                title=_title(iset, group)[:200], message=group.message,
                pages=list(group.pages), fingerprints=list(group.fingerprints),
                counted=is_counted, deadline=deadline)
            item.findings.set([pk for fp in group.fingerprints for pk in rows_by_fp.get(fp, ())])
            AuditEntry.objects.create(item=item, actor=user, actor_name=_actor_name(user),
                                      from_state="", to_state=ItemState.OPEN,
                                      reason=f"通报发布，整改期限 {deadline:%Y-%m-%d}")
    return PublishResult(publication, len(groups), counted)


# ── state changes ────────────────────────────────────────────────────────────────────────

def transition(scope, item: Item, to_state: str, reason: str,
               file: UploadedFile | None = None) -> AuditEntry:
    """Move ``item`` to ``to_state`` as ``scope``'s user, with the reason (the unit's note or
    the verifier's finding) and an optional file; one audit entry, atomically."""
    reason = (reason or "").strip()
    if not reason:
        raise RectifyError("请填写说明" if scope.can_rectify else "请填写核验意见")
    if file is not None and file.size > MAX_FILE_BYTES:
        raise RectifyError(f"附件不能超过 {MAX_FILE_BYTES // (1024 * 1024)} MB")
    entry = _move(scope.items(Item.objects.select_for_update()), item, scope.user,
                  lambda current: to_state in allowed_moves(scope, current), to_state, reason,
                  file)
    item.state = to_state
    return entry


def platform_transition(item: Item, to_state: str, reason: str) -> AuditEntry:
    """The automatic re-check's move (actor: the platform, 平台自动复查): only the verifier's
    moves out of 已整改 (``TRANSITIONS``), with the same lock and audit entry as a person's.
    Call inside a transaction to tie other writes (the re-check's record) to the move."""
    entry = _move(Item.objects.select_for_update(), item, None,
                  lambda current: TRANSITIONS.get((current.state, to_state)) == "verify",
                  to_state, reason, None)
    item.state = to_state
    return entry


def _move(visible: QuerySet, item: Item, user, allowed, to_state: str, reason: str,
          file: UploadedFile | None) -> AuditEntry:
    with transaction.atomic():
        # lock and re-read: two clicks never make two moves from the same state
        current = visible.filter(pk=item.pk).first()
        if current is None:
            raise RectifyError("没有找到该整改事项，或无权操作")
        if not allowed(current):
            raise RectifyError(f"不能把“{current.state}”的整改事项改为“{to_state}”")
        entry = AuditEntry(item=current, actor=user, actor_name=_actor_name(user),
                           from_state=current.state, to_state=to_state, reason=reason)
        if file is not None:
            entry.file.save(file.name, file, save=False)
        entry.save()
        current.state = to_state
        current.save(update_fields=["state", "updated"])
    return entry


def overdue(qs: QuerySet) -> QuerySet:
    """Items of ``qs`` past their deadline and still waiting for the unit."""
    return qs.filter(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
