"""``collect_sites``: crawl a list of sites into WARC + captures.jsonl + links.jsonl.

Runs Scrapy in-process with ``CrawlerProcess``. Twisted's reactor can run only once per
process, so ``collect_sites`` can be called once per process; a caller that needs more (a
worker, a test, a round that collects again) uses ``python -m govinspect.collect`` or
``collect_sites_subprocess``, which run the same function in a fresh process.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govinspect.collect.classify import numeric_ip
from govinspect.collect.ledger import Ledger
from govinspect.collect.options import (
    CollectOptions,
    CollectSummary,
    ProgressEvent,
    SiteSummary,
)
from govinspect.collect.pipelines import (
    ATTACHMENTS,
    CAPTURES_PART,
    JOURNAL,
    LINKS_PENDING,
    DurableLines,
)
from govinspect.collect.warc import repair as repair_warc
from govinspect.core.types import LinkFailure, SiteKind, SiteRef

__all__ = [
    "CollectError",
    "CollectOptions",
    "CollectSummary",
    "ProgressEvent",
    "SiteSummary",
    "build_settings",
    "collect_sites",
    "collect_sites_subprocess",
    "load_sites",
    "sites_to_json",
]

CAPTURES = "captures.jsonl"
LINKS = "links.jsonl"
SUMMARY = "summary.json"
RUN = "run.json"  # the run's sites; present from the start, so an unfinished run can resume
TRANSPORT = "transport.jsonl"
FAULTS = "faults.jsonl"  # one line per fault met: see _write_faults
OTHER_LINKS = "links_other.jsonl"  # links that are not HTTP(S) URLs (mailto:, file:, invalid)
LOCK = ".lock"  # held by the process writing the folder (flock; released when it dies)
LOCK_WAIT_S = 60.0  # a killed run's children may take a moment to die


class CollectError(ValueError):
    """Bad input or an unusable output folder; the message is for the office (zh-hans)."""


# --- settings ---------------------------------------------------------------------------

ROBOTS_MAX_BYTES = 1 << 20  # robots.txt (Google reads 500 KiB)


def build_settings(options: CollectOptions, out_dir: Path) -> dict[str, Any]:
    """The Scrapy settings of a collect run; ``options.scrapy_settings`` wins over these."""
    pkg = "govinspect.collect"
    settings: dict[str, Any] = {
        "BOT_NAME": "govinspect",
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "CONCURRENT_REQUESTS": options.total_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.per_host_concurrency,
        "DOWNLOAD_DELAY": options.download_delay,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(options.download_delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.per_host_concurrency),
        # Total time of one request (connect, TLS, headers, body): Scrapy cancels the
        # download when it passes, however slowly the server keeps sending.
        "DOWNLOAD_TIMEOUT": options.timeout_s,
        "DNS_TIMEOUT": options.timeout_s,
        # For requests without a role (robots.txt): pages, attachments and checks are cut at
        # their own caps instead of failing (CheckBodyCap, CappedCompressionMiddleware).
        "DOWNLOAD_MAXSIZE": ROBOTS_MAX_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_FAIL_ON_DATALOSS": False,  # keep what a broken server sent, flagged
        "TWISTED_DNS_RESOLVER": f"{pkg}.resolver.GovResolver",
        "RETRY_TIMES": options.retry_times,
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",  # a dead link is a fact, not an error
        "REDIRECT_MAX_TIMES": options.max_redirects,
        "HTTPERROR_ALLOW_ALL": True,
        # One item per page and a synchronous pipeline: Scrapy's default (100) starts 100
        # worker tasks for every callback's output, which costs more than the page itself.
        "CONCURRENT_ITEMS": 4,
        # Depth (bounded by the ledger, per site), breadth-first priorities, Referer and the
        # URL length bound are set by the spider as it makes each request (spider.py);
        # Scrapy's middlewares for them, and the meta-copy debugging aid, each wrapped every
        # callback's output in another async generator.
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
            "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
        },
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{pkg}.middlewares.BackoffRetryMiddleware": 550,
            f"{pkg}.middlewares.RedirectCycleMiddleware": 650,
            # Scrapy's redirects, meta refresh and decompression, kept inside the roster and
            # under the caps (middlewares.py)
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            f"{pkg}.middlewares.ScopedRedirectMiddleware": 600,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            f"{pkg}.middlewares.CappedCompressionMiddleware": 590,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            f"{pkg}.middlewares.ScopedMetaRefreshMiddleware": 580,
            f"{pkg}.middlewares.WarcMiddleware": 950,
            # Request/response byte counts for the stats we never read: a header walk per hop.
            "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
            # Scope is the ledger's (the spider has no allowed_domains); no HTTP auth.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
        },
        # Scrapy's, with the per-host limit kept under asyncio (see PoliteDownloader).
        "DOWNLOADER": f"{pkg}.middlewares.PoliteDownloader",
        "DOWNLOAD_HANDLERS": {"http": f"{pkg}.middlewares.PooledHTTP11DownloadHandler",
                              "https": f"{pkg}.middlewares.PooledHTTP11DownloadHandler"},
        # Scrapy re-parses a callback's source (inspect + ast) on every response to warn about
        # generators that return a value: its cache is keyed by the bound method, which is new
        # each time. It was ~10% of the crawl's CPU.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "EXTENSIONS": {f"{pkg}.middlewares.CheckBodyCap": 500,
                       # Off below anyway; not even imported (remote control pulls in aiohttp:
                       # a tenth of a second at every worker's start).
                       "scrapy.extensions.remote_control.RemoteControl": None,
                       "scrapy.extensions.telnet.TelnetConsole": None},
        "ITEM_PIPELINES": {f"{pkg}.pipelines.CollectPipeline": 300},
        # No control ports: the telnet console and the remote-control HTTP server (which
        # executes code sent to it) have no place on an inspection worker.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": options.log_level,
        "LOG_INSTALL_ROOT_HANDLER": False,  # the caller (CLI, worker) owns logging
        "GOVINSPECT_OUT_DIR": str(out_dir),
        "GOVINSPECT_RESOLVE": options.resolve,
        "GOVINSPECT_ALLOW_PRIVATE": options.allow_private,
        "GOVINSPECT_PRIVATE_HOSTS": list(options.private_hosts),
        "GOVINSPECT_SCOPE": list(options.roster_hosts or ()),
        "GOVINSPECT_PAGE_BYTES": options.max_download_bytes,
        "GOVINSPECT_WARC_MAX_BYTES": options.warc_max_bytes,
        "GOVINSPECT_RETRY_BACKOFF": options.retry_backoff_s,
        "GOVINSPECT_RETRY_AFTER_MAX": options.retry_after_max_s,
        "GOVINSPECT_CHECK_BODY_BYTES": options.check_body_bytes,
        "GOVINSPECT_ATTACHMENT_BYTES": options.attachment_max_bytes,
    }
    settings.update(options.scrapy_settings)
    return settings


# --- input ------------------------------------------------------------------------------

def _validate(sites: list[SiteRef]) -> None:
    if not sites:
        raise CollectError("采集清单为空：至少需要一个网站")
    seen: set[str] = set()
    for i, site in enumerate(sites, 1):
        where = f"第 {i} 个网站（{site.code or '无标识码'}）"
        if not site.code:
            raise CollectError(f"{where}缺少网站标识码")
        if site.code in seen:
            raise CollectError(f"{where}：网站标识码重复")
        seen.add(site.code)
        parts = urlsplit(site.homepage)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CollectError(f"{where}的首页地址无效：{site.homepage!r}")
        if site.hosts and site.hosts[0].lower() != parts.hostname.lower():
            raise CollectError(f"{where}：hosts 的第一个应为首页域名 {parts.hostname}")


def load_sites(path: Path) -> list[SiteRef]:
    """Read a SITES.json (a list of {code, name, homepage, kind, hosts})."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise CollectError(f"找不到网站清单文件：{path}") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CollectError(f"网站清单文件 {path} 不是有效的 JSON：{e}") from e
    if not isinstance(data, list):
        raise CollectError(f"网站清单文件 {path} 应为 JSON 数组")
    sites = []
    for i, row in enumerate(data, 1):
        try:
            kind = row.get("kind", SiteKind.PORTAL.value)
            kind = SiteKind[kind] if kind in SiteKind.__members__ else SiteKind(kind)
            homepage = row["homepage"]
            hosts = tuple(row.get("hosts") or (urlsplit(homepage).hostname or "",))
            sites.append(SiteRef(code=str(row["code"]), name=row.get("name", ""),
                                 homepage=homepage, kind=kind, hosts=hosts))
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise CollectError(f"网站清单文件 {path} 第 {i} 项有误：{e!r}") from e
    return sites


