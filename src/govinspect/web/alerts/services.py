"""Alert services: scan for events, put them in the outbox, send what is due, send digests.
``tick`` does all of it once (``govinspect alerts run``, or the Celery beat task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from govinspect.core.alerts import (
    Event,
    OpenItem,
    OutageState,
    Visit,
    deadline_events,
    digest_text,
    round_finished_event,
    track_outages,
)
from govinspect.core.probes import ProbeOutcome
from govinspect.web.accounts.scope import unit_closure
from govinspect.web.alerts.models import (
    Alert,
    Delivery,
    DeliveryState,
    Digest,
    Mode,
    OutageWatch,
    Recipient,
)
from govinspect.web.alerts.senders import SendError, send
from govinspect.web.rounds.models import Probe, Round

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)  # a claimed delivery is another sender's again after this


def _setting(name: str, default):
    return getattr(settings, name, default)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the n-th failure, at most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


# ── events → alerts → deliveries ────────────────────────────────────────────────────────────

def record(event: Event, *, round_: Round | None = None, unit=None,
           now: dt.datetime | None = None) -> Alert | None:
    """Store ``event`` once (by key) and queue a delivery per recipient it concerns; None when
    it was recorded before."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(key=event.key, kind=event.kind.value,
                                         title=event.title[:300], body=event.body,
                                         round=round_, unit=unit, created=now)
            for recipient in recipients_for(alert):
                Delivery.objects.create(recipient=recipient, alert=alert, next_attempt=now)
    except IntegrityError:
        if Alert.objects.filter(key=event.key).exists():
            return None  # found before (a rescan, another worker): nothing new
        raise
    return alert


def recipients_for(alert: Alert) -> list[Recipient]:
    out = []
    for r in Recipient.objects.filter(active=True).prefetch_related("units"):
        if r.kinds and alert.kind not in r.kinds:
            continue
        units = [u.pk for u in r.units.all()]
        if units and (alert.unit_id is None or alert.unit_id not in unit_closure(units)):
            continue  # a unit's recipient hears about its own units only
        out.append(r)
    return out


def scan_outages(threshold: int | None = None, rounds=None,
                 now: dt.datetime | None = None) -> list[Alert]:
    """Advance every site's outage watch over the probes recorded since the last scan."""
    threshold = threshold or _setting("GOVINSPECT_ALERT_OUTAGE_AFTER", 3)
    rounds = rounds if rounds is not None else Round.objects.filter(probes__isnull=False).distinct()
    made = []
    for round_ in rounds:
        for site in round_.sites.select_related("unit"):
            with transaction.atomic():
                watch, _ = OutageWatch.objects.select_for_update().get_or_create(
                    round=round_, site=site)
                visits = []
                rows = (Probe.objects.filter(round=round_, site=site, slot__gt=watch.last_slot)
                        .order_by("slot").values_list("slot", "outcome", "probed_at", "error"))
                for slot, outcome, at, error in rows:
                    if not outcome:
                        break  # a visit in progress: read on from here next time
                    visits.append(Visit(slot, ProbeOutcome(outcome),
                                        timezone.localtime(at) if at else None, error))
                if not visits:
                    continue
                state, events = track_outages(
                    OutageState(watch.last_slot, watch.streak, watch.streak_start,
                                watch.down_since),
                    visits, threshold, subject=site.code, name=site.name, scope=round_.name)
                watch.last_slot, watch.streak = state.last_slot, state.streak
                watch.streak_start, watch.down_since = state.streak_start, state.down_since
                watch.save()
                for event in events:
                    alert = record(event, round_=round_, unit=site.unit, now=now)
                    if alert:
                        made.append(alert)
    return made


def scan_deadlines(now: dt.datetime | None = None, near_days: int | None = None
                   ) -> list[Alert]:
    from govinspect.web.rectify.models import OPEN_STATES, Item

    now = now or timezone.now()
    today = timezone.localdate(now)
    near_days = near_days if near_days is not None else _setting(
        "GOVINSPECT_ALERT_DEADLINE_NEAR_DAYS", 3)
    items = {i.pk: i for i in Item.objects.filter(state__in=OPEN_STATES)
             .filter(deadline__lte=today + dt.timedelta(days=near_days))
             .select_related("unit", "site", "account", "round")}
    events = deadline_events(
        (OpenItem(i.pk, i.round_id, i.unit_id, i.unit.name, i.title,
                  (i.site or i.account).name, i.deadline) for i in items.values()),
        today, near_days)
    made = []
    for event, first in events:
        item = items[first.id]
        alert = record(event, round_=item.round, unit=item.unit, now=now)
        if alert:
            made.append(alert)
    return made


