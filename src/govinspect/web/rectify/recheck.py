"""The automatic re-check of a rectification item a unit marked 已整改 (issue 17.5).

    submit_recheck(item)   what the web (and the REST API) calls after a unit's 已整改: records
                           a 复查中 ``Recheck`` and runs it as ``GOVINSPECT_RECHECK`` says
    recheck_item(item)     the whole re-check, blocking (a worker's task calls this; it runs
                           the 复查中 re-check submit_recheck recorded, or records one)
    run_recheck(pk)        runs a recorded 复查中 re-check

A re-check (1) plans what to fetch again from the rule that raised the item (``plan``), (2)
fetches those pages with the project's collector (``collect_sites_subprocess``: the same
politeness, robots, scope and private-address rules as a round, bounded in time) into the
re-check's own folder, whose WARC records are the new evidence, (3) runs the item's rule on the
fresh captures (``run_rule``) and (4) compares: none of the item's problems (fingerprints)
found again → 已核验; any found again → 未通过, each with an audit entry by the platform
(平台自动复查). A rule that cannot be judged from the pages alone (column freshness, a week of
monitoring, site search, new-media accounts …) is not pretended: the re-check says 待人工核验
and the item waits for a person, as does a re-check whose pages could not be fetched
(复查未完成).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import shutil
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from govinspect.collect.crawl import CollectError, collect_sites_subprocess, roster_hosts
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import iter_pages, read_captures, read_link_checks
from govinspect.core.types import CaptureRecord, Finding, SiteKind, SiteRef
from govinspect.rules.base import RecheckMode, all_rules
from govinspect.web.rectify.models import Item, ItemState, Recheck, RecheckOutcome
from govinspect.web.rectify.services import RectifyError, platform_transition

log = logging.getLogger(__name__)


def recheck_of(rule_id: str) -> RecheckMode:
    """How an item of ``rule_id`` is re-checked: the rule declares it (``Rule.recheck``):
    PAGES (the pages fetched again, the rule runs on them), LINKS (the pages that carried the
    broken links fetched again and their links checked, as in a round), ROSTER (judged from
    the site's roster entry: nothing to fetch); an unknown rule or MANUAL waits for a person."""
    rule = {r.id: r for r in all_rules()}.get(rule_id)
    return rule.recheck if rule is not None else RecheckMode.MANUAL

MAX_PAGES = 50  # an item on more pages than this waits for a person (or the next round)
TIMEOUT_S = 300.0  # the whole fetch; the collector's own per-request timeout applies within


class RecheckError(Exception):
    """The re-check could not run (message in Chinese)."""


# ── what to fetch ────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Plan:
    urls: tuple[str, ...] = ()  # pages to fetch again (each must answer 200)
    # in-site link targets fetched as pages too, for their status only (a broken link's
    # target: a page that says "not found" with status 200 is told apart only by its body,
    # as in the round, where the target was crawled as a page)
    targets: tuple[str, ...] = ()
    manual: str = ""  # why the item cannot be re-checked by itself ("" when it can)


def _in_site(url: str, site: SiteRef) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return urlsplit(url).scheme in ("http", "https") and host in roster_hosts([site])


def plan(item: Item) -> Plan:
    """What to fetch again for ``item``, or why a person must verify it."""
    if item.site_id is None:
        return Plan(manual="政务新媒体账号的问题需要人工核验（平台不能自动登录和浏览账号）")
    how = recheck_of(item.rule_id)
    if how == RecheckMode.MANUAL:
        return Plan(manual=f"规则 {item.rule_id} 需要全站采集、一段时间的监测或人工判断，"
                           "不能只凭重新抓取问题页面复查")
    site = item.site.to_ref()
    if how == RecheckMode.ROSTER:
        return Plan()
    targets: list[str] = []
    if how == RecheckMode.LINKS:
        urls = [u for u in item.findings.values_list("parent_url", flat=True) if u]
        targets = [u for u in dict.fromkeys(item.pages) if _in_site(u, site) and u not in urls]
    else:
        urls = list(item.pages)
    urls = list(dict.fromkeys(urls))
    if not urls:
        return Plan(manual="没有可以重新抓取的问题页面")
    outside = [u for u in urls if not _in_site(u, site)]
    if outside:
        return Plan(manual=f"问题页面不在本网站的域名内（{outside[0]}），平台不抓取")
    if len(urls) > MAX_PAGES:
        return Plan(manual=f"问题页面有 {len(urls)} 个，超过自动复查上限 {MAX_PAGES} 个")
    return Plan(urls=tuple(urls), targets=tuple(targets[:MAX_PAGES]))


# ── fetching ─────────────────────────────────────────────────────────────────────────────

def recheck_options() -> CollectOptions:
    """How the re-check fetches: the polite defaults of a real round, or the workspace's
    ``WORKSPACE/recheck-options.json`` (a ``CollectOptions`` dict: the demo writes its
    closed-world address map there)."""
    path = Path(settings.WORKSPACE) / "recheck-options.json"
    if path.is_file():
        return CollectOptions.from_dict(json.loads(path.read_text(encoding="utf-8")))
    return CollectOptions()


@dataclass
class Fetched:
    captures: dict[str, CaptureRecord]  # by the URL asked for
    pages: list  # [PageInput] with the real site code
    link_checks: list
    out_dir: Path


def fetch(site: SiteRef, urls: Iterable[str], out_dir: Path,
          options: CollectOptions | None = None, timeout_s: float = TIMEOUT_S) -> Fetched:
    """Fetch ``urls`` of ``site`` again with the collector, each as the one page of a crawl
    (depth 0: the page, and a status check of every link on it — the in-site pages it links
    to are checked after it, as a round checks the pages its caps kept it from crawling),
    into ``out_dir``."""
    from govinspect.rules.analyse import PageInput

    urls = list(urls)
    base = options or recheck_options()
    # one crawl "site" per page (the collector starts a site at its homepage); the codes map
    # back to the real site below
    probes = []
    for n, url in enumerate(urls):
        host = (urlsplit(url).hostname or "").lower()
        hosts = (host, *[h for h in site.hosts if h.lower() != host])
        probes.append(SiteRef(code=f"{site.code}~{n}", name=site.name, homepage=url,
                              kind=site.kind, hosts=hosts))
    opts = dataclasses.replace(
        base, max_depth=0, probe_transport=False, probe_search=False,
        workers=1, roster_hosts=roster_hosts([site]), sample_seed="recheck")
    try:
        collect_sites_subprocess(probes, out_dir, opts, timeout=timeout_s)
    except CollectError as exc:
        raise RecheckError(f"重新抓取失败：{exc}") from None
    except subprocess.TimeoutExpired:  # the collector's process is killed
        raise RecheckError(f"重新抓取超过 {timeout_s:.0f} 秒未完成") from None
    real = {p.code: site.code for p in probes}
    by_probe = {p.code: url for p, url in zip(probes, urls, strict=True)}
    captures = {}
    for c in read_captures(out_dir):
        if c.site_code in real and c.depth == 0:
            captures[by_probe[c.site_code]] = c
    pages = [PageInput(dataclasses.replace(c, site_code=site.code), body)
             for c, body in iter_pages(out_dir, attachments=False)
             if c.site_code in real and c.depth == 0]
    checks = [dataclasses.replace(k, site_code=site.code) for k in read_link_checks(out_dir)
              if k.site_code in real]
    return Fetched(captures, pages, checks, out_dir)


# ── the rule ─────────────────────────────────────────────────────────────────────────────

def run_rule(rule_id: str, site: SiteRef, pages: list, link_checks: list, round_) -> list[Finding]:
    """The findings of rule ``rule_id`` on freshly fetched ``pages`` of ``site``.

    The rule engine runs this one rule (its selection) over the fetched pages only. A rule
    that fails is an error of the re-check, never a passed item."""
    from govinspect.indicators.sets import load_indicator_set
    from govinspect.rules.analyse import RoundContext, Selection, analyse_round_pages
    from govinspect.rules.engine import FAILURE_RULE
    from govinspect.web.rounds.services import office_lexicon

    portal_hosts = tuple(h for s in round_.sites.filter(kind=SiteKind.PORTAL.value)
                         for h in s.to_ref().hosts)
    ctx = RoundContext(reference_time=timezone.now(),
                       indicator_set=load_indicator_set(round_.indicator_set),
                       round_name=round_.name, portal_hosts=portal_hosts,
                       lexicon=office_lexicon())
    found = analyse_round_pages([site], pages, link_checks, ctx,
                                selection=Selection.of([rule_id]))[site.code]
    failed = [f for f in found if f.rule_id == FAILURE_RULE]
    if failed:
        raise RecheckError(failed[0].message)
    return [f for f in found if f.rule_id == rule_id]


# ── the re-check ─────────────────────────────────────────────────────────────────────────

def _page_row(url: str, c: CaptureRecord | None) -> dict:
    if c is None:
        return {"url": url, "status": None}
    return {"url": url, "final_url": c.final_url, "status": c.status,
            "content_type": c.content_type, "fetched_at": c.fetched_at,
            "ref": f"{c.warc_file}#{c.warc_offset}"}


def _finish(recheck: Recheck, outcome: str, note: str, move_to: str | None = None,
            reason: str = "") -> Recheck:
    with transaction.atomic():
        if move_to is not None:
            try:
                recheck.entry = platform_transition(recheck.item, move_to, reason)
            except RectifyError as exc:  # a person decided meanwhile: record, do not move
                outcome = RecheckOutcome.INCOMPLETE
                note = f"{note}（未改变状态：{exc}）"
        recheck.outcome, recheck.note, recheck.finished = outcome, note, timezone.now()
        recheck.save()
    return recheck


def _describe(urls) -> str:
    return f"{len(urls)} 个页面" if len(urls) != 1 else "问题页面"


def run_recheck(recheck_id: int, options: CollectOptions | None = None) -> Recheck:
    """Run the recorded re-check ``recheck_id`` (state 复查中) to its outcome."""
    recheck = Recheck.objects.select_related("item", "item__site", "item__round").get(
        pk=recheck_id)
    item = recheck.item
    if recheck.outcome != RecheckOutcome.RUNNING:
        return recheck
    try:
        return _run(recheck, item, options)
    except Exception as exc:  # noqa: BLE001 — a re-check never leaves 复查中 behind
        log.exception("re-check %s of item %s failed", recheck.pk, item.pk)
        return _finish(recheck, RecheckOutcome.INCOMPLETE, f"自动复查出错：{exc}")


def _run(recheck: Recheck, item: Item, options: CollectOptions | None) -> Recheck:
    if item.state != ItemState.FIXED:
        return _finish(recheck, RecheckOutcome.INCOMPLETE,
                       f"事项状态为“{item.state}”，不是“已整改”，未复查")
    what = plan(item)
    if what.manual:
        return _finish(recheck, RecheckOutcome.MANUAL, what.manual)
    site = item.site.to_ref()
    pages: list = []
    checks: list = []
    if what.urls:
        out = Path(settings.WORKSPACE) / recheck.folder
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            fetched = fetch(site, what.urls + what.targets, out, options)
        except RecheckError as exc:
            return _finish(recheck, RecheckOutcome.INCOMPLETE, str(exc))
        recheck.pages = ([_page_row(u, fetched.captures.get(u)) for u in what.urls]
                         + [{**_page_row(u, fetched.captures.get(u)), "target": True}
                            for u in what.targets])
        recheck.save(update_fields=["pages"])
        broken = [p for p in recheck.pages if p["status"] != 200 and not p.get("target")]
        if broken:
            p = broken[0]
            why = f"状态码 {p['status']}" if p["status"] else "未能取得"
            return _finish(recheck, RecheckOutcome.INCOMPLETE,
                           f"页面 {p['url']} 重新抓取失败（{why}），需要人工核验")
        pages, checks = fetched.pages, fetched.link_checks
    found = run_rule(item.rule_id, site, pages, checks, item.round)
    wanted = set(item.fingerprints)
    remaining = [f for f in found if f.fingerprint in wanted]
    recheck.remaining = [{"fingerprint": f.fingerprint, "message": f.message,
                          "url": f.evidence.url, "parent_url": f.evidence.parent_url}
                         for f in remaining]
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    scope = f"{when} 重新抓取{_describe(what.urls)}并运行规则 {item.rule_id}" if what.urls \
        else f"{when} 按名录信息重新运行规则 {item.rule_id}"
    if remaining:
        listed = "；".join(r["message"] for r in recheck.remaining[:5])
        more = f"等 {len(remaining)} 处" if len(remaining) > 5 else ""
        note = f"自动复查：{scope}，原问题仍存在：{listed}{more}"
        return _finish(recheck, RecheckOutcome.FAILED, note, ItemState.FAILED, note)
    note = f"自动复查：{scope}，原问题（{len(wanted)} 处）均未再发现"
    return _finish(recheck, RecheckOutcome.VERIFIED, note, ItemState.VERIFIED, note)


def start_recheck(item: Item) -> Recheck:
    """Record a 复查中 re-check of ``item`` (one at a time: a running one is returned; one
    left running by a process that died is closed as 复查未完成 first)."""
    with transaction.atomic():
        running = item.rechecks.select_for_update().filter(
            outcome=RecheckOutcome.RUNNING).first()
        if running is not None:
            if timezone.now() - running.started < dt.timedelta(seconds=2 * TIMEOUT_S):
                return running
            _finish(running, RecheckOutcome.INCOMPLETE, "自动复查中断（进程已退出），已重新复查")
        return Recheck.objects.create(item=item)


def recheck_item(item: Item | int, options: CollectOptions | None = None) -> Recheck:
    """Re-check ``item`` (or its id) now and return the finished re-check — the plain
    service a worker's task calls (blocking: it fetches pages)."""
    if not isinstance(item, Item):
        item = Item.objects.get(pk=item)
    return run_recheck(start_recheck(item).pk, options)


def _in_thread(recheck_id: int) -> None:
    def work() -> None:
        try:
            run_recheck(recheck_id)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"govinspect-recheck-{recheck_id}", daemon=True).start()


def submit_recheck(item: Item) -> Recheck | None:
    """After a unit marked ``item`` 已整改: record and run its re-check as the setting
    ``GOVINSPECT_RECHECK`` says — ``thread`` (default: a thread of this process), ``sync``
    (now, in the caller), ``off`` (none: a person verifies), or ``module.path:callable``
    (called with the item after the commit, e.g.
    ``govinspect.web.pipeline.queue:enqueue_recheck``: the worker's ``recheck_item`` then
    runs the 复查中 re-check recorded here)."""
    mode = getattr(settings, "GOVINSPECT_RECHECK", "thread")
    if mode == "off":
        return None
    recheck = start_recheck(item)
    if mode == "sync":
        return run_recheck(recheck.pk)
    if mode == "thread":
        transaction.on_commit(lambda: _in_thread(recheck.pk))
    else:
        runner = import_string(mode.replace(":", "."))
        transaction.on_commit(lambda: runner(item))
    return recheck