def sites_to_json(sites: list[SiteRef]) -> str:
    return json.dumps([{**asdict(s), "kind": s.kind.value, "hosts": list(s.hosts)}
                       for s in sites], ensure_ascii=False, indent=1)


def roster_hosts(sites: list[SiteRef]) -> list[str]:
    """Every host of every site (homepage host and declared aliases) and its ``www.`` twin
    (``shishi.gov.cn`` ↔ ``www.shishi.gov.cn``: the commonest redirect of a homepage, rarely
    declared), lower case, sorted."""
    hosts = {h.lower().rstrip(".") for s in sites
             for h in (s.hosts or (urlsplit(s.homepage).hostname or "",)) if h}
    twins = {h[4:] if h.startswith("www.") else f"www.{h}" for h in hosts
             if not numeric_ip(h) and "." in (h[4:] if h.startswith("www.") else h)}
    return sorted(hosts | twins)


def lock_out_dir(out_dir: Path) -> int:
    """Hold ``OUT/.lock`` (flock) for this process: two collects never write one folder, and
    a resume waits for the children of a killed run to be gone. The descriptor is the lock."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise CollectError(f"另一个采集进程正在写入输出目录 {out_dir}；"
                                   f"请等它结束，或换一个目录") from None
            time.sleep(0.1)


def _seed_journal(out_dir: Path, sites: list[SiteRef]) -> None:
    """The journal of a fresh run, before the first request: the homepages to fetch. A kill
    at any moment from here on resumes with them (nothing to resume from is a lost crawl)."""
    from govinspect.collect.ledger import url_key

    with open(out_dir / JOURNAL, "w", encoding="utf-8") as fh:
        for site in sites:
            fh.write(json.dumps(["want", site.code, site.homepage, url_key(site.homepage), 0,
                                 None, False], ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _prepare_out_dir(out_dir: Path, sites: list[SiteRef], sharded: bool = False) -> dict | None:
    """Make ``out_dir`` ready. A finished crawl (summary.json) is refused; an unfinished one
    (run.json without summary.json) is repaired for resuming and its run state returned.
    ``sharded``: the parent of worker processes, whose own files are only merge outputs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    warc = out_dir / "warc"
    run_file = out_dir / RUN
    if (out_dir / SUMMARY).exists():
        raise CollectError(f"输出目录 {out_dir} 中的采集已经完成，请换一个空目录")
    if not run_file.exists():
        if (out_dir / CAPTURES).exists() or (out_dir / CAPTURES_PART).exists() or \
                (warc.exists() and any(warc.iterdir())):
            raise CollectError(f"输出目录 {out_dir} 中已有采集结果，请换一个空目录")
        for stale in (LINKS_PENDING, LINKS + ".part", ATTACHMENTS, JOURNAL):
            (out_dir / stale).unlink(missing_ok=True)
        if not sharded:
            _seed_journal(out_dir, sites)
        # run.json last: from here on the folder is an unfinished run, resumed by the same
        # command (before it, a fresh start).
        _atomic_write(run_file, json.dumps({"sites": json.loads(sites_to_json(sites)),
                                            "resumed": 0}, ensure_ascii=False))
        return None
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise CollectError(f"输出目录 {out_dir} 中的 {RUN} 已损坏，无法续采：{e}") from e
    if run.get("sites") != json.loads(sites_to_json(sites)):
        raise CollectError(f"输出目录 {out_dir} 中有未完成的采集，但网站清单与本次不同；"
                           f"请使用相同的清单续采，或换一个空目录")
    if not sharded:
        _repair_for_resume(out_dir, sites)
    run["resumed"] = int(run.get("resumed", 0)) + 1
    _atomic_write(run_file, json.dumps(run, ensure_ascii=False))
    return run