def notify_round_finished(round_: Round, now: dt.datetime | None = None) -> Alert | None:
    """The office hears once that ``round_`` was collected and analysed."""
    from govinspect.web.rounds.models import Capture, ReviewState

    findings = round_.findings.exclude(review_state=ReviewState.DISMISSED)
    event = round_finished_event(
        round_.pk, round_.name, round_.sites.count(),
        Capture.objects.filter(round=round_).count(), findings.count(),
        findings.filter(review_state=ReviewState.PENDING).count())
    return record(event, round_=round_, now=now)


# ── the outbox ──────────────────────────────────────────────────────────────────────────────

def collect_digests(now: dt.datetime | None = None) -> list[Digest]:
    """At or after the digest hour, one digest per digest recipient with waiting alerts,
    at most one a day; alerts arriving after today's digest wait for tomorrow's."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < _setting("GOVINSPECT_ALERT_DIGEST_HOUR", 8):
        return []
    made = []
    for recipient in Recipient.objects.filter(active=True, mode=Mode.DIGEST):
        with transaction.atomic():
            waiting = list(Delivery.objects.select_for_update()
                           .filter(recipient=recipient, alert__isnull=False, in_digest=None,
                                   state=DeliveryState.PENDING)
                           .select_related("alert").order_by("alert__created", "pk"))
            if not waiting or Digest.objects.filter(recipient=recipient,
                                                    day=local.date()).exists():
                continue
            title, body = digest_text(local.date(), [
                (d.alert.get_kind_display(), d.alert.title, d.alert.body) for d in waiting])
            digest = Digest.objects.create(recipient=recipient, day=local.date(),
                                           title=title[:300], body=body)
            Delivery.objects.filter(pk__in=[d.pk for d in waiting]).update(in_digest=digest)
            Delivery.objects.create(recipient=recipient, digest=digest, next_attempt=now)
            made.append(digest)
    return made


@dataclass
class SendSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due(now: dt.datetime | None = None, *, sender: Callable = send,
                limit: int = 200) -> SendSummary:
    """Send every due delivery (immediate alerts, digests) once; a failure is retried later
    with back-off and given up after ``MAX_ATTEMPTS`` (state 发送失败, error kept)."""
    now = now or timezone.now()
    summary = SendSummary()
    due = (Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt__lte=now)
           .filter(Q(alert__isnull=False, recipient__mode=Mode.IMMEDIATE)
                   | Q(digest__isnull=False))
           .order_by("next_attempt", "pk").values_list("pk", "next_attempt")[:limit])
    for pk, planned in list(due):
        # claim: only the sender whose update matched sends it (another one sees 0 rows)
        if not Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING,
                                       next_attempt=planned).update(next_attempt=now + LEASE):
            continue
        d = Delivery.objects.select_related("recipient", "alert", "digest").get(pk=pk)
        title, body = (d.alert.title, d.alert.body) if d.alert_id else (d.digest.title,
                                                                         d.digest.body)
        try:
            sender(d.recipient, title, body)
        except SendError as exc:
            d.attempts += 1
            d.last_error = str(exc)[:1000]
            if d.attempts >= MAX_ATTEMPTS:
                d.state = DeliveryState.FAILED
                summary.failed += 1
                summary.errors.append(f"{d.recipient}：{title}：{exc}")
            else:
                d.next_attempt = now + backoff(d.attempts)
                summary.retried += 1
            d.save(update_fields=["attempts", "last_error", "state", "next_attempt"])
            continue
        with transaction.atomic():
            d.attempts += 1
            d.state, d.sent_at, d.last_error = DeliveryState.SENT, timezone.now(), ""
            d.save(update_fields=["attempts", "state", "sent_at", "last_error"])
            if d.digest_id:
                Delivery.objects.filter(in_digest=d.digest_id).update(
                    state=DeliveryState.SENT, sent_at=d.sent_at)
        summary.sent += 1
    return summary


@dataclass
class TickSummary:
    alerts: int
    digests: int
    sent: SendSummary


def tick(now: dt.datetime | None = None, *, sender: Callable = send) -> TickSummary:
    """Everything once: scan probes and deadlines, make due digests, send what is due."""
    now = now or timezone.now()
    made = scan_outages(now=now) + scan_deadlines(now)
    digests = collect_digests(now)
    return TickSummary(len(made), len(digests), deliver_due(now, sender=sender))
