"""Workspace views. Each is a thin shell: it takes its data from ``request.scope`` (the one
scoping layer, ``accounts.scope``) and calls the services of the rounds, decisions and
rectify apps; nothing here filters by unit or computes a score."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin

from govinspect.core.indicator_sets import IndicatorSetError, load_indicator_set
from govinspect.web.decisions import services as decisions
from govinspect.web.decisions.models import Flag
from govinspect.web.decisions.services import counts_for_score
from govinspect.web.rectify import recheck
from govinspect.web.rectify import services as rectify
from govinspect.web.rectify.models import OPEN_STATES, ItemState, Recheck, RecheckOutcome
from govinspect.web.rounds.models import ReviewState
from govinspect.web.workspace.access import ALL, OFFICE, REVIEWERS, forbidden, workspace_view
from govinspect.web.workspace.forms import (
    BulkDecisionForm,
    DecisionForm,
    FlagForm,
    PublishForm,
    TransitionForm,
)
from govinspect.web.workspace.replay import REPLAY_CSP, CaptureMissing, read_capture, replay

PAGE_SIZE = 100


@cache
def _rules() -> dict:
    from govinspect.rules.base import all_rules

    return {r.id: r for r in all_rules()}


def _iset(round_):
    try:
        return load_indicator_set(round_.indicator_set)
    except IndicatorSetError:
        return None


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'、'.join(errors)}" if label else "、".join(errors))
    return "；".join(parts)


# ── home, rounds, dashboard ──────────────────────────────────────────────────────────────

@workspace_view(ALL)
def home(request):
    if request.scope.can_rectify:
        return redirect("workspace:items")
    return redirect("workspace:rounds")


@workspace_view(ALL)
def rounds(request):
    scope = request.scope
    rows = []
    for r in scope.rounds().select_related("publication").order_by("-reference_time"):
        items = scope.items().filter(round=r)
        rows.append({"round": r, "published": getattr(r, "publication", None),
                     "sites": scope.sites(r.sites.all()).count(),
                     "items": items.count(),
                     "open": items.filter(state__in=OPEN_STATES).count()})
    return render(request, "workspace/rounds.html", {"rows": rows})


@workspace_view(ALL)
def round_dashboard(request, round_id: int):
    from govinspect.web.workspace.dashboard import build_dashboard

    scope = request.scope
    round_ = scope.get_round(round_id)
    context = {"round": round_, "published": decisions.is_published(round_)}
    try:
        context["dash"] = build_dashboard(round_, scope)
    except Exception as exc:  # noqa: BLE001 — a round that cannot be scored yet: say why
        context["error"] = f"本轮暂时无法评分：{exc}"
    if scope.can_review:
        context["queue"] = len(decisions.review_queue(round_))
    items = scope.items().filter(round=round_)
    context["items"] = items.count()
    context["overdue"] = rectify.overdue(items).count()
    if scope.can_publish and not context["published"]:
        context["publish_form"] = PublishForm(initial={"deadline": rectify.default_deadline()})
    return render(request, "workspace/dashboard.html", context)


DOWNLOADS = {
    "notice-docx": (0, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "notice-xlsx": (1, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "notice-html": (2, "text/html; charset=utf-8"),
}


@workspace_view(REVIEWERS)
def round_download(request, round_id: int, kind: str):
    """The 通报 and its attachments, written now from the reviewed state (they name every
    unit: for the office and inspectors only)."""
    from govinspect.web.rounds.notice import write_round_notice

    round_ = request.scope.get_round(round_id)
    if kind not in DOWNLOADS:
        raise Http404("没有这种下载")
    index, content_type = DOWNLOADS[kind]
    publication = getattr(round_, "publication", None)
    issued = timezone.localdate(publication.published_at) if publication else None
    with tempfile.TemporaryDirectory(prefix="govinspect-notice-") as tmp:
        try:
            paths = write_round_notice(round_, Path(tmp), issued_on=issued)
        except Exception as exc:  # noqa: BLE001 — templates, calendar, indicator set
            return forbidden(request, f"通报未生成：{exc}", status=409)
        path = paths[index]
        data = path.read_bytes()
        name = path.name
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@workspace_view(OFFICE, methods=("POST",))
def round_publish(request, round_id: int):
    round_ = request.scope.get_round(round_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("workspace:round", round_id=round_.pk)
    try:
        result = rectify.publish_round(round_, request.user, form.cleaned_data["deadline"])
    except rectify.RectifyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"通报已发布：生成整改事项 {result.items} 项"
                                  f"（计入评分 {result.counted} 项）")
    return redirect("workspace:round", round_id=round_.pk)


# ── findings and evidence ────────────────────────────────────────────────────────────────

@workspace_view(ALL)
def round_findings(request, round_id: int):
    scope = request.scope
    round_ = scope.get_round(round_id)
    qs = scope.findings().filter(round=round_).select_related("site", "account")
    site = request.GET.get("site", "").strip()
    rule = request.GET.get("rule", "").strip()
    state = request.GET.get("state", "").strip()
    if site:
        qs = qs.filter(Q(site__code=site) | Q(account__code=site))
    if rule:
        qs = qs.filter(rule_id=rule)
    if state in ReviewState.values:
        qs = qs.filter(review_state=state)
    qs = qs.order_by("site__code", "account__code", "indicator_id", "rule_id", "url", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rules = (scope.findings().filter(round=round_).values("rule_id")
             .annotate(n=Count("id")).order_by("rule_id"))
    return render(request, "workspace/findings.html", {
        "round": round_, "page": page, "rules": rules, "states": ReviewState.values,
        "filters": {"site": site, "rule": rule, "state": state}})


@workspace_view(ALL)
def round_site(request, round_id: int, site_code: str):
    scope = request.scope
    round_ = scope.get_round(round_id)
    site = scope.get_site(site_code)
    if not round_.sites.filter(pk=site.pk).exists():
        raise Http404("本轮没有检查该网站")
    from govinspect.web.rounds.notice import score_db_round

    result = next((r for r in score_db_round(round_, compare=False).sites
                   if r.entry.site.code == site.code), None)
    findings = (scope.findings().filter(round=round_, site=site)
                .order_by("indicator_id", "rule_id", "url", "id"))
    iset = _iset(round_)
    rows = [(f, counts_for_score(f, iset) if iset else False) for f in findings]
    return render(request, "workspace/site.html", {
        "round": round_, "site": site, "result": result, "rows": rows,
        "items": scope.items().filter(round=round_, site=site)})


def _evidence_capture(scope, finding) -> tuple[str, str, str] | None:
    """(capture reference, URL shown, how it relates to the finding) or None."""
    if finding.capture:
        return finding.capture, finding.url, "page"
    if finding.site_id is None:
        return None
    captures = scope.captures().filter(round=finding.round_id, site=finding.site_id)
    page = captures.filter(url=finding.url).first()
    if page and page.status == 200 and "html" in (page.content_type or "").lower():
        return page.ref, page.url, "page"
    parent = captures.filter(url=finding.parent_url).first() if finding.parent_url else None
    if parent is not None:
        return parent.ref, parent.url, "parent"
    if page is not None:
        return page.ref, page.url, "page"
    return None


@workspace_view(ALL)
def finding_detail(request, finding_id: int):
    scope = request.scope
    finding = scope.get_finding(finding_id)
    round_ = finding.round
    iset = _iset(round_)
    history = (scope.findings().filter(fingerprint=finding.fingerprint, site=finding.site,
                                       account=finding.account)
               .select_related("round").order_by("round__reference_time"))
    span_text = decisions.term_of(finding)
    before = after = ""
    if span_text:
        before = finding.context[:finding.span_start]
        after = finding.context[finding.span_end:]
    context = {
        "finding": finding, "round": round_, "rule": _rules().get(finding.rule_id),
        "indicator": (iset.indicators.get(finding.indicator_id) if iset else None) or {},
        "item_problem": iset.problem(finding.indicator_id, finding.item)
        if iset and finding.indicator_id in iset.indicators else "",
        "counts": counts_for_score(finding, iset) if iset else False,
        "history": history, "span_text": span_text, "before": before, "after": after,
        "evidence": _evidence_capture(scope, finding),
        "items": scope.items().filter(findings=finding).select_related("round"),
        "published": decisions.is_published(round_),
    }
    if scope.can_review:
        context.update(decision_form=DecisionForm(), flag_form=FlagForm(),
                       decisions=finding.decisions.select_related("created_by").all(),
                       flags=finding.flags.select_related("created_by").all())
    return render(request, "workspace/finding.html", context)


@xframe_options_sameorigin
@workspace_view(ALL)
def finding_capture(request, finding_id: int):
    """The captured page, inert (replay.py), for the evidence view's sandboxed iframe."""
    scope = request.scope
    finding = scope.get_finding(finding_id)
    found = _evidence_capture(scope, finding)
    if found is None:
        raise Http404("该问题没有网页快照")
    ref, _url, relation = found
    from govinspect.web.rounds.services import round_dir

    warc_dir = round_dir(finding.round) / "collect" / "warc"
    try:
        capture = read_capture(warc_dir, ref)
    except CaptureMissing as exc:
        response = HttpResponse(f"<p>{exc}</p>", content_type="text/html; charset=utf-8",
                                status=404)
        response["Content-Security-Policy"] = REPLAY_CSP
        return response
    same_site = scope.captures().filter(round=finding.round_id, site=finding.site_id)

    def resource(url: str):
        row = same_site.filter(url=url, status=200).first()
        if row is None:
            return None
        try:
            found_capture = read_capture(warc_dir, row.ref)
        except CaptureMissing:
            return None
        return row.content_type, found_capture.body

    # on the page that links to it, a finding about a link marks the link itself
    result = replay(capture, needle=decisions.term_of(finding),
                    href=finding.url if relation == "parent" else "", resource=resource)
    response = HttpResponse(result.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPLAY_CSP
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Govinspect-Highlighted"] = "1" if result.highlighted else "0"
    return response


# ── review (复核) ────────────────────────────────────────────────────────────────────────

def _back(request, fallback: str) -> str:
    """Where to go after a form: the posted ``next`` when it stays on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@workspace_view(REVIEWERS, methods=("POST",))
def finding_decide(request, finding_id: int):
    scope = request.scope
    finding = scope.get_finding(finding_id)
    form = DecisionForm(request.POST)
    back = _back(request, reverse("workspace:finding", args=[finding.pk]))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        made = decisions.decide(scope, [finding], data["verdict"], data["scope"], data["reason"],
                                data["expires_on"])
    except decisions.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        n = made[0].applied.count()
        messages.success(request, f"已{made[0].get_verdict_display()}（{made[0].get_scope_display()}），"
                                  f"涉及问题 {n} 条")
    return redirect(back)


@workspace_view(REVIEWERS, methods=("POST",))
def finding_flag(request, finding_id: int):
    scope = request.scope
    finding = scope.get_finding(finding_id)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            decisions.flag(finding, request.user, form.cleaned_data["reason"])
        except decisions.DecisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已提交复核，该问题进入复核队列")
    else:
        messages.error(request, _form_errors(form))
    return redirect("workspace:finding", finding_id=finding.pk)


@workspace_view(REVIEWERS)
def review_queue(request, round_id: int):
    round_ = request.scope.get_round(round_id)
    queue = decisions.review_queue(round_)
    rules = sorted({f.rule_id for f in queue})
    rule = request.GET.get("rule", "")
    if rule:  # many alike: one rule at a time, then select all and decide once
        queue = [f for f in queue if f.rule_id == rule]
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    flagged = {f.finding_id: f for f in
               Flag.objects.filter(finding__in=[f.pk for f in page], resolved_by__isnull=True)}
    rows = [(f, flagged.get(f.pk)) for f in page]
    return render(request, "workspace/review.html", {
        "round": round_, "rows": rows, "page": page, "rules": rules, "rule": rule,
        "total": len(queue), "form": BulkDecisionForm(),
        "published": decisions.is_published(round_)})


@workspace_view(REVIEWERS, methods=("POST",))
def review_decide(request, round_id: int):
    scope = request.scope
    round_ = scope.get_round(round_id)
    if request.POST.get("all") == "1":  # every finding of the queue (of the chosen rule)
        rule = request.POST.get("rule", "")
        ids = [f.pk for f in decisions.review_queue(round_) if not rule or f.rule_id == rule]
    else:
        ids = [int(x) for x in request.POST.getlist("findings") if x.isdigit()]
    chosen = list(scope.findings().filter(round=round_, pk__in=ids)
                  .select_related("round", "site", "account"))
    data = request.POST.copy()
    data.setlist("findings", [str(f.pk) for f in chosen])
    form = BulkDecisionForm(data, choices=[(f.pk, f.pk) for f in chosen])
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "请选择要复核的问题")
        return redirect("workspace:review", round_id=round_.pk)
    data = form.cleaned_data
    try:
        made = decisions.decide(scope, chosen, data["verdict"], data["scope"], data["reason"],
                                data["expires_on"])
    except decisions.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        n = sum(d.applied.count() for d in made)
        messages.success(request, f"已复核：{len(made)} 项决定，涉及问题 {n} 条；得分已按复核结果重新计算")
    return redirect("workspace:review", round_id=round_.pk)


@workspace_view(REVIEWERS)
def decision_list(request):
    qs = request.scope.decisions().select_related("round", "site", "account", "created_by",
                                                  "revoked_by").annotate(n=Count("applied")).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workspace/decisions.html", {"page": page,
                                                        "today": timezone.localdate()})


@workspace_view(REVIEWERS, methods=("POST",))
def decision_revoke(request, decision_id: int):
    decision = request.scope.get_decision(decision_id)
    try:
        n = decisions.revoke(request.scope, decision)
    except decisions.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤销复核决定#{decision.pk}，{n} 条问题恢复为待复核")
    return redirect("workspace:decisions")


# ── rectification (整改) ─────────────────────────────────────────────────────────────────

def _items_page(request, qs, context: dict):
    state = request.GET.get("state", "")
    if request.GET.get("overdue"):
        qs = rectify.overdue(qs)
    if state in ItemState.values:
        qs = qs.filter(state=state)
    latest = Recheck.objects.filter(item=OuterRef("pk")).order_by("-started", "-id")
    qs = qs.annotate(recheck_outcome=Subquery(latest.values("outcome")[:1]))
    qs = qs.select_related("round", "unit", "site", "account").order_by(
        "deadline", "unit__region", "unit__name", "-counted", "indicator_id", "id")
    context.update(page=Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
                   states=ItemState.values, state=state, overdue=bool(request.GET.get("overdue")),
                   today=timezone.localdate())
    return render(request, "workspace/items.html", context)


@workspace_view(ALL)
def items(request):
    scope = request.scope
    qs = scope.items()
    summary = {s: qs.filter(state=s).count() for s in ItemState.values}
    return _items_page(request, qs, {"summary": summary,
                                     "overdue_count": rectify.overdue(qs).count()})


@workspace_view(ALL)
def round_items(request, round_id: int):
    scope = request.scope
    round_ = scope.get_round(round_id)
    qs = scope.items().filter(round=round_)
    summary = {s: qs.filter(state=s).count() for s in ItemState.values}
    return _items_page(request, qs, {"round": round_, "summary": summary,
                                     "overdue_count": rectify.overdue(qs).count()})


@workspace_view(ALL)
def items_export(request, round_id: int):
    scope = request.scope
    round_ = scope.get_round(round_id)
    from govinspect.web.workspace import exports

    data = exports.items_workbook(scope.items().filter(round=round_), scope.audit())
    response = HttpResponse(data, content_type=DOWNLOADS["notice-xlsx"][1])
    name = f"{round_.name}-整改事项与记录.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@workspace_view(ALL)
def item_detail(request, item_id: int):
    scope = request.scope
    item = scope.get_item(item_id)
    moves = rectify.allowed_moves(scope, item)
    form = TransitionForm(initial={"to_state": moves[0]} if moves else None)
    form.fields["to_state"].choices = [(m, m) for m in moves]
    rechecks = list(item.rechecks.select_related("entry").all()[:20])
    return render(request, "workspace/item.html", {
        "item": item, "moves": moves, "form": form,
        "audit": scope.audit().filter(item=item).select_related("actor"),
        "findings": scope.findings(item.findings.all()).order_by("url"),
        "rechecks": rechecks,
        "rechecking": any(r.outcome == RecheckOutcome.RUNNING for r in rechecks),
        "recheck_plan": recheck.plan(item),
        "recheck_mode": getattr(settings, "GOVINSPECT_RECHECK", "thread")})


@workspace_view(ALL, methods=("POST",))
def item_transition(request, item_id: int):
    scope = request.scope
    item = scope.get_item(item_id)
    form = TransitionForm(request.POST, request.FILES)
    form.fields["to_state"].choices = [(m, m) for m in rectify.allowed_moves(scope, item)]
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("workspace:item", item_id=item.pk)
    try:
        rectify.transition(scope, item, form.cleaned_data["to_state"],
                           form.cleaned_data["reason"], form.cleaned_data.get("file"))
    except rectify.RectifyError as exc:
        messages.error(request, str(exc))
        return redirect("workspace:item", item_id=item.pk)
    messages.success(request, f"已改为“{item.state}”")
    if item.state == ItemState.FIXED:
        started = recheck.submit_recheck(item)  # the automatic re-check
        if started is not None and started.outcome == RecheckOutcome.RUNNING:
            messages.info(request, "平台正在自动复查：重新抓取问题页面并运行规则")
    return redirect("workspace:item", item_id=item.pk)


@xframe_options_sameorigin
@workspace_view(ALL)
def item_recheck_page(request, item_id: int, recheck_id: int, page: int):
    """A page the automatic re-check fetched again, inert (as ``finding_capture``)."""
    scope = request.scope
    item = scope.get_item(item_id)
    found = item.rechecks.filter(pk=recheck_id).first()
    rows = found.pages if found is not None else []
    if not 0 <= page < len(rows) or not rows[page].get("ref"):
        raise Http404("没有这个复查页面")
    warc_dir = Path(settings.WORKSPACE) / found.folder / "warc"
    try:
        capture = read_capture(warc_dir, rows[page]["ref"])
    except CaptureMissing as exc:
        response = HttpResponse(f"<p>{exc}</p>", content_type="text/html; charset=utf-8",
                                status=404)
        response["Content-Security-Policy"] = REPLAY_CSP
        return response
    result = replay(capture)
    response = HttpResponse(result.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPLAY_CSP
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@workspace_view(ALL)
def item_file(request, item_id: int, entry_id: int):
    scope = request.scope
    item = scope.get_item(item_id)
    entry = scope.get_audit_entry(item, entry_id)
    if not entry.file:
        raise Http404("该记录没有附件")
    try:
        handle = entry.file.open("rb")
    except OSError:
        raise Http404("附件文件已不存在") from None
    name = Path(entry.file.name).name
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