def _repair_for_resume(out_dir: Path, sites: list[SiteRef]) -> None:
    """Cut what a kill left half-written; drop the link lines of uncommitted pages."""
    # Killed after captures.jsonl was renamed but before summary.json: undo the rename.
    if (out_dir / CAPTURES).exists() and not (out_dir / CAPTURES_PART).exists():
        os.replace(out_dir / CAPTURES, out_dir / CAPTURES_PART)
    for name in (LINKS + ".part", FAULTS + ".part", OTHER_LINKS + ".part"):
        (out_dir / name).unlink(missing_ok=True)
    for name in (CAPTURES_PART, LINKS_PENDING, ATTACHMENTS, JOURNAL):
        cut_partial_line(out_dir / name)
    if not (out_dir / JOURNAL).exists() or (out_dir / JOURNAL).stat().st_size == 0:
        _seed_journal(out_dir, sites)  # a run from before the journal was seeded
    # Link lines of a page whose capture line never made it: that page is fetched again.
    done = {(r["site_code"], r["url"]) for r in _read_lines(out_dir / CAPTURES_PART)}
    pending = out_dir / LINKS_PENDING
    if pending.exists():
        tmp = pending.with_name(pending.name + ".tmp")
        with open(pending, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
            for line in src:
                row = json.loads(line)
                if (row[0], row[1]) in done:
                    dst.write(line)
        os.replace(tmp, pending)
    warc = out_dir / "warc"
    if warc.exists():
        repair_warc(warc)


def cut_partial_line(path: Path) -> None:
    """Drop a torn last line (a kill in the middle of a write)."""
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(max(0, size - (1 << 16)))
        tail = fh.read()
        if tail.endswith(b"\n"):
            return
        nl = tail.rfind(b"\n")
        if nl < 0 and size > len(tail):  # a line longer than 64 KiB: search further back
            fh.seek(0)
            tail = fh.read()
            nl = tail.rfind(b"\n")
            fh.truncate(nl + 1 if nl >= 0 else 0)
            return
        fh.truncate(size - len(tail) + nl + 1 if nl >= 0 else 0)


def _read_lines(path: Path) -> list:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _reactor_already_ran() -> bool:
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import reactor

    return bool(getattr(reactor, "_startedBefore", False) or getattr(reactor, "running", False))


# --- run --------------------------------------------------------------------------------

def collect_sites(
    sites: list[SiteRef],
    out_dir: Path,
    options: CollectOptions | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
) -> CollectSummary:
    """Crawl ``sites`` into ``out_dir``. Once per process (Twisted's reactor cannot restart)."""
    options = options or CollectOptions()
    out_dir = Path(out_dir)
    _validate(sites)
    if options.roster_hosts is None:
        options = replace(options, roster_hosts=roster_hosts(sites))
    if options.workers > 1 and len(sites) > 1:
        from govinspect.collect.shards import collect_sharded

        lock = lock_out_dir(out_dir)
        try:
            return collect_sharded(sites, out_dir, options, progress,
                                   lambda d, s: _prepare_out_dir(d, s, sharded=True))
        finally:
            os.close(lock)
    if _reactor_already_ran():
        raise CollectError("本进程已运行过一次采集（Twisted reactor 不能重启）；"
                           "请改用 python -m govinspect.collect 或 collect_sites_subprocess")
    lock = lock_out_dir(out_dir)
    try:
        return _collect(sites, out_dir, options, progress)
    finally:
        os.close(lock)


def _collect(sites: list[SiteRef], out_dir: Path, options: CollectOptions,
             progress: Callable[[ProgressEvent], None] | None) -> CollectSummary:
    run = _prepare_out_dir(out_dir, sites)

    from scrapy.crawler import CrawlerProcess

    from govinspect.collect.spider import GovSpider

    started = datetime.now(UTC)
    t0 = time.monotonic()
    ledger = Ledger(sites, options, progress)
    for st in ledger.sites.values():
        st.guard.calendar_past_years = options.calendar_past_years
        st.guard.calendar_future_years = options.calendar_future_years
        st.guard.max_pagination = options.max_pagination
    # A fresh run's journal holds its homepages; an interrupted one's, everything scheduled.
    ledger.restore(_read_lines(out_dir / JOURNAL), _read_lines(out_dir / CAPTURES_PART),
                   _read_lines(out_dir / LINKS_PENDING), _read_lines(out_dir / ATTACHMENTS))
    if run is not None:
        # Pages fetched and archived but not yet written at the kill: parse them from the
        # WARC instead of fetching them again (the last file: where the kill happened).
        warcs = sorted((out_dir / "warc").glob("govinspect-*.warc.gz"))
        wanted = {k for st in ledger.sites.values() for k in st.frontier}
        if warcs and wanted:
            from govinspect.collect.ledger import url_key
            from govinspect.collect.warc import final_responses

            ledger.replay = {k: (warcs[-1], off, url) for k, (off, url) in
                             final_responses(warcs[-1], wanted, url_key).items()}
    journal = DurableLines(out_dir / JOURNAL)
    ledger.journal = lambda ev: journal.write(json.dumps(ev, ensure_ascii=False) + "\n")
    # Scrapy leaves the root logger at NOTSET without its own handler; keep the caller's
    # handlers quiet (a DEBUG line per item would also cost real time). Set before and after:
    # CrawlerProcess logs at start-up and reconfigures logging.
    quiet = ("scrapy", "twisted", "govinspect.collect")
    for name in quiet:
        logging.getLogger(name).setLevel(options.log_level)
    process = CrawlerProcess(build_settings(options, out_dir))
    for name in quiet:
        logging.getLogger(name).setLevel(options.log_level)
    crawler = process.create_crawler(GovSpider)
    process.crawl(crawler, ledger=ledger)
    try:
        process.start(
            install_signal_handlers=threading.current_thread() is threading.main_thread())
    finally:
        journal.close()
    if not (out_dir / CAPTURES_PART).exists():
        raise CollectError(f"采集未能启动，输出目录 {out_dir} 未写入结果（详见日志）")
    if crawler.stats.get_value("finish_reason") not in ("finished", None):
        raise CollectError(f"采集被中断（{crawler.stats.get_value('finish_reason')}）；"
                           f"用同样的命令再运行一次即可从中断处继续")

    for st in ledger.sites.values():
        st.summary.traps = st.guard.report()
    probe_faults: list[dict] = []
    if options.probe_transport:
        from govinspect.collect.transport_probe import probe_faults as transport_faults
        from govinspect.collect.transport_probe import probe_sites

        facts = probe_sites(sites, options)
        with open(out_dir / (TRANSPORT + ".part"), "w", encoding="utf-8") as fh:
            for code, row in facts.items():
                ledger.sites[code].summary.transport = row["facts"]
                fh.write(json.dumps({"site_code": code, **row}, ensure_ascii=False) + "\n")
                probe_faults.extend(transport_faults(code, row))
        os.replace(out_dir / (TRANSPORT + ".part"), out_dir / TRANSPORT)
    captures = _read_lines(out_dir / CAPTURES_PART)
    if options.probe_search:
        from govinspect.collect.search_probe import probe_faults as search_faults
        from govinspect.collect.search_probe import summary_of, write_search

        # After the crawl, from its captures (the WARC files are closed by now). A crash here
        # leaves the run unfinished: running it again resumes an empty crawl and probes again.
        for code, row in write_search(out_dir, sites, options, captures).items():
            ledger.sites[code].summary.search = summary_of(row)
            probe_faults.extend(search_faults(code, row))
    link_total, link_faults = _write_links(out_dir, ledger)
    _write_faults(out_dir, ledger, captures, [*link_faults, *probe_faults])
    del captures
    os.replace(out_dir / CAPTURES_PART, out_dir / CAPTURES)
    writer = getattr(crawler, "govinspect_warc", None)
    summary = CollectSummary(
        out_dir=str(out_dir),
        started_at=started.isoformat(),
        finished_at=datetime.now(UTC).isoformat(),
        elapsed_s=round(time.monotonic() - t0, 3),
        pages_total=ledger.pages_total,
        link_checks_total=link_total,
        targets_checked=ledger.targets_checked,
        warc_files=list(writer.files) if writer else [],
        sites={code: st.summary for code, st in ledger.sites.items()},
        notes=_notes(ledger),
        resumed=run["resumed"] if run else 0,
    )
    _atomic_write(out_dir / SUMMARY, json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    # Only now is the run finished: the resume state goes.
    (out_dir / LINKS_PENDING).unlink(missing_ok=True)
    (out_dir / JOURNAL).unlink(missing_ok=True)
    ledger.emit("", done=True)
    return summary


def _write_links(out_dir: Path, ledger: Ledger) -> tuple[int, list[dict]]:
    """Join every link occurrence with the status of its target → links.jsonl; the links
    that are no HTTP(S) URL → links_other.jsonl. Returns the links.jsonl count and one fault
    per site and target whose status carries a detail (refused by policy, redirect to a
    non-HTTP scheme or out of the roster)."""
    pending = out_dir / LINKS_PENDING
    part = out_dir / (LINKS + ".part")
    other_part = out_dir / (OTHER_LINKS + ".part")
    total = 0
    faults: dict[tuple[str, str], dict] = {}
    with open(pending, encoding="utf-8") as src, \
            open(part, "w", encoding="utf-8", buffering=1 << 20) as dst, \
            open(other_part, "w", encoding="utf-8", buffering=1 << 16) as other:
        for line in src:
            row = json.loads(line)
            site, parent, page_links = row[0], row[1], row[2]
            summary = ledger.sites[site].summary
            for url, key, text, cls, kind in page_links:
                found = ledger.status.get(key)
                if found is None:
                    summary.unchecked_links += 1
                    continue
                status, failure = found
                out = {"site_code": site, "parent_url": parent, "url": url, "text": text,
                       "link_class": cls, "resource_kind": kind, "status": status,
                       "failure": failure.value if failure else None}
                detail = ledger.detail.get(key)
                if detail is not None:
                    out["detail"] = detail
                if detail is not None and cls != "in_site":
                    # (The site's own pages and attachments record their faults themselves.)
                    faults.setdefault((site, url), {
                        "site_code": site, "url": url, "parent_url": parent, **detail,
                        "kind": detail.get("kind", "link"), "status": status,
                        "failure": failure.value if failure else None})
                dst.write(json.dumps(out, ensure_ascii=False))
                dst.write("\n")
                total += 1
                summary.link_checks += 1
                if failure is LinkFailure.BLOCKED:
                    summary.blocked_links += 1
                elif failure is not None:
                    summary.broken_links += 1
            for raw, text, cls, scheme in (row[3] if len(row) > 3 else ()):
                other.write(json.dumps({"site_code": site, "parent_url": parent, "url": raw,
                                        "text": text, "link_class": cls, "scheme": scheme},
                                       ensure_ascii=False) + "\n")
                if cls == "invalid":
                    faults.setdefault((site, raw), {
                        "site_code": site, "kind": "invalid_link", "url": raw,
                        "parent_url": parent})
    os.replace(other_part, out_dir / OTHER_LINKS)
    os.replace(part, out_dir / LINKS)
    return total, list(faults.values())


def _write_faults(out_dir: Path, ledger: Ledger, captures: list[dict],
                  extra: list[dict]) -> None:
    """faults.jsonl: one line per fault met, ``{"site_code", "kind", "url", …}`` (kinds in
    docs/collect.md): the page-level ones from the capture lines (with the capture's WARC
    reference), failed and offsite pages from the ledger, link targets and probes from
    ``extra``. Written whole at the end (a resume writes it again)."""
    rows: list[dict] = []
    for cap in captures:
        for fault in cap.get("faults") or ():
            rows.append({"site_code": cap["site_code"], "url": cap["url"], **fault,
                         "warc_file": cap["warc_file"], "warc_offset": cap["warc_offset"]})
    rows.extend(ledger.faults.values())
    rows.extend(extra)
    part = out_dir / (FAULTS + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            st = ledger.sites.get(row["site_code"])
            if st is not None:
                st.summary.faults += 1
                st.fault_kinds[row["kind"]] = st.fault_kinds.get(row["kind"], 0) + 1
    os.replace(part, out_dir / FAULTS)


FAULT_NAMES = {  # zh-hans, for the notes
    "page_failed": "页面无法获取", "offsite_redirect": "跳转到名单以外的网站",
    "non_http_redirect": "跳转到非网页地址", "invalid_redirect": "跳转地址无效",
    "policy_refused": "指向内网或保留地址（已拒绝访问）", "invalid_link": "链接地址无效",
    "body_cut": "内容过大或不完整（已截断）", "empty_html": "空白网页", "parse_cut": "标签过多（未全部解析）",
    "links_cut": "链接过多（未全部记录）", "transport_probe": "传输安全检测异常",
    "search_probe": "站内搜索检测异常",
}


def _notes(ledger: Ledger) -> list[str]:
    notes = []
    o = ledger.options
    for st in ledger.sites.values():
        s = st.summary
        name = f"{st.site.name or st.site.code}（{st.site.code}）"
        if s.page_cap_hit:
            notes.append(f"{name}页面数达到上限 {o.max_pages_per_site}，其余页面未采集")
        if s.depth_cap_hit:
            notes.append(f"{name}存在深度超过 {o.max_depth} 层的页面，未继续采集")
        if s.robots_disallowed:
            notes.append(f"{name}有 {s.robots_disallowed} 个页面被 robots.txt 禁止采集，仅检查了状态")
        if s.homepage_failure:
            notes.append(f"{name}首页无法正常访问（{s.homepage_failure}）")
        if s.unchecked_links:
            notes.append(f"{name}有 {s.unchecked_links} 处链接未检查（超出采集上限）")
        if s.homepage_redirect:
            notes.append(f"{name}首页跳转到名单以外的网站 {s.homepage_redirect}，未作为本站首页采集")
        if st.fault_kinds:
            parts = "，".join(f"{FAULT_NAMES.get(k, k)} {n}" for k, n in sorted(st.fault_kinds.items()))
            notes.append(f"{name}采集中记录异常 {s.faults} 项（{parts}），详见 {FAULTS}")
        for trap in s.traps:
            kind = {"calendar": "日历", "session": "会话标识", "pagination": "无尽翻页"}.get(
                trap["kind"], trap["kind"])
            notes.append(f"{name}发现{kind}陷阱 {trap['pattern']}，已截断 {trap['cut']} 个地址")
    if o.probe_transport and o.resolve is not None and o.resolve6 is None \
            and not any(":" in ip for ip in o.resolve.values()):
        notes.append("指定的域名解析表中没有IPv6（AAAA）记录，本次未检测IPv6改造（W-D29）")
    return notes


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- in a fresh process -----------------------------------------------------------------

def collect_sites_subprocess(
    sites: list[SiteRef],
    out_dir: Path,
    options: CollectOptions | None = None,
    timeout: float | None = None,
) -> CollectSummary:
    """Same as ``collect_sites`` in a fresh Python process (a fresh reactor each time)."""
    options = options or CollectOptions()
    _validate(sites)
    with tempfile.TemporaryDirectory(prefix="govinspect-collect-") as tmp:
        sites_json = Path(tmp) / "sites.json"
        opts_json = Path(tmp) / "options.json"
        sites_json.write_text(sites_to_json(sites), encoding="utf-8")
        opts_json.write_text(json.dumps(options.to_dict(), ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "govinspect.collect", str(sites_json), str(out_dir),
             "--options", str(opts_json), "--quiet"],
            capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise CollectError(f"采集子进程失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-2000:]}")
    return read_summary(Path(out_dir))


def read_summary(out_dir: Path) -> CollectSummary:
    return CollectSummary.from_dict(
        json.loads((Path(out_dir) / SUMMARY).read_text(encoding="utf-8")))
